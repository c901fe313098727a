"""A grant's way through the library (issue 12): proposal routed by the competence plan, four
eyes, the paying area's approval above the agreed ceiling, commitments split exactly and kept
with the key version, end and withdrawal, one audit entry per decision — and two area chiefs
deciding the same grant at once on PostgreSQL with two real connections (acceptance 3)."""

from __future__ import annotations

import threading
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from tvaers import access
from tvaers.core.cpr import Pseudonymiser
from tvaers.core.errors import AccessRefused
from tvaers.core.money import from_ore
from tvaers.principles import catalogue, inbox, service
from tvaers.principles.grant_decisions import GrantConflict, decide, end, withdraw
from tvaers.principles.grants import Proposal, propose
from tvaers.principles.model import PrinciplesError
from tvaers.selection import bases, decisions
from tvaers.store import users
from tvaers.store.models import AuditEntry, Solution
from tvaers.store.models_principles import Grant, GrantCommitment, GrantDecision

from .conftest import PASSWORD, TEST_KEY, seeded_app

FURESOE = "Tværgående løsning i Furesø"  # granted in the solution, paid on the areas (adskilt)
CITIZEN = Pseudonymiser(TEST_KEY.encode()).pseudonym("1503851236")
START, END = date(2026, 1, 1), date(2026, 12, 31)


def _setup(session) -> None:  # type: ignore[no-untyped-def]
    service.import_plan(session, None, service.preset_plan_text())
    service.load_example_placements(session)
    solution = session.scalars(select(Solution).where(Solution.name == FURESOE)).one()
    bases.record_selection_basis(session, solution.id, "legal_basis", "Rsl. § 11 c, j.nr. 1",
                                 date(2025, 1, 1), "solution-leader")  # fmt: skip
    decisions.assess(session, solution.id, "citizen", CITIZEN, "accepted", "high", "high", None,
                     "caseworker", "Rsl. § 11 c", enrol_on=date(2025, 12, 1),
                     assessed_on=date(2025, 12, 1))  # fmt: skip
    for name in ("chief-a", "chief-b"):
        users.add(session, name, name, "area_chief", PASSWORD, sector_area="children")
    users.add(session, "chief-adults", "Voksenchef", "area_chief", PASSWORD, sector_area="adults")


@pytest.fixture
def app(settings):  # type: ignore[no-untyped-def]
    app = seeded_app(settings, extra=_setup)
    yield app
    app.state.engine.dispose()


def _actor(session, name: str, purpose: str = "casework") -> access.Actor:  # type: ignore[no-untyped-def]
    return access.actor_for(session, name, purpose)


def _solution(session) -> int:  # type: ignore[no-untyped-def]
    return session.scalars(select(Solution.id).where(Solution.name == FURESOE)).one()


def _propose(app, units: str = "40", who: str = "caseworker", **extra) -> int:  # type: ignore[no-untyped-def]
    cat = catalogue.loaded(app.state.settings)
    with app.state.sessions() as session:
        proposal = Proposal(
            solution_id=_solution(session), unit="citizen", subject=CITIZEN,
            intervention="015011", start=START, end=END,
            justification="Familien har brug for intensiv familiebehandling.",
            expected_effect="Barnet bliver i hjemmet; anbringelse undgås.",
            units_per_month=Decimal(units), **extra,
        )  # fmt: skip
        grant = propose(session, _actor(session, who), cat, proposal)
        session.commit()
        return grant.id


