"""The audit log's hash chain: each entry carries the hash of the one before it.

An entry's hash is SHA-256 over the previous entry's hash, the entry's number and a canonical
form of its content (time in UTC to the microsecond, actor, action, citizen, purpose, basis and
details as sorted JSON). Changing, removing or inserting an entry anywhere breaks the chain from
that entry on, and :func:`first_break` names it. Entries are numbered 1, 2, 3 … without gaps;
a retention checkpoint (:class:`~tvaers.store.models.AuditCheckpoint`) records the last entry
removed at the end of its period, so the chain may start after it.

The database computes the same hash when an entry is written (``tvaers_sha256`` — built in on
PostgreSQL through ``sha256()``, registered on every SQLite connection), so that the number, the
previous hash and the new hash are taken in one statement that holds the write lock.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

GENESIS = "0" * 64  # the "previous hash" of entry 1


def moment(at: datetime) -> str:
    """A time as stored, in one form on both stores (SQLite gives it back without a zone)."""
    if at.tzinfo is not None:
        at = at.astimezone(UTC)
    return at.strftime("%Y-%m-%dT%H:%M:%S.%f")


def content(
    at: datetime,
    actor: str,
    action: str,
    citizen: str | None,
    purpose: str | None,
    basis: str | None,
    detail: dict[str, Any] | None,
) -> str:
    """The canonical text of an entry's content."""
    fields = [moment(at), actor, action, citizen, purpose, basis, detail]
    return json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def link(previous: str, number: int, text: str) -> str:
    """An entry's hash, as the databases compute it in the INSERT (``tvaers_sha256``)."""
    return sha256_hex(f"{previous}|{number}|{text}")


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Stored:
    """One entry as read back from the store."""

    id: int
    at: datetime
    actor: str
    action: str
    citizen: str | None
    purpose: str | None
    basis: str | None
    detail: dict[str, Any] | None
    prev_hash: str | None
    hash: str | None


@dataclass(frozen=True)
class Break:
    """Where the chain breaks: the first bad entry's number and what is wrong, in Danish."""

    entry: int
    problem: str


def first_break(entries: Iterable[Stored], start: tuple[int, str] | None) -> Break | None:
    """The first place the chain breaks, or None when every entry is as written.

    ``start`` is the last checkpoint (number and hash of the last entry removed by retention),
    None when nothing has been removed: the chain must then begin with entry 1."""
    expected_number, expected_prev = (start[0] + 1, start[1]) if start else (1, GENESIS)
    for entry in entries:
        if entry.id != expected_number:
            missing = f"nr. {expected_number}" + (
                f"–{entry.id - 1}" if entry.id - 1 > expected_number else ""
            )
            return Break(expected_number, f"indgang {missing} mangler (slettet)")
        if entry.prev_hash != expected_prev:
            return Break(entry.id, "kæden er brudt: forrige indgangs hash passer ikke")
        text = content(entry.at, entry.actor, entry.action, entry.citizen, entry.purpose,
                       entry.basis, entry.detail)  # fmt: skip
        if entry.hash != link(expected_prev, entry.id, text):
            return Break(entry.id, "indholdet er ændret efter det blev skrevet")
        expected_number, expected_prev = entry.id + 1, entry.hash
    return None
