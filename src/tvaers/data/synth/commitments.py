"""Commitments (disponeringer) at CPR level: what the case systems have committed for the costly,
purchased intervention types — placements, residential care, bought places, wage subsidies.

One commitment per such activity that is active in the window, made when it was granted: the
same citizen, intervention and start, the price agreed then and the end expected then. So the
commitments are consistent with the activities (and with the postings priced from them) but are
not the future told in advance: the expected end misses the real one by a few weeks either way,
and about one in eight has no expected end at all; a monthly amount is the price at the start and
is not indexed, as a commitment in a case system is not. Interventions priced per day are
committed in units (days per month, priced by the unit prices month by month); those priced per
month as a monthly amount.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from tvaers.data.synth.catalogue import INTERVENTIONS, PriceList
from tvaers.data.synth.population import Population
from tvaers.data.synth.programmes import Spells
from tvaers.data.synth.services import ITEM_OWN, ITEM_UNIT, UNIT_CODES
from tvaers.data.synth.timeline import Window, date_column, money_column, string_column, year_of

DAYS_PER_MONTH = 30.4375  # 365.25 / 12: a day-priced commitment's units per month
MIN_MONTHLY_PRICE_ORE = 1_000_000  # a commitment is kept for intervention types above 10,000 kr.
END_SPREAD_DAYS = 45.0  # the expected end misses the real one by this much (standard deviation)
OPEN_ENDED = 1 / 8  # the share committed without an expected end
FAR_AHEAD_DAYS = 3 * 365  # an expected end further ahead than this is left open


def committed_items() -> np.ndarray:
    """Whether each intervention type is committed: purchased (not the own units') and costly,
    priced per day or per month at more than 10,000 kr. a month at the 2024 level."""
    day, month = UNIT_CODES["day"], UNIT_CODES["month"]
    base = np.array([i.price for i in INTERVENTIONS], dtype=np.int64) * 100
    monthly = np.where(day == ITEM_UNIT, base * DAYS_PER_MONTH, base)
    return (~ITEM_OWN) & np.isin(ITEM_UNIT, [day, month]) & (monthly > MIN_MONTHLY_PRICE_ORE)


def commitments_table(
    rng: np.random.Generator,
    population: Population,
    activities: Spells,
    prices: PriceList,
    window: Window,
) -> pa.Table:
    """The commitments of the window's costly purchased activities, ordered by citizen, start
    and intervention (vectorised: no loop over citizens)."""
    keep = committed_items()[activities.item] & (activities.end >= window.first)
    keep &= activities.start <= window.as_of
    a = activities.take(np.flatnonzero(keep))
    a = a.take(np.lexsort((a.item, a.start, a.person)))
    n = a.item.size
    miss = np.rint(rng.normal(0.0, END_SPREAD_DAYS, n)).astype(np.int64)
    expected_end = np.maximum(a.end + miss, a.start)
    open_ended = (rng.random(n) < OPEN_ENDED) | (expected_end > window.as_of + FAR_AHEAD_DAYS)
    per_day = ITEM_UNIT[a.item] == UNIT_CODES["day"]
    start_year = year_of(np.maximum(a.start, window.first))
    monthly_ore = prices.lookup(a.item, start_year)
    units = np.where(per_day, DAYS_PER_MONTH, np.nan)
    return pa.table(
        {
            "cpr": population.cpr.take(pa.array(a.person)),
            "intervention": string_column([i.code for i in INTERVENTIONS], a.item),
            "start_date": date_column(a.start),
            "end_date": date_column(expected_end, ~open_ended),
            "monthly_amount": money_column(monthly_ore, ~per_day),
            "units_per_month": pa.array(units, type=pa.float64(), from_pandas=True),
        }
    )
