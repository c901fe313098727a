"""A solution's pilot evaluation at ``/loesninger/{id}/pilot`` (issue 13): the difference in
differences per sector area against a matched comparison group, with its confidence interval as
a chart, and the balance table; the method (nearest neighbour or exact strata) and the basis
(gross or net of the state) chosen in a small form. Statistical: the figures come suppressed
from :mod:`tvaers.budget.pilot`; the comparison group is never listed. Computed in the
background like the economy page; every table also in one Excel workbook."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from tvaers.budget import pilot
from tvaers.budget.pilot_model import AreaEstimate, BalanceRow, Evaluation, Method
from tvaers.core.errors import NoData
from tvaers.core.publication import Chart, Column, DataTable
from tvaers.core.units import TOTAL_AREA
from tvaers.store.models import Solution
from tvaers.web import progress
from tvaers.web.deps import DbSession, Viewer, render, settings_of
from tvaers.web.pages.selection_casework import solution_or_404
from tvaers.web.tables import AREA, NOTE, excel_download, wants_excel
from tvaers.web.texts import T

router = APIRouter(prefix="/loesninger")
P = T.pilot
C = P["columns"]
TOTAL_LABEL = "I alt"


@dataclass
class PilotPage:
    """The page's figures (None: nothing to show, ``reason`` says why) and its tables."""

    figures: Evaluation | None
    reason: str | None = None
    tables: dict[str, DataTable] = field(default_factory=dict)
    chart: Chart | None = None


def choice(values: dict[str, str]) -> tuple[Method, pilot.Basis, dict[str, str]]:
    """The method and basis asked for (defaults: nearest, gross); errors per field in Danish."""
    errors, method, basis = {}, Method.NEAREST, pilot.Basis.GROSS
    try:
        method = Method(values.get("method") or Method.NEAREST.value)
    except ValueError:
        errors["method"] = P["method_error"]
    try:
        basis = pilot.Basis(values.get("basis") or pilot.Basis.GROSS.value)
    except ValueError:
        errors["basis"] = P["basis_error"]
    return method, basis, errors


def _money(key: str) -> Column:
    return Column(key, C[key], "money")


def _estimate_row(row: AreaEstimate) -> dict[str, Any]:
    total = row.sector_area == TOTAL_AREA
    significant = None
    if row.low is not None and row.high is not None:
        significant = not (row.low <= 0 <= row.high)
    return {
        "name": TOTAL_LABEL if total else row.name, "treated": row.treated,
        "comparison": row.comparison, "treated_change": row.treated_change,
        "comparison_change": row.comparison_change, "effect": row.effect,
        "standard_error": row.standard_error, "low": row.low, "high": row.high,
        "significant": significant, "note": row.note,
    }  # fmt: skip


def _rounded(value: float | None, places: int) -> Decimal | None:
    return None if value is None else Decimal(repr(value)).quantize(Decimal(1).scaleb(-places))


def _balance_row(row: BalanceRow) -> dict[str, Any]:
    area = row.variable == "area"
    name = P["area_share"].format(name=row.name) + " (%)" if area else row.name
    whole = row.variable in ("baseline", "level")  # kroner, or a count of citizens
    scale, places = (100.0, 1) if area else (1.0, 0 if whole else 1)

    def mean(value: float | None) -> Decimal | None:
        return _rounded(None if value is None else value * scale, places)

    return {
        "variable": name, "treated_mean": mean(row.treated_matched), "pool": mean(row.pool),
        "before": _rounded(row.before, 2), "matched": mean(row.matched),
        "after": _rounded(row.after, 2), "note": row.note,
    }  # fmt: skip


def pilot_tables(solution: Solution, figures: Evaluation) -> PilotPage:
    """The estimates (with the chart) and the balance: a sheet each."""
    name = f"loesning-{solution.id}-pilot-{figures.method}-{figures.basis}"
    basis = P["bases"][figures.basis]
    estimates = DataTable(
        title=f"{P['estimates']}: {solution.name} ({basis})",
        columns=[
            AREA, Column("treated", C["treated"], "int"),
            Column("comparison", C["comparison"], "int"), _money("treated_change"),
            _money("comparison_change"), _money("effect"), _money("standard_error"),
            _money("low"), _money("high"), Column("significant", C["significant"], "bool"), NOTE,
        ],
        rows=[_estimate_row(r) for r in figures.areas],
        filename=f"{name}-effekt",
        notes=[P["estimates_hint"], T.suppressed_note],
    )  # fmt: skip
    series = (("effect", P["series_effect"]), ("low", P["series_low"]),
              ("high", P["series_high"]))  # fmt: skip
    chart_rows = [
        {"name": row["name"], "series": label, "value": float(row[key])}
        for row in estimates.rows
        for key, label in series
        if row[key] is not None
    ]
    if chart_rows:
        estimates.chart = Chart("ordered", P["chart"], chart_rows, "name", "value",
                                "Sektorområde", P["chart_value"], series="series",
                                series_title=P["chart_value"])  # fmt: skip
    balance = DataTable(
        title=f"{P['balance']}: {solution.name}",
        columns=[
            Column("variable", C["variable"]), Column("treated_mean", C["treated_mean"], "decimal"),
            Column("pool", C["pool"], "decimal"), Column("before", C["before"], "decimal"),
            Column("matched", C["matched"], "decimal"), Column("after", C["after"], "decimal"),
            NOTE,
        ],
        rows=[_balance_row(r) for r in figures.balance],
        filename=f"{name}-balance",
        notes=[P["balance_hint"], P["bands_note"].format(bands=P["cost_bands"]),
               T.suppressed_note],
    )  # fmt: skip
    return PilotPage(figures, tables={"estimates": estimates, "balance": balance},
                     chart=estimates.chart)  # fmt: skip


@router.get("/{solution_id}/pilot", response_class=HTMLResponse)
def evaluation(request: Request, solution_id: int, who: Viewer, session: DbSession) -> Response:
    solution = solution_or_404(session, solution_id)
    values = {k: request.query_params.get(k, "") for k in ("method", "basis")}
    method, basis, errors = choice(values)
    own, every = pilot.enrolments(session, solution.id)
    page = PilotPage(None, P["no_members"])
    if errors:
        page = PilotPage(None, None)
    elif own:
        settings, sessions = settings_of(request), request.app.state.sessions
        context = f"løsning {solution.id} pilot"
        try:
            figures = progress.computed(
                request, who, ("pilot", own, every, method, basis),
                f"{P['title']}: {solution.name}",
                lambda: pilot.published(settings, sessions, own, every, method, basis, context,
                                        who.username),
                pilot.cached_evaluation(settings, own, every, method, basis),
            )  # fmt: skip
            if isinstance(figures, Response):
                return figures
            page = pilot_tables(solution, figures) if figures.shown else PilotPage(figures)
        except NoData:
            page = PilotPage(None, P["no_data"])
    if wants_excel(request) and not errors:
        return excel_download(request, page.tables, "estimates",
                              f"loesning-{solution.id}-pilot")  # fmt: skip
    values = {"method": values["method"] or method.value, "basis": values["basis"] or basis.value}
    return render(
        request, "budget/pilot.html", who, status_code=422 if errors else 200,
        solution=solution, page=page, values=values, errors=errors,
    )  # fmt: skip
