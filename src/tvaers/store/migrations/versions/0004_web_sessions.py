"""Server-side sign-in sessions.

Why: a signed cookie alone cannot be taken back — replaying it after «Log ud» still worked for up
to eight hours (issue 10 #6). The cookie now carries only a random token; the store keeps the
session (its token's SHA-256, the user, when it started and was last used, and when and why it
ended), so logging out, a new password and a lock end it at once, and an idle session expires.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "web_sessions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("started_at", TZ, nullable=False),
        sa.Column("last_seen_at", TZ, nullable=False),
        sa.Column("ended_at", TZ),
        sa.Column("ended_reason", sa.String(40)),
    )
    op.create_index("ix_web_sessions_user_open", "web_sessions", ["user_id", "ended_at"])


def downgrade() -> None:
    op.drop_index("ix_web_sessions_user_open", "web_sessions")
    op.drop_table("web_sessions")
