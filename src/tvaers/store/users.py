"""Local users: argon2-hashed passwords, lockout after three failed sign-ins in a row."""

from __future__ import annotations

from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from tvaers.core.errors import TvaersError
from tvaers.store import audit
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
) -> User:
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
    )
    session.add(user)
    session.flush()
    audit.record(session, actor, "bruger_oprettet", detail={"bruger": username, "rolle": role})
    return user


def authenticate(session: Session, username: str, password: str) -> SignIn:
    """Check a password; count failures; lock after three in a row; log every failure."""
    user = session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None:
        _hasher.hash(password)  # spend the same time as a real check
        audit.record(session, username[:100] or "?", "log_ind_fejlet", detail={"grund": "ukendt"})
        return SignIn(None, "unknown")
    if user.locked_at is not None:
        audit.record(session, user.username, "log_ind_fejlet", detail={"grund": "spaerret"})
        return SignIn(user, "locked")
    if not user.active:
        audit.record(session, user.username, "log_ind_fejlet", detail={"grund": "inaktiv"})
        return SignIn(user, "inactive")
    try:
        if user.password_hash is None:
            raise VerificationError("no local password")
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        user.failed_logins += 1
        reason = "wrong_password"
        if user.failed_logins >= MAX_FAILURES:
            user.locked_at = utcnow()
            reason = "locked"
        audit.record(
            session,
            user.username,
            "log_ind_fejlet",
            detail={
                "grund": "forkert_adgangskode",
                "forsoeg": user.failed_logins,
                "spaerret": user.locked_at is not None,
            },
        )
        return SignIn(user, reason)
    user.failed_logins = 0
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    audit.record(session, user.username, "log_ind")
    return SignIn(user, "ok")


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
    audit.record(session, actor, "adgangskode_sat", detail={"bruger": user.username})
    return user


def by_username(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None:
        raise UserError(f"Brugeren '{username}' findes ikke")
    return user


def all_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.username)))
