"""A published set's kind may name a sector area (``citizen:<area>``).

Why: the baseline of a group someone chose compares each area's cell with the same area's cells
only (tvaers.draw.baseline_sets); the kind ``citizen`` or ``family`` alone did not leave room for
the area. SQLite does not enforce a VARCHAR's length; PostgreSQL gets the wider column.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column("published_sets", "kind", type_=sa.String(80))


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column("published_sets", "kind", type_=sa.String(10))
