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

# Column types to read the CSV files with: CPR numbers and codes keep their leading zeros,
# money is exact.
COLUMN_TYPES = {
    **dict.fromkeys(
        ["cpr", "related_cpr", "intervention", "function_code", "grouping", "art", "cost_centre",
         "caseworker"],
        "VARCHAR",
    ),
    "amount": "DECIMAL(18, 2)",
    "price": "DECIMAL(18, 2)",
}  # fmt: skip


def load(con: duckdb.DuckDBPyConnection, folder: Path) -> None:
    """One view per contract table over the comma-separated files in ``folder``."""
    for table in TABLES:
        path = folder / f"{table}.csv"
        header = path.open(encoding="utf-8").readline().strip().split(",")
        types = {c: COLUMN_TYPES[c] for c in header if c in COLUMN_TYPES}
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

# A family's sector areas in the year: a CPR-registered posting or a priced activity.
CASES = """
cases AS (
    SELECT p.cpr, a.sector_area
    FROM postings_n p JOIN accounts a USING (function_code)
    WHERE p.cpr IS NOT NULL AND p.dranst = 1 AND year(p.posting_date) = {year}
    UNION
    SELECT cpr, sector_area FROM priced
)"""

MULTI_AREA_SQL = (
    "WITH "
    + CASES
    + """
SELECT count(*) FROM (
    SELECT c.family FROM cases JOIN citizens c USING (cpr)
    GROUP BY c.family HAVING count(DISTINCT sector_area) >= 2
)
"""
)

# Contact points in the year (as ``tvaers contacts`` counts them): a family's sector areas (a
# CPR-registered posting or a priced activity) and the most activities of its members on one day
# (a sweep over start and end days). KL (2017) §3.1: target groups with "samtidige kontakter til
# 2 og 3 forvaltninger og med mindst 7-8 ydelser på samme tid".
CONTACTS_SQL = (
    "WITH "
    + CASES
    + """,
spans AS (
    SELECT a.cpr, c.family, greatest(a.start_date, DATE '{year}-01-01') AS first_day,
           least(coalesce(a.end_date, DATE '9999-12-31'), DATE '{year}-12-31') AS last_day
    FROM activities a JOIN citizens c USING (cpr)
    WHERE a.start_date <= DATE '{year}-12-31'
      AND coalesce(a.end_date, DATE '9999-12-31') >= DATE '{year}-01-01'
),
events AS (
    SELECT {unit} AS unit, first_day AS day, 1 AS delta FROM spans
    UNION ALL
    SELECT {unit}, last_day + 1, -1 FROM spans
),
running AS (
    SELECT unit, sum(delta) OVER (PARTITION BY unit ORDER BY day
                                  ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS level
    FROM (SELECT unit, day, sum(delta) AS delta FROM events GROUP BY unit, day)
),
peak AS (SELECT unit, max(level) AS at_once FROM running GROUP BY unit),
areas AS (
    SELECT {unit} AS unit, count(DISTINCT sector_area) AS areas
    FROM cases JOIN citizens c USING (cpr) GROUP BY 1
)
SELECT
    count(*) FILTER (WHERE areas >= 4) AS in_4_areas,
    count(*) FILTER (WHERE at_once >= 5) AS with_5_at_once,
    count(*) FILTER (WHERE areas >= 2 AND at_once >= 7) AS with_7_at_once_in_2_areas
FROM areas FULL JOIN peak USING (unit)
"""
)


@dataclass(frozen=True)
class Calibration:
    top_1: float
    top_3: float
    registered_share: float
    attributable_share: float
    expenditure: float
    placements_per_1000: float
    multi_area_families: int
    citizens: tuple[int, int, int]  # in 4+ areas, with 5+ at once, 7+ at once in 2+ areas
    families: tuple[int, int, int]


