"""Benchmark of Albertslund's settlement from the data (issue 13) for M and L: a solution with
every citizen of the municipality enrolled during the settlement year (the enrolment month
spread over the year, every fifth discharged after about half a year), each citizen's baseline
(the 12 months before the first enrolment) scaled to the months it counts in the year against
its actual draw in those months, per sector area.

For each size the synthetic municipality is generated and imported once (the same way, seed and
key as ``benchmarks/draw.py``, whose ``--workdir`` layout is shared). The attribution's lines of
the months the settlement reads (12 months before the year through its end) are computed once by
Tværs and written to Parquet with the enrolment periods (``<size>-settlement-*.parquet``): the
input of the two ways compared, so both do the same joins and sums and nothing else. Then, each
in its own process (its own peak memory, max RSS), repeated ``--repeat`` times (interleaved,
best kept):

* ``tvaers``: the Ibis expressions of :mod:`tvaers.budget.settlement_queries` (the group, each
  citizen's scaled baseline and actual per area, the area sums) on DuckDB, to Arrow;
* ``duckdb_sql``: one hand-written DuckDB SQL query giving the same per-area figures;
* ``tvaers_service``: the whole service, :func:`tvaers.budget.settlement.figures` on the home's
  data (the attribution of the 24 months included, then suppression and the sketches of the
  rule across requests on a fresh store): what a page or ``tvaers redistribute --solution``
  waits for the first time. It has no SQL counterpart; its rows are the areas shown.

``seconds`` is the first run in a fresh process (imports and opening the database excluded),
``warm_seconds`` a second run on a new connection in the same process. The two ways' results
are checked to agree (per area: citizens, Σ øre × months and the actual in øre). Prints one JSON
object per step and a JSON summary.

    .venv/bin/python benchmarks/settlement.py [--sizes M,L] [--workdir DIR] [--year 2025]
                                              [--repeat 3] [--threads 0]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from draw import SIZES, best_runs, prepare, run_step  # noqa: E402 - the draw benchmark's helpers

PRELUDE = """
import json, os, sys, time
import duckdb
import ibis
import pyarrow as pa
import pyarrow.parquet as parquet
from tvaers.core.config import Settings
settings = Settings()
LINES = os.environ["TVAERS_BENCH_LINES"]
PERIODS = os.environ["TVAERS_BENCH_PERIODS"]
YEAR = int(os.environ["TVAERS_BENCH_YEAR"])
THREADS = settings.threads
sys.path.insert(0, sys.argv[2])

class Clock:
    def __enter__(self):
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self
    def __exit__(self, *exc):
        self.wall, self.cpu = time.perf_counter() - self.wall, time.process_time() - self.cpu

def digest(table):
    rows = sorted(table.to_pylist(), key=lambda r: r["sector_area"])
    return [[r["sector_area"], int(r["citizens"]), str(int(r["baseline_scaled"])),
             str(int(r["actual"]))] for r in rows]

def report(clocks, rows, **extra):
    cold, warm = clocks[0], clocks[-1]
    print(json.dumps({"seconds": cold.wall, "cpu_seconds": cold.cpu, "warm_seconds": warm.wall,
                      "warm_cpu_seconds": warm.cpu, "rows": rows, **extra}, default=str))
"""

# The lines of the months the settlement reads and the enrolment periods, once, as Parquet.
INPUT_STEP = """
import json, os, time
from datetime import date, timedelta
import pyarrow as pa
import pyarrow.parquet as parquet
from tvaers.core.config import Settings
from tvaers.core.periods import Month, Period
from tvaers.draw.session import Analysis, load_config, open_backend
settings = Settings()
year = int(os.environ["TVAERS_BENCH_YEAR"])
analysis = Analysis(open_backend(settings), load_config(settings))
people = sorted(analysis.table("citizens").citizen.to_pyarrow().to_pylist())
rows = []
for i, citizen in enumerate(people):
    on = date(year, i % 12 + 1, i % 28 + 1)
    rows.append((i + 1, "citizen", citizen, on, None if i % 5 else on + timedelta(days=190)))
columns = list(zip(*rows))
schema = pa.schema([("period", pa.int64()), ("unit", pa.string()), ("subject", pa.string()),
                    ("enrolled_on", pa.date32()), ("discharged_on", pa.date32())])
