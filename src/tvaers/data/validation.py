"""Stage one file: parse every column set-based in DuckDB, collect problems, build typed rows.

Staging happens in temporary tables of the analytics connection; nothing reaches the stored
tables until :mod:`tvaers.data.importer` loads a fully valid import in one transaction. Clear CPR
numbers exist only in the temporary ``parsed_*`` tables and are replaced by pseudonyms in
``typed_*``:

- a CPR column is validated and becomes the citizen's pseudonym;
- free text (``text``, ``note``, ``decided_by`` …) keeps its words, every CPR-like number in it
  becomes ``[CPR fjernet]``;
- a code column (``family``, ``caseworker``, ``posting_id``, ``cost_centre``, ``grouping``,
  ``art``, ``status``, ``solution``, ``intervention``, ``sector_area``) or an account number that
  holds a CPR-like number anywhere in it — municipalities often use the head of household's CPR
  number as family code, a caseworker's as staff id, a voucher named after the citizen — is
  stored as a keyed pseudonym of the whole code (same key and function as the citizens', the
  number counting the same in every written form), never refused: a family code becomes ``F-``
  and 12 letters (the form of families derived from relations; for a code that is just a CPR
  number, the letters begin that person's pseudonym), any other code ``P-`` and 20 letters.
  Equal codes stay equal, so families hold together, references between tables still join, keys
  stay unique and a re-import changes nothing. A posting id or cost centre that merely looks like
  a CPR number (ten digits beginning with a valid day and month) is pseudonymised too; codes
  without a CPR-like number are kept as given.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
from duckdb import DuckDBPyConnection

from tvaers.core.cpr import (
    CPR_IN_TEXT_REGEX,
    PSEUDONYM_LENGTH,
    as_letters,
    birth_date_sql,
    cpr_digits_sql,
    digest_sql,
    mask,
    may_hold_cpr_sql,
    pseudonym_sql,
)
from tvaers.core.errors import ErrorCode, Issue
from tvaers.data.contracts import Contract, Kind, resolve_headers
from tvaers.data.families import FAMILY_PREFIX
from tvaers.data.issues import PER_KIND, IssueSink
from tvaers.data.messages import value_message
from tvaers.data.parsing import ParsedColumn, layer_sql, lit, parse_column, q, text_sql
from tvaers.data.readers import ROW, NumberStyle, RawTable
from tvaers.data.schema import SQL_TYPES, stored_columns

CPR_MASK = "[CPR fjernet]"
CODE_PREFIX = "P-"  # a code column's value that held a CPR number (module docstring)
CODE_KINDS = frozenset({Kind.CODE, Kind.ACCOUNT})


@dataclass
class Staged:
    """A file that has been read and parsed; ``typed`` holds its rows in stored form."""

    contract: Contract
    path: Path
    sha256: str
    style: NumberStyle
    headers: dict[str, str]  # contract column -> header in the file
    rows: int
    sheet: str = ""  # a workbook of several sheets: the one that was read

    @property
    def source(self) -> str:
        """The file as the user is told it was read: ``postings.xlsx (arket «Data»)``."""
        return f"{self.path.name} (arket «{self.sheet}»)" if self.sheet else self.path.name

    @property
    def table(self) -> str:
        return self.contract.table

    @property
    def parsed(self) -> str:
        return f"parsed_{self.table}"

    @property
    def typed(self) -> str:
        return f"typed_{self.table}"

    def header(self, column: str) -> str:
        return self.headers.get(column, column)


def _missing_columns(contract: Contract, found: dict[str, str], raw: RawTable) -> list[Issue]:
    path, where, hint = raw.path, "", ""
    if raw.sheet:  # a workbook: say which sheet was read, and which were looked at
        where = f" i arket «{raw.sheet}»"
        sheets = ", ".join(f"«{s}»" for s in raw.sheets)
        hint = f" Ingen af arkene ({sheets}) har datakontraktens kolonner i overskriftsrækken."
    issues = [
        Issue(
            path.name,
            1,
            col.name,
            "",
            ErrorCode.COLUMN_MISSING,
            f"Den påkrævede kolonne '{col.name}' mangler{where}",
            "Tilføj kolonnen i overskriftsrækken (se datakontrakten for navne og synonymer)."
            + hint,
        )
        for col in contract.required
        if col.name not in found
    ]
    if contract.table == "postings" and not {"function_code", "account"} & found.keys():
        issues.append(
            Issue(
                path.name,
                1,
                "function_code",
                "",
                ErrorCode.COLUMN_MISSING,
                f"Posteringerne skal have enten 'function_code' eller 'account'{where}",
                "Tilføj funktionen (5.28.21) eller kontonummeret (528211003)." + hint,
            )
        )
    if contract.table == "commitments" and not {"monthly_amount", "units_per_month"} & found.keys():
        issues.append(
            Issue(
                path.name,
                1,
                "monthly_amount",
                "",
                ErrorCode.COLUMN_MISSING,
                f"Disponeringerne skal have enten 'monthly_amount' eller 'units_per_month'{where}",
                "Tilføj beløbet pr. måned eller antal enheder pr. måned." + hint,
            )
        )
    return issues


def stage(
    con: DuckDBPyConnection,
    raw: RawTable,
    contract: Contract,
    pads: tuple[bytes, bytes],
    sha256: str,
    sink: IssueSink,
    found: dict[str, str] | None = None,
) -> Staged | None:
    """Parse ``raw`` into ``parsed_<table>`` and ``typed_<table>``; report problems to ``sink``.
    ``found`` maps contract columns to ``raw``'s headers when they are not the contract's names
    (a case system's export, :mod:`tvaers.data.exports`)."""
    sink.extend(raw.issues)
    if raw.table is None:
        return None
    found = found or resolve_headers(contract, raw.headers)
    missing = _missing_columns(contract, found, raw)
    if missing:
        sink.extend(missing)
        return None
    staged = Staged(contract, raw.path, sha256, raw.style, found, raw.table.num_rows, raw.sheet)
    con.register(f"raw_{contract.table}", raw.table)
    parsed = [
        parse_column(
            contract.column(name),
            q(safe) if safe in raw.native else text_sql(safe),
            raw.style,
            safe in raw.integer_columns,
            native=safe in raw.native,
        )
        for name, safe in ((name, raw.column_of(header)) for name, header in found.items())
    ]  # ``text`` reads the raw column; the typed parse is rebuilt on the trimmed text
    _create_parsed(con, staged, parsed, pads)
    con.unregister(f"raw_{contract.table}")
    _value_issues(con, staged, parsed, sink)
    _create_typed(con, staged, pads)
    _table_issues(con, staged, sink)
    return staged


# Kinds with few distinct values per file (or an expensive parse): parsed once per distinct
# value in a small dictionary table and joined back, instead of once per row.
DICTIONARY_KINDS = frozenset(
    {Kind.DATE, Kind.CPR, Kind.FUNCTION_CODE, Kind.ACCOUNT, Kind.CHOICE, Kind.INTEGER}
)


def _create_parsed(
    con: DuckDBPyConnection, staged: Staged, parsed: list[ParsedColumn], pads: tuple[bytes, bytes]
) -> None:
    """``parsed_<table>``: per column its text ``t_``, typed value ``v_``, error key ``e_`` and,
    for CPR columns, the pseudonym ``p_``; a value that is its text has ``v_`` only. Clear CPR
    numbers stay in temporary tables."""
    table = staged.table
    texts = ", ".join(f"{p.text} AS {q('t_' + p.column.name)}" for p in parsed)
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW text_{table} AS SELECT {ROW}, {texts} FROM raw_{table}"
    )
    selects = [f"x.{ROW}"]
    joins = []
    row_lets: list[tuple[str, str]] = []  # the per-row columns' intermediate values
    for p in parsed:
        name = p.column.name
        t, v, e = q("t_" + name), q("v_" + name), q("e_" + name)
        # the parse expressions were built on the trimmed text; here that text is column t_<name>
        column = parse_column(
            p.column, t, staged.style, p.stored_as_integer, layered=True, native=p.native
        )
        if _as_given(p):  # the value is the text: kept once, as v_<name>
            selects += [f"x.{t} AS {v}", f"{column.error} AS {e}"]
            continue
        if p.native or p.column.kind not in DICTIONARY_KINDS:
            row_lets += column.lets
            selects += [f"x.{t}", f"{column.typed} AS {v}", f"{column.error} AS {e}"]
            continue
        dictionary = f"dict_{table}_{name}"
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {dictionary} AS "
            f"SELECT {t}, {column.typed} AS {v}, {column.error} AS {e} "
            f"FROM {layer_sql(f'(SELECT DISTINCT {t} FROM text_{table})', list(column.lets))}"
        )
        source = dictionary
        if p.column.kind is Kind.CPR:
            source = _add_pseudonyms(con, dictionary, name, pads)
        alias = f"d_{name}"
        joins.append(f"LEFT JOIN {source} {alias} ON x.{t} IS NOT DISTINCT FROM {alias}.{t}")
        selects += [f"x.{t}", f"{alias}.{v}", f"{alias}.{e}"]
        if p.column.kind is Kind.CPR:
            selects.append(f"{alias}.{q('p_' + name)}")
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {staged.parsed} AS SELECT {', '.join(selects)} "
        f"FROM {layer_sql(f'text_{table}', row_lets)} x {' '.join(joins)}"
    )
    for p in parsed:
        con.execute(f"DROP TABLE IF EXISTS dict_{table}_{p.column.name}")
    con.execute(f"DROP VIEW IF EXISTS text_{table}")


