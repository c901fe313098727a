"""The least-privilege PostgreSQL role the app runs as (issue 10 #2).

Migrations run as the database's owner; the web app and the commands run as a role that owns
nothing, so it can neither switch a trigger off nor TRUNCATE: on the audit log, its retention
checkpoints and the selection decisions it may only read and add; on the schema's version it may
only read. Everything else it may read and change, as the app does.
"""

from __future__ import annotations

import re

from sqlalchemy import text
from sqlalchemy.engine import make_url

from tvaers.core.errors import ErrorCode, TvaersError
from tvaers.store.database import make_engine

APPEND_ONLY = (
    "audit_log",
    "audit_checkpoints",
    "selection_decisions",
    "grant_decisions",
    "grant_commitments",
    "analysis_runs",
)
_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


class RoleError(TvaersError):
    code = ErrorCode.CONFIG_INVALID


def role_statements(url: str, role: str) -> list[str]:
    """The SQL that creates ``role`` if it is missing and sets its privileges (idempotent)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        raise RoleError("Roller findes kun på PostgreSQL; SQLite har én bruger (filens ejer).")
    if not _NAME.match(role):
        raise RoleError(f"«{role}» er ikke et gyldigt rollenavn (små bogstaver, tal og _).")
    database = parsed.database or "postgres"
    append_only = ", ".join(APPEND_ONLY)
    return [
        "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = "
        f"'{role}') THEN CREATE ROLE {role} LOGIN; END IF; END $$",
        f"ALTER ROLE {role} NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT",
        f'GRANT CONNECT ON DATABASE "{database}" TO {role}',
        f"GRANT USAGE ON SCHEMA public TO {role}",
        f"REVOKE CREATE ON SCHEMA public FROM {role}",
        f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {role}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
        f"REVOKE UPDATE, DELETE ON {append_only} FROM {role}",
        f"REVOKE INSERT ON audit_checkpoints, alembic_version FROM {role}",
        f"REVOKE UPDATE, DELETE ON alembic_version FROM {role}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}",
        f"GRANT EXECUTE ON FUNCTION tvaers_sha256(text) TO {role}",
    ]


def apply_roles(url: str, statements: list[str]) -> None:
    """Run the statements as the owner, in one transaction."""
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            for statement in statements:
                connection.execute(text(statement))
    except Exception as exc:  # a missing privilege or database, said in Danish
        raise RoleError(
            f"Rollen kunne ikke sættes op: {exc.__class__.__name__}. Kør som databasens ejer "
            "(TVAERS_OWNER_DATABASE_URL) efter «tvaers db upgrade»."
        ) from exc
    finally:
        engine.dispose()
