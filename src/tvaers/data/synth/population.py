"""Citizens, families and relations, with valid CPR numbers and a latent vulnerability.

Households are built first (single, couple, single parent, couple with children), then people in
them. The CPR family concept is used: a family is one or two partners and their children under 18;
a single adult is a family of one. Each family has a latent vulnerability; a person's vulnerability
mixes the family's with their own, so that cases cluster in families.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from tvaers.data.synth.timeline import (
    DAYS_PER_YEAR,
    BoolArray,
    FloatArray,
    IntArray,
    date_column,
    string_column,
)

SINGLE, COUPLE, SINGLE_PARENT, COUPLE_WITH_CHILDREN = range(4)
HOUSEHOLD_SHARES = np.array([0.455, 0.335, 0.055, 0.155])
CHILDREN_PER_FAMILY = (np.array([1, 2, 3, 4]), np.array([0.42, 0.42, 0.13, 0.03]))
VULNERABILITY_SHIFT = np.array([0.0, -0.25, 0.55, -0.05])  # per household type
FAMILY_WEIGHT = 0.80  # loading of the family's vulnerability in a person's
PERSON_WEIGHT = 0.60

# Age of the first adult of a family without children: (lower, upper, weight) brackets, years.
_AGE_BRACKETS: dict[int, list[tuple[int, int, float]]] = {
    SINGLE: [(18, 25, 0.24), (25, 35, 0.21), (35, 50, 0.14), (50, 65, 0.16), (65, 80, 0.14),
             (80, 90, 0.08), (90, 100, 0.03)],
    COUPLE: [(20, 35, 0.15), (35, 50, 0.08), (50, 65, 0.34), (65, 80, 0.34), (80, 92, 0.09)],
}  # fmt: skip


@dataclass(frozen=True)
class Population:
    """One row per citizen; arrays share the index. Days are days since 1970-01-01."""

    cpr: pa.Array  # 10-digit strings
    birth: IntArray
    female: BoolArray
    family: IntArray
    adult: BoolArray  # an adult of the family (partner), not a child under 18
    vulnerability: FloatArray
    household_type: IntArray
    partners: IntArray  # (k, 2) person indices of partner pairs
    parent_child: IntArray  # (k, 2) person indices: parent, child

    @property
    def size(self) -> int:
        return int(self.birth.size)

    @property
    def families(self) -> int:
        return int(self.family.max()) + 1 if self.size else 0


def _bracket_ages(rng: np.random.Generator, kinds: IntArray) -> FloatArray:
    ages = np.zeros(kinds.size)
    for kind, brackets in _AGE_BRACKETS.items():
        where = np.flatnonzero(kinds == kind)
        lows = np.array([b[0] for b in brackets], dtype=float)
        highs = np.array([b[1] for b in brackets], dtype=float)
        weights = np.array([b[2] for b in brackets])
        pick = rng.choice(len(brackets), size=where.size, p=weights / weights.sum())
        ages[where] = lows[pick] + rng.random(where.size) * (highs[pick] - lows[pick])
    return ages


def _households(rng: np.random.Generator, citizens: int) -> tuple[IntArray, IntArray, IntArray]:
    """Household types, number of adults and of children, summing exactly to ``citizens``."""
    estimate = int(citizens / 1.8 * 1.15) + 8
    kinds = rng.choice(4, size=estimate, p=HOUSEHOLD_SHARES).astype(np.int64)
    adults = np.where((kinds == COUPLE) | (kinds == COUPLE_WITH_CHILDREN), 2, 1)
    children = np.where(
        kinds >= SINGLE_PARENT,
        rng.choice(CHILDREN_PER_FAMILY[0], size=estimate, p=CHILDREN_PER_FAMILY[1]),
        0,
    )
    size = adults + children
    fits = np.cumsum(size) <= citizens
    kinds, adults, children = kinds[fits], adults[fits], children[fits]
    missing = citizens - int((adults + children).sum())
    kinds = np.concatenate([kinds, np.full(missing, SINGLE)])
    adults = np.concatenate([adults, np.ones(missing, dtype=np.int64)])
    children = np.concatenate([children, np.zeros(missing, dtype=np.int64)])
    return kinds, adults.astype(np.int64), children.astype(np.int64)


def generate_population(
    rng: np.random.Generator, citizens: int, as_of: int, taken: IntArray | None = None
) -> Population:
    """``citizens`` people in households, ages as of the day ``as_of``; no CPR number in the
    sorted array ``taken`` (numbers already given elsewhere) is given again."""
    kinds, n_adults, n_children = _households(rng, citizens)
    households = kinds.size
    size = n_adults + n_children
    family = np.repeat(np.arange(households, dtype=np.int64), size)
    position = np.arange(citizens, dtype=np.int64) - np.repeat(np.cumsum(size) - size, size)
    adult = position < np.repeat(n_adults, size)

    # Children first (uniform 0-17), then parents old enough for the eldest: the first adult of a
    # family with children was 20-40 at the eldest child's birth.
    child_age = rng.random(citizens) * 18.0
    eldest = np.zeros(households)
    np.maximum.at(eldest, family[~adult], child_age[~adult])
    first_age = _bracket_ages(rng, kinds)
    with_children = n_children > 0
    first_age = np.where(with_children, eldest + rng.uniform(20.0, 40.0, households), first_age)
    second_age = np.clip(first_age + rng.normal(-1.5, 3.5, households), 18.0, 99.0)
    second_age = np.where(with_children, np.maximum(second_age, eldest + 18.5), second_age)
    age = np.where(position == 0, np.repeat(first_age, size), np.repeat(second_age, size))
    age = np.where(adult, age, child_age)
    birth = as_of - np.floor(age * DAYS_PER_YEAR).astype(np.int64)

    # Couples are mostly of opposite sex; everybody else is female with probability one half.
    female = rng.random(citizens) < 0.5
    couple_second = adult & (position == 1)
    opposite = rng.random(citizens) < 0.92
    female = np.where(couple_second & opposite, ~np.roll(female, 1), female)

    shift = VULNERABILITY_SHIFT[kinds]
    young_single = (kinds == SINGLE) & (first_age < 30)
    shift = shift + np.where(young_single, 0.2, 0.0)
    family_latent = rng.normal(0.0, 1.0, households) + shift
    vulnerability = FAMILY_WEIGHT * family_latent[family] + PERSON_WEIGHT * rng.normal(
        0.0, 1.0, citizens
    )

    start = np.cumsum(size) - size
    pair_households = np.flatnonzero(n_adults == 2)
    partners = np.stack([start[pair_households], start[pair_households] + 1], axis=1)
    children_idx = np.flatnonzero(~adult)
    child_household = family[children_idx]
    parent_child = [np.stack([start[child_household], children_idx], axis=1)]
    has_second = n_adults[child_household] == 2
    parent_child.append(
        np.stack([start[child_household[has_second]] + 1, children_idx[has_second]], axis=1)
    )
    return Population(
        cpr=cpr_numbers(rng, birth, female, taken),
        birth=birth,
        female=female,
        family=family,
        adult=adult,
        vulnerability=vulnerability,
        household_type=kinds[family],
        partners=partners.astype(np.int64),
        parent_child=np.concatenate(parent_child).astype(np.int64),
    )


def cpr_numbers(
    rng: np.random.Generator, birth: IntArray, female: BoolArray, taken: IntArray | None = None
) -> pa.Array:
    """Unique, valid CPR numbers (10 digits) for birth days and sexes, none of them in the
    sorted array ``taken``.

    The seventh digit follows cpr.dk's century rule: 0-3 for the 1900s, 4-9 for 2000-2036.
    The last digit is even for women. No modulus-11 check (not required since 2007). A birth day
    whose 2,000-3,000 numbers per sex are all given (thousands born on one day: adults whose age
    was cut at 18, when the national generator adds up 98 municipalities) moves the person one
    day earlier: ``birth`` is changed in place for them.
    """
    if birth.size and (_year(birth).min() < 1900 or _year(birth).max() > 2036):
        raise ValueError("Fødselsår uden for 1900-2036 kan ikke få et CPR-nummer her")
    date_part, in_2000s = _date_part(birth)
    odd = (~female).astype(np.int64)

    def draw(count: int, where: IntArray) -> IntArray:
        digit7 = np.where(in_2000s[where], rng.integers(4, 10, count), rng.integers(0, 4, count))
        middle = rng.integers(0, 100, count)
        last = 2 * rng.integers(0, 5, count) + odd[where]
        return np.asarray(digit7 * 1000 + middle * 10 + last, dtype=np.int64)

    everyone = np.arange(birth.size, dtype=np.int64)
    number = date_part * 10_000 + draw(birth.size, everyone)
    rounds = 0
    while True:  # redraw the serial of any duplicate until all numbers are unique
        order = np.argsort(number, kind="stable")
        duplicate = np.zeros(number.size, dtype=bool)
        duplicate[order[1:]] = number[order[1:]] == number[order[:-1]]
        if taken is not None and taken.size:
            where = np.minimum(np.searchsorted(taken, number), taken.size - 1)
            duplicate |= taken[where] == number
        again = np.flatnonzero(duplicate)
        if again.size == 0:
            break
        rounds += 1
        if rounds % 30 == 0:  # the day's numbers are all given: one day earlier
            birth[again] -= 1
            date_part[again], in_2000s[again] = _date_part(birth[again])
        number[again] = date_part[again] * 10_000 + draw(again.size, again)
    return pc.utf8_lpad(pc.cast(pa.array(number), pa.string()), 10, "0")


def _year(birth: IntArray) -> IntArray:
    return np.asarray(birth.astype("datetime64[D]").astype("datetime64[Y]"), dtype=np.int64) + 1970


def _date_part(birth: IntArray) -> tuple[IntArray, BoolArray]:
    """DDMMYY as a number, and whether the year is in the 2000s."""
    dates = birth.astype("datetime64[D]")
    year = _year(birth)
    month = dates.astype("datetime64[M]").astype(np.int64) % 12 + 1
    dom = (dates - dates.astype("datetime64[M]")).astype(np.int64) + 1
    return dom * 10_000 + month * 100 + year % 100, year >= 2000


def citizens_table(population: Population) -> pa.Table:
    return pa.table(
        {
            "cpr": population.cpr,
            "family": pa.array(population.family + 1),
            "birth_date": date_column(population.birth),
        }
    )


def relations_table(population: Population) -> pa.Table:
    """``parent_of`` (parent -> child) rows and ``partner_of`` rows in both directions."""
    pairs = np.concatenate(
        [population.parent_child, population.partners, population.partners[:, ::-1]]
    )
    kinds = np.concatenate(
        [
            np.zeros(len(population.parent_child), dtype=np.int64),
            np.ones(2 * len(population.partners), dtype=np.int64),
        ]
    )
    order = np.lexsort((kinds, pairs[:, 1], pairs[:, 0]))
    pairs, kinds = pairs[order], kinds[order]

    return pa.table(
        {
            "cpr": population.cpr.take(pa.array(pairs[:, 0])),
            "related_cpr": population.cpr.take(pa.array(pairs[:, 1])),
            "relation": string_column(["parent_of", "partner_of"], kinds),
        }
    )