def _as_given(parsed: ParsedColumn) -> bool:
    """Whether a column's value is its trimmed text as given (free text, codes, names)."""
    return not parsed.native and parsed.column.kind in (Kind.TEXT, Kind.CODE, Kind.PERSON_NAME)


def _text_of(parsed: ParsedColumn) -> str:
    """The parsed table's column with the text a column was given as (:func:`_create_parsed`)."""
    return q(("v_" if _as_given(parsed) else "t_") + parsed.column.name)


PSEUDONYMS = "import_pseudonyms"  # temporary: the import's valid CPR numbers and their pseudonyms


def _add_pseudonyms(
    con: DuckDBPyConnection, dictionary: str, name: str, pads: tuple[bytes, bytes]
) -> str:
    """A CPR column's dictionary with the pseudonym ``p_<name>`` of each valid number, as a
    relation to join (not stored again). Each number is hashed once per import (on the
    import's one connection, :data:`PSEUDONYMS`), however many files and columns hold it:
    citizens, both sides of relations, postings …"""
    v = q("v_" + name)
    con.execute(f"CREATE TEMP TABLE IF NOT EXISTS {PSEUDONYMS} (cpr VARCHAR, pseudonym VARCHAR)")
    new = con.sql(
        f"SELECT d.{v} AS cpr, {digest_sql('d.' + v)} AS digest FROM "
        f"(SELECT DISTINCT {v} FROM {dictionary} WHERE {v} IS NOT NULL) d "
        f"ANTI JOIN {PSEUDONYMS} s ON s.cpr = d.{v}",
        params=list(pads),
    ).to_arrow_table()
    if new.num_rows:  # the digests' letters in one vectorised pass (core.cpr.as_letters)
        letters = as_letters(new.column("digest"))
        con.register("new_pseudonyms", pa.table({"cpr": new.column("cpr"), "pseudonym": letters}))
        con.execute(f"INSERT INTO {PSEUDONYMS} SELECT cpr, pseudonym FROM new_pseudonyms")
        con.unregister("new_pseudonyms")
    return (
        f"(SELECT d.*, s.pseudonym AS {q('p_' + name)} FROM {dictionary} d "
        f"LEFT JOIN {PSEUDONYMS} s ON s.cpr = d.{v})"
    )


