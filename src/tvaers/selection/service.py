"""Use cases of target-group selection: evaluate a rule set over the whole municipality, then
give either statistics (suppressed, no identities) or the candidates (person-level, casework).

* :func:`evaluate` runs the draw attribution over the rule's look-back window once and
  materialises one row per unit (citizen or family) with its measures, leaf results, score and
  whether it is in the group. It gives nothing out by itself.
* **Statistical purpose** — :func:`summary` and :func:`compare` return aggregates only: group
  size, cost, composition, funnel and what-ifs, with cells of 1-4 units hidden and differences of
  1-4 between published figures not derivable. They never return a pseudonym or family code.
* **Casework purpose** — :func:`candidates` and :func:`candidate_detail` return identifiable
  rows (pseudonyms, family codes). The caller checks the purpose, the basis and the role first
  (:func:`tvaers.draw.model.person_level_refusal`) and logs every call
  (:func:`tvaers.draw.service.log_person_level`); see DOMAIN.md §3.7.

The rules are in ``docs/selection.md``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import ibis
import ibis.expr.types as ir
import pyarrow as pa
from ibis import _
from ibis.backends.duckdb import Backend

from tvaers.core.errors import ConfigError, NotFound
from tvaers.core.periods import danish_date
from tvaers.core.suppression import TOTAL, suppress_counts, suppress_groups
from tvaers.draw import queries_contacts as qc
from tvaers.draw import queries_summary as qs
from tvaers.draw.attribution import Attribution, attribute, data_span, materialise, resolve_period
from tvaers.draw.model import AREA_GROUPS, SMALL_CELL, TOTAL_AREA, Period, Unit
from tvaers.draw.queries import FAR_FUTURE
from tvaers.draw.service import DrawConfig, load_config, session
from tvaers.selection import queries as q
from tvaers.selection.model import (
    BENEFIT_GROUPS,
    KNOWN_BENEFIT_TYPES,
    MEASURE_LABELS,
    BenefitCondition,
    InterventionCondition,
    Leaf,
    RuleSet,
)

__all__ = [
    "AGE_GROUPS",
    "LABELS",
    "SCORE_BAND_WIDTH",
    "CandidateDetail",
    "Comparison",
    "Evaluation",
    "Summary",
    "candidate_detail",
    "candidates",
    "compare",
    "evaluate",
    "listed_citizens",
    "load_config",
    "session",
    "summary",
]

SCORE_BAND_WIDTH = 5  # points per band in the score composition
SCORE_BANDS = 6  # the last band is open upwards
AGE_GROUPS: tuple[tuple[int, str], ...] = (
    (0, "0-17"), (18, "18-24"), (25, "25-29"), (30, "30-39"), (40, "40-49"), (50, "50-59"),
    (60, "60+"),
)  # fmt: skip
UNKNOWN_AGE = "ukendt"
SMALL_DIFFERENCE = "Skjult: afviger med færre end 5 fra et andet vist tal"
SMALL_GROUP = "Skjult: færre end 5 i målgruppen"

# Danish headings for the outputs (Excel and the UI); keys are the output column names.
LABELS: dict[str, str] = {
    "rank": "placering",
    "citizen": "borger",
    "family": "familie",
    "members": "familiemedlemmer",
    "citizens": "borgere",
    "units": "antal",
    "score": "kompleksitetsscore",
    **{f"points_{m.value}": f"point: {label}" for m, label in MEASURE_LABELS.items()},
    **{m.value: label for m, label in MEASURE_LABELS.items()},
    "cost": "ressourcetræk i perioden",
    "benefits": "ydelser på skæringsdatoen",
    "areas": "sektorområder",
    "sector_area": "sektorområde",
    "name": "navn",
    "step": "trin",
    "label": "betegnelse",
    "path": "betingelse",
    "part": "del",
    "difference": "forskel",
    "group": "gruppe",
    "note": "bemærkning",
    "base": "grundregel",
    "variant": "variant",
    "registered": "CPR-registreret",
    "attributed": "individfordelt",
    "total": "i alt",
    "intervention": "indsats",
    "start_date": "start",
    "end_date": "slut",
    "benefit": "ydelse",
    "start": "fra",
    "end": "til",
    "days": "dage",
    "age": "alder",
    "met": "opfyldt",
}


# --- evaluation -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Evaluation:
    """A rule set evaluated on a reference date: ``units`` is a DuckDB temporary table with one
    row per unit of the municipality (see :func:`tvaers.selection.queries.unit_table`). It is
    person-level data: only :func:`summary` and :func:`compare` (aggregates) and
    :func:`candidates` / :func:`candidate_detail` (casework) read it."""

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
    inputs = q.Inputs(
        persons=persons,
        spans=spans,
        spells=spells,
        lines=attribution.lines,
        citizens=t("citizens"),
        activities=t("activities"),
        interventions=t("interventions"),
        overlaps=config.overlaps,
    )
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
    expr = q.unit_table(
        measures, inputs, rule.unit, leaves, rule.include, rule.exclude, rule.score, as_of
    )
    units = materialise(backend, "selection_units", expr)
    return Evaluation(
        backend=backend,
        rule=rule,
        as_of=as_of,
        window=window,
        config=config,
        attribution=attribution,
        units=units,
        measures=measures,
        persons=persons,
        spans=spans,
        spells=spells,
        leaf_columns={leaf.path: q.leaf_column(i) for i, leaf in enumerate(leaves)},
        warnings=tuple(_warnings(backend, rule, leaves, window)),
    )


def _warnings(
    backend: Backend, rule: RuleSet, leaves: Sequence[Leaf], window: Period
) -> Iterable[str]:
    """What may make the result other than meant: a look-back window the data cut short, and
    leaves that cannot find anybody in these data (an unknown sector area or benefit type, or
    a selector that picks no intervention)."""
    months = len(window.months())
    if months < rule.lookback_months:
        yield (
            f"Data dækker kun {months} af de {rule.lookback_months} måneder, regelsættet ser "
            f"tilbage ({window.danish()}); udgift og kontakter er opgjort for dem."
        )
    named = backend.table("sector_areas").select("sector_area", "name").to_pyarrow().to_pylist()
    areas = {r["sector_area"]: r["name"] for r in named}
    benefits: set[str] | None = None
    interventions = backend.table("interventions")
    for leaf in leaves:  # a loop over the rule's few leaves
        area = getattr(leaf, "sector_area", None)
        if area and area not in areas:
            codes = ", ".join(f"{code} ({name})" for code, name in sorted(areas.items()))
            yield f"{leaf.path}: sektorområdet '{area}' findes ikke i data; skriv koden: {codes}."
        if isinstance(leaf, BenefitCondition):
            benefits = _benefit_types(backend) if benefits is None else benefits
            named_ok = benefits | KNOWN_BENEFIT_TYPES | BENEFIT_GROUPS.keys()
            unknown = [t for t in leaf.types if t not in named_ok]
            if unknown:
                yield (
                    f"{leaf.path}: ydelsen {', '.join(repr(t) for t in unknown)} findes ikke i "
                    f"data (kendte: {', '.join(sorted(benefits))})."
                )
        if isinstance(leaf, InterventionCondition) and leaf.selector is not None:
            found = interventions.filter(qc.matches(interventions, leaf.selector)).count()
            if not found.to_pyarrow().as_py():
                yield f"{leaf.path}: ingen indsatser i kataloget passer til '{leaf.selector}'."


def _benefit_types(backend: Backend) -> set[str]:
    """The benefit types in the loaded outcomes (status ``benefit:<type>``), lower case."""
    outcomes = backend.table("outcomes")
    kinds = outcomes.filter(outcomes.status.lower().startswith(q.BENEFIT_PREFIX)).select(
        kind=outcomes.status.lower().substr(len(q.BENEFIT_PREFIX))
    )
    return set(kinds.distinct().kind.to_pyarrow().to_pylist())


# --- statistics (no identities) ---------------------------------------------------------------


@dataclass(frozen=True)
class Summary:
    """Statistical summary of a target group: aggregates only, small cells hidden (``None``
    with a ``note``). Contains no pseudonym, family code or other identity."""

    rule: str
    label: str
    unit: Unit
    as_of: date
    window: Period
    population: int  # units evaluated (every citizen or family in the data)
    units: int | None  # the group's size, hidden when 1-4
    citizens: int | None  # citizens in the group's units
    cost: Decimal | None  # the group's draw in the window
    note: str | None
    cost_by_area: list[dict[str, Any]]  # sector_area, name, units, cost, note (+ total row)
    by_areas: list[dict[str, Any]]  # areas (0, 1, 2, 3, 4+), units, cost, note
    by_age: list[dict[str, Any]]  # age group, citizens, note
    by_benefit: list[dict[str, Any]]  # benefit on the reference date, units, note
    by_score: list[dict[str, Any]]  # score band, units, note (empty without weights)
    funnel: list[dict[str, Any]]  # step, label, units, citizens, cost, note
    what_if: list[dict[str, Any]]  # path, part, label, units, citizens, cost, difference, note
    warnings: tuple[str, ...] = ()


@dataclass
class _Figure:
    key: str
    units: int
    citizens: int
    cost: Decimal
    note: str | None = None
    published: bool = False


def _publish(figures: Sequence[_Figure]) -> None:
    """Decide, in order, which figures may be shown: a figure is hidden when it counts 1-4
    units or citizens, or differs by 1-4 units or citizens from a figure already shown (so that
    no small group follows from a difference)."""
    shown: list[_Figure] = []
    for figure in figures:  # a loop over the handful of figures (funnel, what-ifs)
        if 0 < figure.units < SMALL_CELL or 0 < figure.citizens < SMALL_CELL:
            figure.note = f"Skjult: færre end {SMALL_CELL}"
            continue
        if any(
            0 < abs(figure.units - other.units) < SMALL_CELL
            or 0 < abs(figure.citizens - other.citizens) < SMALL_CELL
            for other in shown
        ):
            figure.note = SMALL_DIFFERENCE
            continue
        figure.published = True
        shown.append(figure)


def _figure_row(figure: _Figure, **extra: Any) -> dict[str, Any]:
    shown = figure.published
    return {
        **extra,
        "units": figure.units if shown else None,
        "citizens": figure.citizens if shown else None,
        "cost": figure.cost if shown else None,
        "note": figure.note,
    }


def summary(evaluation: Evaluation) -> Summary:
    """The statistical view of the group: size (units and citizens), cost in the window in total
    and per sector area, composition (number of sector areas, age, benefit on the reference date,
    score band), the funnel (include, exclude, minimum score) and a what-if per criterion (the
    group if the criterion or the minimum score were dropped). No identities; cells of 1-4 are
    hidden, and so is every figure that differs from a shown one by 1-4."""
    rule = evaluation.rule
    population, figures, what_ifs = _figures(evaluation)
    group = figures["group"]
    _publish([group, *(f for k, f in figures.items() if k != "group")])
    if not group.published:
        group.note = SMALL_GROUP
    steps = (
        ("include", "opfylder betingelserne (include)"),
        ("exclude", "efter undtagelser (exclude)"),
        ("score", "efter mindste score"),
    )
    funnel = [_figure_row(figures[key], step=key, label=label) for key, label in steps]
    what_if = []
    for index, (path, part, label) in enumerate(what_ifs):
        figure = figures[f"what_if_{index}"]
        row = _figure_row(figure, path=path, part=part, label=label)
        row["difference"] = (
            figure.units - group.units if figure.published and group.published else None
        )
        what_if.append(row)
    composition_ok = group.published and group.units > 0
    return Summary(
        rule=rule.key,
        label=rule.label,
        unit=rule.unit,
        as_of=evaluation.as_of,
        window=evaluation.window,
        population=population,
        units=group.units if group.published else None,
        citizens=group.citizens if group.published else None,
        cost=group.cost if group.published else None,
        note=group.note,
        cost_by_area=_cost_by_area(evaluation, group) if composition_ok else [],
        by_areas=_by_areas(evaluation) if composition_ok else [],
        by_age=_by_age(evaluation) if composition_ok else [],
        by_benefit=_by_benefit(evaluation) if composition_ok else [],
        by_score=_by_score(evaluation) if composition_ok and rule.score.weights else [],
        funnel=funnel,
        what_if=what_if,
        warnings=evaluation.warnings,
    )


def what_if_paths(rule: RuleSet) -> list[tuple[str, str, str]]:
    """The criteria a what-if can drop: ``(path, part, label)`` for every leaf, and
    ``score.min`` when the rule has a minimum score."""
    found = []
    for leaf in rule.leaves():  # a loop over the few leaves
        part = "include" if leaf.path.startswith("include") else "exclude"
        found.append((leaf.path, part, leaf.describe()))
    if rule.score.min is not None:
        found.append(("score.min", "score", f"mindste score {rule.score.min}"))
    return found


def _figures(
    evaluation: Evaluation,
) -> tuple[int, dict[str, _Figure], list[tuple[str, str, str]]]:
    """Unsuppressed: the population, and units, citizens and cost of the group, of each funnel
    step (``include``, ``exclude``, ``score``) and of each what-if (``what_if_<i>``), all in one
    aggregate over the leaf columns (no leaf is evaluated again)."""
    rule, units = evaluation.rule, evaluation.units
    conditions: list[tuple[str, ir.BooleanValue]] = [
        ("group", units.in_group),
        ("include", units.include),
        ("exclude", units.include & ~units.exclude),
        ("score", units.in_group),
    ]
    what_ifs = what_if_paths(rule)
    for index, (path, _part, _label) in enumerate(what_ifs):
        variant = rule.without(path)
        test = q.variant_in_group(
            units, evaluation.leaves, variant.include, variant.exclude, variant.score.min
        )
        conditions.append((f"what_if_{index}", test))
    metrics: dict[str, ir.Scalar] = {"population": units.count()}
    for key, test in conditions:
        metrics[f"{key}__units"] = units.count(where=test)
        metrics[f"{key}__citizens"] = units.citizens.sum(where=test).fill_null(0)
        metrics[f"{key}__cost"] = units.cost.sum(where=test).fill_null(0)
    found = units.aggregate(**metrics).to_pyarrow().to_pylist()[0]  # ONE aggregate
    figures = {
        key: _Figure(
            key,
            int(found[f"{key}__units"]),
            int(found[f"{key}__citizens"]),
            Decimal(found[f"{key}__cost"]).quantize(Decimal("0.01")),
        )
        for key, _test in conditions
    }
    return int(found["population"]), figures, what_ifs


def _noun(unit: Unit) -> str:
    return "familier" if unit is Unit.FAMILY else "borgere"


def _group_rows(
    counts: dict[str, int],
    key: str,
    unit: str,
    costs: dict[str, Decimal] | None = None,
    count_name: str = "units",
) -> list[dict[str, Any]]:
    """A 1-D composition with its total, suppressed (primary and secondary)."""
    if not counts:
        return []
    table = suppress_groups(
        counts, {"cost": costs} if costs is not None else None, threshold=SMALL_CELL, unit=unit
    )
    rows = []
    for (label,), cell in table.cells.items():
        row: dict[str, Any] = {key: TOTAL_AREA if label == TOTAL else label, count_name: cell.count}
        if costs is not None:
            row["cost"] = cell.measures["cost"] if cell.measures else None
        row["note"] = cell.note
        rows.append(row)
    return rows


def _cost_by_area(evaluation: Evaluation, group: _Figure) -> list[dict[str, Any]]:
    """The group's draw in the window per sector area, with the units drawing on each area."""
    units = evaluation.units.filter(evaluation.units.in_group).select(g_unit="unit")
    keyed = qs.with_unit(evaluation.attribution.lines, evaluation.backend.table("citizens"),
                         evaluation.unit)  # fmt: skip
    mine = keyed.join(units, keyed.unit == units.g_unit)
    names = evaluation.backend.table("sector_areas").select(n_area="sector_area", name="name")
    sums = mine.group_by("sector_area").aggregate(
        units=mine.unit.nunique(), cost=mine.amount.sum().cast("decimal(18,2)")
    )
    named = sums.left_join(names, sums.sector_area == names.n_area)
    rows = (
        named.select(
            "sector_area", name=named.name.fill_null(named.sector_area), units="units", cost="cost"
        )
        .order_by(ibis.desc("cost"))
        .to_pyarrow()
        .to_pylist()
    )
    if not rows:
        return []
    table = suppress_groups(
        {r["sector_area"]: int(r["units"]) for r in rows},
        {"cost": {r["sector_area"]: Decimal(r["cost"]) for r in rows}},
        threshold=SMALL_CELL,
        unit=_noun(evaluation.unit),
    )
    by_area = {r["sector_area"]: r for r in rows}
    result = []
    for (area,), cell in table.cells.items():
        if area == TOTAL:
            # the total row: the group itself (the areas' unit counts overlap)
            result.append({"sector_area": TOTAL_AREA, "name": "I alt", "units": group.units,
                           "cost": cell.measures["cost"] if cell.measures else None,
                           "note": cell.note})  # fmt: skip
            continue
        result.append(
            {
                "sector_area": area,
                "name": by_area[area]["name"],
                "units": cell.count,
                "cost": cell.measures["cost"] if cell.measures else None,
                "note": cell.note,
            }
        )
    return result


