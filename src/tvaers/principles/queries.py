"""Who pays (focus point 4, issue 12) as Ibis expressions: the distribution keys' rules as a
table, every draw line routed to the areas that pay for it, split exactly in øre, and the
occupancy of the capacity-limited interventions.

A *line* here is the draw of one citizen, month, booked sector area and intervention (the
attribution's methods and function codes added up first, so each amount is split once; a line
that adds up to nothing is left out). Its paying areas come from the first rule that matches it
(:meth:`tvaers.principles.keys.KeyDefinition.shares_for`) among the key versions in force on the
month's first day, in the order the versions are given and then the rules' own order; the
citizen's age is taken on that day. A line no rule matches stays with the area it was booked on
(no key version, no share). The split is :func:`tvaers.draw.queries_money.largest_remainder`
over the rule's integer weights (:func:`tvaers.principles.model.integer_weights`), ties to the
area listed first: the same øre as :func:`tvaers.principles.model.split`.

The rule is chosen once per *profile* (month, intervention, legal basis, age) — a few thousand
at most — and joined back to the lines, rather than every line tried against every rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from tvaers.draw.queries_money import MONEY, from_ore, largest_remainder, to_ore
from tvaers.principles.keys import KeyDefinition
from tvaers.principles.model import PrinciplesError, integer_weights

RULES_SCHEMA = pa.schema(
    [
        ("key_version_id", pa.int64()),
        ("valid_from", pa.date32()),
        ("valid_to", pa.date32()),
        ("rule_order", pa.int64()),  # over all versions: the versions' order, then the rules'
        ("legal_basis", pa.string()),  # the intervention's legal basis starts with this
        ("interventions", pa.list_(pa.string())),  # empty: any intervention
        ("age_from", pa.int64()),
        ("age_to", pa.int64()),
        ("sector_area", pa.string()),  # a paying area of the rule
        ("weight", pa.int64()),  # its share as a whole number (the rule's common denominator)
        ("area_order", pa.int64()),  # its place in the rule: ties go to the lower
        ("share", pa.string()),  # the share as written (``1/3``, ``33.5%``)
    ]
)
MAX_WEIGHT = 2**62  # a share's whole-number weight must fit the engine's int64
NO_INTERVENTION = ""  # join key of a line without intervention (never a code)
NO_AGE = -1  # join key of a citizen without birth date

VersionRules = tuple[int, date, date | None, KeyDefinition]


def key_rules_table(versions: Sequence[VersionRules]) -> ir.Table:
    """The rules of ``(key_version_id, valid_from, valid_to, definition)`` as a table, one row
    per version, rule and paying area (:data:`RULES_SCHEMA`), in the order given."""
    rows: list[dict[str, Any]] = []
    order = 0
    for version_id, valid_from, valid_to, definition in versions:  # the keys' few rules
        for rule in definition.rules:
            weights = integer_weights(rule.shares)
            if max(weights) >= MAX_WEIGHT:
                raise PrinciplesError(
                    f"Nøgleversion {version_id}: andelene har for store nævnere til at fordele "
                    "efter; skriv dem med færre decimaler eller mindre brøker."
                )
            rows.extend(
                {
                    "key_version_id": version_id,
                    "valid_from": valid_from,
                    "valid_to": valid_to,
                    "rule_order": order,
                    "legal_basis": rule.legal_basis,
                    "interventions": list(rule.interventions),
                    "age_from": rule.age_from,
                    "age_to": rule.age_to,
                    "sector_area": share.sector_area,
                    "weight": weight,
                    "area_order": position,
                    "share": share.text,
                }
                for position, (share, weight) in enumerate(zip(rule.shares, weights, strict=True))
            )
            order += 1
    return ibis.memtable(pa.Table.from_pylist(rows, schema=RULES_SCHEMA))


def _age(birth: ir.DateValue, day: ir.DateValue) -> ir.IntegerValue:
    """Whole years of age on ``day`` (``core.periods.age_on``); null without a birth date."""
    later = (birth.month() * 100 + birth.day()) > (day.month() * 100 + day.day())
    return (day.year() - birth.year() - later.cast("int64")).cast("int64")


def drawn_lines(lines: ir.Table, citizens: ir.Table, interventions: ir.Table) -> ir.Table:
    """The draw's lines (``citizen, sector_area, month, intervention, amount``, …) as one
    amount per citizen, month, booked area and intervention, with what a key's rules look at:
    ``citizen, month, booked_area, intervention, ore, legal_basis, age``."""
    summed = lines.group_by(
        citizen=lines.citizen.cast("string"),
        month=lines.month.cast("date"),
        booked_area=lines.sector_area.cast("string"),
        intervention=lines.intervention.cast("string"),
    ).aggregate(ore=to_ore(lines.amount.sum()))
    summed = summed.filter(summed.ore != 0)
    people = citizens.select(b_citizen=citizens.citizen.cast("string"), birth_date="birth_date")
    bases = interventions.select(
        b_intervention=interventions.intervention.cast("string"),
        legal_basis=interventions.legal_basis.cast("string"),
    )
    joined = summed.left_join(people, summed.citizen == people.b_citizen)
    joined = joined.left_join(bases, joined.intervention == bases.b_intervention)
    return joined.select(
        "citizen", "month", "booked_area", "intervention", "ore", "legal_basis",
        age=_age(joined.birth_date, joined.month),
    )  # fmt: skip


def _profile_keys(table: ir.Table) -> dict[str, ir.Value]:
    """The join keys of a profile (no nulls: a null never equals a null in a join)."""
    return {
        "p_month": table.month,
        "p_intervention": table.intervention.fill_null(NO_INTERVENTION),
        "p_age": table.age.fill_null(NO_AGE),
    }


def chosen_rules(drawn: ir.Table, rules: ir.Table) -> ir.Table:
    """Per profile of the lines (month, intervention, legal basis, age) the first rule that
    matches it among the versions in force on the month's first day: ``p_month,
    p_intervention, p_age, rule_order`` (profiles no rule matches are left out)."""
    profiles = drawn.select("month", "intervention", "legal_basis", "age").distinct()
    heads = rules.filter(rules.area_order == 0).select(
        "rule_order", "valid_from", "valid_to", "interventions",
        r_legal_basis="legal_basis", age_from="age_from", age_to="age_to",
    )  # fmt: skip
    pairs = profiles.cross_join(heads)
    no = ibis.literal(False)
    matching = pairs.filter(
        pairs.valid_from <= pairs.month,
        pairs.valid_to.isnull() | (pairs.month <= pairs.valid_to),
        pairs.r_legal_basis.isnull()
        | pairs.legal_basis.fill_null("").startswith(pairs.r_legal_basis),
        (pairs.interventions.length() == 0)
        | pairs.interventions.contains(pairs.intervention).fill_null(no),
        pairs.age_from.isnull() | (pairs.age >= pairs.age_from).fill_null(no),
        pairs.age_to.isnull() | (pairs.age <= pairs.age_to).fill_null(no),
    )
    keyed = matching.mutate(**_profile_keys(matching))
    return keyed.group_by("p_month", "p_intervention", "p_age").aggregate(
        rule_order=keyed.rule_order.min()
    )


def who_pays(
    lines: ir.Table, citizens: ir.Table, interventions: ir.Table, rules: ir.Table
) -> ir.Table:
    """Every line of the draw with the areas that pay it: ``citizen, month, booked_area,
    paying_area, intervention, amount, key_version_id, share`` — one row per paying area, the
    amounts of a line adding up to the line to the øre; a line no rule matches is one row
    paid by its booked area with ``key_version_id`` and ``share`` null. ``rules``:
    :func:`key_rules_table` of the versions that may apply (approved: the caller's filter)."""
    drawn = drawn_lines(lines, citizens, interventions)
    chosen = chosen_rules(drawn, rules)
    keyed = drawn.mutate(**_profile_keys(drawn))
    step = keyed.left_join(
        chosen,
        [
            keyed.p_month == chosen.p_month,
            keyed.p_intervention == chosen.p_intervention,
            keyed.p_age == chosen.p_age,
        ],
    ).select("citizen", "month", "booked_area", "intervention", "ore", "rule_order")
    areas = rules.select(
        a_rule="rule_order", key_version_id="key_version_id", paying_area="sector_area",
        weight="weight", area_order="area_order", share="share",
    )  # fmt: skip
    parts = step.left_join(areas, step.rule_order == areas.a_rule)
    parts = parts.select(
        "citizen", "month", "booked_area", "intervention", "ore", "key_version_id", "share",
        paying_area=parts.paying_area.fill_null(parts.booked_area),
        weight=parts.weight.fill_null(1),
        area_order=parts.area_order.fill_null(0),
    )  # fmt: skip
    split = largest_remainder(
        parts, ("citizen", "month", "booked_area", "intervention"), "ore", "weight",
        ("area_order",),
    )  # fmt: skip
    return split.select(
        "citizen", "month", "booked_area", "paying_area", "intervention",
        amount=from_ore(split.part), key_version_id="key_version_id", share="share",
    )  # fmt: skip


# --- capacity ---------------------------------------------------------------------------------


def capacity(
    interventions: ir.Table, activities: ir.Table, enrolled: ir.Table, months: ir.Table
) -> ir.Table:
    """Per capacity-limited intervention (``capacity`` given) and month of ``months``
    (``c_month``: first days): ``intervention, name, sector_area, month, places, solution,
    others`` — the distinct citizens with an activity of it in the month, enrolled in the
    solution that month (``enrolled``: ``citizen, month``) and not."""
    limited = interventions.filter(interventions.capacity.notnull()).select(
        l_intervention=interventions.intervention.cast("string"),
        name="name",
        sector_area="sector_area",
        places=interventions.capacity.cast("int64"),
    )
    uses = activities.select(
        u_citizen=activities.citizen.cast("string"),
        u_intervention=activities.intervention.cast("string"),
        start_date="start_date",
        end_date="end_date",
    )
    uses = uses.semi_join(limited, uses.u_intervention == limited.l_intervention)
    active = uses.join(
        months,
        [
            uses.start_date.truncate("M").cast("date") <= months.c_month,
            uses.end_date.isnull() | (uses.end_date >= months.c_month),
        ],
    )
    occupied = active.select("u_citizen", "u_intervention", u_month="c_month").distinct()
    mine = enrolled.select(e_citizen="citizen", e_month="month", in_solution=ibis.literal(True))
    marked = occupied.left_join(
        mine, [occupied.u_citizen == mine.e_citizen, occupied.u_month == mine.e_month]
    )
    mark = marked.in_solution.fill_null(False)
    counts = marked.group_by("u_intervention", "u_month").aggregate(
        solution=mark.cast("int64").sum(), others=(~mark).cast("int64").sum()
    )
    grid = limited.cross_join(months)
    found = grid.left_join(
        counts,
        [grid.l_intervention == counts.u_intervention, grid.c_month == counts.u_month],
    )
    return found.select(
        intervention=found.l_intervention, name=found.name, sector_area=found.sector_area,
        month=found.c_month, places=found.places, solution=found.solution.fill_null(0),
        others=found.others.fill_null(0),
    ).order_by("intervention", "month")  # fmt: skip


# --- the figures of the who-pays view ---------------------------------------------------------

COMMITMENTS_SCHEMA = pa.schema(
    [("unit", pa.string()), ("subject", pa.string()), ("month", pa.date32()),
     ("sector_area", pa.string()), ("amount_ore", pa.int64())]
)  # fmt: skip
MEASURES = ("booked", "paid", "committed")


def area_month_sums(paid: ir.Table | None, commitments: ir.Table) -> ir.Table:
    """``sector_area, month, booked, paid, committed``: the draw booked in the area, paid by it
    after the keys (``paid``: :func:`who_pays`), and committed on it (``commitments``:
    :data:`COMMITMENTS_SCHEMA`)."""
    zero = ibis.literal(0).cast(MONEY)
    c = commitments
    money = [c.select("sector_area", "month", booked=zero, paid=zero,
                      committed=from_ore(c.amount_ore))]  # fmt: skip
    if paid is not None:
        p = paid
        money += [
            p.select(sector_area=p.booked_area, month="month", booked=p.amount, paid=zero,
                     committed=zero),
            p.select(sector_area=p.paying_area, month="month", booked=zero, paid=p.amount,
                     committed=zero),
        ]  # fmt: skip
    union = ibis.union(*money)
    return union.group_by("sector_area", "month").aggregate(
        **{m: union[m].sum().cast(MONEY) for m in MEASURES}
    )


def figure_cells(paid: ir.Table | None, commitments: ir.Table, citizens: ir.Table) -> ir.Table:
    """``citizen, sector_area, month``: the citizens behind each area's and month's money —
    booked or paid there, or with a commitment there (a family's: each of its members)."""
    c = commitments
    people = citizens.select(m_citizen=citizens.citizen.cast("string"), m_family="family")
    families = c.filter(c.unit == "family")
    members = families.join(people, families.subject == people.m_family)
    cells = [
        c.filter(c.unit == "citizen").select(citizen="subject", sector_area="sector_area",
                                             month="month"),
        members.select(citizen="m_citizen", sector_area="sector_area", month="month"),
    ]  # fmt: skip
    if paid is not None:
        cells += [paid.select("citizen", "month", sector_area="booked_area"),
                  paid.select("citizen", "month", sector_area="paying_area")]  # fmt: skip
    shaped = [t.select(citizen=t.citizen.cast("string"), sector_area=t.sector_area.cast("string"),
                       month=t.month.cast("date")) for t in cells]  # fmt: skip
    return ibis.union(*shaped, distinct=True)


def cell_counts(cells: ir.Table, total: str) -> ir.Table:
    """``sector_area, month, citizens``: the distinct citizens of :func:`figure_cells` per area
    and month (``YYYY-MM``), per area, per month and in all (``total`` in the summed key)."""
    text = cells.mutate(month=cells.month.strftime("%Y-%m"))
    label = ibis.literal(total)
    levels = [
        text.group_by("sector_area", "month"),
        text.mutate(month=label).group_by("sector_area", "month"),
        text.mutate(sector_area=label).group_by("sector_area", "month"),
        text.mutate(sector_area=label, month=label).group_by("sector_area", "month"),
    ]
    return ibis.union(*[g.aggregate(citizens=ibis._.citizen.nunique()) for g in levels])