def _value_issues(
    con: DuckDBPyConnection, staged: Staged, parsed: list[ParsedColumn], sink: IssueSink
) -> None:
    union = " UNION ALL ".join(
        f"SELECT {ROW} AS r, {lit(p.column.name)} AS col, "
        f"CAST({_text_of(p)} AS VARCHAR) AS val, "
        f"{q('e_' + p.column.name)} AS err FROM {staged.parsed} "
        f"WHERE {q('e_' + p.column.name)} IS NOT NULL"
        for p in parsed
    )
    rows = con.execute(
        f"SELECT r, col, val, err, count(*) OVER (PARTITION BY col, err) FROM ({union}) "
        f"QUALIFY row_number() OVER (PARTITION BY col, err ORDER BY r) <= {PER_KIND} "
        "ORDER BY r, col"
    ).fetchall()
    seen: set[tuple[str, str]] = set()
    for row, name, value, key, total in rows:
        col = staged.contract.column(name)
        code, message, hint = value_message(key, col, staged.style)
        shown = mask(value) if col.kind is Kind.CPR and value else value or ""
        header = staged.header(name)
        sink.add(Issue(staged.path.name, row, header, shown, code, message, hint))
        if (name, key) not in seen:
            seen.add((name, key))
            sink.add_unlisted(staged.path.name, header, code, total - min(total, PER_KIND))


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


def _v(name: str) -> str:
    return q("v_" + name)


