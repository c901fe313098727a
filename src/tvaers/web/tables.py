"""One table definition for the page and its Excel download (``?format=xlsx``)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from fastapi import HTTPException, Request
from fastapi.responses import Response

from tvaers.access import Actor
from tvaers.core.money import format_dkk
from tvaers.core.periods import local_time
from tvaers.reports.excel import Sheet, workbook_bytes
from tvaers.web.charts import png
from tvaers.web.deps import render
from tvaers.web.texts import T


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = "text"  # text, int, money, date, datetime, share, bool


@dataclass
class DataTable:
    title: str
    columns: list[Column]
    rows: list[dict[str, Any]]
    filename: str
    notes: list[str] = field(default_factory=list)
    caption: str = ""
    chart: dict[str, Any] | None = None  # a Vega-Lite spec shown with the table

    def cell(self, row: dict[str, Any], column: Column) -> str:
        return display(row.get(column.key), column.kind)


# Columns that mean the same in every table of the statistics and the draw.
AREA = Column("name", "Sektorområde")
NOTE = Column("note", "Bemærkning")  # why a cell is hidden (small-cell rule)
REGISTERED = Column("registered", "CPR-registreret", "money")

VERSION_COLUMNS = (
    Column("version", T.version, "int"),
    Column("changed_at", T.changed_at, "datetime"),
    Column("changed_by", T.changed_by),
)
"""The first columns of a version history: which version, when and by whom."""


def version_cells(version: Any) -> dict[str, Any]:
    """A stored version's cells for :data:`VERSION_COLUMNS`."""
    return {
        "version": version.version,
        "changed_at": version.changed_at,
        "changed_by": version.changed_by,
    }


def display(value: Any, kind: str = "text") -> str:
    """A value as a Danish reader expects it."""
    if value is None or value == "":
        return "—"
    if kind == "money" and isinstance(value, Decimal | int | float):
        return format_dkk(Decimal(str(value)))
    if kind == "share" and isinstance(value, float | Decimal):
        return f"{float(value):.1%}".replace(".", ",")
    if kind == "int" and isinstance(value, int):
        return f"{value:,}".replace(",", ".")
    if kind == "decimal" and isinstance(value, Decimal | int | float):
        text = f"{Decimal(str(value)).normalize():,f}"
        return text.replace(",", "X").replace(".", ",").replace("X", ".")
    if kind == "bool":
        return "Ja" if value else "Nej"
    if isinstance(value, datetime):
        return local_time(value).strftime("%d-%m-%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d-%m-%Y")
    return str(value)


def wants_excel(request: Request) -> bool:
    return request.query_params.get("format") == "xlsx"


def requested_table(
    request: Request, tables: Mapping[str, DataTable], default: str
) -> DataTable | None:
    """The table of a page with several that ``?table=`` names (``default`` without it)."""
    return tables.get(request.query_params.get("table", default))


def excel_download(request: Request, tables: Mapping[str, DataTable], default: str) -> Response:
    """The Excel file of the table ``?table=`` names; 404 for a table the page does not have."""
    table = requested_table(request, tables, default)
    if table is None:
        raise HTTPException(404)
    return excel_response(table)


def table_page(
    request: Request, who: Actor, name: str, table: DataTable, **context: Any
) -> Response:
    """A page around one table: the table as Excel when asked (``?format=xlsx``), else the page
    ``name`` rendered with it as ``table``."""
    if wants_excel(request):
        return excel_response(table)
    return render(request, name, who, table=table, **context)


def excel_response(table: DataTable) -> Response:
    """The table as an Excel download, built in memory (no temporary file: a candidate list may
    carry CPR numbers)."""
    safe = re.sub(r"[^A-Za-z0-9æøåÆØÅ_-]+", "-", table.filename).strip("-") or "tabel"
    rows = [[_excel_value(r.get(c.key), c.kind) for c in table.columns] for r in table.rows]
    image = png(table.chart) if table.chart else None
    sheet = Sheet(
        table.title[:31],
        [c.label for c in table.columns],
        rows,
        title=table.title,
        notes=table.notes,
        image=image,
    )
    return Response(
        workbook_bytes([sheet]),
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": content_disposition(f"{safe}.xlsx")},
    )


def _excel_value(value: Any, kind: str) -> Any:
    if isinstance(value, datetime):
        return local_time(value)
    if kind == "bool" and value is not None:
        return bool(value)
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {v}" for k, v in value.items())
    return value


def content_disposition(filename: str) -> str:
    """A download's file name, RFC 6266 style (Danish letters as UTF-8), as FileResponse sets it."""
    quoted = quote(filename)
    if quoted != filename:
        return f"attachment; filename*=utf-8''{quoted}"
    return f'attachment; filename="{filename}"'
