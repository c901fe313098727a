"""The case systems' own exports of commitments, recognised by their Danish headers and turned
into rows of the ``commitments`` table (docs/data-contract.md, «Disponeringer fra
sagssystemernes eksport»).

* A **services export** (ydelsesudtræk) has the column «Ydelse startdato». Each row is one
  service: «CPR-nummer», «Ydelse» (the intervention's code or name), «Ydelse startdato»,
  «Ydelse slutdato», «Antal», «Takst», «Pris pr dag/måned», «Frekvens», «Beregnet total» and,
  read but not used, «Lovhjemmel», «Funktion», «Leverandør». The monthly amount is «Takst» ×
  «Antal» (empty: 1) × the frequency's months factor; without «Takst», «Pris pr dag/måned» per
  day (frequency daily) or per month; a one-off service («engangs») is its amount (or «Beregnet
  total») in full in its start month.
* A **payments export** (betalingsudtræk) has the columns «Indeværende år» and «Næste år»: per
  case, «CPR-nummer», «Funktion» (and optionally «Ydelse»), what is still to be paid this year
  and next year. The intervention is the one of the function in ``interventions`` (or «Ydelse»).
  This year's amount is spread evenly over the months after the export's month («Opgjort pr.»,
  else the import day) to December (an export from December: December), next year's over its
  twelve months, exact to the øre: each month the amount ÷ months rounded down, the øre left over
  one each to the earliest months (the largest remainder, ties in month order).

The export's values are checked set-based in DuckDB, its problems named by the export's own
column names and rows; what comes out is a :class:`RawTable` in the contract's shape (with the
mapping from contract columns to the export's headers) that is staged like any commitments file.
"""

from __future__ import annotations

from dataclasses import dataclass

from duckdb import DuckDBPyConnection

from tvaers.core.errors import ErrorCode, Issue
from tvaers.core.periods import today
from tvaers.data.contracts import Column, Kind, fold
from tvaers.data.issues import PER_KIND, IssueSink
from tvaers.data.messages import value_message
from tvaers.data.parquet import as_text
from tvaers.data.parsing import lit, parse_column, text_sql
from tvaers.data.readers import ROW, NumberStyle, RawTable

SERVICES, PAYMENTS = "services", "payments"
ONCE = 0  # the frequency factor's numerator of a one-off service
# Frequency (folded) -> months factor numerator/denominator: 365.25 days a year, 12 months.
FREQUENCIES: dict[str, tuple[int, int]] = {
    **dict.fromkeys(("dag", "daglig", "dagligt", "pr_dag", "doegn"), (1461, 48)),
    **dict.fromkeys(("uge", "ugentlig", "ugentligt", "pr_uge"), (1461, 336)),
    **dict.fromkeys(("14_dage", "hver_14_dag", "hver_14_dage", "14_dags"), (1461, 672)),
    **dict.fromkeys(("maaned", "maanedlig", "maanedligt", "pr_maaned", "md"), (1, 1)),
    **dict.fromkeys(("kvartal", "kvartalsvis"), (1, 3)),
    **dict.fromkeys(("halvaar", "halvaarlig", "halvaarligt"), (1, 6)),
    **dict.fromkeys(("aar", "aarlig", "aarligt", "pr_aar"), (1, 12)),
    **dict.fromkeys(
        ("engang", "engangs", "engangsydelse", "engangsudgift", "enkeltstaaende"), (ONCE, 1)
    ),
}


@dataclass(frozen=True)
class Field:
    """A column of an export: its role, the headers it is recognised by, its kind."""

    role: str
    names: tuple[str, ...]
    kind: Kind
    required: bool = False


