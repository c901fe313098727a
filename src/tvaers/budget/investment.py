"""The investment case over several years (focus point 5, DOMAIN.md §3.5): extra cost now in
the areas that pay, expected gains later and elsewhere in the areas that gain — per sector area
and year, so every chief sees what they pay and what they get.

Pure rules, no I/O. The rules, in the order they are applied:

* **Success rate**: an assumed gain counts at its expected value × the success rate; costs are
  not scaled, and neither is a *measured* gain (:func:`with_measured`): the measured change per
  citizen is an average over everyone in the pilot, those it did not help included.
* **Gross and net of the state**: each line may carry the share the state refunds
  (``refund_share``). The refund is the line's amount × the share; *net* is the amount − the
  refund, so a saving on sickness benefit counts only at what the municipality's budget bears.
* **Discounting**: year ``t`` (1, 2, …) is worth 1 ÷ (1 + rate)^(t − 1) today: year 1 is today
  and not discounted.
* **Exact to the øre**: every product (gain × rate, amount × share, amount × factor) is computed
  exactly (fractions) and rounded half to even once, per input line for the success rate and the
  refund and per cell (sector area × year; its cost and its gain) for the discount. Every total —
  per area, per year, cumulative, the net present value — is the sum of the rounded cells, so
  the tables add up to the øre.
* **Payback year**: the first year whose discounted cumulative net is 0 or more (none within the
  horizon is said in words). **Return**: the net present value (NPV, the sum of the discounted
  nets) and the return ratio NPV ÷ the present value of the costs.
* **Sensitivity**: NPV and payback year at success rates 0 %, 10 %, …, 100 %, and the exact
  break-even success rate: the rate at which the unrounded NPV is 0, as a fraction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from fractions import Fraction
from typing import Literal

from tvaers.budget.model import ZERO, BudgetError
from tvaers.core.money import format_dkk, from_ore

Kind = Literal["cost", "gain"]
Basis = Literal["gross", "net"]
BASES: tuple[Basis, ...] = ("gross", "net")
SENSITIVITY_RATES = tuple(Fraction(p, 100) for p in range(0, 101, 10))
ASSUMED, MEASURED, MIXED = "assumed", "measured", "mixed"


class CaseError(BudgetError):
    """An investment case that cannot be read; ``field`` names where (``lines.2.gain``)."""

    def __init__(self, message: str, *, field: str = "", hint: str = "") -> None:
        super().__init__(message, hint=hint)
        self.field = field


@dataclass(frozen=True)
class CaseLine:
    """A cost (paid by ``sector_area`` in ``year``) or a gain (its expected value before the
    success rate; a measured gain is already an expected value)."""

    sector_area: str
    year: int  # 1 … the case's years
    kind: Kind
    amount: Decimal
    refund_share: Fraction = Fraction(0)
    measured: bool = False
    low: Decimal | None = None  # a measured gain's confidence interval
    high: Decimal | None = None


@dataclass(frozen=True)
class Case:
    name: str
    years: int
    discount_rate: Fraction
    success_rate: Fraction
    lines: tuple[CaseLine, ...]
    first_year: int | None = None  # the calendar year of year 1, when given
    citizens: int | None = None

    @property
    def areas(self) -> tuple[str, ...]:
        """The sector areas in the order they first appear."""
        return tuple(dict.fromkeys(line.sector_area for line in self.lines))

    def year_label(self, year: int) -> str:
        return f"År {year}" + (f" ({self.first_year + year - 1})" if self.first_year else "")


def round_ore(value: Fraction) -> Decimal:
    """An exact value rounded half to even to the øre."""
    return from_ore(round(value * 100))


def factor(rate: Fraction, year: int) -> Fraction:
    """Year ``year``'s discount factor: 1 ÷ (1 + rate)^(year − 1); year 1 is 1."""
    return 1 / (1 + rate) ** (year - 1)


# --- one basis at one success rate -------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """One sector area in one year: what it pays, what it gains, both discounted."""

    sector_area: str
    year: int
    cost: Decimal
    gain: Decimal
    discounted_cost: Decimal
    discounted_gain: Decimal
    source: str  # assumed | measured | mixed | "" (no gain)

    @property
    def net(self) -> Decimal:
        return self.gain - self.cost

    @property
    def discounted_net(self) -> Decimal:
        return self.discounted_gain - self.discounted_cost


@dataclass(frozen=True)
class Total:
    """A sum of cells: an area over all years, or a year over all areas (with the cumulative
    nets up to and including it)."""

    key: str | int  # the sector area, or the year
    cost: Decimal
    gain: Decimal
    discounted_cost: Decimal
    discounted_gain: Decimal
    cumulative: Decimal = ZERO
    discounted_cumulative: Decimal = ZERO

    @property
    def net(self) -> Decimal:
        return self.gain - self.cost

    @property
    def discounted_net(self) -> Decimal:
        return self.discounted_gain - self.discounted_cost


