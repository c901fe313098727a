"""Benchmarking's Ibis expressions: one row per citizen with its municipality, draw and
structure cell, and each figure as one query over all municipalities (grouped by
``municipality``), never a loop over municipalities or citizens.

``citizens.municipality`` is the acting municipality (handlekommune), ``postings.municipality``
the paying one (betalingskommune); a table without the column (a municipal installation) is one
municipality, ``default``. The draw per citizen is the draw's own
(:func:`tvaers.draw.queries_summary.unit_totals`), its area combination the baseline's archetype
key (:func:`tvaers.draw.queries_baseline.unit_keys`).
"""

from __future__ import annotations

from datetime import date

import ibis
import ibis.expr.types as ir
from ibis import _

from tvaers.benchmarking.model import FAMILY_TYPES, UNKNOWN_FAMILY
from tvaers.core.periods import Period
from tvaers.core.units import Unit
from tvaers.draw import queries_baseline as qb
from tvaers.draw import queries_summary as qs
from tvaers.draw.queries_money import MONEY, from_ore, round_half_even, to_ore
from tvaers.selection import queries as sq
from tvaers.selection.statistics import AGE_GROUPS, UNKNOWN_AGE

MUNICIPALITY = "municipality"


def municipality(table: ir.Table, default: str) -> ir.StringValue:
    """The table's municipality column, or ``default`` where the table has none."""
    if MUNICIPALITY in table.columns:
        return table[MUNICIPALITY].cast("string").fill_null(default)
    return ibis.literal(default)


def _age_band(age: ir.IntegerValue) -> ir.StringValue:
    bands = [(age >= low, label) for low, label in reversed(AGE_GROUPS)]
    return ibis.cases((age.isnull(), UNKNOWN_AGE), *bands, else_=UNKNOWN_AGE)


def _family_types(persons: ir.Table) -> ir.Table:
    """Per family (``f_family``): its type by the adults and children in it on the day."""
    sizes = persons.group_by(f_family="family").aggregate(
        adults=(_.kind == sq.ADULT).sum(), children=(_.kind == sq.CHILD).sum()
    )
    single, couple = sizes.adults == 1, sizes.adults == 2
    kind = ibis.cases(
        (single & (sizes.children == 0), FAMILY_TYPES[0]),
        (couple & (sizes.children == 0), FAMILY_TYPES[1]),
        (single & (sizes.children > 0), FAMILY_TYPES[2]),
        (couple & (sizes.children > 0), FAMILY_TYPES[3]),
        else_=UNKNOWN_FAMILY,
    )
    return sizes.select("f_family", family_type=kind)


def citizen_frame(
    lines: ir.Table, citizens: ir.Table, outcomes: ir.Table, period: Period, default: str
) -> ir.Table:
    """Every citizen of every municipality: ``citizen, municipality, total`` (the period's
    draw, 0 without one), ``areas`` (sector areas drawn on), ``combination`` (the areas joined
    by ``+``, ``ingen`` without a draw) and the structure cell of the expected cost:
    ``age_band``, ``family_type`` and ``benefit_group`` on the period's last day."""
    as_of: date = period.last_day
    totals = qs.unit_totals(lines, citizens, Unit.CITIZEN)
    keys = qb.unit_keys(lines.select(unit=_.citizen, sector_area=_.sector_area), None)
    persons = sq.people(citizens, as_of)
    spells = sq.benefit_spells(outcomes, as_of)
    benefits = sq.benefit_type_counts(spells, persons, Unit.CITIZEN, period, as_of)
    homes = citizens.select(h_citizen="citizen", municipality=municipality(citizens, default))
    step = totals.join(homes, totals.unit == homes.h_citizen)
    step = step.left_join(keys, step.unit == keys.k_unit).select(
        citizen=step.unit, municipality=step.municipality, total=step.total, areas=step.areas,
        combination=keys.key.fill_null(qb.NONE),
    )  # fmt: skip
    step = step.join(persons, step.citizen == persons.citizen).select(
        *step.columns, family=persons.family, age_band=_age_band(persons.age)
    )
    types = _family_types(persons)
    step = step.left_join(types, step.family == types.f_family).select(
        *step.columns, family_type=types.family_type.fill_null(UNKNOWN_FAMILY)
    )
    step = step.left_join(benefits, step.citizen == benefits.b_unit)
    count = step.benefit_count.fill_null(0)
    group = ibis.cases(
        (count == 0, sq.NO_BENEFIT), (count == 1, step.first_benefit),
        else_=ibis.literal(sq.SEVERAL_BENEFITS),
    )  # fmt: skip
    return step.select(
        "citizen", "municipality", "total", "areas", "combination", "age_band", "family_type",
        benefit_group=group,
    )  # fmt: skip


