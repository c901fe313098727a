"""Benchmark of target-group selection for S, M and L.

For each size the synthetic municipality is generated and imported once (the same way, seed and
key as ``benchmarks/draw.py``, whose ``--workdir`` layout is shared, so one work folder serves
both). Then, each in its own process (so that its peak memory, max RSS, is its own) and repeated
``--repeat`` times (best time kept; the machine may be shared):

* ``furesoe``: the Furesø rule set: :func:`evaluate` (the draw attribution over the 12-month
  window, contact points, benefit spells, leaf sets, score: one table per unit), then
  :func:`summary` (aggregates, what-ifs) and :func:`candidates` (the ranked list);
* ``all``: every ready-made rule set, one after the other in one process, the draw attribution
  computed once and reused (same window and date; so are the persons, spans and benefit
  spells, and the measures per unit between rule sets of the same unit), each with summary
  and candidates.

Prints one JSON object per step and a final JSON summary with seconds (compute, imports
excluded; and wall time of the process), peak memory and rows (units evaluated, units in the
group).

    .venv/bin/python benchmarks/selection.py [--sizes S,M,L] [--workdir DIR] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from draw import SIZES, prepare, run_step  # noqa: E402 - the draw benchmark's helpers

STEP = """
import json, os, time
import ibis.formats.pandas  # noqa: F401 - imported before timing (Ibis' result converter)
from tvaers.core.config import Settings
from tvaers.draw.session import Analysis, load_config, open_backend
from tvaers.selection import statistics
from tvaers.selection.candidates import candidates
from tvaers.selection.evaluation import evaluate
from tvaers.selection.rule_files import ready_made

settings = Settings()
keys = os.environ["TVAERS_BENCH_RULES"].split(",")
rules = [ready_made()[key][0] for key in keys]
analysis = Analysis(open_backend(settings), load_config(settings))
per_rule = {}
wall, cpu = time.perf_counter(), time.process_time()
for rule in rules:  # one session: what the rule sets share is computed once
    start = time.perf_counter()
    evaluation = evaluate(analysis, rule)
    evaluated = time.perf_counter()
    summary = statistics.summary(evaluation)
    listed = candidates(evaluation)
    per_rule[rule.key] = {
        "evaluate_seconds": round(evaluated - start, 3),
        "summary_candidates_seconds": round(time.perf_counter() - evaluated, 3),
        "units": summary.population,
        "in_group": listed.num_rows,
        "cost": str(sum((r["cost"] for r in listed.to_pylist()), 0)),
    }
wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
print(json.dumps({"seconds": wall, "cpu_seconds": cpu, "rows": sum(r["units"] for r in
                  per_rule.values()), "rules": per_rule, "as_of": str(evaluation.as_of),
                  "window": str(evaluation.window)}))
"""

STEPS = {
    "furesoe": "furesoe",
    "all": ",".join(
        (
            "furesoe",  # the citizen rule sets first: they share the measures per citizen
            "kl_genoptraening_og_hjemmesygepleje",
            "kl_mentor_og_stoettekontaktperson",
            "kl_udsatte_unge",
            "kl_misbrug_og_overfoerselsindkomst",
            "kl_boernesag_og_overfoerselsindkomst",  # per family
        )
    ),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="S,M,L")
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="tvaers-selection-bench-"))
    summary = []
    for size in args.sizes.split(","):
        env = prepare(size, workdir, reuse=args.workdir is not None)
        best: dict[str, dict] = {}
        for _ in range(args.repeat):  # interleaved, so a busy moment hits every step alike
            for step, keys in STEPS.items():
                result = run_step(STEP, 0, {**env, "TVAERS_BENCH_RULES": keys})
                if step not in best or result["seconds"] < best[step]["seconds"]:
                    best[step] = result
        for step, result in best.items():
            entry = {"size": size, "step": step, "citizens": SIZES[size]}
            entry.update({k: round(v, 3) if isinstance(v, float) else v
                          for k, v in result.items()})  # fmt: skip
            print(json.dumps(entry, default=str), flush=True)
        summary.append(
            {
                "size": size,
                "seconds": {s: round(r["seconds"], 3) for s, r in best.items()},
                "cpu_seconds": {s: round(r["cpu_seconds"], 3) for s, r in best.items()},
                "process_seconds": {s: round(r["process_seconds"], 3) for s, r in best.items()},
                "peak_memory_mb": {s: round(r["peak_memory_mb"], 1) for s, r in best.items()},
                "in_group": {k: v["in_group"] for k, v in best["all"]["rules"].items()},
                "units": {k: v["units"] for k, v in best["all"]["rules"].items()},
            }
        )
        if args.workdir is None:
            shutil.rmtree(workdir / f"{size}-data", ignore_errors=True)
            shutil.rmtree(workdir / f"{size}-home", ignore_errors=True)
    print(json.dumps(summary, indent=1))


if __name__ == "__main__":
    main()
