"""Albertslund's settlement of a solution (issue 13) at ``/loesninger/{id}/afregning``: from the
data for a year, gross or net of the state (computed in the background like the economy page;
statistical: the figures come suppressed from :mod:`tvaers.budget.settlement`), against the
solution's requirement for the year, with up front and as realised side by side and the
settlement recorded in force; a budget editor records it from the data, or by hand at
``/loesninger/{id}/afregning/haand`` (a form per area that keeps what was typed)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from tvaers import access
from tvaers.access import Actor
from tvaers.budget import requirements, settlement
from tvaers.budget.model import BudgetError, HarvestComparison, Settlement
from tvaers.budget.state import BASIS_LABELS, Basis
from tvaers.core.access import BUDGET_EDITORS
from tvaers.core.errors import NoData
from tvaers.core.periods import today
from tvaers.core.publication import Chart, Column, DataTable
from tvaers.draw.solution_economy import plain
from tvaers.selection import decisions
from tvaers.store.models import Solution
from tvaers.web import progress
from tvaers.web.deps import DbSession, Viewer, flash, redirect, render, settings_of
from tvaers.web.forms import posted
from tvaers.web.pages.selection_casework import solution_or_404
from tvaers.web.tables import AREA, NOTE, excel_download, wants_excel
from tvaers.web.texts import T

router = APIRouter(prefix="/loesninger")
S = T.settlement
C = S["columns"]
TOTAL_LABEL = "I alt"


def year_of(request: Request, years: tuple[int, ...]) -> int:
    """``?aar=`` when a plausible year, else the data's last year (or this year)."""
    text = request.query_params.get("aar", "")
    if text.isdigit() and 2000 <= int(text) <= 2100:
        return int(text)
    return years[-1] if years else today().year


def posted_year_problem(request: Request, shown: int) -> str | None:
    """Why a POST's ``?aar=`` (the year the page showed, in the form's address) cannot be the
    year to save for, in Danish; ``None`` when it is that year. A year that is no year is never
    quietly replaced by another (the data's last year) and saved for that."""
    text = request.query_params.get("aar", "")
    if text.isdigit() and 2000 <= int(text) <= 2100 and int(text) == shown:
        return None
    return str(S["bad_posted_year"]).format(text=text, year=shown)


def basis_of(text: str | None) -> str:
    return text if text in settlement.BASES else "gross"


# --- tables -----------------------------------------------------------------------------------


def settlement_rows(
    found: Settlement,
    names: dict[str, str],
    counts: dict[str, tuple[int | None, str | None]],
    hidden: tuple[Any, ...] = (),
) -> list[dict[str, Any]]:
    """Each area's line (the hidden ones with their note, their money in the line of the
    hidden areas together), the totals, and the cross-cutting line's start and end."""
    rows: list[dict[str, Any]] = []
    for a in found.areas:  # the handful of sector areas
        if a.sector_area == settlement.HIDDEN_AREAS:
            rows.extend({"name": h.name, "note": h.note} for h in hidden)
        count, note = counts.get(a.sector_area, (None, None))
        name = S_HIDDEN if a.sector_area == settlement.HIDDEN_AREAS else names.get(a.sector_area)
        rows.append(
            {
                "name": name or a.sector_area,
                "citizens": count,
                "baseline": a.baseline,
                "actual": a.actual,
                "change": a.change,
                "note": note,
            }
        )
    rows.append(
        {
            "name": TOTAL_LABEL,
            "baseline": sum((a.baseline for a in found.areas), ZERO),
            "actual": sum((a.actual for a in found.areas), ZERO),
            "change": found.total_change,
        }
    )
    rows.append({"name": f"{S['cross_cutting']}, start", "change": -found.requirement})
    rows.append({"name": f"{S['cross_cutting']}, slut", "change": found.cross_cutting_end})
    return rows


S_HIDDEN = settlement.HIDDEN_AREAS_NAME
ZERO = Decimal("0.00")


def settlement_table(
    title: str, rows: list[dict[str, Any]], filename: str, data: bool
) -> DataTable:
    columns = [
        AREA,
        *([Column("citizens", C["citizens"], "int")] if data else []),
        Column("baseline", C["baseline"], "money"),
        Column("actual", C["actual"], "money"),
        Column("change", C["change"], "money"),
        *([NOTE] if data else []),
    ]
    table = DataTable(
        title=title,
        columns=columns,
        rows=rows,
        filename=filename,
        notes=[S["suppressed"]] if data else [],
    )
    bars = [
        {"name": r["name"], "series": label, "millions": float(r[key] / 1_000_000)}
        for r in rows
        if r.get("baseline") is not None and r["name"] != TOTAL_LABEL
        for key, label in (("baseline", S["series_baseline"]), ("actual", S["series_actual"]))
    ]
    if bars:
        table.chart = Chart(
            "bar",
            S["chart"],
            bars,
            "name",
            "millions",
            "Sektorområde",
            "Mio. kr.",
            series="series",
            decimals=1,
            series_title="Løsning",
        )
    return table