parquet.write_table(pa.table([pa.array(list(c), f.type) for c, f in zip(columns, schema)],
                             schema=schema), os.environ["TVAERS_BENCH_PERIODS"])
start = time.perf_counter()
period = analysis.period(None, Period(Month(year - 1, 1), Month(year, 12)))
lines = analysis.attribution(period).lines.to_pyarrow()
seconds = time.perf_counter() - start
parquet.write_table(lines, os.environ["TVAERS_BENCH_LINES"])
print(json.dumps({"seconds": seconds, "rows": lines.num_rows, "periods": len(rows)}))
"""

TVAERS = (
    PRELUDE
    + """
from tvaers.budget import settlement_queries as sq
from tvaers.core.periods import Period
from tvaers.draw import queries_economy as qe
from tvaers.draw.session import open_backend
clocks = []
for run in range(2):  # cold, then warm on a new connection
    backend = open_backend(settings)
    with Clock() as clock:
        lines = backend.read_parquet(LINES)
        periods = backend.read_parquet(PERIODS)
        members = qe.enrolled_citizens(periods, backend.table("citizens"))
        year_months = qe.calendar(Period.year(YEAR))
        group = sq.year_group(members, year_months)
        found = sq.area_sums(sq.citizen_areas(lines, group, year_months, members, "amount"))
        found = found.to_pyarrow()
    clocks.append(clock)
    backend.disconnect()
report(clocks, found.num_rows, digest=digest(found))
"""
)

DUCKDB_SQL = (
    PRELUDE
    + """
from settlement import SETTLEMENT_SQL
clocks = []
for run in range(2):  # cold, then warm on a new connection
    config = {"threads": THREADS} if THREADS else {}
    con = duckdb.connect(str(settings.analytics_path), read_only=True, config=config)
    with Clock() as clock:
        found = con.sql(SETTLEMENT_SQL.format(lines=LINES, periods=PERIODS, year=YEAR)
                        ).to_arrow_table()
    clocks.append(clock)
    con.close()
report(clocks, found.num_rows, digest=digest(found))
"""
)

SERVICE = (
    PRELUDE
    + """
import tempfile
from pathlib import Path
from tvaers.budget import settlement
from tvaers.draw.session import Analysis, load_config, open_backend
from tvaers.draw.solution_economy import Enrolled
from tvaers.store.database import make_engine, sessions, upgrade
from tvaers.store.publications import Ledger
table = parquet.read_table(PERIODS).to_pylist()
periods = tuple(Enrolled(r["period"], r["unit"], r["subject"], r["enrolled_on"],
                         r["discharged_on"]) for r in table)
clocks = []
for run in range(2):  # cold, then warm on a new connection (and a fresh store: nothing shown)
    store = Path(tempfile.mkdtemp()) / "drift.sqlite"
    engine = make_engine(f"sqlite:///{store}")
    upgrade(engine)
    analysis = Analysis(open_backend(settings), load_config(settings))
    with Clock() as clock:
        found = settlement.figures(analysis, periods, YEAR, "gross",
                                   Ledger(sessions(engine), "benchmark", None))
    clocks.append(clock)
    analysis.close()
    engine.dispose()
