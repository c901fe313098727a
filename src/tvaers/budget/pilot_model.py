"""The pilot evaluation's pure statistics (issue 13; VIVE: test the model on a pilot before
budgets change): the difference in differences of the enrolled citizens against a matched
comparison group, its standard error and its 95 % confidence interval, from a handful of sums the
engine computes over all citizens at once (:mod:`tvaers.budget.pilot_queries`).

For each treated citizen ``i`` (and each matched comparison citizen ``j``, at the treated
citizen's enrolment date) ``d`` = annual cost after − annual cost before (per sector area and in
total). Each comparison row has a weight ``w``: in exact strata ``n_T,s / n_C,s`` (the treated of
its stratum shared over the comparison citizens of the stratum), with nearest neighbours the
number of treated citizens it is the nearest for (ties share: ``1/k`` each). Then

* ``effect`` = mean_T(d) − Σ w·d / W, with W = Σ w (= the matched treated);
* ``V_T`` = s²_T / n_T (the sample variance of the treated differences);
* ``V_C`` = Σ w²·(d − μ_C)² / W² · m / (m − 1) (m comparison rows: the variance of a weighted
  mean with fixed weights; conservative, the residuals are about the overall weighted mean);
* ``se`` = √(V_T + V_C), Welch–Satterthwaite degrees of freedom with Kish's effective size
  W² / Σ w² for the comparison, and the CI ``effect ± t(0.975, df) · se``.

Negative = a saving. Amounts are statistics, not money to split: computed in floating point and
shown in whole kroner.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from tvaers.core.periods import Period

CONFIDENCE = 0.95
Z_975 = 1.959963984540054  # the standard normal's 97.5 % quantile
MONTHS = 12  # the windows: 12 months before enrolment, 12 months from it


class Method(StrEnum):
    """How the comparison group is matched."""

    NEAREST = "nearest"  # within area combination x age band: the nearest baseline cost
    STRATA = "strata"  # exact strata of area combination x age band x baseline-cost band


METHOD_LABELS = {
    Method.NEAREST: "Nærmeste nabo (baseline-udgift)",
    Method.STRATA: "Eksakte strata",
}

# Age bands (lower bounds, years at the (pseudo-)enrolment) and baseline-cost bands (lower
# bounds, kroner a year; the first band is «no cost»).
AGE_BANDS = (0, 18, 25, 30, 40, 50, 60, 67)
COST_BANDS = (0, 1, 10_000, 25_000, 50_000, 100_000, 200_000, 400_000, 800_000)


def band_label(bounds: tuple[int, ...], index: int, unit: str = "") -> str:
    """``index``'s band as text: «25-29», «67+»."""
    low = bounds[index]
    if index + 1 == len(bounds):
        return f"{low:,}+{unit}".replace(",", ".")
    high = bounds[index + 1] - 1
    return f"{low:,}-{high:,}{unit}".replace(",", ".")


@dataclass(frozen=True)
class Moments:
    """One sector area's (or all areas') sums over the matched citizens' differences ``d``."""

    treated: int  # n_T: matched treated citizens
    treated_sum: float  # Σ d
    treated_squares: float  # Σ d²
    rows: int  # m: comparison rows (a citizen at two pseudo-enrolment dates: two rows)
    weight: float  # W = Σ w
    weighted_sum: float  # Σ w·d
    weight_squares: float  # Σ w²
    weighted2_sum: float  # Σ w²·d
    weighted2_squares: float  # Σ w²·d²


@dataclass(frozen=True)
class Estimate:
    """The difference in differences with its uncertainty (kroner a year per citizen)."""

    effect: float
    treated_change: float  # mean_T(d)
    comparison_change: float  # the weighted mean of the comparison's d
    standard_error: float | None  # None: too few citizens to estimate it
    degrees: float | None  # Welch-Satterthwaite degrees of freedom (inf: the normal)
    low: float | None
    high: float | None

    def covers(self, value: float) -> bool:
        return self.low is not None and self.high is not None and self.low <= value <= self.high


