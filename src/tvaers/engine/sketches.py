"""Sketches of unit sets (:mod:`tvaers.core.sketch`), computed set-based in DuckDB.

:func:`sketches` takes a table with a key per row and any number of conditions over it, and gives
the sketch of the keys each condition selects — in one aggregate over the table, 256 rows out
whatever its size (650,000 citizens in about 0.2 s). ``md5_number`` is DuckDB's own and stable
across versions, so sketches stored today compare with those computed after an upgrade.
"""

from __future__ import annotations

from collections.abc import Mapping

import ibis
import ibis.expr.types as ir
from ibis.backends.duckdb import Backend

from tvaers.core.sketch import BUCKET_SHIFT, P, Sketch


def sketches(
    backend: Backend, table: ir.Table, key: str, conditions: Mapping[str, ir.BooleanValue]
) -> dict[str, Sketch]:
    """The sketch of the distinct ``key`` values of ``table`` where each condition holds (a NULL
    condition is false). A key should occur once per table (one row per unit)."""
    if not conditions:
        return {}
    names = list(conditions)
    marked = table.select(
        k=table[key].cast("string"),
        **{f"c{i}": conditions[name].fill_null(False) for i, name in enumerate(names)},
    )
    measures = ", ".join(
        f"count(*) FILTER (WHERE c{i}) AS n{i}, "
        + ", ".join(
            f"(coalesce(sum({v}) FILTER (WHERE c{i}), 0) % {P})::BIGINT AS {v}{i}"
            for v in ("x", "x2", "y")
        )
        for i in range(len(names))
    )
    flags = ", ".join(f"c{i}" for i in range(len(names)))
    low = "18446744073709551615::UHUGEINT"  # the lower 64 bits
    query = (
        f"WITH marked AS ({ibis.to_sql(marked, dialect='duckdb')}), "
        f"hashed AS (SELECT md5_number(k) AS h, {flags} FROM marked WHERE k IS NOT NULL), "
        f"valued AS (SELECT (h >> {BUCKET_SHIFT})::INTEGER AS bucket, "
        f"((h >> 64)::UBIGINT % {P})::BIGINT AS x, "
        f"((h & {low})::UBIGINT % {P})::BIGINT AS y, {flags} FROM hashed) "
        f"SELECT bucket, {measures} FROM "
        f"(SELECT bucket, x, x * x % {P} AS x2, y, {flags} FROM valued) GROUP BY bucket"
    )
    rows = backend.con.execute(query).fetchall()
    return {
        name: Sketch.of([(r[0], *r[1 + 4 * i : 5 + 4 * i]) for r in rows])
        for i, name in enumerate(names)
    }
