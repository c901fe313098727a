"""The baseline (nulpunktsmåling) use case: the cost of a group of citizens or families in the
12 months before each one's reference date, per sector area, and the archetype alternative.

Person-level rows are for the casework purpose only (the caller checks and logs); the group
figures and the archetypes pass small-cell suppression.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import ibis
import ibis.expr.types as ir
import pyarrow as pa
from ibis.backends.duckdb import Backend

from tvaers.core.errors import ConfigError
from tvaers.core.suppression import TOTAL, suppress_groups
from tvaers.draw import queries_baseline as qb
from tvaers.draw.attribution import Attribution, attribute, materialise, resolve_period
from tvaers.draw.model import (
    SMALL_CELL,
    TOTAL_AREA,
    ArchetypeKey,
    AttributionConfig,
    Member,
    Period,
    Unit,
    months_before,
)


@dataclass(frozen=True)
class Baseline:
    """The baseline of a group: per-member rows (casework only) and the suppressed figures."""

    unit: Unit
    members: int
    period: Period  # the attributed months
    reference_window: Period  # the window the archetypes' typical costs come from
    rows: pa.Table  # unit, reference_date, months, sector_area, registered, ..., total
    by_area: list[dict[str, Any]]  # sector_area, units, registered, attributed, total, per_unit
    archetypes: list[dict[str, Any]]  # archetype, units, share, population, typical, weighted
    comparison: list[dict[str, Any]]  # sector_area, baseline, archetype_estimate, difference


def members_table(members: Sequence[Member]) -> ir.Table:
    """The group as a table; the same unit twice keeps its earliest reference date."""
    if not members:
        raise ConfigError("Gruppen er tom: angiv mindst én borger eller familie.")
    table = ibis.memtable(
        {
            "unit": [m.unit for m in members],
            "reference_date": [m.reference_date for m in members],
        },
        schema={"unit": "string", "reference_date": "date"},
    )
    return table.group_by("unit").aggregate(reference_date=table.reference_date.min())


def as_families(backend: Backend, members: ir.Table) -> ir.Table:
    """Citizens as members to their families (each family's earliest reference date)."""
    citizens = backend.table("citizens").select(
        c_citizen="citizen", family=ibis._.family.fill_null(ibis._.citizen)
    )
    joined = members.join(citizens, members.unit == citizens.c_citizen)
    return joined.group_by(unit=joined.family).aggregate(reference_date=joined.reference_date.min())


def baseline(
    backend: Backend,
    members: Sequence[Member],
    unit: Unit = Unit.CITIZEN,
    config: AttributionConfig | None = None,
    key: ArchetypeKey = ArchetypeKey.AREAS,
    members_are_citizens: bool = True,
) -> Baseline:
    """Measure the group's baseline. ``members`` are citizens (pseudonyms) or, with
    ``members_are_citizens=False``, family codes; with ``unit`` FAMILY citizens are taken to
    their families."""
    group = members_table(members)
    if unit is Unit.FAMILY and members_are_citizens:
        group = as_families(backend, group)
    group = materialise(backend, "members", qb.windows(group))
    span = group.aggregate(first=group.w_first.min(), last=group.w_last.max(),
                           latest=group.reference_date.max(),
                           n=group.count()).to_pyarrow().to_pylist()[0]  # fmt: skip
    if not span["n"]:
        raise ConfigError("Ingen af de angivne borgere eller familier findes i de indlæste data.")
    reference = months_before(span["latest"])
    wanted = Period.between(min(span["first"], reference.first_day), span["last"])
    period = resolve_period(backend, None, wanted)
    attribution = attribute(backend, period, config)
    window = reference.clip(period.first_day, period.last_day) or period
    rows = qb.baseline_rows(
        attribution.lines, backend.table("citizens"), group, unit, period
    ).order_by("unit", "sector_area")
    rows_table = materialise(backend, "baseline_rows", rows)
    by_area = _by_area(rows_table, int(span["n"]), unit)
    archetypes, estimate = _archetypes(attribution, group, rows_table, unit, key, window)
    comparison = _comparison(by_area, estimate)
    return Baseline(
        unit=unit,
        members=int(span["n"]),
        period=period,
        reference_window=window,
        rows=rows_table.to_pyarrow(),
        by_area=by_area,
        archetypes=archetypes,
        comparison=comparison,
    )


def _by_area(rows: ir.Table, members: int, unit: Unit) -> list[dict[str, Any]]:
    sums = (
        rows.filter(rows.sector_area.notnull())
        .group_by("sector_area")
        .aggregate(
            units=rows.unit.nunique(),
            registered=rows.registered.sum(),
            attributed=rows.attributed.sum(),
            total=rows.total.sum(),
        )
        .order_by("sector_area")
        .to_pyarrow()
        .to_pylist()
    )
    measures = ("registered", "attributed", "total")
    table = suppress_groups(
        {r["sector_area"]: r["units"] for r in sums},
        {m: {r["sector_area"]: Decimal(r[m]) for r in sums} for m in measures},
        threshold=SMALL_CELL,
        unit="familier" if unit is Unit.FAMILY else "borgere",
    )
    result = []
    for (area,), cell in table.cells.items():
        values = cell.measures or {}
        total = values.get("total")
        hidden = members < SMALL_CELL
        result.append(
            {
                "sector_area": TOTAL_AREA if area == TOTAL else area,
                "units": None if hidden else cell.count,
                **{m: None if hidden else values.get(m) for m in measures},
                "per_member": None
                if hidden or total is None
                else (total / members).quantize(Decimal("0.01")),
                "note": "Skjult: færre end 5 i gruppen" if hidden else cell.note,
            }
        )
    return result


def _archetypes(
    attribution: Attribution,
    group: ir.Table,
    rows: ir.Table,
    unit: Unit,
    key: ArchetypeKey,
    window: Period,
) -> tuple[list[dict[str, Any]], dict[str, Decimal]]:
    """Archetypes of the group and the archetype estimate of its baseline per sector area."""
    backend = attribution.backend
    citizens = backend.table("citizens")
    everyone = qb.all_units(citizens, unit)
    costs = materialise(
        backend, "population_costs", qb.population_window(attribution.lines, citizens, unit,
                                                          window)
    )  # fmt: skip
    population_items = None
    member_items = None
    if key is ArchetypeKey.INTERVENTIONS:
        owners = everyone.mutate(
            p_first=ibis.literal(window.first_day), p_last=ibis.literal(window.last_day)
        )
        population_items = qb.activity_items(
            backend.table("activities"), citizens, unit, owners.p_first, owners.p_last, owners
        )
        member_items = qb.activity_items(
            backend.table("activities"),
            citizens,
            unit,
            group.w_first,
            (group.w_last + ibis.interval(months=1) - ibis.interval(days=1)).cast("date"),
            group,
        )
    pop_keys = qb.archetype_of(
        qb.unit_keys(costs.select("unit", "sector_area"), population_items), everyone
    )
    mapping = materialise(backend, "archetype_map", qb.archetype_map(pop_keys))
    scale = 12 / len(window.months())
    typical = materialise(backend, "typical", qb.typical_costs(costs, pop_keys, mapping, scale))
    drawn = rows.filter(rows.sector_area.notnull()).select("unit", "sector_area")
    member_keys = qb.archetype_of(qb.unit_keys(drawn, member_items), group.select("unit"))
    assigned = qb.member_archetypes(member_keys, mapping)
    counts = assigned.group_by("archetype").aggregate(units=assigned.count())
    sizes = typical.group_by(s_archetype="archetype").aggregate(
        population=typical.population.max(), annual=typical.typical.sum()
    )
    joined = counts.left_join(sizes, counts.archetype == sizes.s_archetype)
    found = joined.select(
        "archetype", "units", population=joined.population.fill_null(0),
        annual=joined.annual.fill_null(0.0),
    ).order_by(ibis.desc("units"), "archetype").to_pyarrow().to_pylist()  # fmt: skip
    per_area = assigned.join(typical, assigned.archetype == typical.archetype)
    estimate_rows = (
        per_area.filter(per_area.sector_area.notnull())
        .group_by("sector_area")
        .aggregate(estimate=per_area.typical.sum())
        .to_pyarrow()
        .to_pylist()
    )
    estimate = {r["sector_area"]: _money(r["estimate"]) for r in estimate_rows}
    members = sum(r["units"] for r in found)
    table = suppress_groups(
        {r["archetype"]: r["units"] for r in found},
        {"weighted_cost": {r["archetype"]: _money(r["annual"] * r["units"]) for r in found}},
        threshold=SMALL_CELL,
        unit="familier" if unit is Unit.FAMILY else "borgere",
    )
    by_name = {r["archetype"]: r for r in found}
    result = []
    for (name,), cell in table.cells.items():
        row = by_name.get(name)
        result.append(
            {
                "archetype": TOTAL_AREA if name == TOTAL else name,
                "units": cell.count,
                "share": cell.count / members if cell.count is not None and members else None,
                "population": row["population"] if row and cell.published else None,
                "typical_cost": _money(row["annual"]) if row and cell.published else None,
                "weighted_cost": cell.measures["weighted_cost"] if cell.measures else None,
                "note": cell.note,
            }
        )
    return result, estimate


def _comparison(
    by_area: list[dict[str, Any]], estimate: dict[str, Decimal]
) -> list[dict[str, Any]]:
    """Person-level baseline against the archetype estimate, per sector area and in total."""
    measured = {r["sector_area"]: r["total"] for r in by_area if r["sector_area"] != TOTAL_AREA}
    areas = sorted(set(measured) | set(estimate))
    result = []
    for area in [*areas, TOTAL_AREA]:  # a loop over the handful of areas
        if area == TOTAL_AREA:
            base = next((r["total"] for r in by_area if r["sector_area"] == TOTAL_AREA), None)
            guess: Decimal | None = sum(estimate.values(), Decimal(0))
        else:
            base, guess = measured.get(area), estimate.get(area, Decimal(0))
        result.append(
            {
                "sector_area": area,
                "baseline": base,
                "archetype_estimate": guess,
                "difference": guess - base if base is not None and guess is not None else None,
            }
        )
    return result


def _money(value: float | Decimal | None) -> Decimal:
    return Decimal(str(value or 0)).quantize(Decimal("0.01"))


def reference_for_year(year: int) -> date:
    """``--year Y`` for a baseline: the reference date 1 January Y+1 (the baseline is year Y)."""
    return date(year + 1, 1, 1)


def read_members(
    text: str, key: bytes, default_reference: date | None, source: str = "gruppen"
) -> tuple[list[Member], bool]:
    """A group from a small CSV file (comma or semicolon): a column ``citizen`` (pseudonym),
    ``cpr`` (pseudonymised here; the number is not kept) or ``family``, and optionally
    ``reference_date`` (``2025-03-01`` or ``01-03-2025``). Returns the members and whether they
    are citizens (rather than families)."""
    import csv
    import io

    from tvaers.core.cpr import InvalidCpr, Pseudonymiser, birth_date

    body = text.lstrip("\ufeff")
    dialect = ";" if body.split("\n", 1)[0].count(";") > body.split("\n", 1)[0].count(",") else ","
    reader = csv.DictReader(io.StringIO(body), delimiter=dialect)
    header = {h.strip().lower(): h for h in reader.fieldnames or ()}
    column = next((c for c in ("citizen", "cpr", "family") if c in header), None)
    if column is None:
        raise ConfigError(
            f"{source}: der mangler en kolonne 'citizen', 'cpr' eller 'family'.",
            hint="Første række skal være overskrifter, fx: cpr,reference_date",
        )
    pseudonymiser = Pseudonymiser(key) if column == "cpr" else None
    members: list[Member] = []
    for number, row in enumerate(reader, start=2):  # the group's own list, not the population
        value = (row.get(header[column]) or "").strip()
        if not value:
            continue
        if pseudonymiser is not None:
            try:
                birth_date(value)
            except InvalidCpr as exc:
                raise ConfigError(f"{source}, række {number}: {exc}") from exc
            value = pseudonymiser.pseudonym(value)
        raw = (row.get(header.get("reference_date", ""), "") or "").strip()
        reference = parse_date(raw, f"{source}, række {number}") if raw else default_reference
        if reference is None:
            raise ConfigError(
                f"{source}, række {number}: skæringsdatoen mangler.",
                hint="Angiv kolonnen reference_date eller --reference-date for alle.",
            )
        members.append(Member(value, reference))
    return members, column != "family"


def parse_date(text: str, where: str) -> date:
    from datetime import datetime

    for pattern in ("%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ConfigError(f"{where}: '{text}' er ikke en dato.", hint="Skriv fx 2025-03-01.")
