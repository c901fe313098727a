"""Reading the analytics file from a page, under the engine's one connection policy
(:func:`tvaers.engine.reader.reader`: read-only, rows as dicts, nothing loaded = no rows)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from fastapi import Request

from tvaers.engine.reader import Rows
from tvaers.engine.reader import reader as analytics_reader
from tvaers.web.deps import settings_of

__all__ = ["Rows", "reader"]


@contextmanager
def reader(request: Request) -> Iterator[Rows]:
    """``with reader(request) as rows: rows(sql, params)`` over one read-only connection."""
    with analytics_reader(settings_of(request).analytics_path) as rows:
        yield rows
