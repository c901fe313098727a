"""Who grants and who pays (focus point 4), as pure rules: the three places of granting authority
and payment obligation, VIVE's table 4.1, shares of a distribution key and the exact split of an
amount by them, a grant's monthly amounts and the grant's statuses. No I/O.

Table 4.1 (rows: where the payment obligation sits, columns: where the granting authority sits):

==================  ==============  ==============  ==============
payment \\ granting  in solution     shared          on areas
==================  ==============  ==============  ==============
in solution         samlet          delvist samlet  adskilt
shared              delvist samlet  delvist samlet  delvist samlet
on areas            adskilt         delvist samlet  samlet
==================  ==============  ==============  ==============

A split gives every area the floor of its exact share in øre; the øre left over go one each to
the areas with the largest remainders, ties to the area listed first (the key's order), and a
negative amount is split by its magnitude and keeps its sign
(:func:`tvaers.core.money.split_largest_remainder`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from enum import StrEnum
from fractions import Fraction
from math import lcm

from tvaers.core.errors import ErrorCode, TvaersError
from tvaers.core.money import TWO_PLACES, from_ore, split_largest_remainder, to_ore
from tvaers.core.periods import Month, months_between


class PrinciplesError(TvaersError):
    """A placement, competence plan, grant or key that cannot be accepted (Danish message)."""

    code = ErrorCode.PRINCIPLE_BROKEN


class Place(StrEnum):
    """Where the granting authority or the payment obligation sits (VIVE table 4.1)."""

    SOLUTION = "solution"
    SHARED = "shared"
    AREAS = "areas"


# The paying «area» of a grant the solution pays from its own budget (a placement with the
# payment obligation in the solution), and its name where areas are listed.
SOLUTION_BUDGET = "solution"
SOLUTION_BUDGET_NAME = "Løsningens eget budget"


class Classification(StrEnum):
    SAMLET = "samlet"
    PARTLY = "delvist samlet"
    SEPARATE = "adskilt"


PLACE_LABELS = {
    Place.SOLUTION: "I tværgående løsning",
    Place.SHARED: "Delt mellem tværgående løsning og sektorområder",
    Place.AREAS: "Opdelt på sektorområder",
}
_PLACE_ALIASES = {
    "in_solution": Place.SOLUTION,
    "loesning": Place.SOLUTION,
    "i_loesning": Place.SOLUTION,
    "delt": Place.SHARED,
    "sector_areas": Place.AREAS,
    "omraader": Place.AREAS,
    "sektoromraader": Place.AREAS,
}
TABLE_4_1: dict[tuple[Place, Place], Classification] = {
    # (paying, granting) -> classification
    (Place.SOLUTION, Place.SOLUTION): Classification.SAMLET,
    (Place.SOLUTION, Place.SHARED): Classification.PARTLY,
    (Place.SOLUTION, Place.AREAS): Classification.SEPARATE,
    (Place.SHARED, Place.SOLUTION): Classification.PARTLY,
    (Place.SHARED, Place.SHARED): Classification.PARTLY,
    (Place.SHARED, Place.AREAS): Classification.PARTLY,
    (Place.AREAS, Place.SOLUTION): Classification.SEPARATE,
    (Place.AREAS, Place.SHARED): Classification.PARTLY,
    (Place.AREAS, Place.AREAS): Classification.SAMLET,
}


def parse_place(text: str | Place, what: str = "placeringen") -> Place:
    """``solution``, ``shared`` or ``areas`` (the seeds' ``in_solution``/``sector_areas`` and
    Danish words too); anything else refused in Danish."""
    if isinstance(text, Place):
        return text
    value = re.sub(r"[^a-z_]", "", str(text).strip().lower().replace("ø", "oe").replace("å", "aa"))
    if value in Place.__members__.values():
        return Place(value)
    if value in _PLACE_ALIASES:
        return _PLACE_ALIASES[value]
    raise PrinciplesError(
        f"«{text}» er ikke en gyldig værdi for {what}: brug solution (i løsningen), "
        "shared (delt) eller areas (på sektorområderne)."
    )


def classify(granting: Place | str, paying: Place | str) -> Classification:
    """Table 4.1's cell for where the granting authority and the payment obligation sit."""
    return TABLE_4_1[(parse_place(paying, "betalingen"), parse_place(granting, "visitationen"))]


def separated(granting: Place, paying: Place) -> bool:
    """Whether the solution (alone or shared) grants what the sector areas pay: then a paying
    area's chief approves a grant above the agreed ceiling (DOMAIN.md §3.4)."""
    return granting is not Place.AREAS and paying is Place.AREAS


# --- shares and the exact split ---------------------------------------------------------------

_PERCENT = re.compile(r"^([0-9]+(?:[.,][0-9]+)?)\s*%$")
_FRACTION = re.compile(r"^([0-9]+)\s*/\s*([0-9]+)$")
HUNDRED = Fraction(1)


@dataclass(frozen=True)
class Share:
    """One area's share of a key, exact, with the text it was given as (``33.5%``, ``1/3``)."""

    sector_area: str
    share: Fraction
    text: str

    @property
    def percent(self) -> Decimal:
        """The share in percent, to four decimals (display only; the split uses the fraction)."""
        value = Decimal(self.share.numerator) * 100 / Decimal(self.share.denominator)
        return value.quantize(Decimal("0.0001"), rounding=ROUND_HALF_EVEN).normalize()


