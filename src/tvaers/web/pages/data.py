"""What is loaded: tables and import batches, and expenditure by sector area (statistical).

Aggregates only, with small cells suppressed: the number of citizens behind each area's
CPR-registered expenditure decides whether the area's figures may be shown.
"""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from tvaers.core.publication import Column, DataTable
from tvaers.core.suppression import TOTAL
from tvaers.draw import charts
from tvaers.draw.loaded import AreaExpenditure, LoadedTable, loaded
from tvaers.store.models import ImportBatch
from tvaers.web.deps import DbSession, Viewer, render, settings_of
from tvaers.web.tables import (
    AREA,
    REGISTERED,
    excel_download,
    wants_excel,
)
from tvaers.web.texts import T

router = APIRouter(prefix="/data")


def area_table(areas: tuple[AreaExpenditure, ...], year: int) -> DataTable:
    """The expenditure per sector area (a hidden count shows as «<5»), with its bar chart."""
    shown = [
        dict(asdict(a), citizens=T.suppressed if a.citizens is None else a.citizens) for a in areas
    ]
    data = DataTable(
        title=f"Driftsudgifter pr. sektorområde {year}",
        columns=[
            AREA,
            Column("expenditure", "Udgift", "money"),
            REGISTERED,
            Column("share", "CPR-registreret andel", "share"),
            Column("citizens", "Borgere med CPR-registreret udgift", "int"),
        ],
        rows=shown,
        filename=f"udgift-pr-omraade-{year}",
        notes=[T.suppressed_note],
    )
    chart_rows = [
        {"name": a.name, "millions": float(a.expenditure) / 1e6}
        for a in areas
        if a.name != TOTAL and a.expenditure is not None
    ]
    data.chart = charts.area_bars(chart_rows, f"Driftsudgifter {year} (mio. kr.)")
    return data


@router.get("", response_class=HTMLResponse)
def overview(
    request: Request, who: Viewer, session: DbSession, year: int | None = None
) -> Response:
    found = loaded(settings_of(request), session, year)
    areas = area_table(found.areas, found.year) if found.areas is not None and found.year else None
    tables: dict[str, DataTable] = {"areas": areas} if areas is not None else {}
    tables |= {"loaded": _loaded_table(found.tables), "batches": _batches_table(found.batches)}
    if wants_excel(request):  # the page as one workbook, or the table ?table= names
        return excel_download(request, tables, "loaded", "indlaeste-data")
    return render(
        request,
        "data.html",
        who,
        areas=areas,
        chart=areas.chart if areas is not None else None,
        years=list(found.years),
        year=found.year,
        batches=list(found.batches),
        loaded=tables["loaded"].rows,
        tables=tables,
    )


STATUS = {"loaded": "indlæst", "loading": "indlæser", "failed": "fejlet"}


def _loaded_table(loaded: tuple[LoadedTable, ...]) -> DataTable:
    return DataTable(
        title="Indlæste tabeller",
        columns=[
            Column("table_name", "Tabel"),
            Column("file_name", "Fil"),
            Column("rows", "Rækker", "int"),
            Column("batch_id", "Import nr."),
            Column("loaded_at", "Indlæst", "datetime"),
        ],
        rows=[asdict(t) for t in loaded],
        filename="indlaeste-tabeller",
    )


def _batches_table(batches: tuple[ImportBatch, ...]) -> DataTable:
    return DataTable(
        title="Importkørsler",
        columns=[
            Column("id", "Nr."),
            Column("status", "Status"),
            Column("user_name", "Af"),
            Column("started_at", "Start", "datetime"),
            Column("tables", "Tabeller"),
        ],
        rows=[
            {
                "id": b.id,
                "status": STATUS.get(b.status, b.status),
                "user_name": b.user_name,
                "started_at": b.started_at,
                "tables": ", ".join(t["table"] for t in b.tables),
            }
            for b in batches
        ],
        filename="importkoersler",
    )
