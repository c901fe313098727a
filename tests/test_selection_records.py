"""Selection's records (issue 5): versioned rules that round-trip, malformed rules refused with
the place named, and a casework history of assessments, enrolments and discharges that nobody
can edit afterwards — on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from tvaers.anchoring import service as solutions
from tvaers.anchoring.model import SolutionData
from tvaers.core.cpr import Pseudonymiser
from tvaers.core.errors import CaseworkRefused, ConfigError, ErrorCode, NotFound
from tvaers.selection import bases, decisions, rule_store
from tvaers.selection.dump import rule_set_to_mapping
from tvaers.selection.parse import parse_rule_set
from tvaers.selection.rule_files import ready_made
from tvaers.store.database import make_engine, sessions, upgrade
from tvaers.store.models import (
    AuditEntry,
    Enrolment,
    SelectionDecision,
    TargetGroupRule,
    TargetGroupRuleVersion,
)

from .conftest import TEST_KEY

PSEUDO = Pseudonymiser(TEST_KEY.encode())
ANNA = PSEUDO.pseudonym("1503851236")
BO = PSEUDO.pseudonym("2505901122")
FAMILY = f"F-{PSEUDO.pseudonym('0303184012')[:12]}"
BASIS = "Hjemmel i lovgivningen: Retssikkerhedslovens § 11 c"

HAND_WRITTEN = """\
# Vores egen målgruppe: unge på kontanthjælp med mange sager.
# Kortformer: tal = min, liste = ydelsestyper, tekst = udvælgelse af indsatser.
rule_set: unge_kontanthjaelp   # nøglen
label: 'Unge på kontanthjælp med sager på flere områder'
unit: citizen
include:
  all:
    - age: {min: 18, max: 29}
    - benefit: [kontanthjælp, uddannelseshjælp]     # kortform for types
    - sector_areas: 2                               # kortform for min
    - any:
        - intervention: "name:*mentor*|legal_basis:LAB § 31*"
        - not: {cost: {max: 10000.5}}
exclude:
  benefit: {types: førtidspension, within_months: 12}

score:
  weights: {sector_areas: 3, interventions: 0.5}
  min: 7.25
