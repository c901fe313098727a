"""Benchmark of the pilot evaluation (issue 13) for M and L: a solution whose citizens are every
tenth citizen (by pseudonym) with cost in at least two sector areas in 2024, enrolled on the
first of a month of January-June 2025, evaluated against every citizen never enrolled — each at
every enrolment month as a pseudo-enrolment — matched by nearest baseline and by exact strata.

For each size the synthetic municipality is generated and imported once (the same way, seed and
key as ``benchmarks/draw.py``, whose ``--workdir`` layout is shared). The attribution's lines of
all loaded months (January 2024 - October 2026) are computed once by Tværs and written to
Parquet with the treated (``<size>-pilot-*.parquet``): the input of the ways compared, so they
do the same joins and sums and nothing else. Then, each in its own process (its own peak memory,
max RSS), repeated ``--repeat`` times (interleaved, best kept):

* ``tvaers_nearest`` / ``tvaers_strata``: :func:`tvaers.budget.pilot.evaluate` (the Ibis of
  :mod:`tvaers.budget.pilot_queries` on DuckDB: windows, profiles, matching, the moments per
  area and in total, the balance) and the estimates of :mod:`tvaers.budget.pilot_model`;
* ``duckdb_sql_nearest`` / ``duckdb_sql_strata``: hand-written DuckDB SQL giving the same
  moments (the same estimator turns them into estimates).

``seconds`` is the first run in a fresh process (imports and opening the database excluded),
``warm_seconds`` a second run on a new connection in the same process. The ways' results are
checked to agree (per area: treated and comparison citizens, the estimate to the krone). Prints
one JSON object per step and a JSON summary.

    .venv/bin/python benchmarks/pilot.py [--sizes M,L] [--workdir DIR] [--repeat 3] [--threads 0]
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

FIRST, LAST = "2024-01-01", "2026-10-01"  # the loaded months (first days)

PRELUDE = """
import json, os, sys, time
from datetime import date
import duckdb
import ibis
from tvaers.budget.pilot_model import Method, Moments, estimate
from tvaers.core.config import Settings
from tvaers.core.periods import Period
settings = Settings()
LINES = os.environ["TVAERS_BENCH_LINES"]
TREATED = os.environ["TVAERS_BENCH_TREATED"]
METHOD = Method(os.environ["TVAERS_BENCH_METHOD"])
THREADS = settings.threads
FIRST, LAST = "@FIRST@", "@LAST@"
PERIOD = Period.between(date.fromisoformat(FIRST), date.fromisoformat(LAST))
sys.path.insert(0, sys.argv[2])

class Clock:
    def __enter__(self):
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self
    def __exit__(self, *exc):
        self.wall, self.cpu = time.perf_counter() - self.wall, time.process_time() - self.cpu

def digest(found):
    out = {}
    for area, (moments, treated, comparison) in sorted(found.items()):
        e = estimate(moments)
        out[area] = [treated, comparison, None if e is None else round(e.effect)]
    return out

def report(clocks, rows, found):
    cold, warm = clocks[0], clocks[-1]
    print(json.dumps({"seconds": cold.wall, "cpu_seconds": cold.cpu, "warm_seconds": warm.wall,
                      "warm_cpu_seconds": warm.cpu, "rows": rows, "digest": digest(found)}))
""".replace("@FIRST@", FIRST).replace("@LAST@", LAST)

TVAERS = (
    PRELUDE
    + """
from tvaers.budget.pilot import evaluate
from tvaers.draw.session import open_backend
clocks = []
for run in range(2):  # cold, then warm on a new connection
    backend = open_backend(settings)
    with Clock() as clock:
        lines = backend.read_parquet(LINES)
        treated = backend.read_parquet(TREATED)
        people = backend.table("citizens")
        result = evaluate(backend, lines, people, treated, treated.select("citizen"), PERIOD,
                          METHOD)
        found = {a: (s.moments, s.treated, s.comparison) for a, s in result.areas.items()}
        found["total"] = (result.total.moments, result.total.treated, result.total.comparison)
        estimates = {a: estimate(m) for a, (m, _t, _c) in found.items()}
    clocks.append(clock)
    backend.disconnect()
report(clocks, result.total.treated, found)
"""
)

DUCKDB_SQL = (
    PRELUDE
    + """
