"""Benchmark of the resource draw for S, M and L.

For each size a synthetic municipality is generated and imported once; then, each in its own
process (so that its peak memory, max RSS, is its own) and repeated ``--repeat`` times
(interleaved, best time kept; the machine may be shared):

* ``tvaers_totals``: Tværs' attribution + draw per citizen x sector area x month (the service);
* ``tvaers_pipeline``: the full pipeline: attribution, draw, coverage, concentration at citizen
  and family level, and contact points with overlaps (aggregates, as the CLI gives them);
* ``duckdb_sql``: one hand-written DuckDB SQL query for the same per citizen x area x month
  totals (registered + pooled attribution with the largest-remainder split);
* ``pandas``: the same totals in plain pandas; the columns it uses are read from the DuckDB file
  into data frames (``load_seconds``) and the totals computed from them (``compute_seconds``).

What each figure includes: ``seconds`` is the first run in a fresh process ("cold": a CLI run);
imports of the libraries and opening the DuckDB file are excluded, everything else is included
(for Tværs: resolving the period, building and compiling the Ibis expressions, the temporary
tables, the draw to Arrow; for (a): the query to Arrow; for (b): reading the tables into pandas
and computing). ``warm_seconds`` is a second run in the same process on a new connection (the
web server's case: Python and Ibis already warm). ``cpu_seconds`` is the process CPU time of the
cold run, all threads (DuckDB uses ``--threads``, 0 = all cores; pandas uses one).

The three ways to the totals are checked to agree to the øre. Prints one JSON object per step
and a final JSON summary with seconds, peak memory, rows and the ratios.

    .venv/bin/python benchmarks/draw.py [--sizes S,M,L] [--workdir DIR] [--year 2025]
                                        [--repeat 3] [--threads 0]

With ``--workdir`` the generated and imported data are kept there and reused by the next run.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SIZES = {"S": 27_500, "M": 63_000, "L": 650_000}
KEY = "benchmark-key-0123456789abcdef0123"
HERE = Path(__file__).resolve().parent

# Each step prints one JSON object on its last line: compute seconds of the cold and the warm run
# (wall and CPU of the process, imports excluded), rows, and a digest of the totals (computed in
# DuckDB over the Arrow result, so that checking does not inflate the peak memory).
PRELUDE = """
import json, sys, time
import duckdb
import ibis.formats.pandas  # noqa: F401 - imported before timing (Ibis' result converter)
import pandas, numpy  # noqa: F401 - likewise, for (b)
from tvaers.core.config import Settings
settings = Settings()
YEAR = int(sys.argv[1])
THREADS = settings.threads
sys.path.insert(0, sys.argv[2])

class Clock:
    def __enter__(self):
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self
    def __exit__(self, *exc):
        self.wall, self.cpu = time.perf_counter() - self.wall, time.process_time() - self.cpu

def digest(table, key, ore="CAST(total * 100 AS BIGINT)"):
    check = duckdb.connect()
    check.register("result", table)
    return list(check.execute(
        f"SELECT count(*), sum(ore)::VARCHAR, bit_xor(hash({key}, sector_area, "
        f"left(CAST(month AS VARCHAR), 7), ore))::VARCHAR FROM (SELECT *, {ore} AS ore "
        "FROM result)").fetchall()[0])

def report(clocks, rows, **extra):
    cold, warm = clocks[0], clocks[-1]
    print(json.dumps({"seconds": cold.wall, "cpu_seconds": cold.cpu, "warm_seconds": warm.wall,
                      "warm_cpu_seconds": warm.cpu, "rows": rows, **extra}, default=str))
"""

TVAERS_TOTALS = (
    PRELUDE
    + """
from tvaers.draw import service
from tvaers.draw.session import Analysis, open_backend
from tvaers.core.units import Unit
clocks = []
for run in range(2):  # cold, then warm on a new connection
    analysis = Analysis(open_backend(settings))  # the default configuration
    with Clock() as clock:
        attribution = analysis.draw(YEAR)
        rows = service.draw_rows(attribution, Unit.CITIZEN, ordered=False)
    clocks.append(clock)
    analysis.close()
report(clocks, rows.num_rows, digest=digest(rows, "citizen"))
"""
)

TVAERS_PIPELINE = (
    PRELUDE
    + """
