"""Benchmark of the year-end forecast and its back-test (issue 14, acceptance 2) for S, M and L.

For each size the synthetic municipality is generated and imported once (the same way, seed and
key as ``benchmarks/draw.py``, whose ``--workdir`` layout is shared). Then, each in its own
process (its own peak memory, max RSS), repeated ``--repeat`` times (interleaved, best kept):

* ``tvaers_forecast``: the Ibis expressions of :mod:`tvaers.followup.forecast_queries` for the
  whole areas (every intervention type of the books, the year and the year before) as of the
  ``--as-of`` month end — the monthly amounts, the history and the forecast query — to Arrow;
* ``sql_forecast``: one hand-written DuckDB query giving the same figures (realised, last year's
  same months and full year, each method's year end but the commitments');
* ``tvaers_backtest`` / ``sql_backtest``: the same for the back-test of ``--year`` (every type
  as of each month end January-November in one query, against the actual year end);
* ``tvaers_service``: the whole forecast as a page waits for it the first time —
  :func:`tvaers.followup.forecast_service.compute` with the commitments (the imported table,
  priced per month, and the approved grants of a fresh store), and the back-test with its
  errors (:func:`~tvaers.followup.forecast_service.backtest_errors`);
* ``tvaers_solution``: a solution's forecast with every citizen of the municipality enrolled
  on 1 January: the draw's attribution of the two years (the dominant cost), the members, the
  commitments and the forecast — no SQL counterpart.

``seconds`` is the first run in a fresh process (imports and opening the database excluded),
``warm_seconds`` a second run on a new connection in the same process. The results of the two
ways are checked to agree (per type, every method's year end but the commitments', in øre).
Prints one JSON object per step and a JSON summary.

    .venv/bin/python benchmarks/forecast.py [--sizes S,M,L] [--workdir DIR] [--as-of 2026-08-31]
                                            [--year 2025] [--repeat 3] [--threads 0]
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

from draw import SIZES, best_runs, prepare  # noqa: E402 - the draw benchmark's helpers

PRELUDE = """
import json, os, sys, time
from datetime import date
import duckdb
from tvaers.core.config import Settings
settings = Settings()
AS_OF = date.fromisoformat(os.environ["TVAERS_BENCH_AS_OF"])
BACKTEST_YEAR = int(os.environ["TVAERS_BENCH_BACKTEST"])
THREADS = settings.threads
sys.path.insert(0, sys.argv[2])
METHODS = ("run_rate", "seasonal", "last_year")

class Clock:
    def __enter__(self):
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self
    def __exit__(self, *exc):
        self.wall, self.cpu = time.perf_counter() - self.wall, time.process_time() - self.cpu

def digest(rows):
    keyed = sorted(rows, key=lambda r: (r["sector_area"], r["intervention"], r.get("m", 0)))
    return [[r["sector_area"], r["intervention"], r.get("m", 0)]
            + [str(int(r["year_end_" + m])) for m in METHODS] for r in keyed]

def report(clocks, rows, **extra):
    cold, warm = clocks[0], clocks[-1]
    print(json.dumps({"seconds": cold.wall, "cpu_seconds": cold.cpu, "warm_seconds": warm.wall,
                      "warm_cpu_seconds": warm.cpu, "rows": rows, **extra}, default=str))
"""

ENGINE = (
    PRELUDE
    + """
from tvaers.draw.session import open_backend
from tvaers.followup import forecast_queries as fq
BACKTEST = os.environ["TVAERS_BENCH_KIND"] == "backtest"
year = BACKTEST_YEAR if BACKTEST else AS_OF.year
months = list(range(1, 12)) if BACKTEST else [AS_OF.month]
clocks = []
for run in range(2):  # cold, then warm on a new connection
    backend = open_backend(settings)
    with Clock() as clock:
        spent = fq.area_amounts(backend.table("postings"), backend.table("accounts"),
                                backend.table("interventions"), year)
        hist = fq.history(spent, None, year)
        found = fq.forecasts(hist, fq.as_of_table(year, months), known_by_start=BACKTEST)
        rows = found.to_pyarrow().to_pylist()
    clocks.append(clock)
    backend.disconnect()
