"""Use cases of the resource draw: they open the analytics database, run the attribution once
and return plain results (Arrow tables for person-level rows, dicts for aggregates).

Person-level results (rows per citizen or family): the caller checks and records every run
through :mod:`tvaers.access` (web and CLI alike). Aggregates pass small-cell suppression here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pyarrow as pa

from tvaers.core.config import Settings
from tvaers.core.suppression import SMALL_CELL, TOTAL, hidden_note, suppress_counts, suppress_groups
from tvaers.core.units import TOTAL_AREA, Unit
from tvaers.draw import queries_summary as qs
from tvaers.draw.attribution import (
    Attribution,
    attribute,
    materialise,
)
from tvaers.draw.model import (
    AREA_GROUPS,
    TOP_SHARES,
    Concentration,
    Reason,
    lorenz_steps,
    top_count,
)
from tvaers.draw.service_contacts import contacts, contacts_per_unit
from tvaers.draw.session import Analysis, DrawConfig, load_config, opened

__all__ = [
    "Analysis",
    "Attribution",
    "DrawConfig",
    "KeyFigures",
    "attribute",
    "concentration",
    "contacts",
    "contacts_per_unit",
    "coverage",
    "draw_by_area",
    "draw_rows",
    "key_figures",
    "load_config",
    "opened",
]


# --- the draw ---------------------------------------------------------------------------------


def draw_rows(
    attribution: Attribution,
    unit: Unit,
    ordered: bool = True,
    only: Sequence[str] | None = None,
) -> pa.Table:
    """Person-level: one row per citizen (family) x sector area x month, ordered by unit, area
    and month unless ``ordered`` is false; ``only`` these citizens (families) when given, e.g.
    the one a web page shows. Casework only."""
    expr = qs.draw_rows(attribution.lines, attribution.table("citizens"), unit, ordered)
    if only is not None:
        expr = expr.filter(expr[unit.value].isin(list(only)))
    return expr.to_pyarrow()


def draw_by_area(attribution: Attribution) -> list[dict[str, Any]]:
    """Per sector area and month: citizens, registered, attributed, total; cells with fewer than
    five citizens are hidden (with their amounts), and so are the cells that would reveal them."""
    rows = qs.area_month_rows(attribution.lines).to_pyarrow().to_pylist()
    if not rows:
        return []
    measures = ("registered", "attributed", "total")
    table = suppress_counts(
        {(r["sector_area"], r["month"]): r["citizens"] for r in rows},
        measures={m: {(r["sector_area"], r["month"]): r[m] for r in rows} for m in measures},
        threshold=SMALL_CELL,
    )
    distinct = _distinct_citizens(attribution.lines)
    result = []
    for (area, month), cell in table.cells.items():
        row = {
            "sector_area": TOTAL_AREA if area == TOTAL else area,
            "month": TOTAL_AREA if month == TOTAL else month,
            "citizens": cell.count,
            **{m: cell.measures[m] if cell.measures else None for m in measures},
            "note": cell.note,
        }
        if month == TOTAL and cell.count is not None:
            # over the months: the distinct citizens, not a sum of monthly counts; 1-4 of them
            # hide the row's amounts too
            citizens = distinct[str(row["sector_area"])]
            if 0 < citizens < SMALL_CELL:
                row.update(dict.fromkeys(("citizens", *measures)), note=hidden_note())
            else:
                row["citizens"] = citizens
        result.append(row)
    return result


def _distinct_citizens(lines: Any) -> dict[str, int]:
    """Distinct citizens with money per sector area, and in all (key ``TOTAL_AREA``)."""
    per_area = (
        lines.group_by("sector_area")
        .aggregate(citizens=lines.citizen.nunique())
        .to_pyarrow()
        .to_pylist()
    )
    found = {r["sector_area"]: int(r["citizens"]) for r in per_area}
    found[TOTAL_AREA] = int(lines.citizen.nunique().to_pyarrow().as_py() or 0)
    return found


def coverage(attribution: Attribution) -> list[dict[str, Any]]:
    """Per sector area and in total: expenditure, registered, attributed (pooled, priced),
    unattributed with the reasons, and coverage = (registered + attributed) / expenditure."""
    rows = (
        qs.coverage(
            attribution.expenditure,
            attribution.lines,
            attribution.unattributed,
            attribution.table("sector_areas"),
        )
        .to_pyarrow()
        .to_pylist()
    )
    money = ("expenditure", "registered", "pooled", "priced", *(r.value for r in Reason))
    total: dict[str, Any] = {"sector_area": TOTAL_AREA, "name": "I alt"}
    for key in money:  # a loop over the handful of areas
        total[key] = sum((r[key] for r in rows), Decimal(0))
    result = []
    for row in [*rows, total]:
        attributed = row["pooled"] + row["priced"]
        unattributed = sum((row[r.value] for r in Reason), Decimal(0))
        covered = row["registered"] + attributed
        result.append(
            {
                "sector_area": row["sector_area"],
                "name": row["name"],
                "expenditure": row["expenditure"],
                "registered": row["registered"],
                "pooled": row["pooled"],
                "priced": row["priced"],
                "attributed": attributed,
                "unattributed": unattributed,
                "coverage": float(covered / row["expenditure"]) if row["expenditure"] else None,
                **{r.value: row[r.value] for r in Reason},
            }
        )
    return result


def coverage_all(attribution: Attribution) -> list[dict[str, Any]]:
    """:func:`coverage` with every amount and the number of citizens each area's person-related
    money rests on (the total: distinct citizens) — unsuppressed, for microdata users only."""
    citizens = _distinct_citizens(attribution.lines)
    return [
        {**row, "citizens": citizens.get(row["sector_area"], 0)} for row in coverage(attribution)
    ]


def coverage_published(attribution: Attribution) -> list[dict[str, Any]]:
    """:func:`coverage` for statistical display: each area carries the number of citizens its
    person-related money rests on, and an area with 1-4 such citizens (and, by secondary
    suppression, as many others as needed) shows no amounts at all, with a ``note`` why."""
    citizens = _distinct_citizens(attribution.lines)
    rows = coverage(attribution)
    areas = [r for r in rows if r["sector_area"] != TOTAL_AREA]
    money = [k for k, v in areas[0].items() if isinstance(v, Decimal)] if areas else []
    table = suppress_groups(
        {r["name"]: citizens.get(r["sector_area"], 0) for r in areas},
        {key: {r["name"]: r[key] for r in areas} for key in money},
    )
    # The total rests on the distinct citizens, not on the sum of the areas' counts (a citizen
    # with money in two areas is one citizen); 1-4 of them are not shown.
    distinct = citizens[TOTAL_AREA]
    published = []
    for row in rows:
        cell = table.cell(row["name"] if row["sector_area"] != TOTAL_AREA else TOTAL)
        shown = dict(row, citizens=cell.count, note=cell.note)
        if row["sector_area"] == TOTAL_AREA and cell.count is not None:
            shown["citizens"] = distinct if not 0 < distinct < SMALL_CELL else None
        if not cell.published:
            shown.update(dict.fromkeys([*money, "coverage"]))
        published.append(shown)
    return published


# --- concentration ----------------------------------------------------------------------------


def concentration(attribution: Attribution, unit: Unit = Unit.CITIZEN) -> Concentration:
    """Shares of the most expensive 1 %, 3 %, 10 %, the Gini coefficient, the Lorenz curve and
    the cost by number of sector areas, over every citizen (family) in the municipality - or
    every one of a solution's people."""
    totals = qs.unit_totals(attribution.lines, attribution.population(), unit)
    ranked = materialise(attribution.backend, f"ranked_{unit.value}", qs.ranked(totals))
    summary = qs.rank_summary(ranked).to_pyarrow().to_pylist()[0]
    units = int(summary["units"])
    grand = Decimal(summary["all"] or 0)
    counts = {p: top_count(units, p) for p in TOP_SHARES}
    steps = lorenz_steps(units)
    lorenz_ups = sorted({-(-units * k // steps) for k in range(1, steps + 1)}) if steps else []
    wanted = {units - n for n in counts.values() if units > n} | set(lorenz_ups)
    found = qs.cumulative_at(ranked, sorted(wanted)).to_pyarrow().to_pylist() if wanted else []
    below = {int(r["up"]): Decimal(r["cost"]) for r in found}

    def share(percent: int) -> float | None:
        n = counts[percent]
        if n < SMALL_CELL or not grand:
            return None
        return float((grand - below.get(units - n, Decimal(0))) / grand)

    curve: list[tuple[float, float]] = [(0.0, 0.0)]
    if grand:
        curve += [(up / units, float(below[up] / grand)) for up in lorenz_ups]
    gini = None
    if units >= SMALL_CELL and grand:
        # sum((2i - n - 1) x_i) / (n sum x) = (2 sum(i x_i) - (n + 1) sum x) / (n sum x)
        weighted = Decimal(summary["weighted"])
        gini = float((2 * weighted - (units + 1) * grand) / (units * grand))
    groups = {r["group"]: r for r in qs.area_groups(ranked).to_pyarrow().to_pylist()}
    table = suppress_groups(
        {g: groups[g]["units"] if g in groups else 0 for g in AREA_GROUPS},
        {"cost": {g: groups[g]["cost"] if g in groups else Decimal("0.00") for g in AREA_GROUPS}},
        threshold=SMALL_CELL,
        unit="familier" if unit is Unit.FAMILY else "borgere",
    )
    by_areas = []
    for (group,), cell in table.cells.items():
        cost = cell.measures["cost"] if cell.measures else None
        by_areas.append(
            {
                "areas": TOTAL_AREA if group == TOTAL else group,
                "units": cell.count,
                "cost": cost,
                "share": float(cost / grand) if cost is not None and grand else None,
                "note": cell.note,
            }
        )
    published = None if 0 < units < SMALL_CELL else units  # a small solution's people
    return Concentration(
        unit=unit,
        units=published,
        total=None if published is None else grand,
        top_1_share=share(1),
        top_3_share=share(3),
        top_10_share=share(10),
        gini=gini,
        lorenz=curve,
        by_areas=by_areas,
    )


# --- personal data and the demo ---------------------------------------------------------------


@dataclass(frozen=True)
class KeyFigures:
    year: int
    coverage: float | None
    top_1_share: float | None


def key_figures(settings: Settings, year: int | None = None) -> KeyFigures:
    """Coverage in total and the top 1 % share at citizen level (the demo prints them)."""
    with opened(settings) as analysis:
        chosen = year or analysis.span.latest_full_year
        attribution = analysis.draw(chosen)
        total = coverage(attribution)[-1]
        return KeyFigures(chosen, total["coverage"], concentration(attribution).top_1_share)