from pilot import MATCH_NEAREST, MATCH_STRATA, PILOT_SQL
match = MATCH_NEAREST if METHOD is Method.NEAREST else MATCH_STRATA
clocks = []
for run in range(2):  # cold, then warm on a new connection
    config = {"threads": THREADS} if THREADS else {}
    con = duckdb.connect(str(settings.analytics_path), read_only=True, config=config)
    with Clock() as clock:
        sql = PILOT_SQL.format(lines=LINES, treated=TREATED, first=FIRST, last=LAST,
                               match=match)
        rows = con.sql(sql).fetchall()
        group = {r[1]: r[2:] for r in rows if r[0] is None}
        found = {}
        for area, treated, n, citizens, w, s, s2, w2, w2d, w2d2 in rows:
            if area is None:
                continue
            found.setdefault(area, {})[treated] = (n, citizens, w, s, s2, w2, w2d, w2d2)
        found["total"] = {t: tuple(r) for t, r in group.items()}
        def moments(parts):
            t, c = parts.get(True, (0,) * 8), parts.get(False, (0,) * 8)
            gt, gc = group[True], group[False]
            return (Moments(int(gt[0]), float(t[3] or 0), float(t[4] or 0), int(gc[0]),
                            float(gc[2]), float(c[3] or 0), float(gc[5]), float(c[6] or 0),
                            float(c[7] or 0)), int(t[1]), int(c[1]))
        found = {a: moments(p) for a, p in found.items()}
        estimates = {a: estimate(m) for a, (m, _t, _c) in found.items()}
    clocks.append(clock)
    con.close()
report(clocks, int(group[True][0]), found)
"""
)

# The same in hand-written DuckDB SQL: windows by a range join of monthly costs on the cohorts,
# profiles, the matching ({match}: a CTE ``matched(citizen, cohort, treated, weight)``), the
# moments per area (sector_area) and of the whole group (sector_area NULL).
PILOT_SQL = """
WITH treated AS (
    SELECT citizen, min(enrolled_on) AS enrolled_on FROM read_parquet('{treated}') GROUP BY ALL
),
bounds AS (
    SELECT cohort, cohort - INTERVAL 12 MONTH AS w_first, cohort + INTERVAL 11 MONTH AS a_last,
           greatest(date_diff('month', greatest(cohort - INTERVAL 12 MONTH, DATE '{first}'),
                                       least(cohort - INTERVAL 1 MONTH, DATE '{last}')) + 1, 0)
             AS bm,
           greatest(date_diff('month', greatest(cohort, DATE '{first}'),
                                       least(cohort + INTERVAL 11 MONTH, DATE '{last}')) + 1, 0)
             AS am
    FROM (SELECT DISTINCT date_trunc('month', enrolled_on)::DATE AS cohort FROM treated)
),
cohorts AS (SELECT * FROM bounds WHERE bm > 0 AND am > 0),
monthly AS (
    SELECT citizen, sector_area, month, sum(amount)::DOUBLE AS cost
    FROM read_parquet('{lines}') GROUP BY ALL
),
costs AS (
    SELECT m.citizen, c.cohort, m.sector_area,
           sum(CASE WHEN m.month < c.cohort THEN m.cost ELSE 0 END) * 12 / c.bm AS before,
           sum(CASE WHEN m.month >= c.cohort THEN m.cost ELSE 0 END) * 12 / c.am AS after
    FROM monthly m JOIN cohorts c ON m.month >= c.w_first AND m.month <= c.a_last
    GROUP BY m.citizen, c.cohort, m.sector_area, c.bm, c.am
),
units AS (
    SELECT citizen, date_trunc('month', enrolled_on)::DATE AS cohort, true AS treated
    FROM treated WHERE date_trunc('month', enrolled_on)::DATE IN (SELECT cohort FROM cohorts)
    UNION ALL
    SELECT p.citizen, c.cohort, false FROM citizens p CROSS JOIN cohorts c
    WHERE p.citizen NOT IN (SELECT citizen FROM treated)
),
per_unit AS (
    SELECT citizen, cohort, sum(before) AS baseline, sum(after) AS after,
           string_agg(sector_area, '+' ORDER BY sector_area) FILTER (WHERE before > 0) AS areas
    FROM costs GROUP BY ALL
),
profiles AS (
    SELECT u.citizen, u.cohort, u.treated, coalesce(p.baseline, 0) AS baseline,
           coalesce(p.after, 0) - coalesce(p.baseline, 0) AS d, coalesce(p.areas, 'ingen') AS areas,
           CASE WHEN b.birth_date IS NULL THEN -1 ELSE
             (a.age >= 18)::INT + (a.age >= 25)::INT + (a.age >= 30)::INT + (a.age >= 40)::INT
             + (a.age >= 50)::INT + (a.age >= 60)::INT + (a.age >= 67)::INT END AS age_band,
           (coalesce(p.baseline, 0) >= 1)::INT + (coalesce(p.baseline, 0) >= 10000)::INT
           + (coalesce(p.baseline, 0) >= 25000)::INT + (coalesce(p.baseline, 0) >= 50000)::INT
           + (coalesce(p.baseline, 0) >= 100000)::INT + (coalesce(p.baseline, 0) >= 200000)::INT
           + (coalesce(p.baseline, 0) >= 400000)::INT + (coalesce(p.baseline, 0) >= 800000)::INT
             AS cost_band
    FROM units u
    LEFT JOIN per_unit p ON p.citizen = u.citizen AND p.cohort = u.cohort
    LEFT JOIN citizens b ON b.citizen = u.citizen
    CROSS JOIN LATERAL (SELECT year(u.cohort) - year(b.birth_date)
        - (month(b.birth_date) > month(u.cohort)
           OR (month(b.birth_date) = month(u.cohort) AND day(b.birth_date) > 1))::INT AS age) a
),
{match},
sums AS (
    SELECT NULL::VARCHAR AS sector_area, m.treated, m.weight AS w, p.d, m.citizen
    FROM matched m JOIN profiles p USING (citizen, cohort)
    UNION ALL
    SELECT c.sector_area, m.treated, m.weight, c.after - c.before, m.citizen
    FROM matched m JOIN costs c USING (citizen, cohort)
)
SELECT sector_area, treated, count(*), count(DISTINCT citizen), sum(w), sum(w * d),
       sum(w * d * d), sum(w * w), sum(w * w * d), sum(w * w * d * d)
