"""Exact money: kroner as ``Decimal`` with two places, øre as ``int``.

Every split of an amount (distribution keys, attribution, efficiency requirements) goes through
:func:`split_largest_remainder`, which always returns parts that add up to exactly what was split.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from fractions import Fraction

ORE_PER_KRONE = 100
TWO_PLACES = Decimal("0.01")


def kroner(value: str | int | Decimal) -> Decimal:
    """A kroner amount, exact to the øre. Floats are refused: they are not exact."""
    if isinstance(value, float):  # pragma: no cover - guarded by type checker too
        raise TypeError("Beløb må ikke være float; brug Decimal eller tekst")
    try:
        amount = Decimal(value)
    except InvalidOperation as exc:
        raise ValueError(f"Ikke et beløb: {value!r}") from exc
    try:
        exact = amount.quantize(TWO_PLACES)
    except InvalidOperation as exc:  # more digits than the context holds: no budget is that big
        raise ValueError(f"Beløbet {value!r} er for stort") from exc
    if amount != exact:
        raise ValueError(f"Beløbet {value!r} har mere end to decimaler (øre)")
    return exact


def to_ore(amount: Decimal) -> int:
    """Kroner to whole øre; refuses amounts finer than an øre."""
    ore = amount * ORE_PER_KRONE
    if ore != ore.to_integral_value():
        raise ValueError(f"Beløbet {amount} er ikke et helt antal øre")
    return int(ore)


def from_ore(ore: int) -> Decimal:
    """Whole øre to kroner."""
    return (Decimal(ore) / ORE_PER_KRONE).quantize(TWO_PLACES)


def round_to_ore(amount: Decimal) -> Decimal:
    """Round to the nearest øre, half to even (banker's rounding, as in the engine)."""
    return amount.quantize(TWO_PLACES, rounding=ROUND_HALF_EVEN)


def split_largest_remainder(total_ore: int, weights: Sequence[int | Decimal]) -> list[int]:
    """Split ``total_ore`` in proportion to ``weights`` so that the parts sum exactly to the total.

    Each part gets the floor of its exact share; the øre left over go one each to the parts with
    the largest remainders, ties broken by position (first wins). Works for negative totals by
    splitting the absolute value. Weights must be non-negative and not all zero.
    """
    if not weights:
        raise ValueError("Der skal være mindst én vægt at fordele efter")
    exact_weights = [Fraction(w) for w in weights]  # exact: Decimal division would round
    if any(w < 0 for w in exact_weights):
        raise ValueError("Vægte i en fordeling må ikke være negative")
    weight_sum = sum(exact_weights, Fraction(0))
    if weight_sum == 0:
        raise ValueError("Vægtene i en fordeling summer til 0; intet at fordele efter")
    sign = -1 if total_ore < 0 else 1
    magnitude = abs(total_ore)
    shares = [magnitude * w / weight_sum for w in exact_weights]
    floors = [int(share) for share in shares]  # shares are non-negative: int() floors
    leftover = magnitude - sum(floors)
    order = sorted(range(len(shares)), key=lambda i: (-(shares[i] - floors[i]), i))
    for i in order[:leftover]:
        floors[i] += 1
    return [sign * part for part in floors]


def format_dkk(amount: Decimal, *, unit: bool = True) -> str:
    """Danish display: ``1.234.567,89 kr.``."""
    text = f"{amount:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")
    return f"{text} kr." if unit else text
