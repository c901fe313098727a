"""Benchmark of the resource draw on the two engines (``TVAERS_ENGINE=duckdb|spark``).

For each size a synthetic municipality is generated and imported once; then each step runs in
its own process (its peak memory is its own; for Spark the JVM's peak, ``VmHWM``, is added):

* ``duckdb``: Tværs' attribution and the draw per citizen x sector area x month on DuckDB;
* ``spark``: the same Ibis expressions on PySpark in local mode (the first run of a version also
  writes its tables as Parquet: ``export_seconds``; starting the JVM: ``start_seconds``);
* ``bare_duckdb`` / ``bare_spark``: the baseline — the expenditure postings summed per citizen,
  function code and month in one hand-written query on each engine (DuckDB on the analytics file,
  Spark on the exported Parquet), to see what the engine itself costs.

Tværs' two draws are checked to agree to the øre (row count, øre sum, and a digest of the rows).

    .venv/bin/python benchmarks/engines.py [--sizes S,M] [--workdir DIR] [--year 2025]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

SIZES = {"S": 27_500, "M": 63_000, "L": 650_000}
KEY = "benchmark-key-0123456789abcdef0123"

PRELUDE = """
import json, os, sys, time
from pathlib import Path
from tvaers.core.config import Settings
settings = Settings()
YEAR = int(sys.argv[1])

def jvm_peak_mb():
    total = 0
    for task in Path("/proc/self/task").iterdir():
        for pid in (task / "children").read_text().split():
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    total += int(line.split()[1]) // 1024
    return total

def digest(rows):
    import duckdb
    check = duckdb.connect()
    check.register("result", rows)
    return list(check.execute(
        "SELECT count(*), sum(CAST(total * 100 AS BIGINT))::VARCHAR, bit_xor(hash(citizen, "
        "sector_area, left(CAST(month AS VARCHAR), 7), CAST(total * 100 AS BIGINT)))::VARCHAR "
        "FROM result").fetchall()[0])
"""

DRAW = (
    PRELUDE
    + """
from tvaers.core.units import Unit
from tvaers.draw import service
start = time.perf_counter()
analysis = service.opened(settings)
with analysis as session:
    opened = time.perf_counter()
    attribution = session.draw(YEAR)
    rows = service.draw_rows(attribution, Unit.CITIZEN, ordered=False)
    done = time.perf_counter()
print(json.dumps({"seconds": done - opened, "open_seconds": opened - start,
                  "rows": rows.num_rows, "digest": digest(rows), "jvm_peak_mb": jvm_peak_mb()}))
"""
)

BARE_QUERY = (
    "SELECT citizen, function_code, date_trunc('month', posting_date) AS month, "
    "sum(amount) AS total FROM postings WHERE dranst = '1' AND citizen IS NOT NULL "
    "AND year(posting_date) = {year} GROUP BY ALL"
)

BARE_DUCKDB = (
    PRELUDE
    + """
import duckdb
con = duckdb.connect(str(settings.analytics_path), read_only=True)
start = time.perf_counter()
rows = con.execute(QUERY.format(year=YEAR)).to_arrow_table()
done = time.perf_counter()
print(json.dumps({"seconds": done - start, "rows": rows.num_rows, "jvm_peak_mb": 0}))
"""
)

BARE_SPARK = (
    PRELUDE
    + """
from tvaers.engine import spark
session = spark.session(settings)
folder = next(p for p in (settings.scratch_dir / "spark").iterdir() if p.name.startswith("analyse"))
session.read.parquet(str(folder / "postings.parquet")).createOrReplaceTempView("postings")
query = QUERY.format(year=YEAR).replace("GROUP BY ALL", "GROUP BY 1, 2, 3")
start = time.perf_counter()
rows = session.sql(query).toArrow()
done = time.perf_counter()
print(json.dumps({"seconds": done - start, "rows": rows.num_rows, "jvm_peak_mb": jvm_peak_mb()}))
"""
)


def run(code: str, env: dict[str, str], year: int) -> dict[str, object]:
    """One step in its own process: its JSON line, with the process's peak memory."""
    proc = subprocess.Popen(
        [sys.executable, "-c", code, str(year)], env=env, stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    out = proc.stdout.read()
    _pid, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise SystemExit(f"step failed ({proc.returncode})")
    found: dict[str, object] = json.loads(out.strip().splitlines()[-1])
    found["python_peak_mb"] = usage.ru_maxrss // 1024
    return found


def prepare(size: str, root: Path) -> dict[str, str]:
    """Generate and import the size once (kept under ``root``)."""
    home = root / size / "home"
    env = {**os.environ, "TVAERS_HOME": str(home), "TVAERS_PSEUDONYM_KEY": KEY}
    if not (home / "analyse.duckdb").exists():
        data = root / size / "data"
        tvaers = [str(Path(sys.executable).with_name("tvaers"))]
        subprocess.run(
            [*tvaers, "synth", "--citizens", str(SIZES[size]), "--seed", "1", str(data)],
            env=env, check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        subprocess.run([*tvaers, "import", str(data)], env=env, check=True,
                       stdout=subprocess.DEVNULL)  # fmt: skip
    return env


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="S,M")
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--year", type=int, default=2025)
    args = parser.parse_args()
    root = args.workdir or Path(tempfile.mkdtemp(prefix="tvaers-engines-"))
    summary = []
    for size in args.sizes.split(","):
        env = prepare(size, root)
        steps = {
            "duckdb": (DRAW, {**env, "TVAERS_ENGINE": "duckdb"}),
            "spark": (DRAW, {**env, "TVAERS_ENGINE": "spark"}),
            "bare_duckdb": (BARE_DUCKDB.replace("QUERY", repr(BARE_QUERY)), env),
            "bare_spark": (BARE_SPARK.replace("QUERY", repr(BARE_QUERY)), env),
        }
        found = {}
        for name, (code, step_env) in steps.items():
            found[name] = run(code, step_env, args.year)
            print(json.dumps({"size": size, "step": name, **found[name]}), flush=True)
        same = found["duckdb"]["digest"] == found["spark"]["digest"]
        summary.append({"size": size, "identical_to_the_ore": same,
                        **{name: found[name]["seconds"] for name in found}})  # fmt: skip
    print(json.dumps({"summary": summary}))


if __name__ == "__main__":
    main()
