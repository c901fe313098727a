"""Benchmarking's use case: every municipality's key figures of one year, suppressed, with its
peer group and ranks (statistical purpose: aggregates only, never a pseudonym).

Suppression per municipality (DOMAIN §3.7, :mod:`tvaers.core.suppression`): a municipality with
1-4 citizens shows no figures, and as many others as needed so that the national total does not
give it away; the top 1/3/10 % share is shown only when it rests on five citizens or more; the
citizens in 2+ and 3+ areas, each target group's members and each area combination are cells of
their own, hidden when 1-4 (with secondary suppression against the totals). The sets behind the
2+/3+ and target-group cells are remembered (:mod:`tvaers.store.publications`): a cell whose
citizens differ by 1-4 from a set shown before is hidden too.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import ibis
import ibis.expr.types as ir
from sqlalchemy.orm import Session

from tvaers.access import Actor
from tvaers.benchmarking import model
from tvaers.benchmarking import queries as bq
from tvaers.core.config import Settings
from tvaers.core.sketch import Sketch
from tvaers.core.suppression import (
    SMALL_CELL,
    TOTAL,
    SuppressedTable,
    suppress_counts,
    suppress_groups,
)
from tvaers.core.units import Unit
from tvaers.draw import cache
from tvaers.draw.queries_baseline import NONE, OTHER
from tvaers.draw.session import Analysis, opened
from tvaers.engine.sketches import sketches_by
from tvaers.selection.evaluation import evaluate
from tvaers.selection.rule_files import ready_made
from tvaers.store.publications import Ledger, publishing

KIND = "sammenligning"
CACHE_KIND = "sammenligning"  # the published benchmark's entries in tvaers.draw.cache
COMBINATIONS = 8  # the most common area combinations shown; the rest are «øvrige»
CENT = Decimal("0.01")


@dataclass
class Benchmark:
    """One year's figures: ``rows`` one per municipality (:data:`TOTAL` last), ``groups`` per
    target group and municipality, ``combinations`` per municipality and area combination."""

    year: int
    peers: tuple[str, ...] | None
    rows: list[dict[str, Any]]
    groups: list[dict[str, Any]] = field(default_factory=list)
    combinations: list[dict[str, Any]] = field(default_factory=list)
    group_names: dict[str, str] = field(default_factory=dict)


def _share(part: Decimal | int | None, whole: Decimal | int | None) -> float | None:
    if part is None or not whole:
        return None
    return float(Decimal(part) / Decimal(whole))


def _per(amount: Decimal | None, citizens: int | None) -> Decimal | None:
    if amount is None or not citizens:
        return None
    return (amount / citizens).quantize(CENT)


Guarded = tuple[ir.BooleanValue, Mapping[str, int], Mapping[str, Mapping[str, Decimal]]]


def _guarded(
    analysis: Analysis, ledger: Ledger, table: ir.Table, tables: Mapping[str, Guarded]
) -> dict[str, SuppressedTable]:
    """1-D tables over municipalities with their totals, suppressed: small cells, and cells
    whose citizens (``table``'s rows where the table's condition holds) differ by 1-4 from a
    set shown before; the sets of the cells shown are remembered. ``tables`` maps each table's
    kind to its condition, counts and measures; every set of every table is sketched in one
    pass over ``table`` (on Spark a pass is what costs)."""
    codes = sorted({code for _c, counts, _m in tables.values() for code in counts})
    by_code = sketches_by(analysis.backend, table, "citizen", "municipality",
                          {kind: condition for kind, (condition, _c, _m) in tables.items()},
                          codes)  # fmt: skip
    found = {}
    for kind, (_condition, counts, measures) in tables.items():
        mine = {code: by_code[(kind, code)] for code in counts}
        # a citizen has one municipality: the whole country's set is the sum of theirs
        mine[TOTAL] = sum((by_code[(kind, c)] for c in codes), Sketch.of([]))
        earlier = [code for code, sketch in mine.items() if ledger.close(f"{kind}:{code}", sketch)]
        found[kind] = suppress_groups(counts, measures, earlier=earlier)
        for code, sketch in mine.items():
            if found[kind].cell(code).published:
                ledger.publish(f"{kind}:{code}", sketch)
    return found


def _by_municipality(expr: ir.Table) -> dict[str, dict[str, Any]]:
    return {str(r["municipality"]): r for r in expr.to_pyarrow().to_pylist()}


def _municipality_rows(
    analysis: Analysis, ledger: Ledger, frame: ir.Table, year: int, default: str,
    peers: tuple[str, ...] | None, names: Mapping[str, str],
) -> list[dict[str, Any]]:  # fmt: skip
    attribution = analysis.draw(year)
    figures = _by_municipality(bq.municipality_figures(frame))
    cover = _by_municipality(bq.coverage(
        attribution.lines, analysis.table("citizens"), analysis.table("postings"),
        attribution.period, default))  # fmt: skip
    expected = {c: r["expected"] for c, r in _by_municipality(bq.expected(frame)).items()}
    codes = sorted(figures)
    money = ("total", "expected", "drawn", "expenditure", "top_1", "top_3", "top_10")
    values = {c: {**figures[c], **cover.get(c, {}), "expected": expected.get(c)} for c in codes}
    table = suppress_groups(
        {c: int(figures[c]["citizens"]) for c in codes},
        {m: {c: Decimal(values[c].get(m) or 0) for c in codes} for m in money},
    )
    counts = {k: {c: int(figures[c][k]) for c in codes} for k in ("two_plus", "three_plus")}
    guarded = _guarded(analysis, ledger, frame, {
        f"{KIND}:{year}:{k}": (frame.areas >= n, counts[k], {})
        for k, n in (("two_plus", 2), ("three_plus", 3))
    })  # fmt: skip
    areas = {k: guarded[f"{KIND}:{year}:{k}"] for k in ("two_plus", "three_plus")}
    known = model.reference()
    populations = {c: known[c].population or 0 if c in known else 0 for c in codes}
    populations = {c: n or int(figures[c]["citizens"]) for c, n in populations.items()}
    groups = model.peer_groups(populations, peers)
    rows = []
    for code in [*codes, TOTAL]:  # the municipalities: at most 98
        cell = table.cell(code)
        m = cell.measures or {}
        citizens = cell.count if cell.published else None
        row: dict[str, Any] = {
            "municipality": code if code != TOTAL else TOTAL,
            "name": known[code].name if code in known else names.get(code, code),
            "peer_group": groups.get(code, ""), "citizens": citizens,
            "expenditure": m.get("expenditure"), "drawn": m.get("drawn"),
            "coverage": _share(m.get("drawn"), m.get("expenditure")),
            "total": m.get("total"), "per_citizen": _per(m.get("total"), citizens),
        }  # fmt: skip
        for p in (1, 3, 10):
            small = citizens is None or -(-citizens * p // 100) < SMALL_CELL
            row[f"top_{p}_share"] = None if small else _share(m.get(f"top_{p}"), m.get("total"))
        for k in ("two_plus", "three_plus"):
            shown = areas[k].cell(code)
            row[k] = shown.count if shown.published and citizens is not None else None
            row[f"{k}_share"] = _share(row[k], citizens)
        row["expected"] = m.get("expected")
        row["expected_per_citizen"] = _per(m.get("expected"), citizens)
        row["difference"] = None if not m else m["total"] - m["expected"]
        row["difference_share"] = _share(row["difference"], m.get("expected"))
        row["note"] = cell.note
        rows.append(row)
    _rank(rows, groups)
    return rows


RANKED = ("coverage", "top_1_share", "top_3_share", "top_10_share", "two_plus_share",
          "three_plus_share", "per_citizen")  # fmt: skip


def _rank(rows: list[dict[str, Any]], groups: Mapping[str, str]) -> None:
    municipal = [r for r in rows if r["municipality"] != TOTAL]
    for key in RANKED:
        found = model.ranks({r["municipality"]: r[key] for r in municipal}, groups)
        for r in municipal:
            r[f"{key}_rank"] = found[r["municipality"]]
    found = model.ranks({r["municipality"]: r["difference_share"] for r in municipal}, groups,
                        lowest_first=True)  # fmt: skip
    for r in municipal:
        r["difference_rank"] = found[r["municipality"]]


def _members(analysis: Analysis, year: int) -> tuple[ir.Table | None, dict[str, str]]:
    """``group, citizen`` of every ready-made target group on the year's last day (a family
    rule's members are its families' citizens), and each group's name."""
    as_of = min(analysis.attribution(analysis.period(year)).period.last_day, analysis.span.last)
    parts, names = [], {}
    for key, (rule, _text) in ready_made().items():  # the few ready-made rule sets
        found = evaluate(analysis, rule, as_of)
        units = found.units.filter(found.units.in_group)
        persons = found.persons
        if rule.unit is Unit.CITIZEN:
            part = units.select(group=ibis.literal(key), citizen=units.unit)
        else:
            joined = persons.join(units, persons.family == units.unit)
            part = joined.select(group=ibis.literal(key), citizen=joined.citizen)
        parts.append(part)
        names[key] = rule.label
    return (ibis.union(*parts) if parts else None), names


