"""The web's side of the publication model (:mod:`tvaers.core.publication`): a page's tables as
HTML (the ``table`` macro) and as its Excel download (``?format=xlsx``), and the columns that mean
the same in every table."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote

from fastapi import HTTPException, Request
from fastapi.responses import Response

from tvaers.access import Actor
from tvaers.core.publication import Column, DataTable
from tvaers.reports.excel import sheet_of, workbook_bytes
from tvaers.web.deps import render
from tvaers.web.texts import T

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


def wants_excel(request: Request) -> bool:
    return request.query_params.get("format") == "xlsx"


def requested_table(
    request: Request, tables: Mapping[str, DataTable], default: str
) -> DataTable | None:
    """The table of a page with several that ``?table=`` names (``default`` without it)."""
    return tables.get(request.query_params.get("table", default))


def excel_download(
    request: Request, tables: Mapping[str, DataTable], default: str, filename: str = ""
) -> Response:
    """The page as one workbook with a sheet per table (each chart native), or — with
    ``?table=`` — the one table it names; 404 for a table the page does not have."""
    if not tables:
        raise HTTPException(404)
    if "table" not in request.query_params:
        return excel_workbook(list(tables.values()), filename or tables[default].filename)
    table = requested_table(request, tables, default)
    if table is None:
        raise HTTPException(404)
    return excel_response(table)


def excel_workbook(tables: Sequence[DataTable], filename: str) -> Response:
    """Tables as one workbook in memory, a sheet each, named after their titles."""
    sheets = []
    for table in tables:
        sheet = sheet_of(table)
        sheet.name = table.title
        sheets.append(sheet)
    return _xlsx(workbook_bytes(sheets), filename)


def table_page(
    request: Request, who: Actor, name: str, table: DataTable, **context: Any
) -> Response:
    """A page around one table: the table as Excel when asked (``?format=xlsx``), else the page
    ``name`` rendered with it as ``table``."""
    if wants_excel(request):
        return excel_response(table)
    return render(request, name, who, table=table, **context)


def excel_response(table: DataTable) -> Response:
    """The table as an Excel download (its chart native), built in memory: no temporary file,
    since a candidate list may carry CPR numbers."""
    return excel_workbook([table], table.filename)


def _xlsx(content: bytes, filename: str) -> Response:
    safe = re.sub(r"[^A-Za-z0-9æøåÆØÅ_-]+", "-", filename).strip("-") or "tabel"
    return Response(
        content,
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": content_disposition(f"{safe}.xlsx")},
    )


def content_disposition(filename: str) -> str:
    """A download's file name, RFC 6266 style (Danish letters as UTF-8), as FileResponse sets it."""
    quoted = quote(filename)
    if quoted != filename:
        return f"attachment; filename*=utf-8''{quoted}"
    return f'attachment; filename="{filename}"'