def _sum(key: str | int, cells: Iterable[Cell]) -> Total:
    chosen = list(cells)
    return Total(
        key,
        sum((c.cost for c in chosen), ZERO),
        sum((c.gain for c in chosen), ZERO),
        sum((c.discounted_cost for c in chosen), ZERO),
        sum((c.discounted_gain for c in chosen), ZERO),
    )


@dataclass(frozen=True)
class Outcome:
    """The case on one basis at one success rate."""

    basis: Basis
    success_rate: Fraction
    cells: tuple[Cell, ...]
    areas: tuple[Total, ...]
    years: tuple[Total, ...]

    @property
    def npv(self) -> Decimal:
        return sum((y.discounted_net for y in self.years), ZERO)

    @property
    def pv_costs(self) -> Decimal:
        return sum((y.discounted_cost for y in self.years), ZERO)

    @property
    def pv_gains(self) -> Decimal:
        return sum((y.discounted_gain for y in self.years), ZERO)

    @property
    def return_ratio(self) -> Fraction | None:
        """NPV ÷ the present value of the costs (None without costs)."""
        if not self.pv_costs:
            return None
        return Fraction(self.npv) / Fraction(self.pv_costs)

    @property
    def payback_year(self) -> int | None:
        """The first year whose discounted cumulative net is 0 or more."""
        return next((int(y.key) for y in self.years if y.discounted_cumulative >= 0), None)

    @property
    def nominal_payback_year(self) -> int | None:
        return next((int(y.key) for y in self.years if y.cumulative >= 0), None)

    @property
    def total(self) -> Total:
        return _sum("", self.cells)


def line_amount(line: CaseLine, basis: Basis, success_rate: Fraction) -> Decimal:
    """The line on ``basis``: an assumed gain × the success rate, rounded; net of the state,
    less its refund (the amount × the refund share, rounded)."""
    expected = line.amount
    if line.kind == "gain" and not line.measured:
        expected = round_ore(Fraction(line.amount) * success_rate)
    if basis == "gross" or not line.refund_share:
        return expected
    return expected - round_ore(Fraction(expected) * line.refund_share)


def outcome(case: Case, basis: Basis, success_rate: Fraction | None = None) -> Outcome:
    """Every cell, area and year of ``case`` on ``basis`` (at ``success_rate``, default the
    case's own)."""
    rate = case.success_rate if success_rate is None else success_rate
    sums: dict[tuple[str, int, Kind], Decimal] = {}
    sources: dict[tuple[str, int], set[str]] = {}
    for line in case.lines:
        key = (line.sector_area, line.year, line.kind)
        sums[key] = sums.get(key, ZERO) + line_amount(line, basis, rate)
        if line.kind == "gain":
            sources.setdefault(key[:2], set()).add(MEASURED if line.measured else ASSUMED)
    cells = []
    for area in case.areas:
        for year in range(1, case.years + 1):
            f = factor(case.discount_rate, year)
            cost, gain = sums.get((area, year, "cost"), ZERO), sums.get((area, year, "gain"), ZERO)
            found = sources.get((area, year), set())
            source = "" if not found else MIXED if len(found) > 1 else next(iter(found))
            cells.append(
                Cell(area, year, cost, gain, round_ore(Fraction(cost) * f),
                     round_ore(Fraction(gain) * f), source)
            )  # fmt: skip
    areas = tuple(_sum(a, (c for c in cells if c.sector_area == a)) for a in case.areas)
    years, cumulative, discounted = [], ZERO, ZERO
    for year in range(1, case.years + 1):
        total = _sum(year, (c for c in cells if c.year == year))
        cumulative += total.net
        discounted += total.discounted_net
        years.append(replace(total, cumulative=cumulative, discounted_cumulative=discounted))
    return Outcome(basis, rate, tuple(cells), areas, tuple(years))


# --- the sensitivity to the success rate -------------------------------------------------------


@dataclass(frozen=True)
class Point:
    success_rate: Fraction
    npv: Decimal
    payback_year: int | None


@dataclass(frozen=True)
class BasisResult:
    outcome: Outcome
    sensitivity: tuple[Point, ...]
    break_even: Fraction | None  # None: the success rate does not change the result

    @property
    def break_even_reachable(self) -> bool:
        """The break-even rate is a rate a case can have (0 %–100 %)."""
        return self.break_even is not None and 0 <= self.break_even <= 1


def break_even(case: Case, basis: Basis) -> Fraction | None:
    """The exact success rate at which the unrounded NPV is 0: (PV of the costs − PV of the
    measured gains) ÷ PV of the assumed gains at 100 %. None when no gain is assumed."""
    assumed = measured = costs = Fraction(0)
    for line in case.lines:
        value = Fraction(line.amount) * factor(case.discount_rate, line.year)
        if basis == "net":
            value *= 1 - line.refund_share
        if line.kind == "cost":
            costs += value
        elif line.measured:
            measured += value
        else:
            assumed += value
    if assumed == 0:
        return None
    return (costs - measured) / assumed


@dataclass(frozen=True)
class Evaluation:
    case: Case
    gross: BasisResult
    net: BasisResult

    def basis(self, basis: Basis) -> BasisResult:
        return self.gross if basis == "gross" else self.net


