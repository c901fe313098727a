"""A solution's statistical figures of focus point 4 (issue 12): the "who pays" draw at
``/loesninger/{id}/hvem-betaler`` (its enrolled citizens' draw since enrolment per paying area
and month after the approved distribution keys, next to where it was booked and what its grants
have committed; computed in the background like the economy page) and the capacity-limited
interventions at ``/loesninger/{id}/kapacitet`` (places, use by the solution's citizens and by
others, the agreed places and their form, and the warning when the solution uses more).
Statistical: the figures come suppressed from :mod:`tvaers.principles.who_pays`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from tvaers.access import Actor
from tvaers.core.access import SOLUTION_EDITORS
from tvaers.core.errors import NoData
from tvaers.core.publication import Chart, Column, DataTable
from tvaers.core.units import TOTAL_AREA
from tvaers.draw import charts
from tvaers.principles import service, solution_figures, who_pays
from tvaers.principles.model import PrinciplesError
from tvaers.principles.solution_figures import SolutionCapacity
from tvaers.principles.who_pays import WhoPays
from tvaers.store.models import Solution
from tvaers.web import progress
from tvaers.web.deps import DbSession, Viewer, flash, redirect, render, settings_of
from tvaers.web.forms import posted
from tvaers.web.pages.selection_casework import solution_or_404
from tvaers.web.tables import AREA, NOTE, excel_download, wants_excel
from tvaers.web.texts import T

router = APIRouter(prefix="/loesninger")
P = T.principles
C = P["columns"]
TOTAL_LABEL = "I alt"


def _money(key: str, label: str | None = None) -> Column:
    return Column(key, label or C[key], "money")


# --- who pays ---------------------------------------------------------------------------------


@dataclass
class PayPage:
    """The page's figures (None: nothing to show, ``reason`` says why) and its tables."""

    figures: WhoPays | None
    reason: str | None = None
    tables: dict[str, DataTable] = field(default_factory=dict)
    chart: Chart | None = None
    total: dict[str, Any] | None = None  # the row of all areas and months


def _pay_row(row: who_pays.PayFigures) -> dict[str, Any]:
    difference = None
    if row.paid is not None and row.booked is not None:
        difference = row.paid - row.booked
    total = row.sector_area == TOTAL_AREA
    return {
        "name": TOTAL_LABEL if total else row.name, "holder": None if total else row.budget_holder,
        "month": TOTAL_LABEL if row.month == TOTAL_AREA else row.month,
        "citizens": row.citizens, "booked": row.booked, "paid": row.paid,
        "difference": difference, "committed": row.committed, "note": row.note,
    }  # fmt: skip


def pay_tables(solution: Solution, figures: WhoPays) -> PayPage:
    """Per paying area (all months) and per area and month (with the chart): a sheet each."""
    name = f"loesning-{solution.id}-hvem-betaler"
    whole = [r for r in figures.rows if r.month == TOTAL_AREA]
    months = [r for r in figures.rows if r.month != TOTAL_AREA]
    measures = [Column("citizens", C["citizens"], "int"), _money("booked"), _money("paid"),
                _money("difference"), _money("committed"), NOTE]  # fmt: skip
    areas = DataTable(
        title=f"{P['who_pays_areas']}: {solution.name}",
        columns=[AREA, Column("holder", C["holder"]), *measures],
        rows=[_pay_row(r) for r in whole],
        filename=f"{name}-omraader",
        notes=[T.suppressed_note],
    )
    by_month = DataTable(
        title=f"{P['who_pays_months']}: {solution.name}",
        columns=[AREA, Column("month", C["month"], "month"), *measures],
        rows=[_pay_row(r) for r in months],
        filename=f"{name}-maaneder",
        notes=[T.suppressed_note],
    )
    chart_rows = [
        {"name": r.name, "month": r.month, "value": float(r.paid), "reference": None}
        for r in months
        if r.sector_area != TOTAL_AREA and r.paid is not None
    ]
    by_month.chart = charts.monthly_lines(chart_rows, P["who_pays_chart"], P["who_pays_value"])
    total = next((_pay_row(r) for r in whole if r.sector_area == TOTAL_AREA), None)
    tables = {"areas": areas, **({"months": by_month} if months else {})}
    return PayPage(figures, tables=tables, chart=by_month.chart, total=total)


