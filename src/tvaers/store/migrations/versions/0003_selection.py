"""Selection: versioned target-group rules, selection bases, decisions and enrolments.

Why: focus point 2 (issue 5) turns selection into a repeatable, explainable, lawful process.
Target-group rules must be kept in every version exactly as written (the YAML round-trips byte for
byte) so that any candidate can be traced to the rule version that produced it; screening a
candidate list for a solution needs a recorded basis per solution (DOMAIN.md §3.7); and every
professional assessment, enrolment and discharge must be kept as a history nobody can edit
afterwards, so the decisions are protected by triggers in the database itself, like the audit
log. Enrolments hold the current periods; a partial unique index allows at most one open
enrolment per solution, unit and subject.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"

TZ = sa.DateTime(timezone=True)
OPEN = "discharged_on IS NULL"


def upgrade() -> None:
    op.create_table(
        "target_group_rules",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("key", sa.String(60), nullable=False, unique=True),
        sa.Column("label", sa.Text, nullable=False),
        sa.Column("unit", sa.String(10), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("ready_made", sa.Boolean, nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
    )
    op.create_table(
        "target_group_rule_versions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "rule_id",
            sa.Integer,
            sa.ForeignKey("target_group_rules.id"),
            nullable=False,
            index=True,
        ),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("data", sa.JSON, nullable=False),
        sa.Column("changed_by", sa.String(100), nullable=False),
        sa.Column("changed_at", TZ, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.UniqueConstraint("rule_id", "version"),
    )
    op.create_table(
        "selection_bases",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "solution_id", sa.Integer, sa.ForeignKey("solutions.id"), nullable=False, index=True
        ),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("reference", sa.Text, nullable=False),
        sa.Column("valid_from", sa.Date, nullable=False),
        sa.Column("valid_to", sa.Date),
        sa.Column("recorded_by", sa.String(100), nullable=False),
        sa.Column("recorded_at", TZ, nullable=False),
        sa.Column("withdrawn_at", TZ),
    )
    op.create_table(
        "selection_decisions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "solution_id", sa.Integer, sa.ForeignKey("solutions.id"), nullable=False, index=True
        ),
        sa.Column("unit", sa.String(10), nullable=False),
        sa.Column("subject", sa.String(40), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("decision", sa.String(20)),
        sa.Column("motivation", sa.String(10)),
        sa.Column("development_potential", sa.String(10)),
        sa.Column("note", sa.Text),
        sa.Column("event_date", sa.Date, nullable=False),
        sa.Column("reason", sa.Text),
        sa.Column("rule_key", sa.String(60)),
        sa.Column("rule_version", sa.Integer),
        sa.Column("score", sa.String(40)),
        sa.Column("decided_by", sa.String(100), nullable=False),
        sa.Column("recorded_at", TZ, nullable=False),
        sa.CheckConstraint("unit IN ('citizen', 'family')", name="ck_selection_decisions_unit"),
        sa.CheckConstraint(
            "kind IN ('assessment', 'enrolment', 'discharge')", name="ck_selection_decisions_kind"
        ),
        sa.CheckConstraint(
            "decision IS NULL OR decision IN ('accepted', 'rejected', 'postponed')",
            name="ck_selection_decisions_decision",
        ),
    )
    op.create_index(
        "ix_selection_decisions_subject", "selection_decisions", ["solution_id", "unit", "subject"]
    )
    op.create_table(
        "enrolments",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "solution_id", sa.Integer, sa.ForeignKey("solutions.id"), nullable=False, index=True
        ),
        sa.Column("unit", sa.String(10), nullable=False),
        sa.Column("subject", sa.String(40), nullable=False),
        sa.Column("enrolled_on", sa.Date, nullable=False),
        sa.Column("discharged_on", sa.Date),
        sa.Column("discharge_reason", sa.Text),
        sa.Column("rule_key", sa.String(60)),
        sa.Column("rule_version", sa.Integer),
        sa.Column("enrolled_by", sa.String(100), nullable=False),
        sa.Column("discharged_by", sa.String(100)),
        sa.Column("created_at", TZ, nullable=False),
        sa.CheckConstraint("unit IN ('citizen', 'family')", name="ck_enrolments_unit"),
        sa.CheckConstraint(
            "discharged_on IS NULL OR discharged_on >= enrolled_on", name="ck_enrolments_period"
        ),
    )
    op.create_index(
        "uq_enrolments_open",
        "enrolments",
        ["solution_id", "unit", "subject"],
        unique=True,
        sqlite_where=sa.text(OPEN),
        postgresql_where=sa.text(OPEN),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION selection_decisions_append_only() RETURNS trigger LANGUAGE plpgsql "
            "AS $$ BEGIN RAISE EXCEPTION 'selection_decisions er kun til tilføjelse'; END $$"
        )
        op.execute(
            "CREATE TRIGGER selection_decisions_no_change BEFORE UPDATE OR DELETE "
            "ON selection_decisions FOR EACH ROW EXECUTE FUNCTION selection_decisions_append_only()"
        )
        # TRUNCATE bypasses row triggers in PostgreSQL; refuse it too.
        op.execute(
            "CREATE TRIGGER selection_decisions_no_truncate BEFORE TRUNCATE "
            "ON selection_decisions FOR EACH STATEMENT "
            "EXECUTE FUNCTION selection_decisions_append_only()"
        )
    else:
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER selection_decisions_no_{event.lower()} BEFORE {event} "
                "ON selection_decisions "
                "BEGIN SELECT RAISE(ABORT, 'selection_decisions er kun til tilføjelse'); END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS selection_decisions_no_truncate ON selection_decisions")
        op.execute("DROP TRIGGER IF EXISTS selection_decisions_no_change ON selection_decisions")
        op.execute("DROP FUNCTION IF EXISTS selection_decisions_append_only()")
    op.drop_index("uq_enrolments_open", table_name="enrolments")
    op.drop_index("ix_selection_decisions_subject", table_name="selection_decisions")
    for table in (
        "enrolments",
        "selection_decisions",
        "selection_bases",
        "target_group_rule_versions",
        "target_group_rules",
    ):
        op.drop_table(table)
