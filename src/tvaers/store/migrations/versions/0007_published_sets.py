"""The unit sets behind published statistical figures, so differencing cannot undo suppression.

Why: issue 10 #1 — the small-cell rule held within one request only: the group of everybody and
the same group without the one 93-year-old were both shown, and their difference was that
citizen's draw. Each published figure's set of units is now kept as a 4 KiB sketch (sums of
hashes per bucket, no pseudonyms; see ``tvaers.core.sketch``), by purpose and kind of unit, and a
figure whose set differs from an earlier one by 1-4 units is hidden. The size index finds the
candidates (two sets differing by at most 4 differ in size by at most 4); the fingerprint keeps
a set that is shown again from being stored twice.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"


def upgrade() -> None:
    op.create_table(
        "published_sets",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("purpose", sa.String(20), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("sketch", sa.LargeBinary, nullable=False),
        sa.Column("context", sa.String(200), nullable=False),
        sa.Column("published_by", sa.String(100)),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("purpose", "kind", "fingerprint", name="uq_published_sets_fingerprint"),
    )
    op.create_index("ix_published_sets_size", "published_sets", ["purpose", "kind", "size"])


def downgrade() -> None:
    op.drop_index("ix_published_sets_size", "published_sets")
    op.drop_table("published_sets")
