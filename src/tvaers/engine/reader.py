"""Reading the analytics file for a page: the one connection policy for reads that must not
fail on an empty home. Read-only; no file yet = no rows; a table not loaded yet = no rows."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb

from tvaers.engine.connection import raise_if_busy

Rows = Callable[..., list[dict[str, Any]]]


@contextmanager
def reader(path: Path) -> Iterator[Rows]:
    """``with reader(path) as rows: rows(sql, params)`` over one read-only connection."""
    if not path.exists():
        yield lambda _sql, _params=(): []
        return
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.IOException as exc:
        raise_if_busy(exc)
        raise

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
