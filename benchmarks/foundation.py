"""Benchmark of the foundation: synth, import and a trivial aggregation for S, M and L.

Each step runs in its own process so that its peak memory (max RSS) is its own. Prints one JSON
object per step and a final JSON list; this is a benchmark, not a timed test.

    .venv/bin/python benchmarks/foundation.py [--sizes S,M,L] [--workdir DIR] [--format csv]
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

AGGREGATE = """
import json, sys, time
from tvaers.core.config import Settings
from tvaers.engine.connection import connect
from tvaers.data.summary import expenditure_by_area
settings = Settings()
backend = connect(settings.analytics_path, read_only=True)
start = time.perf_counter()
rows = expenditure_by_area(backend).to_pyarrow()
postings = backend.table("postings").count().execute()
print(json.dumps({"seconds_inner": time.perf_counter() - start, "areas": rows.num_rows,
                  "postings": int(postings)}))
"""

ROWS = """
import json
from tvaers.core.config import Settings
from tvaers.data.importer import open_analytics
from tvaers.data.schema import loaded_state
con = open_analytics(Settings())
print(json.dumps({table: state[3] for table, state in loaded_state(con).items()}))
"""


def run(step: str, size: str, argv: list[str], env: dict[str, str]) -> dict:
    start = time.perf_counter()
    proc = subprocess.Popen(
        argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    out = proc.stdout.read() if proc.stdout else ""
    err = proc.stderr.read() if proc.stderr else ""
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise SystemExit(f"{step} {size} fejlede ({code}):\n{out[-2000:]}\n{err[-2000:]}")
    return {
        "step": step,
        "size": size,
        "seconds": round(seconds, 2),
        "peak_memory_mb": round(usage.ru_maxrss / 1024, 1),
        "stdout": out,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="S,M,L")
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--format", default="csv")
    args = parser.parse_args()
    bin_dir = Path(sys.executable).parent
    tvaers = str(bin_dir / "tvaers")
    results = []
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="tvaers-bench-"))
    for size in args.sizes.split(","):
        folder = workdir / f"{size}-data"
        home = workdir / f"{size}-home"
        shutil.rmtree(home, ignore_errors=True)
        env = {
            **os.environ,
            "TVAERS_HOME": str(home),
            "TVAERS_PSEUDONYM_KEY": KEY,
            "TVAERS_LOG_LEVEL": "WARNING",
        }
        synth = run(
            "synth",
            size,
            [
                tvaers,
                "synth",
                "--size",
                size,
                "--seed",
                "1",
                "--out",
                str(folder),
                "--format",
                args.format,
            ],
            env,
        )
        files_mb = sum(p.stat().st_size for p in folder.iterdir()) / 2**20
        imported = run("import", size, [tvaers, "import", str(folder)], env)
        rows = json.loads(run("rows", size, [sys.executable, "-c", ROWS], env)["stdout"])
        total_rows = sum(rows.values())
        aggregate = run("aggregate", size, [sys.executable, "-c", AGGREGATE], env)
        inner = json.loads(aggregate["stdout"])
        for entry in (synth, imported, aggregate):
            entry.pop("stdout")
        synth.update(citizens=SIZES[size], files_mb=round(files_mb, 1))
        imported.update(
            rows=total_rows,
            rows_per_second=round(total_rows / imported["seconds"]),
            postings=rows.get("postings"),
            activities=rows.get("activities"),
        )
        aggregate.update(rows=inner["postings"], seconds_query=round(inner["seconds_inner"], 3))
        for entry in (synth, imported, aggregate):
            print(json.dumps(entry), flush=True)
            results.append(entry)
        if args.workdir is None:
            shutil.rmtree(folder, ignore_errors=True)
            shutil.rmtree(home, ignore_errors=True)
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
