"""Local users: argon2-hashed passwords, lockout after three failed sign-ins in a row."""

from __future__ import annotations

from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from tvaers.core.errors import TvaersError
from tvaers.store import audit, web_sessions
from tvaers.store.models import User, utcnow

MAX_FAILURES = 3
MIN_PASSWORD_LENGTH = 12
_hasher = PasswordHasher()


class UserError(TvaersError):
    pass


@dataclass(frozen=True)
class SignIn:
    user: User | None
    reason: str  # ok, unknown, wrong_password, locked, inactive, no_password


def add(
    session: Session,
    username: str,
    full_name: str,
    role: str,
    password: str | None,
    actor: str = "system",
    sector_area: str | None = None,
) -> User:
    """A new user; ``sector_area``: the area whose budget an area chief answers for (their
    approvals and the commitments on their budget follow it)."""
    username = username.strip().lower()
    if not username or not username.replace(".", "").replace("-", "").replace("_", "").isalnum():
        raise UserError("Brugernavnet må kun indeholde bogstaver, tal, punktum, - og _")
    if session.scalar(select(User).where(User.username == username)) is not None:
        raise UserError(f"Brugeren '{username}' findes allerede")
    if password is not None and len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"Adgangskoden skal være mindst {MIN_PASSWORD_LENGTH} tegn")
    user = User(
        username=username,
        full_name=full_name.strip() or username,
        role=role,
        password_hash=_hasher.hash(password) if password else None,
        active=True,
        failed_logins=0,
        sector_area=(sector_area or "").strip() or None,
    )
    session.add(user)
    session.flush()
    detail = {"bruger": username, "rolle": role, "sektoromraade": user.sector_area}
    audit.record(session, actor, "bruger_oprettet", detail=detail)
    return user


def authenticate(session: Session, username: str, password: str) -> SignIn:
    """Check a password; lock after three failures in a row; log every failure.

    Safe under concurrency: each attempt first takes its place in the count with one atomic
    ``UPDATE … RETURNING`` that matches only an active, unlocked account, and that is committed
    before the (slow) password check. So at most three attempts are ever checked; a fourth, even
    one sent at the same instant, locks the account without being checked, and a correct
    password counts only if the account is still unlocked when it is accepted."""
    name = username.strip().lower()
    user = session.scalar(select(User).where(User.username == name))
    if user is None:
        _hasher.hash(password)  # spend the same time as a real check
        audit.record(session, username[:100] or "?", "log_ind_fejlet", detail={"grund": "ukendt"})
        return SignIn(None, "unknown")
    attempt = _take_attempt(session, user.id)
    session.commit()  # the attempt counts for every other request from now on
    session.refresh(user)
    if attempt is None:
        reason = "locked" if user.locked_at is not None else "inactive"
        grund = "spaerret" if reason == "locked" else "inaktiv"
        audit.record(session, user.username, "log_ind_fejlet", detail={"grund": grund})
        return SignIn(user, reason)
    if attempt > MAX_FAILURES or not _verified(user, password):
        locked = attempt >= MAX_FAILURES
        if locked:
            _lock(session, user.id)
        audit.record(
            session,
            user.username,
            "log_ind_fejlet",
            detail={"grund": "forkert_adgangskode", "forsoeg": attempt, "spaerret": locked},
        )
        return SignIn(user, "locked" if locked else "wrong_password")
    accepted = session.execute(
        update(User)
        .where(User.id == user.id, User.locked_at.is_(None))
        .values(failed_logins=0)
        .returning(User.id)
    ).first()
    if accepted is None:  # locked by a concurrent attempt while this one was checked
        audit.record(session, user.username, "log_ind_fejlet", detail={"grund": "spaerret"})
        return SignIn(user, "locked")
    if user.password_hash and _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    audit.record(session, user.username, "log_ind")
    return SignIn(user, "ok")


def _take_attempt(session: Session, user_id: int) -> int | None:
    """Count one attempt atomically; the attempt's number, or None when the account is locked
    or inactive (then nothing is checked)."""
    row = session.execute(
        update(User)
        .where(User.id == user_id, User.locked_at.is_(None), User.active.is_(True))
        .values(failed_logins=User.failed_logins + 1)
        .returning(User.failed_logins)
    ).first()
    return None if row is None else int(row[0])


def _verified(user: User, password: str) -> bool:
    try:
        if user.password_hash is None:
            raise VerificationError("no local password")
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
    return True


def _lock(session: Session, user_id: int) -> None:
    """Lock the account (once: the first locking attempt sets the time) and end its sessions."""
    session.execute(
        update(User).where(User.id == user_id, User.locked_at.is_(None)).values(locked_at=utcnow())
    )
    web_sessions.end_all(session, user_id, "spaerret")


def unlock(session: Session, username: str, actor: str) -> User:
    user = by_username(session, username)
    user.locked_at, user.failed_logins = None, 0
    audit.record(session, actor, "bruger_laast_op", detail={"bruger": user.username})
    return user


def set_password(session: Session, username: str, password: str, actor: str) -> User:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"Adgangskoden skal være mindst {MIN_PASSWORD_LENGTH} tegn")
    user = by_username(session, username)
    user.password_hash = _hasher.hash(password)
    ended = web_sessions.end_all(session, user.id, "ny_adgangskode")
    audit.record(session, actor, "adgangskode_sat",
                 detail={"bruger": user.username, "sessioner_afsluttet": ended})  # fmt: skip
    return user


def by_username(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None:
        raise UserError(f"Brugeren '{username}' findes ikke")
    return user


def all_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.username)))
