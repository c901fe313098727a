"""Recording, listing and finding analysis runs, and the replay's capture.

A command that has written its output calls :func:`record` with the bytes it wrote (one entry per
file, ``-`` for standard output). During a replay (:func:`capturing`) nothing is recorded: the
bytes are kept for the comparison instead.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tvaers.core.config import Settings
from tvaers.core.errors import NotFound
from tvaers.runs.inputs import collect, sha256_bytes
from tvaers.store.models_runs import AnalysisRun


@dataclass(frozen=True)
class Output:
    """One file a run wrote (``name`` ``-`` for standard output): its size and sha256, and its
    bytes only where a replay keeps them (a national output is not held twice in memory)."""

    name: str
    size: int
    sha256: str
    data: bytes | None = None

    @classmethod
    def of(cls, name: str, data: bytes, keep: bool = True) -> Output:
        return cls(name, len(data), sha256_bytes(data), data if keep else None)

    @classmethod
    def of_file(cls, path: Path, keep: bool = False) -> Output:
        """A written file, hashed in blocks (its bytes kept only when ``keep``)."""
        if keep:
            return cls.of(path.name, path.read_bytes())
        digest, size = hashlib.sha256(), 0
        with path.open("rb") as file:
            while block := file.read(1 << 20):
                digest.update(block)
                size += len(block)
        return cls(path.name, size, digest.hexdigest())


class HashingWriter(io.TextIOBase):
    """Standard output that is hashed as it is written (UTF-8), its text kept only when
    ``keep`` (a replay)."""

    def __init__(self, target: Any, keep: bool = False) -> None:
        super().__init__()
        self._target, self._digest, self._size = target, hashlib.sha256(), 0
        self._kept: list[bytes] | None = [] if keep else None

    def write(self, text: str) -> int:
        data = text.encode("utf-8")
        self._digest.update(data)
        self._size += len(data)
        if self._kept is not None:
            self._kept.append(data)
        return self._target.write(text)  # type: ignore[no-any-return]

    def output(self) -> Output:
        data = b"".join(self._kept) if self._kept is not None else None
        return Output("-", self._size, self._digest.hexdigest(), data)


@dataclass
class Capture:
    """What a replayed command wrote (filled by :func:`record` instead of recording)."""

    outputs: list[Output] = field(default_factory=list)
    fmt: str | None = None
    created: datetime | None = None  # the recorded run's time (an Excel workbook carries it)


_CAPTURE: ContextVar[Capture | None] = ContextVar("tvaers_run_capture", default=None)


@contextmanager
def capturing(created: datetime | None = None) -> Iterator[Capture]:
    """Within: a command's :func:`record` keeps its output here and records nothing; the run's
    time (:func:`run_time`) is ``created``, the replayed run's."""
    capture = Capture(created=utc(created) if created is not None else None)
    token = _CAPTURE.set(capture)
    try:
        yield capture
    finally:
        _CAPTURE.reset(token)


def utc(moment: datetime) -> datetime:
    """``moment`` in UTC to the second (a naive time, as SQLite gives it back, is UTC)."""
    aware = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return aware.replace(microsecond=0)


def run_time() -> datetime:
    """The time of the run being written: now, or in a replay the replayed run's."""
    capture = _CAPTURE.get()
    if capture is not None and capture.created is not None:
        return capture.created
    return datetime.now(UTC).replace(microsecond=0)


def replaying() -> bool:
    """Whether a replay is running (a command then tells the user nothing of its files)."""
    return _CAPTURE.get() is not None


def digest(outputs: Sequence[Output]) -> str:
    """The sha256 of a run's output: of its only file's bytes, or (several files) of each file's
    name and bytes in order."""
    if len(outputs) == 1:
        return outputs[0].sha256
    combined = hashlib.sha256()
    for output in outputs:
        combined.update(output.name.encode() + b"\0" + output.sha256.encode())
    return combined.hexdigest()


def record(
    settings: Settings, session: Session, user: str, command: str, arguments: list[str],
    fmt: str, outputs: Sequence[Output], rows: int | None = None,
    run_at: datetime | None = None,
) -> AnalysisRun | None:  # fmt: skip
    """Record a run of ``command`` with ``arguments`` that wrote ``outputs``; the inputs are
    read now (just after the output was computed). Returns the new run (the caller commits),
    or ``None`` during a replay."""
    capture = _CAPTURE.get()
    if capture is not None:
        capture.outputs.extend(outputs)
        capture.fmt = fmt
        return None
    inputs = collect(settings, session, command)
    code = inputs["code"]
    run = AnalysisRun(
        run_at=run_at or run_time(), user_name=user, command=command, arguments=list(arguments),
        output_format=fmt,
        inputs=inputs, code_version=" ".join(f"{k}={v}" for k, v in sorted(code.items())),
        output_sha256=digest(outputs), output_bytes=sum(o.size for o in outputs),
        outputs=[{"name": o.name, "bytes": o.size, "sha256": o.sha256} for o in outputs],
        rows=rows,
    )  # fmt: skip
    session.add(run)
    session.flush()
    return run


def runs(session: Session, limit: int | None = None) -> list[AnalysisRun]:
    """The runs, newest first."""
    query = select(AnalysisRun).order_by(AnalysisRun.id.desc())
    return list(session.scalars(query.limit(limit) if limit else query))


def run(session: Session, run_id: int) -> AnalysisRun:
    """One run by its number; a Danish error when there is none."""
    found = session.get(AnalysisRun, run_id)
    if found is None:
        raise NotFound(f"Der er ingen kørsel nr. {run_id}.", hint="Se kørslerne: tvaers runs list")
    return found


def inputs_summary(inputs: dict[str, Any]) -> str:
    """A short Danish summary of a run's inputs for a listing: the batches it used."""
    batches = sorted({entry["batch"] for entry in inputs.get("batches", {}).values()})
    files = len(inputs.get("configuration", {}))
    used = ", ".join(str(b) for b in batches) or "ingen"
    return f"indlæsning {used}; {files} konfigurationsfil{'er' if files != 1 else ''}"


def as_dict(found: AnalysisRun) -> dict[str, Any]:
    """A run as plain data (``tvaers runs show --format json``)."""
    return {
        "run": found.id, "run_at": found.run_at.isoformat(), "user": found.user_name,
        "command": found.command, "arguments": found.arguments, "format": found.output_format,
        "output_sha256": found.output_sha256, "output_bytes": found.output_bytes,
        "outputs": found.outputs, "rows": found.rows, "inputs": found.inputs,
    }  # fmt: skip
