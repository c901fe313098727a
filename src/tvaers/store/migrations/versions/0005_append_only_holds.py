"""The append-only tables refuse TRUNCATE (PostgreSQL) and INSERT OR REPLACE (SQLite).

Why: issue 10 #2 emptied the audit log with ``TRUNCATE audit_log`` (row triggers do not fire on
TRUNCATE) and overwrote entry 1 on SQLite with ``INSERT OR REPLACE INTO audit_log(id, …)``, which
deletes the old row without firing the DELETE trigger. A statement trigger now refuses TRUNCATE
of the audit log (the decisions table already had one), and on SQLite an insert whose id is
taken is refused before the REPLACE can remove anything, for the audit log and the decisions.

Revision ID: 0005
Revises: 0004
"""

from alembic import op

revision = "0005"
down_revision = "0004"

TABLES = ("audit_log", "selection_decisions")


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()"
        )
        return
    for table in TABLES:
        op.execute(
            f"CREATE TRIGGER {table}_no_replace BEFORE INSERT ON {table} "
            f"WHEN EXISTS (SELECT 1 FROM {table} WHERE id = NEW.id) "
            f"BEGIN SELECT RAISE(ABORT, '{table} er kun til tilføjelse'); END"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log")
        return
    for table in TABLES:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_replace")
