"""Benchmark of the "who pays" draw (issue 12) for M and L: every citizen of the municipality,
the whole year's draw routed by a three-area distribution key with rules, split to the øre.

For each size the synthetic municipality is generated and imported once (the same way, seed
and key as ``benchmarks/draw.py``, whose ``--workdir`` layout is shared, so one work folder
serves every benchmark). The year's attribution lines (``citizen, sector_area, month,
function_code, intervention, method, amount``) are computed once by Tværs and written to
Parquet next to the data (``<size>-lines-<year>.parquet``): the input of both ways below, so
both do the same join and split and nothing else. Then, each in its own process (so that its
peak memory, max RSS, is its own) and repeated ``--repeat`` times (interleaved, best kept):

* ``tvaers``: :func:`tvaers.principles.queries.who_pays` (Ibis on DuckDB) over the lines, with
  the key's rules from :func:`~tvaers.principles.queries.key_rules_table`, to Arrow;
* ``duckdb_sql``: one hand-written DuckDB SQL query doing the same: one amount per citizen,
  month, booked area and intervention, the citizen's age and the intervention's legal basis
  joined, the first matching rule in force per line, the largest-remainder split in øre.

The key (one approved version): § 52 of the social services act 70/30 children/employment;
mentor and socio-pedagogical support under 30 half employment, half adults; 18-24-year-olds a
third to each; everything else a third to each (so every line is split). ``seconds`` is the
first run in a fresh process (imports and opening the database excluded), ``warm_seconds`` a
second run on a new connection in the same process. The two results are checked to agree row
by row (a digest over every row, in øre). Prints one JSON object per step and a JSON summary.

    .venv/bin/python benchmarks/who_pays.py [--sizes M,L] [--workdir DIR] [--year 2025]
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

KEY = {
    "rules": [
        {"when": {"legal_basis": "SEL § 52"}, "shares": {"children": "70%", "employment": "30%"}},
        {"when": {"interventions": ["017031", "016085"], "age_to": 29},
         "shares": {"employment": "1/2", "adults": "1/2"}},
        {"when": {"age_from": 18, "age_to": 24},
         "shares": {"children": "1/3", "adults": "1/3", "employment": "1/3"}},
        {"shares": {"employment": "1/3", "children": "1/3", "adults": "1/3"}},
    ]
}  # fmt: skip

PRELUDE = """
import json, os, sys, time
from datetime import date
import duckdb
import ibis
import pyarrow as pa
from tvaers.core.config import Settings
from tvaers.principles import queries as pq
from tvaers.principles.keys import parse_key
settings = Settings()
LINES = os.environ["TVAERS_BENCH_LINES"]
KEY = json.loads(os.environ["TVAERS_BENCH_KEY"])
THREADS = settings.threads
sys.path.insert(0, sys.argv[2])
RULES = pq.key_rules_table([(1, date(2000, 1, 1), None, parse_key(KEY))])

class Clock:
    def __enter__(self):
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self
    def __exit__(self, *exc):
        self.wall, self.cpu = time.perf_counter() - self.wall, time.process_time() - self.cpu

def digest(table):
    check = duckdb.connect()
    check.register("result", table)
    return list(check.execute(
        "SELECT count(*), sum(ore)::VARCHAR, bit_xor(hash(citizen, month, booked_area, "
        "paying_area, intervention, ore, key_version_id, share))::VARCHAR "
        "FROM (SELECT *, CAST(amount * 100 AS BIGINT) AS ore FROM result)").fetchall()[0])

def report(clocks, rows, **extra):
    cold, warm = clocks[0], clocks[-1]
    print(json.dumps({"seconds": cold.wall, "cpu_seconds": cold.cpu, "warm_seconds": warm.wall,
                      "warm_cpu_seconds": warm.cpu, "rows": rows, **extra}, default=str))
"""

# Compute the year's attribution lines once and keep them as Parquet (the input of both ways).
LINES_STEP = """
import json, os, time
import pyarrow.parquet as parquet
from tvaers.core.config import Settings
from tvaers.draw.session import Analysis, load_config, open_backend
settings = Settings()
analysis = Analysis(open_backend(settings), load_config(settings))
start = time.perf_counter()
lines = analysis.draw(int(os.environ["TVAERS_BENCH_YEAR"])).lines.to_pyarrow()
seconds = time.perf_counter() - start
parquet.write_table(lines, os.environ["TVAERS_BENCH_LINES"])
print(json.dumps({"seconds": seconds, "rows": lines.num_rows}))
"""

TVAERS = (
    PRELUDE
    + """
from tvaers.draw.session import open_backend
clocks = []
for run in range(2):  # cold, then warm on a new connection
    backend = open_backend(settings)
    with Clock() as clock:
        lines = backend.read_parquet(LINES)
        found = pq.who_pays(lines, backend.table("citizens"), backend.table("interventions"),
                            RULES).to_pyarrow()
    clocks.append(clock)
    backend.disconnect()
report(clocks, found.num_rows, digest=digest(found))
"""
)

DUCKDB_SQL = (
    PRELUDE
    + """