shown = [a for a in found.areas if a.baseline is not None]
report(clocks, len(shown), members=found.members)
"""
)

# The same figures in one hand-written DuckDB query.
SETTLEMENT_SQL = """
WITH members AS (
    SELECT subject AS citizen, enrolled_on,
           date_trunc('month', enrolled_on)::DATE AS first_month,
           date_trunc('month', discharged_on)::DATE AS last_month
    FROM read_parquet('{periods}') WHERE unit = 'citizen'
),
months AS (
    SELECT unnest(generate_series(DATE '{year}-01-01', DATE '{year}-12-01', INTERVAL 1 MONTH))
           ::DATE AS month
),
enrolled AS (
    SELECT DISTINCT m.citizen, c.month FROM members m
    JOIN months c ON c.month >= m.first_month AND (m.last_month IS NULL OR c.month <= m.last_month)
),
grp AS (
    SELECT e.citizen, e.months,
           (date_trunc('month', f.reference) - INTERVAL 12 MONTH)::DATE AS w_first,
           (date_trunc('month', f.reference) - INTERVAL 1 MONTH)::DATE AS w_last
    FROM (SELECT citizen, count(*) AS months FROM enrolled GROUP BY citizen) e
    JOIN (SELECT citizen, min(enrolled_on) AS reference FROM members GROUP BY citizen) f
      USING (citizen)
),
lines AS (SELECT citizen, sector_area, month, amount FROM read_parquet('{lines}')),
actual AS (
    SELECT l.citizen, l.sector_area, CAST(sum(l.amount) * 100 AS BIGINT) AS actual
    FROM lines l SEMI JOIN enrolled e ON l.citizen = e.citizen AND l.month = e.month
    GROUP BY ALL
),
base AS (
    SELECT l.citizen, l.sector_area, g.months, CAST(sum(l.amount) * 100 AS BIGINT) AS ore
    FROM lines l JOIN grp g ON l.citizen = g.citizen AND l.month BETWEEN g.w_first AND g.w_last
    GROUP BY ALL
),
per_citizen AS (
    SELECT coalesce(b.citizen, a.citizen) AS citizen,
           coalesce(b.sector_area, a.sector_area) AS sector_area,
           coalesce(CAST(b.ore AS HUGEINT) * b.months, 0) AS baseline_scaled,
           coalesce(a.actual, 0) AS actual
    FROM base b FULL JOIN actual a ON b.citizen = a.citizen AND b.sector_area = a.sector_area
)
SELECT sector_area, count(DISTINCT citizen) AS citizens, sum(baseline_scaled) AS baseline_scaled,
       sum(actual) AS actual
FROM per_citizen GROUP BY sector_area ORDER BY sector_area
"""

STEPS = {"tvaers": TVAERS, "duckdb_sql": DUCKDB_SQL, "tvaers_service": SERVICE}


def inputs(size: str, workdir: Path, year: int, env: dict[str, str]) -> tuple[dict, dict]:
    """The lines and the periods as Parquet, computed once per work folder."""
    lines = workdir / f"{size}-settlement-lines-{year}.parquet"
    periods = workdir / f"{size}-settlement-periods-{year}.parquet"
    paths = {"TVAERS_BENCH_LINES": str(lines), "TVAERS_BENCH_PERIODS": str(periods),
             "TVAERS_BENCH_YEAR": str(year)}  # fmt: skip
    if lines.exists() and periods.exists():
        return paths, {}
    return paths, run_step(INPUT_STEP, year, {**env, **paths})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="M,L")
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--threads", type=int, default=0, help="DuckDB threads, 0 = all cores")
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="tvaers-settlement-bench-"))
    summary = []
    for size in args.sizes.split(","):
        env = prepare(size, workdir, reuse=args.workdir is not None, threads=args.threads)
        paths, made = inputs(size, workdir, args.year, env)
        best = best_runs(STEPS, args.repeat, args.year, {**env, **paths}, size)
        mine, sql, service = best["tvaers"], best["duckdb_sql"], best["tvaers_service"]
        summary.append(
            {
                "size": size,
                "citizens": SIZES[size],
                "enrolled": service["members"],
                "threads": args.threads or os.cpu_count(),
                "lines_in": _rows_of(Path(paths["TVAERS_BENCH_LINES"])),
                "attribution_seconds": round(made["seconds"], 3) if made else None,
                "rows_out": mine["rows"],
                "same_rows": mine["digest"] == sql["digest"],
                "seconds": {s: round(r["seconds"], 3) for s, r in best.items()},
                "warm_seconds": {s: round(r["warm_seconds"], 3) for s, r in best.items()},
                "cpu_seconds": {s: round(r["cpu_seconds"], 3) for s, r in best.items()},
                "peak_memory_mb": {s: round(r["peak_memory_mb"], 1) for s, r in best.items()},
                "ratio_vs_sql": round(mine["seconds"] / sql["seconds"], 2),
                "ratio_vs_sql_warm": round(mine["warm_seconds"] / sql["warm_seconds"], 2),
                "ratio_vs_sql_memory": round(mine["peak_memory_mb"] / sql["peak_memory_mb"], 2),
            }
        )
        if args.workdir is None:
            for stem in ("data", "home"):
                shutil.rmtree(workdir / f"{size}-{stem}", ignore_errors=True)
    print(json.dumps(summary, indent=1))


def _rows_of(path: Path) -> int:
    import pyarrow.parquet as parquet

    return int(parquet.ParquetFile(path).metadata.num_rows)


if __name__ == "__main__":
    main()
