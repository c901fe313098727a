"""Contact points and overlaps: the use cases behind ``tvaers contacts`` (re-exported by
``tvaers.draw.service``). Person-level rows are for the casework purpose only; the aggregates
pass small-cell suppression."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import ibis
import ibis.expr.types as ir
import pyarrow as pa
from ibis import _

from tvaers.core.suppression import SMALL_CELL, TOTAL, suppress_groups
from tvaers.core.units import TOTAL_AREA, Unit
from tvaers.draw import queries as q
from tvaers.draw import queries_contacts as qc
from tvaers.draw.attribution import Attribution, materialise
from tvaers.draw.model import CONTACT_GROUPS, DEFAULT_OVERLAPS, OverlapRule
from tvaers.draw.queries_money import MONEY


def _spans(attribution: Attribution) -> ir.Table:
    """The period's activities, clipped, with citizen and family (a temporary table); for a
    solution's people only theirs, within their months of enrolment."""
    t = attribution.table
    expr = qc.spans(t("activities"), t("interventions"), t("citizens"), attribution.period)
    if attribution.members is not None:
        expr = qc.within_membership(expr, attribution.members)
    return materialise(attribution.backend, "spans", expr)


def _contact_tables(
    attribution: Attribution, spans: ir.Table, unit: Unit, rules: tuple[OverlapRule, ...]
) -> tuple[ir.Table, list[tuple[OverlapRule, ir.Table]]]:
    """Contact counts per unit, and per rule the overlap cost per unit with an overlap."""
    t = attribution.table
    active = qc.by_unit(spans, unit)
    counts = qc.contact_counts(active, attribution.lines, t("citizens"), unit)
    months = q.months_table(attribution.period)
    overlaps = []
    for rule in rules:  # a loop over the few configured rules
        pairs = qc.overlap_pairs(active, t("interventions"), rule)
        cost = qc.overlap_cost(
            pairs, months, attribution.lines, t("citizens"), t("interventions"), rule, unit
        )
        overlaps.append((rule, cost))
    return counts, overlaps


def contacts_per_unit(
    attribution: Attribution, unit: Unit, rules: tuple[OverlapRule, ...] = DEFAULT_OVERLAPS
) -> pa.Table:
    """Person-level: per citizen (family) the contact points and overlaps. Casework only."""
    counts, overlaps = _contact_tables(attribution, _spans(attribution), unit, rules)
    table = counts
    if overlaps:
        hits = ibis.union(
            *(cost.select(h_unit="unit", hit=ibis.literal(1), cost="cost") for _, cost in overlaps)
        )
        per_unit = hits.group_by("h_unit").aggregate(
            overlaps=hits.hit.sum(), overlap_cost=hits.cost.sum().cast(MONEY)
        )
        table = counts.left_join(per_unit, counts.unit == per_unit.h_unit).select(
            *counts.columns,
            overlaps=per_unit.overlaps.fill_null(0),
            overlap_cost=per_unit.overlap_cost.fill_null(0).cast(MONEY),
        )
    return table.rename({unit.value: "unit"}).order_by(unit.value).to_pyarrow()


def contacts(
    attribution: Attribution, rules: tuple[OverlapRule, ...] = DEFAULT_OVERLAPS
) -> dict[str, list[dict[str, Any]]]:
    """Aggregates: the distribution of contact points at citizen and family level, and per
    overlap rule the citizens and families concerned and the cost. Small cells are hidden."""
    spans = _spans(attribution)
    distribution: list[dict[str, Any]] = []
    found_overlaps: dict[Unit, dict[str, tuple[int, Decimal]]] = {}
    for unit in Unit:  # citizen and family
        counts, overlaps = _contact_tables(attribution, spans, unit, rules)
        found = qc.distributions(counts).to_pyarrow().to_pylist()
        noun = "familier" if unit is Unit.FAMILY else "borgere"
        for measure, groups in CONTACT_GROUPS.items():  # three measures
            units = {r["group"]: r["units"] for r in found if r["measure"] == measure}
            table = suppress_groups(
                {label: units.get(label, 0) for _, label in groups if label != "0"},
                threshold=SMALL_CELL,
                unit=noun,
            )
            for (group,), cell in table.cells.items():
                distribution.append(
                    {
                        "level": unit.value,
                        "measure": measure,
                        "group": TOTAL_AREA if group == TOTAL else group,
                        "units": cell.count,
                        "note": cell.note,
                    }
                )
        summaries = [
            cost.aggregate(rule=ibis.literal(rule.rule), units=_.count(), cost=_.cost.sum())
            for rule, cost in overlaps
        ]
        rows = ibis.union(*summaries).to_pyarrow().to_pylist() if summaries else []
        found_overlaps[unit] = {
            r["rule"]: (int(r["units"]), Decimal(r["cost"] or "0.00")) for r in rows
        }
    return {"distribution": distribution, "overlaps": _overlap_rows(rules, found_overlaps)}


def _overlap_rows(
    rules: tuple[OverlapRule, ...], found: dict[Unit, dict[str, tuple[int, Decimal]]]
) -> list[dict[str, Any]]:
    """Per rule: citizens, families and their cost; fewer than five (not zero) are hidden."""
    tables = {
        unit: suppress_groups(
            {r.rule: found[unit].get(r.rule, (0, Decimal("0.00")))[0] for r in rules},
            {"cost": {r.rule: found[unit].get(r.rule, (0, Decimal("0.00")))[1] for r in rules}},
            threshold=SMALL_CELL,
            unit="familier" if unit is Unit.FAMILY else "borgere",
            with_total=False,
        )
        for unit in Unit
    }
    result = []
    for rule in rules:  # a loop over the rules
        row: dict[str, Any] = {"rule": rule.rule, "label": rule.label}
        for unit, plural in ((Unit.CITIZEN, "citizens"), (Unit.FAMILY, "families")):
            cell = tables[unit].cell(rule.rule)
            row[plural] = cell.count
            row[f"{plural}_cost"] = cell.measures["cost"] if cell.measures else None
        row["note"] = next(
            (tables[u].cell(rule.rule).note for u in Unit if tables[u].cell(rule.rule).note),
            None,
        )
        result.append(row)
    return result
