"""The forecast methods at ``/prognose/metoder`` (issue 14; 003 §2.4: an active, evidence-based
choice of method per intervention type): the back-test of a past year (``aar``) — each method's
mean absolute percentage error per intervention type side by side, the smallest marked, and the
total's errors as a chart — and the municipality's choice per intervention type: a form per type
for ``BUDGET_EDITORS`` (a refused one keeps what was typed), the choices in force for everyone,
and every version (who, when, why). ``?format=xlsx``: one workbook, the chart native.

Thin over :func:`tvaers.followup.forecast_figures.published_backtest` (whole areas' books,
cached) and :func:`tvaers.followup.forecast_methods.choose` (versioned, audited)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from tvaers.access import Actor
from tvaers.budget.assumption_figures import year_choice
from tvaers.budget.model import BudgetError
from tvaers.core.access import BUDGET_EDITORS
from tvaers.core.errors import NoData
from tvaers.core.publication import Column, DataTable
from tvaers.followup import forecast_figures as figures
from tvaers.followup import forecast_methods, forecast_tables
from tvaers.followup.forecast_methods import NOTE_MAX
from tvaers.followup.forecast_service import Backtest, Scope
from tvaers.followup.model import DEFAULT_METHOD, METHOD_LABELS, METHODS, ForecastError
from tvaers.web import progress
from tvaers.web.deps import DbSession, Viewer, flash, redirect, render, require, settings_of
from tvaers.web.forms import posted
from tvaers.web.pages.followup_forecast import chosen_fingerprint
from tvaers.web.tables import VERSION_COLUMNS, excel_download, version_cells, wants_excel
from tvaers.web.texts_forecast import METHODS_PAGE as M

router = APIRouter(prefix="/prognose/metoder")
FILENAME = "prognosemetoder"
C = M["columns"]
Chooser = Depends(require(*BUDGET_EDITORS))  # others are refused before the form is read
HISTORY_COLUMNS = [
    Column("area", C["area"]), Column("intervention", C["intervention"]), *VERSION_COLUMNS,
    Column("in_force", C["in_force"], "bool"), Column("method", C["method"]),
    Column("note", C["note"]),
]  # fmt: skip


@dataclass(frozen=True)
class TypeChoice:
    """An intervention type the municipality may choose a method for, and its method now."""

    sector_area: str
    intervention: str
    name: str  # «Beskæftigelse – Jobindsats»
    method: str
    chosen: bool  # recorded (else the default)


@dataclass
class MethodsPage:
    year: int | None
    years: tuple[int, ...] = ()
    found: Backtest | None = None
    reason: str | None = None
    tables: dict[str, DataTable] = field(default_factory=dict)
    marks: list[str] = field(default_factory=list)
    types: list[TypeChoice] = field(default_factory=list)


def _type_name(area: str, code: str, areas: dict[str, str], items: dict[str, str]) -> str:
    item = items.get(code, code) if code else forecast_tables.NO_INTERVENTION
    return f"{areas.get(area, area)} – {item}"


def history_table(session: Session, areas: dict[str, str], items: dict[str, str]) -> DataTable:
    rows, seen = [], set()
    for v in forecast_methods.history(session):  # a few versions per intervention type
        key = (v.sector_area, v.intervention)
        rows.append({
            "area": areas.get(v.sector_area, v.sector_area),
            "intervention": items.get(v.intervention, v.intervention) if v.intervention
            else forecast_tables.NO_INTERVENTION,
            **version_cells(v), "in_force": key not in seen,
            "method": forecast_tables.method_label(v.method), "note": v.note,
        })  # fmt: skip
        seen.add(key)
    return DataTable(M["history"], HISTORY_COLUMNS, rows, f"{FILENAME}-versioner")


def _types(session: Session, found: Backtest, names: tuple[dict[str, str], dict[str, str]]) -> (
    list[TypeChoice]
):  # fmt: skip
    chosen = forecast_methods.chosen(session)
    out = []
    for row in found.rows:  # the intervention types: dozens
        key = (row.sector_area, row.intervention)
        method = chosen.get(key, DEFAULT_METHOD)
        out.append(TypeChoice(row.sector_area, row.intervention,
                              _type_name(*key, *names), method.value, key in chosen))  # fmt: skip
    return out


def _backtest(request: Request, who: Actor, session: Session, page: MethodsPage) -> Response | None:
    """The back-test of ``page.year`` into ``page`` (or the waiting page while computed)."""
    assert page.year is not None
    year, settings, sessions = page.year, settings_of(request), request.app.state.sessions
    key = ("prognose-tilbagetest", year, chosen_fingerprint(session))
    title = f"{M['title']}: tilbagetest af {year}"
    context = f"prognose tilbagetest {year}"
    found = progress.computed(request, who, key, title, lambda: figures.published_backtest(
        settings, sessions, Scope(), year, context, who.username))  # fmt: skip
    if isinstance(found, Response):
        return found
    names = figures.names(settings)
    table = forecast_tables.backtest_table(found, *names, [])
    page.found, page.tables["tilbagetest"] = found, table
    page.marks = [f"error_{r.best}" if r.best else "" for r in (*found.rows, found.total)]
    page.types = _types(session, found, names)
    return None


def _page(
    request: Request, who: Actor, session: Session, wanted: Any,
    values: dict[str, str] | None = None, error: str | None = None, status_code: int = 200,
) -> Response:  # fmt: skip
    settings = settings_of(request)
    year = int(wanted) if str(wanted or "").strip().isdigit() else None
    choice = year_choice(settings, year)
    page = MethodsPage(choice.year if choice else None, choice.years if choice else ())
    if choice is None:
        page.reason = M["no_data"]
    else:
        try:
            waiting = _backtest(request, who, session, page)
        except NoData:
            page.reason = M["no_data"]
        else:
            if waiting is not None:
                return waiting
    try:
        names = figures.names(settings)
    except NoData:
        names = ({}, {})
    page.tables["versioner"] = history_table(session, *names)
    if wants_excel(request):
        return excel_download(request, page.tables, "tilbagetest" if page.found else "versioner",
                              f"{FILENAME}-{page.year}" if page.year else FILENAME)  # fmt: skip
    return render(
        request, "followup/methods.html", who, status_code=status_code, M=M, page=page,
        values=values or {}, error=error, may_choose=who.role in BUDGET_EDITORS,
        methods={m.value: METHOD_LABELS[m] for m in METHODS}, note_max=NOTE_MAX,
    )  # fmt: skip


@router.get("", response_class=HTMLResponse)
def methods(request: Request, who: Viewer, session: DbSession, aar: str = "") -> Response:
    return _page(request, who, session, aar)


def _known(request: Request, area: str, code: str) -> str:
    """The type's Danish name, or a Danish refusal when the data do not have it."""
    areas, items = figures.names(settings_of(request))
    if area not in areas or (code and code not in items):
        shown = f"{area} {code}".strip()[:60]
        raise ForecastError(M["unknown_type"].format(type=shown), hint=M["unknown_hint"])
    return _type_name(area, code, areas, items)


@router.post("", response_class=HTMLResponse)
async def choose(request: Request, session: DbSession, who: Actor = Chooser) -> Response:
    values = posted(await request.form())
    area, code = values.get("sector_area", ""), values.get("intervention", "")
    note = values.get("note", "")
    try:
        name = _known(request, area, code)
        row = forecast_methods.choose(session, who, area, code, values.get("method", ""), note)
    except (ForecastError, BudgetError) as exc:
        session.rollback()
        return _page(request, who, session, values.get("aar"), values, str(exc), 422)
    flash(request, M["saved"].format(type=name, version=row.version,
                                     method=forecast_tables.method_label(row.method)))  # fmt: skip
    year = values.get("aar", "")
    return redirect(f"/prognose/metoder?aar={year}" if year.isdigit() else "/prognose/metoder")
