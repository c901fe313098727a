"""Excel workbooks for every table: Danish headings, real numbers and dates, safe text.

Text that starts with ``=``, ``+``, ``-`` or ``@`` is written with a leading apostrophe so that a
spreadsheet never evaluates data from the municipality's files as a formula (CSV/formula
injection).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import xlsxwriter

from tvaers.core.periods import local_time
from tvaers.core.publication import MONTH_TEXT, Chart, DataTable
from tvaers.reports.excel_charts import insert_chart

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def sheet_name(title: str, taken: set[str]) -> str:
    """A valid, unique worksheet name: no []:*?/\\ and at most 31 characters, cut between
    words (never mid-word)."""
    clean = re.sub(r"[\[\]:*?/\\]", "-", title).strip("' ")
    base = clean if len(clean) <= 31 else (clean[:31].rsplit(" ", 1)[0] or clean[:31])
    base = base.rstrip(" ,.;-") or "Ark"
    name, n = base, 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name.lower())
    return name


def safe_text(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_STARTS) else value


@dataclass
class Sheet:
    name: str
    headings: list[str]
    rows: Iterable[Sequence[Any]]
    title: str = ""
    notes: list[str] = field(default_factory=list)
    widths: dict[int, int] = field(default_factory=dict)
    chart: Chart | None = None  # a native chart over its own figures, beside the table


def sheet_of(table: DataTable) -> Sheet:
    """A published table as a worksheet: Danish headings, its notes and its chart."""
    columns = table.columns
    rows = [[_cell(r.get(c.key), c.kind) for c in columns] for r in table.records()]
    return Sheet(
        table.name or table.title,
        [c.label for c in columns],
        rows,
        title=table.title,
        notes=table.notes,
        chart=table.chart,
    )


class MonthStart(date):
    """A month column's value in Excel: the first day, shown as «mmm yyyy»."""


class _Amount(float):
    """An amount as the workbook's XML holds it: the shortest digits that read back as the same
    number (77180.32), not the 16 significant digits xlsxwriter writes (77180.32000000001, the
    binary form's error shown to whoever reads the file's text)."""

    def __format__(self, spec: str) -> str:
        return repr(float(self)) if spec.lower() == ".16g" else super().__format__(spec)


@dataclass(frozen=True)
class Checkbox:
    """A ``checkbox`` column's value in Excel: a tick box to click (a list to tick off)."""

    checked: bool


def _cell(value: Any, kind: str) -> Any:
    if kind == "month" and isinstance(value, str) and MONTH_TEXT.fullmatch(value):
        return MonthStart(int(value[:4]), int(value[5:]), 1)
    if isinstance(value, datetime):
        return local_time(value)
    if kind == "bool" and value is not None:
        return bool(value)
    if kind == "checkbox":
        return Checkbox(bool(value))
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {v}" for k, v in value.items())
    return value


def write_workbook(path: Path, sheets: list[Sheet], created: datetime | None = None) -> Path:
    """The workbook as a file at ``path``; ``created`` (UTC) fixes its creation time (else now),
    the one thing that differs between two workbooks of the same tables (a frozen run's replay
    gives the recorded run's time, so the bytes are the same)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook = xlsxwriter.Workbook(str(path), OPTIONS)
    if created is not None:
        workbook.set_properties({"created": created})
    _write_sheets(workbook, sheets)
    return path


def workbook_bytes(sheets: list[Sheet]) -> bytes:
    """The workbook in memory only: a download that may hold CPR numbers never touches disk."""
    buffer = io.BytesIO()
    _write_sheets(xlsxwriter.Workbook(buffer, {**OPTIONS, "in_memory": True}), sheets)
    return buffer.getvalue()


OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False}


def _write_sheets(workbook: Any, sheets: list[Sheet]) -> None:
    bold = workbook.add_format({"bold": True, "bg_color": "#DDE7F0", "border": 1})
    title_fmt = workbook.add_format({"bold": True, "font_size": 14})
    money = workbook.add_format({"num_format": "#,##0.00"})
    integer = workbook.add_format({"num_format": "#,##0"})
    share = workbook.add_format({"num_format": "0.0%"})
    day = workbook.add_format({"num_format": "dd-mm-yyyy"})
    month = workbook.add_format({"num_format": "mmm yyyy"})
    taken: set[str] = set()
    for sheet in sheets:
        ws = workbook.add_worksheet(sheet_name(sheet.name, taken))
        row = 0
        if sheet.title:
            ws.write_string(row, 0, safe_text(sheet.title), title_fmt)
            row += 2
        for note in sheet.notes:
            ws.write_string(row, 0, safe_text(note))
            row += 1
        if sheet.notes:
            row += 1
        for col, heading in enumerate(sheet.headings):
            ws.write_string(row, col, heading, bold)
            ws.set_column(col, col, sheet.widths.get(col, max(12, len(heading) + 2)))
        header_row = row
        for values in sheet.rows:
            row += 1
            for col, value in enumerate(values):
                _write(ws, row, col, value, money, integer, share, month if
                       isinstance(value, MonthStart) else day)  # fmt: skip
        if row > header_row:
            ws.autofilter(header_row, 0, row, max(0, len(sheet.headings) - 1))
        if sheet.chart is not None:
            insert_chart(workbook, ws, sheet.chart, len(sheet.headings) + 1, header_row)
        ws.freeze_panes(header_row + 1, 0)
    workbook.close()


def _write(
    ws: Any, row: int, col: int, value: Any, money: Any, integer: Any, share: Any, day: Any
) -> None:
    if value is None:
        ws.write_blank(row, col, None)
    elif isinstance(value, Checkbox):
        ws.insert_checkbox(row, col, value.checked)
    elif isinstance(value, bool):
        ws.write_string(row, col, "Ja" if value else "Nej")
    elif isinstance(value, Decimal):
        ws.write_number(row, col, _Amount(value), money)
    elif isinstance(value, int):
        ws.write_number(row, col, value, integer)
    elif isinstance(value, float):
        ws.write_number(row, col, value, share if 0 <= abs(value) <= 1 else money)
    elif isinstance(value, datetime):
        ws.write_datetime(row, col, value, day)
    elif isinstance(value, date):
        ws.write_datetime(row, col, datetime(value.year, value.month, value.day), day)
    else:
        ws.write_string(row, col, safe_text(str(value)))
