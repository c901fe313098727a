"""A solution's result goals and progression at ``/loesninger/{id}/resultater`` (Furesø, issue
14): the goals for a year against the targets (Furesø's figure II), month by month, the three
steps and the intervention staircase from start to end (charts; one workbook with the charts
native); for ``SOLUTION_EDITORS`` the form that sets a goal (keeping what was typed when it is
refused) and Furesø's three goals in one go. Statistical: the figures come suppressed from
:func:`tvaers.followup.results.goal_attainment`. ``/resultater/borgere`` is each citizen's row:
casework, the solution's basis, one audit entry per citizen shown."""

from __future__ import annotations

from dataclasses import dataclass, field

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from tvaers.access import Actor
from tvaers.core.access import SOLUTION_EDITORS
from tvaers.core.errors import AccessRefused, NoData, TvaersError
from tvaers.core.publication import Column, DataTable
from tvaers.draw.solution_economy import plain
from tvaers.followup import goals as goal_store
from tvaers.followup import results, results_tables
from tvaers.followup.results import Results
from tvaers.selection import decisions
from tvaers.store.models import Solution
from tvaers.web.deps import DbSession, Viewer, flash, redirect, render, settings_of
from tvaers.web.forms import posted
from tvaers.web.pages.selection_casework import gated_solution, log_view, solution_or_404
from tvaers.web.tables import (
    VERSION_COLUMNS,
    excel_download,
    excel_response,
    version_cells,
    wants_excel,
)
from tvaers.web.texts import T

router = APIRouter(prefix="/loesninger")
R = T.results


@dataclass
class Page:
    year: int
    years: list[int]
    figures: Results | None = None
    reason: str | None = None
    refused: str | None = None  # the year in the address is not a year (the page answers 422)
    tables: dict[str, DataTable] = field(default_factory=dict)


def _wanted(request: Request, values: dict[str, str] | None) -> int | None:
    text = str((values or {}).get("year") or request.query_params.get("year") or "")
    return int(text) if text.isdigit() else None


def _versions(session: Session, solution: Solution, year: int) -> DataTable:
    rows, seen = [], set()
    for v in goal_store.versions(session, solution.id, year):  # a few goals, a few versions
        target = goal_store.target_of(v)
        rows.append({
            "name": v.name, "goal": v.goal, **version_cells(v), "in_force": v.goal not in seen,
            "target": results_tables.target_text(target.count, target.share),
            "statuses": ", ".join(v.statuses), "note": v.note,
        })  # fmt: skip
        seen.add(v.goal)
    columns = [Column("name", "Mål"), Column("goal", "Kode"), *VERSION_COLUMNS,
               Column("in_force", "Gældende", "bool"), Column("target", "Målsætning"),
               Column("statuses", "Tæller som nået"), Column("note", "Bemærkning")]  # fmt: skip
    return DataTable(f"{R['versions']} {year}", columns, rows,
                     f"loesning-{solution.id}-resultatmaal-{year}-versioner")  # fmt: skip


def _page(request: Request, who: Actor, session: Session, solution: Solution,
          values: dict[str, str] | None, refused: str | None = None) -> Page:  # fmt: skip
    settings = settings_of(request)
    wanted = _wanted(request, values)
    choice = results.year_choice(settings, wanted)
    stored = goal_store.years(session, solution.id)
    years = sorted(set(choice[1] if choice else ()) | set(stored))
    year = wanted if wanted in years else (choice[0] if choice else (stored or [0])[-1])
    page = Page(year, years)
    if refused is not None:
        page.refused = refused
    elif choice is None:
        page.reason = R["no_data"]
    elif not decisions.enrolments(session, solution.id):
        page.reason = R["no_members"]
    elif year not in choice[1]:
        page.reason = R["no_year"].format(year=year)
    else:
        try:
            found = results.goal_attainment(settings, request.app.state.sessions, solution.id,
                                            year, who.username)  # fmt: skip
        except NoData:
            page.reason = R["no_data"]
        else:
            page.figures = found
            page.tables = results_tables.tables(found, solution.name)
    if year and refused is None:
        page.tables["versions"] = _versions(session, solution, year)
    return page