_CPR = Field("cpr", ("CPR-nummer", "cpr", "cprnr", "cpr_nr", "personnummer"), Kind.CPR, True)
_INTERVENTION = Field("intervention", ("Ydelse", "Ydelseskode", "Indsats"), Kind.CODE)
_CASEWORKER = Field("caseworker", ("Sagsbehandler",), Kind.CODE)
SHAPES: dict[str, tuple[Field, ...]] = {
    SERVICES: (
        _CPR,
        Field("intervention", _INTERVENTION.names, Kind.CODE, True),
        Field("start", ("Ydelse startdato",), Kind.DATE, True),
        Field("end", ("Ydelse slutdato",), Kind.DATE),
        Field("count", ("Antal",), Kind.QUANTITY),
        Field("rate", ("Takst",), Kind.AMOUNT),
        Field("price", ("Pris pr dag/måned", "Pris pr. dag/måned"), Kind.AMOUNT),
        Field("frequency", ("Frekvens",), Kind.CODE),
        Field("total", ("Beregnet total",), Kind.AMOUNT),
        _CASEWORKER,
    ),
    PAYMENTS: (
        _CPR,
        _INTERVENTION,
        Field("function", ("Funktion", "Funktionskode"), Kind.FUNCTION_CODE, True),
        Field("this_year", ("Indeværende år",), Kind.AMOUNT, True),
        Field("next_year", ("Næste år",), Kind.AMOUNT),
        Field("as_of", ("Opgjort pr.", "Udtræksdato"), Kind.DATE),
        _CASEWORKER,
    ),
}
SIGNATURES = {SERVICES: ("ydelse_startdato",), PAYMENTS: ("indevaerende_aar", "naeste_aar")}
_OUT = ("cpr", "intervention", "start_date", "end_date", "monthly_amount", "caseworker")


def recognise(headers: list[str]) -> str | None:
    """The export shape a file's headers show, or None for the contract's own shape."""
    folded = {fold(h) for h in headers}
    for shape, signature in SIGNATURES.items():
        if all(s in folded for s in signature):
            return shape
    return None


def reshape(
    con: DuckDBPyConnection, raw: RawTable, interventions: str | None, sink: IssueSink
) -> tuple[RawTable | None, dict[str, str] | None]:
    """``raw`` as commitments rows and the mapping from contract columns to the export's own
    headers; ``raw`` itself (and None) when it is in the contract's shape; (None, None) when the
    export has problems (reported to ``sink``). ``interventions``: the relation of the
    interventions (staged or loaded), or None when there are none."""
    if raw.table is None:
        return raw, None
    shape = recognise(raw.headers)
    if shape is None:
        return raw, None
    raw = as_text(raw)  # typed Parquet columns were kept for the contract's columns, not these
    sink.extend(raw.issues)  # the reader's problems (rows of a wrong width …)
    found = _resolve(SHAPES[shape], raw.headers)
    missing = [f for f in SHAPES[shape] if f.required and f.role not in found]
    if shape == SERVICES and not {"rate", "price", "total"} & found.keys():
        missing.append(Field("rate", ("Takst",), Kind.AMOUNT))
    if missing:
        for f in missing:
            message = f"Kolonnen «{f.names[0]}» mangler i {_what(shape)}"
            hint = "Tilføj kolonnen i overskriftsrækken (se datakontrakten)."
            sink.add(_issue(raw, 1, f.names[0], "", ErrorCode.COLUMN_MISSING, message, hint))
        return None, None
    con.register("raw_export", raw.table)
    fields = {f.role: f for f in SHAPES[shape] if f.role in found}
    _parse(con, raw, fields, found)
    con.unregister("raw_export")
    problems = sink.total
    _value_issues(con, raw, fields, found, sink)
    _resolve_intervention(con, raw, shape, found, interventions, sink)
    if shape == SERVICES:
        _services_issues(con, raw, found, sink)
    if sink.total > problems:
        return None, None
    sql = _services_sql(found) if shape == SERVICES else _payments_sql(found)
    table = con.sql(_text_sql(sql)).to_arrow_table()
    headers = _output_headers(shape, found)
    out = RawTable(raw.path, table, NumberStyle.INTERNATIONAL, raw.encoding, [],
                   headers=list(headers.values()), sheet=raw.sheet, sheets=raw.sheets)  # fmt: skip
    if raw.column_of(found["cpr"]) in raw.integer_columns:
        out.integer_columns = frozenset({"c0"})
    return out, headers