def evaluate(case: Case) -> Evaluation:
    """The case on both bases, with the sensitivity to the success rate."""
    found = {}
    for basis in BASES:
        points = tuple(
            Point(rate, o.npv, o.payback_year)
            for rate in SENSITIVITY_RATES
            for o in (outcome(case, basis, rate),)
        )
        found[basis] = BasisResult(outcome(case, basis), points, break_even(case, basis))
    return Evaluation(case, found["gross"], found["net"])


# --- assumptions replaced by measured effects --------------------------------------------------


@dataclass(frozen=True)
class MeasuredGain:
    """A pilot's measured effect in one sector area: the estimated annual change in cost per
    citizen (negative: a saving) and its confidence interval."""

    sector_area: str
    change_per_citizen: Decimal
    low: Decimal
    high: Decimal


def with_measured(case: Case, measured: Mapping[str, MeasuredGain]) -> Case:
    """``case`` with each assumed gain of an area that has a measured effect replaced by the
    measured gain: −(change per citizen) × the case's citizens, in each year the case expected a
    gain there (the timing stays an assumption), with the amount-weighted refund share of the
    lines it replaces. The interval's ends become the measured line's ``low`` and ``high``."""
    used = [a for a in case.areas if a in measured and _gains(case, a)]
    if not used:
        return case
    if not case.citizens:
        raise CaseError(
            "Casen angiver ikke antal borgere, så de målte effekter pr. borger kan ikke bruges.",
            field="citizens",
            hint="Angiv antal borgere (citizens) i casen.",
        )
    people = Fraction(case.citizens)
    lines: list[CaseLine] = []
    done: set[tuple[str, int]] = set()
    for line in case.lines:
        if line.kind == "cost" or line.sector_area not in used:
            lines.append(line)
            continue
        key = (line.sector_area, line.year)
        if key in done:
            continue
        done.add(key)
        effect = measured[line.sector_area]
        same = [x for x in _gains(case, line.sector_area) if x.year == line.year]
        weight = sum((Fraction(x.amount) for x in same), Fraction(0))
        share = (
            sum((Fraction(x.amount) * x.refund_share for x in same), Fraction(0)) / weight
            if weight
            else same[0].refund_share
        )
        lines.append(
            CaseLine(line.sector_area, line.year, "gain",
                     round_ore(-Fraction(effect.change_per_citizen) * people), share, True,
                     round_ore(-Fraction(effect.high) * people),
                     round_ore(-Fraction(effect.low) * people))
        )  # fmt: skip
    return replace(case, lines=tuple(lines))


def _gains(case: Case, area: str) -> list[CaseLine]:
    return [x for x in case.lines if x.kind == "gain" and x.sector_area == area]


# --- in words (Danish: the page and the command line say the same) ----------------------------


def percent_text(value: Fraction, decimals: int = 1) -> str:
    """``Fraction(2, 3)`` → ``66,7 %`` (rounded half to even)."""
    scaled = round(value * 100 * 10**decimals)
    text = f"{Decimal(scaled).scaleb(-decimals):f}".replace(".", ",")
    return f"{text} %"


def payback_text(case: Case, found: Outcome) -> str:
    year = found.payback_year
    last = found.years[-1]
    if year is None:
        return (
            f"Casen er ikke tjent hjem inden for {case.years} år: den tilbagediskonterede "
            f"akkumulerede nettogevinst er {format_dkk(last.discounted_cumulative)} efter "
            f"{case.year_label(case.years).lower()}."
        )
    reached = found.years[year - 1].discounted_cumulative
    return (
        f"Casen er tjent hjem i {case.year_label(year).lower()}: den tilbagediskonterede "
        f"akkumulerede nettogevinst når {format_dkk(reached)}"
    )


def return_text(found: Outcome) -> str:
    ratio = found.return_ratio
    said = (
        f"; afkastgraden (nutidsværdien ÷ udgifternes nutidsværdi på "
        f"{format_dkk(found.pv_costs)}) er {percent_text(ratio)}"
        if ratio is not None
        else "; casen har ingen udgifter, så der er ingen afkastgrad"
    )
    return f"Nettonutidsværdien er {format_dkk(found.npv)}{said}."


def break_even_text(result: BasisResult) -> str:
    rate = result.break_even
    if rate is None:
        return "Succesraten ændrer ikke resultatet: casen har ingen antagne gevinster."
    exact = f"{rate.numerator}/{rate.denominator}" if rate.denominator != 1 else str(rate)
    if rate <= 0:
        return "Casen er tjent hjem over perioden selv ved en succesrate på 0 %."
    if rate > 1:
        return (
            f"Selv ved en succesrate på 100 % er casen ikke tjent hjem over perioden: det ville "
            f"kræve {percent_text(rate, 2)} ({exact})."
        )
    return (
        f"Casen går i nul over perioden ved en succesrate på præcis {exact} "
        f"(≈ {percent_text(rate, 2)})."
    )