from tvaers.draw import service
from tvaers.draw.session import Analysis, open_backend
from tvaers.core.units import Unit
clocks = []
for run in range(2):  # cold, then warm on a new connection
    analysis = Analysis(open_backend(settings))  # the default configuration
    steps = {}
    with Clock() as clock:
        with Clock() as step:
            attribution = analysis.draw(YEAR)
        steps["attribution"] = step.wall
        with Clock() as step:
            rows = service.draw_rows(attribution, Unit.CITIZEN, ordered=False)
        steps["draw"] = step.wall
        with Clock() as step:
            cover = service.coverage(attribution)
        steps["coverage"] = step.wall
        with Clock() as step:
            citizens = service.concentration(attribution, Unit.CITIZEN)
            families = service.concentration(attribution, Unit.FAMILY)
        steps["concentration"] = step.wall
        with Clock() as step:
            contacts = service.contacts(attribution)
        steps["contacts"] = step.wall
    clocks.append(clock)
    analysis.close()
    if run == 0:
        cold_steps = steps
report(clocks, rows.num_rows, steps=cold_steps, coverage=cover[-1]["coverage"],
       top_1_share=citizens.top_1_share, top_3_share=citizens.top_3_share, gini=citizens.gini,
       family_top_1_share=families.top_1_share,
       overlaps={r["rule"]: r["citizens"] for r in contacts["overlaps"]})
"""
)

DUCKDB_SQL = (
    PRELUDE
    + """
from draw import TOTALS_SQL
sql = TOTALS_SQL.format(first=f"{YEAR}-01-01", last=f"{YEAR}-12-31")
clocks = []
for run in range(2):  # cold, then warm on a new connection
    config = {"threads": THREADS} if THREADS else {}
    con = duckdb.connect(str(settings.analytics_path), read_only=True, config=config)
    with Clock() as clock:
        rows = con.sql(sql).to_arrow_table()
    clocks.append(clock)
    con.close()
report(clocks, rows.num_rows, digest=digest(rows, "citizen"))
"""
)

PANDAS = (
    PRELUDE
    + """
from draw import pandas_read, pandas_totals
clocks, loads = [], []
for run in range(2):  # cold, then warm (the frames read again)
    con = duckdb.connect(str(settings.analytics_path), read_only=True)
    frames = rows = None
    with Clock() as clock:
        with Clock() as load:
            frames = pandas_read(con)
        rows = pandas_totals(frames, YEAR)
    clocks.append(clock)
    loads.append(load)
    con.close()
report(clocks, len(rows), load_seconds=loads[0].wall,
       compute_seconds=clocks[0].wall - loads[0].wall,
       warm_compute_seconds=clocks[-1].wall - loads[-1].wall,
       digest=digest(rows, "citizen", "total_ore"))