def _show(
    request: Request, who: Actor, session: Session, solution: Solution,
    values: dict[str, str] | None = None, error: str | None = None, status_code: int = 200,
    refused: str | None = None,
) -> Response:  # fmt: skip
    page = _page(request, who, session, solution, values, refused)
    if wants_excel(request) and refused is None:
        return excel_download(request, page.tables, "goals" if page.figures else "versions",
                              f"loesning-{solution.id}-resultater-{page.year}")  # fmt: skip
    known = results.known_statuses(settings_of(request))
    typed = values or {"year": str(page.year or "")}
    return render(
        request, "solutions/results.html", who, status_code=status_code, solution=solution,
        page=page, values=typed, error=error, may_edit=who.role in SOLUTION_EDITORS,
        known=", ".join(sorted(known or ())) or "—",
    )  # fmt: skip


@router.get("/{solution_id}/resultater", response_class=HTMLResponse)
def results_page(request: Request, solution_id: int, who: Viewer, session: DbSession) -> Response:
    solution = solution_or_404(session, solution_id)
    typed = (request.query_params.get("year") or "").strip()
    if typed:  # not a year: 422 with the typed value kept, no other year shown in its place
        try:
            goal_store.parse_year(typed)
        except TvaersError as exc:
            values = {"year": typed[:20]}
            return _show(request, who, session, solution, values, status_code=422,
                         refused=str(exc))  # fmt: skip
    return _show(request, who, session, solution)


@router.post("/{solution_id}/resultater", response_class=HTMLResponse)
async def set_goal(request: Request, solution_id: int, who: Viewer, session: DbSession) -> Response:
    solution = solution_or_404(session, solution_id)
    values = posted(await request.form())
    try:
        saved = goal_store.set_goal(
            session, who, solution.id, values.get("year", ""), values.get("goal", ""),
            values.get("name", ""), values.get("statuses", ""), values.get("count") or None,
            values.get("share") or None, values.get("note"),
            results.known_statuses(settings_of(request)),
        )  # fmt: skip
    except AccessRefused:  # the 403 page, before the input is judged
        raise
    except TvaersError as exc:
        session.rollback()
        return _show(request, who, session, solution, values, str(exc), 422)
    row = saved.row
    text = R["saved" if saved.changed else "unchanged"]
    flash(request, text.format(name=row.name, year=row.year, version=row.version))
    return redirect(f"/loesninger/{solution.id}/resultater?year={row.year}")


@router.post("/{solution_id}/resultater/furesoe", response_class=HTMLResponse)
async def set_presets(
    request: Request, solution_id: int, who: Viewer, session: DbSession
) -> Response:
    solution = solution_or_404(session, solution_id)
    values = posted(await request.form())
    try:
        saved = goal_store.set_presets(session, who, solution.id, values.get("year", ""))
    except AccessRefused:
        raise
    except TvaersError as exc:
        session.rollback()
        return _show(request, who, session, solution, values, str(exc), 422)
    year = saved[0].row.year
    flash(request, R["presets_saved"].format(year=year, changed=sum(s.changed for s in saved)))
    return redirect(f"/loesninger/{solution.id}/resultater?year={year}")


@router.get("/{solution_id}/resultater/borgere", response_class=HTMLResponse)
def citizens_page(request: Request, solution_id: int, who: Viewer, session: DbSession) -> Response:
    """Each citizen's results (casework: the solution's basis; each citizen shown is logged)."""
    solution, _basis = gated_solution(session, who, solution_id)
    settings = settings_of(request)
    choice = results.year_choice(settings, _wanted(request, None))
    year = choice[0] if choice else 0
    specs = [results.spec_of(r) for r in goal_store.current(session, solution.id, year)]
    periods = plain(decisions.enrolments(session, solution.id))
    rows = results.citizens_of(settings, periods, specs, year) if choice and periods else []
    export = wants_excel(request)
    log_view(session, who, solution,
             "resultater_borgere_eksporteret" if export else "resultater_borgere_vist",
             listed=[r["citizen"] for r in rows], year=year, rows=len(rows))  # fmt: skip
    table = results_tables.citizens_table(rows, specs, year, solution.name)
    if export:
        return excel_response(table)
    return render(request, "solutions/results_citizens.html", who, solution=solution,
                  table=table, year=year, years=list(choice[1]) if choice else [])  # fmt: skip
