"""A run's inputs: what is loaded (per table: import batch, file, sha256, rows), the home's
configuration files (``konfiguration/*``, each by sha256), the store's configuration a command
reads (per table: rows and the sha256 of its rows in id order) and the code version.

:func:`changes` compares a recorded set with the current one and says in Danish exactly which
input differs — the table re-imported and the batches before and now, the file, the store table,
the code.
"""

from __future__ import annotations

import hashlib
import subprocess
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from tvaers.core.config import Settings

# The store's configuration (and the enrolments a solution's figures depend on) per command: a
# change elsewhere in the store does not make a run's inputs differ. Unknown commands (a new
# analysis) record them all.
STORE_TABLES: dict[str, tuple[str, ...]] = {
    "draw": ("solutions", "enrolments"),
    "coverage": (),
    "concentration": ("solutions", "enrolments"),
    "contacts": ("solutions", "enrolments"),
    "baseline": ("solutions", "enrolments"),
    "select": (
        "target_group_rules",
        "target_group_rule_versions",
        "solutions",
        "enrolments",
        "selection_decisions",
    ),
    "redistribute": ("solutions", "enrolments", "efficiency_requirements", "settlements"),
    "forecast": (
        "solutions",
        "enrolments",
        "forecast_methods",
        "grants",
        "grant_decisions",
        "grant_commitments",
        "budget_versions",
    ),
    "benchmark": ("target_group_rules", "target_group_rule_versions"),
}
ALL_STORE_TABLES = tuple(sorted({t for tables in STORE_TABLES.values() for t in tables}))
# Danish names of the store's tables, for the messages
STORE_NAMES = {
    "solutions": "løsninger",
    "enrolments": "indskrivninger",
    "target_group_rules": "målgrupperegler",
    "target_group_rule_versions": "målgruppereglernes versioner",
    "selection_decisions": "udvælgelsesbeslutninger",
    "efficiency_requirements": "effektiviseringskrav",
    "settlements": "efterreguleringer",
    "forecast_methods": "valgte prognosemetoder",
    "grants": "bevillinger",
    "grant_decisions": "afgørelser om bevillinger",
    "grant_commitments": "disponeringer",
    "budget_versions": "budgetter",
}
CONFIG_FOLDER = "konfiguration"


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def store_tables(command: str) -> tuple[str, ...]:
    """The store tables ``command`` (its first word) reads."""
    return STORE_TABLES.get(command.split(" ")[0], ALL_STORE_TABLES)


def collect(settings: Settings, session: Session, command: str) -> dict[str, Any]:
    """The inputs a run of ``command`` read, as they are now."""
    return {
        "batches": loaded(settings),
        "configuration": configuration(settings),
        "store": store_state(session, store_tables(command)),
        "code": code_version(),
    }


def loaded(settings: Settings) -> dict[str, dict[str, Any]]:
    """Per table of the analytics file: batch, file, sha256 and rows of what is loaded now."""
    from tvaers.data.schema import loaded_state
    from tvaers.engine.connection import raw, reading

    if not settings.analytics_path.exists():
        return {}
    backend = reading(settings)
    try:
        state = loaded_state(raw(backend))
    finally:
        backend.disconnect()
    return {
        table: {"batch": batch, "file": file, "sha256": sha, "rows": rows}
        for table, (batch, file, sha, rows) in sorted(state.items())
    }


def configuration(settings: Settings) -> dict[str, str]:
    """Every file under the home's ``konfiguration`` folder by its sha256 (path relative to the
    home, ``/``-separated)."""
    folder = settings.home / CONFIG_FOLDER
    if not folder.is_dir():
        return {}
    return {
        path.relative_to(settings.home).as_posix(): sha256_bytes(path.read_bytes())
        for path in sorted(folder.rglob("*"))
        if path.is_file() and not path.name.startswith(".")
    }