"""
)

# (a) The same per citizen x sector area x month totals in one hand-written DuckDB query.
TOTALS_SQL = """
WITH months AS (
    SELECT range::DATE AS month, (range + INTERVAL 1 MONTH - INTERVAL 1 DAY)::DATE AS month_end,
           day(last_day(range::DATE))::BIGINT AS days
    FROM range(DATE '{first}', DATE '{last}' + INTERVAL 1 DAY, INTERVAL 1 MONTH)
),
exp AS (
    SELECT p.citizen, p.intervention, p.function_code,
           coalesce(a.sector_area, i.sector_area) AS sector_area,
           date_trunc('month', p.posting_date)::DATE AS month, p.amount
    FROM postings p
    LEFT JOIN accounts a USING (function_code)
    LEFT JOIN interventions i ON i.intervention = p.intervention
    WHERE p.dranst = 1 AND p.posting_date BETWEEN DATE '{first}' AND DATE '{last}'
),
registered AS (
    SELECT citizen, sector_area, month, sum(amount) AS amount
    FROM exp WHERE citizen IS NOT NULL GROUP BY ALL
),
pools AS (
    SELECT sector_area, function_code, month, (sum(amount) * 100)::BIGINT AS pool
    FROM exp WHERE citizen IS NULL GROUP BY ALL
),
prices AS (
    SELECT intervention, valid_from, (price * 100)::BIGINT AS price,
           lead(valid_from) OVER (PARTITION BY intervention ORDER BY valid_from) AS valid_to
    FROM unit_prices
),
spans AS (
    SELECT a.citizen, a.intervention, i.function_code, i.unit, a.units_per_month, m.month, m.days,
           greatest(a.start_date, m.month) AS first_active,
           least(coalesce(a.end_date, DATE '9999-12-31'), m.month_end) AS last_active
    FROM activities a
    JOIN interventions i USING (intervention)
    JOIN months m ON a.start_date <= m.month_end
                 AND coalesce(a.end_date, DATE '9999-12-31') >= m.month
),
fractions AS (
    SELECT s.citizen, s.intervention, s.function_code, s.month,
           (CASE WHEN s.units_per_month IS NOT NULL
                 THEN (s.units_per_month * 10000)::BIGINT * p.price
                 ELSE p.price END) * (s.last_active - s.first_active + 1)::BIGINT AS num,
           CASE WHEN s.units_per_month IS NOT NULL THEN s.days * 10000
                WHEN s.unit = 'day' THEN 1 WHEN s.unit = 'week' THEN 7
                WHEN s.unit = 'month' THEN s.days END AS den
    FROM spans s
    LEFT JOIN prices p ON p.intervention = s.intervention AND p.valid_from <= s.first_active
                      AND (p.valid_to IS NULL OR s.first_active < p.valid_to)
),
costed AS (
    SELECT citizen, intervention, function_code, month,
           num // den + CASE WHEN 2 * (num % den) > den
                               OR (2 * (num % den) = den AND (num // den) % 2 = 1)
                             THEN 1 ELSE 0 END AS cost
    FROM fractions
),
weights AS (
    SELECT c.citizen, c.intervention, c.function_code, c.month, sum(c.cost) AS weight
    FROM costed c
    WHERE c.function_code IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM exp e WHERE e.citizen = c.citizen
                      AND e.intervention = c.intervention AND e.month = c.month)
      AND NOT EXISTS (SELECT 1 FROM exp e WHERE e.citizen = c.citizen AND e.intervention IS NULL
                      AND e.function_code = c.function_code AND e.month = c.month)
    GROUP BY ALL
    HAVING sum(c.cost) > 0
),
shares AS (
    SELECT p.sector_area, p.month, w.citizen, w.intervention, p.pool,
           abs(p.pool)::HUGEINT * w.weight AS product,
           sum(w.weight) OVER (PARTITION BY p.sector_area, p.function_code, p.month) AS total,
           p.function_code
    FROM pools p JOIN weights w USING (function_code, month)
),
floors AS (
    SELECT *, product // total AS part, product % total AS remainder FROM shares
),
ranked AS (
    SELECT *,
           abs(pool) - sum(part) OVER (PARTITION BY sector_area, function_code, month) AS leftover,
           row_number() OVER (PARTITION BY sector_area, function_code, month
                              ORDER BY remainder DESC, citizen, intervention) AS rank
    FROM floors
),
pooled AS (
    SELECT citizen, sector_area, month,
           sign(pool) * (part + CASE WHEN rank <= leftover THEN 1 ELSE 0 END) / 100 AS amount
    FROM ranked
),
allocated AS (
    SELECT citizen, sector_area, month, amount AS registered, 0 AS attributed FROM registered
    UNION ALL
    SELECT citizen, sector_area, month, 0, amount FROM pooled
)
SELECT citizen, sector_area, month, sum(registered)::DECIMAL(18,2) AS registered,
       sum(attributed)::DECIMAL(18,2) AS attributed,
       (sum(registered) + sum(attributed))::DECIMAL(18,2) AS total
FROM allocated GROUP BY ALL
"""


# The columns (b) uses: a pandas user reads these, as the two SQL engines do (columnar scans).
PANDAS_COLUMNS = {
    "postings": "posting_date, amount, function_code, citizen, intervention, dranst",
    "accounts": "function_code, sector_area",
    "interventions": "intervention, sector_area, function_code, unit",
    "unit_prices": "intervention, valid_from, price",
    "activities": "citizen, intervention, start_date, end_date, units_per_month",
}


def pandas_read(con):  # type: ignore[no-untyped-def]
    """(b), first part: the tables (the columns used) as pandas data frames."""
    return {t: con.execute(f"SELECT {c} FROM {t}").df() for t, c in PANDAS_COLUMNS.items()}


def pandas_totals(frames, year: int):  # type: ignore[no-untyped-def]
    """(b) The same totals in plain pandas: merges and group-bys on the data frames."""
    import numpy as np
    import pandas as pd

    first, last = pd.Timestamp(f"{year}-01-01"), pd.Timestamp(f"{year}-12-31")
    postings, accounts = frames["postings"], frames["accounts"]
    interventions, prices = frames["interventions"], frames["unit_prices"]
    activities = frames["activities"]
    p = postings[(postings.dranst == 1) & postings.posting_date.between(first, last)]
    p = p.merge(accounts[["function_code", "sector_area"]], on="function_code", how="left")
    by_code = interventions.set_index("intervention").sector_area
    p["sector_area"] = p.sector_area.fillna(p.intervention.map(by_code))
    p["month"] = p.posting_date.dt.to_period("M").dt.to_timestamp()
    p["ore"] = (p.amount.astype(float) * 100).round().astype(np.int64)
    cpr = p[p.citizen.notna()]
    registered = cpr.groupby(["citizen", "sector_area", "month"], as_index=False).ore.sum()
    pools = (
        p[p.citizen.isna()]
        .groupby(["sector_area", "function_code", "month"], as_index=False)
        .ore.sum()
        .rename(columns={"ore": "pool"})
    )
    months = pd.DataFrame({"month": pd.date_range(first, last, freq="MS")})
    months["month_end"] = months.month + pd.offsets.MonthEnd(0)
    months["days"] = months.month_end.dt.day.astype(np.int64)
    a = activities.assign(stop=activities.end_date.fillna(pd.Timestamp("2262-04-11")))
    a = a.merge(months, how="cross")
    a = a[(a.start_date <= a.month_end) & (a.stop >= a.month)]
    a = a.merge(interventions[["intervention", "function_code", "unit"]], on="intervention")
    a["first_active"] = a[["start_date", "month"]].max(axis=1)
    a["last_active"] = a[["stop", "month_end"]].min(axis=1)
    price = prices.assign(price_ore=(prices.price.astype(float) * 100).round().astype(np.int64))
    a = pd.merge_asof(
        a.sort_values("first_active"),
        price[["intervention", "valid_from", "price_ore"]].sort_values("valid_from"),
        left_on="first_active",
        right_on="valid_from",
        by="intervention",
    )
    active = (a.last_active - a.first_active).dt.days.astype(np.int64) + 1
    given = a.units_per_month.notna()
    units = (a.units_per_month.astype(float).fillna(0) * 10_000).round().astype(np.int64)
    price_ore = a.price_ore.fillna(-1).astype(np.int64)
    numerator = np.where(given, units * price_ore, price_ore) * active
    denominator = np.select(
        [given, a.unit == "day", a.unit == "week", a.unit == "month"],
        [a.days * 10_000, 1, 7, a.days],
        0,
    )
    ok = (price_ore >= 0) & (denominator > 0)
    quotient, rest = np.divmod(numerator[ok], denominator[ok])
    up = (2 * rest > denominator[ok]) | ((2 * rest == denominator[ok]) & (quotient % 2 == 1))
    a = a[ok].assign(cost=quotient + up)
    keys_i = cpr[cpr.intervention.notna()][["citizen", "intervention", "month"]].drop_duplicates()
    keys_f = cpr[cpr.intervention.isna()][["citizen", "function_code", "month"]].drop_duplicates()
    a = a.merge(keys_i, how="left", indicator="registered_i")
    a = a.merge(keys_f, how="left", indicator="registered_f")
    a = a[(a.registered_i == "left_only") & (a.registered_f == "left_only")]
    weights = a.groupby(["citizen", "intervention", "function_code", "month"],
                        as_index=False).cost.sum()  # fmt: skip
    weights = weights[weights.cost > 0]
    split = pools.merge(weights, on=["function_code", "month"])
    group = ["sector_area", "function_code", "month"]
    split["magnitude"] = split.pool.abs()
    total = split.groupby(group).cost.transform("sum")
    product = split.magnitude * split.cost
    split["floor"], split["remainder"] = product // total, product % total
    split["leftover"] = split.magnitude - split.groupby(group)["floor"].transform("sum")
    split = split.sort_values([*group, "remainder", "citizen", "intervention"],
                              ascending=[True, True, True, False, True, True])  # fmt: skip
    rank = split.groupby(group).cumcount()
    split["ore"] = np.sign(split.pool) * (split["floor"] + (rank < split.leftover))
    both = pd.concat([registered, split[["citizen", "sector_area", "month", "ore"]]])
    result = both.groupby(["citizen", "sector_area", "month"], as_index=False).ore.sum()
    return result.rename(columns={"ore": "total_ore"})


STEPS = {
    "tvaers_totals": TVAERS_TOTALS,
    "tvaers_pipeline": TVAERS_PIPELINE,
    "duckdb_sql": DUCKDB_SQL,
    "pandas": PANDAS,
}


def run_step(code: str, year: int, env: dict[str, str]) -> dict:
    """One step in a fresh process, with its own peak memory (max RSS)."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-c", code, str(year), str(HERE)], env=env, stdout=out, stderr=err
        )
        _, status, usage = os.wait4(proc.pid, 0)
        process_seconds = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        output, errors = out.read(), err.read()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"trin fejlede:\n{output[-2000:]}\n{errors[-3000:]}")
    result = json.loads(output.strip().splitlines()[-1])
    result.update(process_seconds=process_seconds, peak_memory_mb=usage.ru_maxrss / 1024)
    return result