def calibrate(folder: Path, year: int = YEAR) -> Calibration:
    con = duckdb.connect()
    load(con, folder)
    con.execute(PRICED_MONTHS_SQL.format(year=year, next=year + 1))
    row = con.execute(CALIBRATION_SQL.format(year=year)).fetchone()
    placements = con.execute(PLACEMENTS_SQL.format(year=year)).fetchone()
    multi = con.execute(MULTI_AREA_SQL.format(year=year)).fetchone()
    citizens = con.execute(CONTACTS_SQL.format(year=year, unit="cpr")).fetchone()
    families = con.execute(CONTACTS_SQL.format(year=year, unit="family")).fetchone()
    assert row is not None and placements is not None and multi is not None
    assert citizens is not None and families is not None
    return Calibration(
        top_1=float(row[0]),
        top_3=float(row[1]),
        registered_share=float(row[2]),
        attributable_share=float(row[3]),
        expenditure=float(row[4]),
        placements_per_1000=float(placements[0]),
        multi_area_families=int(multi[0]),
        citizens=(int(citizens[0]), int(citizens[1]), int(citizens[2])),
        families=(int(families[0]), int(families[1]), int(families[2])),
    )


# --- fixtures ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def municipality(tmp_path_factory: pytest.TempPathFactory):
    """The S-size municipality of a seed, generated once per module (CSV)."""
    made: dict[int, tuple[Path, object]] = {}

    def get(seed: int) -> tuple[Path, object]:
        if seed not in made:
            out = tmp_path_factory.mktemp(f"synth_s{seed}")
            made[seed] = (out, generate(S, seed, out))
        return made[seed]

    return get


@pytest.fixture(scope="module")
def calibrations(municipality) -> dict[int, Calibration]:
    return {seed: calibrate(municipality(seed)[0]) for seed in SEEDS}


@pytest.fixture(scope="module")
def con(municipality) -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect()
    load(connection, municipality(1)[0])
    return connection


def scalar(con: duckdb.DuckDBPyConnection, sql: str) -> object:
    row = con.execute(sql).fetchone()
    assert row is not None
    return row[0]


# --- the tables --------------------------------------------------------------------------------


def test_every_contract_table_is_written(municipality) -> None:
    folder, summary = municipality(1)
    assert sorted(p.name for p in folder.iterdir()) == sorted(f"{t}.csv" for t in TABLES)
    assert summary.citizens == S
    assert 10_000 < summary.families < S
    assert set(summary.rows) == set(TABLES)
    assert all(summary.rows[t] > 0 for t in TABLES)
    assert summary.rows["citizens"] == S
    assert summary.first_day == date(2024, 1, 1) and summary.as_of == date(2026, 10, 31)


def test_summary_matches_the_files(municipality, con) -> None:
    _, summary = municipality(1)
    total = scalar(con, "SELECT sum(amount) FROM postings WHERE dranst = 1")
    registered = scalar(con, "SELECT sum(amount) FROM postings WHERE dranst = 1 AND cpr NOT NULL")
    assert summary.total_expenditure == total
    assert summary.registered_share == pytest.approx(float(registered) / float(total))
    for table in TABLES:
        assert scalar(con, f"SELECT count(*) FROM {table}") == summary.rows[table]


def test_sector_areas_are_the_five_fixed_codes(con) -> None:
    codes = {r[0] for r in con.execute("SELECT sector_area FROM sector_areas").fetchall()}
    assert codes == {"employment", "children", "adults", "health", "special_education"}
    unmapped = scalar(
        con, "SELECT count(*) FROM accounts ANTI JOIN sector_areas USING (sector_area)"
    )
    assert unmapped == 0


def test_every_posted_function_code_is_in_accounts(con) -> None:
    missing = con.execute(
        "SELECT DISTINCT function_code FROM postings ANTI JOIN accounts USING (function_code)"
    ).fetchall()
    assert missing == []
    interventions = scalar(
        con, "SELECT count(*) FROM interventions ANTI JOIN accounts USING (function_code)"
    )
    assert interventions == 0


