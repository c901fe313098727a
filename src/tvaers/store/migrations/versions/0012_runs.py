"""Frozen runs (issue 15, F28): one row per analysis run with the inputs it read (import
batches, configuration, code version) and its output's sha256.

Why: a figure handed to a council or a ministry must be reproducible — ``tvaers runs replay``
computes a run again and shows it is byte for byte the same, or names the input that has changed
since. A run's record is evidence, so the table is a history the database refuses to change
(triggers; on PostgreSQL TRUNCATE too, on SQLite an INSERT OR REPLACE of a taken id), as the
other histories since 0010.

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"

TABLE = "analysis_runs"


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("run_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_name", sa.String(100), nullable=False),
        sa.Column("command", sa.String(100), nullable=False),
        sa.Column("arguments", sa.JSON, nullable=False),
        sa.Column("output_format", sa.String(10), nullable=False),
        sa.Column("inputs", sa.JSON, nullable=False),
        sa.Column("code_version", sa.Text, nullable=False),
        sa.Column("output_sha256", sa.String(64), nullable=False),
        sa.Column("output_bytes", sa.BigInteger, nullable=False),
        sa.Column("outputs", sa.JSON, nullable=False),
        sa.Column("rows", sa.Integer),
    )
    op.create_index("ix_analysis_runs_command", TABLE, ["command"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"CREATE FUNCTION {TABLE}_append_only() RETURNS trigger LANGUAGE plpgsql "
            f"AS $$ BEGIN RAISE EXCEPTION '{TABLE} er kun til tilføjelse'; END $$"
        )
        op.execute(
            f"CREATE TRIGGER {TABLE}_no_change BEFORE UPDATE OR DELETE ON {TABLE} "
            f"FOR EACH ROW EXECUTE FUNCTION {TABLE}_append_only()"
        )
        op.execute(
            f"CREATE TRIGGER {TABLE}_no_truncate BEFORE TRUNCATE ON {TABLE} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_append_only()"
        )
        return
    for event in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER {TABLE}_no_{event.lower()} BEFORE {event} ON {TABLE} "
            f"BEGIN SELECT RAISE(ABORT, '{TABLE} er kun til tilføjelse'); END"
        )
    op.execute(
        f"CREATE TRIGGER {TABLE}_no_replace BEFORE INSERT ON {TABLE} "
        f"WHEN EXISTS (SELECT 1 FROM {TABLE} WHERE id = NEW.id) "
        f"BEGIN SELECT RAISE(ABORT, '{TABLE} er kun til tilføjelse'); END"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP TRIGGER IF EXISTS {TABLE}_no_truncate ON {TABLE}")
        op.execute(f"DROP TRIGGER IF EXISTS {TABLE}_no_change ON {TABLE}")
        op.execute(f"DROP FUNCTION IF EXISTS {TABLE}_append_only()")
    op.drop_index("ix_analysis_runs_command", TABLE)
    op.drop_table(TABLE)