def store_state(session: Session, tables: tuple[str, ...]) -> dict[str, dict[str, Any]]:
    """Per store table: its rows and the sha256 of its rows in id order (one query each)."""
    state: dict[str, dict[str, Any]] = {}
    for table in tables:
        assert table in STORE_NAMES  # names come from the constant above, never from input
        digest, count = hashlib.sha256(), 0
        for row in session.execute(text(f"SELECT * FROM {table} ORDER BY id")):
            digest.update(repr(tuple(row)).encode())
            count += 1
        state[table] = {"rows": count, "sha256": digest.hexdigest()}
    return state


@cache
def code_version() -> dict[str, str]:
    """The installed version of tvaers and, when the package runs from a git checkout, its
    commit (once per process)."""
    import tvaers

    try:
        version = metadata.version("tvaers")
    except metadata.PackageNotFoundError:
        version = tvaers.__version__
    found = {"version": version}
    try:
        done = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=Path(tvaers.__file__).parent, capture_output=True,
            text=True, timeout=5, check=False,
        )  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return found
    commit = done.stdout.strip()
    if done.returncode == 0 and len(commit) == 40:
        found["commit"] = commit
    return found


def describe_code(code: dict[str, str]) -> str:
    """``tvaers 0.1.0 (commit 1a2b3c4d5e6f)``."""
    commit = code.get("commit")
    return f"tvaers {code.get('version', '?')}" + (f" (commit {commit[:12]})" if commit else "")


def _short(sha: str | None) -> str:
    return f"{sha[:12]}…" if sha else "?"


def changes(run_id: int, then: dict[str, Any], now: dict[str, Any]) -> list[str]:
    """What differs between a run's recorded inputs and the current ones, one Danish sentence
    each; empty when nothing has."""
    found = _batch_changes(run_id, then.get("batches", {}), now.get("batches", {}))
    found += _config_changes(run_id, then.get("configuration", {}), now.get("configuration", {}))
    found += _store_changes(run_id, then.get("store", {}), now.get("store", {}))
    if then.get("code") != now.get("code"):
        found.append(
            f"Programmet er ændret: kørsel {run_id} brugte {describe_code(then.get('code', {}))}"
            f", nu {describe_code(now.get('code', {}))}."
        )
    return found


def _batch(entry: dict[str, Any]) -> str:
    return f"indlæsning {entry['batch']} ({entry['file']}, sha256 {_short(entry['sha256'])})"


def _batch_changes(
    run_id: int, then: dict[str, dict[str, Any]], now: dict[str, dict[str, Any]]
) -> list[str]:
    found = []
    for table in sorted(set(then) | set(now)):
        old, new = then.get(table), now.get(table)
        if old == new:
            continue
        if old is None:
            found.append(f"Tabellen {table} er indlæst siden kørsel {run_id}: nu {_batch(new)}.")  # type: ignore[arg-type]
        elif new is None:
            found.append(f"Tabellen {table} er ikke længere indlæst: kørsel {run_id} brugte "
                         f"{_batch(old)}.")  # fmt: skip
        else:
            found.append(f"Tabellen {table} er genindlæst: kørsel {run_id} brugte {_batch(old)}, "
                         f"nu {_batch(new)}.")  # fmt: skip
    return found


def _config_changes(run_id: int, then: dict[str, str], now: dict[str, str]) -> list[str]:
    found = []
    for path in sorted(set(then) | set(now)):
        old, new = then.get(path), now.get(path)
        if old == new:
            continue
        if old is None:
            found.append(f"Konfigurationsfilen {path} er kommet til siden kørsel {run_id}.")
        elif new is None:
            found.append(f"Konfigurationsfilen {path} er fjernet siden kørsel {run_id}.")
        else:
            found.append(f"Konfigurationsfilen {path} er ændret siden kørsel {run_id} (sha256 "
                         f"{_short(old)}, nu {_short(new)}).")  # fmt: skip
    return found


def _store_changes(
    run_id: int, then: dict[str, dict[str, Any]], now: dict[str, dict[str, Any]]
) -> list[str]:
    found = []
    for table in sorted(set(then) & set(now)):
        old, new = then[table], now[table]
        if old != new:
            found.append(
                f"Driftsdatabasens {STORE_NAMES.get(table, table)} (tabellen {table}) er ændret "
                f"siden kørsel {run_id}: {old['rows']} rækker da, {new['rows']} nu."
            )
    return found
