"""Benchmark of the national year (issue 15, acceptance 2): 1, 10 and all 98 municipalities.

For each count N the national synthetic generator writes the N largest municipalities (``tvaers
synth --municipalities N``, one folder each; kept under ``--workdir`` and reused) and a national
installation imports them, one batch per municipality in ascending code order (``tvaers import
FOLDER --municipality CODE``, each its own process). Then, on the imported year:

* ``duckdb`` (once per ``--limits`` value, DuckDB's memory limit ``TVAERS_MEMORY_LIMIT``): the
  draw (attribution and every citizen x area x month line), coverage, concentration (citizens)
  and the benchmark figures across municipalities (:func:`tvaers.benchmarking.service.benchmark`)
  in one analysis session, as the web app and the command line compute them;
* ``spark``: the same in local mode (``TVAERS_ENGINE=spark``); first the export of the version's
  tables to Parquet and the start of the JVM (``export``);
* baselines in the same run: a bare DuckDB copy of the same files (``CREATE TABLE AS SELECT *
  FROM read_parquet``) next to the import, and one hand-written DuckDB query (expenditure per
  citizen, function and month) next to the draw.

Per step: seconds, peak memory (the process's peak resident memory since the step began:
``/proc/PID/clear_refs`` resets it; for Spark the JVM's is added) and the peak disk spill (the
scratch folder, polled every 0.1 s: DuckDB's temporary files; for Spark its local folder).
Coverage, concentration and the benchmark figures are checked identical on the two engines.
Prints one JSON object per step and a summary; a benchmark, not a timed test.

    .venv/bin/python benchmarks/national.py [--counts 1,10,98] [--limits 60%,2GB]
        [--workdir DIR] [--year 2025] [--no-spark]
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
from collections.abc import Callable
from pathlib import Path
from typing import Any

KEY = "benchmark-key-0123456789abcdef0123"

STEPS = """
import json, sys, threading, time
from decimal import Decimal
from pathlib import Path
from tvaers.benchmarking import service as benchmarking
from tvaers.core.config import Settings
from tvaers.core.units import Unit
from tvaers.draw import service
from tvaers.draw.session import opened
from tvaers.store.database import make_engine, sessions, upgrade
from tvaers.store.publications import Ledger

settings, year, spill_dir = Settings(), int(sys.argv[1]), Path(sys.argv[2])

def processes():
    found = [Path("/proc/self")]
    for task in Path("/proc/self/task").iterdir():
        found += [Path(f"/proc/{pid}") for pid in (task / "children").read_text().split()]
    return found

def reset_peak():
    for proc in processes():
        (proc / "clear_refs").write_text("5")

def peak_mb():
    total = 0
    for proc in processes():
        for line in (proc / "status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                total += int(line.split()[1]) // 1024
    return total

def spilled():
    files = spill_dir.rglob("*") if spill_dir.is_dir() else ()
    return sum(p.stat().st_size for p in files if p.is_file())

def plain(value):
    if hasattr(value, "__dataclass_fields__"):
        value = {k: getattr(value, k) for k in value.__dataclass_fields__}
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, Decimal):
        return str(value.normalize() if value else Decimal(0))
    if isinstance(value, float):
        return round(value, 9)
    return value if isinstance(value, (int, str, bool, type(None))) else str(value)

def step(name, work):
    reset_peak()
    base, most, done = spilled(), [0], threading.Event()
    def poll():
        while not done.wait(0.1):
            most[0] = max(most[0], spilled() - base)
    poller = threading.Thread(target=poll, daemon=True)
    poller.start()
    start = time.perf_counter()
    result, rows = work()
    seconds = time.perf_counter() - start
    done.set(); poller.join()
    most[0] = max(most[0], spilled() - base)
    print(json.dumps({"step": name, "seconds": round(seconds, 2), "peak_memory_mb": peak_mb(),
                      "spill_mb": round(most[0] / 2**20, 1), "rows": rows}), flush=True)
    return result

