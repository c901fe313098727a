"""SQL (DuckDB) that parses one text column of a contract, and names what is wrong with a value.

For each column kind, :func:`parse_sql` gives the typed value and :func:`error_sql` a CASE that
yields an error key (``ErrorCode`` value, optionally ``code:variant``) or NULL. Both work on the
trimmed text of the column, so the whole file is checked in one statement.
"""

from __future__ import annotations

from dataclasses import dataclass

from tvaers.core.cpr import birth_date_sql
from tvaers.core.errors import ErrorCode
from tvaers.data.contracts import Column, Kind
from tvaers.data.readers import NumberStyle

INT_NUMBER = r"[-+]?\d+(\.\d+)?"
DK_NUMBER = r"[-+]?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?"
DK_NUMBER_WITH_COMMA = r"[-+]?(\d{1,3}(\.\d{3})+|\d+),\d+"
DOT_DECIMAL = r"[-+]?\d+\.\d{1,2}"
COMMA_DECIMAL = r"[-+]?\d{1,3}(\.\d{3})*,\d+|[-+]?\d+,\d+"
SCALE = {Kind.AMOUNT: 2, Kind.QUANTITY: 4}
EARLIEST_YEAR, LATEST_YEAR = 1850, 2100


def q(name: str) -> str:
    """Quote an identifier for DuckDB."""
    return '"' + name.replace('"', '""') + '"'


def lit(text: str) -> str:
    """Quote a string literal for DuckDB."""
    return "'" + text.replace("'", "''") + "'"


Lets = list[tuple[str, str]]  # intermediate values: (name, SQL over the text and earlier ones)


@dataclass(frozen=True)
class ParsedColumn:
    column: Column
    text: str  # SQL of the trimmed text, NULL when empty
    typed: str  # SQL of the typed value
    error: str  # SQL of the error key, NULL when fine
    stored_as_integer: bool = False
    native: bool = False  # the value arrives in its own type (a Parquet date, number, integer)
    # With ``layered``: the intermediate values ``typed`` and ``error`` refer to by name, each
    # to be computed once per value, in this order (:func:`layer_sql`); empty otherwise.
    lets: tuple[tuple[str, str], ...] = ()


class _Namer:
    """Names the intermediate values of one column's parse (``__<prefix>_<what>``), or, with no
    prefix, none: each use then repeats the value's SQL."""

    def __init__(self, prefix: str | None) -> None:
        self.prefix = prefix
        self.lets: Lets = []

    def let(self, what: str, sql: str) -> str:
        if self.prefix is None:
            return f"({sql})"
        name = q(f"__{self.prefix}_{what}")
        self.lets.append((name, sql))
        return name


def layer_sql(source: str, lets: Lets) -> str:
    """``source`` (a relation) with the ``lets`` added as columns, each computed once per row:
    one nested SELECT per let, since DuckDB repeats an expression wherever it is written (a
    regular expression used in the typed value and in three error branches ran four times)."""
    sql = source
    for name, expr in lets:
        sql = f"(SELECT *, {expr} AS {name} FROM {sql})"
    return sql


MAX_AMOUNT = 100_000_000_000  # kr.: more than any municipality's whole budget in one posting;
# the engine sums and splits pools of such amounts without overflow (DECIMAL(18,2) x weights)


