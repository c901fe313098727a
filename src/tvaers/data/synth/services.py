"""Activities (the case systems' records) and their priced months.

Every intervention delivered to a person is an activity: purchases paid per person (registered in
the finance system with the CPR number) and the own units' interventions, whose running costs are
booked unregistered. A caseworker carries 20-40 cases (a case = a person in a sector area).
"""

from __future__ import annotations

import string
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from tvaers.data.synth.catalogue import INTERVENTIONS, PriceList
from tvaers.data.synth.population import Population
from tvaers.data.synth.programmes import SERVICE, Spells
from tvaers.data.synth.timeline import (
    FloatArray,
    IntArray,
    MonthSlices,
    Window,
    date_column,
    explode_months,
    string_column,
    year_of,
)

AREAS = ("employment", "children", "adults", "health", "special_education")
UNIT_CODES = {"day": 0, "week": 1, "month": 2, "hour": 3, "piece": 4}
ITEM_AREA = np.array([AREAS.index(i.area) for i in INTERVENTIONS], dtype=np.int64)
ITEM_UNIT = np.array([UNIT_CODES[i.unit] for i in INTERVENTIONS], dtype=np.int64)
ITEM_OWN = np.array([i.own for i in INTERVENTIONS], dtype=bool)
PLACEMENTS = np.array(
    [n for n, i in enumerate(INTERVENTIONS) if i.legal_basis == "SEL § 52, stk. 3, nr. 7"]
)
PLACEMENT_WITHOUT_CONSENT = "Børn og unge-udvalget"
_INITIAL_LETTERS = "ABDEFHIJKLMNOPRSTU"  # common Danish initials
_INITIAL_WEIGHTS = np.array([6, 4, 2, 3, 2, 5, 2, 6, 5, 6, 8, 4, 1, 3, 2, 5, 4, 1], dtype=float)


@dataclass(frozen=True)
class PricedMonths:
    """Activity months: one row per activity and month in the window, with units and price."""

    slices: MonthSlices  # ``spell`` indexes the activities
    item: IntArray
    person: IntArray
    units: FloatArray
    price_ore: IntArray
    cost_ore: IntArray  # units x price, rounded to whole øre


def service_spells(spells: Spells) -> Spells:
    return spells.take(np.flatnonzero(spells.kind == SERVICE))


def price_months(activities: Spells, prices: PriceList, window: Window) -> PricedMonths:
    """Units and priced cost per activity month, by the data contract's rules."""
    slices = explode_months(activities.start, activities.end, window.first, window.as_of)
    item = activities.item[slices.spell]
    unit = ITEM_UNIT[item]
    given = activities.units[slices.spell]
    share = slices.month_share
    by_unit = np.select(
        [unit == 0, unit == 1, unit == 2],
        [slices.active_days.astype(float), slices.active_days / 7.0, share],
        default=0.0,
    )
    units = np.where(np.isnan(given), by_unit, given * share)
    price = prices.lookup(item, year_of(slices.first_active))
    return PricedMonths(
        slices=slices,
        item=item,
        person=activities.person[slices.spell],
        units=units,
        price_ore=price,
        cost_ore=np.rint(units * price).astype(np.int64),
    )


def _caseworker_ids(rng: np.random.Generator, count: int) -> list[str]:
    """``count`` distinct initials-like ids (three letters, four when three run short)."""
    letters = np.array(list(_INITIAL_LETTERS))
    p = _INITIAL_WEIGHTS / _INITIAL_WEIGHTS.sum()
    width = 3 if count < 1500 else 4
    draws = rng.choice(letters, size=(count * 3 + 50, width), p=p)
    words = np.array(["".join(row) for row in draws])  # a loop over caseworkers, not citizens
    _, first = np.unique(words, return_index=True)
    unique = words[np.sort(first)]
    if unique.size < count:  # pragma: no cover - only for absurd sizes
        extra = [f"{w}{n}" for n, w in enumerate(string.ascii_uppercase * (count // 26 + 1))]
        unique = np.concatenate([unique, np.array(extra)])
    return [str(w) for w in unique[:count]]


def assign_caseworkers(
    rng: np.random.Generator, activities: Spells, window: Window
) -> tuple[list[str], IntArray]:
    """A caseworker per case (a person in a sector area). Each area has as many caseworkers as
    it takes for each to carry about 30 open cases at a time (uneven: roughly 20-40)."""
    area = ITEM_AREA[activities.item]
    case_key = activities.person * len(AREAS) + area
    cases, case_of_activity = np.unique(case_key, return_inverse=True)
    opened = np.full(cases.size, window.as_of, dtype=np.int64)
    closed = np.full(cases.size, window.first, dtype=np.int64)
    np.minimum.at(opened, case_of_activity, np.maximum(activities.start, window.first))
    np.maximum.at(closed, case_of_activity, np.minimum(activities.end, window.as_of))
    open_days = np.maximum(closed - opened + 1, 0)
    span = window.as_of - window.first + 1
    case_area = cases % len(AREAS)
    worker_of_case = np.zeros(cases.size, dtype=np.int64)
    names_needed = 0
    for a in range(len(AREAS)):  # a loop over the five sector areas
        in_area = np.flatnonzero(case_area == a)
        concurrent = open_days[in_area].sum() / span
        workers = max(1, int(np.round(concurrent / 30.0)))
        weights = rng.gamma(12.0, 1.0, workers)  # uneven caseloads
        worker_of_case[in_area] = names_needed + rng.choice(
            workers, size=in_area.size, p=weights / weights.sum()
        )
        names_needed += workers
    names = _caseworker_ids(rng, names_needed)
    return names, worker_of_case[case_of_activity]


def activities_table(
    rng: np.random.Generator, population: Population, activities: Spells, window: Window
) -> pa.Table:
    names, worker = assign_caseworkers(rng, activities, window)
    order = np.lexsort((activities.item, activities.start, activities.person))
    a = activities.take(order)
    worker = worker[order]
    ongoing = a.end > window.as_of
    units = pa.array(a.units, type=pa.float64(), from_pandas=True)
    deciders = sorted({i.decided_by for i in INTERVENTIONS} | {PLACEMENT_WITHOUT_CONSENT})
    decided = np.array([deciders.index(i.decided_by) for i in INTERVENTIONS])[a.item]
    # About one placement in six is made without consent, by the children and youth committee.
    placement = np.isin(a.item, PLACEMENTS) & (rng.random(a.item.size) < 1 / 6)
    decided[placement] = deciders.index(PLACEMENT_WITHOUT_CONSENT)
    return pa.table(
        {
            "cpr": population.cpr.take(pa.array(a.person)),
            "intervention": string_column([i.code for i in INTERVENTIONS], a.item),
            "start_date": date_column(a.start),
            "end_date": date_column(np.minimum(a.end, window.as_of), ~ongoing),
            "units_per_month": units,
            "caseworker": string_column(names, worker),
            "decided_by": string_column(deciders, decided),
        }
    )


def capacities(activities: Spells, window: Window) -> dict[str, int]:
    """Places of the capacity-limited own units: the peak number active in a month, +5 %."""
    result: dict[str, int] = {}
    for position, item in enumerate(INTERVENTIONS):  # a loop over intervention types
        if not item.capacity_limited:
            continue
        rows = np.flatnonzero(activities.item == position)
        slices = explode_months(
            activities.start[rows], activities.end[rows], window.first, window.as_of
        )
        counts = np.bincount(slices.month - slices.month.min()) if slices.month.size else [0]
        result[item.code] = int(np.ceil(max(int(np.max(counts)), 1) * 1.05))
    return result
