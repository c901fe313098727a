"""``tvaers pilot``: a solution's pilot evaluation from the command line (issue 13), thin over
:mod:`tvaers.budget.pilot` — the difference in differences per sector area against a matched
comparison group, with its 95 % confidence interval, and the balance of the matching.

Statistical, exactly as the page: small cells suppressed, the rule across requests; the
comparison group is never listed. ``--user`` (or ``TVAERS_USER``) names who asks (checked, and
remembered with what was published); without it the figures are published anonymously.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Annotated, Any

import typer

from tvaers.cli import _settings, app, console
from tvaers.cli.acting import UserOption, acting, store
from tvaers.cli.principles import TextFormatOption, die, fail, text_or_json, write_json
from tvaers.cli.select import _solution_id, _store
from tvaers.core.errors import NoData
from tvaers.core.money import format_dkk

if TYPE_CHECKING:
    from tvaers.budget.pilot_model import Evaluation

MethodOption = Annotated[
    str, typer.Option("--method", help="nearest (nærmeste nabo, standard) eller strata")
]
BasisOption = Annotated[
    str, typer.Option("--basis", help="gross (brutto, standard) eller net (netto af staten)")
]
AREA_FIELDS = ("sector_area", "name", "treated", "comparison", "treated_change",
               "comparison_change", "effect", "standard_error", "low", "high", "note")  # fmt: skip
BALANCE_FIELDS = ("variable", "sector_area", "name", "treated", "pool", "before",
                  "treated_matched", "matched", "after", "note")  # fmt: skip


@app.command("pilot")
def pilot_command(
    solution: Annotated[str, typer.Option("--solution", help="Løsningen: nummer eller navn")],
    method: MethodOption = "nearest",
    basis: BasisOption = "gross",
    fmt: TextFormatOption = "text",
    user: UserOption = None,
) -> None:
    """Pilotevaluering: de indskrevne borgeres udgiftsændring (12 måneder før mod 12 måneder
    fra indskrivningen) mod en matchet sammenligningsgruppe af borgere, der aldrig har været
    indskrevet — difference-in-differences pr. sektorområde med 95 %-konfidensinterval.
    Statistisk: små grupper skjules, og sammenligningsgruppen vises aldrig som en liste."""
    from tvaers.budget import pilot
    from tvaers.budget.pilot_model import Method

    chosen = text_or_json(fmt)
    try:
        picked = Method(method.strip().lower())
    except ValueError:
        fail(f"Ukendt metode «{method}».", "Brug --method nearest eller --method strata.")
    try:
        grounds = pilot.Basis(basis.strip().lower())
    except ValueError:
        fail(f"Ukendt grundlag «{basis}».", "Brug --basis gross eller --basis net.")
    settings = _settings()
    if user is not None:
        with acting(settings, user) as (_session, _actor):
            pass  # an existing, active user who may use the statistical purpose
    with _store(settings) as session:
        solution_id = _solution_id(session, solution)
        name = _solution_name(session, solution_id)
        try:
            found = pilot.solution_evaluation(session, settings, solution_id, picked, grounds,
                                              user, lambda: store(settings))  # fmt: skip
        except NoData as exc:
            die(exc)
    if chosen == "json":
        write_json(_document(solution_id, name, found))
    else:
        _print(name, found)


def _solution_name(session: Any, solution_id: int) -> str:
    from tvaers.anchoring import service as solutions

    return str(solutions.get(session, solution_id).name)


def _document(solution_id: int, name: str, found: Evaluation) -> dict[str, Any]:
    cohorts = found.cohorts
    return {
        "solution_id": solution_id, "solution": name, "method": found.method.value,
        "basis": found.basis, "enrolled": found.enrolled, "evaluable": found.evaluable,
        "treated": found.treated, "comparison": found.comparison,
        "cohorts": None if cohorts is None
        else {"first": str(cohorts.first), "last": str(cohorts.last)},
        "note": found.note,
        "areas": [{k: getattr(a, k) for k in AREA_FIELDS} for a in found.areas],
        "balance": [{k: getattr(b, k) for k in BALANCE_FIELDS} for b in found.balance],
    }  # fmt: skip


def _kr(value: Any) -> str:
    return "—" if value is None else format_dkk(value)


def _print(name: str, found: Evaluation) -> None:
    from tvaers.budget.pilot_model import METHOD_LABELS
    from tvaers.budget.state import BASIS_LABELS, Basis

    basis = BASIS_LABELS[Basis(found.basis)]
    say = partial(console.print, soft_wrap=True)
    say(f"Pilotevaluering: {name} — {METHOD_LABELS[found.method]}, {basis}")
    say(f"{found.enrolled} borgere indskrevet i løsningen.")
    if not found.shown:
        say(f"Evalueringen kan ikke vises: {found.note}.")
        return
    say(f"{found.evaluable} med data før og efter; {found.treated} indskrevne matchet "
                  f"med {found.comparison} borgere i sammenligningsgruppen.")  # fmt: skip
    if found.cohorts is not None:
        say(f"Indskrevet {found.cohorts.danish()}.")
    say("Anslået effekt, kr. pr. borger om året (negativ = en besparelse), 95 %-konfidensinterval:")
    for a in found.areas:  # the handful of areas and the total
        if a.effect is None:
            say(f"  {a.name}: {a.note or '(skjult)'}")
            continue
        say(f"  {a.name}: {_kr(a.effect)} ({_kr(a.low)} til {_kr(a.high)}); ændring "
            f"{_kr(a.treated_change)} for {_count(a.treated)} indskrevne, "
            f"{_kr(a.comparison_change)} for {_count(a.comparison)} i sammenligningen")  # fmt: skip


def _count(value: int | None) -> str:
    return "(skjult)" if value is None else f"{value:,}".replace(",", ".")