def _number(t: str, kind: Kind, style: NumberStyle, n: _Namer) -> tuple[str, str]:
    scale = SCALE[kind]
    if style is NumberStyle.DANISH:
        ok = n.let("ok", f"regexp_full_match({t}, {lit(DK_NUMBER)})")
        norm = n.let("norm", f"replace(replace({t}, '.', ''), ',', '.')")
        mixed = n.let("mixed", f"regexp_full_match({t}, {lit(DOT_DECIMAL)})")
    elif style is NumberStyle.INTERNATIONAL:
        ok = n.let("ok", f"regexp_full_match({t}, {lit(INT_NUMBER)})")
        norm = t
        mixed = n.let("mixed", f"regexp_full_match({t}, {lit(COMMA_DECIMAL)})")
    else:  # typed sources: numbers arrive as numbers; text cells may be Danish with a comma
        dk = n.let("dk", f"regexp_full_match({t}, {lit(DK_NUMBER_WITH_COMMA)})")
        ok = n.let("ok", f"(regexp_full_match({t}, {lit(INT_NUMBER)}) OR {dk})")
        norm = n.let(
            "norm", f"CASE WHEN {dk} THEN replace(replace({t}, '.', ''), ',', '.') ELSE {t} END"
        )
        mixed = "FALSE"
    decimals = n.let("decimals", f"length(regexp_extract({norm}, '\\.(\\d+)$', 1))")
    typed = n.let(
        "value",
        f"CASE WHEN {ok} AND {decimals} <= {scale} "
        f"THEN try_cast({norm} AS DECIMAL(18,{scale})) END",
    )
    error = (
        f"CASE WHEN {mixed} AND NOT {ok} THEN '{ErrorCode.NUMBER_STYLE_MIXED}' "
        f"WHEN NOT {ok} THEN '{ErrorCode.NUMBER_INVALID}' "
        f"WHEN {decimals} > {scale} THEN '{ErrorCode.AMOUNT_PRECISION}:{scale}' "
        f"WHEN {typed} IS NULL THEN '{ErrorCode.NUMBER_INVALID}:range' "
        + (f"WHEN abs({typed}) > {MAX_AMOUNT} THEN '{ErrorCode.NUMBER_INVALID}:amount' "
           if kind is Kind.AMOUNT else "")
        + "END"
    )  # fmt: skip
    if style is NumberStyle.DANISH:
        # in a Danish file a dot followed by 1-2 digits can only be a dot decimal
        error = f"CASE WHEN {mixed} THEN '{ErrorCode.NUMBER_STYLE_MIXED}' ELSE ({error}) END"
        typed = f"CASE WHEN NOT {mixed} THEN {typed} END"
    return typed, error


def _date(t: str, n: _Namer) -> tuple[str, str]:
    formats = (
        (r"\d{4}-\d{1,2}-\d{1,2}", t, "%Y-%m-%d"),
        (r"\d{4}-\d{2}-\d{2}[ T]00:00(:00(\.0+)?)?", f"left({t}, 10)", "%Y-%m-%d"),
        (r"\d{1,2}-\d{1,2}-\d{4}", t, "%d-%m-%Y"),
        (r"\d{1,2}\.\d{1,2}\.\d{4}", t, "%d.%m.%Y"),
    )
    whens = " ".join(
        f"WHEN regexp_full_match({t}, {lit(rx)}) THEN try_strptime({src}, {lit(fmt)})"
        for rx, src, fmt in formats
    )
    return _dated(n.let("stamp", f"(CASE {whens} END)"), n)


def _dated(stamp: str, n: _Namer) -> tuple[str, str]:
    """A date (or timestamp) kept when its year is plausible, else the date error."""
    typed = n.let(
        "value",
        f"CASE WHEN year({stamp}) BETWEEN {EARLIEST_YEAR} AND {LATEST_YEAR} "
        f"THEN CAST({stamp} AS DATE) END",
    )
    return typed, f"CASE WHEN {typed} IS NULL THEN '{ErrorCode.DATE_INVALID}' END"


def _cpr(t: str, stored_as_integer: bool, n: _Namer) -> tuple[str, str]:
    norm = f"replace(replace({t}, '-', ''), ' ', '')"  # 4x faster than a regular expression
    if stored_as_integer:  # a CPR kept as a number lost its leading zero
        norm = f"lpad({norm}, 10, '0')"
    norm = n.let("norm", norm)
    birth = n.let("birth", birth_date_sql(norm))
    error = (
        f"CASE WHEN NOT regexp_full_match({norm}, '[0-9]{{10}}') "
        f"THEN '{ErrorCode.CPR_INVALID}:format' "
        f"WHEN {birth} IS NULL THEN '{ErrorCode.CPR_INVALID}:date' "
        f"WHEN {birth} > current_date THEN '{ErrorCode.CPR_INVALID}:future' END"
    )
    return f"CASE WHEN {birth} <= current_date THEN {norm} END", error


def _integer(t: str, col: Column, n: _Namer, value_sql: str = "") -> tuple[str, str]:
    value = n.let(
        "value",
        value_sql
        or f"CASE WHEN regexp_full_match({t}, '[-+]?\\d+(\\.0+)?') "
        f"THEN try_cast(try_cast({t} AS DOUBLE) AS BIGINT) END",
    )
    bounds = []
    if col.minimum is not None:
        bounds.append(f"{value} < {col.minimum}")
    if col.maximum is not None:
        bounds.append(f"{value} > {col.maximum}")
    out_of_range = " OR ".join(bounds) or "FALSE"
    typed = f"CASE WHEN NOT ({out_of_range}) THEN {value} END"
    error = (
        f"CASE WHEN {value} IS NULL THEN '{ErrorCode.INTEGER_INVALID}' "
        f"WHEN {out_of_range} THEN '{ErrorCode.INTEGER_INVALID}:range' END"
    )
    return typed, error