def test_a_grant_above_the_area_ceiling_needs_the_level_and_the_paying_chief(app) -> None:  # type: ignore[no-untyped-def]
    grant_id = _propose(app)  # 40 hours × 705,50 kr. × 12 months = 338.640 kr.
    with app.state.sessions() as session:
        grant = session.get(Grant, grant_id)
        assert from_ore(grant.monthly_ore) == Decimal("28220.00")
        assert from_ore(grant.total_ore) == Decimal("338640.00")
        # above the committee's general 300.000 a year, within its 500.000 for children
        assert grant.level == "committee"
        assert [r["key"] for r in grant.requirements] == ["level:committee", "area:children"]
        assert (grant.granting, grant.paying) == ("solution", "areas")
        # the proposer never decides their own grant
        with pytest.raises(PrinciplesError, match="fire øjne"):
            decide(session, _actor(session, "caseworker"), grant_id, True)
        # the adults' chief may not approve for children; no role, no decision
        with pytest.raises(PrinciplesError, match="Den venter på"):
            decide(session, _actor(session, "chief-adults"), grant_id, True,
                   requirement="area:children")  # fmt: skip
        decide(session, _actor(session, "solution-leader"), grant_id, True, "Fagligt velbegrundet")
        session.commit()
        assert session.get(Grant, grant_id).status == "proposed"
        assert [g.id for g, _ in inbox.waiting_for(session, _actor(session, "chief-a"))] == [
            grant_id
        ]
        assert inbox.waiting_for(session, _actor(session, "chief-adults")) == []
        assert inbox.committed(session, "children") == []  # nothing before it is approved
        decide(session, _actor(session, "chief-a"), grant_id, True, "OK fra Børn og Familie")
        session.commit()
        grant = session.get(Grant, grant_id)
        assert grant.status == "approved"
        months = inbox.committed(session, "children")
        assert len(months) == 12
        assert sum(m.amount_ore for m in months) == grant.total_ore
        assert {m.amount_ore for m in months} == {2_822_000}
        kinds = session.scalars(select(GrantDecision.kind).where(
            GrantDecision.grant_id == grant_id).order_by(GrantDecision.id)).all()  # fmt: skip
        assert kinds == ["proposal", "approval", "approval"]
        logged = session.scalars(select(AuditEntry.action).where(
            AuditEntry.action.like("bevilling_%")).order_by(AuditEntry.id)).all()  # fmt: skip
        assert logged == ["bevilling_indstillet", "bevilling_godkendt", "bevilling_godkendt"]
        # every decision recorded leaves exactly one audit entry
        assert len(logged) == session.scalar(select(func.count()).where(
            GrantDecision.grant_id == grant_id))  # fmt: skip
        # a decision is final
        with pytest.raises(GrantConflict, match="kan ikke afgøres igen"):
            decide(session, _actor(session, "chief-b"), grant_id, False, "Nej")


def test_a_small_grant_goes_to_the_caseworker_level_and_needs_no_area(app) -> None:  # type: ignore[no-untyped-def]
    cat = catalogue.loaded(app.state.settings)
    with app.state.sessions() as session:
        proposal = Proposal(
            solution_id=_solution(session), unit="citizen", subject=CITIZEN, intervention="LAB31",
            start=date(2026, 3, 1), end=date(2026, 5, 31), justification="Mentor",
            expected_effect="Fastholdelse i praktik", monthly_amount=Decimal("8333.33"),
        )  # fmt: skip
        grant = propose(session, _actor(session, "solution-leader"), cat, proposal)
        assert from_ore(grant.total_ore) == Decimal("24999.99")
        assert grant.level == "caseworker"
        assert [r["key"] for r in grant.requirements] == ["level:caseworker"]
        assert grant.shares == [["employment", "100%"]]


def test_rejection_withdrawal_and_end_leave_final_records(app) -> None:  # type: ignore[no-untyped-def]
    rejected, withdrawn, ended = _propose(app), _propose(app, "10"), _propose(app, "2")
    with app.state.sessions() as session:
        with pytest.raises(PrinciplesError, match="begrundelsen for afslaget"):
            decide(session, _actor(session, "chief-a"), rejected, False)
        decide(
            session, _actor(session, "chief-a"), rejected, False, "For dyrt i forhold til effekt"
        )
        withdraw(session, _actor(session, "caseworker"), withdrawn, "Familien flytter")
        decide(session, _actor(session, "solution-leader"), ended, True)
        session.commit()
        assert session.get(Grant, ended).status == "approved"  # 2 × 705,50 × 12: caseworker?
        before = session.scalar(select(func.sum(GrantCommitment.amount_ore)).where(
            GrantCommitment.grant_id == ended))  # fmt: skip
        end(session, _actor(session, "caseworker"), ended, date(2026, 6, 15), "Målet er nået")
        session.commit()
        after = session.scalar(select(func.sum(GrantCommitment.amount_ore)).where(
            GrantCommitment.grant_id == ended))  # fmt: skip
        assert (session.get(Grant, rejected).status, session.get(Grant, withdrawn).status) == (
            "rejected", "withdrawn")  # fmt: skip
        assert session.get(Grant, ended).status == "ended"
        # January-May in full and 15 of June's 30 days: 5,5 months of 1.411 kr.
        assert after == 141_100 * 5 + 70_550
        assert before > after
        assert inbox.committed(session, "children", first=date(2026, 7, 1)) == []
        rejected_months = session.scalar(select(func.count()).where(
            GrantCommitment.grant_id == rejected))  # fmt: skip
        assert rejected_months == 0  # a rejected grant is never a commitment


