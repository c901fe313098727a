"""The cache of published (already suppressed) aggregates, on disk under
``TVAERS_HOME/mellemlager/``: computed once, whoever asks and however many ask at once.

The key is what the figures depend on: the loaded import batches
(:func:`tvaers.data.schema.loaded_state`: batch, file, sha256 and rows per table), the kind of
figures and the parts the caller names (the year, the reference date, the rule's version, the
draw configuration) and :data:`VERSION` (raised when the figures are computed differently). A new
import changes the batches, so it changes the key: old entries are never read again, and are
removed when the next entry is written.

Many asking at once for figures not yet cached wait for one computation: the first takes a lock
on the entry (``flock``, so across the web server's processes and the command line too), the
others read what it wrote.

Only aggregates that have passed small-cell suppression may be cached: the caller hands over
exactly what it publishes, never person-level rows. Entries are JSON (no pickle): ``Decimal``
and ``date`` values are tagged, so they come back as the same types.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import tempfile
import types
from collections.abc import Callable, Mapping
from dataclasses import fields, is_dataclass
from datetime import date
from decimal import Decimal
from enum import Enum
from fractions import Fraction
from pathlib import Path
from typing import Any, TypeVar, Union, get_args, get_origin, get_type_hints

import duckdb
from ibis.backends.duckdb import Backend

from tvaers.core.config import Settings
from tvaers.core.logging import get_logger
from tvaers.core.periods import Month, Period
from tvaers.core.suppression import SMALL_CELL
from tvaers.data.schema import LOADED, loaded_state
from tvaers.draw.model import AttributionConfig, OverlapRule
from tvaers.engine.connection import raw

log = get_logger(__name__)

VERSION = 2  # raise when the cached figures are computed differently
FOLDER = "mellemlager"
_DECIMAL, _DATE, _PERIOD, _FRACTION = "$decimal", "$date", "$period", "$fraction"

Document = dict[str, Any]


def folder(settings: Settings) -> Path:
    return settings.home / FOLDER


def config_fingerprint(
    attribution: AttributionConfig, overlaps: tuple[OverlapRule, ...]
) -> list[Any]:
    """The draw configuration as plain values (methods per function code, overlap rules)."""
    return [
        sorted((code, method.value) for code, method in attribution.methods.items()),
        [[r.rule, r.label, str(r.first), str(r.second)] for r in overlaps],
    ]


def state_of(backend: Backend) -> str | None:
    """A digest of the loaded import batches; ``None`` when unknown (then nothing is cached)."""
    try:
        state = loaded_state(raw(backend)) if backend.name == "duckdb" else _loaded(backend)
    except duckdb.Error:
        return None
    if not state:
        return None
    text = json.dumps(sorted([table, *value] for table, value in state.items()), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _loaded(backend: Backend) -> dict[str, tuple[int, str, str, int]]:
    """What :func:`~tvaers.data.schema.loaded_state` tells, through Ibis on an engine other
    than DuckDB: per table (and municipality) its batch, file, sha256 and rows."""
    if LOADED not in backend.list_tables():
        return {}
    rows = backend.table(LOADED).to_pyarrow().to_pylist()
    return {
        "/".join(str(r[c]) for c in ("table_name", "municipality") if c in r): (
            r["batch_id"],
            r["file_name"],
            r["sha256"],
            r["rows"],
        )
        for r in rows
    }


def entry_name(state: str, kind: str, parts: list[Any]) -> str:
    """``<kind>-<state>-<parts, configuration and version>.json``."""
    rest = json.dumps([VERSION, SMALL_CELL, parts], default=str)
    return f"{kind}-{state[:24]}-{hashlib.sha256(rest.encode()).hexdigest()[:20]}.json"


def shallow(record: Any) -> dict[str, Any]:
    """A dataclass's fields as a mapping (nested records are the caller's to turn into
    mappings; a :class:`Period` stays one and is stored tagged)."""
    return {f.name: getattr(record, f.name) for f in fields(record)}


def _encode(value: Any) -> Any:
    if isinstance(value, Decimal):
        return {_DECIMAL: str(value)}
    if isinstance(value, date):
        return {_DATE: value.isoformat()}
    if isinstance(value, Period):
        return {_PERIOD: [value.first.year, value.first.month, value.last.year, value.last.month]}
    if isinstance(value, Fraction):
        return {_FRACTION: [value.numerator, value.denominator]}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, tuple):
        return list(value)
    raise TypeError(f"{type(value).__name__} kan ikke gemmes i mellemlageret")


def _decode(item: dict[str, Any]) -> Any:
    if len(item) == 1:
        if _DECIMAL in item:
            return Decimal(item[_DECIMAL])
        if _DATE in item:
            return date.fromisoformat(item[_DATE])
        if _FRACTION in item:
            return Fraction(*item[_FRACTION])
        if _PERIOD in item:
            first_year, first_month, last_year, last_month = item[_PERIOD]
            return Period(Month(first_year, first_month), Month(last_year, last_month))
    return item


def document_of(record: Any) -> Document:
    """A dataclass as a document, records nested in its fields (in tuples and mappings too)
    included; :func:`record_of` gives it back."""
    found = _plain(record)
    assert isinstance(found, dict)
    return found


def _plain(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    return value


_R = TypeVar("_R")


def record_of(cls: type[_R], document: Document) -> _R:
    """The dataclass ``cls`` from :func:`document_of`'s document, nested records rebuilt from
    the field types."""
    hints = get_type_hints(cls)
    return cls(**{name: _typed(hints[name], value) for name, value in document.items()})


def _typed(hint: Any, value: Any) -> Any:
    if value is None:
        return None
    origin, args = get_origin(hint), get_args(hint)
    if origin in (Union, types.UnionType):
        return _typed(next(a for a in args if a is not type(None)), value)
    if isinstance(hint, type) and is_dataclass(hint):
        return record_of(hint, value)
    if origin is tuple:
        return tuple(_typed(args[0], v) for v in value)
    if origin in (dict, Mapping):
        return {k: _typed(args[1], v) for k, v in value.items()}
    return value


def dumps(document: Document) -> str:
    return json.dumps(document, default=_encode, ensure_ascii=False, allow_nan=False)


def loads(text: str) -> Document:
    found = json.loads(text, object_hook=_decode)
    if not isinstance(found, dict):
        raise ValueError("not a cache entry")
    return found


def _read(path: Path) -> Document | None:
    try:
        return loads(path.read_text("utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:  # a damaged entry is recomputed and replaced
        log.warning("draw_cache_unreadable", path=str(path), error=str(exc))
        return None


def _write(path: Path, document: Document, kind: str, state: str) -> None:
    """Write atomically (a reader never sees half an entry); drop entries of older imports."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(dumps(document))
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    _forget_older(path.parent, kind, state)


