"""A settlement entered by hand (issue 13) at ``/loesninger/{id}/afregning/haand``: per loaded
sector area its baseline and actual (Danish amounts like ``5.000.000,00`` or ``5000000``), the
year, the basis and the requirement; recorded as a settlement version by a budget editor
(:func:`tvaers.budget.settlement.record`, audited). An error is said at its field, with what was
typed kept, and nothing is saved."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from tvaers.access import Actor
from tvaers.budget import requirements, settlement
from tvaers.budget.model import BudgetError
from tvaers.budget.state import BASIS_LABELS
from tvaers.core.access import BUDGET_EDITORS
from tvaers.core.money import kroner
from tvaers.selection.builder import parse_danish_number
from tvaers.store.models import Solution
from tvaers.web.deps import DbSession, Viewer, flash, redirect, render, settings_of
from tvaers.web.forms import posted
from tvaers.web.pages.budget_settlement import S, year_of
from tvaers.web.pages.selection_casework import solution_or_404

router = APIRouter(prefix="/loesninger")
MAX_AMOUNT = Decimal(100_000_000_000)


def amount_of(text: str) -> tuple[Decimal | None, str | None]:
    """A typed amount in kroner, or the Danish reason it is not one (blank: ``None, None``)."""
    typed = text.strip()
    if not typed:
        return None, None
    number = parse_danish_number(typed)
    if number is None or abs(number) > MAX_AMOUNT:
        return None, S["bad_amount"].format(text=typed)
    try:
        return kroner(number), None
    except ValueError:
        return None, S["too_precise"].format(text=typed)


def read_form(
    values: dict[str, str], areas: dict[str, str]
) -> tuple[list[tuple[str, Decimal, Decimal]], Decimal | None, dict[str, str]]:
    """The lines typed (an area with one amount blank counts it as 0; both blank: left out),
    the requirement, and the errors by field."""
    errors: dict[str, str] = {}
    lines = []
    for i, code in enumerate(areas):  # the loaded sector areas
        b, b_error = amount_of(values.get(f"baseline-{i}", ""))
        a, a_error = amount_of(values.get(f"actual-{i}", ""))
        if b_error:
            errors[f"baseline-{i}"] = b_error
        if a_error:
            errors[f"actual-{i}"] = a_error
        if not (b_error or a_error) and (b is not None or a is not None):
            lines.append((code, b or Decimal("0.00"), a or Decimal("0.00")))
    requirement, r_error = amount_of(values.get("krav", ""))
    if r_error or requirement is None:
        errors["krav"] = r_error or S["requirement_hint"]
    elif requirement < 0:
        errors["krav"] = S["requirement_hint"]
    if not lines and not errors:
        errors["lines"] = S["no_lines"]
    return lines, requirement, errors


def _page(
    request: Request,
    who: Actor,
    session: Session,
    solution: Solution,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    error: str | None = None,
) -> Response:
    settings = settings_of(request)
    year = year_of(request, settlement.data_years(settings))
    if values is None:
        values = {
            "aar": str(year),
            "grundlag": "gross",
            "krav": str(requirements.amount_of(session, solution.id, year)).replace(".", ","),
        }
    failed = bool(errors or error)
    return render(
        request,
        "budget/settlement_hand.html",
        who,
        status_code=422 if failed else 200,
        solution=solution,
        areas=settlement.area_names(settings),
        values=values,
        errors=errors or {},
        error=error,
        bases=BASIS_LABELS,
        year=year,
        can_edit=who.role in BUDGET_EDITORS,
    )


@router.get("/{solution_id}/afregning/haand", response_class=HTMLResponse)
def hand_form(request: Request, solution_id: int, who: Viewer, session: DbSession) -> Response:
    return _page(request, who, session, solution_or_404(session, solution_id))


@router.post("/{solution_id}/afregning/haand", response_class=HTMLResponse)
async def hand_record(
    request: Request, solution_id: int, who: Viewer, session: DbSession
) -> Response:
    solution = solution_or_404(session, solution_id)
    values: dict[str, Any] = posted(await request.form())
    areas = settlement.area_names(settings_of(request))
    lines, requirement, errors = read_form(values, areas)
    year_text = values.get("aar", "").strip()
    if not (year_text.isdigit() and 2000 <= int(year_text) <= 2100):
        errors["aar"] = S["bad_year"]
    basis = values.get("grundlag", "gross")
    if errors or requirement is None:
        return _page(request, who, session, solution, values, errors, S["fix_errors"])
    try:
        row = settlement.record(
            session,
            who,
            solution.id,
            int(year_text),
            source="hand",
            basis=basis if basis in settlement.BASES else "gross",
            lines=lines,
            requirement=requirement,
            note=values.get("note", "").strip(),
        )
    except BudgetError as exc:
        session.rollback()
        return _page(request, who, session, solution, values, errors, str(exc))
    flash(request, S["recorded"].format(year=year_text, version=row.version))
    return redirect(f"/loesninger/{solution.id}/afregning?aar={year_text}")