@router.get("/{solution_id}/hvem-betaler", response_class=HTMLResponse)
def paying(request: Request, solution_id: int, who: Viewer, session: DbSession) -> Response:
    solution = solution_or_404(session, solution_id)
    found = solution_figures.inputs(session, solution.id)
    page = PayPage(None, P["no_members"])
    if found.periods:
        settings, sessions = settings_of(request), request.app.state.sessions
        context = f"løsning {solution.id} hvem betaler"
        key = ("hvem-betaler", found.periods, tuple(k.id for k in found.keys), found.commitments)
        try:
            figures = progress.computed(
                request, who, key, f"{P['who_pays']}: {solution.name}",
                lambda: who_pays.published(settings, sessions, found.periods, found.keys,
                                           found.commitments, context, who.username),
                who_pays.cached_who_pays(settings, found.periods, found.keys, found.commitments),
            )  # fmt: skip
            if isinstance(figures, Response):
                return figures
            page = pay_tables(solution, figures) if figures.shown else PayPage(figures)
            if figures.members == 0:  # an enrolled family the data do not know
                page = PayPage(None, P["no_members"])
        except NoData:
            page = PayPage(None, P["no_data"])
    if wants_excel(request):
        return excel_download(request, page.tables, "areas", f"loesning-{solution.id}-hvem-betaler")
    return render(request, "principles/who_pays.html", who, solution=solution, page=page)


# --- capacity ---------------------------------------------------------------------------------


def capacity_tables(solution: Solution, found: SolutionCapacity) -> dict[str, DataTable]:
    """The places and their use per intervention and month, with the chart."""
    rows = [
        {"intervention": r.name, "code": r.intervention, "owner": r.area_name, "month": r.month,
         "places": r.places, "agreed": r.agreed or 0, "solution": r.solution, "others": r.others,
         "over": r.over, "note": r.note}
        for r in found.rows
    ]  # fmt: skip
    columns = [
        Column("intervention", C["intervention"]), Column("owner", C["owner"]),
        Column("month", C["month"], "month"), Column("places", C["places"], "int"),
        Column("agreed", C["agreed"], "int"), Column("solution", C["used_solution"], "int"),
        Column("others", C["used_others"], "int"), Column("over", C["over"], "bool"), NOTE,
    ]  # fmt: skip
    table = DataTable(
        title=f"{P['capacity_table']}: {solution.name}",
        columns=columns,
        rows=rows,
        filename=f"loesning-{solution.id}-kapacitet",
        notes=[T.suppressed_note],
    )
    series = (("solution", P["series_solution"]), ("others", P["series_others"]),
              ("places", P["series_places"]))  # fmt: skip
    chart_rows = [
        {"name": f"{r['intervention']}: {label}", "month": r["month"], "value": r[key],
         "reference": None}
        for r in rows
        for key, label in series
        if r[key] is not None
    ]  # fmt: skip
    table.chart = charts.monthly_lines(chart_rows, P["capacity_chart"], P["capacity_value"])
    return {"capacity": table} if rows else {}


def _capacity_page(
    request: Request,
    who: Actor,
    session: Session,
    solution: Solution,
    values: dict[str, Any] | None = None,
    error: str | None = None,
) -> Response:
    found = solution_figures.solution_capacity(settings_of(request), session, solution.id)
    tables = capacity_tables(solution, found)
    if wants_excel(request):
        return excel_download(request, tables, "capacity", f"loesning-{solution.id}-kapacitet")
    return render(
        request, "principles/capacity.html", who, status_code=422 if error else 200,
        solution=solution, capacity=found, tables=tables, values=values or {}, error=error,
        capacity_warnings=found.warnings, can_edit=who.role in SOLUTION_EDITORS,
    )  # fmt: skip


@router.get("/{solution_id}/kapacitet", response_class=HTMLResponse)
def capacity(request: Request, solution_id: int, who: Viewer, session: DbSession) -> Response:
    return _capacity_page(request, who, session, solution_or_404(session, solution_id))


@router.post("/{solution_id}/kapacitet", response_class=HTMLResponse)
async def agree_places(
    request: Request, solution_id: int, who: Viewer, session: DbSession
) -> Response:
    solution = solution_or_404(session, solution_id)
    values = posted(await request.form())
    code, text = values.get("intervention", ""), values.get("places", "")
    try:
        if not code:
            raise PrinciplesError(P["agreed_choose"])
        if not text.isdigit():
            raise PrinciplesError(P["agreed_invalid"])
        service.set_capacity_share(session, who, solution.id, code, int(text))
    except PrinciplesError as exc:
        session.rollback()
        return _capacity_page(request, who, session, solution, values, str(exc))
    flash(request, P["agreed_saved"].format(places=int(text), name=code))
    return redirect(f"/loesninger/{solution.id}/kapacitet")
