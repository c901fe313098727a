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

# --- the demo ---------------------------------------------------------------------------------

DEMO_RULE = "furesoe"
DEMO_USER = "leder"  # the demo's solution leader (tvaers demo creates one user per role)
DEMO_SOLUTION = "Tværgående løsning i Furesø"
DEMO_AS_OF = date(2026, 1, 31)
DEMO_ENROL_ON = date(2026, 2, 1)
DEMO_BASIS = (
    "Demo på syntetiske data uden rigtige borgere; i drift: kommunens hjemmel til "
    "udveksling af oplysninger på tværs (retssikkerhedslovens § 11 c) og borgerens samtykke."
)


def demo_selection(settings: Settings) -> None:
    """Select Furesø's target group in the demo municipality on 31 January 2026 and enrol it in
    the Furesø example solution on 1 February (assessment and enrolment recorded and logged;
    a second run enrols nobody twice). Prints the group's size and cost."""
    from sqlalchemy import select

    from tvaers.core.money import format_dkk
    from tvaers.draw import service as draw_service
    from tvaers.selection import bases, decisions, statistics
    from tvaers.selection.candidates import candidates as candidate_list
    from tvaers.selection.candidates import listed_citizens
    from tvaers.selection.evaluation import evaluate
    from tvaers.store.models import Solution

    with acting(settings, DEMO_USER, "casework") as (session, actor):
        rule, version = _rule(session, DEMO_RULE, READY_MADE)
        found = session.scalars(select(Solution).where(Solution.name == DEMO_SOLUTION)).first()
        if found is None:
            err.print(f"Demoens løsning '{DEMO_SOLUTION}' findes ikke; ingen indskrivning.")
            return
        solution_id = found.id
        if access.selection_basis(session, solution_id) is None:
            bases.record_selection_basis(
                session, solution_id, "legal_basis", DEMO_BASIS, date(2026, 1, 1), actor.username
            )
    try:
        with draw_service.opened(settings) as analysis:
            evaluation = evaluate(analysis, rule, DEMO_AS_OF)
            figures = statistics.published_summary(evaluation, lambda: store(settings), DEMO_USER)
            rows = candidate_list(evaluation).to_pylist()
            listed = listed_citizens(evaluation, [r[evaluation.unit.value] for r in rows])
    except TvaersError as exc:
        err.print(f"Målgruppen kunne ikke udvælges: {exc}")
        return
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
                f"{ENROL_WITHOUT} Demo: udvalgt efter Furesøs regelsæt og kompleksitetsscore.",
                actor.username, access.basis_text(basis),
                enrol_on=DEMO_ENROL_ON, rule_key=rule.key, rule_version=version,
                score=row["score"], assessed_on=DEMO_AS_OF,
            )  # fmt: skip
            enrolled += 1
        session.flush()
        active = len(decisions.enrolments(session, solution_id, active_on=DEMO_ENROL_ON))
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