"""


@pytest.fixture
def engine(store_url: str) -> Iterator[Engine]:
    engine = make_engine(store_url)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with sessions(engine)() as session:
        yield session


@pytest.fixture
def solution_id(session: Session) -> int:
    solution = solutions.create(session, SolutionData(name="Familien i centrum"), "lone")
    session.commit()
    return solution.id


def count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


# --- rules -----------------------------------------------------------------------------------


def test_every_ready_made_rule_set_round_trips_byte_for_byte(engine: Engine) -> None:
    with sessions(engine)() as session:
        added = rule_store.load_ready_made(session, "admin")
        session.commit()
        assert sorted(row.rule_id for row in added) and len(added) == len(ready_made())
    with sessions(engine)() as session:  # read back from the database, not the session
        assert [r.key for r in rule_store.list_rules(session)] == sorted(ready_made())
        for key, (rule_set, shipped) in ready_made().items():
            exported = rule_store.export_rule(session, key)
            assert exported == shipped
            assert exported.encode("utf-8") == shipped.encode("utf-8")
            assert parse_rule_set(exported) == parse_rule_set(shipped) == rule_set
            stored, row = rule_store.get_rule(session, key)
            assert stored == rule_set and row.version == 1
            assert row.data == rule_set_to_mapping(rule_set)
            rule = rule_store.find_rule(session, key)
            assert rule is not None and rule.ready_made and rule.unit == rule_set.unit.value
        # idempotent: a second run changes nothing
        assert rule_store.load_ready_made(session, "admin") == []
        session.commit()
        assert count(session, TargetGroupRuleVersion) == len(ready_made())


def test_hand_written_rule_with_comments_and_short_forms_round_trips(engine: Engine) -> None:
    windows = HAND_WRITTEN.replace("unge_kontanthjaelp", "unge_crlf").replace("\n", "\r\n")
    with sessions(engine)() as session:
        rule_store.save_rule(session, HAND_WRITTEN, "lone", "første udkast")
        rule_store.save_rule(session, windows + "  \n", "lone")
        session.commit()
    with sessions(engine)() as session:
        exported = rule_store.export_rule(session, "unge_kontanthjaelp")
        assert exported == HAND_WRITTEN
        assert parse_rule_set(exported) == parse_rule_set(HAND_WRITTEN)
        assert rule_store.export_rule(session, "unge_crlf") == windows + "  \n"
        rule_set, row = rule_store.get_rule(session, "unge_kontanthjaelp")
        assert row.note == "første udkast" and row.changed_by == "lone"
        assert row.data["include"]["all"][2] == {"sector_areas": {"min": 2}}  # canonical form
        assert row.data["score"] == {"weights": {"sector_areas": 3, "interventions": 0.5},
                                     "min": 7.25}  # fmt: skip
        assert rule_set.label == "Unge på kontanthjælp med sager på flere områder"


def test_saving_unchanged_adds_nothing_and_a_change_adds_a_version(engine: Engine) -> None:
    changed = HAND_WRITTEN.replace("sector_areas: 2  ", "sector_areas: 3  ")
    assert changed != HAND_WRITTEN
    with sessions(engine)() as session:
        first = rule_store.save_rule(session, HAND_WRITTEN, "lone")
        again = rule_store.save_rule(session, HAND_WRITTEN, "bo", "ingen ændring")
        assert again.id == first.id and again.version == 1
        assert count(session, TargetGroupRuleVersion) == 1
        second = rule_store.save_rule(session, changed, "bo", "tre områder")
        assert second.version == 2
        assert rule_store.save_rule(session, changed, "bo").id == second.id
        session.commit()
    with sessions(engine)() as session:
        rule = rule_store.find_rule(session, "unge_kontanthjaelp")
        assert rule is not None and rule.version == 2
        versions = rule_store.rule_versions(session, "unge_kontanthjaelp")
        assert [(v.version, v.changed_by, v.note) for v in versions] == [
            (2, "bo", "tre områder"),
            (1, "lone", ""),
        ]
        assert rule_store.export_rule(session, "unge_kontanthjaelp", 1) == HAND_WRITTEN
        assert rule_store.export_rule(session, "unge_kontanthjaelp") == changed
        old, _ = rule_store.get_rule(session, "unge_kontanthjaelp", 1)
        new, _ = rule_store.get_rule(session, "unge_kontanthjaelp", 2)
        assert old.include.items[2].bounds.min == 2  # type: ignore[attr-defined]
        assert new.include.items[2].bounds.min == 3  # type: ignore[attr-defined]
        # a comment-only change keeps the text exactly, so it is a version too (same meaning)
        third = rule_store.save_rule(session, "# ny kommentar\n" + changed, "bo")
        assert third.version == 3 and third.data == versions[0].data
        with pytest.raises(NotFound, match="har ingen version 7"):
            rule_store.get_rule(session, "unge_kontanthjaelp", 7)
        with pytest.raises(NotFound, match="'findes_ikke' findes ikke i databasen"):
            rule_store.export_rule(session, "findes_ikke")


def test_the_municipalitys_change_to_a_ready_made_rule_is_kept(engine: Engine) -> None:
    _, shipped = ready_made()["furesoe"]
    with sessions(engine)() as session:
        rule_store.load_ready_made(session, "admin")
        rule_store.save_rule(session, shipped.replace("min: 7", "min: 12"), "lone", "strammere")
        assert rule_store.load_ready_made(session, "admin") == []
        assert "min: 12" in rule_store.export_rule(session, "furesoe")
        assert [v.version for v in rule_store.rule_versions(session, "furesoe")] == [2, 1]


BASE = "rule_set: test\nlabel: Test\n"
MALFORMED = [
    # (what is wrong, the YAML, the text the message must contain — with the path)
    ("unknown key", BASE + "include:\n  all:\n    - benefit: {typs: [kontanthjælp]}\n",
     "test.yaml, include.all[0].benefit: ukendt nøgle 'typs'"),
    ("min > max", BASE + "include:\n  all:\n    - age: {min: 30, max: 17}\n",
     "test.yaml, include.all[0].age: 'min' (30) er større end 'max' (17)"),
    ("negative weight", BASE + "include: {sector_areas: 2}\nscore: {weights: {sector_areas: -1}}\n",
     "test.yaml, score.weights.sector_areas: point må ikke være negative"),
    ("member in a citizen rule", BASE + "include:\n  all:\n    - age: {min: 18, member: adult}\n",
     "test.yaml, include.all[0].age.member: 'member' bruges kun i regelsæt for familier"),
    ("empty all-list", BASE + "include: {all: []}\n",
     "test.yaml, include.all: 'all' skal være en liste med mindst én betingelse"),
    ("unknown measure in weights", BASE + "include: {sector_areas: 2}\nscore: {weights: {complexity: 2}}\n",
     "test.yaml, score.weights.complexity: 'complexity' er ikke en gyldig værdi"),
    ("bad unit", BASE + "unit: household\ninclude: {sector_areas: 2}\n",
     "test.yaml, unit: 'household' er ikke en gyldig værdi. Brug en af: citizen, family"),
    ("invalid YAML", BASE + "include:\n  all:\n    - sector_areas: {min: 2\n    - age: 3\n",
     "test.yaml: filen er ikke gyldig YAML (linje 6"),
    ("missing include", BASE + "exclude: {benefit: [dagpenge]}\n",
     "test.yaml, include: regelsættet skal have betingelser under 'include'"),
    ("bad rule_set key", "rule_set: Min Målgruppe\nlabel: X\ninclude: {sector_areas: 2}\n",
     "test.yaml, rule_set: regelsættet skal have et navn af små bogstaver"),
    ("non-integer within_months", BASE + "include:\n  all:\n    - benefit: {types: [dagpenge], within_months: 1.5}\n",
     "test.yaml, include.all[0].benefit.within_months: '1.5' skal være et helt tal"),
    ("unknown condition type", BASE + "include:\n  all:\n    - sector_areas: 2\n    - diagnosis: F20\n",
     "test.yaml, include.all[1]: ukendt betingelse 'diagnosis'"),
    ("selector syntax", BASE + "include:\n  all:\n    - intervention: 'lovgrundlag:SEL § 101'\n",
     "test.yaml, include.all[0].intervention.select: Ugyldig indsatsudvælgelse 'lovgrundlag:SEL § 101'"),
    ("duplicate key", BASE + "include: {sector_areas: 2}\ninclude: {sector_areas: 3}\n",
     "test.yaml: nøglen 'include' står to gange (linje 4, kolonne 1)"),
    ("empty exclude list", BASE + "include: {sector_areas: 2}\nexclude: []\n",
     "test.yaml, exclude: en betingelse skal have præcis én nøgle"),
    ("benefit without types", BASE + "include:\n  benefit: {within_months: 3}\n",
     "test.yaml, include.benefit.types: angiv mindst én ydelsestype"),
    ("number too large", BASE + "include: {cost: {min: 1e999}}\n",
     "test.yaml, include.cost.min: '1e999' er for stort"),
    ("score min without weights", BASE + "include: {sector_areas: 2}\nscore: {min: 5}\n",
     "test.yaml, score.min: en mindste score kræver vægte"),
    ("look-back out of range", BASE + "lookback_months: 0\ninclude: {sector_areas: 2}\n",
     "test.yaml, lookback_months: 0 skal ligge mellem 1 og 60"),
    ("missing label", "rule_set: test\ninclude: {sector_areas: 2}\n",
     "test.yaml, label: regelsættet skal have en betegnelse"),
    ("nested too deep", BASE + "include: " + "{not: " * 40 + "{sector_areas: 2}" + "}" * 40 + "\n",
     "test.yaml, include: betingelserne er for dybt indlejret"),
    ("alias bomb", BASE + "include:\n  any:\n    - &a0 {sector_areas: 2}\n" + "".join(
        f"    - &a{i} {{any: [{', '.join([f'*a{i - 1}'] * 10)}]}}\n" for i in range(1, 10)),
     "test.yaml, include: betingelserne er for mange (højst 500)"),
    ("not a mapping", "- rule_set: test\n",
     "test.yaml: et regelsæt skal være en samling af nøgler"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("problem", "yaml_text", "message"), MALFORMED, ids=[m[0] for m in MALFORMED]
)
def test_a_malformed_rule_is_refused_naming_the_place(
    problem: str, yaml_text: str, message: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_rule_set(yaml_text, "test.yaml")
    assert message in str(caught.value), (problem, str(caught.value))
    assert caught.value.code is ErrorCode.CONFIG_INVALID


def test_no_malformed_rule_is_saved(engine: Engine) -> None:
    assert len(MALFORMED) >= 12
    with sessions(engine)() as session:
        for problem, yaml_text, message in MALFORMED:
            with pytest.raises(ConfigError) as caught:
                rule_store.save_rule(session, yaml_text, "lone", source="test.yaml")
            assert message in str(caught.value), problem
        with pytest.raises(ConfigError, match="regelsættet er for langt"):
            rule_store.save_rule(session, BASE + "# " + "x" * 100_000, "lone")
        session.commit()
        assert rule_store.list_rules(session) == []
        assert count(session, TargetGroupRule) == count(session, TargetGroupRuleVersion) == 0


# --- selection basis -------------------------------------------------------------------------


def test_the_selection_basis_is_recorded_per_solution_and_can_be_withdrawn(
    session: Session, solution_id: int
) -> None:
    assert bases.active_selection_basis(session, solution_id) is None
    basis = bases.record_selection_basis(
        session, solution_id, "legal_basis", "Retssikkerhedslovens § 11 c", date(2025, 1, 1),
        "lone", valid_to=date(2025, 12, 31),
    )  # fmt: skip
    assert bases.active_selection_basis(session, solution_id, date(2025, 6, 1)) == basis
    assert bases.active_selection_basis(session, solution_id, date(2026, 1, 1)) is None
    assert bases.basis_text(basis) == BASIS
    bases.withdraw_selection_basis(session, basis.id, "lone")
    assert bases.active_selection_basis(session, solution_id, date(2025, 6, 1)) is None
    with pytest.raises(CaseworkRefused, match="Ukendt type grundlag 'gut_feeling'"):
        bases.record_selection_basis(
            session, solution_id, "gut_feeling", "x", date(2025, 1, 1), "lone"
        )
    with pytest.raises(CaseworkRefused, match="Beskriv grundlaget"):
        bases.record_selection_basis(
            session, solution_id, "consent", "  ", date(2025, 1, 1), "lone"
        )
    with pytest.raises(CaseworkRefused, match="kan ikke udløbe"):
        bases.record_selection_basis(session, solution_id, "consent", "Samtykkeproces",
                                       date(2025, 2, 1), "lone", valid_to=date(2025, 1, 1))  # fmt: skip
    with pytest.raises(NotFound, match=r"Løsning nr\. 999 findes ikke"):
        bases.record_selection_basis(session, 999, "consent", "x", date(2025, 1, 1), "lone")
    session.commit()
    actions = session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == [bases.BASIS_RECORDED, bases.BASIS_WITHDRAWN]


# --- casework --------------------------------------------------------------------------------


def assess(session: Session, solution_id: int, subject: str = ANNA, **kw):  # type: ignore[no-untyped-def]
    args = {"unit": "citizen", "decision": "accepted", "motivation": "high",
            "development_potential": "medium", "note": "Vil gerne i gang", "actor": "sb01",
            "basis_text": BASIS, "assessed_on": date(2025, 3, 1)} | kw  # fmt: skip
    return decisions.assess(session, solution_id, subject=subject, **args)


def test_assessment_enrolment_discharge_and_re_enrolment(engine: Engine, solution_id: int) -> None:
    with sessions(engine)() as session:
        rule_store.load_ready_made(session, "admin")
        decision = assess(session, solution_id, enrol_on=date(2025, 3, 10), rule_key="furesoe",
                          score="17.5")  # fmt: skip
        assert (decision.rule_key, decision.rule_version, decision.score) == ("furesoe", 1, "17.5")
        period = decisions.current_enrolment(session, solution_id, "citizen", ANNA)
        assert period is not None and period.enrolled_on == date(2025, 3, 10)
        assert (period.rule_key, period.rule_version) == ("furesoe", 1)
        # a second person: assessed now, enrolled later by enrol()
        assess(session, solution_id, BO, decision="postponed", motivation="low")
        with pytest.raises(CaseworkRefused, match=r"den seneste faglige vurdering .* 'udsættes'"):
            decisions.enrol(session, solution_id, "citizen", BO, date(2025, 4, 1), "sb01", BASIS)
        assess(session, solution_id, BO, assessed_on=date(2025, 4, 2))
        with pytest.raises(CaseworkRefused, match="kan ikke ligge før den faglige vurdering"):
            decisions.enrol(session, solution_id, "citizen", BO, date(2025, 4, 1), "sb01", BASIS)
        decisions.enrol(session, solution_id, "citizen", BO, date(2025, 4, 2), "sb01", BASIS)
        session.commit()

        decisions.discharge(session, solution_id, "citizen", ANNA, date(2025, 9, 30),
                          "Mål nået: i job", "sb02", BASIS)  # fmt: skip
        assert decisions.current_enrolment(session, solution_id, "citizen", ANNA) is None
        # re-enrolment: needs a new assessment, and cannot start before the discharge
        with pytest.raises(CaseworkRefused, match="ikke registreret en faglig vurdering siden"):
            decisions.enrol(session, solution_id, "citizen", ANNA, date(2025, 11, 1), "sb01", BASIS)
        with pytest.raises(CaseworkRefused, match="et nyt forløb kan tidligst begynde den dag"):
            assess(session, solution_id, enrol_on=date(2025, 9, 1), assessed_on=date(2025, 9, 1))
        assess(session, solution_id, enrol_on=date(2025, 11, 1), assessed_on=date(2025, 10, 20))
        session.commit()

    with sessions(engine)() as session:
        steps = decisions.history(session, solution_id, "citizen", ANNA)
        assert [(s.kind, s.decision, s.event_date, s.decided_by) for s in steps] == [
            ("assessment", "accepted", date(2025, 3, 1), "sb01"),
            ("enrolment", None, date(2025, 3, 10), "sb01"),
            ("discharge", None, date(2025, 9, 30), "sb02"),
            ("assessment", "accepted", date(2025, 10, 20), "sb01"),
            ("enrolment", None, date(2025, 11, 1), "sb01"),
        ]
        assert steps[2].reason == "Mål nået: i job" and steps[2].rule_key == "furesoe"
        assert steps[0].motivation == "high" and steps[0].development_potential == "medium"
        assert decisions.describe(steps[2]).startswith("30. september 2025: udskrivning – årsag:")
        everything = decisions.history(session, solution_id)
        assert len(everything) == 5 + 3  # Bo: postponed, accepted, enrolled
        periods = decisions.enrolments(session, solution_id)
        assert [(p.subject, p.enrolled_on, p.discharged_on) for p in periods] == [
            (ANNA, date(2025, 3, 10), date(2025, 9, 30)),
            (BO, date(2025, 4, 2), None),
            (ANNA, date(2025, 11, 1), None),
        ]
        # half-open periods: discharged on 30 September means not enrolled that day
        on_29th = decisions.enrolments(session, solution_id, date(2025, 9, 29))
        on_30th = decisions.enrolments(session, solution_id, date(2025, 9, 30))
        assert {p.subject for p in on_29th} == {ANNA, BO} and {p.subject for p in on_30th} == {BO}
        assert decisions.enrolments(session, solution_id, date(2025, 3, 9)) == []
        latest = decisions.latest_assessments(session, solution_id, "citizen")
        assert latest[BO].event_date == date(2025, 4, 2) and latest[BO].decision == "accepted"


def counts(session: Session) -> tuple[int, ...]:
    return tuple(count(session, m) for m in (SelectionDecision, Enrolment, AuditEntry))


def refused(session: Session, match: str, call, *args, **kw) -> CaseworkRefused | NotFound:  # type: ignore[no-untyped-def]
    """The call is refused with the message, and nothing at all was written."""
    before = counts(session)
    with pytest.raises((CaseworkRefused, NotFound), match=match) as caught:
        call(session, *args, **kw)
    session.flush()
    assert counts(session) == before
    return caught.value


def test_casework_errors_are_clear_and_write_nothing(session: Session, solution_id: int) -> None:
    s = solution_id
    d = date(2025, 5, 1)
    refused(session, "Løsning nr. 4711 findes ikke", decisions.assess, 4711, "citizen", ANNA,
            "accepted", "high", "high", "", "sb01", BASIS)  # fmt: skip
    refused(
        session, "Ukendt beslutning 'maybe'.*accepted \\(optages\\)", assess, s, decision="maybe"
    )
    refused(session, "Ukendt motivation 'very'.*high \\(høj\\)", assess, s, motivation="very")
    refused(session, "Ukendt udviklingspotentiale 'huge'", assess, s, development_potential="huge")
    refused(session, "Ukendt enhed 'household'", assess, s, unit="household")
    refused(session, "Angiv datoen for indskrivningen af borgeren", assess, s, enrol=True)
    refused(session, "kan kun indskrives, når beslutningen er «optages»", assess, s,
            decision="rejected", enrol_on=d)  # fmt: skip
    refused(session, "kræver et registreret grundlag", assess, s, basis_text=" ")
    error = refused(session, "Et CPR-nummer må ikke bruges her", assess, s, subject="150385-1236")
    assert "1236" not in str(error)
    refused(session, "ikke et borgerpseudonym", assess, s, subject="ANNA")
    refused(
        session, "Notatet ser ud til at indeholde et CPR-nummer", assess, s, note="cpr 1503851236"
    )
    refused(session, "Scoren 'høj' er ikke et tal", assess, s, score="høj")
    refused(session, "Regelsættet 'furesoe' findes ikke i databasen", assess, s, rule_key="furesoe")
    refused(session, "ikke registreret en faglig vurdering", decisions.enrol, s, "citizen", ANNA, d,
            "sb01", BASIS)  # fmt: skip
    refused(session, "er ikke indskrevet i løsningen 'Familien i centrum'", decisions.discharge, s,
            "citizen", ANNA, d, "Flyttet", "sb01", BASIS)  # fmt: skip

    assess(session, s, enrol_on=date(2025, 3, 10))
    rule_store.load_ready_made(session, "admin")
    refused(session, "udvælger familier, ikke borgere", assess, s, BO,
            rule_key="kl_boernesag_og_overfoerselsindkomst")  # fmt: skip
    refused(session, "allerede indskrevet i løsningen 'Familien i centrum' \\(siden 10. marts 2025\\)",
            decisions.enrol, s, "citizen", ANNA, d, "sb01", BASIS)  # fmt: skip
    refused(session, "allerede indskrevet", assess, s, enrol_on=d)
    refused(session, "Angiv datoen for indskrivningen", decisions.enrol, s, "citizen", ANNA, None,
            "sb01", BASIS)  # fmt: skip
    refused(session, "Angiv årsagen til udskrivningen", decisions.discharge, s, "citizen", ANNA, d,
            "   ", "sb01", BASIS)  # fmt: skip
    refused(session, "Udskrivningsdatoen \\(1. marts 2025\\) ligger før indskrivningsdatoen "
            "\\(10. marts 2025\\)", decisions.discharge, s, "citizen", ANNA, date(2025, 3, 1), "Flyttet",
            "sb01", BASIS)  # fmt: skip
    refused(session, "Angiv datoen for udskrivningen", decisions.discharge, s, "citizen", ANNA, None,
            "Flyttet", "sb01", BASIS)  # fmt: skip
    # a discharge on the day of enrolment is allowed (an enrolment that did not start)
    decisions.discharge(
        session, s, "citizen", ANNA, date(2025, 3, 10), "Ønskede ikke", "sb01", BASIS
    )
    session.rollback()


def test_families_are_enrolled_by_their_code(session: Session, solution_id: int) -> None:
    rule_store.load_ready_made(session, "admin")
    assess(session, solution_id, FAMILY, unit="family", enrol_on=date(2025, 3, 1),
           rule_key="kl_boernesag_og_overfoerselsindkomst", score=12)  # fmt: skip
    decisions.discharge(
        session, solution_id, "family", FAMILY, date(2025, 12, 1), "Flyttet", "sb01", BASIS
    )
    session.commit()
    entries = session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [e.action for e in entries] == [
        decisions.ASSESSED,
        decisions.ENROLLED,
        decisions.DISCHARGED,
    ]
    assert all(e.citizen is None and e.detail and e.detail["family"] == FAMILY for e in entries)
    assert decisions.enrolments(session, solution_id)[0].rule_version == 1


def test_assessment_enrolment_and_discharge_are_audited_under_casework(
    session: Session, solution_id: int
) -> None:
    assess(session, solution_id, enrol_on=date(2025, 3, 10))
    decisions.discharge(
        session, solution_id, "citizen", ANNA, date(2025, 6, 1), "Mål nået", "sb02", BASIS
    )
    session.commit()
    entries = session.scalars(
        select(AuditEntry).where(AuditEntry.citizen == ANNA).order_by(AuditEntry.id)
    ).all()
    assert [(e.actor, e.action, e.purpose, e.basis) for e in entries] == [
        ("sb01", decisions.ASSESSED, "casework", BASIS),
        ("sb01", decisions.ENROLLED, "casework", BASIS),
        ("sb02", decisions.DISCHARGED, "casework", BASIS),
    ]
    assert entries[0].detail == {
        "solution_id": solution_id,
        "decision_id": entries[0].detail["decision_id"],  # type: ignore[index]
        "unit": "citizen",
        "kind": "assessment",
        "event_date": "2025-03-01",
        "decision": "accepted",
    }
    assert entries[2].detail and entries[2].detail["event_date"] == "2025-06-01"
    assert "Vil gerne i gang" not in repr([e.detail for e in entries])  # notes stay out of the log


def test_decisions_are_append_only_in_the_database(engine: Engine, solution_id: int) -> None:
    with sessions(engine)() as session:
        assess(session, solution_id, enrol_on=date(2025, 3, 10))
        session.commit()
    statements = ["UPDATE selection_decisions SET decision = 'rejected'",
                  "DELETE FROM selection_decisions"]  # fmt: skip
    if engine.dialect.name == "postgresql":
        statements.append("TRUNCATE selection_decisions")
    for statement in statements:
        with engine.connect() as conn, pytest.raises(DBAPIError, match="kun til tilføjelse"):
            conn.execute(text(statement))
            conn.commit()
    with sessions(engine)() as session:
        assert [s.decision for s in decisions.history(session, solution_id)] == ["accepted", None]
        # the ORM cannot change a decision either
        row = session.scalars(select(SelectionDecision)).first()
        assert row is not None
        row.note = "rettet"
        with pytest.raises(DBAPIError, match="kun til tilføjelse"):
            session.commit()


def test_the_database_allows_one_open_enrolment_per_subject(
    engine: Engine, solution_id: int
) -> None:
    def period(on: date, off: date | None = None) -> Enrolment:
        return Enrolment(solution_id=solution_id, unit="citizen", subject=ANNA, enrolled_on=on,
                         discharged_on=off, enrolled_by="sb01")  # fmt: skip

    with sessions(engine)() as session:
        session.add_all([period(date(2025, 1, 1), date(2025, 2, 1)), period(date(2025, 3, 1))])
        session.commit()
        session.add(period(date(2025, 4, 1)))
        with pytest.raises(IntegrityError):
            session.commit()
        session.rollback()
        session.add(period(date(2025, 5, 1), date(2025, 4, 1)))  # discharged before enrolled
        with pytest.raises(IntegrityError):
            session.commit()