report(clocks, len(rows), digest=digest(rows))
"""
)

SQL = (
    PRELUDE
    + """
from forecast import FORECAST_SQL
BACKTEST = os.environ["TVAERS_BENCH_KIND"] == "backtest"
year = BACKTEST_YEAR if BACKTEST else AS_OF.year
months = ",".join(str(m) for m in (range(1, 12) if BACKTEST else [AS_OF.month]))
clocks = []
for run in range(2):
    config = {"threads": THREADS} if THREADS else {}
    con = duckdb.connect(str(settings.analytics_path), read_only=True, config=config)
    with Clock() as clock:
        found = con.sql(FORECAST_SQL.format(year=year, months=months)).to_arrow_table()
        rows = found.to_pylist()
    clocks.append(clock)
    con.close()
report(clocks, len(rows), digest=digest(rows))
"""
)

SERVICE = (
    PRELUDE
    + """
import tempfile
from pathlib import Path
from tvaers.core.periods import Month
from tvaers.draw.session import Analysis, load_config, open_backend
from tvaers.followup import forecast_service as fs
from tvaers.followup.commitments import committed_months
from tvaers.store.database import make_engine, sessions, upgrade
SOLUTION = os.environ["TVAERS_BENCH_KIND"] == "solution"
clocks = []
for run in range(2):  # cold, then warm on a new connection and a fresh store
    engine = make_engine(f"sqlite:///{Path(tempfile.mkdtemp()) / 'drift.sqlite'}")
    upgrade(engine)
    analysis = Analysis(open_backend(settings), load_config(settings))
    with Clock() as clock, sessions(engine)() as session:
        if SOLUTION:
            people = analysis.table("citizens").citizen.to_pyarrow().to_pylist()
            scope = fs.Scope(tuple((i, "citizen", c, date(AS_OF.year, 1, 1), None)
                                   for i, c in enumerate(people, 1)), "alle")
        else:
            scope = fs.Scope()
        committed = committed_months(analysis, session, fs.fq.two_years(AS_OF.year))
        found, _ = fs.compute(analysis, scope, AS_OF, committed, {})
        rows = len(found.rows)
        if not SOLUTION:
            last = committed_months(analysis, session, fs.fq.two_years(BACKTEST_YEAR))
            tested, _ = fs.backtest_errors(analysis, scope, BACKTEST_YEAR, last, {})
            rows += len(tested.rows)
    clocks.append(clock)
    analysis.close()
    engine.dispose()
