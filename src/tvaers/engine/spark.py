"""The same Ibis expressions on PySpark (``TVAERS_ENGINE=spark``), imported lazily.

Spark cannot read the DuckDB analytics file. Each version of it (the file is replaced, never
changed: :mod:`tvaers.engine.snapshot`) is written once as Parquet, one file per table, under
``tmp/spark/<version>/`` — pseudonymised data only, readable by the owner alone — and read from
there while the version is current; earlier versions' folders are removed. Every version gets its
own Spark session on the process's one Spark context, with each table as a temporary view of the
same name, so the features' expressions find ``postings``, ``citizens``, … as on DuckDB.

Spark runs in local mode by default (``TVAERS_SPARK_MASTER=local[2]``, no web UI, bound to
127.0.0.1); a cluster URL works where the executors see the scratch folder.
"""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path
from typing import Any

import ibis

from tvaers.core.config import Settings, memory_bytes
from tvaers.core.logging import get_logger

log = get_logger(__name__)

FOLDER = "spark"  # under the scratch folder
_LOCK = threading.Lock()
_SESSION: list[Any] = []  # the process's SparkSession (one context, started once)
_BACKENDS: dict[str, Any] = {}  # version -> its Ibis PySpark backend


def session(settings: Settings) -> Any:
    """The process's Spark session, started once (seconds: a JVM)."""
    with _LOCK:
        if not _SESSION:
            from pyspark.sql import SparkSession

            builder = (
                SparkSession.builder.master(settings.spark_master)
                .appName("tvaers")
                .config("spark.ui.enabled", "false")
                .config("spark.ui.showConsoleProgress", "false")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.sql.shuffle.partitions", str(_partitions(settings)))
                .config("spark.sql.session.timeZone", "UTC")
                .config("spark.sql.execution.arrow.pyspark.enabled", "true")  # results via Arrow
                .config("spark.sql.ansi.enabled", "false")  # as Ibis's Spark compiler expects
                .config("spark.local.dir", str(_local_dir(settings)))
                .config("spark.driver.memory", driver_memory(settings.memory_limit))
            )
            spark = builder.getOrCreate()
            spark.sparkContext.setLogLevel("ERROR")
            _SESSION.append(spark)
            log.info("spark_started", master=settings.spark_master)
        return _SESSION[0]


def driver_memory(limit: str, ram: int | None = None) -> str:
    """The driver's heap (in local mode the one JVM that does the work) from the same setting as
    DuckDB's memory limit (:func:`~tvaers.core.config.memory_bytes`); Spark's own default (1 GB)
    is too small for a national year. In whole MiB, at least 1 GiB."""
    amount = memory_bytes(limit, ram) if limit.strip() else 0
    return f"{max(1024, amount // 2**20)}m"


def _partitions(settings: Settings) -> int:
    """Shuffle partitions: one per core in local mode (Spark's 200 are for clusters)."""
    master = settings.spark_master
    if master.startswith("local"):
        cores = master.partition("[")[2].rstrip("]")
        count = (os.cpu_count() or 2) if cores in ("", "*") else int(cores)
        return max(1, count)
    return 200


def _local_dir(settings: Settings) -> Path:
    folder = settings.scratch_dir / FOLDER / "lokal"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def backend(settings: Settings, duckdb_backend: Any, version: str) -> Any:
    """An Ibis PySpark backend on ``version`` of the analytics file (its DuckDB backend open
    read-only): the tables exported once and registered as views of the same names."""
    key = str(settings.scratch_dir / FOLDER / version)  # a version of one home's file
    with _LOCK:
        found = _BACKENDS.get(key)
    if found is not None:
        return found
    folder = export(settings, duckdb_backend, version)
    spark = session(settings).newSession()  # own temporary views, the same context
    for table in sorted(folder.glob("*.parquet")):
        spark.read.parquet(str(table)).createOrReplaceTempView(table.stem)
    found = ibis.pyspark.connect(spark)
    with _LOCK:
        for other in [v for v in _BACKENDS if v != key and Path(v).parent == Path(key).parent]:
            del _BACKENDS[other]  # an earlier version of the same home's file
        _BACKENDS[key] = found
    return found


def export(settings: Settings, duckdb_backend: Any, version: str) -> Path:
    """The version's tables as Parquet (``<table>.parquet``), written once per version: to a
    folder of its own, renamed into place when complete (a crash leaves no half version)."""
    root = settings.scratch_dir / FOLDER
    folder = root / version
    if folder.is_dir():
        return folder
    work = root / f".{version}.{os.getpid()}.{threading.get_ident()}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True, mode=0o700)
    con = duckdb_backend.con
    tables = con.execute(
        "SELECT table_name FROM information_schema.tables "
        "WHERE table_schema = 'main' AND table_type = 'BASE TABLE'"
    ).fetchall()
    for (name,) in tables:
        target = work / f"{name}.parquet"
        con.execute(f"COPY \"{name}\" TO '{target}' (FORMAT parquet)")  # names from the catalog
    try:
        work.rename(folder)
    except OSError:  # another process wrote the same version first: use that one
        shutil.rmtree(work, ignore_errors=True)
    for other in root.iterdir():
        if other.is_dir() and other.name not in (version, "lokal") and other.name[:1] != ".":
            shutil.rmtree(other, ignore_errors=True)
    log.info("spark_exported", version=version)
    return folder