def _by_areas(evaluation: Evaluation) -> list[dict[str, Any]]:
    units = evaluation.units.filter(evaluation.units.in_group)
    last = len(AREA_GROUPS) - 1
    label = ibis.cases(
        *((units.sector_areas == n, AREA_GROUPS[n]) for n in range(last)),
        else_=AREA_GROUPS[last],
    )
    rows = (
        units.group_by(group=label)
        .aggregate(units=_.count(), cost=_.cost.sum())
        .to_pyarrow()
        .to_pylist()
    )
    found = {r["group"]: r for r in rows}
    counts = {g: int(found[g]["units"]) if g in found else 0 for g in AREA_GROUPS}
    costs = {g: Decimal(found[g]["cost"]) if g in found else Decimal("0.00") for g in AREA_GROUPS}
    return _group_rows(counts, "areas", _noun(evaluation.unit), costs)


def _by_age(evaluation: Evaluation) -> list[dict[str, Any]]:
    """Citizens of the group (members of its families) by age on the reference date."""
    units = evaluation.units.filter(evaluation.units.in_group).select(g_unit="unit")
    persons = evaluation.persons
    key = q.unit_key(persons, evaluation.unit)
    mine = persons.join(units, key == units.g_unit)
    cases = [
        (mine.age < AGE_GROUPS[i + 1][0], AGE_GROUPS[i][1]) for i in range(len(AGE_GROUPS) - 1)
    ]
    label = ibis.cases((mine.age.isnull(), UNKNOWN_AGE), *cases, else_=AGE_GROUPS[-1][1])
    rows = mine.group_by(group=label).aggregate(citizens=_.count()).to_pyarrow().to_pylist()
    found = {r["group"]: int(r["citizens"]) for r in rows}
    labels = [g for _low, g in AGE_GROUPS] + ([UNKNOWN_AGE] if UNKNOWN_AGE in found else [])
    return _group_rows({g: found.get(g, 0) for g in labels}, "age", "borgere",
                       count_name="citizens")  # fmt: skip