FROM sums GROUP BY ALL
"""

MATCH_STRATA = """
sizes AS (
    SELECT cohort, areas, age_band, cost_band, count(*) FILTER (WHERE treated) AS n_t,
           count(*) FILTER (WHERE NOT treated) AS n_c
    FROM profiles GROUP BY ALL HAVING n_t > 0 AND n_c > 0
),
matched AS (
    SELECT p.citizen, p.cohort, p.treated,
           CASE WHEN p.treated THEN 1.0 ELSE s.n_t::DOUBLE / s.n_c END AS weight
    FROM profiles p JOIN sizes s USING (cohort, areas, age_band, cost_band)
)"""

MATCH_NEAREST = """
pool AS (SELECT * FROM profiles WHERE NOT treated),
t AS (SELECT citizen AS t_citizen, cohort, areas, age_band, baseline AS t_base
      FROM profiles WHERE treated),
v AS (SELECT DISTINCT cohort, areas, age_band, baseline AS value FROM pool),
near AS (
    SELECT t.*, v.value FROM t ASOF JOIN v
      ON t.cohort = v.cohort AND t.areas = v.areas AND t.age_band = v.age_band
     AND t.t_base >= v.value
    UNION ALL
    SELECT t.*, -v.neg FROM t ASOF JOIN (SELECT cohort, areas, age_band, -value AS neg FROM v) v
      ON t.cohort = v.cohort AND t.areas = v.areas AND t.age_band = v.age_band
     AND -t.t_base >= v.neg
),
nearest AS (
    SELECT DISTINCT cohort, areas, age_band, t_citizen, value FROM near
    QUALIFY abs(value - t_base) = min(abs(value - t_base)) OVER (PARTITION BY t_citizen)
),
shares AS (
    SELECT n.t_citizen, p.citizen, p.cohort, 1.0 / count(*) OVER (PARTITION BY n.t_citizen) AS share
    FROM nearest n JOIN pool p
      ON p.cohort = n.cohort AND p.areas = n.areas AND p.age_band = n.age_band
     AND p.baseline = n.value
),
matched AS (
    SELECT citizen, cohort, false AS treated, sum(share) AS weight FROM shares GROUP BY ALL
    UNION ALL
    SELECT t_citizen, cohort, true, 1.0 FROM t WHERE t_citizen IN (SELECT t_citizen FROM shares)
)"""

# The lines of all loaded months and the treated, once, as Parquet.
INPUT_STEP = """
import json, os, time
from datetime import date
import pyarrow as pa
import pyarrow.parquet as parquet
from tvaers.core.periods import Month, Period
from tvaers.draw.session import Analysis, load_config, open_backend
from tvaers.core.config import Settings
settings = Settings()
analysis = Analysis(open_backend(settings), load_config(settings))
start = time.perf_counter()
period = analysis.period(None, Period(Month(2024, 1), Month(2026, 10)))
lines = analysis.attribution(period).lines.to_pyarrow()
seconds = time.perf_counter() - start
parquet.write_table(lines, os.environ["TVAERS_BENCH_LINES"])
con = analysis.backend.con
con.register("lines", lines)
people = [r[0] for r in con.execute(
    "SELECT citizen FROM lines WHERE month < DATE '2025-01-01' GROUP BY citizen "
    "HAVING count(DISTINCT sector_area) >= 2 ORDER BY citizen").fetchall()]