def harvest_table(found: HarvestComparison, names: dict[str, str], filename: str) -> DataTable:
    rows: list[dict[str, Any]] = [
        {
            "name": S_HIDDEN
            if r.sector_area == settlement.HIDDEN_AREAS
            else names.get(r.sector_area, r.sector_area),
            "upfront_adjustment": r.upfront_adjustment,
            "upfront_balance": r.upfront_balance,
            "as_realised_adjustment": r.as_realised_adjustment,
        }
        for r in found.rows
    ]
    rows.append(
        {
            "name": S["cross_cutting"],
            "upfront_balance": found.upfront_cross_cutting,
            "as_realised_adjustment": found.as_realised_cross_cutting,
        }
    )
    columns = [AREA] + [
        Column(k, C[k], "money")
        for k in ("upfront_adjustment", "upfront_balance", "as_realised_adjustment")
    ]
    return DataTable(title=S["harvest"], columns=columns, rows=rows, filename=filename)


def versions_table(rows: list[Any], filename: str) -> DataTable:
    shown = []
    for row in rows:  # a solution's few recorded versions
        found = settlement.settlement_of(row)
        shown.append(
            {
                "version": row.version,
                "source": S["sources"].get(row.source, row.source),
                "basis": BASIS_LABELS[Basis(row.basis)],
                "requirement": found.requirement,
                "end": found.cross_cutting_end,
                "met": found.requirement_met,
                "changed_by": row.changed_by,
                "changed_at": row.changed_at,
                "note": row.note,
            }
        )
    columns = [
        Column("version", C["version"], "int"),
        Column("source", C["source"]),
        Column("basis", C["basis"]),
        Column("requirement", C["requirement"], "money"),
        Column("end", C["end"], "money"),
        Column("met", C["met"], "bool"),
        Column("changed_by", C["changed_by"]),
        Column("changed_at", C["changed_at"], "datetime"),
        Column("note", C["note"]),
    ]
    return DataTable(title=S["versions"], columns=columns, rows=shown, filename=filename)


# --- the page ---------------------------------------------------------------------------------


@dataclass
class SettlementPage:
    year: int
    basis: str
    years: tuple[int, ...]
    requirement: Decimal
    requirement_set: bool
    figures: settlement.SettlementFigures | None = None
    reason: str | None = None
    settled: Settlement | None = None
    statement: str | None = None
    harvest: HarvestComparison | None = None
    harvest_reason: str | None = None
    recorded: Any = None
    recorded_settled: Settlement | None = None
    recorded_statement: str | None = None
    recorded_harvest: HarvestComparison | None = None
    tables: dict[str, DataTable] = field(default_factory=dict)


def figures_for(
    request: Request, who: Actor, solution: Solution, periods: Any, year: int, basis: str
) -> settlement.SettlementFigures | Response | None:
    """The settlement's figures from the data (the waiting page while computed; ``None``
    when nothing is loaded)."""
    settings, sessions = settings_of(request), request.app.state.sessions
    key = ("afregning", periods, year, basis)
    try:
        return progress.computed(
            request,
            who,
            key,
            f"{S['title']}: {solution.name}",
            lambda: settlement.published(
                settings,
                sessions,
                periods,
                year,
                basis,
                f"løsning {solution.id} afregning",
                who.username,
            ),
            settlement.cached_figures(settings, periods, year, basis),
        )
    except NoData:
        return None


def _from_data(page: SettlementPage, solution: Solution, figures: Any, row: Any) -> None:
    page.figures = figures
    if not figures.shown:
        page.reason = figures.note or S["no_members"]
        return
    page.settled = figures.settlement(page.requirement)
    if page.settled is None:
        return
    page.statement = settlement.statement(page.settled)
    names = {a.sector_area: a.name for a in figures.areas}
    counts = {a.sector_area: (a.citizens, a.note) for a in figures.areas}
    hidden = tuple(a for a in figures.areas if a.baseline is None)
    stem = f"loesning-{solution.id}-afregning-{page.year}"
    basis = BASIS_LABELS[Basis(page.basis)].lower()
    page.tables["data"] = settlement_table(
        f"{S['table']} {page.year}, {S['from_data'].lower()} ({basis})",
        settlement_rows(page.settled, names, counts, hidden),
        f"{stem}-data",
        True,
    )
    weights = {a.sector_area: a.baseline for a in figures.areas if a.baseline is not None}
    harvest = requirements.harvest_of(row, page.settled, weights or None)
    if isinstance(harvest, str):
        page.harvest_reason = harvest
    else:
        page.harvest = harvest
        page.tables["harvest"] = harvest_table(harvest, names, f"{stem}-hoestning")