def _by_benefit(evaluation: Evaluation) -> list[dict[str, Any]]:
    """Units by benefit type on the reference date (one type, several, none)."""
    units = evaluation.units.filter(evaluation.units.in_group)
    rows = (
        units.group_by("benefit_group")
        .aggregate(units=_.count())
        .order_by(ibis.desc("units"), "benefit_group")
        .to_pyarrow()
        .to_pylist()
    )
    counts = {r["benefit_group"]: int(r["units"]) for r in rows}
    return _group_rows(counts, "benefit", _noun(evaluation.unit))


def score_band(score: ir.NumericValue) -> ir.StringValue:
    """``0-5``, ``5-10``, … (from and including, to but not including); the last is open."""
    width = SCORE_BAND_WIDTH
    cases = [
        (score < width * (i + 1), f"{width * i}-{width * (i + 1)}") for i in range(SCORE_BANDS - 1)
    ]
    return ibis.cases(*cases, else_=f"{width * (SCORE_BANDS - 1)}+")


def score_band_labels() -> list[str]:
    width = SCORE_BAND_WIDTH
    return [f"{width * i}-{width * (i + 1)}" for i in range(SCORE_BANDS - 1)] + [
        f"{width * (SCORE_BANDS - 1)}+"
    ]


def _by_score(evaluation: Evaluation) -> list[dict[str, Any]]:
    units = evaluation.units.filter(evaluation.units.in_group)
    rows = (
        units.group_by(group=score_band(units.score))
        .aggregate(units=_.count())
        .to_pyarrow()
        .to_pylist()
    )
    found = {r["group"]: int(r["units"]) for r in rows}
    counts = {band: found.get(band, 0) for band in score_band_labels()}
    return _group_rows(counts, "score", _noun(evaluation.unit))


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


