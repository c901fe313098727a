"""Checks within one staged file: repeated keys, reversed periods, signs, the commitments'
amount or units (:func:`table_issues`), each reported with its row, column and value."""

from __future__ import annotations

from duckdb import DuckDBPyConnection

from tvaers.core.errors import ErrorCode, Issue
from tvaers.data.contracts import Kind
from tvaers.data.issues import PER_KIND, IssueSink
from tvaers.data.parsing import q
from tvaers.data.readers import ROW
from tvaers.data.staged import Staged


def v(name: str) -> str:
    """The parsed table's typed value of a column."""
    return q("v_" + name)


def _report(
    con: DuckDBPyConnection,
    staged: Staged,
    sql: str,
    column: str,
    code: ErrorCode,
    message: str,
    hint: str,
    sink: IssueSink,
) -> None:
    """Add an issue per row returned by ``sql`` (columns: row, value, total)."""
    rows = con.execute(
        f"SELECT r, val, count(*) OVER () FROM ({sql}) ORDER BY r LIMIT {PER_KIND}"
    ).fetchall()
    header = staged.header(column)
    for row, value, _ in rows:
        sink.add(Issue(staged.path.name, row, header, str(value or ""), code, message, hint))
    if rows:
        sink.add_unlisted(staged.path.name, header, code, rows[0][2] - len(rows))


def _key_issues(con: DuckDBPyConnection, staged: Staged, sink: IssueSink) -> None:
    """Rows that repeat a key, on the stored values: a CPR column's pseudonym, a code with a CPR
    number in it as its keyed pseudonym, which counts the same in every written form (module
    docstring). The keys that occur more than once are found by grouping; only their rows are
    then numbered, and the value shown is the stored one (never a clear CPR number)."""
    contract = staged.contract
    if not contract.key or not all(k in staged.headers for k in contract.key if k != "solution"):
        return
    names = [q(contract.column(k).stored_name) for k in contract.key if k in staged.headers]
    keys = ", ".join(names)
    same = " AND ".join(f"t.{k} IS NOT DISTINCT FROM d.{k}" for k in names)  # NULL = NULL
    first = contract.column(contract.key[0])
    shown = "''" if first.kind is Kind.CPR else f"CAST(t.{q(first.stored_name)} AS VARCHAR)"
    required = " AND ".join(f"{k} IS NOT NULL" for k in names if k != q("solution"))
    repeated = (
        f"SELECT {keys} FROM {staged.typed} WHERE {required} GROUP BY ALL HAVING count(*) > 1"
    )
    _report(
        con,
        staged,
        f"SELECT t.source_row AS r, {shown} AS val, min(t.source_row) OVER w AS first "
        f"FROM {staged.typed} t SEMI JOIN ({repeated}) d ON {same} "
        f"WINDOW w AS (PARTITION BY {keys}) QUALIFY r <> first",
        contract.key[0],
        ErrorCode.DUPLICATE_KEY,
        "Rækken gentager en nøgle, der allerede findes tidligere i filen",
        f"Hver række skal være entydig på {', '.join(contract.key)}; fjern dubletten.",
        sink,
    )


def table_issues(con: DuckDBPyConnection, staged: Staged, sink: IssueSink) -> None:
    """Checks within one file: periods, signs, and the rows' keys (:func:`_key_issues`)."""
    contract, p = staged.contract, staged.parsed
    _key_issues(con, staged, sink)
    if contract.table == "postings":
        empty = " AND ".join(
            f"t_{c} IS NULL" if c in staged.headers else "TRUE"
            for c in ("function_code", "account")
        )
        _report(
            con,
            staged,
            f"SELECT {ROW} AS r, '' AS val FROM {p} WHERE {empty}",
            "function_code",
            ErrorCode.VALUE_REQUIRED,
            "Posteringen har hverken funktion eller konto",
            "Udfyld funktionen (5.28.21) eller kontonummeret.",
            sink,
        )
    if contract.table == "unit_prices":
        _report(
            con,
            staged,
            f"SELECT {ROW} AS r, t_price AS val FROM {p} WHERE v_price < 0",
            "price",
            ErrorCode.NUMBER_INVALID,
            "En enhedspris kan ikke være negativ",
            "Ret prisen.",
            sink,
        )
    if contract.table == "activities" and "end_date" in staged.headers:
        _reversed(con, staged, "Aktiviteten", sink)
    if contract.table == "commitments":
        _commitment_issues(con, staged, sink)
    if contract.table == "relations":
        _report(
            con,
            staged,
            f"SELECT {ROW} AS r, '' AS val FROM {p} WHERE p_cpr = p_related_cpr",
            "related_cpr",
            ErrorCode.CODE_INVALID,
            "En borger kan ikke være i relation til sig selv",
            "Ret det relaterede CPR-nummer.",
            sink,
        )


def _reversed(con: DuckDBPyConnection, staged: Staged, what: str, sink: IssueSink) -> None:
    """Rows whose period ends before it starts (``what``: «Aktiviteten», «Disponeringen»)."""
    _report(
        con,
        staged,
        f"SELECT {ROW} AS r, t_end_date AS val FROM {staged.parsed} "
        "WHERE v_end_date < v_start_date",
        "end_date",
        ErrorCode.PERIOD_REVERSED,
        f"{what} slutter, før den starter",
        "Ret start- eller slutdatoen (slutdatoen er inklusiv).",
        sink,
    )


def _commitment_issues(con: DuckDBPyConnection, staged: Staged, sink: IssueSink) -> None:
    """A commitment has a period that is not reversed and either an amount or units per month
    (exactly one of them), neither negative."""
    p, has = staged.parsed, staged.headers
    if "end_date" in has:
        _reversed(con, staged, "Disponeringen", sink)
    given = [c for c in ("monthly_amount", "units_per_month") if c in has]
    for name in given:
        _report(
            con,
            staged,
            f"SELECT {ROW} AS r, {q('t_' + name)} AS val FROM {p} WHERE {v(name)} < 0",
            name,
            ErrorCode.NUMBER_INVALID,
            "En disponering kan ikke være negativ",
            "Ret værdien til 0 eller mere; en ophørt disponering får en slutdato.",
            sink,
        )
    absent = " AND ".join(f"{q('t_' + c)} IS NULL" for c in given)
    _report(
        con,
        staged,
        f"SELECT {ROW} AS r, '' AS val FROM {p} WHERE {absent}",
        given[0],
        ErrorCode.VALUE_REQUIRED,
        "Disponeringen har hverken beløb pr. måned eller enheder pr. måned",
        "Udfyld monthly_amount (kr. pr. måned) eller units_per_month (enheder, prissat med "
        "indsatsens enhedspris).",
        sink,
    )
    if len(given) == 2:
        _report(
            con,
            staged,
            f"SELECT {ROW} AS r, t_units_per_month AS val FROM {p} "
            "WHERE t_monthly_amount IS NOT NULL AND t_units_per_month IS NOT NULL",
            "units_per_month",
            ErrorCode.CODE_INVALID,
            "Disponeringen har både beløb pr. måned og enheder pr. måned",
            "Udfyld kun ét af dem: beløbet, eller enhederne, der prissættes med enhedsprisen.",
            sink,
        )