def prepare(size: str, workdir: Path, reuse: bool, threads: int = 0) -> dict[str, str]:
    folder, home = workdir / f"{size}-data", workdir / f"{size}-home"
    env = {**os.environ, "TVAERS_HOME": str(home), "TVAERS_PSEUDONYM_KEY": KEY,
           "TVAERS_LOG_LEVEL": "WARNING", "TVAERS_THREADS": str(threads)}  # fmt: skip
    if reuse and (home / "analyse.duckdb").exists():
        return env
    shutil.rmtree(home, ignore_errors=True)
    tvaers = str(Path(sys.executable).parent / "tvaers")
    for argv in (
        [tvaers, "synth", "--size", size, "--seed", "1", "--out", str(folder)],
        [tvaers, "import", str(folder)],
    ):
        done = subprocess.run(argv, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(argv)} fejlede:\n{done.stdout}\n{done.stderr}")
    return env


def best_runs(
    steps: dict[str, str], repeat: int, year: int, env: dict[str, str], size: str
) -> dict[str, dict]:
    """Run every step ``repeat`` times, interleaved (a busy moment hits every step alike), and
    keep each step's best cold run with its best warm run apart; prints one JSON line a step."""
    runs: dict[str, list[dict]] = {step: [] for step in steps}
    for _ in range(repeat):
        for step, code in steps.items():
            runs[step].append(run_step(code, year, env))
    best: dict[str, dict] = {}
    for step, results in runs.items():
        chosen = min(results, key=lambda r: r["seconds"])
        best[step] = {**chosen, "warm_seconds": min(r["warm_seconds"] for r in results)}
    for step, result in best.items():
        entry = {"size": size, "step": step, "citizens": SIZES[size]}
        entry.update({k: round(v, 3) if isinstance(v, float) else v
                      for k, v in result.items() if k != "digest"})  # fmt: skip
        print(json.dumps(entry, default=str), flush=True)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="S,M,L")
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--threads", type=int, default=0, help="DuckDB threads, 0 = all cores")
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="tvaers-draw-bench-"))
    summary = []
    for size in args.sizes.split(","):
        env = prepare(size, workdir, reuse=args.workdir is not None, threads=args.threads)
        best = best_runs(STEPS, args.repeat, args.year, env, size)
        mine, pipeline = best["tvaers_totals"], best["tvaers_pipeline"]
        sql, frames = best["duckdb_sql"], best["pandas"]
        summary.append(
            {
                "size": size,
                "threads": args.threads or os.cpu_count(),
                "rows": mine["rows"],
                "same_totals": mine["digest"] == sql["digest"] == frames["digest"],
                "seconds": {s: round(r["seconds"], 3) for s, r in best.items()},
                "warm_seconds": {s: round(r["warm_seconds"], 3) for s, r in best.items()},
                "cpu_seconds": {s: round(r["cpu_seconds"], 3) for s, r in best.items()},
                "peak_memory_mb": {s: round(r["peak_memory_mb"], 1) for s, r in best.items()},
                "pandas_load_seconds": round(frames["load_seconds"], 3),
                "pandas_compute_seconds": round(frames["compute_seconds"], 3),
                "ratio_totals_vs_sql": round(mine["seconds"] / sql["seconds"], 2),
                "ratio_totals_vs_sql_warm": round(mine["warm_seconds"] / sql["warm_seconds"], 2),
                "ratio_totals_vs_sql_cpu": round(mine["cpu_seconds"] / sql["cpu_seconds"], 2),
                "ratio_pipeline_vs_sql": round(pipeline["seconds"] / sql["seconds"], 2),
                "speedup_totals_vs_pandas": round(frames["seconds"] / mine["seconds"], 1),
                "speedup_totals_vs_pandas_compute": round(
                    frames["compute_seconds"] / mine["seconds"], 1
                ),
                "speedup_sql_vs_pandas": round(frames["seconds"] / sql["seconds"], 1),
                "speedup_pipeline_vs_pandas": round(frames["seconds"] / pipeline["seconds"], 1),
            }
        )
        if args.workdir is None:
            shutil.rmtree(workdir / f"{size}-data", ignore_errors=True)
            shutil.rmtree(workdir / f"{size}-home", ignore_errors=True)
    print(json.dumps(summary, indent=1))


if __name__ == "__main__":
    main()
