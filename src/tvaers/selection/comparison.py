"""A rule set and a user-edited variant of it side by side (statistical purpose): sizes, cost and
how the two groups overlap — aggregates only, suppressed like :mod:`tvaers.selection.statistics`,
and the variant's sets checked against everything published before
(:mod:`tvaers.selection.figures`). The rules are in ``docs/selection.md`` and
``docs/undertrykkelse.md``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import ibis.expr.types as ir
from ibis import _
from sqlalchemy.orm import Session

from tvaers.core.errors import ConfigError
from tvaers.core.periods import danish_date
from tvaers.core.sketch import Sketch
from tvaers.core.suppression import SMALL_CELL, TOTAL, SuppressedTable, suppress_counts
from tvaers.core.units import Unit
from tvaers.engine.sketches import sketches
from tvaers.selection.evaluation import Evaluation
from tvaers.selection.figures import Figure, figure_row, noun, publish_figures
from tvaers.store.publications import Ledger, publishing

INSIDE, OUTSIDE = "i grundregel", "ikke i grundregel"
V_IN, V_OUT = "i variant", "ikke i variant"
CELLS = {(INSIDE, V_IN): "both", (INSIDE, V_OUT): "only_base", (OUTSIDE, V_IN): "only_variant",
         (OUTSIDE, V_OUT): "neither"}  # fmt: skip


@dataclass(frozen=True)
class Comparison:
    """A rule set and a variant of it side by side: aggregates only, suppressed."""

    unit: Unit
    as_of: date
    base: dict[str, Any]  # rule, label, units, citizens, cost, note
    variant: dict[str, Any]  # likewise
    difference: dict[str, Any]  # units, citizens, cost (variant - base), note
    overlap: list[dict[str, Any]]  # base (in/out) x variant (in/out), units; suppressed
    population: int = 0


def published_comparison(
    base: Evaluation, variant: Evaluation, sessions: Callable[[], Session], user: str | None
) -> Comparison:
    """:func:`compare`, with the sets it shows remembered in the operational store."""
    context = f"variant af målgruppe {base.rule.key}"
    return publishing(sessions, context, user, lambda ledger: compare(base, variant, ledger))


def compare(base: Evaluation, variant: Evaluation, ledger: Ledger) -> Comparison:
    """Sizes and cost of a rule set and a user-edited variant of it on the same reference date
    and unit, and how the two groups overlap. Aggregates only; suppressed like
    :func:`tvaers.selection.statistics.summary` (a variant that differs from the base by 1-4,
    or from any group published before by 1-4, shows no figures)."""
    _check_comparable(base, variant)
    found, sets = _overlap_counts(base, variant)
    kind = base.unit
    ledger.population(kind.value, sets["population"])
    money = Decimal("0.01")
    figures = [
        Figure("base", table_count(found, "base"), int(found["base_citizens"]),
               Decimal(found["base_cost"]).quantize(money), sets["base"]),
        Figure("variant", table_count(found, "variant"), int(found["variant_citizens"]),
               Decimal(found["variant_cost"]).quantize(money), sets["variant"]),
    ]  # fmt: skip
    publish_figures(figures, ledger, kind)
    table = suppress_counts(
        {cell: int(found[name]) for cell, name in CELLS.items()},
        threshold=SMALL_CELL,
        unit=noun(base.unit),
        earlier=[cell for cell, name in CELLS.items() if ledger.close(kind.value, sets[name])],
    )
    first, second = figures
    # When a side is hidden, the whole 2 x 2 table is (its other margins and the population
    # would give the side back). When both are shown but the table hides a side's margin to
    # protect a cell, that side is hidden too, and with it the table.
    if first.published and second.published:
        for margin, figure in (((INSIDE, TOTAL), first), ((TOTAL, V_IN), second)):
            if not table.cell(*margin).published:
                figure.published, figure.note = False, table.cell(*margin).note
    both_shown = first.published and second.published
    if both_shown:
        for cell, name in CELLS.items():
            if table.cell(*cell).published:
                ledger.publish(kind.value, sets[name])
    difference = {
        "units": second.units - first.units if both_shown else None,
        "citizens": second.citizens - first.citizens if both_shown else None,
        "cost": second.cost - first.cost if both_shown else None,
        "note": None if both_shown else "Skjult: et af tallene er skjult",
    }
    return Comparison(
        unit=base.unit,
        as_of=base.as_of,
        base=figure_row(first, rule=base.rule.key, label=base.rule.label),
        variant=figure_row(second, rule=variant.rule.key, label=variant.rule.label),
        difference=difference,
        overlap=_overlap_rows(table, whole=both_shown),
        population=int(found["population"]),
    )


def _check_comparable(base: Evaluation, variant: Evaluation) -> None:
    """Refuse two evaluations that cannot be compared: other data, unit or reference date."""
    if base.analysis is not variant.analysis:
        raise ConfigError("Regelsættene skal være evalueret på de samme data for at sammenlignes.")
    if base.unit is not variant.unit:
        nouns = {Unit.CITIZEN: "borgere", Unit.FAMILY: "familier"}
        raise ConfigError(
            f"Varianten tæller {nouns[variant.unit]}, regelsættet {nouns[base.unit]}: de kan kun "
            "sammenlignes med samme enhed.",
            hint=f"Skriv unit: {base.unit.value} i varianten, eller gem den som et nyt regelsæt.",
        )
    if base.as_of != variant.as_of:
        raise ConfigError(
            "Regelsættene kan kun sammenlignes på samme skæringsdato "
            f"({danish_date(base.as_of)} / {danish_date(variant.as_of)}).",
        )


def _overlap_counts(
    base: Evaluation, variant: Evaluation
) -> tuple[dict[str, Any], dict[str, Sketch]]:
    """Unsuppressed, in one aggregate: the population, the units in both groups, in only one
    and in neither, and the citizens and cost of each group; and the sets of each (one more)."""
    a = base.units.select(a_unit="unit", a_in="in_group", citizens="citizens", a_cost="cost")
    b = variant.units.select(b_unit="unit", b_in="in_group", b_cost="cost")
    joined = a.join(b, a.a_unit == b.b_unit)
    tests: dict[str, ir.BooleanValue] = {
        "both": _.a_in & _.b_in,
        "only_base": _.a_in & ~_.b_in,
        "only_variant": ~_.a_in & _.b_in,
        "neither": ~_.a_in & ~_.b_in,
    }
    found: dict[str, Any] = (
        joined.aggregate(
            population=_.count(),
            **{name: _.count(where=test) for name, test in tests.items()},
            base_citizens=_.citizens.sum(where=_.a_in).fill_null(0),
            variant_citizens=_.citizens.sum(where=_.b_in).fill_null(0),
            base_cost=_.a_cost.sum(where=_.a_in).fill_null(0),
            variant_cost=_.b_cost.sum(where=_.b_in).fill_null(0),
        )
        .to_pyarrow()
        .to_pylist()[0]
    )
    conditions = {name: test.resolve(joined) for name, test in tests.items()}
    conditions.update(base=joined.a_in, variant=joined.b_in, population=joined.a_unit.notnull())
    return found, sketches(base.backend, joined, "a_unit", conditions)


def _overlap_rows(table: SuppressedTable, whole: bool) -> list[dict[str, Any]]:
    """The 2 x 2 overlap table; all of it hidden unless both sides are shown (``whole``)."""
    overlap = []
    for (row, column), cell in table.cells.items():
        shown = whole and cell.published
        overlap.append(
            {
                "base": row,
                "variant": column,
                "units": cell.count if shown else None,
                "note": cell.note if whole else "Skjult, fordi grundregel eller variant er skjult",
            }
        )
    return overlap


def table_count(found: dict[str, Any], side: str) -> int:
    if side == "base":
        return int(found["both"]) + int(found["only_base"])
    return int(found["both"]) + int(found["only_variant"])