from who_pays import WHO_PAYS_SQL
rules = RULES.to_pyarrow()
clocks = []
for run in range(2):  # cold, then warm on a new connection
    config = {"threads": THREADS} if THREADS else {}
    con = duckdb.connect(str(settings.analytics_path), read_only=True, config=config)
    con.register("key_rules", rules)
    with Clock() as clock:
        found = con.sql(WHO_PAYS_SQL.format(lines=LINES)).to_arrow_table()
    clocks.append(clock)
    con.close()
report(clocks, found.num_rows, digest=digest(found))
"""
)

# The same in one hand-written DuckDB query: rule matching per line, split with window sums.
WHO_PAYS_SQL = """
WITH drawn AS (
    SELECT citizen, month, sector_area AS booked_area, intervention,
           CAST(sum(amount) * 100 AS BIGINT) AS ore
    FROM read_parquet('{lines}') GROUP BY ALL HAVING sum(amount) <> 0
),
profiled AS (
    SELECT d.*, i.legal_basis,
           year(d.month) - year(c.birth_date)
             - CASE WHEN month(c.birth_date) * 100 + day(c.birth_date) > month(d.month) * 100 + 1
                    THEN 1 ELSE 0 END AS age
    FROM drawn d
    LEFT JOIN citizens c ON c.citizen = d.citizen
    LEFT JOIN interventions i ON i.intervention = d.intervention
),
matched AS (
    SELECT p.citizen, p.month, p.booked_area, p.intervention, p.ore,
           min(h.rule_order) AS rule_order
    FROM profiled p
    LEFT JOIN (SELECT * FROM key_rules WHERE area_order = 0) h
      ON h.valid_from <= p.month AND (h.valid_to IS NULL OR p.month <= h.valid_to)
     AND (h.legal_basis IS NULL OR starts_with(coalesce(p.legal_basis, ''), h.legal_basis))
     AND (len(h.interventions) = 0 OR coalesce(list_contains(h.interventions, p.intervention),
                                                false))
     AND (h.age_from IS NULL OR coalesce(p.age >= h.age_from, false))
     AND (h.age_to IS NULL OR coalesce(p.age <= h.age_to, false))
    GROUP BY ALL
),
parts AS (
    SELECT m.citizen, m.month, m.booked_area, m.intervention, m.ore, r.key_version_id, r.share,
           coalesce(r.sector_area, m.booked_area) AS paying_area,
           CAST(coalesce(r.weight, 1) AS HUGEINT) AS weight, coalesce(r.area_order, 0) AS area_order
    FROM matched m LEFT JOIN key_rules r ON r.rule_order = m.rule_order
),
floors AS (
    SELECT *, abs(ore) * weight // sum(weight) OVER line AS part,
              abs(ore) * weight % sum(weight) OVER line AS remainder
    FROM parts WINDOW line AS (PARTITION BY citizen, month, booked_area, intervention)
),
ranked AS (
    SELECT *, abs(ore) - sum(part) OVER line AS leftover,
           row_number() OVER (PARTITION BY citizen, month, booked_area, intervention
                              ORDER BY remainder DESC, area_order) AS rank
    FROM floors WINDOW line AS (PARTITION BY citizen, month, booked_area, intervention)
)
SELECT citizen, month, booked_area, paying_area, intervention,
       CAST(CAST(sign(ore) * (part + CASE WHEN rank <= leftover THEN 1 ELSE 0 END)
                 AS DECIMAL(18, 0)) * 0.01 AS DECIMAL(18, 2)) AS amount,
       key_version_id, share
FROM ranked
"""

STEPS = {"tvaers": TVAERS, "duckdb_sql": DUCKDB_SQL}


def lines_file(size: str, workdir: Path, year: int, env: dict[str, str]) -> tuple[Path, dict]:
    """The year's attribution lines as Parquet, computed once per work folder."""
    path = workdir / f"{size}-lines-{year}.parquet"
    if path.exists():
        return path, {}
    step_env = {**env, "TVAERS_BENCH_LINES": str(path), "TVAERS_BENCH_YEAR": str(year)}
    return path, run_step(LINES_STEP, year, step_env)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="M,L")
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--threads", type=int, default=0, help="DuckDB threads, 0 = all cores")
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="tvaers-who-pays-bench-"))
    summary = []
    for size in args.sizes.split(","):
        env = prepare(size, workdir, reuse=args.workdir is not None, threads=args.threads)
        path, made = lines_file(size, workdir, args.year, env)
        env = {**env, "TVAERS_BENCH_LINES": str(path), "TVAERS_BENCH_KEY": json.dumps(KEY)}
        best = best_runs(STEPS, args.repeat, args.year, env, size)
        mine, sql = best["tvaers"], best["duckdb_sql"]
        summary.append(
            {
                "size": size,
                "citizens": SIZES[size],
                "threads": args.threads or os.cpu_count(),
                "lines_in": _rows_of(path),
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
            path.unlink(missing_ok=True)
    print(json.dumps(summary, indent=1))


def _rows_of(path: Path) -> int:
    import pyarrow.parquet as parquet

    return int(parquet.ParquetFile(path).metadata.num_rows)


if __name__ == "__main__":
    main()
