"""Reading the analytics file from a page: read-only, rows as dicts, nothing loaded = no rows."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import duckdb
from fastapi import Request

from tvaers.web.deps import settings_of

Rows = Callable[..., list[dict[str, Any]]]


@contextmanager
def reader(request: Request) -> Iterator[Rows]:
    """``with reader(request) as rows: rows(sql, params)`` over one read-only connection."""
    path = settings_of(request).analytics_path
    if not path.exists():
        yield lambda _sql, _params=(): []
        return
    con = duckdb.connect(str(path), read_only=True)

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
