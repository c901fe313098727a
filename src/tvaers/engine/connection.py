"""Ibis connections to the analytics engine: DuckDB embedded (the default)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import ibis
from ibis.backends.duckdb import Backend

from tvaers.core.config import Settings
from tvaers.core.errors import DataBusy
from tvaers.engine.snapshot import current

__all__ = ["Backend", "connect", "raw", "spark"]  # Backend: the type of an analytics session


def connect(
    path: Path | None,
    *,
    read_only: bool = False,
    memory_limit: str = "",
    threads: int = 0,
    temp_directory: Path | None = None,
) -> Backend:
    """An Ibis DuckDB backend on the analytics file (``None``: in memory)."""
    config: dict[str, Any] = {}
    if memory_limit:
        config["memory_limit"] = memory_limit
    if threads:
        config["threads"] = threads
    if temp_directory is not None:
        temp_directory.mkdir(parents=True, exist_ok=True)
        config["temp_directory"] = str(temp_directory)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    database = str(path) if path is not None else ":memory:"
    try:
        return ibis.duckdb.connect(database, read_only=read_only, **config)
    except duckdb.IOException as exc:
        raise_if_busy(exc)
        raise


def reading(settings: Settings, path: Path | None = None) -> Backend:
    """The analytics file for reading — the one connection policy of a process. DuckDB refuses
    a second connection to a file open with another configuration (issue 11 #1: 57 of 58 pages
    failed while two people worked), so every reader opens it the same way: read-only, with the
    memory limit, threads and spill folder of the settings — and the file as it is now
    (:func:`~tvaers.engine.snapshot.current`: a writer replaces it, never changes it; ``path``:
    that version, as ``current`` gave it)."""
    if path is not None:
        return _open_read_only(settings, path)
    return reading_current(settings)[0]


def reading_current(settings: Settings) -> tuple[Backend, Path]:
    """The analytics file as it is now, for reading, and the version's path. Another reader may
    remove the link :func:`current` just gave (it forgets earlier versions once the file was
    replaced) before this one opens it: then the newer version is asked for again."""
    for _attempt in range(5):
        path = current(settings)
        try:
            return _open_read_only(settings, path), path
        except duckdb.IOException:
            if path.exists():
                raise
    path = settings.analytics_path  # replaced five times in a row: read the file itself
    return _open_read_only(settings, path), path


def _open_read_only(settings: Settings, path: Path) -> Backend:
    return connect(
        path,
        read_only=True,
        memory_limit=settings.memory_limit,
        threads=settings.threads,
        temp_directory=settings.scratch_dir,
    )


def raise_if_busy(exc: Exception) -> None:
    """Another process writes the analytics file (DuckDB's file lock): say so in Danish."""
    if "lock" in str(exc).lower():
        raise DataBusy() from exc


def raw(backend: Backend) -> duckdb.DuckDBPyConnection:
    """The DuckDB connection under an Ibis backend, for bulk loading and DDL."""
    return backend.con  # type: ignore[no-any-return]


def spark(session: Any) -> Any:
    """The same Ibis expressions on PySpark, when one machine is not enough (imported lazily)."""
    return ibis.pyspark.connect(session)
