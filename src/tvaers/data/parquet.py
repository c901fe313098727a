"""Read Parquet: a column already in the type its contract column holds stays in that type;
any other column becomes text in canonical form (see :mod:`tvaers.data.readers`)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from tvaers.core.errors import ErrorCode, Issue
from tvaers.data.contracts import Contract, Kind, resolve_headers
from tvaers.data.readers import ROW, NumberStyle, RawTable, _int64, _no_rows, _unreadable


def read_parquet(path: Path, contract: Contract | None = None) -> RawTable:
    """Parquet: a column whose type already is what its contract column holds (a date, a
    number for an amount, an integer) stays in that type (:func:`_stays_native`), checked
    without a detour through text; any other column is cast to text in canonical form (ISO
    dates, dot decimals without trailing zeros, so ``decimal(15,3)`` 15874.000 is øre). A column
    that holds no single value per row (a list, a struct) is refused when the contract uses it
    and ignored otherwise."""
    try:  # one file: ParquetFile, not read_table, which imports pandas (0.4 s) for its dataset
        with pq.ParquetFile(path) as handle:
            typed = handle.read()
    except Exception as exc:  # pyarrow raises several types for damaged files
        return _unreadable(
            path, "Parquet-filen", exc, "Filen er måske afkortet; eksportér den igen."
        )
    kinds = _kinds_by_header(contract, typed.column_names)
    columns: dict[str, pa.Array | pa.ChunkedArray] = {}
    integers, native, issues = set(), set(), []
    for name, column in zip(typed.column_names, typed.columns, strict=True):
        if _stays_native(kinds.get(name), column.type):
            native.add(name)
            columns[name] = column
            continue
        text = _parquet_text(column)
        if text is None:
            if contract is None or name in kinds:
                issues.append(_not_one_value(path, name, column.type))
            continue
        if pa.types.is_integer(column.type):
            integers.add(name)
        columns[name] = text  # an empty cell stays NULL: the same as '' to the checks
    if issues:
        return RawTable(path, None, NumberStyle.TYPED, "parquet", issues)
    columns[ROW] = _int64(np.arange(2, typed.num_rows + 2))
    issues = _no_rows(
        path, typed.num_rows, "Parquet-filen har ingen rækker", "Eksportér filen igen med data."
    )
    return RawTable(
        path,
        pa.table(columns),
        NumberStyle.TYPED,
        "parquet",
        issues,
        frozenset(integers),
        native=frozenset(native),
    )


def as_text(raw: RawTable) -> RawTable:
    """``raw`` with every column as text, also those a Parquet file kept in their own type
    (:func:`_stays_native`): for a file in another shape than the contract's (a case system's
    export, :mod:`tvaers.data.exports`), whose columns are read as text."""
    if raw.table is None or not raw.native:
        return raw
    table, integers = raw.table, set(raw.integer_columns)
    for name in raw.native:
        column = table.column(name)
        if pa.types.is_integer(column.type):
            integers.add(name)
        text = _parquet_text(column)  # a date or a number: always has a text
        if text is not None:
            table = table.set_column(table.column_names.index(name), name, text)
    return replace(raw, table=table, native=frozenset(), integer_columns=frozenset(integers))


def _kinds_by_header(contract: Contract | None, headers: list[str]) -> dict[str, Kind]:
    """The contract kind of each header the contract uses."""
    if contract is None:
        return {}
    found = resolve_headers(contract, headers)
    return {header: contract.column(name).kind for name, header in found.items()}


def _stays_native(kind: Kind | None, arrow: pa.DataType) -> bool:
    """Whether a Parquet column of type ``arrow`` is checked in its own type for a contract
    column of ``kind``: dates as dates, amounts and quantities as numbers (decimal, integer or
    floating point), integers as integers. Timestamps and text go through text."""
    if kind is Kind.DATE:
        return bool(pa.types.is_date(arrow))
    if kind in (Kind.AMOUNT, Kind.QUANTITY):
        number = pa.types.is_decimal128(arrow) or pa.types.is_integer(arrow)
        return bool(number or pa.types.is_float32(arrow) or pa.types.is_float64(arrow))
    if kind is Kind.INTEGER:
        return bool(pa.types.is_integer(arrow))
    return False


def _parquet_text(column: pa.ChunkedArray) -> pa.ChunkedArray | None:
    """A Parquet column as text; None when it holds no single value per row."""
    kind = column.type
    if pa.types.is_nested(kind):
        return None
    if pa.types.is_timestamp(kind):
        column = pc.cast(column, pa.date32()) if _midnight(column) else column
    try:
        text = pc.cast(column, pa.string())
    except (pa.ArrowNotImplementedError, pa.ArrowInvalid):
        return None
    if pa.types.is_decimal(kind) and kind.scale > 0:  # 15874.000 -> 15874, 22000.005 stays
        text = pc.replace_substring_regex(text, r"(\.\d*?)0+$", r"\1")
        text = pc.replace_substring_regex(text, r"\.$", "")
    return text


def _not_one_value(path: Path, name: str, kind: pa.DataType) -> Issue:
    what = "en liste" if pa.types.is_list(kind) or pa.types.is_large_list(kind) else "sammensat"
    return Issue(
        path.name,
        1,
        name,
        "",
        ErrorCode.FILE_UNREADABLE,
        f"Kolonnen er {what} ({kind}), ikke én værdi (tekst, tal eller dato) pr. række",
        "Eksportér kolonnen med én værdi pr. række, fx som tekst, og indlæs igen.",
    )


def _midnight(column: pa.ChunkedArray) -> bool:
    as_date = pc.cast(pc.cast(column, pa.date32()), column.type)
    return bool(pc.all(pc.or_kleene(pc.equal(as_date, column), pc.is_null(column))).as_py())
