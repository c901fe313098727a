"""The analytics tables in DuckDB: one per contract table, in stored form (pseudonyms, types)."""

from __future__ import annotations

from duckdb import DuckDBPyConnection

from tvaers.data.contracts import CONTRACTS, Contract, Kind
from tvaers.data.parsing import q

SQL_TYPES = {
    Kind.DATE: "DATE",
    Kind.AMOUNT: "DECIMAL(18,2)",
    Kind.QUANTITY: "DECIMAL(18,4)",
    Kind.INTEGER: "INTEGER",
}
# Columns every table carries: where the row came from.
LINEAGE = (("source_row", "BIGINT"), ("batch_id", "INTEGER"))
EXTRA = {"citizens": (("family_source", "VARCHAR"),)}
LOADED = "import_state"


def stored_columns(contract: Contract) -> list[tuple[str, str]]:
    """(name, SQL type) of a table as stored, lineage columns excluded. A person's name is not
    stored in the analytics tables: only in the encrypted identity store."""
    cols = [
        (c.stored_name, SQL_TYPES.get(c.kind, "VARCHAR"))
        for c in contract.columns
        if c.kind is not Kind.PERSON_NAME
    ]
    if contract.table == "postings":  # dranst always known (defaults to 1)
        cols = [(n, "INTEGER" if n == "dranst" else t) for n, t in cols]
    return cols + list(EXTRA.get(contract.table, ()))


def create_tables(con: DuckDBPyConnection) -> None:
    for contract in CONTRACTS.values():
        cols = [*stored_columns(contract), *LINEAGE]
        body = ", ".join(f"{q(n)} {t}" for n, t in cols)
        con.execute(f"CREATE TABLE IF NOT EXISTS {q(contract.table)} ({body})")
    con.execute(
        f"CREATE TABLE IF NOT EXISTS {LOADED} (table_name VARCHAR PRIMARY KEY, "
        "batch_id INTEGER, file_name VARCHAR, sha256 VARCHAR, rows BIGINT, "
        "loaded_at TIMESTAMP)"
    )


def loaded_state(con: DuckDBPyConnection) -> dict[str, tuple[int, str, str, int]]:
    """Per table: (batch, file name, sha256, rows) of what is loaded now."""
    rows = con.execute(
        f"SELECT table_name, batch_id, file_name, sha256, rows FROM {LOADED}"
    ).fetchall()
    return {r[0]: (r[1], r[2], r[3], r[4]) for r in rows}
