"""What is loaded (the data page): the years with postings, the operating expenditure per sector
area in one of them (statistical, suppressed), the loaded tables and the latest import runs.

Aggregates only, with small cells suppressed: the number of citizens behind each area's
CPR-registered expenditure decides whether the area's figures may be shown. The analytics file
is read under the engine's one policy for pages (:func:`tvaers.engine.reader.reader`): nothing
loaded yet is no rows, not an error.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from tvaers.core.config import Settings
from tvaers.core.suppression import TOTAL, suppress_groups
from tvaers.engine.reader import Rows, reader
from tvaers.store.models import ImportBatch

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
YEARS_SQL = "SELECT DISTINCT year(posting_date) AS y FROM postings ORDER BY y"
LOADED_SQL = (  # per table; a national installation's municipalities summed (docs/national.md)
    "SELECT table_name, arg_max(file_name, batch_id) AS file_name, sum(rows)::BIGINT AS rows, "
    "max(batch_id) AS batch_id, max(loaded_at) AS loaded_at FROM import_state "
    "GROUP BY table_name ORDER BY table_name"
)
BATCHES = 20  # the latest import runs shown


@dataclass(frozen=True)
class AreaExpenditure:
    """One sector area's operating expenditure in a year (``name`` is ``TOTAL`` for the total);
    ``citizens`` is ``None`` when hidden, and the amounts are ``None`` when hidden with it."""

    name: str
    citizens: int | None
    expenditure: Decimal | None
    registered: Decimal | None
    share: float | None  # registered / expenditure


@dataclass(frozen=True)
class LoadedTable:
    table_name: str
    file_name: str | None
    rows: int | None
    batch_id: int | None
    loaded_at: datetime | None


@dataclass(frozen=True)
class LoadedData:
    """The data page's figures: ``areas`` is ``None`` when no year has postings."""

    years: tuple[int, ...]
    year: int | None
    areas: tuple[AreaExpenditure, ...] | None
    tables: tuple[LoadedTable, ...]
    batches: tuple[ImportBatch, ...]


def loaded(settings: Settings, session: Session, year: int | None = None) -> LoadedData:
    """What is loaded; the expenditure of ``year``, else of the year before the last one with
    postings (the last whole year, as a rule), else of the only one."""
    with reader(settings) as rows:
        years = tuple(int(r["y"]) for r in rows(YEARS_SQL))
        chosen = (
            year if year in years else (years[-2] if len(years) > 1 else (years or (None,))[-1])
        )
        areas = area_expenditure(rows, chosen) if chosen else None
        tables = tuple(LoadedTable(**r) for r in rows(LOADED_SQL))
    latest = select(ImportBatch).order_by(ImportBatch.id.desc()).limit(BATCHES)
    return LoadedData(years, chosen, areas, tables, tuple(session.scalars(latest)))


def area_expenditure(rows: Rows, year: int) -> tuple[AreaExpenditure, ...]:
    """Per sector area (largest first) and in total: expenditure, CPR-registered expenditure
    and its share, and the citizens it rests on; an area with 1-4 such citizens (and as many
    others as needed to protect it) is hidden."""
    found = rows(AREA_SQL, [year])
    if not found:
        return ()
    table = suppress_groups(
        {r["name"]: int(r["citizens"]) for r in found},
        {
            "expenditure": {r["name"]: Decimal(r["expenditure"]) for r in found},
            "registered": {r["name"]: Decimal(r["registered"]) for r in found},
        },
    )
    shown = []
    for label in [*(r["name"] for r in found), TOTAL]:
        cell = table.cell(label)
        m = cell.measures or {}
        shown.append(
            AreaExpenditure(
                name=label,
                citizens=cell.count if cell.published else None,
                expenditure=m.get("expenditure"),
                registered=m.get("registered"),
                share=float(m["registered"] / m["expenditure"]) if m.get("expenditure") else None,
            )
        )
    return tuple(shown)
