"""Benchmark of benchmarking across municipalities (issue 15, F26) on the national synthetic set.

A synthetic municipality of ``--citizens`` citizens is generated and imported once and spread
over the ``--municipalities`` largest municipalities (see :func:`prepare`); then, each in its own
process (so that its peak memory, max RSS, is its own):

* ``tvaers``: every figure of the benchmark for the latest full year — the attribution, the
  per-citizen frame (draw, areas, combination, structure cell), the municipalities' figures with
  suppression, ranks, the ready-made target groups and the area combinations
  (:func:`tvaers.benchmarking.service.benchmark`); and on its own the one figure compared below,
  the expected cost per municipality (:func:`tvaers.benchmarking.queries.expected`);
* ``duckdb_sql``: the same expected cost in one hand-written DuckDB query over the same
  per-citizen frame (written to Parquet by the first step, outside its timing).

The two expected costs are checked to agree to the øre. Prints one JSON object per step and a
summary with seconds, peak memory and rows.

    .venv/bin/python benchmarks/benchmarking.py [--municipalities 10] [--citizens 27500]
        [--workdir DIR]

With ``--workdir`` the generated and imported data are kept there and reused by the next run.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

KEY = "benchmark-key-0123456789abcdef0123"

TVAERS = """
import json, sys, time
from pathlib import Path
from tvaers.benchmarking import queries, service
from tvaers.core.config import Settings
from tvaers.draw.session import Analysis, open_backend
from tvaers.store.database import make_engine, sessions, upgrade
from tvaers.store.publications import Ledger

work = Path(sys.argv[1])
settings = Settings()
engine = make_engine(f"sqlite:///{work / 'ledger.sqlite'}")
upgrade(engine)
ledger = Ledger(sessions(engine), "benchmark", None)
analysis = Analysis(open_backend(settings))
year = analysis.span.latest_full_year
steps = {}
start = time.perf_counter()
t = time.perf_counter()
attribution = analysis.draw(year)
steps["attribution"] = time.perf_counter() - t
t = time.perf_counter()
frame = analysis.materialised("benchmark_citizens", (attribution.period, "000"), lambda: (
    queries.citizen_frame(attribution.lines, analysis.table("citizens"),
                          analysis.table("outcomes"), attribution.period, "000")))
steps["frame"] = time.perf_counter() - t
t = time.perf_counter(); found = service.benchmark(analysis, ledger, year, "000")
steps["figures_groups_combinations"] = time.perf_counter() - t
total = time.perf_counter() - start
t = time.perf_counter(); expected = queries.expected(frame).to_pyarrow().to_pylist()
figure = time.perf_counter() - t
citizens = frame.count().to_pyarrow().as_py()
frame.select("citizen", "municipality", "total", "age_band", "family_type",
             "benefit_group").to_parquet(work / "frame.parquet")
print(json.dumps({"year": year, "seconds": total, "steps": steps, "expected_seconds": figure,
                  "citizens": citizens, "municipalities": len(found.rows) - 1,
                  "group_rows": len(found.groups), "combination_rows": len(found.combinations),
                  "expected": {r["municipality"]: str(r["expected"]) for r in expected}}))
"""

DUCKDB_SQL = """
import duckdb, json, sys, time
from pathlib import Path
work = Path(sys.argv[1])
SQL = '''
WITH frame AS (SELECT * FROM read_parquet('{frame}')),
cells AS (
    SELECT age_band, family_type, benefit_group, count(*) AS n,
           sum(CAST(total * 100 AS BIGINT)) AS ore
    FROM frame GROUP BY ALL
),
local AS (
    SELECT municipality, age_band, family_type, benefit_group, count(*) AS m
    FROM frame GROUP BY ALL
),
parts AS (  -- m x ore / n, rounded half to even, in whole øre
    SELECT l.municipality, CAST(l.m AS HUGEINT) * c.ore AS num, c.n AS den
    FROM local l JOIN cells c USING (age_band, family_type, benefit_group)
),
rounded AS (
    SELECT municipality,
           sign(num) * (abs(num) // den + CASE
               WHEN 2 * (abs(num) % den) > den THEN 1
               WHEN 2 * (abs(num) % den) < den THEN 0
               ELSE (abs(num) // den) % 2 END) AS ore
    FROM parts
)
SELECT municipality, CAST(sum(ore) AS DECIMAL(38, 0)) / 100 AS expected
FROM rounded GROUP BY municipality
'''
con = duckdb.connect()
start = time.perf_counter()
rows = con.execute(SQL.format(frame=work / "frame.parquet")).fetchall()
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "rows": len(rows),
                  "expected": {m: f"{e:.2f}" for m, e in rows}}))
