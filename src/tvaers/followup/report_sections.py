"""The monthly report's sections that call the other follow-up services (issue 14): the year-end
forecast (:mod:`tvaers.followup.forecast_figures`), the result goals of each solution with goals
(:mod:`tvaers.followup.results`), the monthly deviations per intervention type
(:mod:`tvaers.followup.deviations`, its table as :mod:`tvaers.followup.deviation_tables`
declares it) and the follow-up deadlines — overdue and due per team for
the area level, the caseworker's own for the caseworker (:mod:`tvaers.followup.deadline_service`).
Each section is published as those services publish it (suppressed, remembered, audited); this
module only asks for the report's month; the tables are the other services' own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date

from sqlalchemy.orm import Session

from tvaers.access import Actor
from tvaers.budget.state import Basis
from tvaers.core.config import Settings
from tvaers.core.errors import AccessRefused, NoData
from tvaers.core.periods import Month
from tvaers.core.publication import DataTable
from tvaers.draw.session import Analysis
from tvaers.followup import deadline_service as deadlines
from tvaers.followup import (
    deadline_tables,
    deviation_tables,
    forecast_figures,
    forecast_tables,
    results_tables,
)
from tvaers.followup import deviations as deviation_service
from tvaers.followup.forecast_service import Scope
from tvaers.followup.report import YEAR_END_CHOSEN


def forecast_section(
    settings: Settings, sessions: Callable[[], Session], month: Month, user: str | None
) -> DataTable | None:
    """The whole areas' year-end forecast as of the month's end, per intervention type, with
    each area's year end against last year (Furesø's figure 6.2 for the municipality)."""
    try:
        found = forecast_figures.published_forecast(
            settings, sessions, Scope(), month.last_day, None, f"nøgletal prognose {month}", user
        )
    except NoData:
        return None
    areas, items = forecast_figures.names(settings)
    table = forecast_tables.forecast_table(found, areas, items, forecast_figures.notes(found))
    table.columns = [  # told apart from the budget table's run-rate year end
        replace(c, label=YEAR_END_CHOSEN) if c.key == "year_end" else c for c in table.columns
    ]
    if table.chart is not None:  # its bars' lengths as numbers a Vega-Lite spec can carry
        table.chart.rows = [{**r, "amount": float(r["amount"])} for r in table.chart.rows]
    return table


def goal_sections(
    settings: Settings, sessions: Callable[[], Session], session: Session, year: int,
    user: str | None,
) -> list[DataTable]:  # fmt: skip
    """Each enrolled solution's result goals for the year (figure II), where it has goals."""
    from tvaers.budget.area_view import enrolled_solutions
    from tvaers.followup import goals, results

    tables = []
    for solution in enrolled_solutions(session):  # the municipality's handful of solutions
        if not goals.current(session, solution.id, year):
            continue
        try:
            found = results.goal_attainment(settings, sessions, solution.id, year, user)
        except NoData:
            continue
        table = results_tables.goals_table(found, solution.name)
        table.name = f"maal_{solution.id}"
        tables.append(table)
    return tables


def deviation_section(
    analysis: Analysis, sessions: Callable[[], Session], month: Month, user: str | None
) -> DataTable | None:
    """The monthly deviations per intervention type as of the month (gross)."""
    try:
        found = deviation_service.monthly_deviations(
            analysis, sessions, month.year, month.month, Basis.GROSS,
            context=f"nøgletal afvigelser {month}", user=user,
        )  # fmt: skip
    except NoData:
        return None
    return deviation_tables.deviation_table(found) if found.rows else None


def team_deadlines(
    analysis: Analysis, settings: Settings, session: Session, month: Month
) -> DataTable:
    """Follow-ups overdue and due per team at the month's end (counts, suppressed)."""
    selection = deadlines.Selection(as_of=_as_of(month))
    found = deadlines.due_counts(analysis, session, selection, "team",
                                 deadlines.load_teams(settings))  # fmt: skip
    return deadline_tables.counts_table(found)


def own_deadlines(
    analysis: Analysis, settings: Settings, session: Session, actor: Actor, month: Month
) -> DataTable | None:
    """The caseworker's own follow-ups overdue and due at the month's end (person-level: a
    basis per citizen, audited by the deadline service); ``None`` when none of their cases'
    citizens has a basis (the service refuses such a list, and logs nothing)."""
    selection = deadlines.Selection(as_of=_as_of(month), caseworker=actor.username)
    try:
        found = deadlines.due_list(analysis, session, actor, selection,
                                   deadlines.load_teams(settings))  # fmt: skip
    except AccessRefused:
        return None
    return deadline_tables.list_table(found)


def _as_of(month: Month) -> date:
    return month.last_day