def t_quantile(degrees: float) -> float:
    """Student's t 97.5 % quantile for ``degrees`` (Abramowitz & Stegun 26.7.5; within 0.004
    of the exact value at 3 degrees, 0.001 from 4 up; the normal's when infinite)."""
    if math.isinf(degrees):
        return Z_975
    v, z = max(degrees, 1.0), Z_975
    terms = (
        (z**3 + z) / 4,
        (5 * z**5 + 16 * z**3 + 3 * z) / 96,
        (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / 384,
        (79 * z**9 + 776 * z**7 + 1482 * z**5 - 1920 * z**3 - 945 * z) / 92160,
    )
    return z + sum(term / v ** (k + 1) for k, term in enumerate(terms))


def estimate(m: Moments) -> Estimate | None:
    """The difference in differences of ``m`` (see the module's docstring); None without a
    matched treated citizen or comparison."""
    if m.treated < 1 or m.weight <= 0:
        return None
    mean_t = m.treated_sum / m.treated
    mean_c = m.weighted_sum / m.weight
    effect = mean_t - mean_c
    if m.treated < 2 or m.rows < 2:
        return Estimate(effect, mean_t, mean_c, None, None, None, None)
    var_t = max(m.treated_squares - m.treated * mean_t**2, 0.0) / (m.treated - 1)
    residual = m.weighted2_squares - 2 * mean_c * m.weighted2_sum + mean_c**2 * m.weight_squares
    v_t = var_t / m.treated
    v_c = max(residual, 0.0) / m.weight**2 * m.rows / (m.rows - 1)
    se = math.sqrt(v_t + v_c)
    effective = m.weight**2 / m.weight_squares if m.weight_squares > 0 else float(m.rows)
    denominator = v_t**2 / (m.treated - 1) + (v_c**2 / (effective - 1) if effective > 1 else 0.0)
    degrees = (v_t + v_c) ** 2 / denominator if denominator > 0 else math.inf
    half = t_quantile(degrees) * se
    return Estimate(effect, mean_t, mean_c, se, degrees, effect - half, effect + half)


def kroner(value: float | None) -> Decimal | None:
    """A statistic in whole kroner (half to even)."""
    if value is None or not math.isfinite(value):
        return None
    return Decimal(repr(value)).quantize(Decimal(1))


def standardised_difference(
    mean_t: float, var_t: float, mean_c: float, var_c: float
) -> float | None:
    """The balance measure: (mean_T − mean_C) / √((s²_T + s²_C) / 2); None when both vary
    not at all (and the means are equal: 0)."""
    spread = math.sqrt((var_t + var_c) / 2)
    if spread == 0:
        return 0.0 if mean_t == mean_c else None
    return (mean_t - mean_c) / spread


@dataclass(frozen=True)
class MeasuredEffect:
    """For the investment case: a sector area's measured annual change per citizen from the
    pilot (negative = a saving) with its 95 % confidence interval and how many it rests on."""

    sector_area: str
    effect: Decimal  # kroner a year per citizen
    low: Decimal | None
    high: Decimal | None
    treated: int
    matched: int  # comparison citizens
    method: Method
    basis: str  # gross or net of the state


# --- the published view (suppressed figures only; no citizen) ----------------------------------


@dataclass(frozen=True)
class AreaEstimate:
    """One sector area's (or the total's, ``TOTAL_AREA``) estimate, kroner a year per citizen;
    ``None`` where hidden (``note`` says why). ``treated``/``comparison``: the citizens with cost
    in the area in either window (the total: all matched)."""

    sector_area: str
    name: str
    treated: int | None
    comparison: int | None
    treated_change: Decimal | None  # the treated's mean change
    comparison_change: Decimal | None  # the matched comparison's weighted mean change
    effect: Decimal | None  # the difference in differences
    standard_error: Decimal | None
    low: Decimal | None
    high: Decimal | None
    note: str | None


@dataclass(frozen=True)
class BalanceRow:
    """A matching variable's mean (an area: the share with cost before) for the treated, the
    comparison before matching and the matched, with the standardised differences."""

    variable: str  # "baseline", "age" or "area"
    sector_area: str | None
    name: str
    treated: float | None
    pool: float | None
    before: float | None  # standardised difference before matching
    treated_matched: float | None
    matched: float | None
    after: float | None  # standardised difference after matching
    note: str | None


@dataclass(frozen=True)
class Evaluation:
    """A solution's pilot evaluation as published; ``treated`` is ``None`` when the whole
    evaluation is hidden or cannot be made (``note``)."""

    method: Method
    basis: str
    enrolled: int  # citizens enrolled (a family: each member)
    evaluable: int | None  # of them, with months of data before and after enrolment
    treated: int | None  # matched treated citizens
    comparison: int | None  # matched comparison citizens
    cohorts: Period | None  # the enrolment months evaluated
    note: str | None
    areas: tuple[AreaEstimate, ...]  # by area code, the total last
    balance: tuple[BalanceRow, ...]

    @property
    def shown(self) -> bool:
        return self.treated is not None and bool(self.areas)