def test_postings_are_well_formed(con) -> None:
    assert scalar(con, "SELECT count(*) - count(DISTINCT posting_id) FROM postings") == 0
    assert (
        scalar(
            con,
            "SELECT count(*) FROM postings WHERE posting_date < DATE '2024-01-01' "
            "OR posting_date > DATE '2026-10-31'",
        )
        == 0
    )
    assert scalar(con, "SELECT count(*) FROM postings WHERE NOT regexp_full_match(grouping, "
                       "'[0-9]{3}')") == 0  # fmt: skip
    # State refunds: dranst 2, negative, never on a person; not expenditure.
    refunds = con.execute(
        "SELECT count(*), max(amount), count(cpr) FROM postings WHERE dranst = 2"
    ).fetchone()
    assert refunds is not None and refunds[0] > 0 and refunds[1] < 0 and refunds[2] == 0
    # Registered purchases carry a known intervention; interventions only on registered rows.
    unknown = scalar(
        con,
        "SELECT count(*) FROM postings p WHERE intervention IS NOT NULL "
        "AND intervention NOT IN (SELECT intervention FROM interventions)",
    )
    assert unknown == 0
    assert (
        scalar(con, "SELECT count(*) FROM postings WHERE intervention NOT NULL AND cpr IS NULL")
        == 0
    )


def test_no_cpr_number_in_posting_texts(con) -> None:
    from tvaers.core.cpr import CPR_IN_TEXT_REGEX

    hits = scalar(
        con, f"SELECT count(*) FROM postings WHERE regexp_matches(text, '{CPR_IN_TEXT_REGEX}')"
    )
    assert hits == 0


def test_cpr_numbers_are_valid_unique_and_match_birth_dates(con) -> None:
    rows = con.execute("SELECT cpr, birth_date FROM citizens").fetchall()
    assert len({cpr for cpr, _ in rows}) == len(rows)
    for cpr, born in rows:
        assert is_valid(cpr), cpr
        assert birth_date(cpr) == born
    known = {cpr for cpr, _ in rows}
    for table, column in [("postings", "cpr"), ("activities", "cpr"), ("outcomes", "cpr"),
                          ("relations", "cpr"), ("relations", "related_cpr")]:  # fmt: skip
        values = {r[0] for r in con.execute(
            f"SELECT DISTINCT {column} FROM {table} WHERE {column} NOT NULL").fetchall()}  # fmt: skip
        assert all(is_valid(v) for v in values)
        assert {v.replace("-", "") for v in values} <= known, table
    dashed = scalar(con, "SELECT avg((cpr LIKE '%-%')::INT) FROM postings WHERE cpr NOT NULL")
    assert 0.02 < float(dashed) < 0.08  # about 5 % written DDMMYY-SSSS


def test_relations_agree_with_families(con) -> None:
    outside = scalar(
        con,
        """SELECT count(*) FROM relations r
           JOIN citizens a ON a.cpr = r.cpr JOIN citizens b ON b.cpr = r.related_cpr
           WHERE a.family <> b.family""",
    )
    assert outside == 0
    # partner_of is written in both directions.
    one_way = scalar(
        con,
        """SELECT count(*) FROM relations r WHERE relation = 'partner_of' AND NOT EXISTS (
               SELECT 1 FROM relations s WHERE s.relation = 'partner_of'
               AND s.cpr = r.related_cpr AND s.related_cpr = r.cpr)""",
    )
    assert one_way == 0
    # Children are under 18 and have a parent in the family; a family has at most two adults.
    old_children = scalar(
        con,
        """SELECT count(*) FROM relations r JOIN citizens c ON c.cpr = r.related_cpr
           WHERE r.relation = 'parent_of' AND c.birth_date <= DATE '2026-10-31' - INTERVAL 18 YEAR""",
    )
    assert old_children == 0
    big = scalar(
        con,
        """SELECT count(*) FROM (SELECT c.family FROM citizens c
           WHERE c.cpr NOT IN (SELECT related_cpr FROM relations WHERE relation = 'parent_of')
           GROUP BY c.family HAVING count(*) > 2)""",
    )
    assert big == 0