engine = make_engine(f"sqlite:///{spill_dir.parent / 'ledger.sqlite'}")
upgrade(engine)
ledger = Ledger(sessions(engine), "benchmark", None)
found = {}
start = time.perf_counter()
with opened(settings) as analysis:
    opened_at = time.perf_counter()
    print(json.dumps({"step": "open" if settings.engine == "duckdb" else "export",
                      "seconds": round(opened_at - start, 2), "peak_memory_mb": peak_mb(),
                      "spill_mb": 0, "rows": 0}), flush=True)
    def draw():
        attribution = analysis.draw(year)
        summary = attribution.lines.aggregate(
            rows=attribution.lines.count(), total=attribution.lines.amount.sum()
        ).to_pyarrow().to_pylist()[0]
        found["draw"] = plain(summary)
        return attribution, summary["rows"]
    attribution = step("draw", draw)
    def coverage():
        rows = service.coverage(attribution)
        found["coverage"] = plain(rows)
        return rows, len(rows)
    step("coverage", coverage)
    def concentration():
        shares = service.concentration(attribution, Unit.CITIZEN)
        found["concentration"] = plain(shares)
        return shares, 1
    step("concentration", concentration)
    def figures():
        result = benchmarking.benchmark(analysis, ledger, year, "000")
        found["benchmark"] = plain(result)
        return result, len(result.rows)
    step("benchmark", figures)
print(json.dumps({"figures": found}, sort_keys=True))
"""

BARE_DRAW = """
import duckdb, json, sys, time
from tvaers.core.config import Settings
settings, year = Settings(), int(sys.argv[1])
con = duckdb.connect(str(settings.analytics_path), read_only=True)
start = time.perf_counter()
rows = con.sql(
    "SELECT citizen, function_code, date_trunc('month', posting_date) AS month, sum(amount) "
    f"FROM postings WHERE dranst = '1' AND citizen IS NOT NULL AND year(posting_date) = {year} "
    "GROUP BY ALL").to_arrow_table()
print(json.dumps({"step": "bare_duckdb_query", "seconds": round(time.perf_counter() - start, 2),
                  "rows": rows.num_rows}))
"""

BARE_COPY = """
import duckdb, json, sys, time
out, data = sys.argv[1], sys.argv[2]
con = duckdb.connect(out)
start, rows = time.perf_counter(), 0
from pathlib import Path
for table in sorted({p.stem for p in Path(data).glob("*/*.parquet")}):
    source = f"read_parquet('{data}/*/{table}.parquet', union_by_name = true)"
    con.execute(f"CREATE TABLE {table} AS SELECT * FROM {source}")
    rows += con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
print(json.dumps({"step": "bare_duckdb_copy", "seconds": round(time.perf_counter() - start, 2),
                  "rows": rows}))
"""


def child(
    argv: list[str], env: dict[str, str], show: Callable[[dict[str, Any]], Any] | None = None
) -> tuple[list[dict[str, Any]], float, float]:
    """A child process: its JSON lines (each passed to ``show`` as it comes: the progress of a
    long step), its wall seconds and its peak memory (MB, max RSS)."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    lines, out = [], []
    for line in proc.stdout:
        out.append(line)
        if line.startswith("{"):
            lines.append(json.loads(line))
            if show is not None and "figures" not in lines[-1]:
                show(lines[-1])
    _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status):
        raise SystemExit(f"{' '.join(argv[:3])} fejlede:\n{''.join(out)[-3000:]}")
    return lines, time.perf_counter() - start, usage.ru_maxrss / 1024


def emit(record: dict[str, Any]) -> dict[str, Any]:
    print(json.dumps(record, ensure_ascii=False), flush=True)
    return record


def generate(count: str, root: Path) -> Path:
    """The ``count`` largest municipalities (98: all), generated once under ``root``."""
    data = root / f"n{count}"
    if not (data / ".complete").exists():
        shutil.rmtree(data, ignore_errors=True)
        tvaers = str(Path(sys.executable).with_name("tvaers"))
        wanted = "all" if count == "98" else count
        child([tvaers, "synth", "--municipalities", wanted, str(data)], dict(os.environ))
        (data / ".complete").touch()
    return data


