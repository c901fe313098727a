"""The finance system's postings.

* CPR-registered: monthly benefit payments (art 5.2) and purchases paid per person (foster care,
  residential homes, bought places, contact persons, wage subsidies), each with the CPR number and
  the purchases with the intervention code.
* Unregistered: the own units' running costs, booked monthly on the function of the interventions
  they deliver (the pools that activity data attribute), and general costs with no activity behind
  them (co-financing, open offers, prevention).
* State refunds of benefits: dranst 2, negative, one posting per benefit and month (not
  expenditure).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from tvaers.core.periods import DANISH_MONTHS
from tvaers.data.synth.catalogue import (
    AUTHORITY_COST_CENTRE,
    BENEFITS,
    GENERAL_COSTS,
    INTERVENTIONS,
    OWN_UNITS,
    benefit_index,
)
from tvaers.data.synth.population import COUPLE_WITH_CHILDREN, SINGLE_PARENT, Population
from tvaers.data.synth.programmes import BENEFIT, Spells
from tvaers.data.synth.services import ITEM_OWN, PricedMonths
from tvaers.data.synth.timeline import (
    IntArray,
    Window,
    date_column,
    explode_months,
    last_weekday,
    money_column,
    month_first_day,
    month_of,
    string_column,
    year_of,
)

CPR_WITH_DASH_SHARE = 0.05
REPAYMENT_SHARE = 0.005  # benefit payments partly paid back the month after
REFUND_STEPS = ((1, 0.80), (6, 0.40), (12, 0.30), (10_000, 0.20))  # months on support -> rate
# How an own unit's running costs split into posting lines: (share, art, grouping, text).
POOL_LINES = (
    (0.66, "1.1", "001", "Løn"),
    (0.08, "1.1", "200", "Ledelse og administration"),
    (0.10, "4.0", "001", "Husleje og ejendomsudgifter"),
    (0.08, "2.2", "001", "Varekøb og materialer"),
    (0.08, "4.0", "001", "Tjenesteydelser"),
)
LINE_SIZE_ORE = 12_000_000  # a running-cost line is about 120,000 kr


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


class Lookup:
    """Strings numbered in order of first use."""

    def __init__(self) -> None:
        self.values: list[str] = []
        self._index: dict[str, int] = {}

    def add(self, value: str) -> int:
        if value not in self._index:
            self._index[value] = len(self.values)
            self.values.append(value)
        return self._index[value]


@dataclass
class Ledger:
    window: Window
    functions: Lookup = field(default_factory=Lookup)
    groupings: Lookup = field(default_factory=Lookup)
    arts: Lookup = field(default_factory=Lookup)
    centres: Lookup = field(default_factory=Lookup)
    texts: Lookup = field(default_factory=Lookup)
    parts: list[dict[str, IntArray]] = field(default_factory=list)

    def month_texts(self, base: str) -> IntArray:
        """Text ids of ``"<base> <month> <year>"`` for each month of the window."""
        labels = [
            f"{base} {DANISH_MONTHS[int(m) % 12]} {int(m) // 12 + 1970}" for m in self.window.months
        ]
        return np.array([self.texts.add(label) for label in labels], dtype=np.int64)

    def add(self, *, date: IntArray, amount: IntArray, function: str | IntArray, dranst: int,
            grouping: str | IntArray, art: str, centre: str | IntArray, text: IntArray,
            person: IntArray | None = None, item: IntArray | None = None) -> None:  # fmt: skip
        keep = date <= self.window.as_of
        n = int(keep.sum())

        def code(value: str | IntArray, lookup: Lookup) -> IntArray:
            if isinstance(value, str):
                return np.full(n, lookup.add(value), dtype=np.int64)
            return np.asarray(value, dtype=np.int64)[keep]

        self.parts.append(
            {
                "date": date[keep],
                "amount": amount[keep],
                "function": code(function, self.functions),
                "dranst": np.full(n, dranst, dtype=np.int64),
                "grouping": code(grouping, self.groupings),
                "art": np.full(n, self.arts.add(art), dtype=np.int64),
                "centre": code(centre, self.centres),
                "text": text[keep],
                "person": np.full(n, -1, dtype=np.int64) if person is None else person[keep],
                "item": np.full(n, -1, dtype=np.int64) if item is None else item[keep],
            }
        )

    def month_position(self, months: IntArray) -> IntArray:
        return months - int(self.window.months[0])


def registered_purchases(ledger: Ledger, priced: PricedMonths) -> None:
    """Per person and month, the invoice for bought interventions: units x price."""
    rows = np.flatnonzero(~ITEM_OWN[priced.item] & (priced.cost_ore != 0))
    item = priced.item[rows]
    months = priced.slices.month[rows]
    for position, spec in enumerate(INTERVENTIONS):  # a loop over intervention types
        if spec.own:
            continue
        mine = np.flatnonzero(item == position)
        m = months[mine]
        ledger.add(
            date=month_first_day(m) + 19,
            amount=priced.cost_ore[rows[mine]],
            function=spec.function,
            dranst=1,
            grouping=spec.grouping,
            art="4.7" if spec.code in {"016208", "019022"} else "4.0",
            centre=AUTHORITY_COST_CENTRE[spec.area],
            text=ledger.month_texts(spec.name)[ledger.month_position(m)],
            person=priced.person[rows[mine]],
            item=item[mine],
        )


def benefit_payments(
    ledger: Ledger, rng: np.random.Generator, population: Population, spells: Spells,
    rates: tuple[IntArray, IntArray], years: list[int],
) -> None:  # fmt: skip
    """Monthly benefit payments per person (art 5.2; the co-financing of dagpenge art 4.6), a
    few repayments, and the monthly state refunds (dranst 2)."""
    window = ledger.window
    benefits = spells.take(np.flatnonzero(spells.kind == BENEFIT))
    factor = np.ones(benefits.person.size)
    sick = benefits.item == benefit_index("sygedagpenge")
    factor[sick] = rng.uniform(0.55, 1.0, int(sick.sum()))  # part-time and lower wages
    extra = benefits.item == benefit_index("merudgifter")
    factor[extra] = rng.uniform(0.3, 1.8, int(extra.sum()))
    insured = benefits.item == benefit_index("dagpenge")
    factor[insured] = rng.uniform(0.75, 1.0, int(insured.sum()))  # some below the maximum
    has_children = np.isin(population.household_type[benefits.person],
                           [SINGLE_PARENT, COUPLE_WITH_CHILDREN])  # fmt: skip
    slices = explode_months(benefits.start, benefits.end, window.first, window.as_of)
    item = benefits.item[slices.spell]
    year = np.clip(year_of(slices.first_active) - years[0], 0, len(years) - 1)
    plain, with_children = rates
    monthly = np.where(has_children[slices.spell], with_children[item, year], plain[item, year])
    months_on = slices.month - month_of(benefits.start)[slices.spell]
    refund_rate = np.select(
        [months_on < limit for limit, _ in REFUND_STEPS], [rate for _, rate in REFUND_STEPS]
    )
    # Dagpenge: the municipality pays the part the state does not (the mirror of the refund).
    share = np.where(item == benefit_index("dagpenge"), 1.0 - refund_rate, 1.0)
    amount = np.rint(monthly * factor[slices.spell] * share * slices.month_share).astype(np.int64)
    positions = ledger.month_position(slices.month)
    n_months = window.months.size
    for b, spec in enumerate(BENEFITS):  # a loop over benefit types
        mine = np.flatnonzero(item == b)
        m = slices.month[mine]
        ledger.add(
            date=last_weekday(m),
            amount=amount[mine],
            function=spec.function,
            dranst=1,
            grouping=spec.grouping,
            art=spec.art,
            centre=AUTHORITY_COST_CENTRE["children" if spec.key == "merudgifter" else "employment"],
            text=ledger.month_texts(spec.name)[positions[mine]],
            person=benefits.person[slices.spell[mine]],
        )
        # A few payments are partly paid back the next month (art 7.x would be income; a
        # repayment is a negative expenditure on the person, as the finance system books it).
        back = mine[rng.random(mine.size) < REPAYMENT_SHARE]
        ledger.add(
            date=last_weekday(slices.month[back] + 1),
            amount=-np.rint(amount[back] * rng.uniform(0.1, 1.0, back.size)).astype(np.int64),
            function=spec.function,
            dranst=1,
            grouping=spec.grouping,
            art=spec.art,
            centre=AUTHORITY_COST_CENTRE["children" if spec.key == "merudgifter" else "employment"],
            text=ledger.month_texts(f"Tilbagebetaling, {_lower_first(spec.name)}")[positions[back]],
            person=benefits.person[slices.spell[back]],
        )
        if not spec.refunded:
            continue
        refund = np.bincount(positions[mine], amount[mine] * refund_rate[mine], n_months)
        refund_months = window.months[refund > 0]
        ledger.add(
            date=month_first_day(refund_months + 1) + 14,
            amount=-np.rint(refund[refund > 0]).astype(np.int64),
            function=spec.function,
            dranst=2,
            grouping=spec.grouping,
            art="8.6",
            centre=AUTHORITY_COST_CENTRE["employment"],
            text=ledger.month_texts(f"Statsrefusion, {_lower_first(spec.name)}")[refund > 0],
        )


def _split_lines(
    rng: np.random.Generator, ledger: Ledger, amounts: IntArray, months: IntArray, *,
    function: str, centre: str, unit: str, lines: tuple[tuple[float, str, str, str], ...],
) -> None:  # fmt: skip
    """Book each month's amount as a number of posting lines of each kind."""
    for share, art, grouping, label in lines:  # a loop over kinds of cost
        total = np.rint(amounts * share).astype(np.int64)
        count = np.clip(np.ceil(total / LINE_SIZE_ORE), 1, 500).astype(np.int64)
        group = np.repeat(np.arange(total.size), count)
        weights = rng.gamma(3.0, 1.0, group.size)
        parts = np.floor(total[group] * weights / np.bincount(group, weights)[group])
        parts = parts.astype(np.int64)
        first = np.cumsum(count) - count
        parts[first] += total - np.bincount(group, parts, total.size).astype(np.int64)
        m = months[group]
        if label == "Løn":
            dates = last_weekday(m)
        else:
            dates = month_first_day(m) + rng.integers(0, 28, m.size)
        ledger.add(
            date=dates,
            amount=parts,
            function=function,
            dranst=1,
            grouping=grouping,
            art=art,
            centre=centre,
            text=ledger.month_texts(f"{label}, {unit}" if unit else label)[
                ledger.month_position(m)
            ],
        )