def _recorded_harvest(page: SettlementPage, row: Any, names: dict[str, str], stem: str) -> None:
    """Up front against as realised for the recorded settlement (its own baseline as the
    baseline rule's weights)."""
    found = page.recorded_settled
    if found is None:
        return
    weights = {a.sector_area: a.baseline for a in found.areas}
    harvest = requirements.harvest_of(row, found, weights)
    if not isinstance(harvest, str):
        page.recorded_harvest = harvest
        page.tables["recorded_harvest"] = harvest_table(
            harvest, names, f"{stem}-registreret-hoestning"
        )


def settlement_page(
    request: Request, who: Actor, session: Session, solution: Solution, basis: str | None = None
) -> SettlementPage | Response:
    settings = settings_of(request)
    years = settlement.data_years(settings)
    year = year_of(request, years)
    row = requirements.current(session, solution.id, year)
    page = SettlementPage(
        year,
        basis_of(basis or request.query_params.get("grundlag")),
        years,
        requirements.amount_of(session, solution.id, year),
        row is not None,
    )
    names = settlement.area_names(settings)
    stem = f"loesning-{solution.id}-afregning-{year}"
    recorded = settlement.versions(session, solution.id, year)
    page.tables["versions"] = versions_table(recorded, f"{stem}-versioner")
    if recorded:
        page.recorded = recorded[0]
        page.recorded_settled = settlement.settlement_of(recorded[0])
        page.recorded_statement = settlement.statement(page.recorded_settled)
        page.tables["recorded"] = settlement_table(
            S["in_force"].format(
                version=recorded[0].version,
                source=S["sources"].get(recorded[0].source, ""),
                basis=BASIS_LABELS[Basis(recorded[0].basis)].lower(),
            ),
            settlement_rows(page.recorded_settled, names, {}),
            f"{stem}-registreret",
            False,
        )
        _recorded_harvest(page, row, names, stem)
    periods = plain(decisions.enrolments(session, solution.id))
    if not periods:
        page.reason = S["no_members"]
        return page
    figures = figures_for(request, who, solution, periods, page.year, page.basis)
    if isinstance(figures, Response):
        return figures
    if figures is None:
        page.reason = S["no_data"]
    else:
        _from_data(page, solution, figures, row)
    return page


def _render(
    request: Request, who: Actor, solution: Solution, page: SettlementPage, error: str | None = None
) -> Response:
    return render(
        request,
        "budget/settlement.html",
        who,
        status_code=422 if error else 200,
        solution=solution,
        page=page,
        error=error,
        bases=BASIS_LABELS,
        can_edit=who.role in BUDGET_EDITORS,
    )


@router.get("/{solution_id}/afregning", response_class=HTMLResponse)
def settlement_view(
    request: Request, solution_id: int, who: Viewer, session: DbSession
) -> Response:
    solution = solution_or_404(session, solution_id)
    page = settlement_page(request, who, session, solution)
    if isinstance(page, Response):
        return page
    if wants_excel(request):
        default = next(iter(page.tables), "data")
        return excel_download(
            request, page.tables, default, f"loesning-{solution.id}-afregning-{page.year}"
        )
    return _render(request, who, solution, page)


@router.post("/{solution_id}/afregning", response_class=HTMLResponse)
async def record_from_data(
    request: Request, solution_id: int, who: Viewer, session: DbSession
) -> Response:
    solution = solution_or_404(session, solution_id)
    access.require_role(who, BUDGET_EDITORS, "At registrere en afregning")  # before the input
    values = posted(await request.form())
    page = settlement_page(request, who, session, solution, values.get("grundlag"))
    if isinstance(page, Response):
        return page
    if problem := posted_year_problem(request, page.year):
        return _render(request, who, solution, page, problem)
    try:
        if page.figures is None or page.settled is None:
            raise BudgetError(page.reason or S["no_members"])
        row = settlement.record(
            session,
            who,
            solution.id,
            page.year,
            source="data",
            basis=page.basis,
            lines=page.figures.lines(),
            requirement=page.requirement,
        )
    except BudgetError as exc:
        session.rollback()
        return _render(request, who, solution, page, str(exc))
    flash(request, S["recorded"].format(year=page.year, version=row.version))
    return redirect(f"/loesninger/{solution.id}/afregning?aar={page.year}&grundlag={page.basis}")