def compare(base: Evaluation, variant: Evaluation) -> Comparison:
    """Sizes and cost of a rule set and a user-edited variant of it on the same reference date
    and unit, and how the two groups overlap. Aggregates only; suppressed like :func:`summary`
    (a variant that differs from the base by 1-4 shows no figures)."""
    if base.backend is not variant.backend:
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
    a = base.units.select(a_unit="unit", a_in="in_group", citizens="citizens", a_cost="cost")
    b = variant.units.select(b_unit="unit", b_in="in_group", b_cost="cost")
    joined = a.join(b, a.a_unit == b.b_unit)
    found = (
        joined.aggregate(
            population=_.count(),
            both=_.count(where=_.a_in & _.b_in),
            only_base=_.count(where=_.a_in & ~_.b_in),
            only_variant=_.count(where=~_.a_in & _.b_in),
            neither=_.count(where=~_.a_in & ~_.b_in),
            base_citizens=_.citizens.sum(where=_.a_in).fill_null(0),
            variant_citizens=_.citizens.sum(where=_.b_in).fill_null(0),
            base_cost=_.a_cost.sum(where=_.a_in).fill_null(0),
            variant_cost=_.b_cost.sum(where=_.b_in).fill_null(0),
        )
        .to_pyarrow()
        .to_pylist()[0]
    )
    inside, outside = "i grundregel", "ikke i grundregel"
    v_in, v_out = "i variant", "ikke i variant"
    table = suppress_counts(
        {
            (inside, v_in): int(found["both"]),
            (inside, v_out): int(found["only_base"]),
            (outside, v_in): int(found["only_variant"]),
            (outside, v_out): int(found["neither"]),
        },
        threshold=SMALL_CELL,
        unit=_noun(base.unit),
    )
    money = Decimal("0.01")
    figures = [
        _Figure("base", table_count(found, "base"), int(found["base_citizens"]),
                Decimal(found["base_cost"]).quantize(money)),
        _Figure("variant", table_count(found, "variant"), int(found["variant_citizens"]),
                Decimal(found["variant_cost"]).quantize(money)),
    ]  # fmt: skip
    _publish(figures)
    first, second = figures
    # When a side is hidden, the whole 2 x 2 table is (its other margins and the population
    # would give the side back). When both are shown but the table hides a side's margin to
    # protect a cell, that side is hidden too, and with it the table.
    if first.published and second.published:
        for margin, figure in (((inside, TOTAL), first), ((TOTAL, v_in), second)):
            if not table.cell(*margin).published:
                figure.published, figure.note = False, table.cell(*margin).note
    whole = first.published and second.published
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
    both_shown = first.published and second.published
    difference = {
        "units": second.units - first.units if both_shown else None,
        "citizens": second.citizens - first.citizens if both_shown else None,
        "cost": second.cost - first.cost if both_shown else None,
        "note": None if both_shown else "Skjult: et af tallene er skjult",
    }
    return Comparison(
        unit=base.unit,
        as_of=base.as_of,
        base=_figure_row(first, rule=base.rule.key, label=base.rule.label),
        variant=_figure_row(second, rule=variant.rule.key, label=variant.rule.label),
        difference=difference,
        overlap=overlap,
        population=int(found["population"]),
    )


