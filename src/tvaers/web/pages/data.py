"""What is loaded: tables and import batches, and expenditure by sector area (statistical).

Aggregates only, with small cells suppressed: the number of citizens behind each area's
CPR-registered expenditure decides whether the area's figures may be shown.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from tvaers.access import Actor
from tvaers.core.suppression import TOTAL, suppress_groups
from tvaers.store.models import ImportBatch
from tvaers.web.analytics import reader
from tvaers.web.charts import bar_chart
from tvaers.web.deps import db, render, viewer
from tvaers.web.tables import Column, DataTable, excel_response, wants_excel
from tvaers.web.texts import T

router = APIRouter(prefix="/data")

AREA_SQL = """
WITH booked AS (
    SELECT a.sector_area, p.amount, p.citizen
    FROM postings p JOIN accounts a USING (function_code)
    WHERE p.dranst = 1 AND year(p.posting_date) = ?
)
SELECT s.sector_area, s.name,
       coalesce(sum(b.amount), 0) AS expenditure,
       coalesce(sum(b.amount) FILTER (WHERE b.citizen IS NOT NULL), 0) AS registered,
       count(DISTINCT b.citizen) AS citizens
FROM sector_areas s LEFT JOIN booked b USING (sector_area)
GROUP BY ALL ORDER BY expenditure DESC
"""


def _query(request: Request, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    with reader(request) as rows:
        return rows(sql, params)


def area_table(request: Request, year: int) -> tuple[DataTable, list[dict[str, Any]]]:
    rows = _query(request, AREA_SQL, [year])
    names = {r["sector_area"]: r["name"] for r in rows}
    table = (
        suppress_groups(
            {r["name"]: int(r["citizens"]) for r in rows},
            {
                "expenditure": {r["name"]: Decimal(r["expenditure"]) for r in rows},
                "registered": {r["name"]: Decimal(r["registered"]) for r in rows},
            },
        )
        if rows
        else None
    )
    shown: list[dict[str, Any]] = []
    for label in [*names.values(), TOTAL] if table else []:
        cell = table.cell(label)  # type: ignore[union-attr]
        m = cell.measures or {}
        shown.append(
            {
                "name": label,
                "citizens": cell.count if cell.published else T.suppressed,
                "expenditure": m.get("expenditure"),
                "registered": m.get("registered"),
                "share": float(m["registered"] / m["expenditure"])
                if m.get("expenditure")
                else None,
            }
        )
    data = DataTable(
        title=f"Driftsudgifter pr. sektorområde {year}",
        columns=[
            Column("name", "Sektorområde"),
            Column("expenditure", "Udgift", "money"),
            Column("registered", "CPR-registreret", "money"),
            Column("share", "CPR-registreret andel", "share"),
            Column("citizens", "Borgere med CPR-registreret udgift", "int"),
        ],
        rows=shown,
        filename=f"udgift-pr-omraade-{year}",
        notes=[T.suppressed_note],
    )
    chart_rows = [
        {"area": r["name"], "amount": float(r["expenditure"]) / 1e6}
        for r in shown
        if r["name"] != TOTAL and r["expenditure"] is not None
    ]
    return data, chart_rows


@router.get("", response_class=HTMLResponse)
def overview(
    request: Request,
    year: int | None = None,
    who: Actor = Depends(viewer),
    session: Session = Depends(db, scope="function"),
) -> Response:
    years = [
        r["y"]
        for r in _query(
            request, "SELECT DISTINCT year(posting_date) AS y FROM postings ORDER BY y", []
        )
    ]
    chosen = year if year in years else (years[-2] if len(years) > 1 else (years or [None])[-1])
    areas, chart_rows = area_table(request, chosen) if chosen else (None, [])
    batches = list(session.scalars(select(ImportBatch).order_by(ImportBatch.id.desc()).limit(20)))
    loaded = _query(
        request,
        "SELECT table_name, file_name, rows, batch_id, loaded_at "
        "FROM import_state ORDER BY table_name",
        [],
    )
    chart = (
        bar_chart(
            chart_rows,
            "area",
            "amount",
            title=f"Driftsudgifter {chosen} (mio. kr.)",
            category_title="Sektorområde",
            value_title="Mio. kr.",
        )
        if chart_rows
        else None
    )
    if areas is not None and chart is not None:
        areas.chart = chart
    tables = {"loaded": _loaded_table(loaded), "batches": _batches_table(batches)}
    if areas is not None:
        tables["areas"] = areas
    if wants_excel(request):
        chosen_table = tables.get(request.query_params.get("table", "areas"))
        if chosen_table is not None:
            return excel_response(chosen_table)
    return render(
        request,
        "data.html",
        who,
        areas=areas,
        chart=chart,
        years=years,
        year=chosen,
        batches=batches,
        loaded=loaded,
        tables=tables,
    )


STATUS = {"loaded": "indlæst", "loading": "indlæser", "failed": "fejlet"}


def _loaded_table(loaded: list[dict[str, Any]]) -> DataTable:
    return DataTable(
        title="Indlæste tabeller",
        columns=[
            Column("table_name", "Tabel"),
            Column("file_name", "Fil"),
            Column("rows", "Rækker", "int"),
            Column("batch_id", "Import nr."),
            Column("loaded_at", "Indlæst", "datetime"),
        ],
        rows=loaded,
        filename="indlaeste-tabeller",
    )


def _batches_table(batches: list[ImportBatch]) -> DataTable:
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