def _choice(t: str, col: Column, n: _Namer) -> tuple[str, str]:
    whens = " ".join(f"WHEN {lit(k)} THEN {lit(v)}" for k, v in col.choices.items())
    typed = n.let("value", f"CASE lower({t}) {whens} END")
    return typed, f"CASE WHEN {typed} IS NULL THEN '{ErrorCode.CHOICE_INVALID}' END"


def _function_code(t: str, n: _Namer) -> tuple[str, str]:
    norm = n.let("norm", f"regexp_replace({t}, '[ .]', '', 'g')")
    typed = n.let(
        "value",
        f"CASE WHEN regexp_full_match({norm}, '\\d{{5}}') THEN "
        f"substr({norm}, 1, 1) || '.' || substr({norm}, 2, 2) || '.' || substr({norm}, 4, 2) END",
    )
    return typed, f"CASE WHEN {typed} IS NULL THEN '{ErrorCode.CODE_INVALID}:function' END"


def _account(t: str, n: _Namer) -> tuple[str, str]:
    typed = n.let("value", f"CASE WHEN regexp_full_match({t}, '\\d{{9,}}([^0-9].*)?') THEN {t} END")
    return typed, f"CASE WHEN {typed} IS NULL THEN '{ErrorCode.CODE_INVALID}:account' END"


def _native(t: str, col: Column, n: _Namer) -> tuple[str, str]:
    """The parse of a value that arrives in its own type (a Parquet date, number or integer,
    :mod:`tvaers.data.parquet`): the same checks as the text's, on the value itself."""
    if col.kind is Kind.DATE:
        return _dated(t, n)
    if col.kind is Kind.INTEGER:
        return _integer(t, col, n, f"try_cast({t} AS BIGINT)")
    scale = SCALE[col.kind]
    exact = n.let("exact", f"{t} = round({t}, {scale})")  # no more decimals than allowed
    value = n.let("value", f"CASE WHEN {exact} THEN try_cast({t} AS DECIMAL(18,{scale})) END")
    error = (
        f"CASE WHEN NOT {exact} THEN '{ErrorCode.AMOUNT_PRECISION}:{scale}' "
        f"WHEN {value} IS NULL THEN '{ErrorCode.NUMBER_INVALID}:range' "
        + (f"WHEN abs({value}) > {MAX_AMOUNT} THEN '{ErrorCode.NUMBER_INVALID}:amount' "
           if col.kind is Kind.AMOUNT else "")
        + "END"
    )  # fmt: skip
    return value, error


def text_sql(header: str) -> str:
    """The trimmed text of a raw column, NULL when empty. ``trim`` (which removes spaces) makes a
    new string of every value; only a value that begins or ends with a space needs it."""
    c = q(header)
    return (
        f"CASE WHEN {c} = '' THEN NULL WHEN starts_with({c}, ' ') OR ends_with({c}, ' ') "
        f"THEN nullif(trim({c}), '') ELSE {c} END"
    )


def parse_column(
    col: Column,
    t: str,
    style: NumberStyle,
    stored_as_integer: bool = False,
    layered: bool = False,
    native: bool = False,
) -> ParsedColumn:
    """The parse of one column whose trimmed text (NULL when empty) is the SQL ``t`` — or, with
    ``native``, whose value in its own type it is. With ``layered`` the values it uses more
    than once are in ``lets`` (select them first with :func:`layer_sql`); otherwise ``typed``
    and ``error`` are self-contained expressions."""
    kind = col.kind
    n = _Namer(col.name if layered else None)
    if native:
        typed, error = _native(t, col, n)
    elif kind in (Kind.AMOUNT, Kind.QUANTITY):
        typed, error = _number(t, kind, style, n)
    elif kind is Kind.DATE:
        typed, error = _date(t, n)
    elif kind is Kind.CPR:
        typed, error = _cpr(t, stored_as_integer, n)
    elif kind is Kind.INTEGER:
        typed, error = _integer(t, col, n)
    elif kind is Kind.CHOICE:
        typed, error = _choice(t, col, n)
    elif kind is Kind.FUNCTION_CODE:
        typed, error = _function_code(t, n)
    elif kind is Kind.ACCOUNT:
        typed, error = _account(t, n)
    else:
        typed, error = t, "NULL"
    required = f"'{ErrorCode.VALUE_REQUIRED}'" if col.required else "NULL"
    full_error = f"CASE WHEN {t} IS NULL THEN {required} ELSE ({error}) END"
    return ParsedColumn(
        col,
        t,
        f"CASE WHEN {t} IS NOT NULL THEN {typed} END",
        full_error,
        stored_as_integer,
        native,
        tuple(n.lets),
    )
