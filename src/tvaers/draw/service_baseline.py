"""The baseline (nulpunktsmåling) use case: the cost of a group of citizens or families in the
12 months before each one's reference date, per sector area, and the archetype alternative.

Person-level rows are for the casework purpose only (the caller checks and logs); the group
figures and the archetypes pass small-cell suppression.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, TypeAlias

import duckdb
import ibis
import ibis.expr.types as ir
import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
from ibis.backends.duckdb import Backend

from tvaers.core.cpr import Pseudonymiser, mask, pseudonym_sql
from tvaers.core.errors import ConfigError
from tvaers.core.periods import Period, months_before
from tvaers.core.suppression import EARLIER_NOTE, SMALL_CELL, TOTAL, hidden_note, suppress_groups
from tvaers.core.units import TOTAL_AREA, Unit
from tvaers.data.contracts import Column, Kind
from tvaers.data.messages import value_message
from tvaers.data.parsing import parse_column, text_sql
from tvaers.data.readers import NumberStyle
from tvaers.draw import queries_baseline as qb
from tvaers.draw.attribution import Attribution, materialise
from tvaers.draw.baseline_sets import GroupSets
from tvaers.draw.model import ArchetypeKey, Member
from tvaers.draw.session import Analysis
from tvaers.store.publications import Ledger

MEMBER_COLUMNS = ("citizen", "cpr", "family")
MEMBERS_SCHEMA = pa.schema([("unit", pa.string()), ("reference_date", pa.date32())])
SHOWN_ERRORS = 5  # a file with many bad rows: the first few are listed, the rest counted


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


Members: TypeAlias = Sequence[Member] | pa.Table  # a table: ``unit, reference_date`` (read_members)


def members_table(members: Members) -> ir.Table:
    """The group as a table; the same unit twice keeps its earliest reference date."""
    if isinstance(members, pa.Table):
        data = members.select(["unit", "reference_date"]).cast(MEMBERS_SCHEMA)
    else:
        data = pa.table(
            {
                "unit": [m.unit for m in members],
                "reference_date": [m.reference_date for m in members],
            },
            schema=MEMBERS_SCHEMA,
        )
    if not data.num_rows:
        raise ConfigError("Gruppen er tom: angiv mindst én borger eller familie.")
    table = ibis.memtable(data)
    return table.group_by("unit").aggregate(reference_date=table.reference_date.min())


def as_families(backend: Backend, members: ir.Table) -> ir.Table:
    """Citizens as members to their families (each family's earliest reference date)."""
    citizens = backend.table("citizens").select(
        c_citizen="citizen", family=ibis._.family.fill_null(ibis._.citizen)
    )
    joined = members.join(citizens, members.unit == citizens.c_citizen)
    return joined.group_by(unit=joined.family).aggregate(reference_date=joined.reference_date.min())


def baseline(
    analysis: Analysis,
    members: Members,
    unit: Unit = Unit.CITIZEN,
    key: ArchetypeKey | None = ArchetypeKey.AREAS,
    members_are_citizens: bool = True,
    ledger: Ledger | None = None,
) -> Baseline:
    """Measure the group's baseline in the analysis session (its attribution configuration).
    ``members`` are citizens (pseudonyms) or, with ``members_are_citizens=False``, family codes;
    with ``unit`` FAMILY citizens are taken to their families. With a ``ledger`` (a group the
    user chose) the figures also pass the rule across requests (:mod:`.baseline_sets`); with
    ``key`` None, no archetypes (nor their comparison) are estimated."""
    backend = analysis.backend
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
    period = analysis.period(None, wanted)
    attribution = analysis.attribution(period)
    window = reference.clip(period.first_day, period.last_day) or period
    rows = qb.baseline_rows(
        attribution.lines, backend.table("citizens"), group, unit, period
    ).order_by("unit", "sector_area")
    rows_table = materialise(backend, "baseline_rows", rows)
    sets = GroupSets.of(ledger, backend, group, rows_table, unit) if ledger else None
    earlier = sets.earlier() if sets is not None else []
    by_area = _by_area(rows_table, int(span["n"]), unit, earlier)
    if sets is not None:
        sets.publish(by_area)
    hidden = TOTAL in earlier  # the whole group: nothing of it is shown
    archetypes, estimate = (
        ([], {}) if hidden or key is None
        else _archetypes(attribution, group, rows_table, unit, key, window)
    )  # fmt: skip
    comparison = [] if hidden or key is None else _comparison(by_area, estimate)
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


def _by_area(
    rows: ir.Table, members: int, unit: Unit, earlier: Sequence[str] = ()
) -> list[dict[str, Any]]:
    sums = rows.filter(rows.sector_area.notnull()).group_by("sector_area").aggregate(
        units=rows.unit.nunique(), registered=rows.registered.sum(),
        attributed=rows.attributed.sum(), total=rows.total.sum(),
    ).order_by("sector_area").to_pyarrow().to_pylist()  # fmt: skip
    measures = ("registered", "attributed", "total")
    group_note = EARLIER_NOTE if TOTAL in earlier else hidden_note("i gruppen")
    if not sums:  # nobody had a cost in any area before: only the total, 0 kr.
        hidden, zero = members < SMALL_CELL or TOTAL in earlier, Decimal("0.00")
        return [{"sector_area": TOTAL_AREA, "units": None if hidden else members,
                 **dict.fromkeys((*measures, "per_member"), None if hidden else zero),
                 "note": group_note if hidden else None}]  # fmt: skip
    table = suppress_groups(
        {r["sector_area"]: r["units"] for r in sums},
        {m: {r["sector_area"]: Decimal(r[m]) for r in sums} for m in measures},
        threshold=SMALL_CELL,
        unit="familier" if unit is Unit.FAMILY else "borgere",
        earlier=[a for a in earlier if a != TOTAL],
    )
    result = []
    for (area,), cell in table.cells.items():
        values = cell.measures or {}
        total = values.get("total")
        hidden = members < SMALL_CELL or TOTAL in earlier
        # the total counts the group's members once, not the areas' counts added up (a member
        # with money in two areas is one member)
        count = members if area == TOTAL and cell.count is not None else cell.count
        result.append(
            {
                "sector_area": TOTAL_AREA if area == TOTAL else area,
                "units": None if hidden else count,
                **{m: None if hidden else values.get(m) for m in measures},
                "per_member": None
                if hidden or total is None
                else (total / members).quantize(Decimal("0.01")),
                "note": group_note if hidden else cell.note,
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
    population_items, member_items = _intervention_items(attribution, group, unit, key, window)
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
    return _archetype_rows(found, unit), estimate


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
) -> tuple[pa.Table, bool]:
    """A group from a CSV file (comma or semicolon): a column ``citizen`` (pseudonym), ``cpr``
    (pseudonymised here; the number is not kept) or ``family``, and optionally
    ``reference_date`` (``2025-03-01``, ``01-03-2025`` or ``01.03.2025``). Returns the members
    (``unit, reference_date``) and whether they are citizens (rather than families).

    Set-based, as the importer: the file is read into Arrow, and the CPR numbers and dates are
    checked, parsed and pseudonymised in one DuckDB statement each (``tvaers.data.parsing``,
    ``tvaers.core.cpr.pseudonym_sql``). Bad values are refused with file, row and column."""
    raw, headers = _read_text_csv(text, source)
    index = _enrolment_aliases(raw, {h.strip().lower(): i for i, h in enumerate(headers)}, source)
    column = next((c for c in MEMBER_COLUMNS if c in index), None)
    if column is None:
        raise ConfigError(
            f"{source}: der mangler en kolonne 'citizen', 'cpr' eller 'family'.",
            hint="Første række skal være overskrifter, fx: cpr,reference_date",
        )
    pads = Pseudonymiser(key).sql_parameters() if column == "cpr" else None
    value = Column(column, Kind.CPR if pads else Kind.CODE, required=True)
    reference = Column("reference_date", Kind.DATE)
    style = NumberStyle.INTERNATIONAL
    parsed_value = parse_column(value, "t_value", style)
    parsed_date = parse_column(reference, "t_ref", style)
    ref_text = (
        text_sql(f"c{index['reference_date']}")
        if "reference_date" in index
        else "CAST(NULL AS VARCHAR)"
    )
    con = duckdb.connect()
    try:
        con.register("members_raw", raw)
        con.execute(
            f"CREATE TEMP TABLE parsed AS SELECT _row, t_value, t_ref, "
            f"{parsed_value.typed} AS v_value, {parsed_value.error} AS e_value, "
            f"{parsed_date.typed} AS v_ref, {parsed_date.error} AS e_ref "
            f"FROM (SELECT _row, {text_sql(f'c{index[column]}')} AS t_value, "
            f"{ref_text} AS t_ref FROM members_raw) WHERE t_value IS NOT NULL"
        )
        headings = {
            "value": headers[index[column]],
            "ref": headers[index["reference_date"]]
            if "reference_date" in index
            else "reference_date",
        }
        _refuse_bad_members(con, source, headings, value, reference, default_reference is None)
        unit = pseudonym_sql("v_value") if pads else "v_value"
        members = con.sql(
            f"SELECT {unit} AS unit, coalesce(v_ref, ?::DATE) AS reference_date FROM parsed "
            "ORDER BY _row",
            params=[*(pads or ()), default_reference],
        ).to_arrow_table()
    finally:
        con.close()
    if members is None:  # a SELECT always has a result; for the type checker
        members = MEMBERS_SCHEMA.empty_table()
    return members.cast(MEMBERS_SCHEMA), column != "family"


def _enrolment_aliases(raw: pa.Table, index: dict[str, int], source: str) -> dict[str, int]:
    """Read the output of ``tvaers enrolments`` as a group: ``unit, subject, enrolled_on`` are
    taken as ``citizen`` or ``family`` (by the unit) and ``reference_date``."""
    if "reference_date" not in index and "enrolled_on" in index:
        index = {**index, "reference_date": index["enrolled_on"]}
    if "subject" not in index or any(c in index for c in MEMBER_COLUMNS):
        return index
    units = {"citizen"}
    if "unit" in index:
        column = raw.column(f"c{index['unit']}")
        units = {str(u).strip() for u in column.unique().to_pylist() if u}
    if len(units) != 1 or not units <= {"citizen", "family"}:
        raise ConfigError(
            f"{source}: kolonnen 'unit' skal være enten citizen eller family for alle rækker.",
            hint="Del filen i én for borgere og én for familier.",
        )
    return {**index, units.pop(): index["subject"]}


def _read_text_csv(text: str, source: str) -> tuple[pa.Table, list[str]]:
    """The file as all-text Arrow columns ``c0, c1, …`` and ``_row`` (the row number as in a
    spreadsheet, header = 1), and the header texts. A row of the wrong width is refused."""
    body = text.lstrip("\ufeff")
    first = body.split("\n", 1)[0].rstrip("\r")
    delimiter = ";" if first.count(";") > first.count(",") else ","
    headers = [h.strip() for h in next(csv.reader([first], delimiter=delimiter), [])]
    if not any(headers):
        return pa.table({"_row": pa.array([], pa.int64())}), []
    names = [f"c{i}" for i in range(len(headers))]
    wrong: list[tuple[int, int]] = []

    def refuse(row: pacsv.InvalidRow) -> str:  # called for a bad row only, never for each row
        wrong.append((row.number or 0, row.actual_columns))
        return "skip"

    try:
        table = pacsv.read_csv(
            io.BytesIO(body.encode("utf-8")),
            read_options=pacsv.ReadOptions(column_names=names, skip_rows=1, use_threads=False),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter,
                newlines_in_values=True,
                ignore_empty_lines=False,  # an empty line keeps its row number, and is skipped
                invalid_row_handler=refuse,
            ),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid as exc:
        raise ConfigError(
            f"{source}: filen kan ikke læses som CSV ({str(exc)[:120]}).",
            hint="Tjek anførselstegn og skilletegn, eller gem filen igen fra Excel som CSV.",
        ) from exc
    if wrong:
        number, found = wrong[0]
        raise ConfigError(
            f"{source}, række {number}: rækken har {found} felter, men overskriften har "
            f"{len(headers)}.",
            hint="Tjek skilletegnene i rækken; hver række skal have lige så mange felter som "
            "overskriften.",
        )
    rows = pa.array(np.arange(2, table.num_rows + 2, dtype=np.int64))
    return table.append_column("_row", rows), headers


def _refuse_bad_members(
    con: duckdb.DuckDBPyConnection,
    source: str,
    headings: dict[str, str],
    value: Column,
    reference: Column,
    date_required: bool,
) -> None:
    """Refuse the group when a value or a reference date is bad or missing: the first few
    problems with file, row and column, and how many there are in all."""
    missing = "UNION ALL SELECT _row, 'ref', NULL, 'missing' FROM parsed WHERE t_ref IS NULL"
    problems = con.execute(
        "SELECT _row, col, val, err, count(*) OVER () FROM ("
        "SELECT _row, 'value' AS col, t_value AS val, e_value AS err FROM parsed "
        "WHERE e_value IS NOT NULL "
        "UNION ALL SELECT _row, 'ref', t_ref, e_ref FROM parsed WHERE e_ref IS NOT NULL "
        f"{missing if date_required else ''}) ORDER BY _row, col DESC LIMIT {SHOWN_ERRORS}"
    ).fetchall()
    if not problems:
        return
    lines = []
    for row, col, shown, error, _ in problems:  # at most SHOWN_ERRORS
        if error == "missing":
            message = "skæringsdatoen mangler"
            tip = "Angiv kolonnen reference_date eller --reference-date for alle."
        else:
            field = value if col == "value" else reference
            _, message, tip = value_message(error, field, NumberStyle.INTERNATIONAL)
            message = f"{message} ('{mask(shown) if field.kind is Kind.CPR else shown}')"
        lines.append(f"{source}, række {row}, kolonne {headings[col]}: {message}. {tip}")
    total = int(problems[0][4])
    if total > len(problems):
        lines.append(f"… og {total - len(problems)} fejl mere.")
    raise ConfigError("\n".join(lines))


def parse_date(text: str, where: str) -> date:
    from datetime import datetime

    for pattern in ("%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ConfigError(f"{where}: '{text}' er ikke en dato.", hint="Skriv fx 2025-03-01.")


def _intervention_items(
    attribution: Attribution, group: ir.Table, unit: Unit, key: ArchetypeKey, window: Period
) -> tuple[ir.Table | None, ir.Table | None]:
    """The interventions of everyone in the window and of the group in its own windows, when
    the archetypes are made of interventions too (otherwise of sector areas only: None)."""
    if key is not ArchetypeKey.INTERVENTIONS:
        return None, None
    backend = attribution.backend
    citizens = backend.table("citizens")
    everyone = qb.all_units(citizens, unit)
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
    return population_items, member_items


def _archetype_rows(found: list[dict[str, Any]], unit: Unit) -> list[dict[str, Any]]:
    """The group's archetypes with share, typical annual cost and weighted cost, small groups
    hidden."""
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
    return result