def table_count(found: dict[str, Any], side: str) -> int:
    if side == "base":
        return int(found["both"]) + int(found["only_base"])
    return int(found["both"]) + int(found["only_variant"])


# --- casework (person-level) ------------------------------------------------------------------


def candidates(evaluation: Evaluation) -> pa.Table:
    """Person-level, casework only: the units in the group ranked by score (highest first), then
    cost, then pseudonym; with the score and its components, the measures, the cost in the
    window, the benefit types on the reference date, the sector areas and the number of family
    members. The caller checks the purpose and basis and logs the access."""
    units = evaluation.units.filter(evaluation.units.in_group)
    points = [q.points_column(m) for m in evaluation.rule.score.weights]
    order = [ibis.desc("score"), ibis.desc("cost"), ibis.asc("unit")]
    ranked = units.mutate(rank=ibis.row_number().over(order_by=order) + 1)
    return (
        ranked.select(
            "rank",
            ranked.unit.name(evaluation.unit.value),
            "members",
            "score",
            *points,
            *q.MEASURES,
            "cost",
            "benefits",
            "areas",
        )
        .order_by("rank")
        .to_pyarrow()
    )


def listed_citizens(evaluation: Evaluation, subjects: Sequence[str]) -> list[str]:
    """The citizens behind listed candidates (themselves, or every member of a listed family),
    for the audit log: each of them had data shown."""
    if evaluation.unit is Unit.CITIZEN or not subjects:
        return list(subjects)
    people = evaluation.backend.table("citizens")
    listed = ibis.memtable({"l_family": list(subjects)})
    members = people.join(listed, people.family == listed.l_family).select("citizen")
    found: list[str] = members.distinct().order_by("citizen").citizen.to_pyarrow().to_pylist()
    return found


