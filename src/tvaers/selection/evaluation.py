"""A rule set evaluated over the whole municipality on a reference date.

:func:`evaluate` runs the draw attribution over the rule's look-back window once and materialises
one row per unit (citizen or family) with its measures, leaf results, score and whether it is in
the group — set-based Ibis throughout (:mod:`tvaers.selection.queries`,
:mod:`tvaers.selection.compile`). It gives nothing out by itself: :mod:`tvaers.selection.statistics`
reads it for aggregates (statistical purpose), :mod:`tvaers.selection.candidates` for the
candidates (casework purpose). The rules are in ``docs/selection.md``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cached_property, singledispatch

import ibis.expr.types as ir
from ibis.backends.duckdb import Backend

from tvaers.core.periods import Period
from tvaers.core.units import Unit
from tvaers.draw import queries_contacts as qc
from tvaers.draw.attribution import Attribution, attribute, data_span, materialise, resolve_period
from tvaers.draw.service import DrawConfig
from tvaers.selection import queries as q
from tvaers.selection.compile import leaf_column, unit_table
from tvaers.selection.rules import (
    BENEFIT_GROUPS,
    KNOWN_BENEFIT_TYPES,
    BenefitCondition,
    CostCondition,
    InterventionCondition,
    Leaf,
    RuleSet,
)


@dataclass(frozen=True)
class Evaluation:
    """A rule set evaluated on a reference date: ``units`` is a DuckDB temporary table with one
    row per unit of the municipality (see :func:`tvaers.selection.compile.unit_table`). It is
    person-level data: only :mod:`tvaers.selection.statistics` (aggregates) and
    :mod:`tvaers.selection.candidates` (casework) read it."""

    backend: Backend
    rule: RuleSet
    as_of: date
    window: Period
    config: DrawConfig
    attribution: Attribution
    units: ir.Table
    measures: ir.Table  # the rule-independent part of ``units`` (shared by ``reuse``)
    persons: ir.Table
    spans: ir.Table
    spells: ir.Table
    leaf_columns: dict[str, str]  # leaf path -> column of ``units``
    warnings: tuple[str, ...] = ()  # e.g. a sector area or selector that finds nothing

    @property
    def unit(self) -> Unit:
        return self.rule.unit

    @property
    def leaves(self) -> list[Leaf]:
        return self.rule.leaves()


def evaluate(
    backend: Backend,
    rule: RuleSet,
    as_of: date | None = None,
    config: DrawConfig | None = None,
    *,
    reuse: Evaluation | None = None,
) -> Evaluation:
    """Evaluate ``rule`` for every citizen (or family) on ``as_of`` (default: the last posting
    date). Runs the draw attribution over the look-back window once; set-based throughout.

    ``reuse``: an earlier evaluation on the same connection (another rule set, or a variant of
    this one): its draw is reused when the window and the attribution configuration are the
    same, its persons and benefit spells when the reference date is, its activity spans when
    both are, and its measures per unit when also the unit and the overlap rules are. Only the
    rule's own leaves, score and group are then computed."""
    config = config or DrawConfig()
    as_of = as_of or data_span(backend)[1]
    window = resolve_period(backend, None, q.lookback_window(as_of, rule.lookback_months))
    same = reuse if reuse is not None and reuse.backend is backend else None
    same_day = same if same is not None and same.as_of == as_of else None
    if same is not None and same.window == window and same.config.attribution == config.attribution:
        attribution = same.attribution
    else:
        attribution = attribute(backend, window, config.attribution)
    inputs = _inputs(backend, as_of, window, attribution, config, same_day)
    if (
        same_day is not None
        and same_day.window == window
        and same_day.unit is rule.unit
        and same_day.attribution is attribution
        and same_day.config.overlaps == config.overlaps
    ):
        measures = same_day.measures
    else:
        measures = materialise(
            backend, "selection_measures", q.measures_table(inputs, rule.unit, window, as_of)
        )
    leaves = rule.leaves()
    expr = unit_table(
        measures, inputs, rule.unit, leaves, rule.include, rule.exclude, rule.score, as_of
    )
    return Evaluation(
        backend=backend,
        rule=rule,
        as_of=as_of,
        window=window,
        config=config,
        attribution=attribution,
        units=materialise(backend, "selection_units", expr),
        measures=measures,
        persons=inputs.persons,
        spans=inputs.spans,
        spells=inputs.spells,
        leaf_columns={leaf.path: leaf_column(i) for i, leaf in enumerate(leaves)},
        warnings=tuple(_warnings(backend, rule, leaves, window)),
    )


