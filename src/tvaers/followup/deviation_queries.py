"""The cases behind a month's deviation from the budget assumptions (003 §2.3) as Ibis
expressions over all citizens at once: per citizen (case) and intervention type the activity
days and the spend year to date, the case's caseworker, and its exact share of the type's
planned spend and volume effect (largest remainder, so the cases' contributions sum to the
type's deviation to the øre).

The days and the spend come from :mod:`tvaers.budget.assumption_queries` (the same rules as the
budget assumptions' yearly view); this module only adds the per-case grain.
"""

from __future__ import annotations

from datetime import date

import ibis
import ibis.expr.types as ir
from ibis import _

from tvaers.draw.queries_money import MONEY, from_ore, largest_remainder, to_ore


def lines_to(lines: ir.Table, last_month: date) -> ir.Table:
    """The draw's lines of the months up to and including ``last_month`` (its first day)."""
    return lines.filter(lines.month <= ibis.literal(last_month))


def caseworkers(activities: ir.Table, first: date, last: date) -> ir.Table:
    """Per citizen and intervention type: the caseworker of the case's latest activity active
    in ``first``..``last`` (``None`` when the activities name none)."""
    a = activities.filter(
        _.intervention.notnull(),
        _.start_date <= ibis.literal(last),
        _.end_date.isnull() | (_.end_date >= ibis.literal(first)),
    )
    return a.group_by(["citizen", "intervention"]).aggregate(
        caseworker=a.caseworker.argmax(a.start_date)
    )


def cases(days: ir.Table, spent: ir.Table, workers: ir.Table) -> ir.Table:
    """One row per case (citizen, intervention type) with days or spend in the window: its
    days (int64), spend (MONEY) and caseworker."""
    d = days.group_by(["citizen", "intervention"]).aggregate(days=_.days.sum().cast("int64"))
    s = spent.group_by(["citizen", "intervention"]).aggregate(spend=_.amount.sum().cast(MONEY))
    keys = (
        d.select("citizen", "intervention")
        .union(s.select("citizen", "intervention"))
        .filter(_.citizen.notnull())
        .distinct()
    )
    d = d.rename(d_citizen="citizen", d_code="intervention")
    s = s.rename(s_citizen="citizen", s_code="intervention")
    w = workers.rename(w_citizen="citizen", w_code="intervention")
    joined = (
        keys.left_join(d, [keys.citizen == d.d_citizen, keys.intervention == d.d_code])
        .left_join(s, [keys.citizen == s.s_citizen, keys.intervention == s.s_code])
        .left_join(w, [keys.citizen == w.w_citizen, keys.intervention == w.w_code])
    )
    return joined.select(
        "citizen",
        "intervention",
        days=joined.days.fill_null(0),
        spend=joined.spend.fill_null(ibis.literal(0).cast(MONEY)).cast(MONEY),
        caseworker=joined.caseworker,
    )


def shares(found: ir.Table, pools: ir.Table) -> ir.Table:
    """``found`` (:func:`cases`) with each case's share of its type's planned spend to date and
    of its volume effect (``pools``: p_code, planned_ore, volume_ore, direction), split by
    the case's days — or equally between the cases when the type has no days at all — exact
    to the øre by largest remainder (ties to the citizen's pseudonym). Adds ``planned_share``,
    ``volume`` (MONEY), ``price`` (the rest of the case's contribution: spend − its planned
    share − its volume share), ``contribution`` (spend − planned share = volume + price) and
    ``rank`` (1 = the case that explains most of the deviation: the largest contribution in the
    deviation's direction, ``direction`` 1 for an overspend and −1 for an underspend)."""
    joined = found.join(pools, found.intervention == pools.p_code)
    step = joined.mutate(
        _type_days=joined.days.sum().over(group_by="intervention"),
    )
    step = step.mutate(_weight=ibis.ifelse(step._type_days > 0, step.days, 1).cast("int64"))
    planned = largest_remainder(step, ["intervention"], "planned_ore", "_weight", ["citizen"])
    planned = planned.rename(_planned_part="part")
    volume = largest_remainder(planned, ["intervention"], "volume_ore", "_weight", ["citizen"])
    spend_ore = to_ore(volume.spend)
    out = volume.mutate(
        planned_share=from_ore(volume._planned_part),
        volume=from_ore(volume.part),
        price=from_ore(spend_ore - volume._planned_part - volume.part),
        contribution=from_ore(spend_ore - volume._planned_part),
    )
    ranked = out.mutate(
        rank=ibis.row_number().over(
            group_by="intervention",
            order_by=[ibis.desc(out.contribution * out.direction), out.citizen],
        )
        + 1
    )
    return ranked.select(
        "citizen", "intervention", "days", "spend", "caseworker", "planned_share", "volume",
        "price", "contribution", "rank",
    )  # fmt: skip


def pools_table(rows: list[dict[str, object]]) -> ir.Table:
    """The types' planned spend to date and volume effect in øre, as an engine table."""
    schema = {"p_code": "string", "planned_ore": "int64", "volume_ore": "int64",
              "direction": "int64"}  # fmt: skip
    return ibis.memtable(rows, schema=schema)
