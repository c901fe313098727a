"""Pure rules of focus point 6 (DOMAIN.md §3.6): the year-end forecast's four methods and the
back-test's error measure. No I/O; amounts are whole øre (``int``), exact.

As of a month end in year *Y* with *m* months elapsed (1-12), per intervention type (a sector
area and an intervention code):

* ``realised`` — spent 1 January to the end of month *m*;
* ``commitments`` — realised + the committed amounts of months *m*+1..12;
* ``run_rate`` — realised + (realised ÷ *m*) × (12 − *m*);
* ``seasonal`` — realised × (last year's full year ÷ last year's months 1..*m*), run-rate
  when last year's months 1..*m* are zero;
* ``last_year`` — realised + last year's amounts in months *m*+1..12.

A quotient is rounded to the øre half to even, once, on the forecast of the rest of the year
(run-rate: ``realised × (12 − m) / m``; seasonal: ``realised × last_full / last_same −
realised``), so ``year_end = realised + forecast_rest`` exactly. The engine computes the same
(:mod:`tvaers.followup.forecast_queries`); this module is its reference and the test's.

The back-test forecasts a past year as of each of its month ends 1-11 (as of December every
method gives the actual year) and measures the absolute percentage error against the actual
year end, ``|year_end − actual| / |actual|``; its mean over the month ends (MAPE) is the
method's error for the intervention type. A year whose actual year end is 0 has no percentage
error (``None``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

from tvaers.core.errors import ErrorCode, TvaersError
from tvaers.core.periods import Month


class ForecastError(TvaersError):
    """A forecast that cannot be made as asked (Danish message)."""

    code = ErrorCode.CONFIG_INVALID


class Method(StrEnum):
    COMMITMENTS = "commitments"
    RUN_RATE = "run_rate"
    SEASONAL = "seasonal"
    LAST_YEAR = "last_year"


METHODS = tuple(Method)
METHOD_LABELS = {
    Method.COMMITMENTS: "Disponeringer",
    Method.RUN_RATE: "Fremskrivning af forbruget",
    Method.SEASONAL: "Sæsonprofil",
    Method.LAST_YEAR: "Sidste års forløb",
}
METHOD_HINTS = {
    Method.COMMITMENTS: "Forbrugt til dato + de disponerede beløb i årets resterende måneder.",
    Method.RUN_RATE: "Forbrugt til dato + gennemsnittet pr. måned gange de resterende måneder.",
    Method.SEASONAL: "Forbrugt til dato gange sidste års helår ÷ sidste års samme måneder.",
    Method.LAST_YEAR: "Forbrugt til dato + sidste års beløb i de resterende måneder.",
}
DEFAULT_METHOD = Method.RUN_RATE
BACKTEST_MONTHS = tuple(range(1, 12))  # as of the end of January .. November


def method_of(text: str) -> Method:
    """The method named ``text`` (code or Danish label), or a Danish error listing them."""
    folded = text.strip().lower().replace("-", "_")
    for method in METHODS:
        if folded in (method.value, METHOD_LABELS[method].lower()):
            return method
    names = ", ".join(m.value for m in METHODS)
    raise ForecastError(f"«{text}» er ikke en prognosemetode.", hint=f"Vælg en af: {names}.")


def months_elapsed(as_of: date) -> int:
    """*m* for an as-of date, which must be a month's last day."""
    if as_of != Month.of(as_of).last_day:
        last = Month.of(as_of).last_day
        raise ForecastError(
            f"Opgørelsesdatoen {as_of.isoformat()} er ikke en månedsafslutning.",
            hint=f"Brug den sidste dag i måneden, fx {last.isoformat()}.",
        )
    return as_of.month


def round_half_even(numerator: int, denominator: int) -> int:
    """``numerator / denominator`` (``denominator > 0``) to an integer, half to even."""
    return round(Fraction(numerator, denominator))  # Fraction rounds half to even


@dataclass(frozen=True)
class History:
    """One intervention type's amounts (øre) by month: this year's (``current``, months 1..12,
    0 where none yet), last year's (``last``) and the commitments of this year's months
    (``committed``)."""

    current: Sequence[int]
    last: Sequence[int]
    committed: Sequence[int] = (0,) * 12


def forecast_rest(history: History, m: int, method: Method) -> int:
    """The forecast of months *m*+1..12 (øre) as of the end of month *m*."""
    realised = sum(history.current[:m])
    if method is Method.COMMITMENTS:
        return sum(history.committed[m:])
    if method is Method.LAST_YEAR:
        return sum(history.last[m:])
    last_same = sum(history.last[:m])
    if method is Method.SEASONAL and last_same != 0:
        last_full = sum(history.last)
        return round_half_even(realised * last_full, last_same) - realised
    return round_half_even(realised * (12 - m), m)


def year_end(history: History, m: int, method: Method) -> int:
    """Realised to the end of month *m* + the forecast of the rest (øre)."""
    return sum(history.current[:m]) + forecast_rest(history, m, method)


def percentage_error(forecast: int, actual: int) -> Fraction | None:
    """``|forecast − actual| / |actual|`` as an exact fraction (``None`` when ``actual`` is 0)."""
    if actual == 0:
        return None
    return Fraction(abs(forecast - actual), abs(actual))


def mape(history: History, method: Method) -> Fraction | None:
    """The mean absolute percentage error of ``method`` as of each month end 1-11 of a past
    year (``history.current`` complete), exact; ``None`` when the year's actual is 0."""
    actual = sum(history.current)
    errors = [percentage_error(year_end(history, m, method), actual) for m in BACKTEST_MONTHS]
    if actual == 0:
        return None
    return sum((e for e in errors if e is not None), Fraction(0)) / len(BACKTEST_MONTHS)


def percent(error: Fraction | None) -> Decimal | None:
    """An error as a percentage with two decimals (half to even), for pages and JSON."""
    if error is None:
        return None
    return (Decimal(round_half_even(error.numerator * 10000, error.denominator)) / 100).quantize(
        Decimal("0.01")
    )
