"""Frozen runs (issue 15): every analysis run with the inputs it read and its output's digest.

A run is a row the database refuses to change (triggers, as for the other histories): what was
run, by whom and when, the import batches loaded per table, the configuration files and the
store's versioned configuration it read (each by its sha256), the code version, and the output
by its sha256, size and per-file digests. The output itself is not stored: a national output is
large and a person-level one must only ever be produced through the access rules, so a replay
computes it again (through the same command and its checks) and compares digests.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from tvaers.store.models import Base, utcnow

APPEND_ONLY = ("analysis_runs",)


class AnalysisRun(Base):
    """One analysis run: ``command`` is the command's path (``draw``, ``forecast backtest``),
    ``arguments`` the options and arguments given on the command line, canonical (so a replay
    runs the same), ``inputs`` what :func:`tvaers.runs.inputs.collect` found, and ``outputs``
    one ``{"name", "bytes", "sha256"}`` per file written (``-`` for standard output)."""

    __tablename__ = "analysis_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    user_name: Mapped[str] = mapped_column(String(100))
    command: Mapped[str] = mapped_column(String(100))
    arguments: Mapped[list[str]] = mapped_column(JSON)
    output_format: Mapped[str] = mapped_column(String(10))
    inputs: Mapped[dict[str, Any]] = mapped_column(JSON)
    code_version: Mapped[str] = mapped_column(Text)
    output_sha256: Mapped[str] = mapped_column(String(64))
    output_bytes: Mapped[int] = mapped_column(BigInteger)
    outputs: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    rows: Mapped[int | None] = mapped_column(Integer)
