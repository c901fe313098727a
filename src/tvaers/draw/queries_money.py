"""Exact money in Ibis expressions: øre, exact integer division, rounding half to even, and
the largest-remainder split.

Amounts are turned into whole øre (``int64``) where they are split or priced, and back to
``DECIMAL(18,2)`` at the end. Integer division is done without floating point error: for
``a >= 0, b > 0`` the remainder ``a % b`` is exact, ``a - a % b`` is a multiple of ``b``, and the
quotient of the two is an integer small enough (< 2^50) that rounding the engine's division
gives it exactly (see :func:`exact_quotient`).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import ibis
import ibis.expr.types as ir

MONEY = "decimal(18,2)"
WIDE = "decimal(38,0)"  # products of øre amounts and weights: no overflow before 10^38


def to_ore(amount: ir.NumericValue) -> ir.IntegerValue:
    """Kroner (two decimals) as whole øre."""
    return (amount * 100).cast("int64")


def from_ore(ore: ir.IntegerValue) -> ir.DecimalValue:
    """Whole øre as kroner, exactly (a multiplication, never a division)."""
    cent = ibis.literal(Decimal("0.01")).cast(MONEY)
    return (ore.cast(MONEY) * cent).cast(MONEY)


def exact_quotient(numerator: ir.NumericValue, denominator: ir.NumericValue) -> ir.IntegerValue:
    """``floor(numerator / denominator)`` for ``numerator >= 0, denominator > 0``, exactly."""
    remainder = numerator % denominator
    return ((numerator - remainder) / denominator).round().cast("int64")


def round_half_even(numerator: ir.IntegerValue, denominator: ir.IntegerValue) -> ir.IntegerValue:
    """``numerator / denominator`` rounded to an integer, half to even (as core.money).

    Pass columns, not formulas: each argument is used several times in the expression."""
    magnitude = numerator.abs()
    quotient = exact_quotient(magnitude, denominator)
    twice = (magnitude % denominator) * 2
    up = (twice > denominator) | ((twice == denominator) & (quotient % 2 == 1))
    return (quotient + up.cast("int64")) * numerator.sign().cast("int64")


# --- expenditure ------------------------------------------------------------------------------


def largest_remainder(
    parts: ir.Table,
    keys: Sequence[str],
    total: str,
    weight: str,
    order: Sequence[str],
) -> ir.Table:
    """Split each group's ``total`` (whole øre) over its rows in proportion to ``weight``.

    Every row gets the floor of its exact share; the øre left over go one each to the rows with
    the largest remainders, ties broken by ``order`` (the Python reference is
    ``core.money.split_largest_remainder``). A negative total is split by its magnitude. Weights
    must be non-negative with a positive sum per group. Adds the column ``part`` (øre).
    Products ``|total| x weight`` are ``DECIMAL(38,0)``: no overflow below 10^38.

    The group sums are window aggregates over ``keys``: one pass over the rows, no group-by
    joined back (which would compute ``parts`` again for each sum).
    """
    group = list(keys)
    magnitude = parts[total].abs().cast(WIDE)
    step = parts.mutate(
        _magnitude=magnitude,
        _share=magnitude * parts[weight].cast(WIDE),
        _weight_sum=parts[weight].cast(WIDE).sum().over(group_by=group),
    ).view()
    step = step.mutate(
        _floor=exact_quotient(step._share, step._weight_sum),
        _remainder=step._share % step._weight_sum,
    ).view()
    step = step.mutate(
        _given=step._floor.sum().over(group_by=group),
        _rank=ibis.row_number().over(
            group_by=group, order_by=[ibis.desc(step._remainder), *[step[c] for c in order]]
        ),
    ).view()
    unsigned = step._floor + (step._rank < step._magnitude - step._given).cast("int64")
    return step.mutate(part=unsigned * step[total].sign().cast("int64")).drop(
        "_magnitude", "_share", "_weight_sum", "_floor", "_remainder", "_given", "_rank"
    )
