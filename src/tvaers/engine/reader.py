"""Reading the analytics file for a page: the one connection policy for reads that must not
fail on an empty home. Read-only; no file yet = no rows; a table not loaded yet = no rows."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import duckdb

from tvaers.core.config import Settings
from tvaers.engine.connection import raw, reading

Rows = Callable[..., list[dict[str, Any]]]


@contextmanager
def reader(settings: Settings) -> Iterator[Rows]:
    """``with reader(settings) as rows: rows(sql, params)`` over one read-only connection,
    opened as every reader of the process opens it (:func:`~.connection.reading`)."""
    if not settings.analytics_path.exists():
        yield lambda _sql, _params=(): []
        return
    con = raw(reading(settings))

    def rows(sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        try:
            cursor = con.execute(sql, list(params))
        except duckdb.CatalogException:  # a table not loaded yet
            return []
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    try:
        yield rows
    finally:
        con.close()
