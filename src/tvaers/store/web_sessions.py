"""Server-side sign-in sessions: the browser's cookie holds a random token, the store its SHA-256
and the session's life, so a session can be ended for good — at «Log ud», when the password is
changed or the account locked — and expires after a number of hours or when idle."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from tvaers.store.models import WebSession, utcnow

TOUCH_EVERY = timedelta(minutes=1)  # last use is written at most once a minute per session


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def begin(session: Session, user_id: int) -> str:
    """A new session for the user; returns the token for the cookie (never stored in clear)."""
    token = secrets.token_urlsafe(32)
    session.add(WebSession(token_hash=_hash(token), user_id=user_id))
    session.flush()
    return token


def current(session: Session, token: str | None, hours: int, idle_minutes: int) -> int | None:
    """The user id of a live session, else None; a session past its hours or idle time is
    ended here (and stays ended)."""
    if not token:
        return None
    found = session.scalar(select(WebSession).where(WebSession.token_hash == _hash(token)))
    if found is None or found.ended_at is not None:
        return None
    now = utcnow()
    if now - _aware(found.started_at) > timedelta(hours=hours):
        found.ended_at, found.ended_reason = now, "udloebet"
        return None
    if now - _aware(found.last_seen_at) > timedelta(minutes=idle_minutes):
        found.ended_at, found.ended_reason = now, "inaktiv"
        return None
    if now - _aware(found.last_seen_at) > TOUCH_EVERY:
        found.last_seen_at = now
    return found.user_id


def end(session: Session, token: str | None, reason: str = "logget_ud") -> None:
    """End the session the token names (logging out)."""
    if token:
        session.execute(
            update(WebSession)
            .where(WebSession.token_hash == _hash(token), WebSession.ended_at.is_(None))
            .values(ended_at=utcnow(), ended_reason=reason)
        )


def end_all(session: Session, user_id: int, reason: str) -> int:
    """End every open session of the user (new password, lock); returns how many."""
    result = session.execute(
        update(WebSession)
        .where(WebSession.user_id == user_id, WebSession.ended_at.is_(None))
        .values(ended_at=utcnow(), ended_reason=reason)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def _aware(moment: datetime) -> datetime:
    """SQLite gives naive datetimes back; they were stored in UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=utcnow().tzinfo)
