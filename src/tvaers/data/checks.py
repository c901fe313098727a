"""Checks across tables: references, prices on the days they are needed, units for hourly work.

A check runs whenever one of its tables changes. The other side is the table being imported, or,
when the folder does not hold that table, what is loaded already — so a partial import cannot
leave references dangling, and a replaced table cannot orphan rows loaded earlier.
"""

from __future__ import annotations

from dataclasses import dataclass

from duckdb import DuckDBPyConnection

from tvaers.core.errors import ErrorCode, Issue
from tvaers.data.contracts import CONTRACTS, Kind
from tvaers.data.issues import PER_KIND, IssueSink
from tvaers.data.messages import REFERENCE_HINTS, REFERENCE_MESSAGES
from tvaers.data.parsing import q
from tvaers.data.validation import Staged


@dataclass(frozen=True)
class Source:
    """Where a table's rows are for the checks: staged now, or loaded before."""

    relation: str
    file_name: str
    staged: Staged | None

    def header(self, column: str) -> str:
        return self.staged.header(column) if self.staged else column


def sources(
    staged: dict[str, Staged], loaded: dict[str, tuple[int, str, str, int]]
) -> dict[str, Source]:
    out = {}
    for table in CONTRACTS:
        if table in staged:
            out[table] = Source(staged[table].typed, staged[table].path.name, staged[table])
        elif table in loaded:
            out[table] = Source(f"main.{q(table)}", loaded[table][1], None)
    return out


def _emit(
    con: DuckDBPyConnection,
    sink: IssueSink,
    src: Source,
    column: str,
    sql: str,
    code: ErrorCode,
    message: str,
    hint: str,
) -> None:
    """One issue per row of ``sql`` (columns: source_row, value)."""
    rows = con.execute(
        f"SELECT source_row, val, count(*) OVER () FROM ({sql}) ORDER BY source_row "
        f"LIMIT {PER_KIND}"
    ).fetchall()
    header = src.header(column)
    note = "" if src.staged else " (rækken er fra en tidligere import)"
    for row, value, _ in rows:
        sink.add(Issue(src.file_name, row, header, value or "", code, message + note, hint))
    if rows:
        sink.add_unlisted(src.file_name, header, code, rows[0][2] - len(rows))


def check_references(
    con: DuckDBPyConnection, staged: dict[str, Staged], srcs: dict[str, Source], sink: IssueSink
) -> None:
    for contract in CONTRACTS.values():
        for ref in contract.references:
            if contract.table not in staged and ref.target not in staged:
                continue
            src = srcs.get(contract.table)
            if src is None:
                continue
            col = contract.column(ref.column)
            if src.staged and ref.column not in src.staged.headers:
                continue
            stored = col.stored_name
            target = srcs.get(ref.target)
            code, message = REFERENCE_MESSAGES[ref.column]
            hint = REFERENCE_HINTS[ref.target]
            if target is None:
                sink.add(
                    Issue(
                        src.file_name,
                        0,
                        src.header(ref.column),
                        "",
                        code,
                        f"{message}: tabellen '{ref.target}' er hverken i mappen eller indlæst før",
                        f"Læg {ref.target} med i mappen.",
                    )
                )
                continue
            target_col = CONTRACTS[ref.target].column(ref.target_column).stored_name
            shown = f"s.{q(stored)}"
            if col.kind is Kind.CPR:
                shown = (
                    f"(SELECT left(p.t_{ref.column}, 6) || '-****' FROM {src.staged.parsed} p "
                    f"WHERE p._row = s.source_row)"
                    if src.staged
                    else "'(pseudonym)'"
                )
            sql = (
                f"SELECT s.source_row, {shown} AS val FROM {src.relation} s "
                f"ANTI JOIN {target.relation} t ON s.{q(stored)} = t.{q(target_col)} "
                f"WHERE s.{q(stored)} IS NOT NULL"
            )
            _emit(con, sink, src, ref.column, sql, code, message, hint)


def check_activities(
    con: DuckDBPyConnection, staged: dict[str, Staged], srcs: dict[str, Source], sink: IssueSink
) -> None:
    """Hourly and piece work needs units; every activity needs a price on the days it is used."""
    involved = {"activities", "interventions", "unit_prices", "postings"}
    if not involved & staged.keys() or not {"activities", "interventions"} <= srcs.keys():
        return
    acts, ivs = srcs["activities"], srcs["interventions"]
    _emit(
        con,
        sink,
        acts,
        "units_per_month",
        f"SELECT a.source_row, a.intervention AS val FROM {acts.relation} a "
        f"JOIN {ivs.relation} i USING (intervention) "
        "WHERE i.unit IN ('hour', 'piece') AND a.units_per_month IS NULL",
        ErrorCode.UNITS_REQUIRED,
        "Indsatsen afregnes pr. time eller stk., så aktiviteten skal have enheder pr. måned",
        "Udfyld units_per_month (fx timer pr. måned).",
    )
    _price_missing(con, sink, srcs, acts, "TRUE", "aktiviteten")


def check_commitments(
    con: DuckDBPyConnection, staged: dict[str, Staged], srcs: dict[str, Source], sink: IssueSink
) -> None:
    """A commitment given in units is priced by the intervention's unit price: one must be valid
    on the day it is first used (its start, or the first posting day when it started before)."""
    involved = {"commitments", "interventions", "unit_prices", "postings"}
    if not involved & staged.keys() or not {"commitments", "interventions"} <= srcs.keys():
        return
    _price_missing(
        con, sink, srcs, srcs["commitments"], "a.units_per_month IS NOT NULL", "disponeringen"
    )


def _price_missing(
    con: DuckDBPyConnection,
    sink: IssueSink,
    srcs: dict[str, Source],
    rows: Source,
    priced: str,
    what: str,
) -> None:
    """Rows of ``rows`` (activities or commitments) with ``priced`` true and no unit price valid
    on the day they are first used."""
    ivs = srcs["interventions"]
    prices = srcs.get("unit_prices")
    postings = srcs.get("postings")
    period_start = (
        f"(SELECT min(posting_date) FROM {postings.relation})" if postings else "NULL::DATE"
    )
    no_price = (
        "TRUE"
        if prices is None
        else f"NOT EXISTS (SELECT 1 FROM {prices.relation} p WHERE p.intervention = a.intervention "
        "AND p.valid_from <= greatest(a.start_date, coalesce(ps.d, a.start_date)))"
    )
    _emit(
        con,
        sink,
        rows,
        "intervention",
        f"SELECT a.source_row, a.intervention || ' fra ' || "
        f"strftime(greatest(a.start_date, coalesce(ps.d, a.start_date)), '%d-%m-%Y') AS val "
        f"FROM {rows.relation} a CROSS JOIN (SELECT {period_start} AS d) ps "
        f"SEMI JOIN {ivs.relation} i ON i.intervention = a.intervention "
        "WHERE a.start_date IS NOT NULL AND (a.end_date IS NULL OR ps.d IS NULL "
        f"OR a.end_date >= ps.d) AND {priced} AND {no_price}",
        ErrorCode.PRICE_MISSING,
        f"Indsatsen har ingen enhedspris gyldig på den dato, hvor {what} bruges",
        "Tilføj en pris i unit_prices med valid_from på eller før datoen.",
    )
