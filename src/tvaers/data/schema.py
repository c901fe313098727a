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
MUNICIPALITY = "municipality"  # the acting (citizens) or paying (postings) municipality


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


def create_tables(con: DuckDBPyConnection, municipality: str = "") -> bool:
    """The analytics tables and the loaded state. A file from before the municipality dimension
    gets its ``municipality`` columns, filled with ``municipality`` (the installation's code);
    then the answer is ``True`` (the file was upgraded)."""
    before = con.execute(
        "SELECT table_name, list(column_name) FROM duckdb_columns() "
        "WHERE schema_name = 'main' AND NOT internal GROUP BY table_name"
    ).fetchall()
    upgraded = any(
        table in CONTRACTS or table == LOADED
        for table, columns in before
        if MUNICIPALITY not in columns
    )
    for contract in CONTRACTS.values():
        cols = [*stored_columns(contract), *LINEAGE]
        if MUNICIPALITY not in {n for n, _ in cols}:
            cols.append((MUNICIPALITY, "VARCHAR"))
        body = ", ".join(f"{q(n)} {t}" for n, t in cols)
        table = q(contract.table)
        con.execute(f"CREATE TABLE IF NOT EXISTS {table} ({body})")
        con.execute(f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {MUNICIPALITY} VARCHAR")
        if municipality:
            con.execute(
                f"UPDATE {table} SET {MUNICIPALITY} = ? WHERE {MUNICIPALITY} IS NULL",
                [municipality],
            )
    con.execute(
        f"CREATE TABLE IF NOT EXISTS {LOADED} (table_name VARCHAR, municipality VARCHAR, "
        "batch_id INTEGER, file_name VARCHAR, sha256 VARCHAR, rows BIGINT, "
        "loaded_at TIMESTAMP, PRIMARY KEY (table_name, municipality))"
    )
    columns = {r[0] for r in con.execute(f"DESCRIBE {LOADED}").fetchall()}
    if MUNICIPALITY not in columns:  # one row per table before: now per table and municipality
        con.execute(
            f"CREATE TEMP TABLE _loaded_before AS SELECT * FROM {LOADED}; DROP TABLE {LOADED}; "
            f"CREATE TABLE {LOADED} (table_name VARCHAR, municipality VARCHAR, "
            "batch_id INTEGER, file_name VARCHAR, sha256 VARCHAR, rows BIGINT, "
            "loaded_at TIMESTAMP, PRIMARY KEY (table_name, municipality))"
        )
        con.execute(
            f"INSERT INTO {LOADED} SELECT table_name, ?, batch_id, file_name, sha256, rows, "
            "loaded_at FROM _loaded_before",
            [municipality],
        )
        con.execute("DROP TABLE _loaded_before")
    return upgraded


def loaded_state(
    con: DuckDBPyConnection, municipality: str | None = None
) -> dict[str, tuple[int, str, str, int]]:
    """Per table: (batch, file name, sha256, rows) of what is loaded now — of ``municipality``,
    or of all municipalities together (the latest batch and file, a digest of the files' sums,
    the rows summed; with one municipality exactly its state)."""
    where = "" if municipality is None else "WHERE municipality = ?"
    rows = con.execute(
        f"SELECT table_name, max(batch_id), arg_max(file_name, batch_id), "
        "CASE WHEN count(*) = 1 THEN min(sha256) "
        "ELSE sha256(string_agg(municipality || ':' || sha256, ',' ORDER BY municipality)) END, "
        f"sum(rows)::BIGINT FROM {LOADED} {where} GROUP BY table_name",
        [] if municipality is None else [municipality],
    ).fetchall()
    return {r[0]: (r[1], r[2], r[3], r[4]) for r in rows}
