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
from tvaers.draw.attribution import Attribution, materialise
from tvaers.draw.session import Analysis, DrawConfig
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

    analysis: Analysis
    rule: RuleSet
    as_of: date
    window: Period
    attribution: Attribution
    units: ir.Table
    persons: ir.Table
    spans: ir.Table
    spells: ir.Table
    leaf_columns: dict[str, str]  # leaf path -> column of ``units``
    warnings: tuple[str, ...] = ()  # e.g. a sector area or selector that finds nothing

    @property
    def backend(self) -> Backend:
        return self.analysis.backend

    @property
    def config(self) -> DrawConfig:
        return self.analysis.config

    @property
    def unit(self) -> Unit:
        return self.rule.unit

    @property
    def leaves(self) -> list[Leaf]:
        return self.rule.leaves()


def evaluate(analysis: Analysis, rule: RuleSet, as_of: date | None = None) -> Evaluation:
    """Evaluate ``rule`` for every citizen (or family) on ``as_of`` (default: the last posting
    date); set-based throughout.

    What does not depend on the rule's own conditions comes from the session, computed once per
    session: the draw attribution of the look-back window, the persons and benefit spells of the
    reference date, the activity spans of the window and the measures per unit. Evaluating a
    second rule set, or a variant of this one, computes only its leaves, score and group."""
    as_of = as_of or analysis.span.last
    window = analysis.period(None, q.lookback_window(as_of, rule.lookback_months))
    attribution = analysis.attribution(window)
    inputs = _inputs(analysis, as_of, window, attribution)
    overlaps = analysis.config.overlaps
    measures = analysis.materialised(
        "selection_measures",
        (rule.unit, window, as_of, overlaps),
        lambda: q.measures_table(inputs, rule.unit, window, as_of),
    )
    leaves = rule.leaves()
    expr = unit_table(
        measures, inputs, rule.unit, leaves, rule.include, rule.exclude, rule.score, as_of
    )
    return Evaluation(
        analysis=analysis,
        rule=rule,
        as_of=as_of,
        window=window,
        attribution=attribution,
        units=materialise(analysis.backend, "selection_units", expr),
        persons=inputs.persons,
        spans=inputs.spans,
        spells=inputs.spells,
        leaf_columns={leaf.path: leaf_column(i) for i, leaf in enumerate(leaves)},
        warnings=tuple(_warnings(analysis.backend, rule, leaves, window)),
    )


def _inputs(analysis: Analysis, as_of: date, window: Period, attribution: Attribution) -> q.Inputs:
    """The tables the rule is evaluated over: persons and benefit spells on ``as_of`` and the
    activity spans of the window, each materialised once per session."""
    t = analysis.table
    return q.Inputs(
        persons=analysis.materialised(
            "selection_people", as_of, lambda: q.people(t("citizens"), as_of)
        ),
        spans=analysis.materialised(
            "selection_spans",
            (window, as_of),
            lambda: q.window_spans(
                t("activities"), t("interventions"), t("citizens"), window, as_of
            ),
        ),
        spells=analysis.materialised(
            "selection_spells", as_of, lambda: q.benefit_spells(t("outcomes"), as_of)
        ),
        lines=attribution.lines,
        citizens=t("citizens"),
        activities=t("activities"),
        interventions=t("interventions"),
        overlaps=analysis.config.overlaps,
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
