"""The candidates of a target group (casework purpose): person-level, identifiable rows.

:func:`candidates` lists the units in the group ranked by score, :func:`candidate_detail` shows
the data behind one of them and :func:`listed_citizens` names the citizens a list shows (for
the audit log). They return pseudonyms and family codes: the caller checks the purpose, the
basis and the role first (:func:`tvaers.draw.model.person_level_refusal`) and logs every call
(:func:`tvaers.draw.service.log_person_level`); see DOMAIN.md §3.7 and ``docs/selection.md``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import ibis
import pyarrow as pa

from tvaers.core.errors import NotFound
from tvaers.core.periods import Period
from tvaers.core.units import Unit
from tvaers.draw import queries_summary as qs
from tvaers.draw.queries import FAR_FUTURE
from tvaers.selection.compile import points_column
from tvaers.selection.evaluation import Evaluation
from tvaers.selection.queries import MEASURES, spell_days, spells_touching, unit_key
from tvaers.selection.rules import MEASURE_LABELS


def candidates(evaluation: Evaluation) -> pa.Table:
    """Person-level, casework only: the units in the group ranked by score (highest first), then
    cost, then pseudonym; with the score and its components, the measures, the cost in the
    window, the benefit types on the reference date, the sector areas and the number of family
    members. The caller checks the purpose and basis and logs the access."""
    units = evaluation.units.filter(evaluation.units.in_group)
    points = [points_column(m) for m in evaluation.rule.score.weights]
    order = [ibis.desc("score"), ibis.desc("cost"), ibis.asc("unit")]
    ranked = units.mutate(rank=ibis.row_number().over(order_by=order) + 1)
    return (
        ranked.select(
            "rank",
            ranked.unit.name(evaluation.unit.value),
            "members",
            "score",
            *points,
            *MEASURES,
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
            "points": row[points_column(m)],
        }
        for m, weight in evaluation.rule.score.weights.items()
    ]
    persons = evaluation.persons
    mine = persons.filter(unit_key(persons, evaluation.unit) == unit)
    members = mine.select("citizen", "age").order_by("citizen").to_pyarrow().to_pylist()
    citizens = [m["citizen"] for m in members]
    cost_by_area = _cost_by_area(evaluation, citizens)
    activities = _activities(evaluation, citizens)
    benefits = _benefit_spells(evaluation, citizens)
    measures = {
        key: row[key]
        for key in (*MEASURES, "cost", "benefits", "areas", "members", "citizens",
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


def _cost_by_area(evaluation: Evaluation, citizens: list[str]) -> list[dict[str, Any]]:
    """The citizens' draw in the window per sector area (registered, attributed, total)."""
    lines = evaluation.attribution.lines.filter(evaluation.attribution.lines.citizen.isin(citizens))
    sums = qs.method_sums(lines, ("sector_area",))
    names = evaluation.backend.table("sector_areas").select(n_area="sector_area", name="name")
    named = sums.left_join(names, sums.sector_area == names.n_area)
    rows: list[dict[str, Any]] = (
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
    return rows


def _activities(evaluation: Evaluation, citizens: list[str]) -> list[dict[str, Any]]:
    """The citizens' activities in the window up to the reference date, with the intervention's
    name and sector area."""
    backend = evaluation.backend
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
    rows: list[dict[str, Any]] = (
        acts.select("citizen", "intervention", "name", "sector_area", "start_date", "end_date")
        .order_by("citizen", "start_date", "intervention")
        .to_pyarrow()
        .to_pylist()
    )
    return rows


def _benefit_spells(evaluation: Evaluation, citizens: list[str]) -> list[dict[str, Any]]:
    """The citizens' benefit spells touching the window, with their days up to the reference
    date."""
    spells = spells_touching(evaluation.spells, evaluation.window.first_day, evaluation.as_of)
    spells = spells.filter(spells.citizen.isin(citizens))
    rows: list[dict[str, Any]] = (
        spells.select(
            "citizen", "benefit", "start", "end", days=spell_days(spells, evaluation.as_of)
        )
        .order_by("citizen", "start")
        .to_pyarrow()
        .to_pylist()
    )
    return rows