def _group_rows(
    analysis: Analysis, ledger: Ledger, frame: ir.Table, year: int, names_of: Mapping[str, str],
) -> tuple[list[dict[str, Any]], dict[str, str]]:  # fmt: skip
    members, labels = _members(analysis, year)
    if members is None:
        return [], labels
    members = analysis.materialised("benchmark_members", (year,), lambda: members)
    found = bq.group_members(frame, members).to_pyarrow().to_pylist()
    codes = sorted(c for c in names_of if c != TOTAL)
    marked = frame.left_join(members.select(g_citizen="citizen", g_group="group"),
                             frame.citizen == members.citizen)  # fmt: skip
    wanted: dict[str, Guarded] = {}
    for group in labels:  # the few target groups
        mine = [r for r in found if r["group"] == group]
        counts = {c: 0 for c in codes} | {r["municipality"]: int(r["citizens"]) for r in mine}
        totals = {c: Decimal(0) for c in codes} | {r["municipality"]: r["total"] for r in mine}
        wanted[f"{KIND}:{year}:{group}"] = (marked.g_group == group, counts, {"total": totals})
    guarded = _guarded(analysis, ledger, marked, wanted)
    rows = []
    for group in labels:
        table = guarded[f"{KIND}:{year}:{group}"]
        for code in [*codes, TOTAL]:
            cell = table.cell(code)
            total = cell.measures["total"] if cell.measures else None
            rows.append({"group": labels[group], "municipality": code,
                         "name": names_of.get(code, code), "citizens": cell.count,
                         "per_citizen": _per(total, cell.count), "note": cell.note})  # fmt: skip
    return rows, labels


