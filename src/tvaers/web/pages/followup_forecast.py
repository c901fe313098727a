"""The year-end forecast at ``/prognose`` (issue 14; Furesø's figure 6.2; 003 §2.4): as of a
month end (``dato``; the latest in the data when empty), for whole areas' books or a solution's
citizens (``loesning``), by the method chosen per intervention type or one for all
(``metode``): the forecast table with every method's year end side by side (the one used
highlighted), figure 6.2 (cumulative this year, the forecast, last year) and the per-area chart;
``?format=xlsx`` is one workbook with both tables and their charts native. A date that is no
month end keeps what was typed and says why in Danish.

Thin over :mod:`tvaers.followup.forecast_figures` (cached; a solution's figures suppressed and
remembered across requests); the computation runs in the background with the waiting page
(:mod:`tvaers.web.progress`) when it takes longer than a moment. The back-test and the choice of
method per intervention type are :mod:`tvaers.web.pages.followup_forecast_methods`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from tvaers.access import Actor
from tvaers.anchoring.service import all_solutions
from tvaers.core.errors import NoData
from tvaers.core.publication import DataTable
from tvaers.draw.solution_economy import plain
from tvaers.followup import forecast_figures as figures
from tvaers.followup import forecast_methods, forecast_tables
from tvaers.followup.forecast_service import Forecast, Scope
from tvaers.followup.model import METHOD_HINTS, METHOD_LABELS, METHODS, ForecastError, method_of
from tvaers.selection import decisions
from tvaers.store.models import Solution
from tvaers.web import progress
from tvaers.web.deps import DbSession, Viewer, render, settings_of
from tvaers.web.pages.grants import chosen_solution
from tvaers.web.tables import excel_download, wants_excel
from tvaers.web.texts_forecast import FORECAST as F

router = APIRouter(prefix="/prognose")
FILENAME = "prognose"


@dataclass
class ForecastPage:
    """What the page shows: the figures (``None``: ``reason`` says why) and their tables, with
    the method used in each row of the forecast table (highlighted)."""

    values: dict[str, str]
    solution: Solution | None
    found: Forecast | None = None
    reason: str | None = None
    refused: bool = False
    refused_field: str = "dato"  # the choice a refusal is about
    tables: dict[str, DataTable] = field(default_factory=dict)
    marks: list[str] = field(default_factory=list)


def chosen_fingerprint(session: Session) -> tuple[tuple[str, str, str], ...]:
    """The choices in force, as part of a background job's key (a new choice, a new job)."""
    chosen = forecast_methods.chosen(session)
    return tuple(sorted((a, i, m.value) for (a, i), m in chosen.items()))


def _scope(session: Session, solution: Solution | None) -> Scope | None:
    """Whole areas, or the solution's enrolment periods (``None``: nobody enrolled)."""
    if solution is None:
        return Scope()
    periods = decisions.enrolments(session, solution.id)
    if not periods:
        return None
    return Scope(periods=figures.period_rows(plain(periods)), name=f"løsning {solution.id}")


def _tables(request: Request, page: ForecastPage, found: Forecast) -> None:
    areas, items = figures.names(settings_of(request))
    table = forecast_tables.forecast_table(found, areas, items, figures.notes(found))
    page.found, page.tables = found, {"prognose": table}
    page.marks = [f"year_end_{r.method}" for r in (*found.rows, found.total)]
    if found.months:
        page.tables["maaneder"] = forecast_tables.months_table(found)


def _compute(
    request: Request, who: Actor, session: Session, page: ForecastPage, as_of: date, wanted: Any
) -> Response | None:
    """The forecast into ``page`` (or the waiting page while it is computed)."""
    scope = _scope(session, page.solution)
    if scope is None:
        page.reason = F["no_members"]
        return None
    settings, sessions = settings_of(request), request.app.state.sessions
    context = f"prognose {scope.name or 'områder'} {as_of.isoformat()}"
    key = ("prognose", scope.name, scope.periods, as_of, wanted, chosen_fingerprint(session))
    title = f"{F['title']} {as_of.strftime('%d.%m.%Y')}"
    found = progress.computed(request, who, key, title, lambda: figures.published_forecast(
        settings, sessions, scope, as_of, wanted, context, who.username))  # fmt: skip
    if isinstance(found, Response):
        return found
    _tables(request, page, found)
    return None


@router.get("", response_class=HTMLResponse)
def forecast(
    request: Request, who: Viewer, session: DbSession, dato: str = "", loesning: str = "",
    metode: str = "",
) -> Response:  # fmt: skip
    solution = chosen_solution(session, loesning)
    page = ForecastPage({"dato": dato, "loesning": loesning, "metode": metode}, solution)
    status = 200
    try:
        page.refused_field = "metode"
        wanted = method_of(metode) if metode.strip() else None
        page.refused_field = "dato"
        as_of = figures.as_of_date(settings_of(request), dato or None)
        waiting = _compute(request, who, session, page, as_of, wanted)
        if waiting is not None:
            return waiting
        if not dato:
            page.values["dato"] = as_of.strftime("%d-%m-%Y")
    except ForecastError as exc:
        page.reason, page.refused, status = str(exc), True, 422
    except NoData:
        page.reason = F["no_data"]
    if wants_excel(request):
        name = f"{FILENAME}-{page.found.as_of.isoformat()}" if page.found else FILENAME
        return excel_download(request, page.tables, "prognose", name)
    return render(
        request, "followup/forecast.html", who, status_code=status, F=F, page=page,
        solutions=all_solutions(session), methods={m.value: METHOD_LABELS[m] for m in METHODS},
        hints={METHOD_LABELS[m]: METHOD_HINTS[m] for m in METHODS},
    )  # fmt: skip
