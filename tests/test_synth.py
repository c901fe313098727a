"""The synthetic municipality: contract tables, valid data, determinism and calibration.

The calibration figures are computed with DuckDB SQL straight over the written files, the way an
outsider would check them, not with the generator's own arrays.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from tvaers.core.cpr import birth_date, is_valid
from tvaers.data.synth import SIZES, TABLES, generate
from tvaers.data.writers import danish_number, write_table

SEEDS = (1, 2, 3)
S = SIZES["S"]
YEAR = 2025

# Column types to read the CSV files with, so that CPR numbers and codes keep leading zeros.
TEXT_COLUMNS = {
    "cpr", "related_cpr", "intervention", "function_code", "grouping", "art", "cost_centre",
    "caseworker",
}  # fmt: skip


def load(con: duckdb.DuckDBPyConnection, folder: Path) -> None:
    """One view per contract table over the comma-separated files in ``folder``."""
    for table in TABLES:
        path = folder / f"{table}.csv"
        header = path.open(encoding="utf-8").readline().strip().split(",")
        types = {c: "VARCHAR" for c in header if c in TEXT_COLUMNS}
        con.execute(
            f"CREATE OR REPLACE VIEW {table} AS SELECT * FROM read_csv('{path}', header = true, "
            f"types = {types!r})"
        )
    # CPR numbers without the dash (the finance system writes some with it).
    con.execute(
        "CREATE OR REPLACE VIEW postings_n AS SELECT * REPLACE (replace(cpr, '-', '') AS cpr) "
        "FROM postings"
    )


PRICED_MONTHS_SQL = """
CREATE OR REPLACE TEMP TABLE priced AS
WITH months AS (
    SELECT range::DATE AS month_start,
           (range + INTERVAL 1 MONTH - INTERVAL 1 DAY)::DATE AS month_end
    FROM range(DATE '{year}-01-01', DATE '{next}-01-01', INTERVAL 1 MONTH)
),
spans AS (
    SELECT a.cpr, a.intervention, i.unit, i.function_code, i.sector_area, a.units_per_month,
           m.month_start, m.month_end,
           greatest(a.start_date, m.month_start) AS first_active,
           least(coalesce(a.end_date, DATE '9999-12-31'), m.month_end) AS last_active
    FROM activities a
    JOIN interventions i USING (intervention)
    JOIN months m ON a.start_date <= m.month_end
                 AND coalesce(a.end_date, DATE '9999-12-31') >= m.month_start
),
units AS (
    SELECT *, CASE
        WHEN units_per_month IS NOT NULL
            THEN units_per_month * (last_active - first_active + 1) / day(month_end)
        WHEN unit = 'day' THEN (last_active - first_active + 1)
        WHEN unit = 'week' THEN (last_active - first_active + 1) / 7.0
        WHEN unit = 'month' THEN (last_active - first_active + 1) / day(month_end)
    END AS units
    FROM spans
)
SELECT u.*, u.units * p.price AS cost
FROM units u
ASOF JOIN unit_prices p ON u.intervention = p.intervention AND u.first_active >= p.valid_from
"""

CALIBRATION_SQL = """
WITH exp AS (
    SELECT * FROM postings_n WHERE dranst = 1 AND year(posting_date) = {year}
),
registered_months AS (
    SELECT DISTINCT cpr, intervention, date_trunc('month', posting_date)::DATE AS month_start
    FROM exp WHERE cpr IS NOT NULL AND intervention IS NOT NULL
),
person_cost AS (
    SELECT cpr, sum(amount) AS cost FROM exp WHERE cpr IS NOT NULL GROUP BY cpr
    UNION ALL
    SELECT p.cpr, sum(p.cost) FROM priced p
    ANTI JOIN registered_months r USING (cpr, intervention, month_start)
    GROUP BY p.cpr
),
per_citizen AS (
    SELECT c.cpr, coalesce(sum(pc.cost), 0) AS cost
    FROM citizens c LEFT JOIN person_cost pc USING (cpr) GROUP BY c.cpr
),
ranked AS (
    SELECT cost, row_number() OVER (ORDER BY cost DESC) AS r, count(*) OVER () AS n
    FROM per_citizen
),
active_functions AS (
    SELECT DISTINCT function_code, month_start FROM priced
),
coverage AS (
    SELECT sum(amount) AS total,
           sum(amount) FILTER (WHERE cpr IS NOT NULL) AS registered,
           sum(amount) FILTER (WHERE cpr IS NULL AND af.function_code IS NOT NULL) AS pooled
    FROM exp e
    LEFT JOIN active_functions af
      ON af.function_code = e.function_code
     AND af.month_start = date_trunc('month', e.posting_date)::DATE
)
SELECT
    (SELECT sum(cost) FILTER (WHERE r <= ceil(n * 0.01)) / sum(cost) FROM ranked) AS top_1,
    (SELECT sum(cost) FILTER (WHERE r <= ceil(n * 0.03)) / sum(cost) FROM ranked) AS top_3,
    (SELECT registered / total FROM coverage) AS registered_share,
    (SELECT (registered + pooled) / total FROM coverage) AS attributable_share,
    (SELECT total FROM coverage) AS expenditure
"""

PLACEMENTS_SQL = """
-- Children aged 0-17 on 31 December (born in the 18 years up to it) in an out-of-home placement.
WITH children AS (
    SELECT cpr FROM citizens WHERE year(birth_date) BETWEEN {year} - 17 AND {year}
)
SELECT 1000.0 * (
    SELECT count(DISTINCT a.cpr) FROM activities a SEMI JOIN children USING (cpr)
    WHERE a.intervention IN ('015025', '015015', '015023', '015031', '015008', '015019', '015030')
      AND a.start_date <= DATE '{year}-12-31'
      AND coalesce(a.end_date, DATE '9999-12-31') >= DATE '{year}-12-31'
) / (SELECT count(*) FROM children)
"""

MULTI_AREA_SQL = """
WITH cases AS (
    SELECT p.cpr, a.sector_area
    FROM postings_n p JOIN accounts a USING (function_code)
    WHERE p.cpr IS NOT NULL AND p.dranst = 1 AND year(p.posting_date) = {year}
    UNION
    SELECT cpr, sector_area FROM priced
)
SELECT count(*) FROM (
    SELECT c.family FROM cases JOIN citizens c USING (cpr)
    GROUP BY c.family HAVING count(DISTINCT sector_area) >= 2
)
"""


@dataclass(frozen=True)
class Calibration:
    top_1: float
    top_3: float
    registered_share: float
    attributable_share: float
    expenditure: float
    placements_per_1000: float
    multi_area_families: int


def calibrate(folder: Path, year: int = YEAR) -> Calibration:
    con = duckdb.connect()
    load(con, folder)
    con.execute(PRICED_MONTHS_SQL.format(year=year, next=year + 1))
    row = con.execute(CALIBRATION_SQL.format(year=year)).fetchone()
    placements = con.execute(PLACEMENTS_SQL.format(year=year)).fetchone()
    multi = con.execute(MULTI_AREA_SQL.format(year=year)).fetchone()
    assert row is not None and placements is not None and multi is not None
    return Calibration(
        top_1=float(row[0]),
        top_3=float(row[1]),
        registered_share=float(row[2]),
        attributable_share=float(row[3]),
        expenditure=float(row[4]),
        placements_per_1000=float(placements[0]),
        multi_area_families=int(multi[0]),
    )