def parse_share(text: str, area: str = "") -> Fraction:
    """A percentage (``33.5%``, ``33,5 %``) or a fraction (``1/3``), exactly."""
    value = str(text).strip()
    where = f" for {area}" if area else ""
    if match := _PERCENT.match(value):
        return Fraction(Decimal(match.group(1).replace(",", "."))) / 100
    if match := _FRACTION.match(value):
        if int(match.group(2)) == 0:
            raise PrinciplesError(f"Andelen{where} «{text}» deler med nul.")
        return Fraction(int(match.group(1)), int(match.group(2)))
    raise PrinciplesError(
        f"Andelen{where} «{text}» kan ikke læses: skriv en procent (33,5%) eller en brøk (1/3)."
    )


def shares_of(pairs: Iterable[tuple[str, str]]) -> tuple[Share, ...]:
    """Shares from ``(area, text)`` pairs, checked: at least one area, no area twice, none
    negative, and together exactly 100 % — otherwise refused in Danish."""
    found: list[Share] = []
    for area, text in pairs:
        code = area.strip()
        if not code:
            raise PrinciplesError(
                f"En andel ({text}) mangler sit sektorområde: skriv OMRÅDE=ANDEL."
            )
        if any(s.sector_area == code for s in found):
            raise PrinciplesError(f"Sektorområdet {code} har fået en andel to gange.")
        found.append(Share(code, parse_share(text, code), str(text).strip()))
    if not found:
        raise PrinciplesError("Angiv mindst ét sektorområde med en andel (OMRÅDE=ANDEL).")
    total = sum((s.share for s in found), Fraction(0))
    if total != HUNDRED:
        shown = Share("", total, "").percent
        raise PrinciplesError(
            f"Andelene summer til {_danish_number(shown)} %, ikke 100 %: en fordelingsnøgle "
            "skal fordele hele beløbet.",
            hint="Ret andelene, så de tilsammen giver præcis 100 % (fx 1/3, 1/3 og 1/3).",
        )
    return tuple(found)


def _danish_number(value: Decimal) -> str:
    return format(value, "f").replace(".", ",")


def integer_weights(shares: Sequence[Share]) -> list[int]:
    """The shares as whole numbers in the same proportion (over their common denominator), as
    the engine's largest-remainder split takes them."""
    common = lcm(*(s.share.denominator for s in shares))
    return [int(s.share * common) for s in shares]


@dataclass(frozen=True)
class Part:
    sector_area: str
    share: Share
    amount: Decimal


def split(amount: Decimal, shares: Sequence[Share]) -> tuple[Part, ...]:
    """``amount`` split by ``shares``, exact to the øre (largest remainder, ties to the area
    listed first; a negative amount keeps its sign)."""
    parts = split_largest_remainder(to_ore(amount), integer_weights(shares))
    return tuple(Part(s.sector_area, s, from_ore(p)) for s, p in zip(shares, parts, strict=True))


# --- a grant's money --------------------------------------------------------------------------


def monthly_amounts(start: date, end: date, monthly: Decimal) -> list[tuple[Month, Decimal]]:
    """The grant's cost per month from ``start`` to ``end`` (both included): the monthly amount,
    in a month covered only in part its share of the month's days, to the øre (half to even)."""
    if end < start:
        raise PrinciplesError(
            f"Slutdatoen {end:%d-%m-%Y} ligger før startdatoen {start:%d-%m-%Y}.",
            hint="Ret perioden, så bevillingen slutter samme dag som eller efter den starter.",
        )
    rows = []
    for month in months_between(start, end):
        first, last = max(start, month.first_day), min(end, month.last_day)
        days = (last - first).days + 1
        share = monthly if days == month.days else monthly * days / month.days
        rows.append((month, share.quantize(TWO_PLACES, rounding=ROUND_HALF_EVEN)))
    return rows


@dataclass(frozen=True)
class GrantCost:
    """What the competence plan weighs: the cost over the whole period and in the dearest
    calendar year, for an intervention of a sector area."""

    total: Decimal
    per_year: Decimal
    intervention: str
    sector_area: str

    @classmethod
    def of(cls, months: Sequence[tuple[Month, Decimal]], intervention: str, area: str) -> GrantCost:
        years: dict[int, Decimal] = {}
        for month, amount in months:
            years[month.year] = years.get(month.year, Decimal(0)) + amount
        total = sum((a for _, a in months), Decimal(0))
        return cls(total, max(years.values(), default=Decimal(0)), intervention, area)


class GrantStatus(StrEnum):
    PROPOSED = "proposed"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    ENDED = "ended"


STATUS_LABELS = {
    GrantStatus.PROPOSED: "Indstillet",
    GrantStatus.APPROVED: "Bevilget",
    GrantStatus.REJECTED: "Afslået",
    GrantStatus.WITHDRAWN: "Trukket tilbage",
    GrantStatus.ENDED: "Afsluttet",
}
# What may follow each status: a decision is final, a change is a new grant.
NEXT: Mapping[GrantStatus, frozenset[GrantStatus]] = {
    GrantStatus.PROPOSED: frozenset(
        {GrantStatus.APPROVED, GrantStatus.REJECTED, GrantStatus.WITHDRAWN}
    ),
    GrantStatus.APPROVED: frozenset({GrantStatus.ENDED}),
    GrantStatus.REJECTED: frozenset(),
    GrantStatus.WITHDRAWN: frozenset(),
    GrantStatus.ENDED: frozenset(),
}
