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
from tvaers.data.file_checks import table_issues, v
from tvaers.data.issues import PER_KIND, IssueSink
from tvaers.data.messages import value_message
from tvaers.data.parsing import ParsedColumn, layer_sql, lit, parse_column, q, text_sql
from tvaers.data.readers import ROW, RawTable
from tvaers.data.schema import SQL_TYPES, stored_columns
from tvaers.data.staged import Staged

CPR_MASK = "[CPR fjernet]"
CODE_PREFIX = "P-"  # a code column's value that held a CPR number (module docstring)
CODE_KINDS = frozenset({Kind.CODE, Kind.ACCOUNT})


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
    table_issues(con, staged, sink)
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


def _code_value(name: str) -> str:
    """A code column as stored: as given, or a keyed pseudonym of the whole code when it holds
    a CPR-like number (module docstring). Binds ``$outer`` and ``$inner``."""
    value = v(name)
    prefix, length = (FAMILY_PREFIX, 12) if name == "family" else (CODE_PREFIX, PSEUDONYM_LENGTH)
    digest = pseudonym_sql(cpr_digits_sql(value), "$outer", "$inner")
    return (
        f"CASE WHEN {may_hold_cpr_sql(value)} AND "
        f"regexp_matches({value}, {lit(CPR_IN_TEXT_REGEX)}) "
        f"THEN {lit(prefix)} || left({digest}, {length}) ELSE {value} END"
    )


def _stored_value(staged: Staged, name: str, kind: Kind, sql_type: str) -> str:
    if name not in staged.headers:
        return f"CAST(NULL AS {sql_type})"
    if kind is Kind.CPR:
        return q("p_" + name)
    if kind is Kind.TEXT:  # free text must not carry CPR numbers into the store
        masked = lit("\\1" + CPR_MASK)  # the character before the number is kept
        replaced = f"regexp_replace({v(name)}, {lit(CPR_IN_TEXT_REGEX)}, {masked}, 'g')"
        return f"CASE WHEN {may_hold_cpr_sql(v(name))} THEN {replaced} ELSE {v(name)} END"
    if kind in CODE_KINDS:
        return _code_value(name)
    return v(name)


def _create_typed(con: DuckDBPyConnection, staged: Staged, pads: tuple[bytes, bytes]) -> None:
    contract = staged.contract
    exprs: dict[str, str] = {}
    for col in contract.columns:
        exprs[col.stored_name] = _stored_value(
            staged, col.name, col.kind, SQL_TYPES.get(col.kind, "VARCHAR")
        )
    table = contract.table
    if table == "postings":
        account = v("account") if "account" in staged.headers else "CAST(NULL AS VARCHAR)"
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
