"""The append-only audit log: who, when, which citizen (pseudonym), purpose, basis, what."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypedDict, Unpack

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from tvaers.store.models import AuditEntry, utcnow


class EntryFields(TypedDict, total=False):
    """The optional fields of an entry: the citizen (pseudonym) it concerns, the basis that
    made the access lawful (as shown) and details of the action."""

    citizen: str | None
    basis: str | None
    detail: dict[str, Any] | None


def record(
    session: Session,
    actor: str,
    action: str,
    *,
    purpose: str | None = None,
    **fields: Unpack[EntryFields],
) -> AuditEntry:
    entry = AuditEntry(actor=actor, action=action, purpose=purpose, **fields)
    session.add(entry)
    session.flush()
    return entry


def record_listed(
    session: Session,
    actor: str,
    action: str,
    citizens: Sequence[str],
    *,
    purpose: str | None,
    basis: str | None,
    detail: dict[str, Any],
) -> int:
    """One entry per citizen shown in a list (e.g. a candidate list), so that the citizen's
    access extract (:func:`for_citizen`) shows it too; one INSERT for all. Returns the count."""
    rows = [
        {"actor": actor, "action": action, "citizen": citizen, "purpose": purpose,
         "basis": basis, "detail": detail, "at": utcnow()}
        for citizen in dict.fromkeys(citizens)  # the listed few hundred, not the population
    ]  # fmt: skip
    if rows:
        session.execute(insert(AuditEntry), rows)
    return len(rows)


def for_citizen(session: Session, citizen: str) -> list[AuditEntry]:
    """Every access to one citizen's data (the data subject's right of access)."""
    query = select(AuditEntry).where(AuditEntry.citizen == citizen).order_by(AuditEntry.at)
    return list(session.scalars(query))
