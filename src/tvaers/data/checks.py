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
from tvaers.data.staged import Staged


@dataclass(frozen=True)
class Source:
    """Where a table's rows are for the checks: staged now, or loaded before."""

    relation: str
    file_name: str
    staged: Staged | None

    def header(self, column: str) -> str:
        return self.staged.header(column) if self.staged else column


def sources(
    staged: dict[str, Staged],
    loaded: dict[str, tuple[int, str, str, int]],
    everyone: dict[str, tuple[int, str, str, int]] | None = None,
) -> dict[str, Source]:
    """Each table's rows for the checks. ``loaded`` is the importing municipality's state;
    ``everyone`` (a national installation: all municipalities' state) makes the checks look
    at that municipality's own rows only, and for citizens at every municipality's: a posting
    in one municipality's books may be for a citizen whose acting municipality is another."""
    out = {}
    for table in CONTRACTS:
        own = f"main.{q(table)}"
        if everyone is not None and table in loaded and table != "citizens":
            own = f"(SELECT * FROM main.{q(table)} WHERE batch_id = {int(loaded[table][0])})"
        if table in staged:
            item = staged[table]
            relation = item.typed
            if everyone is not None and table == "citizens" and table in everyone:
                relation = (
                    f"(SELECT citizen, source_row FROM {item.typed} UNION ALL "
                    f"SELECT citizen, NULL FROM main.citizens WHERE {_others(loaded, table)})"
                )
            out[table] = Source(relation, item.path.name, item)
        elif table in loaded:
            out[table] = Source(own, loaded[table][1], None)
        elif everyone is not None and table == "citizens" and table in everyone:
            out[table] = Source(f"main.{q(table)}", everyone[table][1], None)
    return out


def _others(loaded: dict[str, tuple[int, str, str, int]], table: str) -> str:
    """The rows of ``table`` loaded by other municipalities than the importing one."""
    return f"batch_id <> {int(loaded[table][0])}" if table in loaded else "TRUE"


def check_citizens_once(
    con: DuckDBPyConnection,
    staged: dict[str, Staged],
    loaded: dict[str, tuple[int, str, str, int]],
    known: set[str],
    sink: IssueSink,
) -> None:
    """A national installation: a citizen is listed by one municipality only (the acting
    municipality, which counts the person nationally), and a ``municipality`` given in the
    citizens' file is one of the 98 codes."""
    item = staged.get("citizens")
    if item is None:
        return
    src = Source(item.typed, item.path.name, item)
    _emit(
        con,
        sink,
        src,
        "cpr",
        f"SELECT s.source_row, ' (kommune ' || min(c.municipality) || ')' AS val "
        f"FROM {item.typed} s JOIN main.citizens c ON c.citizen = s.citizen "
        f"WHERE {_others(loaded, 'citizens')} GROUP BY s.source_row",
        ErrorCode.DUPLICATE_KEY,
        "Borgeren står allerede på en anden kommunes borgerliste; en borger tælles kun én gang "
        "på landsplan, hos sin handlekommune",
        "Fjern borgeren fra den kommunes fil, der ikke er handlekommune, og importér igen.",
        "cpr",
    )
    if "municipality" not in item.headers:
        return
    codes = ", ".join(f"'{code}'" for code in sorted(known))
    _emit(
        con,
        sink,
        src,
        "municipality",
        f"SELECT s.source_row, s.municipality AS val FROM {item.typed} s "
        f"WHERE s.municipality IS NOT NULL AND s.municipality NOT IN ({codes})",
        ErrorCode.CODE_INVALID,
        "Kommunekoden findes ikke blandt de 98 kommuner",
        "Skriv handlekommunens 3-cifrede kommunekode, fx 101 (København), eller lad feltet "
        "stå tomt (så er det den importerende kommune).",
    )


