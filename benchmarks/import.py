"""Benchmark of the import for S, M and L, Parquet and CSV, against a bare DuckDB copy.

For each size and format a synthetic municipality is generated (``tvaers synth``), then, each in
its own process (so that its peak memory, max RSS, is its own) and repeated ``--repeat`` times
(interleaved, best time kept; the machine may be shared):

* ``import``: Tværs' import of the folder into a fresh home (``import_folder``: hashing,
  reading, parsing and checking every value, pseudonymising, checking references, loading in one
  transaction, deriving families, sealing the identity store, installing the analytics file);
  ``steps`` gives the seconds from one progress step to the next (reading and checking each
  file, the references, the load); ``reimport_seconds`` is a second import of the same,
  unchanged folder in the same process (it must change nothing); ``snapshot_copy_seconds`` is
  what copying the resulting analytics file costs (what a writer does before changing it,
  :func:`tvaers.engine.snapshot.replacing`) and ``analytics_mb`` its size;
* ``copy``: the plain baseline, a bare DuckDB copy of the same files into a fresh DuckDB file,
  ``CREATE TABLE t AS SELECT * FROM read_parquet(...)`` (``read_csv`` for CSV, DuckDB's own
  type detection) for each file, in one process.

What each figure includes: ``seconds`` is measured inside the process from just before the
import (or the copy) to just after it; the libraries' import (Python, DuckDB, Tværs' modules)
and process start are outside the clock and in ``process_seconds``. Both sides use DuckDB's
default threads (all cores). Prints one JSON object per step and a final JSON summary with the
ratio import / copy per size and format.

    .venv/bin/python benchmarks/import.py [--sizes S,M,L] [--formats parquet,csv]
                                          [--workdir DIR] [--repeat 1]

With ``--workdir`` the generated files are kept there and reused by the next run.
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

KEY = "benchmark-key-0123456789abcdef0123"

IMPORT = """
import json, os, sys, time
from pathlib import Path
from tvaers.core.config import Settings
from tvaers.data.importer import import_folder
from tvaers.engine.snapshot import _copy_file
settings = Settings()
folder = Path(sys.argv[1])
marks = []
start, cpu = time.perf_counter(), time.process_time()
def progress(message, _fraction):
    marks.append((message, time.perf_counter() - start))
result = import_folder(folder, settings, user="benchmark", progress=progress)
seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
assert result.batch_id is not None and result.changed
again = time.perf_counter()
second = import_folder(folder, settings, user="benchmark")
reimport = time.perf_counter() - again
assert second.batch_id is None and not second.changed, "a re-import changed something"
copy = settings.analytics_path.with_name("kopi.duckdb")
again = time.perf_counter()
_copy_file(settings.analytics_path, copy)
snapshot = time.perf_counter() - again
copy.unlink()
steps = {"Forbereder (migrationer, kopi, åbning)": round(marks[0][1], 3) if marks else 0}
for (message, at), (_, until) in zip(marks, [*marks[1:], ("", seconds)]):
    steps[message] = round(until - at, 3)
print(json.dumps({"seconds": seconds, "cpu_seconds": cpu, "reimport_seconds": reimport,
                  "snapshot_copy_seconds": snapshot,
                  "analytics_mb": settings.analytics_path.stat().st_size / 2**20,
                  "rows": sum(t.rows for t in result.tables), "steps": steps}))
"""

COPY = """
import json, sys, time
from pathlib import Path
import duckdb
folder, target = Path(sys.argv[1]), Path(sys.argv[2])
files = sorted(p for p in folder.iterdir() if p.suffix in (".parquet", ".csv"))
start, cpu = time.perf_counter(), time.process_time()
con = duckdb.connect(str(target))
rows = 0
for path in files:
    reader = "read_parquet" if path.suffix == ".parquet" else "read_csv"
    con.execute(f"CREATE TABLE {path.stem} AS SELECT * FROM {reader}(?)", [str(path)])
    rows += con.execute(f"SELECT count(*) FROM {path.stem}").fetchone()[0]
