"""Ibis connections to the analytics engine: DuckDB embedded (the default)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import ibis
import ibis.expr.types as ir
from ibis.backends.duckdb import Backend

from tvaers.core.config import Settings
from tvaers.core.errors import DataBusy
from tvaers.engine.snapshot import current

# Backend: the type of an analytics session
__all__ = ["Backend", "analysing", "connect", "materialise", "raw", "release"]


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


def analysing(settings: Settings) -> tuple[Backend, Path]:
    """The backend an analysis reads, by the setting ``engine``, and the version's path:
    the analytics file read-only on DuckDB (:func:`reading_current`), or the same version's
    tables on PySpark (:func:`tvaers.engine.spark.backend`, the same Ibis expressions)."""
    backend, path = reading_current(settings)
    if settings.engine != "spark":
        return backend, path
    from tvaers.engine import spark  # imported lazily: PySpark only where it is chosen

    version = path.name
    if path == settings.analytics_path:  # no version link: name the file's identity
        found = path.stat()
        version = f"analyse-{found.st_ino}-{found.st_mtime_ns}.duckdb"
    try:
        return spark.backend(settings, backend, version.removesuffix(".duckdb")), path
    finally:
        backend.disconnect()


def materialise(backend: Backend, name: str, expr: ir.Table) -> ir.Table:
    """Compute ``expr`` once and keep it for the session: a DuckDB temporary table, or a
    cached Spark view (PySpark has no temporary tables); gone with the session."""
    if backend.name == "duckdb":
        return backend.create_table(name, expr, temp=True)
    backend._register_in_memory_tables(expr)  # Ibis's Spark cache leaves memtables out
    return backend._cached_table(expr)  # on this backend (a memtable alone names none)


def release(backend: Backend) -> None:
    """End an analysis session: DuckDB's connection closes (its temporary tables go with it);
    a Spark backend is the version's, shared in the process — its cached views go when the
    session's expressions are no longer referenced."""
    if backend.name == "duckdb":
        backend.disconnect()