def _what(shape: str) -> str:
    return "ydelsesudtrækket" if shape == SERVICES else "betalingsudtrækket"


def _issue(raw: RawTable, row: int, column: str, value: str, code: ErrorCode, message: str,
           hint: str) -> Issue:  # fmt: skip
    return Issue(raw.path.name, row, column, value, code, message, hint)


def _resolve(fields: tuple[Field, ...], headers: list[str]) -> dict[str, str]:
    """Role -> the file's header (case, spaces and æøå folded; the first occurrence wins)."""
    folded = {fold(h): h for h in reversed(headers)}
    return {
        f.role: folded[fold(name)]
        for f in fields
        for name in reversed(f.names)  # the first name listed wins
        if fold(name) in folded
    }


def _parse(
    con: DuckDBPyConnection, raw: RawTable, fields: dict[str, Field], found: dict[str, str]
) -> None:
    """``export_parsed``: per role its text ``t_``, typed value ``v_`` and error key ``e_``."""
    selects = [ROW]
    for role, f in fields.items():
        safe = raw.column_of(found[role])
        kind = Kind.CODE if f.kind is Kind.CPR else f.kind  # the CPR is checked when staged
        parsed = parse_column(Column(role, kind, f.required), text_sql(safe), raw.style,
                              safe in raw.integer_columns)  # fmt: skip
        selects += [f"{parsed.text} AS t_{role}", f"{parsed.typed} AS v_{role}",
                    f"{parsed.error} AS e_{role}"]  # fmt: skip
        if f.kind in (Kind.AMOUNT, Kind.QUANTITY):  # no commitment is negative
            selects[-1] = (
                f"coalesce({parsed.error}, CASE WHEN {parsed.typed} < 0 "
                f"THEN '{ErrorCode.NUMBER_INVALID}:negative' END) AS e_{role}"
            )
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE export_parsed AS SELECT {', '.join(selects)} FROM raw_export"
    )


def _value_issues(
    con: DuckDBPyConnection,
    raw: RawTable,
    fields: dict[str, Field],
    found: dict[str, str],
    sink: IssueSink,
) -> None:
    for role, f in fields.items():
        rows = con.execute(
            f"SELECT {ROW}, t_{role}, e_{role}, count(*) OVER (PARTITION BY e_{role}) "
            f"FROM export_parsed WHERE e_{role} IS NOT NULL "
            f"QUALIFY row_number() OVER (PARTITION BY e_{role} ORDER BY {ROW}) <= {PER_KIND} "
            f"ORDER BY {ROW}"
        ).fetchall()
        column = Column(found[role], f.kind, f.required)
        for row, value, key, _total in rows:
            code, message, hint = value_message(key, column, raw.style)
            sink.add(_issue(raw, row, found[role], value or "", code, message, hint))
        for key in {r[2] for r in rows}:
            total = next(r[3] for r in rows if r[2] == key)
            shown = sum(1 for r in rows if r[2] == key)
            sink.add_unlisted(raw.path.name, found[role], ErrorCode(key.partition(":")[0]),
                              total - shown)  # fmt: skip


def _report(
    con: DuckDBPyConnection, raw: RawTable, sql: str, column: str, code: ErrorCode,
    message: str, hint: str, sink: IssueSink,
) -> None:  # fmt: skip
    """An issue per row of ``sql`` (columns: row, value), the first ``PER_KIND`` listed."""
    rows = con.execute(
        f"SELECT r, val, count(*) OVER () FROM ({sql}) ORDER BY r LIMIT {PER_KIND}"
    ).fetchall()
    for row, value, _ in rows:
        sink.add(_issue(raw, row, column, str(value or ""), code, message, hint))
    if rows:
        sink.add_unlisted(raw.path.name, column, code, rows[0][2] - len(rows))