def test_activities_are_priced_on_every_day_they_are_used(con) -> None:
    unpriced = scalar(
        con,
        """SELECT count(*) FROM activities a WHERE NOT EXISTS (
               SELECT 1 FROM unit_prices p
               WHERE p.intervention = a.intervention AND p.valid_from <= a.start_date)""",
    )
    assert unpriced == 0
    assert scalar(con, "SELECT count(*) FROM activities WHERE end_date < start_date") == 0
    assert (
        scalar(con, "SELECT count(*) FROM activities ANTI JOIN interventions USING (intervention)")
        == 0
    )
    # hour and piece units need units_per_month
    missing = scalar(
        con,
        """SELECT count(*) FROM activities JOIN interventions USING (intervention)
           WHERE unit IN ('hour', 'piece') AND units_per_month IS NULL""",
    )
    assert missing == 0
    # Nobody gets an intervention before birth; children's measures end at 18, adults' begin.
    wrong_age = con.execute(
        """SELECT i.sector_area, count(*) FROM activities a
           JOIN citizens c USING (cpr) JOIN interventions i USING (intervention)
           WHERE a.start_date < c.birth_date
              OR (i.sector_area IN ('children', 'special_education')
                  AND coalesce(a.end_date, DATE '2026-10-31') >= c.birth_date + INTERVAL 18 YEAR)
              OR (i.sector_area IN ('adults', 'employment')
                  AND a.start_date < c.birth_date + INTERVAL 18 YEAR)
           GROUP BY 1"""
    ).fetchall()
    assert wrong_age == []
    prices = con.execute(
        "SELECT intervention, count(*), min(valid_from) FROM unit_prices GROUP BY 1"
    ).fetchall()
    assert all(n == 4 and first == date(2015, 1, 1) for _, n, first in prices)


def test_caseworkers_carry_twenty_to_forty_cases_on_average(con) -> None:
    load_mid_2025 = scalar(
        con,
        """SELECT avg(n) FROM (SELECT caseworker, count(DISTINCT cpr) AS n FROM activities
           WHERE start_date <= DATE '2025-06-30'
             AND coalesce(end_date, DATE '9999-12-31') >= DATE '2025-06-30'
           GROUP BY caseworker)""",
    )
    assert 20 <= float(load_mid_2025) <= 40


def test_budgets_are_close_to_expenditure(con) -> None:
    rows = con.execute(
        """WITH spent AS (
               SELECT year(posting_date) AS year, a.sector_area, sum(amount) AS amount,
                      count(DISTINCT month(posting_date)) AS months
               FROM postings JOIN accounts a USING (function_code) WHERE dranst = 1 GROUP BY ALL)
           SELECT b.amount / (s.amount * 12 / s.months) FROM budgets b
           JOIN spent s USING (year, sector_area)"""
    ).fetchall()
    assert len(rows) == 15
    assert all(0.95 <= float(ratio) <= 1.05 for (ratio,) in rows)


def test_outcomes_follow_benefits(con) -> None:
    statuses = {r[0] for r in con.execute("SELECT DISTINCT status FROM outcomes").fetchall()}
    expected = {
        "benefit:kontanthjælp", "benefit:uddannelseshjælp", "benefit:sygedagpenge",
        "benefit:ressourceforløb", "benefit:ledighedsydelse", "benefit:førtidspension",
        "benefit:dagpenge", "internship", "job", "education", "self_supporting",
    }  # fmt: skip
    assert statuses == expected
    children = scalar(
        con,
        """SELECT count(*) FROM outcomes o JOIN citizens c USING (cpr)
           WHERE o.date < c.birth_date + INTERVAL 18 YEAR""",
    )
    assert children == 0


# --- calibration -------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
def test_cost_concentration_matches_kl(calibrations, seed: int) -> None:
    c = calibrations[seed]
    assert 0.25 <= c.top_1 <= 0.35, c
    assert 0.40 <= c.top_3 <= 0.55, c


@pytest.mark.parametrize("seed", SEEDS)
def test_registered_and_attributable_shares(calibrations, seed: int) -> None:
    c = calibrations[seed]
    assert 0.25 <= c.registered_share <= 0.40, c
    assert 0.80 <= c.attributable_share <= 0.90, c


@pytest.mark.parametrize("seed", SEEDS)
def test_placements_per_thousand_children(calibrations, seed: int) -> None:
    assert 6.0 <= calibrations[seed].placements_per_1000 <= 12.0, calibrations[seed]


