"""Benchmark of the national synthetic generator: 1, 10, ... municipalities at a scale.

Each run is its own process, so its peak memory (max RSS) is its own. Next to it, in the same
run, the baseline: a bare DuckDB copy of the files it wrote (every citizens and postings file
read and written again as Parquet), the least any writer of these rows could cost. Prints one
JSON object per step; a benchmark, not a timed test.

    .venv/bin/python benchmarks/synth_national.py [--municipalities 1,10] [--scale 1.0]
        [--workdir DIR]
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

COPY = """
import duckdb, json, sys
out = sys.argv[1]
con = duckdb.connect()
con.execute("SET enable_progress_bar = false")
rows = {}
for table in ("citizens", "postings"):
    source = f"read_parquet('{out}/*/{table}.parquet', union_by_name = true)"
    con.execute(f"COPY (SELECT * FROM {source}) TO '{out}/copy_{table}.parquet' (FORMAT parquet)")
    rows[table] = con.execute(f"SELECT count(*) FROM {source}").fetchone()[0]
print(json.dumps(rows))
"""


def peak(argv: list[str]) -> tuple[float, float, str]:
    """Seconds, peak memory (MB) and standard output of one child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    out = proc.stdout.read() if proc.stdout else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(argv)} fejlede:\n{out[-2000:]}")
    return round(seconds, 2), round(usage.ru_maxrss / 1024, 1), out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--municipalities", default="1,10")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="tvaers-synth-national-"))
    tvaers = str(Path(sys.executable).with_name("tvaers"))
    results = []
    for count in args.municipalities.split(","):
        out = work / f"n{count}"
        shutil.rmtree(out, ignore_errors=True)
        seconds, memory, _ = peak(
            [tvaers, "synth", "--municipalities", count, "--scale", str(args.scale), str(out)]
        )
        disk = round(sum(p.stat().st_size for p in out.rglob("*")) / 2**20, 1)
        copy_seconds, copy_memory, rows = peak([sys.executable, "-c", COPY, str(out)])
        counted = json.loads(rows.strip().splitlines()[-1])
        result = {
            "municipalities": count,
            "scale": args.scale,
            "citizens": counted["citizens"],
            "postings": counted["postings"],
            "seconds": seconds,
            "peak_memory_mb": memory,
            "baseline_duckdb_copy_seconds": copy_seconds,
            "baseline_peak_memory_mb": copy_memory,
            "disk_mb": disk,
        }
        print(json.dumps(result), flush=True)
        results.append(result)
        if args.workdir is None:
            shutil.rmtree(out, ignore_errors=True)
    print(json.dumps(results))


if __name__ == "__main__":
    main()
