"""Result goals and progression as Ibis expressions (issue 14), over all of a solution's citizens
at once: who belongs to the year, who reaches a goal's statuses when (first time only), each
citizen's Furesø step and staircase level at the start and the end of their part of the year.

``members`` is :func:`year_members`' table: ``citizen, start, stop`` — one row per citizen
enrolled some day of the year (an enrolled family: each member), ``start`` the later of their
first enrolment and 1 January, ``stop`` the earlier of their last discharge and the period's last
day (the data's last month in the year).
"""

from __future__ import annotations

from datetime import date

import ibis
import ibis.expr.types as ir
from ibis import _

from tvaers.followup.results_model import BENEFIT_PREFIX, STEP_STATUSES


def year_members(enrolled: ir.Table, periods: ir.Table, first: date, last: date) -> ir.Table:
    """``citizen, start, stop`` (see the module's docstring) from the enrolled citizens
    (:func:`tvaers.draw.queries_economy.enrolled_citizens`) and their periods."""
    ends = periods.select(p_period="period", discharged_on="discharged_on")
    joined = enrolled.join(ends, enrolled.period == ends.p_period)
    begin, end = ibis.literal(first), ibis.literal(last)
    within = joined.filter(
        joined.enrolled_on <= end,
        joined.discharged_on.isnull() | (joined.discharged_on >= begin),
    )
    per = within.group_by("citizen").aggregate(
        enrolled_on=within.enrolled_on.min(),
        open=within.discharged_on.isnull().any(),
        discharged=within.discharged_on.max(),
    )
    stop = ibis.cases((per.open, end), else_=ibis.least(per.discharged, end))
    return per.select("citizen", start=ibis.greatest(per.enrolled_on, begin), stop=stop)


def first_reached(
    members: ir.Table, outcomes: ir.Table, goals: dict[str, tuple[str, ...]]
) -> ir.Table:
    """``goal, citizen, reached_on``: per goal each member's first day with one of its statuses
    within their part of the year (a later day with the status again does not count twice)."""
    parts = []
    for goal, statuses in goals.items():  # a solution's handful of goals
        mine = outcomes.filter(outcomes.status.isin(list(statuses)))
        joined = members.join(
            mine,
            [members.citizen == mine.citizen.cast("string"), mine.date >= members.start,
             mine.date <= members.stop],
        )  # fmt: skip
        parts.append(
            joined.group_by(joined.citizen).aggregate(reached_on=joined.date.min())
            .mutate(goal=ibis.literal(goal))
        )  # fmt: skip
    if not parts:
        return members.select(goal=ibis.null("string"), citizen="citizen",
                              reached_on=members.start).limit(0)  # fmt: skip
    return ibis.union(*parts).select("goal", "citizen", "reached_on")


def statuses_with_steps(outcomes: ir.Table) -> ir.Table:
    """``citizen, date, step``: every outcome with its Furesø step (0: none of the three)."""
    cases = [(outcomes.status.startswith(BENEFIT_PREFIX), 1)]
    cases += [(outcomes.status.isin(list(codes)), step) for step, codes in STEP_STATUSES.items()]
    return outcomes.select(citizen=outcomes.citizen.cast("string"), date="date",
                           step=ibis.cases(*cases, else_=0))  # fmt: skip


def step_on(members: ir.Table, steps: ir.Table, day: str) -> ir.Table:
    """``citizen, step``: each member's step on their ``day`` (``start`` or ``stop``): the step of
    their newest status on or before it (the higher on a day with two), 0 without."""
    joined = members.join(
        steps, [members.citizen == steps.citizen, steps.date <= members[day]]
    ).select(citizen=members.citizen, s_date=steps.date, s_step=steps.step)
    newest = joined.group_by("citizen").aggregate(latest=joined.s_date.max())
    picked = joined.join(
        newest, [joined.citizen == newest.citizen, joined.s_date == newest.latest]
    ).select(citizen=joined.citizen, s_step=joined.s_step)
    step = picked.group_by("citizen").aggregate(step=picked.s_step.max())
    both = members.left_join(step, members.citizen == step.citizen)
    return both.select(citizen=members.citizen, step=both.step.fill_null(0))


def level_on(members: ir.Table, activities: ir.Table, levels: ir.Table, day: str) -> ir.Table:
    """``citizen, level``: each member's highest staircase level among their activities running
    on their ``day`` (``start`` or ``stop``), 0 with none."""
    staged = levels.filter(levels.staircase_level.notnull()).select(
        l_intervention="intervention", l_level="staircase_level"
    )
    acts = activities.select(a_citizen=activities.citizen.cast("string"), a_start="start_date",
                             a_end="end_date", a_intervention="intervention")  # fmt: skip
    running = acts.join(staged, acts.a_intervention == staged.l_intervention)
    joined = members.join(
        running,
        [members.citizen == running.a_citizen, running.a_start <= members[day],
         running.a_end.isnull() | (running.a_end >= members[day])],
    )  # fmt: skip
    top = joined.group_by(joined.citizen).aggregate(level=joined.l_level.max())
    both = members.left_join(top, members.citizen == top.citizen)
    return both.select(citizen=members.citizen, level=both.level.fill_null(0).cast("int64"))


def movements(members: ir.Table, before: ir.Table, after: ir.Table, name: str) -> ir.Table:
    """``citizen, start, stop, <name>_start, <name>_end``: each member's value at both ends."""
    b = before.select(b_citizen="citizen", b_value=name)
    a = after.select(a_citizen="citizen", a_value=name)
    joined = members.join(b, members.citizen == b.b_citizen).join(a, _.citizen == a.a_citizen)
    return joined.select("citizen", "start", "stop", **{f"{name}_start": joined.b_value,
                                                        f"{name}_end": joined.a_value})  # fmt: skip
