"""The monthly report per organisational level, computed once for the page, its workbook and
``tvaers report monthly`` (003 §3.1, issue 14).

Access: the directorate's and the area level's reports are statistical aggregates — every
signed-in role may see them, under either purpose; the figures about citizens in them are
suppressed and the sets they show remembered against differencing across requests
(:func:`tvaers.store.publications.publishing`). The caseworker's report lists the user's own
cases: the casework purpose and a basis per citizen (:mod:`tvaers.followup.caseload`), logged.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal

from sqlalchemy.orm import Session

from tvaers import access
from tvaers.access import Actor
from tvaers.budget import budgets
from tvaers.budget.actuals import ZERO, AreaYear, _area_year, budget_vs_actual
from tvaers.core.config import Settings
from tvaers.core.periods import Month
from tvaers.core.publication import DataTable
from tvaers.draw.session import Analysis, opened
from tvaers.followup import key_figures as kf
from tvaers.followup import report as sections
from tvaers.followup import report_sections as extra
from tvaers.followup.caseload import caseload
from tvaers.followup.report import LEVEL_LABELS, Level
from tvaers.store.publications import Ledger, publishing


@dataclass
class Report:
    """One level's report for one month: its tables (each with its chart) in page order, and
    the months a reader may choose (newest first)."""

    level: Level
    month: Month
    months: list[Month]
    tables: list[DataTable] = field(default_factory=list)

    @property
    def title(self) -> str:
        return f"Nøgletal: {LEVEL_LABELS[self.level]}, {self.month.danish()}"

    @property
    def filename(self) -> str:
        return f"noegletal-{sections.LEVEL_SLUGS[self.level]}-{self.month}"


def budget_position(
    analysis: Analysis, settings: Settings, session: Session, month: Month
) -> tuple[list[AreaYear], AreaYear]:
    """Each area's budget against its actual as of ``month`` (the budget pages' rule:
    :func:`tvaers.budget.actuals.budget_vs_actual`, with the months after ``month`` left out)."""
    budgets.synchronised(settings, session)
    planned = budgets.area_budgets(session, month.year)
    found = budget_vs_actual(analysis, month.year, planned)
    covered = analysis.period(period=kf.year_to(month))
    names, holders = analysis.area_names, analysis.budget_holders

    def as_of(area: AreaYear, budget: Decimal | None) -> AreaYear:
        months = {i: v for i, v in enumerate(area.months[: month.month], start=1) if v is not None}
        shown = _area_year(area.sector_area, names, holders, budget, months, covered)
        return replace(shown, name=area.name, budget_holder=area.budget_holder)

    areas = [as_of(a, a.budget) for a in found.areas]
    total = as_of(found.total, sum(planned.values(), ZERO) if planned else None)
    return areas, total


def _aggregates(
    analysis: Analysis, settings: Settings, session: Session, level: Level, month: Month,
    ledger: Ledger,
) -> list[DataTable]:  # fmt: skip
    totals = sections.totals_table(kf.area_totals(analysis, month), month)
    areas, total = budget_position(analysis, settings, session, month)
    budget = sections.budget_table(areas, total, month)
    cost = sections.cost_table(kf.cost_per_citizen(analysis, month, ledger), month)
    if level is Level.AREA:
        return [budget, totals, cost]
    trend = sections.trend_table(kf.trend(analysis, month), month)
    flow = sections.flow_table(kf.intake_outflow(analysis, month, ledger), month)
    enrolments = kf.enrolment_flow(session, month, ledger)
    enrolled = sections.flow_table(enrolments, month, sections.ENROLMENTS)
    return [totals, trend, flow, enrolled, budget, cost]


def monthly_report(
    settings: Settings,
    sessions: Callable[[], Session],
    session: Session,
    actor: Actor,
    level: Level,
    year: int | None = None,
    month: int | None = None,
) -> Report:
    """The level's report for the month (``year`` and ``month``; default the data's latest).
    :class:`~tvaers.core.errors.NoData` when nothing is loaded or the month is not in the data;
    :class:`~tvaers.core.errors.AccessRefused` for the caseworker's level without casework."""
    if level is Level.CASEWORKER:
        access.require_casework(actor)
    user = actor.username
    with opened(settings) as analysis:
        chosen = kf.checked_month(analysis, year, month)
        report = Report(level, chosen, kf.report_months(analysis))
        if level is Level.CASEWORKER:
            cases = sections.cases_table(caseload(analysis, session, actor, chosen))
            own = extra.own_deadlines(analysis, settings, session, actor, chosen)
            report.tables = [cases, *([own] if own else [])]
            return report
        report.tables = publishing(
            sessions, f"nøgletal {level.value} {chosen}", user,
            lambda ledger: _aggregates(analysis, settings, session, level, chosen, ledger),
        )  # fmt: skip
        if level is Level.AREA:
            deviations = extra.deviation_section(analysis, sessions, chosen, user)
            report.tables[1:1] = [deviations] if deviations else []
            report.tables.append(extra.team_deadlines(analysis, settings, session, chosen))
    forecast = extra.forecast_section(settings, sessions, chosen, user)
    report.tables += [forecast] if forecast else []
    if level is Level.DIRECTORATE:
        report.tables[2:2] = extra.goal_sections(settings, sessions, session, chosen.year, user)
    return report