report(clocks, rows)
"""
)

# The same figures in one hand-written DuckDB query (the commitments' method left out).
FORECAST_SQL = """
WITH spent AS (
    SELECT coalesce(a.sector_area, i.sector_area, '') AS sector_area,
           coalesce(p.intervention, '') AS intervention,
           year(p.posting_date) AS y, month(p.posting_date) AS month_no,
           CAST(p.amount * 100 AS BIGINT) AS ore
    FROM postings p
    LEFT JOIN accounts a ON p.function_code = a.function_code
    LEFT JOIN interventions i ON p.intervention = i.intervention
    WHERE p.dranst = 1 AND p.posting_date BETWEEN DATE '{year}-01-01' - INTERVAL 1 YEAR
                                             AND DATE '{year}-12-31'
),
hist AS (
    SELECT sector_area, intervention, y = {year} AS cur, month_no, sum(ore) AS ore
    FROM spent GROUP BY ALL
),
as_of AS (SELECT unnest([{months}]) AS m),
sums AS (
    SELECT sector_area, intervention, m,
           coalesce(sum(ore) FILTER (WHERE cur AND month_no <= m), 0)::HUGEINT AS realised,
           coalesce(sum(ore) FILTER (WHERE NOT cur AND month_no <= m), 0)::HUGEINT AS last_same,
           coalesce(sum(ore) FILTER (WHERE NOT cur), 0)::HUGEINT AS last_full
    FROM hist, as_of GROUP BY ALL
),
rounded AS (  -- a / b rounded half to even, for b > 0
    SELECT *, realised * (12 - m) AS run_num, m::HUGEINT AS run_den,
           realised * last_full * sign(last_same) AS season_num,
           greatest(abs(last_same), 1) AS season_den
    FROM sums
),
q AS (
    SELECT *,
        sign(run_num) * (abs(run_num) // run_den + CASE
            WHEN 2 * (abs(run_num) % run_den) > run_den THEN 1
            WHEN 2 * (abs(run_num) % run_den) = run_den THEN (abs(run_num) // run_den) % 2
            ELSE 0 END) AS run_rest,
        sign(season_num) * (abs(season_num) // season_den + CASE
            WHEN 2 * (abs(season_num) % season_den) > season_den THEN 1
            WHEN 2 * (abs(season_num) % season_den) = season_den
                THEN (abs(season_num) // season_den) % 2
            ELSE 0 END) AS season_end
    FROM rounded
)
SELECT sector_area, intervention, m,
       realised + run_rest AS year_end_run_rate,
       CASE WHEN last_same <> 0 THEN season_end ELSE realised + run_rest END AS year_end_seasonal,
       realised + last_full - last_same AS year_end_last_year
FROM q
"""

PAIRS = {  # step -> (code, kind)
    "tvaers_forecast": (ENGINE, "forecast"),
    "sql_forecast": (SQL, "forecast"),
    "tvaers_backtest": (ENGINE, "backtest"),
    "sql_backtest": (SQL, "backtest"),
    "tvaers_service": (SERVICE, "service"),
    "tvaers_solution": (SERVICE, "solution"),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="S,M,L")
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--as-of", default="2026-08-31")
    parser.add_argument("--year", type=int, default=2025, help="the back-test's year")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--threads", type=int, default=0, help="DuckDB threads, 0 = all cores")
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="tvaers-forecast-bench-"))
    summary = []
    for size in args.sizes.split(","):
        env = prepare(size, workdir, reuse=args.workdir is not None, threads=args.threads)
        env = {**env, "TVAERS_BENCH_AS_OF": args.as_of, "TVAERS_BENCH_BACKTEST": str(args.year)}
        best: dict[str, dict] = {}
        for step, (code, kind) in PAIRS.items():
            found = best_runs({step: code}, args.repeat, args.year,
                              {**env, "TVAERS_BENCH_KIND": kind}, size)  # fmt: skip
            best.update(found)
        summary.append(_summary(size, args, best))
        if args.workdir is None:
            for stem in ("data", "home"):
                shutil.rmtree(workdir / f"{size}-{stem}", ignore_errors=True)
    print(json.dumps(summary, indent=1))


def _summary(size: str, args: argparse.Namespace, best: dict[str, dict]) -> dict:
    def ratio(mine: str, sql: str, key: str = "seconds") -> float:
        return round(best[mine][key] / best[sql][key], 2)

    return {
        "size": size,
        "citizens": SIZES[size],
        "threads": args.threads or os.cpu_count(),
        "rows_out": {s: r["rows"] for s, r in best.items()},
        "same_rows": {
            "forecast": best["tvaers_forecast"]["digest"] == best["sql_forecast"]["digest"],
            "backtest": best["tvaers_backtest"]["digest"] == best["sql_backtest"]["digest"],
        },
        "seconds": {s: round(r["seconds"], 3) for s, r in best.items()},
        "warm_seconds": {s: round(r["warm_seconds"], 3) for s, r in best.items()},
        "peak_memory_mb": {s: round(r["peak_memory_mb"], 1) for s, r in best.items()},
        "ratio_vs_sql": {
            "forecast": ratio("tvaers_forecast", "sql_forecast"),
            "backtest": ratio("tvaers_backtest", "sql_backtest"),
            "forecast_warm": ratio("tvaers_forecast", "sql_forecast", "warm_seconds"),
            "backtest_warm": ratio("tvaers_backtest", "sql_backtest", "warm_seconds"),
            "forecast_memory": ratio("tvaers_forecast", "sql_forecast", "peak_memory_mb"),
        },
    }


if __name__ == "__main__":
    main()