def _combination_rows(frame: ir.Table, names_of: Mapping[str, str]) -> list[dict[str, Any]]:
    found = bq.combinations(frame).to_pyarrow().to_pylist()
    common: dict[str, int] = {}
    for r in found:  # municipalities x combinations: aggregates
        if r["combination"] != NONE:
            common[r["combination"]] = common.get(r["combination"], 0) + int(r["citizens"])
    kept = sorted(common, key=lambda c: (-common[c], c))[:COMBINATIONS]
    counts: dict[tuple[str, str], int] = {}
    totals: dict[tuple[str, str], Decimal] = {}
    for r in found:
        if r["combination"] == NONE:
            continue
        key = (r["municipality"], r["combination"] if r["combination"] in kept else OTHER)
        counts[key] = counts.get(key, 0) + int(r["citizens"])
        totals[key] = totals.get(key, Decimal(0)) + r["total"]
    if not counts:
        return []
    table = suppress_counts(counts, measures={"total": totals})
    rows = []
    for (code, combination), cell in table.cells.items():
        if combination == TOTAL:
            continue
        total = cell.measures["total"] if cell.measures else None
        rows.append({"municipality": code, "name": names_of.get(code, code),
                     "combination": combination, "citizens": cell.count,
                     "average": _per(total, cell.count), "note": cell.note})  # fmt: skip
    # the same rows in the same order on every engine (a frozen run replays byte for byte):
    # per municipality the most common combinations first, «øvrige» last
    rows.sort(key=lambda r: (r["municipality"], r["combination"] == OTHER,
                             -int(r["citizens"] or 0), r["combination"]))  # fmt: skip
    return rows