def municipality_figures(frame: ir.Table) -> ir.Table:
    """Per municipality: citizens, citizens with a draw, the draw, citizens in 2+ and 3+ areas,
    and the draw of its most expensive 1, 3 and 10 % (``top_1``, ... : the sum of the
    ``ceil(citizens x p / 100)`` largest totals, as :func:`tvaers.draw.model.top_count`)."""
    order = [ibis.desc("total"), ibis.asc("citizen")]
    ranked = frame.mutate(
        down=ibis.row_number().over(group_by="municipality", order_by=order) + 1,
        units=_.count().over(group_by="municipality"),
    )

    def top(percent: int) -> ir.Scalar:
        wanted = ibis.greatest((ranked.units * percent + 99) // 100, 1)
        return ranked.total.sum(where=ranked.down <= wanted).cast(MONEY)

    return ranked.group_by("municipality").aggregate(
        citizens=_.count(),
        drawn=(_.total != 0).sum(),
        total=_.total.sum().cast(MONEY),
        two_plus=(_.areas >= 2).sum(),
        three_plus=(_.areas >= 3).sum(),
        top_1=top(1),
        top_3=top(3),
        top_10=top(10),
    )


def coverage(
    lines: ir.Table, citizens: ir.Table, postings: ir.Table, period: Period, default: str
) -> ir.Table:
    """Per municipality: ``expenditure`` (the operating expenditure, dranst 1, the
    municipality paid in the period) and ``drawn`` (the draw of its citizens: registered and
    attributed), the two figures of its coverage."""
    paid = postings.filter(_.dranst == 1, _.posting_date.between(period.first_day, period.last_day))
    spent = paid.group_by(municipality=municipality(paid, default)).aggregate(
        expenditure=_.amount.sum().cast(MONEY)
    )
    homes = citizens.select(h_citizen="citizen", h_municipality=municipality(citizens, default))
    owned = lines.join(homes, lines.citizen == homes.h_citizen)
    drawn = owned.group_by(d_municipality="h_municipality").aggregate(
        drawn=_.amount.sum().cast(MONEY)
    )
    joined = spent.outer_join(drawn, spent.municipality == drawn.d_municipality)
    zero = ibis.literal(0).cast(MONEY)
    return joined.select(
        municipality=joined.municipality.fill_null(joined.d_municipality),
        expenditure=joined.expenditure.fill_null(zero),
        drawn=joined.drawn.fill_null(zero),
    )


def expected(frame: ir.Table) -> ir.Table:
    """Per municipality: the ``expected`` draw given its citizens' structure (indirect
    standardisation): over the cells age band x family type x benefit group, the national
    draw per citizen of the cell times the municipality's citizens in it — each cell's part
    rounded to the øre, half to even, from exact integers (øre x citizens / citizens)."""
    cells = ("age_band", "family_type", "benefit_group")
    national = (
        frame.group_by(*cells)
        .aggregate(c_citizens=_.count(), c_ore=to_ore(_.total).sum())
        .rename(c_age="age_band", c_family="family_type", c_benefit="benefit_group")
    )
    local = frame.group_by("municipality", *cells).aggregate(m_citizens=_.count())
    joined = local.join(
        national,
        [local.age_band == national.c_age, local.family_type == national.c_family,
         local.benefit_group == national.c_benefit],
    )  # fmt: skip
    parts = joined.select(
        "municipality", numerator=(joined.m_citizens * joined.c_ore).cast("int64"),
        denominator=joined.c_citizens.cast("int64"),
    ).view()  # fmt: skip
    rounded = parts.select("municipality", ore=round_half_even(parts.numerator, parts.denominator))
    return rounded.group_by("municipality").aggregate(expected=from_ore(_.ore.sum()))


def combinations(frame: ir.Table) -> ir.Table:
    """Per municipality and area combination: citizens and their draw."""
    return frame.group_by("municipality", "combination").aggregate(
        citizens=_.count(), total=_.total.sum().cast(MONEY)
    )


def group_members(frame: ir.Table, members: ir.Table) -> ir.Table:
    """Per target group (``members``: ``group, citizen``) and municipality: the members and
    their draw."""
    joined = members.join(frame, members.citizen == frame.citizen)
    return joined.group_by(joined.group, joined.municipality).aggregate(
        citizens=_.count(), total=joined.total.sum().cast(MONEY)
    )
