"""The demo's selection: Furesø's target group selected and enrolled by the demo's solution
leader, through the same access rules as everyone else."""

from __future__ import annotations

from datetime import date

from tvaers import access
from tvaers.cli import console, err
from tvaers.cli.acting import acting, store
from tvaers.cli.select import ENROL_WITHOUT, READY_MADE, _rule
from tvaers.core.config import Settings
from tvaers.core.errors import TvaersError
from tvaers.core.periods import danish_date
from tvaers.core.suppression import SMALL_CELL
from tvaers.selection.statistics import Summary

# --- the demo ---------------------------------------------------------------------------------

DEMO_RULE = "furesoe"
DEMO_USER = "leder"  # the demo's solution leader (tvaers demo creates one user per role)
DEMO_SOLUTION = "Tværgående løsning i Furesø"
DEMO_AS_OF = date(2026, 1, 31)
DEMO_ENROL_ON = date(2026, 2, 1)
OTHER_GROUP = 12  # the other example solutions: 12-100 families each (VIVE, slide 7)
OTHER_GROUPS = (
    ("Job og Familie", "kl_familier_med_mange_ydelser"),  # Assens
    ("Tværgående løsning i Helsingør", "kl_boernesag_og_overfoerselsindkomst"),
    ("Familieplanen", "kl_udsatte_unge"),  # Høje-Taastrup
    ("Fælles om målet", "kl_misbrug_og_overfoerselsindkomst"),  # Albertslund
)
DEMO_BASIS = (
    "Demo på syntetiske data uden rigtige borgere; i drift: kommunens hjemmel til "
    "udveksling af oplysninger på tværs (retssikkerhedslovens § 11 c) og borgerens samtykke."
)


def demo_selection(settings: Settings) -> None:
    """Select Furesø's target group in the demo municipality on 31 January 2026 and enrol it in
    the Furesø example solution on 1 February (assessment and enrolment recorded and logged;
    a second run enrols nobody twice). Prints the group's size and cost. The other four example
    solutions get a group of their own from KL's ready-made rule sets (at most
    ``OTHER_GROUP`` each), so that the demo's grants can be made for all five."""
    from tvaers.core.money import format_dkk

    found = enrol_group(settings, DEMO_RULE, DEMO_SOLUTION)
    if found is None:
        return
    figures, enrolled, active = found
    size = (
        f"færre end {SMALL_CELL}"
        if figures.units is None
        else f"{figures.units:,}".replace(",", ".")
    )
    cost = "(skjult)" if figures.cost is None else format_dkk(figures.cost)
    console.print(
        f"Furesøs målgruppe pr. {danish_date(DEMO_AS_OF)}: {size} borgere med et "
        f"ressourcetræk på {cost} i {figures.window.danish()}. {active} er indskrevet i "
        f"'{DEMO_SOLUTION}' fra {danish_date(DEMO_ENROL_ON)}"
        + (f" ({enrolled} nye i denne kørsel)." if enrolled != active else ".")
    )
    for solution, rule in OTHER_GROUPS:
        other = enrol_group(settings, rule, solution, OTHER_GROUP)
        if other is not None:
            console.print(f"'{solution}': {other[2]} indskrevet (regelsæt {rule}).")
    demo_principles(settings)
    demo_budget(settings)
    demo_followup(settings)


def demo_budget(settings: Settings) -> None:
    """Focus point 5 in the demo: budgets, frames, requirements, settlements, assumptions and
    an investment case (:mod:`tvaers.cli.demo_budget`)."""
    from tvaers.cli import demo_budget as budget

    budget.demo_budget(settings)


def demo_followup(settings: Settings) -> None:
    """Focus point 6 in the demo: forecast methods, Furesø's figures 6.2 and II
    (:mod:`tvaers.cli.demo_followup`)."""
    from tvaers.cli import demo_followup as followup

    followup.demo_followup(settings)


def demo_principles(settings: Settings) -> None:
    """Focus point 4 in the demo: the area chiefs, the plan, placements, a key, the grants."""
    from tvaers.cli.demo_grants import demo_chiefs, demo_grants

    for username, area, password in demo_chiefs(settings):
        console.print(f"Fagchef {username} ({area}) har adgangskoden {password}")
    demo_grants(settings)


def enrol_group(
    settings: Settings, rule_key: str, solution_name: str, limit: int | None = None
) -> tuple[Summary, int, int] | None:
    """Evaluate the ready-made rule set on the demo's date and enrol its candidates (the
    ``limit`` highest scored, or all) in the named example solution, recording a selection
    basis first when it has none. Returns the published figures, how many were enrolled now
    and how many are enrolled in all; ``None`` when the solution or the data are missing."""
    from sqlalchemy import select

    from tvaers.draw import service as draw_service
    from tvaers.selection import bases, decisions, statistics
    from tvaers.selection.candidates import candidates as candidate_list
    from tvaers.selection.candidates import listed_citizens
    from tvaers.selection.evaluation import evaluate
    from tvaers.store.models import Solution

    with acting(settings, DEMO_USER, "casework") as (session, actor):
        rule, version = _rule(session, rule_key, READY_MADE)
        found = session.scalars(select(Solution).where(Solution.name == solution_name)).first()
        if found is None:
            err.print(f"Demoens løsning '{solution_name}' findes ikke; ingen indskrivning.")
            return None
        solution_id = found.id
        if access.selection_basis(session, solution_id) is None:
            bases.record_selection_basis(
                session, solution_id, "legal_basis", DEMO_BASIS, date(2026, 1, 1), actor.username
            )
    try:
        with draw_service.opened(settings) as analysis:
            evaluation = evaluate(analysis, rule, DEMO_AS_OF)
            figures = statistics.published_summary(evaluation, lambda: store(settings), DEMO_USER)
            rows = candidate_list(evaluation).to_pylist()[:limit]
            listed = listed_citizens(evaluation, [r[evaluation.unit.value] for r in rows])
    except TvaersError as exc:
        err.print(f"Målgruppen kunne ikke udvælges: {exc}")
        return None
    unit = evaluation.unit.value
    enrolled = 0
    with acting(settings, DEMO_USER, "casework") as (session, actor):
        basis = access.solution(
            session, actor, solution_id, "demo_select", listed=listed,
            detail={"rule": rule.key, "version": version, "as_of": str(DEMO_AS_OF),
                    "candidates": len(rows)},
        )  # fmt: skip
        for row in rows:  # operational records for the group's ~100 people, not analytics
            subject = row[unit]
            if decisions.current_enrolment(session, solution_id, unit, subject) is not None:
                continue
            decisions.assess(
                session, solution_id, unit, subject, "accepted", "unknown", "unknown",
                f"{ENROL_WITHOUT} Demo: udvalgt efter regelsættet {rule.key} og "
                "kompleksitetsscore.",
                actor.username, access.basis_text(basis),
                enrol_on=DEMO_ENROL_ON, rule_key=rule.key, rule_version=version,
                score=row["score"], assessed_on=DEMO_AS_OF,
            )  # fmt: skip
            enrolled += 1
        session.flush()
        active = len(decisions.enrolments(session, solution_id, active_on=DEMO_ENROL_ON))
    return figures, enrolled, active
