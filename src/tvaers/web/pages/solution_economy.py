"""A solution's economy (issue 11 #4): its enrolled citizens' baseline and draw since enrolment
per sector area and month, with each area's budget holder. Statistical: the figures come
suppressed from :func:`tvaers.draw.solution_economy.published`; this module turns them into
Danish tables, a chart and one workbook."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from tvaers.core.errors import NoData
from tvaers.core.publication import Chart, Column, DataTable
from tvaers.core.units import TOTAL_AREA
from tvaers.draw import charts
from tvaers.draw import solution_economy as service
from tvaers.draw.solution_economy import SolutionEconomy
from tvaers.selection import decisions
from tvaers.store.models import Solution
from tvaers.web import progress
from tvaers.web.deps import DbSession, Viewer, render, settings_of
from tvaers.web.pages.selection_casework import solution_or_404
from tvaers.web.tables import AREA, NOTE, excel_download, wants_excel
from tvaers.web.texts import T
from tvaers.web.texts_economy import COLUMNS as C

router = APIRouter(prefix="/loesninger")
E = T.economy
TOTAL_LABEL = "I alt"


@dataclass
class EconomyPage:
    """The page's figures (None: nothing to show, ``reason`` says why) and its tables."""

    figures: SolutionEconomy | None
    reason: str | None = None
    tables: dict[str, DataTable] = field(default_factory=dict)
    chart: Chart | None = None


def _money(key: str) -> Column:
    return Column(key, C[key], "money")


def _label(code: str, name: str) -> str:
    return TOTAL_LABEL if code == TOTAL_AREA else name


def _area_rows(figures: SolutionEconomy) -> list[dict[str, Any]]:
    rows = []
    for a in figures.areas:
        row = asdict(a)
        notes = [E["baseline_note"].format(note=a.baseline_note) if a.baseline_note else None,
                 E["since_note"].format(note=a.since_note) if a.since_note else None]  # fmt: skip
        row.update(name=_label(a.sector_area, a.name), holder=a.budget_holder,
                   note="; ".join(n for n in notes if n) or None)  # fmt: skip
        rows.append(row)
    return rows


def economy_tables(solution: Solution, figures: SolutionEconomy) -> EconomyPage:
    """The areas table and the area × month table (with the chart), each a sheet in Excel."""
    name = f"loesning-{solution.id}-oekonomi"
    areas = DataTable(
        title=f"{E['areas']}: {solution.name}",
        columns=[
            AREA,
            Column("holder", C["holder"]),
            _money("baseline"),
            _money("baseline_per_month"),
            _money("since"),
            _money("since_per_month"),
            _money("difference"),
            NOTE,
        ],
        rows=_area_rows(figures),
        filename=f"{name}-omraader",
        notes=[E["areas_hint"], T.suppressed_note],
    )
    months = DataTable(
        title=f"{E['months']}: {solution.name}",
        columns=[
            AREA,
            Column("month", "Måned", "month"),
            Column("units", C["units"], "int"),
            _money("total"),
            Column("members", C["members"], "int"),
            _money("per_month"),
            _money("reference"),
            NOTE,
        ],
        rows=[
            dict(
                asdict(m),
                name=_label(m.sector_area, m.name),
                month=TOTAL_LABEL if m.month == TOTAL_AREA else m.month,
            )
            for m in figures.months
        ],
        filename=f"{name}-maaneder",
        notes=[E["months_hint"], T.suppressed_note],
    )
    chart_rows = [
        {"name": m.name, "month": m.month, "value": float(m.per_month),
         "reference": None if m.reference is None else float(m.reference)}
        for m in figures.months
        if m.sector_area != TOTAL_AREA and m.month != TOTAL_AREA and m.per_month is not None
    ]  # fmt: skip
    months.chart = charts.monthly_lines(chart_rows, E["chart"], E["chart_value"])
    tables = {"areas": areas}
    if figures.months:
        tables["months"] = months
    return EconomyPage(figures, tables=tables, chart=months.chart)


@router.get("/{solution_id}/oekonomi", response_class=HTMLResponse)
def economy(request: Request, solution_id: int, who: Viewer, session: DbSession) -> Response:
    solution = solution_or_404(session, solution_id)
    periods = decisions.enrolments(session, solution.id)
    page = EconomyPage(None, E["no_members"])
    if periods:
        settings, sessions = settings_of(request), request.app.state.sessions
        enrolled, context = service.plain(periods), f"løsning {solution.id} økonomi"
        try:
            found = progress.computed(
                request, who, ("loesning-oekonomi", enrolled), f"{E['title']}: {solution.name}",
                lambda: service.published(settings, sessions, enrolled, context, who.username),
                service.cached_economy(settings, enrolled),
            )  # fmt: skip
            if isinstance(found, Response):
                return found
            figures = found
            page = economy_tables(solution, figures) if figures.shown else EconomyPage(figures)
            if figures.members == 0:  # an enrolled family the data do not know
                page = EconomyPage(None, E["no_members"])
        except NoData:
            page = EconomyPage(None, E["no_data"])
    if wants_excel(request):
        return excel_download(request, page.tables, "areas", f"loesning-{solution.id}-oekonomi")
    return render(request, "solutions/economy.html", who, solution=solution, page=page)


def with_costs(table: DataTable, costs: dict[int, service.PeriodCost]) -> DataTable:
    """The enrolled list with each period's baseline and draw since enrolment (casework: the
    list's own access check and log cover them)."""
    rows = []
    for row in table.rows:  # the list's periods, already read
        cost = costs.get(row["id"])
        rows.append(
            dict(row, baseline=cost.baseline if cost else None,
                 since=cost.since if cost else None,
                 since_months=cost.since_months if cost else None)
        )  # fmt: skip
    columns = list(table.columns)
    at = next(i for i, c in enumerate(columns) if c.key == "enrolled_on") + 1
    columns[at:at] = [
        Column("baseline", C["member_baseline"], "money"),
        Column("since", C["since"], "money"),
        Column("since_months", C["since_months"], "int"),
    ]
    return DataTable(table.title, columns, rows, table.filename,
                     [*table.notes, E["costs_hint"]], table.caption)  # fmt: skip