chosen = people[::10]
days = [date(2025, i % 6 + 1, 1) for i in range(len(chosen))]
parquet.write_table(pa.table({"citizen": chosen, "enrolled_on": pa.array(days, pa.date32())}),
                    os.environ["TVAERS_BENCH_TREATED"])
print(json.dumps({"seconds": seconds, "rows": lines.num_rows, "treated": len(chosen)}))
"""

STEPS = {
    ("tvaers_nearest", "nearest"): TVAERS,
    ("duckdb_sql_nearest", "nearest"): DUCKDB_SQL,
    ("tvaers_strata", "strata"): TVAERS,
    ("duckdb_sql_strata", "strata"): DUCKDB_SQL,
}


def inputs(size: str, workdir: Path, env: dict[str, str]) -> tuple[dict[str, str], dict]:
    """The lines and the treated as Parquet, computed once per work folder."""
    paths = {"TVAERS_BENCH_LINES": str(workdir / f"{size}-pilot-lines.parquet"),
             "TVAERS_BENCH_TREATED": str(workdir / f"{size}-pilot-treated.parquet")}  # fmt: skip
    if all(Path(p).exists() for p in paths.values()):
        return paths, {}
    return paths, run_step(INPUT_STEP, 2025, {**env, **paths})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="M,L")
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--threads", type=int, default=0, help="DuckDB threads, 0 = all cores")
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="tvaers-pilot-bench-"))
    summary = []
    for size in args.sizes.split(","):
        env = prepare(size, workdir, reuse=args.workdir is not None, threads=args.threads)
        paths, made = inputs(size, workdir, env)
        env = {**env, **paths}
        best: dict[str, dict] = {}
        for method in ("nearest", "strata"):
            steps = {name: code for (name, m), code in STEPS.items() if m == method}
            best.update(best_runs(steps, args.repeat, 2025,
                                  {**env, "TVAERS_BENCH_METHOD": method}, size))  # fmt: skip
        summary.append(_summary(size, args.threads, paths, made, best))
        if args.workdir is None:
            for stem in ("data", "home"):
                shutil.rmtree(workdir / f"{size}-{stem}", ignore_errors=True)
    print(json.dumps(summary, indent=1))


def _summary(size: str, threads: int, paths: dict, made: dict, best: dict) -> dict:
    import pyarrow.parquet as parquet

    figures: dict = {
        "size": size, "citizens": SIZES[size], "threads": threads or os.cpu_count(),
        "lines_in": parquet.ParquetFile(paths["TVAERS_BENCH_LINES"]).metadata.num_rows,
        "treated": parquet.ParquetFile(paths["TVAERS_BENCH_TREATED"]).metadata.num_rows,
        "attribution_seconds": round(made["seconds"], 3) if made else None,
    }  # fmt: skip
    for method in ("nearest", "strata"):
        mine, sql = best[f"tvaers_{method}"], best[f"duckdb_sql_{method}"]
        figures[method] = {
            "matched_treated": mine["rows"], "same_result": mine["digest"] == sql["digest"],
            "total": mine["digest"].get("total"),
            "seconds": {"tvaers": round(mine["seconds"], 3), "sql": round(sql["seconds"], 3)},
            "warm_seconds": {"tvaers": round(mine["warm_seconds"], 3),
                             "sql": round(sql["warm_seconds"], 3)},
            "peak_memory_mb": {"tvaers": round(mine["peak_memory_mb"], 1),
                               "sql": round(sql["peak_memory_mb"], 1)},
            "ratio_vs_sql": round(mine["seconds"] / sql["seconds"], 2),
            "ratio_vs_sql_warm": round(mine["warm_seconds"] / sql["warm_seconds"], 2),
            "ratio_vs_sql_memory": round(mine["peak_memory_mb"] / sql["peak_memory_mb"], 2),
        }  # fmt: skip
    return figures


if __name__ == "__main__":
    main()