def benchmark(
    analysis: Analysis, ledger: Ledger, year: int, default: str,
    peers: tuple[str, ...] | None = None, own_name: str = "",
    progress: Callable[[str, float], None] | None = None,
) -> Benchmark:  # fmt: skip
    """The year's figures for every municipality in the data (see the module); ``own_name``
    names the installation's own code where the reference data do not (``000``). ``progress``
    hears each step begin (a national year takes minutes: the command line shows a bar)."""
    step = progress or (lambda _message, _fraction: None)
    step("Ressourcetrækket for året", 0.0)
    attribution = analysis.draw(year)
    step("Borgernes træk, områder og struktur", 0.3)
    frame = analysis.materialised("benchmark_citizens", (attribution.period, default), lambda: (
        bq.citizen_frame(attribution.lines, analysis.table("citizens"),
                         analysis.table("outcomes"), attribution.period, default)))  # fmt: skip
    names = {TOTAL: TOTAL, default: own_name or default}
    step("Nøgletal og forventet udgift pr. kommune", 0.45)
    rows = _municipality_rows(analysis, ledger, frame, year, default, peers, names)
    names_of = {r["municipality"]: r["name"] for r in rows}
    step("De færdige målgrupper", 0.7)
    groups, labels = _group_rows(analysis, ledger, frame, year, names_of)
    step("Kombinationer af sektorområder", 0.9)
    combinations = _combination_rows(frame, names_of)
    step("Sammenligningen er klar", 1.0)
    return Benchmark(year, peers, rows, groups, combinations, labels)


def default_code(settings: Settings) -> str:
    """A municipal installation's one municipality: its code by the name in the settings."""
    configured = settings.municipality_code.strip()
    return (
        configured.zfill(3)
        if configured
        else model.code_of(settings.municipality, model.reference())
    )


def published_benchmark(
    settings: Settings, sessions: Callable[[], Session], actor: Actor, year: int | None = None,
    peers: tuple[str, ...] | None = None, progress: Callable[[str, float], None] | None = None,
) -> Benchmark:  # fmt: skip
    """:func:`benchmark` for the page and the command line: statistical aggregates every
    signed-in role may see; the sets shown remembered (:func:`publishing`), the published
    figures cached on disk (:mod:`tvaers.draw.cache`) by the loaded data, the year, the peers,
    the installation's code and the draw's configuration.
    :class:`~tvaers.core.errors.NoData` when nothing is loaded or the year is not in the data."""
    code = default_code(settings)
    with opened(settings) as analysis:
        chosen = year or analysis.span.latest_full_year

        def compute() -> cache.Document:
            return cache.document_of(publishing(
                sessions, f"sammenligning {chosen}", actor.username,
                lambda ledger: benchmark(analysis, ledger, chosen, code, peers,
                                         settings.municipality, progress),
            ))  # fmt: skip

        config = analysis.config
        parts = [chosen, list(peers or ()), code, settings.municipality,
                 cache.config_fingerprint(config.attribution, config.overlaps)]  # fmt: skip
        document = cache.cached(settings, analysis.loaded, CACHE_KIND, parts, compute)
    return cache.record_of(Benchmark, document)
