"""The append-only audit log: who, when, which citizen (pseudonym), purpose, basis, what."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypedDict, Unpack

from sqlalchemy import JSON, DateTime, String, cast, func, insert, literal, select, text
from sqlalchemy.orm import Session

from tvaers.store.audit_chain import GENESIS, Break, Stored, content, first_break, link
from tvaers.store.models import AuditCheckpoint, AuditEntry, utcnow

_LOG = AuditEntry.__table__
_CHAIN_LOCK = 7_466_173  # PostgreSQL advisory lock: one writer of the chain at a time


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
    number = _append(session, utcnow(), actor, action, purpose, fields)
    entry = session.get(AuditEntry, number)
    assert entry is not None
    return entry


def _append(
    session: Session,
    at: datetime,
    actor: str,
    action: str,
    purpose: str | None,
    fields: EntryFields,
) -> int:
    """Write one entry at the head of the chain; its number.

    One INSERT … SELECT takes the next number, the previous entry's hash and computes the new
    hash in the database, so that on SQLite it holds the write lock throughout; on PostgreSQL a
    transaction-level advisory lock keeps two writers from taking the same head."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _CHAIN_LOCK})
    citizen, basis, detail = fields.get("citizen"), fields.get("basis"), fields.get("detail")
    head = select(
        (func.coalesce(select(func.max(_LOG.c.id)).scalar_subquery(), 0) + 1).label("id"),
        func.coalesce(
            select(_LOG.c.hash).order_by(_LOG.c.id.desc()).limit(1).scalar_subquery(),
            GENESIS,
        ).label("prev"),
    ).subquery()
    text_ = content(at, actor, action, citizen, purpose, basis, detail)
    digest = func.tvaers_sha256(
        head.c.prev + "|" + cast(head.c.id, String) + "|" + literal(text_, String)
    )
    values = select(
        head.c.id, literal(at, DateTime(timezone=True)), literal(actor, String),
        literal(action, String), literal(citizen, String), literal(purpose, String),
        literal(basis, String), literal(detail, JSON), head.c.prev, digest,
    )  # fmt: skip
    columns = ["id", "at", "actor", "action", "citizen", "purpose", "basis", "detail",
               "prev_hash", "hash"]  # fmt: skip
    statement = insert(AuditEntry).from_select(columns, values).returning(AuditEntry.id)
    return int(session.execute(statement).scalar_one())


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
    access extract (:func:`for_citizen`) shows it too. Returns the count."""
    at = utcnow()
    listed = list(dict.fromkeys(citizens))  # the listed few hundred, not the population
    if not listed:
        return 0
    # the first entry takes the head (and the write lock); the rest follow it in one INSERT
    number = _append(session, at, actor, action, purpose,
                     {"citizen": listed[0], "basis": basis, "detail": detail})  # fmt: skip
    previous = session.scalar(select(_LOG.c.hash).where(_LOG.c.id == number))
    rows = []
    for offset, citizen in enumerate(listed[1:], start=1):
        body = content(at, actor, action, citizen, purpose, basis, detail)
        digest = link(str(previous), number + offset, body)
        rows.append({"id": number + offset, "at": at, "actor": actor, "action": action,
                     "citizen": citizen, "purpose": purpose, "basis": basis, "detail": detail,
                     "prev_hash": previous, "hash": digest})  # fmt: skip
        previous = digest
    if rows:
        session.execute(insert(AuditEntry), rows)
    return len(listed)


def for_citizen(session: Session, citizen: str) -> list[AuditEntry]:
    """Every access to one citizen's data (the data subject's right of access)."""
    query = select(AuditEntry).where(AuditEntry.citizen == citizen).order_by(AuditEntry.at)
    return list(session.scalars(query))


def entries_in_order(session: Session, after: int = 0) -> Iterator[Stored]:
    """Every entry after number ``after``, in order, streamed (the log can be long)."""
    query = select(AuditEntry).where(AuditEntry.id > after).order_by(AuditEntry.id)
    for entry in session.scalars(query.execution_options(yield_per=5_000)):
        yield Stored(entry.id, entry.at, entry.actor, entry.action, entry.citizen, entry.purpose,
                     entry.basis, entry.detail, entry.prev_hash, entry.hash)  # fmt: skip
        session.expunge(entry)


def last_checkpoint(session: Session) -> AuditCheckpoint | None:
    query = select(AuditCheckpoint).order_by(AuditCheckpoint.upto_id.desc()).limit(1)
    return session.scalar(query)


@dataclass(frozen=True)
class Verification:
    """The result of checking the chain: entries checked, the head (last number and hash) and
    the first break, if any."""

    checked: int
    head: tuple[int, str] | None
    broken: Break | None


def verify(session: Session, witnessed: Sequence[tuple[int, str]] = ()) -> Verification:
    """Check the whole chain from the last retention checkpoint (or entry 1); ``witnessed``
    are heads noted earlier outside the database (number, hash): each must still be in the log
    as it was, so removing the newest entries or emptying the log is found too."""
    checkpoint = last_checkpoint(session)
    start = (checkpoint.upto_id, checkpoint.upto_hash) if checkpoint else None
    after = start[0] if start else 0
    broken = first_break(entries_in_order(session, after), start)
    found = session.execute(
        select(_LOG.c.id, _LOG.c.hash).where(_LOG.c.id > after).order_by(_LOG.c.id.desc()).limit(1)
    ).first()
    head = (found.id, found.hash or "") if found else None
    if broken is None:
        broken = _missing_witness(session, witnessed, head, start)
    checked = session.scalar(select(func.count()).select_from(_LOG).where(_LOG.c.id > after))
    return Verification(int(checked or 0), head, broken)


def _missing_witness(
    session: Session,
    witnessed: Sequence[tuple[int, str]],
    head: tuple[int, str] | None,
    start: tuple[int, str] | None,
) -> Break | None:
    """The first witnessed head that is no longer in the log as it was."""
    for number, digest in witnessed:
        if start and number <= start[0]:
            continue  # removed at the end of its period, behind a checkpoint
        if head is None or number > head[0]:
            first = head[0] + 1 if head else (start[0] + 1 if start else 1)
            return Break(first, f"indgang nr. {first}–{number} mangler (slettet)")
        stored = session.scalar(select(_LOG.c.hash).where(_LOG.c.id == number))
        if stored != digest:
            return Break(number, "indgangen er ikke den, der blev noteret tidligere")
    return None