def test_a_key_splits_the_commitments_and_keeps_its_version(app) -> None:  # type: ignore[no-untyped-def]
    with app.state.sessions() as session:
        solution = _solution(session)
        version = service.propose_key(
            session, _actor(session, "solution-leader", "statistical"), "furesoe-familie",
            {"shares": {"children": "1/3", "employment": "1/3", "adults": "1/3"}},
            "Familiebehandling gavner hele familien", date(2026, 1, 1), solution_id=solution,
        )  # fmt: skip
        with pytest.raises(AccessRefused, match="kræver en af rollerne: Fagchef"):
            service.decide_key(session, _actor(session, "solution-leader", "statistical"),
                               "furesoe-familie", version.version, True)  # fmt: skip
        service.decide_key(session, _actor(session, "chief-a", "statistical"),
                           "furesoe-familie", version.version, True)  # fmt: skip
        session.commit()
    grant_id = _propose(app, "1", key="furesoe-familie")  # 705,50 a month
    with app.state.sessions() as session:
        decide(session, _actor(session, "solution-leader"), grant_id, True)
        session.commit()
        rows = session.scalars(select(GrantCommitment).where(
            GrantCommitment.grant_id == grant_id)).all()  # fmt: skip
        january = sorted((r.sector_area, r.amount_ore) for r in rows if r.month.month == 1)
        assert january == [("adults", 23516), ("children", 23517), ("employment", 23517)]
        assert {r.key_version_id for r in rows} == {version.id}
        assert sum(r.amount_ore for r in rows) == 70_550 * 12