def _fold_sql(t: str) -> str:
    """DuckDB's version of :func:`~tvaers.data.contracts.fold` for short texts."""
    lowered = f"replace(replace(replace(lower({t}), 'æ', 'ae'), 'ø', 'oe'), 'å', 'aa')"
    return f"trim(regexp_replace({lowered}, '[^a-z0-9]+', '_', 'g'), '_')"


def _frequency_sql(t: str, part: int) -> str:
    """The months factor's numerator (``part`` 0) or denominator (1) of a frequency text."""
    whens = " ".join(f"WHEN {lit(k)} THEN {v[part]}" for k, v in FREQUENCIES.items())
    return f"(CASE {_fold_sql(t)} {whens} END)"


def _v(found: dict[str, str], role: str, prefix: str = "v") -> str:
    """A parsed column of ``export_ready``, NULL when the export has no such column."""
    return f"p.{prefix}_{role}" if role in found else "NULL"


def _resolve_intervention(
    con: DuckDBPyConnection,
    raw: RawTable,
    shape: str,
    found: dict[str, str],
    interventions: str | None,
    sink: IssueSink,
) -> None:
    """``export_ready``: the parsed rows with ``iv``, the intervention: «Ydelse» by its code or
    (one) name; for a payments export without it, the one intervention of «Funktion». A code not
    found stays as written (the import's reference check names it)."""
    ivs = interventions or (
        "(SELECT NULL::VARCHAR AS intervention, NULL::VARCHAR AS name, "
        "NULL::VARCHAR AS function_code WHERE FALSE)"
    )
    given = _v(found, "intervention")
    by_function = "CASE WHEN fn.k = 1 THEN fn.code END" if shape == PAYMENTS else "NULL"
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE export_ready AS "
        f"WITH ivs AS (SELECT intervention, name, function_code FROM {ivs}), "
        "names AS (SELECT lower(trim(name)) AS n, min(intervention) AS code, count(*) AS k "
        "FROM ivs GROUP BY 1), "
        "fn AS (SELECT function_code, min(intervention) AS code, count(*) AS k, "
        "string_agg(intervention, ', ' ORDER BY intervention) AS codes FROM ivs "
        "WHERE function_code IS NOT NULL GROUP BY 1) "
        f"SELECT p.*, CASE WHEN {given} IS NOT NULL THEN coalesce(c.intervention, "
        f"CASE WHEN nm.k = 1 THEN nm.code END, {given}) ELSE {by_function} END AS iv, "
        "fn.k AS function_k, fn.codes AS function_codes "
        "FROM export_parsed p "
        f"LEFT JOIN ivs c ON c.intervention = {given} "
        f"LEFT JOIN names nm ON nm.n = lower({given}) "
        f"LEFT JOIN fn ON fn.function_code = {_v(found, 'function')}"
    )
    if shape != PAYMENTS:
        return
    column = found["function"]
    hint = f"Tilføj kolonnen «{_INTERVENTION.names[0]}» med indsatsens kode"
    _report(
        con, raw,
        f"SELECT {ROW} AS r, t_function AS val FROM export_ready p "
        f"WHERE {given} IS NULL AND function_k IS NULL",
        column, ErrorCode.UNKNOWN_INTERVENTION,
        "Ingen indsats i indsatser (interventions) har denne funktion",
        hint + ", eller funktionen på indsatsen i interventions.", sink,
    )  # fmt: skip
    _report(
        con, raw,
        f"SELECT {ROW} AS r, t_function || ' (' || function_codes || ')' AS val "
        f"FROM export_ready p WHERE {given} IS NULL AND function_k > 1",
        column, ErrorCode.UNKNOWN_INTERVENTION,
        "Funktionen dækker flere indsatser, så indsatsen kan ikke afgøres af den",
        hint + ".", sink,
    )  # fmt: skip


