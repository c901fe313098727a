"""The follow-up deadlines of the imported activities as Ibis expressions, set-based: one query
over every activity started since the horizon, never a loop over citizens. The rule is
:mod:`tvaers.followup.deadlines`; DuckDB's ``date + INTERVAL n MONTH`` keeps the day of the
month or takes the month's last day, exactly as :func:`~tvaers.followup.deadlines.add_months`.
"""

from __future__ import annotations

from datetime import date

import ibis
import ibis.expr.types as ir
from ibis import _

from tvaers.followup.deadlines import FIRST_MONTHS, YEARLY_MONTHS

FAR_FUTURE = date(9999, 12, 31)


def activity_cases(activities: ir.Table, since: date, on: date) -> ir.Table:
    """One row per case (citizen, intervention, start) started from ``since`` up to ``on`` and
    not ended before ``on``: ``citizen, intervention, started_on, ended_on, caseworker,
    decided_by`` (an activity imported twice is one case; its latest end counts)."""
    started = activities.filter(_.start_date >= since, _.start_date <= on)
    cases = started.group_by(
        citizen="citizen", intervention="intervention", started_on="start_date"
    ).aggregate(
        stop=_.end_date.fill_null(FAR_FUTURE).max(),
        caseworker=_.caseworker.min(),
        decided_by=_.decided_by.min(),
    )
    return cases.filter(_.stop >= on).select(
        "citizen", "intervention", "started_on",
        ended_on=ibis.ifelse(_.stop == FAR_FUTURE, ibis.null(), _.stop).cast("date"),
        caseworker=_.caseworker.fill_null(""), decided_by=_.decided_by.fill_null(""),
    )  # fmt: skip


def with_deadlines(cases: ir.Table, latest: ir.Table, teams: ir.Table, on: date) -> ir.Table:
    """The cases with their next follow-up as of ``on``. ``latest``: per case key the latest
    follow-up made on or before ``on`` (``l_citizen, l_intervention, l_started_on, latest,
    stopped``); ``teams``: ``t_caseworker, t_team`` (the mapping file; else the deciding unit).
    Stopped cases are left out; ``due_on`` is 3 months after the start without a follow-up,
    else 12 months after the latest; ``first`` says which."""
    joined = cases.left_join(
        latest,
        [
            cases.citizen == latest.l_citizen,
            cases.intervention == latest.l_intervention,
            cases.started_on == latest.l_started_on,
        ],
    ).left_join(teams, _.caseworker == teams.t_caseworker)
    first = joined.latest.isnull()
    due = ibis.ifelse(
        first,
        joined.started_on + ibis.interval(months=FIRST_MONTHS),
        joined.latest + ibis.interval(months=YEARLY_MONTHS),
    ).cast("date")
    return joined.filter(~joined.stopped.fill_null(False)).select(
        "citizen", "intervention", "started_on", "ended_on", "caseworker",
        team=ibis.coalesce(joined.t_team, joined.decided_by), latest=joined.latest,
        due_on=due, first=first,
    )  # fmt: skip


def due_by(deadlines: ir.Table, on: date, last_day: date) -> ir.Table:
    """The cases whose follow-up is overdue as of ``on`` or due up to ``last_day``, with the
    days overdue (0 when not yet)."""
    due = deadlines.filter(deadlines.due_on <= last_day)
    return due.mutate(
        overdue=due.due_on < on,
        days_overdue=ibis.greatest(ibis.literal(on).delta(due.due_on, unit="day"), 0),
    )


def counts(due: ir.Table, by: str) -> ir.Table:
    """Per ``by`` (caseworker or team): cases overdue and cases due (not yet overdue)."""
    return due.group_by(group=by).aggregate(
        overdue=_.overdue.sum().fill_null(0).cast("int64"),
        due=(~_.overdue).sum().fill_null(0).cast("int64"),
    )


def case_caseworker(activities: ir.Table, citizen: str, intervention: str, started_on: date
                    ) -> ir.Table:  # fmt: skip
    """One row: how many activities make the case (0: no such case) and its caseworker."""
    case = activities.filter(
        activities.citizen == citizen,
        activities.intervention == intervention,
        activities.start_date == started_on,
    )
    return case.aggregate(caseworker=case.caseworker.min(), n=case.count())