def import_all(count: str, data: Path, home: Path, env: dict[str, str]) -> dict[str, Any]:
    """Every municipality of the set, one import each in ascending code order (once: a home
    whose imports completed is reused; remove it to measure again)."""
    done = home / ".benchmark-imported.json"
    if done.exists():
        return dict(json.loads(done.read_text()))
    shutil.rmtree(home, ignore_errors=True)
    tvaers = str(Path(sys.executable).with_name("tvaers"))
    folders = sorted(p for p in data.iterdir() if p.is_dir())
    seconds, peak = 0.0, 0.0
    for folder in folders:
        _, took, memory = child([tvaers, "import", str(folder), "--municipality", folder.name], env)
        seconds, peak = seconds + took, max(peak, memory)
    copy_db = home.parent / "copy.duckdb"
    copy_db.unlink(missing_ok=True)
    (bare,), copy_seconds, copy_memory = child(
        [sys.executable, "-c", BARE_COPY, str(copy_db), str(data)], env
    )
    copy_db.unlink(missing_ok=True)
    analytics = home / "analyse.duckdb"
    found = emit({
        "municipalities": count, "step": "import", "batches": len(folders),
        "seconds": round(seconds, 2), "peak_memory_mb": round(peak), "spill_mb": 0,
        "analytics_mb": round(analytics.stat().st_size / 2**20) if analytics.exists() else None,
        "bare_duckdb_copy_seconds": bare["seconds"], "bare_copy_process_seconds":
        round(copy_seconds, 2), "bare_copy_peak_memory_mb": round(copy_memory),
        "rows_copied": bare["rows"],
    })  # fmt: skip
    done.write_text(json.dumps(found))
    return found


def analyse(count: str, env: dict[str, str], year: int, label: str) -> dict[str, Any]:
    spill = Path(env["TVAERS_HOME"]) / "tmp"
    if env.get("TVAERS_ENGINE") == "spark":
        spill = spill / "spark" / "lokal"
    lines, seconds, memory = child(
        [sys.executable, "-c", STEPS, str(year), str(spill)], env,
        lambda line: emit({"municipalities": count, "engine": label, **line}),
    )  # fmt: skip
    figures = lines[-1]["figures"]
    (
        Path(env["TVAERS_HOME"]).parent / f"figures-{count}-{label.replace(' ', '-')}.json"
    ).write_text(json.dumps(figures, indent=1, sort_keys=True))
    emit({"municipalities": count, "engine": label, "step": "process",
          "seconds": round(seconds, 2), "peak_memory_mb": round(memory)})  # fmt: skip
    return dict(figures)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counts", default="1,10,98")
    parser.add_argument("--limits", default="60%,2GB")
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--no-spark", action="store_true")
    args = parser.parse_args()
    root = args.workdir or Path(tempfile.mkdtemp(prefix="tvaers-national-"))
    summary = []
    for count in args.counts.split(","):
        data = generate(count, root)
        home = root / f"home{count}"
        env = {**os.environ, "TVAERS_HOME": str(home), "TVAERS_PSEUDONYM_KEY": KEY,
               "TVAERS_INSTALLATION": "national"}  # fmt: skip
        imported = import_all(count, data, home, env)
        (bare,), _, _ = child([sys.executable, "-c", BARE_DRAW, str(args.year)], env)
        emit({"municipalities": count, **bare})
        found = {}
        for limit in args.limits.split(","):
            limited = {**env, "TVAERS_ENGINE": "duckdb", "TVAERS_MEMORY_LIMIT": limit}
            found[f"duckdb {limit}"] = analyse(count, limited, args.year, f"duckdb {limit}")
        if not args.no_spark:
            found["spark"] = analyse(count, {**env, "TVAERS_ENGINE": "spark"}, args.year, "spark")
        first = next(iter(found.values()))
        summary.append({"municipalities": count, "import_seconds": imported["seconds"],
                        "identical": {k: v == first for k, v in found.items()}})  # fmt: skip
    print(json.dumps({"summary": summary}))


if __name__ == "__main__":
    main()
