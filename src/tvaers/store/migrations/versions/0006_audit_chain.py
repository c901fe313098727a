"""A hash chain over the audit log; retention checkpoints, the only way to remove entries.

Why: issue 10 #2 — triggers stop the application's own statements, but the database owner can
switch them off and rewrite or remove entries unseen. Each entry now carries the previous entry's
hash and its own (see ``tvaers.store.audit_chain``), so ``tvaers audit verify`` finds any change
or gap. Entries already written are chained here, in their order. Old entries may only be removed
at the end of their retention period (issue 10 #7): a checkpoint names the last entry removed and
its hash (so the chain can start after it), and the database accepts a checkpoint only for an
entry older than 180 days, the standard data-processing terms' minimum for logs.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

from tvaers.store.audit_chain import GENESIS, content, link

revision = "0006"
down_revision = "0005"

TZ = sa.DateTime(timezone=True)
APPEND_ONLY = "'audit_checkpoints er kun til tilføjelse'"
PG_FUNCTIONS = (
    "CREATE FUNCTION tvaers_sha256(text) RETURNS text LANGUAGE sql IMMUTABLE STRICT AS "
    "$$ SELECT encode(sha256(convert_to($1, 'UTF8')), 'hex') $$",
    "CREATE FUNCTION audit_log_delete_guard() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    "IF OLD.id > COALESCE((SELECT max(upto_id) FROM audit_checkpoints), 0) THEN "
    "RAISE EXCEPTION 'audit_log er kun til tilføjelse'; END IF; RETURN OLD; END $$",
    "CREATE FUNCTION audit_checkpoint_guard() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    "IF NOT EXISTS (SELECT 1 FROM audit_log WHERE id = NEW.upto_id AND hash = NEW.upto_hash "
    "AND at < now() - interval '180 days') THEN "
    "RAISE EXCEPTION 'et kontrolpunkt kræver en indgang ældre end 180 dage'; END IF; "
    "RETURN NEW; END $$",
    "CREATE FUNCTION audit_checkpoints_append_only() RETURNS trigger LANGUAGE plpgsql AS "
    f"$$ BEGIN RAISE EXCEPTION {APPEND_ONLY}; END $$",
)
PG_TRIGGERS = (
    "DROP TRIGGER audit_log_no_change ON audit_log",
    "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
    "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()",
    "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
    "FOR EACH ROW EXECUTE FUNCTION audit_log_delete_guard()",
    "CREATE TRIGGER audit_checkpoints_guard BEFORE INSERT ON audit_checkpoints "
    "FOR EACH ROW EXECUTE FUNCTION audit_checkpoint_guard()",
    "CREATE TRIGGER audit_checkpoints_no_change BEFORE UPDATE OR DELETE ON audit_checkpoints "
    "FOR EACH ROW EXECUTE FUNCTION audit_checkpoints_append_only()",
    "CREATE TRIGGER audit_checkpoints_no_truncate BEFORE TRUNCATE ON audit_checkpoints "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_checkpoints_append_only()",
)
FUNCTION_NAMES = ("tvaers_sha256(text)", "audit_log_delete_guard()", "audit_checkpoint_guard()",
                  "audit_checkpoints_append_only()")  # fmt: skip
SQLITE_TRIGGERS = (
    "DROP TRIGGER audit_log_no_delete",
    "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
    "WHEN OLD.id > COALESCE((SELECT max(upto_id) FROM audit_checkpoints), 0) "
    "BEGIN SELECT RAISE(ABORT, 'audit_log er kun til tilføjelse'); END",
    "CREATE TRIGGER audit_checkpoints_guard BEFORE INSERT ON audit_checkpoints "
    "WHEN NOT EXISTS (SELECT 1 FROM audit_log WHERE id = NEW.upto_id AND hash = NEW.upto_hash "
    "AND at < strftime('%Y-%m-%d %H:%M:%f', 'now', '-180 days')) "
    "BEGIN SELECT RAISE(ABORT, 'et kontrolpunkt kræver en indgang ældre end 180 dage'); END",
    "CREATE TRIGGER audit_checkpoints_no_update BEFORE UPDATE ON audit_checkpoints "
    f"BEGIN SELECT RAISE(ABORT, {APPEND_ONLY}); END",
    "CREATE TRIGGER audit_checkpoints_no_delete BEFORE DELETE ON audit_checkpoints "
    f"BEGIN SELECT RAISE(ABORT, {APPEND_ONLY}); END",
    "CREATE TRIGGER audit_checkpoints_no_replace BEFORE INSERT ON audit_checkpoints "
    "WHEN EXISTS (SELECT 1 FROM audit_checkpoints WHERE id = NEW.id) "
    f"BEGIN SELECT RAISE(ABORT, {APPEND_ONLY}); END",
)


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    op.add_column("audit_log", sa.Column("prev_hash", sa.String(64)))
    op.add_column("audit_log", sa.Column("hash", sa.String(64)))
    op.create_table(
        "audit_checkpoints",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", TZ, nullable=False),
        sa.Column("upto_id", sa.Integer, nullable=False),
        sa.Column("upto_hash", sa.String(64), nullable=False),
        sa.Column("removed", sa.Integer, nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
    )
    _chain_existing(postgres)
    for statement in (PG_FUNCTIONS + PG_TRIGGERS) if postgres else SQLITE_TRIGGERS:
        op.execute(statement)


def _chain_existing(postgres: bool) -> None:
    """Chain the entries written before this migration, renumbered 1, 2, … in their order (as
    the owner, with the no-update trigger off meanwhile)."""
    bind = op.get_bind()
    columns = ("actor", "action", "citizen", "purpose", "basis", "prev_hash", "hash")
    table = sa.table(
        "audit_log", sa.column("id", sa.Integer), sa.column("at", TZ),
        sa.column("detail", sa.JSON), *(sa.column(name, sa.String) for name in columns),
    )  # fmt: skip
    rows = bind.execute(sa.select(table).order_by(table.c.id)).fetchall()
    if not rows:
        return
    op.execute("ALTER TABLE audit_log DISABLE TRIGGER USER" if postgres
               else "DROP TRIGGER audit_log_no_update")  # fmt: skip
    previous = GENESIS
    for number, row in enumerate(rows, start=1):
        text = content(row.at, row.actor, row.action, row.citizen, row.purpose, row.basis,
                       row.detail)  # fmt: skip
        digest = link(previous, number, text)
        bind.execute(
            sa.update(table).where(table.c.id == row.id)
            .values(id=number, prev_hash=previous, hash=digest)
        )  # fmt: skip
        previous = digest
    op.execute("ALTER TABLE audit_log ENABLE TRIGGER USER" if postgres else (
        "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
        "BEGIN SELECT RAISE(ABORT, 'audit_log er kun til tilføjelse'); END"))  # fmt: skip


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for trigger, table in (
            ("audit_log_no_update", "audit_log"), ("audit_log_no_delete", "audit_log"),
        ):  # fmt: skip
            op.execute(f"DROP TRIGGER IF EXISTS {trigger} ON {table}")
        op.execute(
            "CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log "
            "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()"
        )
        op.drop_table("audit_checkpoints")
        for function in FUNCTION_NAMES:
            op.execute(f"DROP FUNCTION IF EXISTS {function}")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
        op.execute(
            "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
            "BEGIN SELECT RAISE(ABORT, 'audit_log er kun til tilføjelse'); END"
        )
        op.drop_table("audit_checkpoints")
    op.drop_column("audit_log", "hash")
    op.drop_column("audit_log", "prev_hash")