def _services_issues(
    con: DuckDBPyConnection, raw: RawTable, found: dict[str, str], sink: IssueSink
) -> None:
    """A frequency that is known, and with a rate; something to price each row by."""
    frequency, rate = _v(found, "frequency", "t"), _v(found, "rate")
    once = f"coalesce({_frequency_sql(frequency, 0)} = {ONCE}, FALSE)"
    if "frequency" in found:
        _report(
            con, raw,
            f"SELECT {ROW} AS r, t_frequency AS val FROM export_ready p "
            f"WHERE t_frequency IS NOT NULL AND {_frequency_sql('t_frequency', 0)} IS NULL",
            found["frequency"], ErrorCode.CHOICE_INVALID, "Frekvensen kendes ikke",
            "Brug fx dagligt, ugentligt, hver 14. dag, månedligt, kvartalsvis, halvårligt, "
            "årligt eller engangs.", sink,
        )  # fmt: skip
    _report(
        con, raw,
        f"SELECT {ROW} AS r, {_v(found, 'rate', 't')} AS val FROM export_ready p "
        f"WHERE {rate} IS NOT NULL AND {frequency} IS NULL",
        found.get("frequency", "Frekvens"), ErrorCode.VALUE_REQUIRED,
        "Frekvens skal udfyldes, når Takst er udfyldt",
        "Angiv, hvor ofte taksten betales (fx dagligt eller månedligt).", sink,
    )  # fmt: skip
    _report(
        con, raw,
        f"SELECT {ROW} AS r, '' AS val FROM export_ready p WHERE {rate} IS NULL "
        f"AND {_v(found, 'price')} IS NULL AND NOT ({once} AND {_v(found, 'total')} IS NOT NULL)",
        found.get("rate", "Takst"), ErrorCode.VALUE_REQUIRED,
        "Rækken har hverken Takst eller Pris pr dag/måned",
        "Udfyld Takst (og Frekvens) eller Pris pr dag/måned; en engangsydelse kan nøjes med "
        "Beregnet total.", sink,
    )  # fmt: skip


def _ore(value: str) -> str:
    return f"CAST({value} * 100 AS HUGEINT)"


def _half_even(n: str, d: str) -> str:
    """``n / d`` rounded half to even, for ``n >= 0, d > 0`` (integers)."""
    return (
        f"(({n}) // ({d}) + CASE WHEN 2 * (({n}) % ({d})) > ({d}) OR (2 * (({n}) % ({d})) = ({d}) "
        f"AND (({n}) // ({d})) % 2 = 1) THEN 1 ELSE 0 END)"
    )


def _services_sql(found: dict[str, str]) -> str:
    """One commitment per service: its monthly amount in øre (module docstring)."""
    num, den = (
        _frequency_sql(_v(found, "frequency", "t"), 0),
        _frequency_sql(_v(found, "frequency", "t"), 1),
    )
    once = f"coalesce({num} = {ONCE}, FALSE)"
    daily = f"coalesce({num} = 1461 AND {den} = 48, FALSE)"
    count = f"coalesce(CAST({_v(found, 'count')} * 10000 AS HUGEINT), 10000)"
    rate, price, total = _v(found, "rate"), _v(found, "price"), _v(found, "total")
    amount = (
        f"CASE WHEN {rate} IS NOT NULL THEN "
        + _half_even(f"{_ore(rate)} * {count} * CASE WHEN {once} THEN 1 ELSE {num} END",
                     f"10000 * CASE WHEN {once} THEN 1 ELSE {den} END")
        + f" WHEN {price} IS NOT NULL THEN "
        + _half_even(f"{_ore(price)} * CASE WHEN {daily} THEN 1461 ELSE 1 END",
                     f"CASE WHEN {daily} THEN 48 ELSE 1 END")
        + f" ELSE {_ore(total)} END"
    )  # fmt: skip
    start = "p.v_start"
    return (
        f"SELECT {ROW}, p.t_cpr AS cpr, p.iv, "
        f"CASE WHEN {once} THEN CAST(date_trunc('month', {start}) AS DATE) ELSE {start} END "
        f"AS start_date, CASE WHEN {once} THEN last_day({start}) ELSE {_v(found, 'end')} END "
        f"AS end_date, {amount} AS amount_ore, {_v(found, 'caseworker', 't')} AS caseworker "
        "FROM export_ready p"
    )


