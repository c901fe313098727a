"""The monthly report's sections that call the other follow-up services (issue 14): the year-end
forecast (:mod:`tvaers.followup.forecast_figures`), the result goals of each solution with goals
(:mod:`tvaers.followup.results`), the monthly deviations per intervention type
(:mod:`tvaers.followup.deviations`) and the follow-up deadlines — overdue and due per team for
the area level, the caseworker's own for the caseworker (:mod:`tvaers.followup.deadline_service`).
Each section is published as those services publish it (suppressed, remembered, audited); this
module only asks for the report's month and declares the tables the other services do not.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from tvaers.access import Actor
from tvaers.budget.state import Basis
from tvaers.core.config import Settings
from tvaers.core.errors import AccessRefused, NoData
from tvaers.core.periods import Month
from tvaers.core.publication import Chart, Column, DataTable
from tvaers.core.suppression import TABLE_NOTE, TOTAL
from tvaers.draw.session import Analysis
from tvaers.followup import deadline_service as deadlines
from tvaers.followup import deadline_tables, forecast_figures, forecast_tables, results_tables
from tvaers.followup import deviations as deviation_service
from tvaers.followup.deviations import Deviations
from tvaers.followup.forecast_service import Scope


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


DEVIATION_COLUMNS = [
    Column("intervention", "Indsats"), Column("name", "Indsatsens navn"),
    Column("citizens", "Borgere", "int"), Column("planned", "Planlagt til dato", "money"),
    Column("actual", "Forbrug til dato", "money"), Column("variance", "Afvigelse", "money"),
    Column("volume", "Heraf mængde", "money"), Column("price", "Heraf pris", "money"),
    Column("projected", "Forventet årsforbrug", "money"),
    Column("projected_variance", "Forventet afvigelse for året", "money"),
    Column("note", "Bemærkning"),
]  # fmt: skip


def deviation_table(found: Deviations) -> DataTable:
    """Per intervention type: planned against actual to the month, the deviation split into
    volume and price, and projected to the year; the bars of each type's volume and price."""
    keys = [c.key for c in DEVIATION_COLUMNS]
    rows: list[dict[str, Any]] = []
    for r in (*found.rows, found.total):
        row = {k: getattr(r, k) for k in keys}
        if r is found.total:
            row.update(intervention=TOTAL, name="")
        rows.append(row)
    bars = [
        {"intervention": f"{r.intervention} {r.name}".strip(), "effect": label,
         "amount": float(value)}
        for r in found.rows
        if r.volume is not None and r.price is not None and r.planned_units is not None
        and (r.volume or r.price)
        for label, value in (("Mængde", r.volume), ("Pris", r.price))
    ]  # fmt: skip
    month = Month(found.year, found.month)
    notes = ["Budgetforudsætningerne (helårspersoner × gennemsnitspris) mod forbruget fra "
             f"januar til og med {month.danish()}; en positiv afvigelse er et merforbrug. "
             "Mængde + pris er præcis afvigelsen.", TABLE_NOTE]  # fmt: skip
    table = DataTable(f"Afvigelser pr. indsatstype {month.danish()}", DEVIATION_COLUMNS, rows,
                      f"noegletal-afvigelser-{month}", notes, name="afvigelser")  # fmt: skip
    if bars:
        table.chart = Chart("bar", f"Afvigelse delt i mængde og pris {month.danish()}", bars,
                            "intervention", "amount", "Indsatstype", "Beløb (kr.)",
                            series="effect", series_title="Effekt")  # fmt: skip
    return table


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
    return deviation_table(found) if found.rows else None


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