con.close()
seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
print(json.dumps({"seconds": seconds, "cpu_seconds": cpu, "rows": rows}))
"""


def run_step(code: str, argv: list[str], env: dict[str, str]) -> dict:
    """Run ``code`` in a fresh Python; its last line of output (JSON), process time and RSS."""
    with tempfile.TemporaryFile("w+") as out_file, tempfile.TemporaryFile("w+") as err_file:
        start = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-c", code, *argv], env=env, stdout=out_file, stderr=err_file
        )
        _, status, usage = os.wait4(proc.pid, 0)  # the child's own peak memory
        process_seconds = time.perf_counter() - start
        out_file.seek(0)
        err_file.seek(0)
        out, err = out_file.read(), err_file.read()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"trinnet fejlede:\n{out[-2000:]}\n{err[-3000:]}")
    result = json.loads(out.strip().splitlines()[-1])
    result.update(process_seconds=process_seconds, peak_memory_mb=usage.ru_maxrss / 1024)
    return result


def prepare(size: str, fmt: str, workdir: Path, env: dict[str, str]) -> Path:
    """The synthetic municipality of ``size`` in ``fmt`` (seed 1), generated unless kept."""
    folder = workdir / f"{size}-{fmt}"
    if not folder.is_dir():
        tvaers = str(Path(sys.executable).parent / "tvaers")
        argv = [tvaers, "synth", "--size", size, "--seed", "1", "--format", fmt]
        subprocess.run([*argv, "--out", str(folder)], env=env, check=True, capture_output=True)
    return folder


def measure(step: str, size: str, fmt: str, folder: Path, workdir: Path, env: dict) -> dict:
    scratch = workdir / f"run-{size}-{fmt}-{step}"
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    try:
        if step == "import":
            result = run_step(IMPORT, [str(folder)], {**env, "TVAERS_HOME": str(scratch)})
        else:
            result = run_step(COPY, [str(folder), str(scratch / "copy.duckdb")], env)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return {"step": step, "size": size, "format": fmt, **result}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="S,M,L")
    parser.add_argument("--formats", default="parquet,csv")
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="tvaers-import-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "TVAERS_PSEUDONYM_KEY": KEY, "TVAERS_LOG_LEVEL": "WARNING"}
    summary = []
    for size in args.sizes.split(","):
        for fmt in args.formats.split(","):
            folder = prepare(size, fmt, workdir, env)
            files_mb = sum(p.stat().st_size for p in folder.iterdir()) / 2**20
            best: dict[str, dict] = {}
            for _ in range(args.repeat):
                for step in ("copy", "import"):
                    entry = measure(step, size, fmt, folder, workdir, env)
                    print(json.dumps(entry), flush=True)
                    if step not in best or entry["seconds"] < best[step]["seconds"]:
                        best[step] = entry
            imp, copy = best["import"], best["copy"]
            summary.append(
                {
                    "size": size,
                    "format": fmt,
                    "files_mb": round(files_mb, 1),
                    "rows_import": imp["rows"],
                    "rows_copy": copy["rows"],
                    "import_seconds": round(imp["seconds"], 2),
                    "copy_seconds": round(copy["seconds"], 2),
                    "ratio": round(imp["seconds"] / copy["seconds"], 1),
                    "import_cpu_seconds": round(imp["cpu_seconds"], 2),
                    "copy_cpu_seconds": round(copy["cpu_seconds"], 2),
                    "import_peak_mb": round(imp["peak_memory_mb"]),
                    "copy_peak_mb": round(copy["peak_memory_mb"]),
                    "reimport_seconds": round(imp["reimport_seconds"], 2),
                    "snapshot_copy_seconds": round(imp["snapshot_copy_seconds"], 2),
                    "analytics_mb": round(imp["analytics_mb"], 1),
                }
            )
    print(json.dumps(summary, indent=1))


if __name__ == "__main__":
    main()