def _spread(year: str, first: str, months: str, amount: str, caseworker: str) -> str:
    """``amount`` øre over ``months`` months of ``year`` from month ``first``: the first
    ``amount % months`` months one øre more than ``amount // months`` (two commitments)."""
    base, extra = f"({amount}) // ({months})", f"CAST(({amount}) % ({months}) AS BIGINT)"
    head = (
        f"SELECT {ROW}, p.t_cpr AS cpr, p.iv, make_date({year}, {first}, 1) AS start_date, "
        f"last_day(make_date({year}, {first} + {extra} - 1, 1)) AS end_date, "
        f"{base} + 1 AS amount_ore, {caseworker} AS caseworker FROM export_dated p "
        f"WHERE {amount} > 0 AND {extra} > 0"
    )
    rest = (
        f"SELECT {ROW}, p.t_cpr AS cpr, p.iv, make_date({year}, {first} + {extra}, 1), "
        f"make_date({year}, 12, 31), {base}, {caseworker} FROM export_dated p "
        f"WHERE {amount} > 0 AND {base} > 0"
    )
    return f"{head} UNION ALL {rest}"


def _payments_sql(found: dict[str, str]) -> str:
    """Up to four commitments per case: this year's rest and next year (module docstring)."""
    as_of = f"coalesce({_v(found, 'as_of')}, DATE {lit(today().isoformat())})"
    caseworker = _v(found, "caseworker", "t")
    this_year = f"coalesce({_ore('p.v_this_year')}, 0)"
    next_year = f"coalesce({_ore(_v(found, 'next_year'))}, 0)"
    dated = (
        f"export_dated AS (SELECT p.*, year({as_of}) AS y, "
        f"CASE WHEN month({as_of}) = 12 THEN 12 ELSE month({as_of}) + 1 END AS f "
        "FROM export_ready p)"
    )
    return (
        f"WITH {dated} "
        f"{_spread('p.y', 'p.f', '13 - p.f', this_year, caseworker)} UNION ALL "
        f"{_spread('p.y + 1', '1', '12', next_year, caseworker)}"
    )


def _text_sql(sql: str) -> str:
    """The commitments as text in the contract's shape (columns c0-c5 and the row)."""
    return (
        f"SELECT cpr AS c0, iv AS c1, strftime(start_date, '%Y-%m-%d') AS c2, "
        f"strftime(end_date, '%Y-%m-%d') AS c3, "
        f"CAST(amount_ore // 100 AS VARCHAR) || '.' || lpad(CAST(amount_ore % 100 AS VARCHAR), "
        f"2, '0') AS c4, caseworker AS c5, {ROW} FROM ({sql}) ORDER BY {ROW}, c2"
    )


def _output_headers(shape: str, found: dict[str, str]) -> dict[str, str]:
    """Contract column -> the header a problem with it is told under (unique)."""
    if shape == SERVICES:
        amount = next(found[r] for r in ("rate", "price", "total") if r in found)
        start, end = found["start"], found.get("end", "Ydelse slutdato")
    else:
        amount, start, end = found["this_year"], "Første måned", "Sidste måned"
    intervention = found.get("intervention") or found["function"]
    headers = dict(zip(_OUT, (found["cpr"], intervention, start, end, amount,
                              found.get("caseworker", "Sagsbehandler")), strict=True))  # fmt: skip
    return headers
