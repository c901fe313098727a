"""The demo's grants (issue 12): the example competence plan, table 4.2's placements, an area
chief per sector area, Assens' distribution key for the dearer interventions, and a few dozen
grants across the five example solutions — proposed by the caseworker or the solution leader and
decided by whoever the plan says, through the same access rules and audit as everyone else. A
second run adds nothing."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tvaers import access
from tvaers.cli import console
from tvaers.cli.acting import acting
from tvaers.cli.demo import DEMO_ENROL_ON
from tvaers.core.config import Settings
from tvaers.principles import catalogue, service
from tvaers.principles.catalogue import Catalogue
from tvaers.principles.grant_decisions import actor_area, decide, end, may_decide, pending
from tvaers.principles.grants import Proposal, propose
from tvaers.selection import decisions
from tvaers.store import users
from tvaers.store.models import Solution, User
from tvaers.store.models_principles import Grant

# The demo's area chiefs: the user «fagchef» answers for children; one more per sector area.
CHIEFS = (
    ("fagchef", "Frida Fagchef", "children"),
    ("fagchef-voksne", "Vera Voksenchef", "adults"),
    ("fagchef-job", "Jens Jobchef", "employment"),
    ("fagchef-sundhed", "Sara Sundhedschef", "health"),
    ("fagchef-skole", "Søren Skolechef", "special_education"),
)
KEY = "assens-dyrere-indsatser"
FURESOE = "Tværgående løsning i Furesø"
FURESOE_KEY = "furesoe-faelles-plan"
# Which interventions each example placement covers in the synthetic municipality's catalogue.
PLACEMENT_CODES = {
    ("Job og Familie", "familiebehandling"): ["015011"],
    ("Job og Familie", "dyrere indsatser"): ["015031", "015008", "016102", "015025"],
    ("Tværgående løsning i Helsingør", 'udgiftsposter "inde"'): ["015011", "017031", "016085"],
    ("Tværgående løsning i Helsingør", 'udgiftsposter "ude"'): ["015031", "016102", "019022"],
}


@dataclass(frozen=True)
class Planned:
    """One demo grant: intervention, units per month (or None: ``amount`` a month), months,
    who proposes, and what becomes of it (approved, rejected, pending, ended)."""

    intervention: str
    units: str | None
    months: int
    proposer: str = "sagsbehandler"
    outcome: str = "approved"
    amount: str | None = None
    key: str | None = None


PLANS: dict[str, tuple[Planned, ...]] = {
    "Tværgående løsning i Furesø": (
        Planned("015011", "30", 12), Planned("017031", "20", 6), Planned("016085", "40", 12),
        Planned("015031", "30", 6, "leder"), Planned("017042", "4", 3),
        Planned("015017", "10", 12, outcome="rejected"),
        Planned("016099", "15", 6, outcome="ended"),
        Planned("015011", "8", 4, outcome="pending"),
    ),
    "Job og Familie": (
        Planned("015011", "25", 12), Planned("015031", "30", 6, key=KEY),
        Planned("016102", "1", 4, "leder", key=KEY), Planned("015011", "10", 6),
        Planned("015025", "1", 12, outcome="pending", key=KEY), Planned("015011", "4", 3),
    ),
    "Tværgående løsning i Helsingør": (
        Planned("015011", "20", 9), Planned("017031", "12", 6), Planned("015031", "30", 3),
        Planned("019022", "1", 10, "leder"), Planned("016102", "1", 3, outcome="rejected"),
        Planned("016085", "16", 12),
    ),
    "Familieplanen": (
        Planned("017031", "16", 6), Planned("015017", "12", 12), Planned("016099", "10", 6),
        Planned("017051", None, 6, amount="14500"), Planned("015011", "20", 6, outcome="pending"),
    ),
    "Fælles om målet": (
        Planned("016101", "1", 6), Planned("017031", "10", 6), Planned("016085", "20", 12),
        Planned("016102", "1", 3, outcome="rejected"), Planned("018083", "8", 12),
    ),
}  # fmt: skip
REJECTED = "Prisen står ikke mål med den forventede effekt; prøv et mindre indgribende trin først."


def _month_end(start: date, months: int) -> date:
    """The last day of the ``months``-th month from ``start``'s (which counts as the first)."""
    index = start.month - 1 + months
    return date(start.year + index // 12, index % 12 + 1, 1) - timedelta(days=1)


def demo_chiefs(settings: Settings) -> list[tuple[str, str, str]]:
    """An area chief per sector area (``fagchef`` answers for children), fresh passwords for
    the new ones; returns (user name, area, password or '') to print."""
    created = []
    with acting(settings, "admin") as (session, _actor):
        for username, name, area in CHIEFS:
            user = session.scalars(select(User).where(User.username == username)).first()
            if user is None:
                password = "-".join(secrets.token_urlsafe(4) for _ in range(3))
                users.add(session, username, name, "area_chief", password, "demo", area)
                created.append((username, area, password))
            else:
                user.sector_area = area
    return created


def _setup(session: Session, actor: access.Actor) -> None:
    service.import_plan(session, None, service.preset_plan_text(), "Demoens eksempel")
    service.load_example_placements(session)
    names = {s.name: s.id for s in session.scalars(select(Solution).where(Solution.example))}
    for (solution, kind), codes in PLACEMENT_CODES.items():
        placement = next(p for p in service.placements(session, names[solution])
                         if p.intervention_type == kind)  # fmt: skip
        service.set_placement(session, None, names[solution], kind, placement.granting,
                              placement.paying, interventions=codes, note=placement.note,
                              source=placement.source)  # fmt: skip
    if not service.keys(session, names["Job og Familie"]):
        content = {"rules": [
            {"when": {"legal_basis": "SEL § 52"},
             "shares": {"children": "60%", "adults": "20%", "employment": "20%"}},
            {"shares": {"children": "1/3", "adults": "1/3", "employment": "1/3"}},
        ]}  # fmt: skip
        version = service.propose_key(
            session, actor, KEY, content,
            "Enheden anbefaler fordelingen ud fra en faglig vurdering: anbringelser efter "
            "SEL § 52 bærer børneområdet mest; andre dyre indsatser deles ligeligt.",
            date(2026, 1, 1), name="Assens: dyrere indsatser", solution_id=names["Job og Familie"],
        )  # fmt: skip
        chief = access.actor_for(session, "fagchef", "statistical")
        service.decide_key(
            session, chief, KEY, version.version, True, "Godkendt i koordinationsgruppen"
        )


def _furesoe_key(session: Session, actor: access.Actor, solution_id: int) -> None:
    """Furesø's key: what the unit grants on the children's legal basis is split with the
    adults' and employment areas (the family's plan serves them all); mentors on employment."""
    if service.keys(session, solution_id):
        return
    content = {"rules": [
        {"when": {"legal_basis": "SEL § 52"},
         "shares": {"children": "50%", "adults": "25%", "employment": "25%"}},
        {"when": {"legal_basis": "LAB"}, "shares": {"employment": "2/3", "adults": "1/3"}},
    ]}  # fmt: skip
    version = service.propose_key(
        session, actor, FURESOE_KEY, content,
        "Familiebehandling og anbringelse efter SEL § 52 indgår i familiens fælles plan; "
        "beskæftigelsesindsatsen deles med voksenområdet.",
        date(2026, 1, 1), name="Furesø: fælles plan", solution_id=solution_id,
    )  # fmt: skip
    chief = access.actor_for(session, "fagchef-voksne", "statistical")
    service.decide_key(session, chief, FURESOE_KEY, version.version, True, "Godkendt")


def who_pays_report(settings: Settings) -> None:
    """Furesø's enrolled group: its draw since enrolment after the keys, per paying area, and
    that it reconciles with the group's draw to the øre."""
    from tvaers.core.errors import NoData
    from tvaers.core.money import format_dkk
    from tvaers.draw.session import opened
    from tvaers.draw.solution_economy import plain
    from tvaers.principles import who_pays
    from tvaers.store.models_principles import DistributionKey, DistributionKeyVersion

    with acting(settings, "leder", "statistical") as (session, _actor):
        solution_id = session.scalars(select(Solution.id).where(Solution.name == FURESOE)).one()
        periods = plain(decisions.enrolments(session, solution_id))
        rows = session.scalars(
            select(DistributionKeyVersion)
            .join(DistributionKey, DistributionKey.id == DistributionKeyVersion.key_id)
            .where(DistributionKey.solution_id == solution_id)
            .order_by(DistributionKey.id, DistributionKeyVersion.version)
        ).all()
        keys = who_pays.plain_keys(rows)
    try:
        with opened(settings) as analysis:
            found = who_pays.reconcile(analysis, periods, keys)
    except NoData:
        return
    parts = ", ".join(f"{analysis.area_names.get(a, a)} {format_dkk(v)}"
                      for a, v in sorted(found.paid_by_area.items()))  # fmt: skip
    verdict = "stemmer til øren" if found.balanced else "STEMMER IKKE"
    console.print(
        f"Hvem betaler for Furesøs indskrevne siden indskrivningen: ressourcetræk "
        f"{format_dkk(found.draw)}, heraf {format_dkk(found.keyed)} fordelt efter nøglen; "
        f"efter fordelingsnøgler: {parts}; i alt {format_dkk(found.paid)} — {verdict}."
    )


def demo_grants(settings: Settings) -> None:
    """Propose and decide the demo's grants (once); prints what came of them."""
    cat = catalogue.loaded(settings)
    if not cat.interventions:
        return
    with acting(settings, "leder", "statistical") as (session, actor):
        _setup(session, actor)
        furesoe = session.scalars(select(Solution.id).where(Solution.name == FURESOE)).one()
        _furesoe_key(session, actor, furesoe)
        done = bool(session.scalar(select(func.count()).select_from(Grant)))
    if done:
        console.print("Demoens bevillinger findes allerede; ingen nye.")
        who_pays_report(settings)
        return
    counts: dict[str, int] = {}
    for solution, planned in PLANS.items():
        for number, plan in enumerate(planned):
            outcome = _one(settings, cat, solution, number, plan)
            counts[outcome] = counts.get(outcome, 0) + 1
    skipped = counts.pop("skipped", 0)
    console.print(
        f"Bevillinger i demoen: {sum(counts.values())} på tværs af de fem løsninger — "
        f"{counts.get('approved', 0)} bevilget, {counts.get('ended', 0)} afsluttet, "
        f"{counts.get('rejected', 0)} afslået, {counts.get('pending', 0)} venter på afgørelse."
        + (f" ({skipped} ikke indstillet: løsningen har ingen indskrevne.)" if skipped else "")
    )
    who_pays_report(settings)


def _one(settings: Settings, cat: Catalogue, solution: str, number: int, plan: Planned) -> str:
    with acting(settings, plan.proposer, "casework") as (session, actor):
        solution_id = session.scalars(select(Solution.id).where(Solution.name == solution)).one()
        periods = decisions.enrolments(session, solution_id, active_on=DEMO_ENROL_ON)
        if not periods:
            return "skipped"
        period = periods[number * 7 % len(periods)]
        start = date(2026, 2 + number % 3, 1)
        proposal = Proposal(
            solution_id=solution_id, unit=period.unit, subject=period.subject,
            intervention=plan.intervention, start=start, end=_month_end(start, plan.months),
            justification=f"Demo: {cat.intervention(plan.intervention).name} efter den fælles "
            "plan for familien.",
            expected_effect="Borgeren kommer et trin ned ad indsatstrappen inden for perioden.",
            units_per_month=Decimal(plan.units) if plan.units else None,
            monthly_amount=Decimal(plan.amount) if plan.amount else None, key=plan.key,
        )  # fmt: skip
        grant = propose(session, actor, cat, proposal)
        grant_id, proposer = grant.id, plan.proposer
    if plan.outcome == "pending":
        return "pending"
    _decide_all(settings, grant_id, proposer, plan.outcome != "rejected")
    if plan.outcome == "ended":
        with acting(settings, "sagsbehandler", "casework") as (session, actor):
            end(session, actor, grant_id, date(2026, 4, 15), "Målet er nået før tid.")
    return plan.outcome


def _decide_all(settings: Settings, grant_id: int, proposer: str, approve: bool) -> None:
    """Each pending requirement decided by the first demo user who may (never the proposer)."""
    candidates = ["leder", "sagsbehandler", *[c[0] for c in CHIEFS]]
    for username in candidates:
        if username == proposer:
            continue
        with acting(settings, username, "casework") as (session, actor):
            grant = session.get(Grant, grant_id)
            if grant is None or grant.status != "proposed":
                return
            area = actor_area(session, actor)
            if any(may_decide(actor, area, r) for r in pending(session, grant)):
                decide(session, actor, grant_id, approve, "" if approve else REJECTED)