@dataclass(frozen=True)
class CandidateDetail:
    """Person-level, casework only: the data behind one candidate (citizen or family)."""

    unit: str
    unit_kind: Unit
    as_of: date
    window: Period
    in_group: bool
    include: bool
    exclude: bool
    score: Decimal
    score_min: Decimal | None
    criteria: list[dict[str, Any]]  # path, part, label, met
    score_breakdown: list[dict[str, Any]]  # measure, label, value, weight, points
    measures: dict[str, Any]  # every measure, cost, benefits, areas, members
    cost_by_area: list[dict[str, Any]]  # sector_area, name, registered, attributed, total
    activities: list[dict[str, Any]]  # citizen, intervention, name, sector_area, start, end
    benefits: list[dict[str, Any]]  # citizen, benefit, start, end, days
    members: list[dict[str, Any]]  # citizen, age


def candidate_detail(evaluation: Evaluation, unit: str) -> CandidateDetail:
    """Person-level, casework only: which criteria the unit meets, its score breakdown, its
    cost per sector area in the window, its activities in the window (up to the reference date)
    and its benefit spells there. The caller checks the purpose and basis and logs the access."""
    units = evaluation.units
    rows = units.filter(units.unit == unit).to_pyarrow().to_pylist()
    if not rows:
        noun = "familien" if evaluation.unit is Unit.FAMILY else "borgeren"
        raise NotFound(f"{noun.capitalize()} '{unit}' findes ikke i de indlæste data.")
    row = rows[0]
    criteria = [
        {
            "path": leaf.path,
            "part": "include" if leaf.path.startswith("include") else "exclude",
            "label": leaf.describe(),
            "met": bool(row[evaluation.leaf_columns[leaf.path]]),
        }
        for leaf in evaluation.leaves
    ]
    breakdown = [
        {
            "measure": m.value,
            "label": MEASURE_LABELS[m],
            "value": int(row[m.value]),
            "weight": weight,
            "points": row[q.points_column(m)],
        }
        for m, weight in evaluation.rule.score.weights.items()
    ]
    persons = evaluation.persons
    mine = persons.filter(q.unit_key(persons, evaluation.unit) == unit)
    members = mine.select("citizen", "age").order_by("citizen").to_pyarrow().to_pylist()
    citizens = [m["citizen"] for m in members]
    backend = evaluation.backend
    lines = evaluation.attribution.lines.filter(evaluation.attribution.lines.citizen.isin(citizens))
    sums = qs.method_sums(lines, ("sector_area",))
    names = backend.table("sector_areas").select(n_area="sector_area", name="name")
    named = sums.left_join(names, sums.sector_area == names.n_area)
    cost_by_area = (
        named.select(
            "sector_area",
            name=named.name.fill_null(named.sector_area),
            registered="registered",
            attributed="attributed",
            total="total",
        )
        .order_by(ibis.desc("total"))
        .to_pyarrow()
        .to_pylist()
    )
    acts = backend.table("activities")
    acts = acts.filter(
        acts.citizen.isin(citizens),
        acts.start_date <= evaluation.as_of,
        acts.end_date.fill_null(FAR_FUTURE) >= evaluation.window.first_day,
    )
    catalogue = backend.table("interventions").select(
        i_code="intervention", name="name", sector_area="sector_area"
    )
    acts = acts.left_join(catalogue, acts.intervention == catalogue.i_code)
    activities = (
        acts.select("citizen", "intervention", "name", "sector_area", "start_date", "end_date")
        .order_by("citizen", "start_date", "intervention")
        .to_pyarrow()
        .to_pylist()
    )
    spells = q.spells_touching(evaluation.spells, evaluation.window.first_day, evaluation.as_of)
    spells = spells.filter(spells.citizen.isin(citizens))
    benefits = (
        spells.select(
            "citizen", "benefit", "start", "end", days=q.spell_days(spells, evaluation.as_of)
        )
        .order_by("citizen", "start")
        .to_pyarrow()
        .to_pylist()
    )
    measures = {
        key: row[key]
        for key in (*q.MEASURES, "cost", "benefits", "areas", "members", "citizens",
                    "children", "adults")
    }  # fmt: skip
    return CandidateDetail(
        unit=unit,
        unit_kind=evaluation.unit,
        as_of=evaluation.as_of,
        window=evaluation.window,
        in_group=bool(row["in_group"]),
        include=bool(row["include"]),
        exclude=bool(row["exclude"]),
        score=row["score"],
        score_min=evaluation.rule.score.min,
        criteria=criteria,
        score_breakdown=breakdown,
        measures=measures,
        cost_by_area=cost_by_area,
        activities=activities,
        benefits=benefits,
        members=members,
    )
