"""The rule builder's live count (statistical purpose): the size and cost of the group a form
describes, and the choices the form offers from the loaded data.

The count goes the way of every statistical figure of a target group: the rule is evaluated over
the whole municipality (:func:`tvaers.selection.evaluation.evaluate`), and the group's figure is
shown only when :func:`tvaers.selection.figures.publish_figures` allows it — hidden when it counts
1-4, or when its set of units differs by 1-4 from a set published before, by anybody
(:class:`tvaers.store.publications.Ledger`). Aggregates only; no identity.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from tvaers.core.config import Settings
from tvaers.core.errors import NoData
from tvaers.core.periods import Period
from tvaers.core.suppression import TOTAL, hidden_note
from tvaers.core.units import Unit
from tvaers.draw import service as draw_service
from tvaers.engine.sketches import sketches
from tvaers.selection.evaluation import Evaluation, Known, evaluate
from tvaers.selection.figures import Figure, publish_figures
from tvaers.selection.rules import RuleSet
from tvaers.selection.sentences import plain_warnings
from tvaers.selection.statistics import SMALL_GROUP
from tvaers.store.publications import Ledger, publishing


@dataclass(frozen=True)
class Size:
    """The group's size and cost on ``as_of``; ``units``, ``citizens`` and ``cost`` are ``None``
    when hidden (``note`` says why)."""

    unit: Unit
    as_of: date
    window: Period
    population: int
    units: int | None
    citizens: int | None
    cost: Decimal | None
    note: str | None
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Look:
    """What the builder shows from the data: the sector areas (code -> Danish name), the benefit
    types in the data, and the count (``None`` without a rule or without data)."""

    areas: dict[str, str] = field(default_factory=dict)
    benefits: tuple[str, ...] = ()
    size: Size | None = None
    no_data: bool = False


def size(evaluation: Evaluation, ledger: Ledger) -> Size:
    """The group's units, citizens and cost in one aggregate, shown only as
    :func:`~tvaers.selection.figures.publish_figures` allows."""
    rule, units = evaluation.rule, evaluation.units
    found = units.aggregate(
        population=units.count(),
        units=units.count(where=units.in_group),
        citizens=units.citizens.sum(where=units.in_group).fill_null(0),
        cost=units.cost.sum(where=units.in_group).fill_null(0),
    ).to_pyarrow().to_pylist()[0]  # fmt: skip
    sets = sketches(evaluation.backend, units, "unit",
                    {"group": units.in_group, TOTAL: units.unit.notnull()})  # fmt: skip
    ledger.population(rule.unit.value, sets[TOTAL])
    group = Figure("group", int(found["units"]), int(found["citizens"]),
                   Decimal(found["cost"]).quantize(Decimal("0.01")), sets["group"])  # fmt: skip
    publish_figures([group], ledger, rule.unit)
    if not group.published and group.note == hidden_note(""):
        group.note = SMALL_GROUP
    shown = group.published
    return Size(
        unit=rule.unit,
        as_of=evaluation.as_of,
        window=evaluation.window,
        population=int(found["population"]),
        units=group.units if shown else None,
        citizens=group.citizens if shown else None,
        cost=group.cost if shown else None,
        note=group.note,
    )


def look(
    settings: Settings,
    sessions: Callable[[], Session],
    user: str | None,
    rule: RuleSet | None,
) -> Look:
    """The builder's choices from the data and, for ``rule``, its live count (published through
    the ledger as the user's figure)."""
    try:
        with draw_service.opened(settings) as analysis:
            names = analysis.area_names
            benefits = tuple(sorted(Known(analysis.backend).benefits))
            if rule is None:
                return Look(names, benefits)
            evaluation = evaluate(analysis, rule)
            context = f"målgruppe {rule.key} (regelbyggeren)"
            found = publishing(sessions, context, user, lambda ledger: size(evaluation, ledger))
            warned = plain_warnings(evaluation.warnings, rule, names)
            return Look(names, benefits, replace(found, warnings=warned))
    except NoData:
        return Look(no_data=True)
