"""The area chief's view at ``/budget/{area}`` (issue 13: «hvad jeg betaler, og hvad jeg får»):
the area's budget for the year and its versions, the actual per month against the budget's
monthly level, the frame it is in and any overspend flag, what each cross-cutting solution
draws on the budget (its "who pays" draw, statistical and suppressed), the area's part of each
solution's efficiency requirement (:func:`tvaers.budget.requirements.parts_for_area`) and the
year's recorded settlements (:func:`tvaers.budget.settlement.recorded_for_area`).

And a solution's own budget at ``/budget/loesninger/{id}``: its budget lines (cost items inside
and outside the unit) against what it draws on its own budget and on each sector area.
Both compute in the background like the other statistical pages; every table is in Excel."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from tvaers.anchoring.service import all_solutions
from tvaers.budget import area_view, budgets, requirements, settlement
from tvaers.budget.area_view import AreaFigures, SolutionDraw
from tvaers.core.errors import NoData
from tvaers.core.publication import Column, DataTable
from tvaers.store.models_budget import BudgetVersion
from tvaers.web import progress
from tvaers.web.deps import DbSession, Viewer, render, settings_of
from tvaers.web.pages.budget import (
    AREA_COLUMNS,
    area_row,
    chosen_basis,
    chosen_year,
    flag_text,
    months_table,
    year_choices,
)
from tvaers.web.pages.selection_casework import solution_or_404
from tvaers.web.tables import NOTE, excel_download, wants_excel
from tvaers.web.texts import T

router = APIRouter(prefix="/budget")
B = T.budget
C = B["columns"]


def _money(key: str, label: str | None = None) -> Column:
    return Column(key, label or C[key], "money")


VERSION_COLUMNS = [
    Column("version", C["version"], "int"), Column("solution", C["solution"]),
    Column("item", C["item"]), Column("inside", C["inside"]), _money("amount"),
    Column("source", C["source"]), Column("changed_by", C["changed_by"]),
    Column("changed_at", C["changed_at"], "datetime"), Column("note", C["note"]),
]  # fmt: skip
DRAW_COLUMNS = [
    Column("solution", C["solution"]), Column("citizens", C["citizens_since"], "int"),
    _money("paid_year"), _money("paid_since"), _money("committed_year"), NOTE,
]  # fmt: skip


def inside_text(value: bool | None) -> str:
    return str(B["inside"][{True: "true", False: "false"}.get(value, "none")])  # type: ignore[arg-type]


def version_row(v: BudgetVersion, solutions: dict[int, str], users: set[str]) -> dict[str, Any]:
    return {
        "version": v.version, "solution": solutions.get(v.solution_id or 0, ""),
        "item": v.item, "inside": inside_text(v.inside), "amount": budgets.amount_of(v),
        "source": B["sources"].get(v.source, v.source),
        "changed_by": budgets.changed_by_text(v, users),
        "changed_at": v.changed_at, "note": v.note,
    }  # fmt: skip


def draw_rows(draws: tuple[SolutionDraw, ...]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for d in draws:  # the enrolled solutions: a handful
        if not d.areas:
            rows.append({"solution": d.solution, "citizens": d.members, "note": d.note,
                         "href": f"/loesninger/{d.solution_id}/hvem-betaler"})  # fmt: skip
        for a in d.areas:
            rows.append({"solution": d.solution, "citizens": a.citizens,
                         "paid_year": a.paid_year, "paid_since": a.paid_since,
                         "committed_year": a.committed_year, "note": a.note,
                         "href": f"/loesninger/{d.solution_id}/hvem-betaler"})  # fmt: skip
    return rows


def _requirement_table(session: Any, request: Request, area: str, year: int) -> DataTable:
    parts = requirements.parts_for_area(session, settings_of(request), area, year)
    rows = [{"solution": p.solution_name, "rule": B_RULES.get(p.rule, p.rule),
             "requirement": p.requirement, "part": p.amount} for p in parts]  # fmt: skip
    columns = [Column("solution", C["solution"]), Column("rule", C["rule"]),
               _money("requirement"), _money("part")]  # fmt: skip
    return DataTable(B["requirements"], columns, rows, f"budget-{area}-{year}-krav")


def _settlement_table(session: Any, area: str, year: int) -> DataTable:
    found = settlement.recorded_for_area(session, area, year)
    rows = [{"solution": s.solution_name, "basis": B["bases"].get(s.basis, s.basis),
             "baseline": s.baseline, "settled_actual": s.actual, "change": s.change,
             "end": s.cross_cutting_end, "met": B["met"][s.requirement_met]}
            for s in found]  # fmt: skip
    columns = [Column("solution", C["solution"]), Column("basis", B["basis"]),
               _money("baseline"), _money("settled_actual"), _money("change"), _money("end"),
               Column("met", C["met"])]  # fmt: skip
    return DataTable(B["settlements"], columns, rows, f"budget-{area}-{year}-afregning")


B_RULES = {
    "baseline": "Andel af baseline", "expected_gain": "Forventet gevinst",
    "fixed": "Faste andele", "solution": "Alt på løsningen",
}  # fmt: skip


def _figures(request: Request, who: Any, area: str, year: int, basis: Any) -> Any:
    settings, sessions = settings_of(request), request.app.state.sessions
    key = ("budget-omraade", area, year, basis.value)
    return progress.computed(
        request,
        who,
        key,
        B["area_title"].format(name=area),
        lambda: area_view.area_figures(settings, sessions, area, year, basis, who.username),
    )


def area_tables(
    figures: AreaFigures, area: str, year: int, history: list[BudgetVersion],
    solutions: dict[int, str], users: set[str],
) -> dict[str, DataTable]:  # fmt: skip
    found = figures.overview.year.area(area)
    name = f"budget-{area}-{year}"
    flag = figures.overview.steered.flag_of(area)
    rows = [area_row(found, flag)] if found else []
    tables = {
        "area": DataTable(B["area_figures"], AREA_COLUMNS, rows, f"{name}-budget"),
        "versions": DataTable(B["area_versions"], VERSION_COLUMNS,
                              [version_row(v, solutions, users) for v in history],
                              f"{name}-versioner"),
        "draws": DataTable(B["draws"], DRAW_COLUMNS, draw_rows(figures.draws), f"{name}-traek",
                           [B["draws_lead"], T.suppressed_note]),
    }  # fmt: skip
    months = months_table([found], year, f"{name}-maaneder") if found else None
    if months is not None and months.rows:  # a year without data: no empty sheet
        tables["months"] = months
    return tables


@router.get("/loesninger/{solution_id}", response_class=HTMLResponse)
def solution_budget(
    request: Request, solution_id: int, who: Viewer, session: DbSession
) -> Response:
    solution = solution_or_404(session, solution_id)
    settings, sessions = settings_of(request), request.app.state.sessions
    budgets.synchronised(settings, session)  # before the year is chosen
    year = chosen_year(request, session)
    lines = budgets.solution_lines(session, year, solution.id)
    try:
        draw = progress.computed(
            request, who, ("budget-loesning", solution.id, year),
            B["solution_title"].format(name=solution.name),
            lambda: _solution_draw(settings, sessions, solution.id, year, who.username),
        )  # fmt: skip
    except NoData:
        draw = SolutionDraw(solution.id, solution.name, None, T.budget["no_data"], ())
    if isinstance(draw, Response):
        return draw
    names = _area_names(request)
    own = area_view.own_budget(lines, draw, names)
    tables = _solution_tables(solution.id, solution.name, year, lines, own, names,
                              budgets.usernames(session))  # fmt: skip
    if wants_excel(request):
        return excel_download(request, tables, "own", f"budget-loesning-{solution.id}-{year}")
    return render(request, "budget/budget_solution.html", who, solution=solution, year=year,
                  years=year_choices(session, year), draw=draw, tables=tables)  # fmt: skip


def _solution_draw(
    settings: Any, sessions: Any, solution_id: int, year: int, user: str
) -> SolutionDraw:
    with sessions() as session:
        solution = solution_or_404(session, solution_id)
        return area_view.solution_draw(settings, sessions, session, solution, year, user)


def _area_names(request: Request) -> dict[str, str]:
    from tvaers.draw.session import opened

    try:
        with opened(settings_of(request)) as analysis:
            return dict(analysis.area_names)
    except NoData:
        return {}


def _solution_tables(
    solution_id: int, name: str, year: int, lines: list[BudgetVersion],
    own: list[area_view.OwnRow], names: dict[str, str], users: set[str],
) -> dict[str, DataTable]:  # fmt: skip
    stem = f"budget-loesning-{solution_id}-{year}"
    line_rows = [{**version_row(v, {}, users), "name": names.get(v.sector_area, v.sector_area)}
                 for v in lines]  # fmt: skip
    line_columns = [Column("name", C["name"]), *VERSION_COLUMNS[2:]]
    own_rows = [{"name": r.name, "budget": r.budget, "drawn": r.drawn,
                 "remaining": r.remaining, "note": r.note} for r in own]  # fmt: skip
    own_columns = [Column("name", C["name"]), _money("budget"), _money("drawn"),
                   _money("remaining"), NOTE]  # fmt: skip
    return {
        "own": DataTable(f"{B['own_table']}: {name}", own_columns, own_rows, f"{stem}-traek",
                         [B["draws_lead"], T.suppressed_note]),
        "lines": DataTable(f"{B['solution_lines_table']}: {name}", line_columns, line_rows,
                           f"{stem}-linjer"),
    }  # fmt: skip


@router.get("/{area}", response_class=HTMLResponse)
def area_page(request: Request, area: str, who: Viewer, session: DbSession) -> Response:
    settings = settings_of(request)
    name = area_view.known_area(settings, session, area)
    if name is None:
        raise HTTPException(404, B["area_unknown"].format(area=area))
    budgets.synchronised(settings, session)  # before the year is chosen
    year, basis = chosen_year(request, session), chosen_basis(request)
    try:
        figures = _figures(request, who, area, year, basis)
    except NoData:
        figures = None
    if isinstance(figures, Response):
        return figures
    history = budgets.history(session, year, area)
    solutions = {s.id: s.name for s in all_solutions(session)}
    users = budgets.usernames(session)
    tables = area_tables(figures, area, year, history, solutions, users) if figures else {}
    tables["requirements"] = _requirement_table(session, request, area, year)
    tables["settlements"] = _settlement_table(session, area, year)
    if wants_excel(request):
        return excel_download(request, tables, "requirements", f"budget-{area}-{year}")
    found = figures.overview if figures else None
    names = {a.sector_area: a.name for a in found.year.areas} if found else {}
    flag = found.steered.flag_of(area) if found else None
    return render(
        request, "budget/area.html", who, area=area, area_name=name, year=year,
        years=year_choices(session, year), basis=basis, figures=figures, tables=tables,
        figures_area=found.year.area(area) if found else None, flag=flag,
        flag_text=flag_text(flag, names) if flag else None,
        frame=found.steered.frame_of(area) if found else None,
        solution_lines=[(v, budgets.amount_of(v)) for v in budgets.current(session, year, area)
                        if v.solution_id],
        solutions={s.id: s.name for s in all_solutions(session)},
    )  # fmt: skip