def _emit(
    con: DuckDBPyConnection,
    sink: IssueSink,
    src: Source,
    column: str,
    sql: str,
    code: ErrorCode,
    message: str,
    hint: str,
    cpr_column: str = "",
) -> None:
    """One issue per row of ``sql`` (columns: source_row, value). With ``cpr_column`` the value
    shown begins with that column's masked CPR number, looked up in the parsed rows for the rows
    listed only (a subquery for every row found cost more than the check itself)."""
    rows = con.execute(
        f"SELECT source_row, val, count(*) OVER () FROM ({sql}) ORDER BY source_row "
        f"LIMIT {PER_KIND}"
    ).fetchall()
    masked: dict[int, str] = {}
    if rows and cpr_column and src.staged:
        masked = dict(
            con.execute(
                f"SELECT _row, left({q('t_' + cpr_column)}, 6) || '-****' "
                f"FROM {src.staged.parsed} WHERE list_contains(?, _row)",
                [[r[0] for r in rows]],
            ).fetchall()
        )
    header = src.header(column)
    note = "" if src.staged else " (rækken er fra en tidligere import)"
    for row, value, _ in rows:
        shown = masked.get(row, "") + (value or "")
        sink.add(Issue(src.file_name, row, header, shown, code, message + note, hint))
    if rows:
        sink.add_unlisted(src.file_name, header, code, rows[0][2] - len(rows))


@dataclass(frozen=True)
class _Reference:
    """One column's reference to be checked: ``src``'s ``stored`` values must be in
    ``target``'s ``target_column``."""

    src: Source
    column: str
    kind: Kind
    stored: str
    target: str  # the target's relation
    target_column: str
    code: ErrorCode
    message: str
    hint: str


def check_references(
    con: DuckDBPyConnection, staged: dict[str, Staged], srcs: dict[str, Source], sink: IssueSink
) -> None:
    """Every reference of a changed table, or to one, points at a row that exists."""
    references: list[_Reference] = []
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
            target = srcs.get(ref.target)
            code, message = REFERENCE_MESSAGES[ref.column]
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
            references.append(
                _Reference(src, ref.column, col.kind, col.stored_name, target.relation,
                           target_col, code, message, REFERENCE_HINTS[ref.target])
            )  # fmt: skip
    for number in sorted(_dangling(con, references)):
        r = references[number]
        value, cpr_column = f"s.{q(r.stored)}", ""
        if r.kind is Kind.CPR:  # the masked number, or for a loaded row its pseudonym
            value, cpr_column = ("''", r.column) if r.src.staged else ("'(pseudonym)'", "")
        sql = (
            f"SELECT s.source_row, {value} AS val FROM {r.src.relation} s "
            f"ANTI JOIN {r.target} t ON s.{q(r.stored)} = t.{q(r.target_column)} "
            f"WHERE s.{q(r.stored)} IS NOT NULL"
        )
        _emit(con, sink, r.src, r.column, sql, r.code, r.message, r.hint, cpr_column)


def _dangling(con: DuckDBPyConnection, references: list[_Reference]) -> set[int]:
    """The numbers of the references with a value that points nowhere: one anti join per
    target for all the references to it (six columns refer to the citizens), so that the
    target is hashed once; the rows are then listed per reference (:func:`_emit`)."""
    by_target: dict[tuple[str, str], list[int]] = {}
    for number, r in enumerate(references):
        by_target.setdefault((r.target, r.target_column), []).append(number)
    found: set[int] = set()
    for (target, column), numbers in by_target.items():
        values = " UNION ALL ".join(
            f"SELECT {n} AS k, s.{q(references[n].stored)} AS v FROM {references[n].src.relation} "
            f"s WHERE s.{q(references[n].stored)} IS NOT NULL"
            for n in numbers
        )
        rows = con.execute(
            f"SELECT DISTINCT r.k FROM ({values}) r ANTI JOIN {target} t ON r.v = t.{q(column)}"
        ).fetchall()
        found.update(k for (k,) in rows)
    return found


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
