"""Solutions with versions, reflection answers, and recorded bases for casework access.

Why: focus points 1 and 3 need every change to a solution kept (who, when, what changed), the
reflection checklist needs every answer kept, and person-level access needs a recorded basis per
citizen (consent, legal basis or overriding interest) that the access check can rely on.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "legal_bases",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("citizen", sa.String(40), nullable=False, index=True),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("reference", sa.Text, nullable=False),
        sa.Column("valid_from", sa.Date, nullable=False),
        sa.Column("valid_to", sa.Date),
        sa.Column("recorded_by", sa.String(100), nullable=False),
        sa.Column("recorded_at", TZ, nullable=False),
        sa.Column("withdrawn_at", TZ),
    )
    op.create_table(
        "solutions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("municipality_id", sa.Integer, sa.ForeignKey("municipalities.id")),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("data", sa.JSON, nullable=False),
        sa.Column("example", sa.Boolean, nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
    )
    op.create_table(
        "solution_versions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "solution_id", sa.Integer, sa.ForeignKey("solutions.id"), nullable=False, index=True
        ),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("data", sa.JSON, nullable=False),
        sa.Column("changes", sa.JSON, nullable=False),
        sa.Column("changed_by", sa.String(100), nullable=False),
        sa.Column("changed_at", TZ, nullable=False),
        sa.UniqueConstraint("solution_id", "version"),
    )
    op.create_table(
        "reflection_answers",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "solution_id", sa.Integer, sa.ForeignKey("solutions.id"), nullable=False, index=True
        ),
        sa.Column("question", sa.String(80), nullable=False),
        sa.Column("answer", sa.Text, nullable=False),
        sa.Column("answered_by", sa.String(100), nullable=False),
        sa.Column("answered_at", TZ, nullable=False),
    )


def downgrade() -> None:
    for table in ("reflection_answers", "solution_versions", "solutions", "legal_bases"):
        op.drop_table(table)