@pytest.mark.parametrize("seed", SEEDS)
def test_families_with_cases_in_several_areas(calibrations, seed: int) -> None:
    # "A few hundred per 40,000 citizens": 100-800 per 40,000, scaled to the S size.
    low, high = 100 * S / 40_000, 800 * S / 40_000
    assert low <= calibrations[seed].multi_area_families <= high, calibrations[seed]


@pytest.mark.parametrize("seed", SEEDS)
def test_families_with_many_services_at_once_as_kl_describes(calibrations, seed: int) -> None:
    """KL (2017), «Bedre tværgående samarbejde om ydelser og indsats», §3.1: target groups with
    "samtidige kontakter til 2 og 3 forvaltninger og med mindst 7-8 ydelser på samme tid". The
    synthetic municipality has such families, about 0.8 per 1,000 citizens (see
    data/synth/programmes.py): 0.4-1.5 per 1,000, 11-41 on S."""
    c = calibrations[seed]
    in_4_areas, with_5_at_once, with_7_at_once = c.families
    assert 0.4 * S / 1000 <= with_7_at_once <= 1.5 * S / 1000, c
    # "2, 3 eller 4 forvaltninger": families in 4 or 5 sector areas, and citizens (children)
    # with 5 or more interventions at once, exist but are few.
    assert with_7_at_once <= in_4_areas <= 2.0 * S / 1000, c
    assert with_7_at_once < with_5_at_once <= 2.5 * S / 1000, c
    assert 1 <= c.citizens[1] <= 0.5 * S / 1000, c


# --- determinism and formats -------------------------------------------------------------------


def _digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_same_seed_gives_byte_identical_files(municipality, tmp_path: Path) -> None:
    folder, _ = municipality(1)
    generate(S, 1, tmp_path / "again")
    assert _digests(tmp_path / "again") == _digests(folder)
    other, _ = municipality(2)
    assert _digests(other)["postings.csv"] != _digests(folder)["postings.csv"]


def test_progress_is_reported_in_danish(tmp_path: Path) -> None:
    steps: list[tuple[str, float]] = []
    generate(2_000, 7, tmp_path, progress=lambda step, done: steps.append((step, done)))
    fractions = [done for _, done in steps]
    assert fractions == sorted(fractions) and fractions[0] == 0.0 and fractions[-1] == 1.0
    assert any("Skriver" in step for step, _ in steps)


DANISH_DECIMAL = "CAST(replace(replace({c}, '.', ''), ',', '.') AS DECIMAL(18, 2))"
DANISH_DATE = "strptime({c}, '%d-%m-%Y')::DATE"


