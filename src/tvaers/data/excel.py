"""Read an Excel workbook (.xlsx) into an all-text :class:`~tvaers.data.readers.RawTable`.

Which sheet: the first one whose header row has the contract's required columns (or, for
commitments, a case system's export of them, :mod:`tvaers.data.exports`) — so a workbook
that opens with a cover page («Forside») is read from the sheet with the data — and the first
sheet when none has them (its missing columns are then reported, naming the sheets looked at).
A workbook of several sheets always says which one was read (:attr:`RawTable.sheet`).

Excel keeps a CPR number typed as a number without its leading zero (0702630488 -> 702630488):
a numeric cell in a CPR column is written back with ten digits, as Parquet integers are. A CPR
typed as text with nine digits is left as it is: a typing error, which validation refuses.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from tvaers.core.errors import ErrorCode
from tvaers.data.contracts import Contract, Kind, resolve_headers
from tvaers.data.exports import recognise
from tvaers.data.readers import ROW, NumberStyle, RawTable, _failed, _no_rows, _unreadable

HEADER_SEARCH = 50  # rows looked at for a sheet's header row when choosing the sheet


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _cpr_text(value: object) -> str:
    """A CPR cell: a whole number gets back the leading zero Excel dropped."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return _cell_text(value)
    if float(value).is_integer() and 0 < value < 10**10:
        return f"{int(value):010d}"
    return _cell_text(value)


def _header(rows: list[list[Any]]) -> tuple[int, list[str]] | None:
    """The first non-empty row (its index) and its texts, without trailing empty cells."""
    first = next((i for i, r in enumerate(rows) if any(_cell_text(v) for v in r)), None)
    if first is None:
        return None
    headers = [_cell_text(v) for v in rows[first]]
    while headers and not headers[-1]:
        headers.pop()
    return first, headers


def _has_columns(contract: Contract, rows: list[list[Any]]) -> bool:
    found = _header(rows)
    if found is None:
        return False
    resolved = resolve_headers(contract, found[1])
    if contract.table == "commitments" and recognise(found[1]):
        return True  # a case system's own export of commitments
    return all(c.name in resolved for c in contract.required)


def _choose_sheet(workbook: Any, names: list[str], contract: Contract | None) -> int:
    """The index of the sheet to read (module docstring)."""
    if contract is None or len(names) < 2:
        return 0
    for index in range(len(names)):
        sheet = workbook.get_sheet_by_index(index)
        if _has_columns(contract, sheet.to_python(nrows=HEADER_SEARCH)):
            return index
    return 0


def read_excel(path: Path, contract: Contract | None = None) -> RawTable:
    """A sheet of an .xlsx file (module docstring); its first non-empty row is the header."""
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        names = list(workbook.sheet_names)
        index = _choose_sheet(workbook, names, contract)
        cells = workbook.get_sheet_by_index(index).to_python(skip_empty_area=False)
    except Exception as exc:  # calamine raises several types for damaged files
        return _unreadable(path, "Excel-filen", exc, "Åbn filen i Excel og gem den igen som .xlsx.")
    sheet = names[index] if len(names) > 1 else ""
    found = _header(cells)
    if found is None:
        where = f"Arket «{sheet}»" if sheet else "Regnearket"
        return _failed(
            path,
            ErrorCode.FILE_EMPTY,
            f"{where} er tomt",
            "Læg data i ét ark med en overskriftsrække.",
        )
    first, headers = found
    width = len(headers)
    if len(set(headers)) != width or any(not h for h in headers):
        return _failed(
            path,
            ErrorCode.COLUMN_DUPLICATE,
            "Overskriftsrækken har en tom eller gentaget kolonne",
            "Giv hver kolonne et entydigt navn.",
        )
    convert = _converters(headers, contract)
    # Excel sheets are bounded (about a million rows), so a per-cell conversion is affordable here.
    texts = [
        [f(v) for f, v in zip(convert, row[:width], strict=False)] + [""] * (width - len(row))
        for row in cells[first + 1 :]
    ]
    keep = [i for i, r in enumerate(texts) if any(r)]
    columns = {h: pa.array([texts[i][j] for i in keep], pa.string()) for j, h in enumerate(headers)}
    columns[ROW] = pa.array(np.asarray(keep, dtype=np.int64) + first + 2)
    table = pa.table(columns)
    message = "Regnearket har en overskriftsrække, men ingen data"
    issues = _no_rows(path, table.num_rows, message, "Læg data i arket under overskriftsrækken.")
    raw = RawTable(path, table, NumberStyle.TYPED, "xlsx", issues)
    raw.sheet, raw.sheets = sheet, tuple(names)
    return raw


def _converters(headers: list[str], contract: Contract | None) -> list[Callable[[object], str]]:
    """Per column, how a cell becomes text: CPR columns keep their leading zero."""
    cpr_headers = set()
    if contract is not None:
        resolved = resolve_headers(contract, headers)
        cpr_headers = {h for n, h in resolved.items() if contract.column(n).kind is Kind.CPR}
    return [_cpr_text if h in cpr_headers else _cell_text for h in headers]