def _inputs(
    backend: Backend,
    as_of: date,
    window: Period,
    attribution: Attribution,
    config: DrawConfig,
    same_day: Evaluation | None,
) -> q.Inputs:
    """The tables the rule is evaluated over: persons and benefit spells on ``as_of`` and the
    activity spans of the window, taken from ``same_day`` (an evaluation on the same date) when
    given, else materialised."""
    t = backend.table
    if same_day is not None:
        persons, spells = same_day.persons, same_day.spells
    else:
        persons = materialise(backend, "selection_people", q.people(t("citizens"), as_of))
        spells = materialise(backend, "selection_spells", q.benefit_spells(t("outcomes"), as_of))
    if same_day is not None and same_day.window == window:
        spans = same_day.spans
    else:
        spans = materialise(
            backend,
            "selection_spans",
            q.window_spans(t("activities"), t("interventions"), t("citizens"), window, as_of),
        )
    return q.Inputs(
        persons=persons,
        spans=spans,
        spells=spells,
        lines=attribution.lines,
        citizens=t("citizens"),
        activities=t("activities"),
        interventions=t("interventions"),
        overlaps=config.overlaps,
    )


# --- warnings ---------------------------------------------------------------------------------


def _warnings(
    backend: Backend, rule: RuleSet, leaves: Sequence[Leaf], window: Period
) -> Iterable[str]:
    """What may make the result other than meant: a look-back window the data cut short, and
    leaves that cannot find anybody in these data (:func:`leaf_warnings`)."""
    months = len(window.months())
    if months < rule.lookback_months:
        yield (
            f"Data dækker kun {months} af de {rule.lookback_months} måneder, regelsættet ser "
            f"tilbage ({window.danish()}); udgift og kontakter er opgjort for dem."
        )
    known = Known(backend)
    for leaf in leaves:  # a loop over the rule's few leaves
        yield from leaf_warnings(leaf, known)


class Known:
    """What the loaded data name (sector areas, benefit types, the catalogue), each looked up
    the first time a leaf needs it."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend

    @cached_property
    def areas(self) -> dict[str, str]:
        """Sector area code -> name."""
        named = self.backend.table("sector_areas").select("sector_area", "name")
        return {r["sector_area"]: r["name"] for r in named.to_pyarrow().to_pylist()}

    @cached_property
    def benefits(self) -> set[str]:
        """The benefit types in the loaded outcomes (status ``benefit:<type>``), lower case."""
        outcomes = self.backend.table("outcomes")
        status = outcomes.status.lower()
        kinds = outcomes.filter(status.startswith(q.BENEFIT_PREFIX)).select(
            kind=status.substr(len(q.BENEFIT_PREFIX))
        )
        return set(kinds.distinct().kind.to_pyarrow().to_pylist())

    def area_warning(self, leaf: Leaf, area: str | None) -> Iterator[str]:
        if area and area not in self.areas:
            codes = ", ".join(f"{code} ({name})" for code, name in sorted(self.areas.items()))
            yield f"{leaf.path}: sektorområdet '{area}' findes ikke i data; skriv koden: {codes}."


@singledispatch
def leaf_warnings(leaf: Leaf, known: Known) -> Iterator[str]:
    """Why a leaf may find nobody in these data (a sector area, benefit type or selector the
    data do not know); one implementation per leaf class that names one, none for the rest."""
    return iter(())


@leaf_warnings.register
def _cost_warnings(leaf: CostCondition, known: Known) -> Iterator[str]:
    yield from known.area_warning(leaf, leaf.sector_area)


@leaf_warnings.register
def _benefit_warnings(leaf: BenefitCondition, known: Known) -> Iterator[str]:
    named_ok = known.benefits | KNOWN_BENEFIT_TYPES | BENEFIT_GROUPS.keys()
    unknown = [t for t in leaf.types if t not in named_ok]
    if unknown:
        yield (
            f"{leaf.path}: ydelsen {', '.join(repr(t) for t in unknown)} findes ikke i "
            f"data (kendte: {', '.join(sorted(known.benefits))})."
        )


@leaf_warnings.register
def _intervention_warnings(leaf: InterventionCondition, known: Known) -> Iterator[str]:
    yield from known.area_warning(leaf, leaf.sector_area)
    if leaf.selector is not None:
        interventions = known.backend.table("interventions")
        found = interventions.filter(qc.matches(interventions, leaf.selector)).count()
        if not found.to_pyarrow().as_py():
            yield f"{leaf.path}: ingen indsatser i kataloget passer til '{leaf.selector}'."
