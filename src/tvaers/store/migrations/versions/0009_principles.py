"""Who grants and who pays (issue 12, focus point 4): placements, the competence plan's versions,
distribution keys and their versions, grants, their decisions and commitments, agreed places in
capacity-limited interventions, and an area chief's sector area on the user.

Why: every grant must know who proposed and decided it, at which level, which budgets pay and by
which key version, and every area chief must see what others have committed on their budget.
Decisions and commitments are final records, so — like the selection decisions — the database
itself refuses to change or remove them (triggers; on PostgreSQL TRUNCATE too, on SQLite an
INSERT OR REPLACE of a taken id). Amounts are whole øre in BIGINT: exact in both databases. One
decision per grant and requirement (a partial unique index) makes two chiefs deciding the same
approval at once end with exactly one recorded decision.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"

TZ = sa.DateTime(timezone=True)
PLACES = "('solution', 'shared', 'areas')"
APPEND_ONLY = ("grant_decisions", "grant_commitments")


def _id() -> sa.Column[int]:
    return sa.Column("id", sa.Integer, primary_key=True)


def upgrade() -> None:
    op.add_column("users", sa.Column("sector_area", sa.String(40)))
    op.create_table(
        "placements",
        _id(),
        sa.Column("solution_id", sa.Integer, sa.ForeignKey("solutions.id"), nullable=False),
        sa.Column("intervention_type", sa.String(200), nullable=False),
        sa.Column("interventions", sa.JSON, nullable=False),
        sa.Column("granting", sa.String(10), nullable=False),
        sa.Column("paying", sa.String(10), nullable=False),
        sa.Column("expected", sa.Boolean, nullable=False),
        sa.Column("note", sa.Text),
        sa.Column("source", sa.Text),
        sa.Column("set_by", sa.String(100), nullable=False),
        sa.Column("set_at", TZ, nullable=False),
        sa.UniqueConstraint("solution_id", "intervention_type", name="uq_placements_type"),
        sa.CheckConstraint(
            f"granting IN {PLACES} AND paying IN {PLACES}", name="ck_placements_place"
        ),
    )
    op.create_index("ix_placements_solution_id", "placements", ["solution_id"])
    op.create_table(
        "competence_plans",
        _id(),
        sa.Column("version", sa.Integer, nullable=False, unique=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("valid_from", sa.Date, nullable=False),
        sa.Column("data", sa.JSON, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("changed_by", sa.String(100), nullable=False),
        sa.Column("changed_at", TZ, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
    )
    op.create_table(
        "distribution_keys",
        _id(),
        sa.Column("key", sa.String(60), nullable=False, unique=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("solution_id", sa.Integer, sa.ForeignKey("solutions.id")),
        sa.Column("created_at", TZ, nullable=False),
    )
    op.create_index("ix_distribution_keys_solution_id", "distribution_keys", ["solution_id"])
    op.create_table(
        "distribution_key_versions",
        _id(),
        sa.Column("key_id", sa.Integer, sa.ForeignKey("distribution_keys.id"), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("data", sa.JSON, nullable=False),
        sa.Column("justification", sa.Text, nullable=False),
        sa.Column("valid_from", sa.Date, nullable=False),
        sa.Column("valid_to", sa.Date),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("proposed_by", sa.String(100), nullable=False),
        sa.Column("proposed_at", TZ, nullable=False),
        sa.Column("decided_by", sa.String(100)),
        sa.Column("decided_at", TZ),
        sa.Column("decision_reason", sa.Text),
        sa.UniqueConstraint("key_id", "version", name="uq_distribution_key_versions"),
        sa.CheckConstraint(
            "status IN ('proposed', 'approved', 'rejected')", name="ck_key_versions_status"
        ),
    )
    op.create_index("ix_distribution_key_versions_key_id", "distribution_key_versions", ["key_id"])
    _grants()
    _trail()
    op.create_table(
        "capacity_shares",
        _id(),
        sa.Column("solution_id", sa.Integer, sa.ForeignKey("solutions.id"), nullable=False),
        sa.Column("intervention", sa.String(40), nullable=False),
        sa.Column("places", sa.Integer, nullable=False),
        sa.Column("set_by", sa.String(100), nullable=False),
        sa.Column("set_at", TZ, nullable=False),
        sa.UniqueConstraint("solution_id", "intervention", name="uq_capacity_shares"),
    )
    op.create_index("ix_capacity_shares_solution_id", "capacity_shares", ["solution_id"])
    _append_only()


def _grants() -> None:
    op.create_table(
        "grants",
        _id(),
        sa.Column("solution_id", sa.Integer, sa.ForeignKey("solutions.id"), nullable=False),
        sa.Column("unit", sa.String(10), nullable=False),
        sa.Column("subject", sa.String(40), nullable=False),
        sa.Column("intervention", sa.String(40), nullable=False),
        sa.Column("intervention_name", sa.Text, nullable=False),
        sa.Column("sector_area", sa.String(40), nullable=False),
        sa.Column("placement_id", sa.Integer, sa.ForeignKey("placements.id")),
        sa.Column("granting", sa.String(10), nullable=False),
        sa.Column("paying", sa.String(10), nullable=False),
        sa.Column("units_per_month", sa.String(40)),
        sa.Column("unit_price_ore", sa.BigInteger),
        sa.Column("monthly_ore", sa.BigInteger, nullable=False),
        sa.Column("start_date", sa.Date, nullable=False),
        sa.Column("end_date", sa.Date, nullable=False),
        sa.Column("total_ore", sa.BigInteger, nullable=False),
        sa.Column("per_year_ore", sa.BigInteger, nullable=False),
        sa.Column("justification", sa.Text, nullable=False),
        sa.Column("expected_effect", sa.Text, nullable=False),
        sa.Column("plan_version", sa.Integer),
        sa.Column("level", sa.String(60), nullable=False),
        sa.Column("level_name", sa.Text, nullable=False),
        sa.Column("requirements", sa.JSON, nullable=False),
        sa.Column("paying_area", sa.String(40)),
        sa.Column("shares", sa.JSON, nullable=False),
        sa.Column("key_version_id", sa.Integer, sa.ForeignKey("distribution_key_versions.id")),
        sa.Column("replaces_grant_id", sa.Integer, sa.ForeignKey("grants.id")),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("status_reason", sa.Text),
        sa.Column("ended_on", sa.Date),
        sa.Column("proposed_by", sa.String(100), nullable=False),
        sa.Column("proposed_at", TZ, nullable=False),
        sa.Column("decided_at", TZ),
        sa.Column("row_version", sa.Integer, nullable=False),
        sa.CheckConstraint("unit IN ('citizen', 'family')", name="ck_grants_unit"),
        sa.CheckConstraint(
            "status IN ('proposed', 'approved', 'rejected', 'withdrawn', 'ended')",
            name="ck_grants_status",
        ),
        sa.CheckConstraint("end_date >= start_date", name="ck_grants_period"),
    )
    op.create_index("ix_grants_solution_id", "grants", ["solution_id"])
    op.create_index("ix_grants_subject", "grants", ["unit", "subject"])


def _trail() -> None:
    op.create_table(
        "grant_decisions",
        _id(),
        sa.Column("grant_id", sa.Integer, sa.ForeignKey("grants.id"), nullable=False),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("requirement", sa.String(60)),
        sa.Column("decided_by", sa.String(100), nullable=False),
        sa.Column("role", sa.String(40), nullable=False),
        sa.Column("reason", sa.Text),
        sa.Column("decided_at", TZ, nullable=False),
        sa.CheckConstraint(
            "kind IN ('proposal', 'approval', 'rejection', 'withdrawal', 'end')",
            name="ck_grant_decisions_kind",
        ),
    )
    op.create_index("ix_grant_decisions_grant_id", "grant_decisions", ["grant_id"])
    op.create_index(
        "uq_grant_decisions_requirement",
        "grant_decisions",
        ["grant_id", "requirement"],
        unique=True,
        sqlite_where=sa.text("requirement IS NOT NULL"),
        postgresql_where=sa.text("requirement IS NOT NULL"),
    )
    op.create_table(
        "grant_commitments",
        _id(),
        sa.Column("grant_id", sa.Integer, sa.ForeignKey("grants.id"), nullable=False),
        sa.Column("month", sa.Date, nullable=False),
        sa.Column("sector_area", sa.String(40), nullable=False),
        sa.Column("amount_ore", sa.BigInteger, nullable=False),
        sa.Column("share", sa.String(20), nullable=False),
        sa.Column("key_version_id", sa.Integer, sa.ForeignKey("distribution_key_versions.id")),
        sa.Column("recorded_at", TZ, nullable=False),
    )
    op.create_index("ix_grant_commitments_grant_id", "grant_commitments", ["grant_id"])
    op.create_index(
        "ix_grant_commitments_area_month", "grant_commitments", ["sector_area", "month"]
    )


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
    for table in APPEND_ONLY:
        if postgres:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_change ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS {table}_append_only()")
    for table in (
        "capacity_shares",
        "grant_commitments",
        "grant_decisions",
        "grants",
        "distribution_key_versions",
        "distribution_keys",
        "competence_plans",
        "placements",
    ):
        op.drop_table(table)
    op.drop_column("users", "sector_area")
