"""The append-only audit log: who, when, which citizen (pseudonym), purpose, basis, what."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tvaers.store.models import AuditEntry


def record(
    session: Session,
    actor: str,
    action: str,
    *,
    citizen: str | None = None,
    purpose: str | None = None,
    basis: str | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    entry = AuditEntry(
        actor=actor, action=action, citizen=citizen, purpose=purpose, basis=basis, detail=detail
    )
    session.add(entry)
    session.flush()
    return entry


def for_citizen(session: Session, citizen: str) -> list[AuditEntry]:
    """Every access to one citizen's data (the data subject's right of access)."""
    query = select(AuditEntry).where(AuditEntry.citizen == citizen).order_by(AuditEntry.at)
    return list(session.scalars(query))
