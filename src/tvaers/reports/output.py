"""Machine-readable output of an analysis: CSV, JSON or Excel, to a file or standard output.

An analysis gives one or more named tables (rows as an Arrow table or a list of dicts). Column
names are the English glossary names; Excel gets the Danish labels as headings.

* ``csv``: the first table to ``--out`` (or standard output); further tables to files named
  ``<out stem>-<table name>.csv`` next to it, or on standard output after a blank line and a
  ``# <table name>`` line.
* ``json``: one object ``{table name: [rows]}``; amounts as numbers (exact to the øre when read
  as decimals), dates as ``YYYY-MM-DD``.
* ``xlsx``: one sheet per table; needs ``--out``.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO

import pyarrow as pa
import pyarrow.csv as pacsv

from tvaers.reports.excel import Sheet, write_workbook

FORMATS = ("csv", "json", "xlsx")


class OutputError(ValueError):
    """The output cannot be written as asked (Danish message)."""


@dataclass
class OutputTable:
    name: str  # JSON key, Excel sheet, CSV file suffix
    rows: pa.Table | Sequence[Mapping[str, Any]]
    title: str = ""  # Danish, for the Excel sheet
    labels: Mapping[str, str] = field(default_factory=dict)  # column -> Danish heading
    notes: list[str] = field(default_factory=list)

    @property
    def columns(self) -> list[str]:
        if isinstance(self.rows, pa.Table):
            return list(self.rows.column_names)
        names: dict[str, None] = {}
        for row in self.rows:
            names.update(dict.fromkeys(row))
        return list(names)

    def records(self) -> list[dict[str, Any]]:
        if isinstance(self.rows, pa.Table):
            records: list[dict[str, Any]] = self.rows.to_pylist()
            return records
        return [dict(row) for row in self.rows]


def write_output(
    tables: Sequence[OutputTable], fmt: str, out: Path | None, stdout: TextIO
) -> list[Path]:
    """Write the tables; returns the files written (none for standard output)."""
    if fmt not in FORMATS:
        raise OutputError(f"Ukendt format '{fmt}'. Brug csv, json eller xlsx.")
    if not tables:
        raise OutputError("Der er intet at skrive.")
    if fmt == "xlsx":
        if out is None:
            raise OutputError("Excel skal skrives til en fil: angiv --out FIL.xlsx.")
        sheets = [
            Sheet(
                name=t.name,
                headings=[t.labels.get(c, c) for c in t.columns],
                rows=[[r.get(c) for c in t.columns] for r in t.records()],
                title=t.title,
                notes=t.notes,
            )
            for t in tables
        ]
        return [write_workbook(out, sheets)]
    if fmt == "json":
        text = json.dumps({t.name: t.records() for t in tables}, default=_json_value,
                          ensure_ascii=False, indent=1)  # fmt: skip
        if out is None:
            stdout.write(text + "\n")
            return []
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text + "\n", encoding="utf-8")
        return [out]
    written = []
    for number, table in enumerate(tables):
        text = _csv(table)
        if out is None:
            if number:
                stdout.write(f"\n# {table.name}\n")
            stdout.write(text)
            continue
        path = out if number == 0 else out.with_name(f"{out.stem}-{table.name}{out.suffix}")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def _csv(table: OutputTable) -> str:
    if isinstance(table.rows, pa.Table):
        sink = io.BytesIO()
        options = pacsv.WriteOptions(include_header=True, quoting_style="needed")
        pacsv.write_csv(table.rows, sink, options)
        return sink.getvalue().decode("utf-8")
    columns = table.columns
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in table.records():
        writer.writerow([_csv_value(row.get(c)) for c in columns])
    return buffer.getvalue()


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} kan ikke skrives som JSON")
