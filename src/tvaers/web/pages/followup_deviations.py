"""Monthly deviations from the budget assumptions at ``/opfoelgning/afvigelser`` (003 §2.3,
issue 14): the year, month and basis chosen, per intervention type the full-year persons and
average price to date and projected against the assumption, the deviation split into volume and
price (table and bars; Excel with the chart native) — statistical, small cells hidden across
requests (:func:`tvaers.followup.deviations.published`).

``/opfoelgning/afvigelser/{code}`` drills down to the cases that explain a type's deviation:
person-level, so casework with a recorded basis per citizen, audited
(:func:`tvaers.followup.deviation_cases.cases_on_home`); a statistical user is refused there.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from tvaers.budget import assumption_figures as af
from tvaers.budget.assumptions import parse_basis
from tvaers.budget.model import BudgetError
from tvaers.budget.state import BASIS_LABELS, Basis
from tvaers.core.errors import NoData
from tvaers.core.periods import DANISH_MONTHS
from tvaers.core.publication import DataTable
from tvaers.followup import deviation_cases as cases_service
from tvaers.followup import deviation_tables as tables
from tvaers.followup import deviations as service
from tvaers.web.deps import DbSession, Viewer, render, settings_of
from tvaers.web.tables import excel_download, excel_workbook, wants_excel
from tvaers.web.texts_deviations import DEVIATIONS as D

router = APIRouter(prefix="/opfoelgning/afvigelser")
FILENAME = "afvigelser"


def _choice(request: Request) -> tuple[int | None, int | None, Basis]:
    """Year, month and basis from the address (refused in Danish when not numbers)."""
    source = request.query_params
    year_text = str(source.get("year") or "").strip()
    if year_text and not year_text.isdigit():
        raise service.DeviationError(f"Året «{year_text[:20]}» er ikke et år.")
    try:
        basis = parse_basis(str(source.get("basis") or Basis.GROSS.value))
    except BudgetError:
        basis = Basis.GROSS
    return (int(year_text) if year_text else None), service.parse_month(source.get("month")), basis


def _query(year: int, month: int, basis: Basis) -> str:
    return f"year={year}&month={month}&basis={basis.value}"


def _linked(table: DataTable, year: int, month: int, basis: Basis) -> DataTable:
    """The rows with a link to each type's cases (the total has none)."""
    for row in table.rows:  # the intervention types: dozens
        if row["intervention"] != tables.TOTAL_LABEL:
            code = quote(str(row["intervention"]), safe="")
            row["href"] = f"/opfoelgning/afvigelser/{code}?{_query(year, month, basis)}"
    return table


@router.get("", response_class=HTMLResponse)
def deviations(request: Request, who: Viewer, session: DbSession) -> Response:
    found: service.Deviations | None = None
    reason, status = None, 200
    years: tuple[int, ...] = ()
    year, month, basis = None, None, Basis.GROSS
    try:
        year, month, basis = _choice(request)
        choice = af.year_choice(settings_of(request), year)
        if choice is None:
            raise NoData(D["no_data"])
        if year is None:  # the latest year with assumptions, else the data's latest
            latest = service.default_year(session, choice.years, basis)
            choice = replace(choice, year=latest or choice.year)
        years, year = choice.years, choice.year
        found = service.published(
            settings_of(request), request.app.state.sessions, choice.year, month, basis,
            f"afvigelser {choice.year}-{month or ''}", who.username,
        )  # fmt: skip
    except service.DeviationError as exc:
        reason, status = D["bad_choice"].format(message=exc.message), 422
    except NoData as exc:
        reason = f"{exc.message} {exc.hint or ''}".strip()
    table = None
    if found is not None:
        table = _linked(tables.deviation_table(found), found.year, found.month, basis)
        if wants_excel(request):
            return excel_download(request, {"afvigelser": table}, "afvigelser", table.filename)
    return render(
        request, "followup/deviations.html", who, status_code=status, refused=status == 422,
        D=D, found=found,
        table=table, reason=reason, years=years, year=year, basis=basis, bases=BASIS_LABELS,
        month_names=DANISH_MONTHS,
        query=_query(found.year, found.month, basis) if found else "",
        unplanned=service.unplanned(found) if found else 0,
    )  # fmt: skip


@router.get("/{code}", response_class=HTMLResponse)
def deviation_cases(request: Request, code: str, who: Viewer, session: DbSession) -> Response:
    reason, status = None, 200
    found: cases_service.Cases | None = None
    table: DataTable | None = None
    context: dict[str, Any] = {}
    try:
        year, month, basis = _choice(request)
        choice = af.year_choice(settings_of(request), year)
        if choice is None:
            raise NoData(D["no_data"])
        found = cases_service.cases_on_home(settings_of(request), session, who, choice.year,
                                            month, basis, code)  # fmt: skip
        session.commit()  # the audit entries of the view
        table = tables.case_table(found)
        context = {"back": f"/opfoelgning/afvigelser?{_query(found.year, found.month, basis)}"}
    except service.DeviationError as exc:
        reason, status = D["bad_choice"].format(message=exc.message), 422
    except NoData as exc:
        reason = f"{exc.message} {exc.hint or ''}".strip()
    if table is not None and wants_excel(request):
        return excel_workbook([table], table.filename)
    return render(
        request, "followup/deviation_cases.html", who, status_code=status,
        refused=status == 422, D=D, found=found,
        table=table, reason=reason, code=code, **context,
    )  # fmt: skip