"""


def child(argv: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Seconds, peak memory (MB) and standard output of one child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env)  # fmt: skip
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    out = proc.stdout.read() if proc.stdout else ""
    if os.waitstatus_to_exitcode(status) != 0:
        err = proc.stderr.read() if proc.stderr else ""
        raise SystemExit(f"{' '.join(argv[:3])} fejlede:\n{out[-1500:]}\n{err[-3000:]}")
    return round(seconds, 2), round(usage.ru_maxrss / 1024, 1), out


def prepare(work: Path, citizens: int, count: int, env: dict[str, str]) -> float:
    """Generate and import one synthetic municipality of ``citizens`` once (kept in ``work``)
    and spread it over the ``count`` largest municipalities of the reference data: each
    citizen acts in one (by its pseudonym's hash), each posting is paid by its citizen's (an
    unregistered posting: by its id's hash), the reference tables are each municipality's own.
    (The national generator's set, ``tvaers synth --municipalities``, is refused by the import
    for now: postings of citizens that no citizens file holds.)"""
    import duckdb

    from tvaers.benchmarking.model import reference

    tvaers = str(Path(sys.executable).with_name("tvaers"))
    analytics = work / "home" / "analyse.duckdb"
    if analytics.exists():
        return 0.0
    start = time.perf_counter()
    data = work / "data"
    child([tvaers, "synth", "--out", str(data), "--citizens", str(citizens), "--format",
           "parquet"], env)  # fmt: skip
    municipal = {k: v for k, v in env.items() if k != "TVAERS_INSTALLATION"}
    child([tvaers, "import", str(data)], municipal)
    known = sorted(reference().values(), key=lambda m: -(m.population or 0))[:count]
    codes = [m.code for m in known]
    pick = "list_value({})[1 + CAST(hash({{}}) % {} AS BIGINT)]".format(
        ", ".join(f"'{c}'" for c in codes), len(codes))  # fmt: skip
    current = analytics.resolve()  # the analytics file may be a link to its current version
    con = duckdb.connect(str(current))
    try:
        _spread(con, codes, pick)
    finally:
        con.close()
    return round(time.perf_counter() - start, 2)


def _spread(con: Any, codes: list[str], pick: str) -> None:
    """As a national installation holds the data (docs/national.md): each citizen's rows in its
    municipality, the postings in the paying one, each municipality's own intervention codes
    prefixed with its code, and its own chart of accounts."""
    listed = ", ".join(f"'{c}'" for c in codes)
    con.execute(f"UPDATE citizens SET municipality = {pick.format('citizen')}")
    home = "(SELECT c.municipality FROM citizens c WHERE c.citizen = {}.citizen)"
    for table in ("activities", "commitments", "outcomes", "relations"):
        con.execute(f"UPDATE {table} SET municipality = coalesce({home.format(table)}, "
                    f"{pick.format('source_row')})")  # fmt: skip
    con.execute(f"UPDATE postings SET municipality = coalesce({home.format('postings')}, "
                f"{pick.format('posting_id')})")  # fmt: skip
    for table in ("activities", "commitments", "postings"):
        con.execute(f"UPDATE {table} SET intervention = municipality || '-' || intervention "
                    "WHERE intervention IS NOT NULL")  # fmt: skip
    for table, replace in (("interventions", "code || '-' || intervention AS intervention, "),
                           ("unit_prices", "code || '-' || intervention AS intervention, "),
                           ("accounts", "")):  # fmt: skip
        for code in codes:
            columns = replace.replace("code", repr(code)) + f"'{code}' AS municipality"
            con.execute(f"INSERT INTO {table} SELECT * REPLACE ({columns}) FROM {table} "
                        f"WHERE municipality NOT IN ({listed})")  # fmt: skip
        con.execute(f"DELETE FROM {table} WHERE municipality NOT IN ({listed})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--municipalities", type=int, default=10)
    parser.add_argument("--citizens", type=int, default=27_500)
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="tvaers-benchmarking-"))
    work.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "TVAERS_HOME": str(work / "home"), "TVAERS_PSEUDONYM_KEY": KEY,
           "TVAERS_LOG_LEVEL": "WARNING"}  # fmt: skip
    prepared = prepare(work, args.citizens, args.municipalities, env)
    print(json.dumps({"step": "prepare", "seconds": prepared}))
    python = sys.executable
    results = {}
    for name, script in (("tvaers", TVAERS), ("duckdb_sql", DUCKDB_SQL)):
        seconds, memory, out = child([python, "-c", script, str(work)], env)
        found = json.loads(out.strip().splitlines()[-1])
        found.update(process_seconds=seconds, peak_mb=memory)
        results[name] = found
        shown = {k: v for k, v in found.items() if k != "expected"}
        print(json.dumps({"step": name, **shown}))
    same = results["tvaers"]["expected"] == results["duckdb_sql"]["expected"]
    if not same:
        raise SystemExit("Forventet udgift afviger mellem Tværs og den håndskrevne forespørgsel.")
    print(json.dumps({
        "summary": True, "municipalities": results["tvaers"]["municipalities"],
        "citizens": results["tvaers"]["citizens"], "year": results["tvaers"]["year"],
        "tvaers_seconds": round(results["tvaers"]["seconds"], 2),
        "tvaers_steps": {k: round(v, 2) for k, v in results["tvaers"]["steps"].items()},
        "tvaers_peak_mb": results["tvaers"]["peak_mb"],
        "expected_tvaers_seconds": round(results["tvaers"]["expected_seconds"], 3),
        "expected_duckdb_seconds": round(results["duckdb_sql"]["seconds"], 3),
        "duckdb_peak_mb": results["duckdb_sql"]["peak_mb"],
        "expected_rows": results["duckdb_sql"]["rows"], "same_to_the_ore": same,
    }))  # fmt: skip


if __name__ == "__main__":
    main()