def own_unit_costs(ledger: Ledger, rng: np.random.Generator, priced: PricedMonths) -> None:
    """The own units' monthly running costs, unregistered, on their interventions' function."""
    months = ledger.window.months
    position = ledger.month_position(priced.slices.month)
    function_of_item = np.array([i.function for i in INTERVENTIONS])
    years = months // 12
    for unit in OWN_UNITS:  # a loop over the own units
        rows = np.flatnonzero(ITEM_OWN[priced.item] & (function_of_item[priced.item] ==
                                                       unit.function))  # fmt: skip
        priced_cost = np.bincount(position[rows], priced.cost_ore[rows], months.size)
        yearly_mean = np.zeros(months.size)
        for year in np.unique(years):  # a loop over years
            in_year = years == year
            yearly_mean[in_year] = priced_cost[in_year].mean()
        smooth = 0.6 * priced_cost + 0.4 * yearly_mean
        noise = 1.0 + rng.normal(0.0, 0.03, months.size)
        amounts = np.rint(unit.overhead * smooth * noise).astype(np.int64)
        active = amounts > 0
        _split_lines(rng, ledger, amounts[active], months[active], function=unit.function,
                     centre=unit.cost_centre, unit=unit.name, lines=POOL_LINES)  # fmt: skip


def general_costs(ledger: Ledger, rng: np.random.Generator, citizens: int) -> None:
    """Costs with no activity behind them, proportional to the population, +2.5 % a year."""
    months = ledger.window.months
    index = 1.025 ** np.maximum(months // 12 + 1970 - 2024, 0)
    for cost in GENERAL_COSTS:  # a loop over general cost types
        monthly = cost.per_citizen * 100.0 * citizens / 12.0 * index
        amounts = np.rint(monthly * (1.0 + rng.normal(0.0, 0.05, months.size))).astype(np.int64)
        lines = ((1.0, cost.art, "001", cost.text),)
        _split_lines(rng, ledger, amounts, months, function=cost.function,
                     centre=cost.cost_centre, unit="", lines=lines)  # fmt: skip


def postings_table(ledger: Ledger, rng: np.random.Generator, population: Population) -> pa.Table:
    columns = {key: np.concatenate([p[key] for p in ledger.parts]) for key in ledger.parts[0]}
    order = np.lexsort(
        (columns["amount"], columns["person"], columns["text"], columns["function"],
         columns["dranst"], columns["date"])
    )  # fmt: skip
    c = {key: value[order] for key, value in columns.items()}
    has_cpr = c["person"] >= 0
    cpr = population.cpr.take(pa.array(np.where(has_cpr, c["person"], 0)))
    dashed = pc.binary_join_element_wise(
        pc.utf8_slice_codeunits(cpr, 0, 6), pc.utf8_slice_codeunits(cpr, 6, 10), "-"
    )
    with_dash = rng.random(len(cpr)) < CPR_WITH_DASH_SHARE
    cpr = pc.if_else(pa.array(with_dash), dashed, cpr)
    cpr = pc.if_else(pa.array(has_cpr), cpr, pa.scalar(None, pa.string()))
    has_item = c["item"] >= 0
    return pa.table(
        {
            "posting_id": pa.array(np.arange(1, order.size + 1, dtype=np.int64)),
            "posting_date": date_column(c["date"]),
            "amount": money_column(c["amount"]),
            "function_code": string_column(ledger.functions.values, c["function"]),
            "dranst": pa.array(c["dranst"].astype(np.int8)),
            "grouping": string_column(ledger.groupings.values, c["grouping"]),
            "art": string_column(ledger.arts.values, c["art"]),
            "cpr": cpr,
            "intervention": string_column(
                [i.code for i in INTERVENTIONS], np.where(has_item, c["item"], 0), has_item
            ),
            "cost_centre": string_column(ledger.centres.values, c["centre"]),
            "text": string_column(ledger.texts.values, c["text"]),
        }
    )