@pytest.mark.parametrize("store_url", ["postgresql"], indirect=True)
def test_two_chiefs_deciding_the_same_grant_at_once_record_exactly_one_decision(
    settings, postgres_ok
) -> None:  # type: ignore[no-untyped-def]
    app = seeded_app(settings, extra=_setup)
    grant_id = _propose(app)
    with app.state.sessions() as session:
        decide(session, _actor(session, "solution-leader"), grant_id, True)
        session.commit()
    start = threading.Barrier(2)
    results: dict[str, str] = {}

    def chief(name: str) -> None:
        with app.state.sessions() as session:  # its own connection
            actor = _actor(session, name)
            start.wait()
            try:
                decide(session, actor, grant_id, name == "chief-a", f"Afgjort af {name}")
                session.commit()
                results[name] = "decided"
            except GrantConflict as exc:
                session.rollback()
                results[name] = exc.message

    threads = [threading.Thread(target=chief, args=(n,)) for n in ("chief-a", "chief-b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(results) == ["chief-a", "chief-b"]
    assert list(results.values()).count("decided") == 1
    lost = next(m for m in results.values() if m != "decided")
    assert lost.startswith("Bevillingen er allerede") and "ikke gemt" in lost
    with app.state.sessions() as session:
        area = session.scalars(select(GrantDecision).where(
            GrantDecision.grant_id == grant_id, GrantDecision.requirement == "area:children"
        )).all()  # fmt: skip
        assert len(area) == 1
        grant = session.get(Grant, grant_id)
        assert grant.status == ("approved" if area[0].kind == "approval" else "rejected")
        logged = session.scalar(select(func.count()).where(
            AuditEntry.action.in_(["bevilling_godkendt", "bevilling_afslaaet"])))  # fmt: skip
        assert logged == 2  # the solution leader's and the one chief's
        commitments = session.scalar(select(func.count()).where(
            GrantCommitment.grant_id == grant_id))  # fmt: skip
        assert commitments == (12 if grant.status == "approved" else 0)
    app.state.engine.dispose()


@pytest.mark.parametrize("store_url", ["postgresql"], indirect=True)
def test_a_chief_deciding_while_another_holds_the_grant_waits_and_gets_a_danish_message(
    settings, postgres_ok
) -> None:  # type: ignore[no-untyped-def]
    """The interleaving forced: chief A has decided but not committed; chief B's decision waits
    for A's row lock, then finds the requirement decided and is told so; nothing of B is kept."""
    app = seeded_app(settings, extra=_setup)
    grant_id = _propose(app)
    with app.state.sessions() as session:  # the level first: both chiefs then want the area's
        decide(session, _actor(session, "solution-leader"), grant_id, True)
        session.commit()
    first, second = app.state.sessions(), app.state.sessions()
    decide(first, _actor(first, "chief-a"), grant_id, True, "Godkendt af A")
    outcome: list[str] = []

    def chief_b() -> None:
        try:
            decide(second, _actor(second, "chief-b"), grant_id, True, "Godkendt af B")
            second.commit()
            outcome.append("decided")
        except GrantConflict as exc:
            second.rollback()
            outcome.append(exc.message)

    waiting = threading.Thread(target=chief_b)
    waiting.start()
    waiting.join(1.0)
    assert waiting.is_alive()  # B waits for A's lock on the grant
    first.commit()
    waiting.join(30)
    first.close()
    second.close()
    assert len(outcome) == 1
    assert outcome[0].startswith("Bevillingen er allerede bevilget af chief-a")
    assert "din afgørelse er ikke gemt" in outcome[0]
    with app.state.sessions() as session:
        made = session.scalars(select(GrantDecision.decided_by).where(
            GrantDecision.grant_id == grant_id, GrantDecision.kind == "approval")).all()  # fmt: skip
        assert made == ["solution-leader", "chief-a"]
    app.state.engine.dispose()


def test_a_cpr_number_typed_into_free_text_is_refused_and_nothing_stored(app) -> None:  # type: ignore[no-untyped-def]
    """The attack: a caseworker writes the citizen's CPR number into a justification, a
    rejection's reason, a key's justification. Each is refused in Danish (the selection's rule
    for free text) and neither the store nor the audit log ever holds the number."""
    from sqlalchemy import text

    cat = catalogue.loaded(app.state.settings)
    typed = "Mor (150385-1236) har brug for støtte"
    with app.state.sessions() as session:
        fields = dict(solution_id=_solution(session), unit="citizen", subject=CITIZEN,
                      intervention="015011", start=START, end=END, units_per_month=Decimal(2),
                      expected_effect="Barnet bliver hjemme")  # fmt: skip
        with pytest.raises(PrinciplesError, match="ser ud til at indeholde et CPR-nummer"):
            propose(session, _actor(session, "caseworker"), cat,
                    Proposal(**fields, justification=typed))  # fmt: skip
        session.rollback()
        grant = propose(session, _actor(session, "caseworker"), cat,
                        Proposal(**fields, justification="Familiebehandling"))  # fmt: skip
        session.commit()
        with pytest.raises(PrinciplesError, match="ser ud til at indeholde et CPR-nummer"):
            decide(session, _actor(session, "solution-leader"), grant.id, False, typed)
        session.rollback()
        with pytest.raises(PrinciplesError, match="ser ud til at indeholde et CPR-nummer"):
            service.propose_key(session, _actor(session, "solution-leader", "statistical"),
                                "k", {"shares": {"children": "100%"}}, "Ring 1503851236",
                                date(2026, 1, 1))  # fmt: skip
        session.rollback()
        assert session.get(Grant, grant.id).status == "proposed"
        for table in ("grants", "grant_decisions", "distribution_key_versions", "audit_log"):
            dump = str(session.execute(text(f"SELECT * FROM {table}")).all())
            assert "1503851236" not in dump and "150385-1236" not in dump, table
