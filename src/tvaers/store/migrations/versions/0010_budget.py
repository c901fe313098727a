"""Budgets and redistribution (issue 13, focus point 5): budget lines per sector area and year
(and a solution's own budget and cost items), budget frames, efficiency requirements, year-end
settlements, budget assumptions and investment cases.

Why: a budget, a requirement's split or a settlement that moves money between sector areas
must be traceable afterwards — who set which figure, when, and what it was before. So each
table is a history of versions, and — like the grants' decisions — the database refuses to
change or remove a version (triggers; on PostgreSQL TRUNCATE too, on SQLite an INSERT OR
REPLACE of a taken id). Money is whole øre in BIGINT, full-year persons whole ten-thousandths:
exact in both databases.

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"

TZ = sa.DateTime(timezone=True)
APPEND_ONLY = (
    "budget_versions",
    "budget_frames",
    "efficiency_requirements",
    "settlements",
    "budget_assumptions",
    "investment_cases",
)


def _trail() -> list[sa.Column]:  # type: ignore[type-arg]
    return [
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("changed_by", sa.String(100), nullable=False),
        sa.Column("changed_at", TZ, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
    ]


def _solution(nullable: bool) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column("solution_id", sa.Integer, sa.ForeignKey("solutions.id"), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "budget_versions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("sector_area", sa.String(40), nullable=False),
        _solution(True),
        sa.Column("item", sa.String(200), nullable=False),
        sa.Column("inside", sa.Boolean),
        sa.Column("amount_ore", sa.BigInteger, nullable=False),
        sa.Column("source", sa.String(10), nullable=False),
        *_trail(),
        sa.CheckConstraint("source IN ('import', 'user')", name="ck_budget_versions_source"),
    )
    op.create_index(
        "ix_budget_versions_line", "budget_versions", ["year", "sector_area", "solution_id", "item"]
    )
    op.create_table(
        "budget_frames",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("steering", sa.String(10), nullable=False),
        sa.Column("areas", sa.JSON, nullable=False),
        *_trail(),
        sa.CheckConstraint("steering IN ('broad', 'firm')", name="ck_budget_frames_steering"),
        sa.UniqueConstraint("year", "name", "version", name="uq_budget_frames_version"),
    )
    op.create_index("ix_budget_frames_year", "budget_frames", ["year"])
    op.create_table(
        "efficiency_requirements",
        sa.Column("id", sa.Integer, primary_key=True),
        _solution(False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("amount_ore", sa.BigInteger, nullable=False),
        sa.Column("rule", sa.String(20), nullable=False),
        sa.Column("inputs", sa.JSON, nullable=False),
        sa.Column("harvest", sa.String(20), nullable=False),
        *_trail(),
        sa.CheckConstraint(
            "rule IN ('baseline', 'expected_gain', 'fixed', 'solution')",
            name="ck_efficiency_requirements_rule",
        ),
        sa.CheckConstraint(
            "harvest IN ('upfront', 'as_realised')", name="ck_efficiency_requirements_harvest"
        ),
        sa.UniqueConstraint(
            "solution_id", "year", "version", name="uq_efficiency_requirements_version"
        ),
    )
    op.create_index(
        "ix_efficiency_requirements_key", "efficiency_requirements", ["solution_id", "year"]
    )
    op.create_table(
        "settlements",
        sa.Column("id", sa.Integer, primary_key=True),
        _solution(False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("source", sa.String(10), nullable=False),
        sa.Column("basis", sa.String(10), nullable=False),
        sa.Column("requirement_ore", sa.BigInteger, nullable=False),
        sa.Column("lines", sa.JSON, nullable=False),
        *_trail(),
        sa.CheckConstraint("source IN ('data', 'hand')", name="ck_settlements_source"),
        sa.CheckConstraint("basis IN ('gross', 'net')", name="ck_settlements_basis"),
        sa.UniqueConstraint("solution_id", "year", "version", name="uq_settlements_version"),
    )
    op.create_index("ix_settlements_key", "settlements", ["solution_id", "year"])
    op.create_table(
        "budget_assumptions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("intervention", sa.String(40), nullable=False),
        sa.Column("basis", sa.String(10), nullable=False),
        sa.Column("units_e4", sa.BigInteger, nullable=False),
        sa.Column("price_ore", sa.BigInteger, nullable=False),
        *_trail(),
        sa.CheckConstraint("basis IN ('gross', 'net')", name="ck_budget_assumptions_basis"),
        sa.UniqueConstraint(
            "year", "intervention", "basis", "version", name="uq_budget_assumptions_version"
        ),
    )
    op.create_index("ix_budget_assumptions_key", "budget_assumptions", ["year", "intervention"])
    op.create_table(
        "investment_cases",
        sa.Column("id", sa.Integer, primary_key=True),
        _solution(True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("data", sa.JSON, nullable=False),
        *_trail(),
        sa.UniqueConstraint("name", "version", name="uq_investment_cases_version"),
    )
    op.create_index("ix_investment_cases_key", "investment_cases", ["name"])
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