def _read_all_text(con: duckdb.DuckDBPyConnection, path: Path, delimiter: str, name: str) -> None:
    con.execute(
        f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM read_csv('{path}', header = true, "
        f"all_varchar = true, delim = '{delimiter}')"
    )


@pytest.fixture(scope="module")
def danish_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synth_dk")
    generate(S, 1, out, fmt="csv-dk")
    return out


def test_danish_csv_round_trips_to_the_same_values(municipality, danish_folder: Path,
                                                   tmp_path: Path) -> None:  # fmt: skip
    folder, _ = municipality(1)
    con = duckdb.connect()
    money = {"postings": ["amount"], "unit_prices": ["price"], "budgets": ["amount"],
             "commitments": ["monthly_amount"]}  # fmt: skip
    dates = {
        "postings": ["posting_date"], "unit_prices": ["valid_from"], "citizens": ["birth_date"],
        "activities": ["start_date", "end_date"], "commitments": ["start_date", "end_date"],
        "outcomes": ["date"],
    }  # fmt: skip
    for table in TABLES:
        utf8 = tmp_path / f"{table}.csv"  # DuckDB reads UTF-8: transcode the Windows-1252 file
        utf8.write_text((danish_folder / f"{table}.csv").read_text("cp1252"), "utf-8")
        _read_all_text(con, folder / f"{table}.csv", ",", "plain")
        _read_all_text(con, utf8, ";", "danish")
        columns = [r[0] for r in con.execute("DESCRIBE plain").fetchall()]
        plain_sql, danish_sql = [], []
        for column in columns:
            if column in money.get(table, []):
                plain_sql.append(f"CAST({column} AS DECIMAL(18, 2))")
                danish_sql.append(DANISH_DECIMAL.format(c=column))
            elif column in dates.get(table, []):
                plain_sql.append(f"CAST({column} AS DATE)")
                danish_sql.append(DANISH_DATE.format(c=column))
            elif column == "units_per_month":
                plain_sql.append(f"CAST({column} AS DOUBLE)")
                danish_sql.append(f"CAST(replace({column}, ',', '.') AS DOUBLE)")
            else:
                plain_sql.append(column)
                danish_sql.append(column)
        differences = scalar(
            con,
            f"SELECT count(*) FROM (SELECT {', '.join(plain_sql)} FROM plain "
            f"EXCEPT ALL SELECT {', '.join(danish_sql)} FROM danish)",
        )
        assert differences == 0, table
        assert scalar(con, "SELECT count(*) FROM danish") == scalar(
            con, "SELECT count(*) FROM plain"
        )


def test_danish_csv_is_windows_1252_with_danish_number_format(danish_folder: Path) -> None:
    raw = (danish_folder / "accounts.csv").read_bytes()
    assert "Førtidspension".encode("cp1252") in raw  # ø as the single byte 0xF8
    assert "ø".encode() not in raw  # not UTF-8
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    postings = (danish_folder / "postings.csv").read_bytes()
    assert b";" in postings.splitlines()[0]
    text = postings.decode("cp1252")
    assert any(ch in text for ch in "æøå")
    prices = (danish_folder / "unit_prices.csv").read_text("cp1252").splitlines()
    assert "015025;01-01-2024;51.000,00;FLIS" in prices


# --- writers -----------------------------------------------------------------------------------


def test_danish_number_is_exact() -> None:
    values = pa.array(
        [Decimal("-1234567.5"), Decimal("0"), Decimal("0.05"), Decimal("-0.05"),
         Decimal("999.99"), Decimal("1000"), Decimal("123456789012.34"), None],
        pa.decimal128(18, 2),
    )  # fmt: skip
    assert danish_number(values).to_pylist() == [
        "-1.234.567,50", "0,00", "0,05", "-0,05", "999,99", "1.000,00", "123.456.789.012,34", None,
    ]  # fmt: skip
    assert danish_number(pa.array([1234, -5], pa.int64()), thousands=False).to_pylist() == [
        "1234", "-5",
    ]  # fmt: skip


def test_writers_round_trip_small_table(tmp_path: Path) -> None:
    from python_calamine import CalamineWorkbook

    table = pa.table(
        {
            "cpr": ["0101901234", "3112059876"],
            "amount": pa.array([Decimal("1234.50"), Decimal("-7.25")], pa.decimal128(18, 2)),
            "day": pa.array([date(2025, 3, 31), None], pa.date32()),
            "text": ["Plejefamilier, vederlag", "Støtte; særlig"],
        }
    )
    csv = write_table(table, tmp_path, "t", "csv").read_text("utf-8")
    assert csv.splitlines()[1] == '"0101901234",1234.50,2025-03-31,"Plejefamilier, vederlag"'
    dk = write_table(table, tmp_path / "dk", "t", "csv-dk").read_text("cp1252").splitlines()
    assert dk[0] == "cpr;amount;day;text"
    # A value with the delimiter makes Arrow quote all text, the rendered numbers included.
    assert dk[1] == '"0101901234";"1.234,50";"31-03-2025";"Plejefamilier, vederlag"'
    assert dk[2] == '"3112059876";"-7,25";;"Støtte; særlig"'
    parquet = write_table(table, tmp_path, "t", "parquet")
    import pyarrow.parquet as pq

    assert pq.read_table(parquet).equals(table)
    xlsx = write_table(table, tmp_path, "t", "xlsx")
    rows = CalamineWorkbook.from_path(str(xlsx)).get_sheet_by_index(0).to_python()
    assert rows[0] == ["cpr", "amount", "day", "text"]
    assert rows[1] == ["0101901234", 1234.5, date(2025, 3, 31), "Plejefamilier, vederlag"]
    with pytest.raises(ValueError, match="Ukendt filformat"):
        write_table(table, tmp_path, "t", "json")
