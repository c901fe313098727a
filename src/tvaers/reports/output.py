"""The command line's renderers of the publication model: an analysis gives one or more named
:class:`~tvaers.core.publication.DataTable` (rows as an Arrow table or a list of dicts), written
as CSV, JSON or Excel to a file or standard output. Column names are the English glossary names;
Excel gets the Danish headings, the notes and the table's chart (native, as the web's download).

* ``csv``: the first table to ``--out`` (or standard output); further tables to files named
  ``<out stem>-<table name>.csv`` next to it, or on standard output after a blank line and a
  ``# <table name>`` line.
* ``json``: one object ``{table name: [rows]}``; amounts as numbers (exact to the øre when read
  as decimals), dates as ``YYYY-MM-DD``.
* ``xlsx``: one sheet per table, its chart beside it; needs ``--out``.

Without ``--format`` the file's extension decides (``--out x.xlsx`` writes Excel), else CSV.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from xlsxwriter.exceptions import FileCreateError

from tvaers.core.publication import DataTable
from tvaers.reports.excel import FORMULA_STARTS, safe_text, sheet_of, write_workbook

FORMATS = ("csv", "json", "xlsx")


class OutputError(ValueError):
    """The output cannot be written as asked (Danish message)."""


def output_format(fmt: str | None, out: Path | None) -> str:
    """The format to write: ``--format`` (any case), or else the file's extension, or else csv.
    Refuses an unknown format, a format that contradicts the file name, Excel without a file,
    and a file name that is a folder — before any work is done or logged."""
    suffix = out.suffix.lower().lstrip(".") if out is not None else ""
    chosen = (fmt or "").strip().lower() or (suffix if suffix in FORMATS else "csv")
    if chosen not in FORMATS:
        raise OutputError(f"Ukendt format '{fmt}'. Brug csv, json eller xlsx.")
    if suffix in FORMATS and suffix != chosen:
        raise OutputError(
            f"--format {chosen} passer ikke til filen {out.name}: brug --format {suffix} "  # type: ignore[union-attr]
            f"eller et filnavn, der ender på .{chosen}."
        )
    if chosen == "xlsx" and out is None:
        raise OutputError("Excel skal skrives til en fil: angiv --out FIL.xlsx.")
    if out is not None:
        _check_target(out)
    return chosen


def _check_target(path: Path) -> None:
    if path.is_dir():
        raise OutputError(f"--out {path} er en mappe: angiv et filnavn, fx {path / 'udtraek.csv'}.")
    for parent in path.parents:
        if parent.exists():
            if not parent.is_dir():
                raise OutputError(f"--out {path}: {parent} er en fil, ikke en mappe.")
            break


def write_text_file(out: Path, text: str) -> Path:
    """A text file (e.g. an exported rule set, UTF-8), its folder made; Danish errors."""
    _check_target(out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise OutputError(f"Kunne ikke skrive {out}: {exc.strerror or exc}.") from None
    return out


def write_output(
    tables: Sequence[DataTable], fmt: str | None, out: Path | None, stdout: TextIO,
    created: datetime | None = None,
) -> list[Path]:  # fmt: skip
    """Write the tables; returns the files written (none for standard output). On a failure no
    file of this call is left behind. ``created`` is an Excel workbook's creation time."""
    fmt = output_format(fmt, out)
    if not tables:
        raise OutputError("Der er intet at skrive.")
    written: list[Path] = []
    try:
        _write(tables, fmt, out, stdout, written, created)
    except (OSError, FileCreateError) as exc:
        for path in written:
            if path.is_file():
                path.unlink()
        cause = exc.args[0] if isinstance(exc, FileCreateError) and exc.args else exc
        name = getattr(cause, "filename", None) or out
        raise OutputError(
            f"Kunne ikke skrive {name}: {getattr(cause, 'strerror', None) or cause}."
        ) from None
    return written


def _write(
    tables: Sequence[DataTable], fmt: str, out: Path | None, stdout: TextIO,
    written: list[Path], created: datetime | None = None,
) -> None:  # fmt: skip
    if fmt == "xlsx":
        assert out is not None  # output_format refuses Excel without a file
        sheets = [sheet_of(t) for t in tables]
        written.append(out)
        write_workbook(out, sheets, created)
        return
    if fmt == "json":
        text = json.dumps({t.name: t.records() for t in tables}, default=_json_value,
                          ensure_ascii=False, indent=1)  # fmt: skip
        if out is None:
            stdout.write(text + "\n")
            return
        out.parent.mkdir(parents=True, exist_ok=True)
        written.append(out)
        out.write_text(text + "\n", encoding="utf-8")
        return
    paths = [
        out if number == 0 else out.with_name(f"{out.stem}-{table.name}{out.suffix}")
        for number, table in enumerate(tables)
    ] if out is not None else []  # fmt: skip
    for path in paths:
        _check_target(path)
    for number, table in enumerate(tables):
        text = _csv(table)
        if out is None:
            if number:
                stdout.write(f"\n# {table.name}\n")
            stdout.write(text)
            continue
        path = paths[number]
        path.parent.mkdir(parents=True, exist_ok=True)
        written.append(path)
        path.write_text(text, encoding="utf-8")


def _csv(table: DataTable) -> str:
    if isinstance(table.rows, pa.Table):
        sink = io.BytesIO()
        options = pacsv.WriteOptions(include_header=True, quoting_style="needed")
        pacsv.write_csv(_neutralised(table.rows), sink, options)
        return sink.getvalue().decode("utf-8")
    columns = [c.key for c in table.columns]
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
    if isinstance(value, str):
        return safe_text(value)  # a spreadsheet opening the CSV must not run data as a formula
    return str(value)


def _neutralised(rows: pa.Table) -> pa.Table:
    """Text columns with a formula's first character (``=``, ``+``, ``-``, ``@``, tab, CR)
    prefixed by an apostrophe, as in Excel output; set-based per column."""
    pattern = "^[" + "".join("\\" + c if c in "-+" else c for c in FORMULA_STARTS) + "]"
    for index, field in enumerate(rows.schema):
        if pa.types.is_string(field.type) or pa.types.is_large_string(field.type):
            column = rows.column(index)
            risky = pc.match_substring_regex(column, pattern)
            if pc.any(risky).as_py():
                fixed = pc.if_else(risky, pc.binary_join_element_wise("'", column, ""), column)
                rows = rows.set_column(index, field, fixed)
    return rows


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} kan ikke skrives som JSON")
