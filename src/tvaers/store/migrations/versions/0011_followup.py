"""Follow-up (issue 14, focus point 6): the forecast method chosen per intervention type, result
goals per solution and year, and the follow-ups recorded on granted interventions.

Why: the memo asks for an active, recorded choice of forecast method per intervention type and
for follow-up deadlines that can be audited — who followed up which case, when, and with what
outcome. As for focus point 5, each table is a history the database refuses to change
(triggers; on PostgreSQL TRUNCATE too, on SQLite an INSERT OR REPLACE of a taken id), and a
unique index on (key, version) refuses a second simultaneous save of the same version.

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"

TZ = sa.DateTime(timezone=True)
APPEND_ONLY = ("forecast_methods", "result_goals", "followups")


def _trail() -> list[sa.Column]:  # type: ignore[type-arg]
    return [
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("changed_by", sa.String(100), nullable=False),
        sa.Column("changed_at", TZ, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "forecast_methods",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("sector_area", sa.String(40), nullable=False),
        sa.Column("intervention", sa.String(40), nullable=False),
        sa.Column("method", sa.String(20), nullable=False),
        *_trail(),
        sa.CheckConstraint(
            "method IN ('commitments', 'run_rate', 'seasonal', 'last_year')",
            name="ck_forecast_methods_method",
        ),
        sa.UniqueConstraint("sector_area", "intervention", "version", name="uq_forecast_methods"),
    )
    op.create_table(
        "result_goals",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("solution_id", sa.Integer, sa.ForeignKey("solutions.id"), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("goal", sa.String(60), nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("statuses", sa.JSON, nullable=False),
        sa.Column("target_count", sa.Integer),
        sa.Column("target_share_e4", sa.Integer),
        *_trail(),
        sa.UniqueConstraint("solution_id", "year", "goal", "version", name="uq_result_goals"),
    )
    op.create_index("ix_result_goals_solution_id", "result_goals", ["solution_id"])
    op.create_table(
        "followups",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("citizen", sa.String(40), nullable=False),
        sa.Column("intervention", sa.String(40), nullable=False),
        sa.Column("started_on", sa.Date, nullable=False),
        sa.Column("grant_id", sa.Integer, sa.ForeignKey("grants.id")),
        sa.Column("followed_up_on", sa.Date, nullable=False),
        sa.Column("form", sa.String(20), nullable=False),
        sa.Column("outcome", sa.String(10), nullable=False),
        sa.Column("caseworker", sa.String(100), nullable=False),
        sa.Column("recorded_by", sa.String(100), nullable=False),
        sa.Column("recorded_at", TZ, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.CheckConstraint(
            "outcome IN ('continue', 'adjust', 'reduce', 'stop')", name="ck_followups_outcome"
        ),
    )
    op.create_index("ix_followups_case", "followups", ["citizen", "intervention", "started_on"])
    _append_only()


def _append_only() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in APPEND_ONLY:
            op.execute(
                f"CREATE FUNCTION {table}_append_only() RETURNS trigger LANGUAGE plpgsql "
                f"AS $$ BEGIN RAISE EXCEPTION '{table} er kun til tilføjelse'; END $$"
            )
            op.execute(
                f"CREATE TRIGGER {table}_no_change BEFORE UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION {table}_append_only()"
            )
            op.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {table}_append_only()"
            )
        return
    for table in APPEND_ONLY:
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} er kun til tilføjelse'); END"
            )
        op.execute(
            f"CREATE TRIGGER {table}_no_replace BEFORE INSERT ON {table} "
            f"WHEN EXISTS (SELECT 1 FROM {table} WHERE id = NEW.id) "
            f"BEGIN SELECT RAISE(ABORT, '{table} er kun til tilføjelse'); END"
        )


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for table in reversed(APPEND_ONLY):
        if postgres:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_change ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS {table}_append_only()")
        op.drop_table(table)
