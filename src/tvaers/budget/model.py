"""Pure rules of focus point 5 (DOMAIN.md §3.5): the retrospective settlement (Albertslund), the
efficiency requirement's split on sector areas by a chosen rule, harvesting up front against as
realised, and the volume/price decomposition of a deviation from the budget assumptions.

No I/O: amounts are ``Decimal`` kroner exact to the øre; every split sums exactly to what was
split (largest remainder, :func:`tvaers.core.money.split_largest_remainder`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from enum import StrEnum
from fractions import Fraction

from tvaers.core.errors import ErrorCode, TvaersError
from tvaers.core.money import TWO_PLACES, from_ore, split_largest_remainder, to_ore
from tvaers.principles.model import SOLUTION_BUDGET, Share, integer_weights

ZERO = Decimal("0.00")


class BudgetError(TvaersError):
    """A budget, requirement, settlement, assumption or investment case that cannot be accepted
    (Danish message)."""

    code = ErrorCode.BUDGET_INVALID


def _ore(amount: Decimal, what: str) -> Decimal:
    """``amount`` checked to be whole øre."""
    if amount != amount.quantize(TWO_PLACES):
        raise BudgetError(f"{what} har mere end to decimaler: {amount}.", hint="Angiv beløb i øre.")
    return amount.quantize(TWO_PLACES)


class Basis(StrEnum):
    GROSS = "gross"
    NET = "net"


BASIS_LABELS = {Basis.GROSS: "Brutto", Basis.NET: "Netto af staten"}
BASIS_HINTS = {
    Basis.GROSS: "Udgiften, som den er bogført (dranst 1)",
    Basis.NET: "Udgiften fratrukket statsrefusion (dranst 2): det, kommunens budget bærer",
}


# --- the retrospective settlement (Albertslund) ------------------------------------------------


@dataclass(frozen=True)
class SettledArea:
    """One sector area: its cost under the old solution (baseline) and the new (actual); its
    budget is adjusted by ``change`` = actual − baseline at year end."""

    sector_area: str
    baseline: Decimal
    actual: Decimal

    @property
    def change(self) -> Decimal:
        return self.actual - self.baseline


@dataclass(frozen=True)
class Settlement:
    """The year-end settlement: each area's budget change, and the cross-cutting budget line
    that starts at −requirement and balances the account (0 when exactly met, negative when the
    areas saved less than the requirement)."""

    requirement: Decimal
    areas: tuple[SettledArea, ...]

    @property
    def total_change(self) -> Decimal:
        return sum((a.change for a in self.areas), ZERO)

    @property
    def cross_cutting_end(self) -> Decimal:
        return -self.requirement - self.total_change

    @property
    def requirement_met(self) -> bool:
        return self.cross_cutting_end >= 0

    @property
    def saved(self) -> Decimal:
        """What the areas saved together (positive: a saving)."""
        return -self.total_change

    @property
    def shortfall(self) -> Decimal:
        """How much of the requirement was not met (0 when met)."""
        return max(ZERO, -self.cross_cutting_end)


def settle(
    baseline: Mapping[str, Decimal], actual: Mapping[str, Decimal], requirement: Decimal
) -> Settlement:
    """Albertslund's settlement. Areas in either mapping take part (a missing amount is 0); the
    order is the baseline's, then areas only in the actual. ``requirement`` is the savings
    requirement as a positive amount (1.5 mio. kr. is ``1500000``)."""
    requirement = _ore(requirement, "Besparelseskravet")
    if requirement < 0:
        raise BudgetError(
            f"Besparelseskravet er negativt ({requirement}).",
            hint="Angiv kravet som et positivt beløb: det, løsningen skal spare.",
        )
    names = list(baseline) + [a for a in actual if a not in baseline]
    if not names:
        raise BudgetError("Der er ingen sektorområder at afregne.", hint="Angiv mindst ét område.")
    areas = tuple(
        SettledArea(
            name,
            _ore(baseline.get(name, ZERO), f"Baseline for {name}"),
            _ore(actual.get(name, ZERO), f"Faktisk for {name}"),
        )
        for name in names
    )
    return Settlement(requirement, areas)


# --- the efficiency requirement's split ---------------------------------------------------------


class SplitRule(StrEnum):
    """How an efficiency requirement is split on the sector areas (no common rule exists: the
    municipality chooses, and sees every rule's effect side by side)."""

    BASELINE = "baseline"  # by each area's share of the enrolled citizens' baseline
    EXPECTED_GAIN = "expected_gain"  # by each area's expected gain
    FIXED = "fixed"  # by fixed shares agreed in advance
    SOLUTION = "solution"  # entirely on the solution's own budget


SPLIT_RULE_LABELS = {
    SplitRule.BASELINE: "Efter andel af baseline",
    SplitRule.EXPECTED_GAIN: "Efter forventet gevinst",
    SplitRule.FIXED: "Faste andele",
    SplitRule.SOLUTION: "Helt på løsningen",
}


@dataclass(frozen=True)
class RequirementPart:
    sector_area: str  # SOLUTION_BUDGET for the solution's own budget
    weight: Fraction  # the area's share of the requirement
    amount: Decimal


def parse_rule(text: str) -> SplitRule:
    try:
        return SplitRule(text.strip())
    except ValueError:
        allowed = ", ".join(r.value for r in SplitRule)
        raise BudgetError(
            f"Fordelingsreglen «{text}» findes ikke.", hint=f"Vælg en af: {allowed}."
        ) from None


def _weighted(
    amount: Decimal, weights: Mapping[str, Decimal], what: str
) -> tuple[RequirementPart, ...]:
    usable = {area: w for area, w in weights.items()}
    if any(w < 0 for w in usable.values()):
        bad = ", ".join(a for a, w in usable.items() if w < 0)
        raise BudgetError(
            f"{what} er negativ for {bad}: et krav kan ikke fordeles efter en negativ vægt.",
            hint="Ret tallene, eller vælg en anden fordelingsregel.",
        )
    total = sum(usable.values(), Decimal(0))
    if not usable or total == 0:
        raise BudgetError(
            f"{what} er 0 for alle sektorområder: der er intet at fordele kravet efter.",
            hint="Vælg en anden fordelingsregel, fx faste andele eller helt på løsningen.",
        )
    parts = split_largest_remainder(to_ore(amount), list(usable.values()))
    return tuple(
        RequirementPart(area, Fraction(w) / Fraction(total), from_ore(p))
        for (area, w), p in zip(usable.items(), parts, strict=True)
    )


def split_requirement(
    amount: Decimal,
    rule: SplitRule,
    *,
    baseline: Mapping[str, Decimal] | None = None,
    expected_gain: Mapping[str, Decimal] | None = None,
    shares: Sequence[Share] | None = None,
) -> tuple[RequirementPart, ...]:
    """``amount`` (the requirement, positive) split on the areas by ``rule``, exact to the øre:
    the parts sum to ``amount``; ties in the remainder go to the area listed first."""
    amount = _ore(amount, "Effektiviseringskravet")
    if rule is SplitRule.SOLUTION:
        return (RequirementPart(SOLUTION_BUDGET, Fraction(1), amount),)
    if rule is SplitRule.BASELINE:
        if baseline is None:
            raise BudgetError(
                "Der er ingen baseline at fordele kravet efter.",
                hint="Indskriv borgere i løsningen, eller vælg en anden regel.",
            )
        return _weighted(amount, baseline, "Baseline")
    if rule is SplitRule.EXPECTED_GAIN:
        if not expected_gain:
            raise BudgetError(
                "Der er ikke angivet en forventet gevinst pr. sektorområde.",
                hint="Angiv den forventede gevinst for hvert område.",
            )
        return _weighted(amount, expected_gain, "Den forventede gevinst")
    if not shares:
        raise BudgetError(
            "Der er ikke angivet faste andele.",
            hint="Angiv en andel pr. sektorområde, der tilsammen giver 100 %.",
        )
    parts = split_largest_remainder(to_ore(amount), integer_weights(shares))
    return tuple(
        RequirementPart(s.sector_area, s.share, from_ore(p))
        for s, p in zip(shares, parts, strict=True)
    )


def compare_rules(
    amount: Decimal,
    *,
    baseline: Mapping[str, Decimal] | None = None,
    expected_gain: Mapping[str, Decimal] | None = None,
    shares: Sequence[Share] | None = None,
) -> dict[SplitRule, tuple[RequirementPart, ...] | BudgetError]:
    """Every rule's split of ``amount`` side by side; a rule that cannot be applied (no
    baseline, no expected gain, no shares) gives the reason instead."""
    found: dict[SplitRule, tuple[RequirementPart, ...] | BudgetError] = {}
    for rule in SplitRule:
        try:
            found[rule] = split_requirement(
                amount, rule, baseline=baseline, expected_gain=expected_gain, shares=shares
            )
        except BudgetError as exc:
            found[rule] = exc
    return found


# --- harvesting: up front or as realised ---------------------------------------------------------


class Harvest(StrEnum):
    UPFRONT = "upfront"  # the requirement leaves the areas' budgets when the budget is laid
    AS_REALISED = "as_realised"  # the budgets follow the settlement at year end


HARVEST_LABELS = {Harvest.UPFRONT: "Up front", Harvest.AS_REALISED: "Hen ad vejen"}


@dataclass(frozen=True)
class HarvestRow:
    """One area under both ways of harvesting.

    Up front the area's budget is cut by its part of the requirement when the budget is laid,
    and the area keeps (or covers) the difference from its actual cost: ``upfront_balance`` =
    baseline − part − actual. As realised the budget follows the actual cost at year end
    (``change``) and the area balances; the cross-cutting line carries the result."""

    sector_area: str
    upfront_adjustment: Decimal  # −part, at the start of the year
    upfront_balance: Decimal  # the area's result at year end, up front
    as_realised_adjustment: Decimal  # actual − baseline, at year end


@dataclass(frozen=True)
class HarvestComparison:
    rows: tuple[HarvestRow, ...]
    upfront_cross_cutting: Decimal  # the line's end, up front: what is not cut from an area
    as_realised_cross_cutting: Decimal  # Settlement.cross_cutting_end

    @property
    def upfront_areas_result(self) -> Decimal:
        return sum((r.upfront_balance for r in self.rows), ZERO)


def compare_harvest(settlement: Settlement, parts: Sequence[RequirementPart]) -> HarvestComparison:
    """Both ways side by side for the same year. The requirement's parts on areas outside the
    settlement (or on the solution itself) stay on the cross-cutting line up front.

    Together the two agree: Σ up-front balances + the up-front line = the as-realised line."""
    part_of = {p.sector_area: p.amount for p in parts}
    rows = tuple(
        HarvestRow(
            a.sector_area,
            -part_of.get(a.sector_area, ZERO),
            a.baseline - part_of.get(a.sector_area, ZERO) - a.actual,
            a.change,
        )
        for a in settlement.areas
    )
    settled = {a.sector_area for a in settlement.areas}
    kept = sum((p.amount for p in parts if p.sector_area not in settled), ZERO)
    return HarvestComparison(rows, -kept, settlement.cross_cutting_end)


# --- volume and price -------------------------------------------------------------------------


@dataclass(frozen=True)
class Variance:
    """A deviation from the budget assumption (planned full-year persons Qb × average price Pb)
    split into a volume effect (Qa − Qb) × Pb and a price effect (Pa − Pb) × Qa.

    Exact to the øre: planned and actual are each rounded half to even and the variance is
    actual − planned (positive = overspend), so planned + variance = actual as shown; the volume
    effect is rounded half to even and the price effect is the rest, so volume + price = variance
    always (the price effect within an øre and a half of its exact value, 0 off when the
    products are whole øre)."""

    planned_units: Decimal
    planned_price: Decimal
    actual_units: Decimal
    actual_price: Decimal
    planned: Decimal
    actual: Decimal
    variance: Decimal
    volume: Decimal
    price: Decimal


def _round(value: Decimal) -> Decimal:
    return value.quantize(TWO_PLACES, rounding=ROUND_HALF_EVEN)


def variance(
    planned_units: Decimal, planned_price: Decimal, actual_units: Decimal, actual_price: Decimal
) -> Variance:
    """The deviation of actual from planned, decomposed; units and prices may not be negative."""
    named = {
        "Planlagte helårspersoner": planned_units,
        "Planlagt gennemsnitspris": planned_price,
        "Faktiske helårspersoner": actual_units,
        "Faktisk gennemsnitspris": actual_price,
    }
    for what, value in named.items():
        if not value.is_finite() or value < 0:
            raise BudgetError(f"{what} skal være et tal på 0 eller derover (fik {value}).")
    with localcontext() as ctx:
        ctx.prec = 80  # exact for any amount the import admits
        planned = _round(planned_units * planned_price)
        actual = _round(actual_units * actual_price)
        total = actual - planned
        volume = _round((actual_units - planned_units) * planned_price)
        price = total - volume
    return Variance(
        planned_units,
        planned_price,
        actual_units,
        actual_price,
        planned,
        actual,
        total,
        volume,
        price,
    )
