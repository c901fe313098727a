"""The analytics file is replaced, never changed in place: readers and a writer never wait on
each other (issue 11 #1, #2).

A writer (an import, a deletion under the retention rules) takes the home's write lock, copies
the file to ``analyse.duckdb.ny``, changes the copy and, when all is done, puts it in the file's
place with one ``rename`` (:func:`replacing`). Until then every reader — a page, a command, the
cache warmer — reads the file as it was: an import in the middle of a busy day leaves every page
working, and the new figures appear at once when it is done. A writer that fails or is killed
leaves the file as it was; the copy is removed by the next writer.

Readers open the current file through a hard link named after it (:func:`current`), because
DuckDB keeps one open database per path in a process: a page opened after the rename must not be
handed the old file by a request that still reads it.
"""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from duckdb import DuckDBPyConnection

from tvaers.core.config import Settings
from tvaers.core.errors import DataBusy
from tvaers.core.logging import get_logger

log = get_logger(__name__)

COPY_SUFFIX = ".ny"
WAL_SUFFIX = ".wal"
LOCK_NAME = ".skrivelaas"
READERS = "laesere"  # under the scratch folder: one hard link per version of the file


def _wal(path: Path) -> Path:
    return path.with_name(path.name + WAL_SUFFIX)


def current(settings: Settings) -> Path:
    """The path readers open for the analytics file as it is now: a hard link named after the
    file's identity (falls back to the file itself where links cannot be made)."""
    path = settings.analytics_path
    folder = settings.scratch_dir / READERS
    for _attempt in range(3):
        try:
            found = path.stat()
        except FileNotFoundError:
            return path
        link = folder / f"analyse-{found.st_ino}-{found.st_mtime_ns}.duckdb"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            if not link.exists():
                os.link(path, link)
        except FileExistsError:
            pass
        except OSError as exc:  # another file system, or no hard links: read the file itself
            log.warning("analytics_link_failed", error=str(exc))
            return path
        if link.stat().st_ino == found.st_ino:  # not replaced between stat and link
            _forget_others(folder, link)
            return link
        link.unlink(missing_ok=True)
    return path


def _forget_others(folder: Path, keep: Path) -> None:
    """Remove the links of earlier versions: readers that still have one open keep reading it
    (the data stay until they close), new readers get the current one."""
    for other in folder.glob("analyse-*.duckdb"):
        if other != keep:
            other.unlink(missing_ok=True)


@contextmanager
def write_lock(settings: Settings) -> Iterator[None]:
    """The home's one writer at a time; :class:`DataBusy` (in Danish) when another holds it."""
    settings.home.mkdir(parents=True, exist_ok=True)
    handle = os.open(settings.home / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise DataBusy() from exc
        yield
    finally:
        os.close(handle)  # releases the lock


@dataclass
class Replacement:
    """A copy of the analytics file being changed; :meth:`install` puts it in the file's place."""

    path: Path  # the analytics file
    copy: Path
    con: DuckDBPyConnection
    installed: bool = False

    def install(self) -> None:
        """Close the copy (DuckDB writes everything into it) and rename it over the file."""
        self.con.close()
        _wal(self.path).unlink(missing_ok=True)  # a crashed writer's log: in the copy already
        os.replace(self.copy, self.path)
        self.installed = True
        log.info("analytics_replaced", path=str(self.path))

    def discard(self) -> None:
        self.con.close()
        self.copy.unlink(missing_ok=True)
        _wal(self.copy).unlink(missing_ok=True)


@contextmanager
def replacing(
    settings: Settings, open_copy: Callable[[Path], DuckDBPyConnection]
) -> Iterator[Replacement]:
    """Under the write lock: a copy of the analytics file opened with ``open_copy``. Unless the
    body calls :meth:`Replacement.install`, the copy is thrown away and the file is unchanged."""
    with write_lock(settings):
        path = settings.analytics_path
        copy = path.with_name(path.name + COPY_SUFFIX)
        copy.unlink(missing_ok=True)  # left by a writer that was killed
        _wal(copy).unlink(missing_ok=True)
        if path.exists():
            _copy_file(path, copy)
            if _wal(path).exists():
                _copy_file(_wal(path), _wal(copy))
        replacement = Replacement(path, copy, open_copy(copy))
        try:
            yield replacement
        finally:
            if not replacement.installed:
                replacement.discard()


def _copy_file(source: Path, target: Path) -> None:
    """Copy readable only by the owner, like every file under the home."""
    handle = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with source.open("rb") as src, os.fdopen(handle, "wb") as dst:
        shutil.copyfileobj(src, dst, 1 << 20)