def _forget_older(folder: Path, kind: str, state: str) -> None:
    """Remove the entries of this kind computed from other loaded data, and their locks."""
    for prefix, suffix in (("", ".json"), (".", ".lock")):
        current = f"{prefix}{kind}-{state[:24]}-"
        for old in folder.glob(f"{prefix}{kind}-*{suffix}"):  # the few entries of this kind
            if not old.name.startswith(current):
                old.unlink(missing_ok=True)


def peek(settings: Settings, state: str | None, kind: str, parts: list[Any]) -> Document | None:
    """The cached document, or ``None`` when it has not been computed (nothing is computed).
    ``state``: :func:`state_of` the analysis session's backend."""
    if state is None:
        return None
    return _read(folder(settings) / entry_name(state, kind, parts))


def _lock_of(path: Path) -> int:
    """The entry's lock file, open: one computation of the entry at a time, in every process."""
    path.parent.mkdir(parents=True, exist_ok=True)
    return os.open(path.with_name(f".{path.stem}.lock"), os.O_RDWR | os.O_CREAT, 0o600)


def cached(
    settings: Settings,
    state: str | None,
    kind: str,
    parts: list[Any],
    compute: Callable[[], Document],
) -> Document:
    """The cached document for (loaded batches: ``state``, ``kind``, ``parts``), else
    ``compute()``'s result, stored for the next time; computed once when many ask at once.
    ``compute`` must return published aggregates only."""
    if state is None:
        return compute()
    path = folder(settings) / entry_name(state, kind, parts)
    found = _read(path)
    if found is not None:
        return found
    try:
        lock = _lock_of(path)
    except OSError as exc:  # a read-only home: the figures are still right, just not cached
        log.warning("draw_cache_not_written", path=str(path), error=str(exc))
        return compute()
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)  # wait while another computes the same entry
        found = _read(path)
        if found is not None:
            return found
        document = compute()
        try:
            _write(path, document, kind, state)
        except OSError as exc:
            log.warning("draw_cache_not_written", path=str(path), error=str(exc))
        return loads(dumps(document))  # the same types whether computed or read
    finally:
        os.close(lock)  # releases the lock
