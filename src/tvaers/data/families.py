"""Families from CPR relations: a connected group of partners and their children under 18.

Citizens whose file gives a ``family`` keep it. For the rest, families are the connected
components of the relation graph, found by label propagation: each round every citizen takes
the smallest label among itself and its neighbours, until nothing changes. Each round is one
set-based statement; the number of rounds is the widest family's diameter, not the population.
"""

from __future__ import annotations

from datetime import date

from duckdb import DuckDBPyConnection

FAMILY_PREFIX = "F-"
MAX_ROUNDS = 50


def derive_families(con: DuckDBPyConnection, reference_date: date) -> int:
    """Set ``family`` for citizens without one in ``main.citizens``; returns the rounds used."""
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE family_edges AS
        WITH open AS (SELECT citizen, birth_date FROM main.citizens
                      WHERE family_source IS DISTINCT FROM 'file'),
        links AS (
            SELECT r.citizen AS a, r.related_citizen AS b FROM main.relations r
            JOIN open c ON c.citizen = r.related_citizen
            WHERE r.relation = 'partner_of'
               OR (r.relation = 'parent_of' AND c.birth_date > ?::DATE - INTERVAL 18 YEAR)
        )
        SELECT a, b FROM links SEMI JOIN open o ON o.citizen = links.a
        UNION SELECT b, a FROM links SEMI JOIN open o ON o.citizen = links.a
        """,
        [reference_date],
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE family_label AS SELECT citizen, citizen AS label "
        "FROM main.citizens WHERE family_source IS DISTINCT FROM 'file'"
    )
    rounds = 0
    for rounds in range(1, MAX_ROUNDS + 1):  # noqa: B007 - rounds is reported
        con.execute(
            """
            CREATE OR REPLACE TEMP TABLE family_next AS
            SELECT l.citizen, least(l.label, coalesce(min(n.label), l.label)) AS label
            FROM family_label l
            LEFT JOIN family_edges e ON e.a = l.citizen
            LEFT JOIN family_label n ON n.citizen = e.b
            GROUP BY l.citizen, l.label
            """
        )
        changed = con.execute(
            "SELECT count(*) FROM family_next n JOIN family_label l USING (citizen) "
            "WHERE n.label <> l.label"
        ).fetchone()
        con.execute("CREATE OR REPLACE TEMP TABLE family_label AS SELECT * FROM family_next")
        if not changed or changed[0] == 0:
            break
    con.execute(
        f"""
        UPDATE main.citizens c SET family = '{FAMILY_PREFIX}' || left(l.label, 12),
            family_source = CASE WHEN l.label = c.citizen AND NOT EXISTS
                (SELECT 1 FROM family_edges e WHERE e.a = c.citizen) THEN 'single'
                ELSE 'relations' END
        FROM family_label l WHERE l.citizen = c.citizen
        """
    )
    for name in ("family_edges", "family_label", "family_next"):
        con.execute(f"DROP TABLE IF EXISTS {name}")
    return rounds