def _code_value(name: str) -> str:
    """A code column as stored: as given, or a keyed pseudonym of the whole code when it holds
    a CPR-like number (module docstring). Binds ``$outer`` and ``$inner``."""
    value = _v(name)
    prefix, length = (FAMILY_PREFIX, 12) if name == "family" else (CODE_PREFIX, PSEUDONYM_LENGTH)
    digest = pseudonym_sql(cpr_digits_sql(value), "$outer", "$inner")
    return (
        f"CASE WHEN {may_hold_cpr_sql(value)} AND "
        f"regexp_matches({value}, {lit(CPR_IN_TEXT_REGEX)}) "
        f"THEN {lit(prefix)} || left({digest}, {length}) ELSE {value} END"
    )


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


def _table_issues(con: DuckDBPyConnection, staged: Staged, sink: IssueSink) -> None:
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
        _report(
            con,
            staged,
            f"SELECT {ROW} AS r, t_end_date AS val FROM {p} WHERE v_end_date < v_start_date",
            "end_date",
            ErrorCode.PERIOD_REVERSED,
            "Aktiviteten slutter, før den starter",
            "Ret start- eller slutdatoen (slutdatoen er inklusiv).",
            sink,
        )
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


def _commitment_issues(con: DuckDBPyConnection, staged: Staged, sink: IssueSink) -> None:
    """A commitment has a period that is not reversed and either an amount or units per month
    (exactly one of them), neither negative."""
    p, has = staged.parsed, staged.headers
    if "end_date" in has:
        _report(
            con,
            staged,
            f"SELECT {ROW} AS r, t_end_date AS val FROM {p} WHERE v_end_date < v_start_date",
            "end_date",
            ErrorCode.PERIOD_REVERSED,
            "Disponeringen slutter, før den starter",
            "Ret start- eller slutdatoen (slutdatoen er inklusiv).",
            sink,
        )
    given = [c for c in ("monthly_amount", "units_per_month") if c in has]
    for name in given:
        _report(
            con,
            staged,
            f"SELECT {ROW} AS r, {q('t_' + name)} AS val FROM {p} WHERE {_v(name)} < 0",
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


def _stored_value(staged: Staged, name: str, kind: Kind, sql_type: str) -> str:
    if name not in staged.headers:
        return f"CAST(NULL AS {sql_type})"
    if kind is Kind.CPR:
        return q("p_" + name)
    if kind is Kind.TEXT:  # free text must not carry CPR numbers into the store
        masked = lit("\\1" + CPR_MASK)  # the character before the number is kept
        replaced = f"regexp_replace({_v(name)}, {lit(CPR_IN_TEXT_REGEX)}, {masked}, 'g')"
        return f"CASE WHEN {may_hold_cpr_sql(_v(name))} THEN {replaced} ELSE {_v(name)} END"
    if kind in CODE_KINDS:
        return _code_value(name)
    return _v(name)


def _create_typed(con: DuckDBPyConnection, staged: Staged, pads: tuple[bytes, bytes]) -> None:
    contract = staged.contract
    exprs: dict[str, str] = {}
    for col in contract.columns:
        exprs[col.stored_name] = _stored_value(
            staged, col.name, col.kind, SQL_TYPES.get(col.kind, "VARCHAR")
        )
    table = contract.table
    if table == "postings":
        account = _v("account") if "account" in staged.headers else "CAST(NULL AS VARCHAR)"
        digits = f"regexp_extract({account}, '^(\\d+)', 1)"
        fn = (
            f"substr({digits}, 1, 1) || '.' || substr({digits}, 2, 2) || '.' || "
            f"substr({digits}, 4, 2)"
        )
        exprs["function_code"] = f"coalesce({exprs['function_code']}, {fn})"
        exprs["dranst"] = (
            f"coalesce({exprs['dranst']}, "
            f"try_cast(nullif(substr({digits}, 6, 1), '') AS INTEGER), 1)"
        )
        exprs["grouping"] = f"coalesce({exprs['grouping']}, nullif(substr({digits}, 7, 3), ''))"
    if table == "citizens":
        exprs["birth_date"] = f"coalesce({exprs['birth_date']}, {birth_date_sql('v_cpr')})"
        exprs["family_source"] = (
            "CASE WHEN v_family IS NOT NULL THEN 'file' END"
            if "family" in staged.headers
            else "CAST(NULL AS VARCHAR)"
        )
    select = ", ".join(f"{exprs[name]} AS {q(name)}" for name, _ in stored_columns(contract))
    sql = (
        f"CREATE OR REPLACE TEMP TABLE {staged.typed} AS "
        f"SELECT {select}, {ROW} AS source_row FROM {staged.parsed}"
    )
    con.execute(sql, {"outer": pads[0], "inner": pads[1]} if "$outer" in sql else None)
