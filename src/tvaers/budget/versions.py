"""Versions of focus point 5's records, once: every table of :mod:`tvaers.store.models_budget`
is a history where a change is a new row with the next ``version`` of its key and the newest
version is in force.

Two users saving the same key at the same moment would both compute the same next version; a
unique index on (key, version) makes the database refuse the second, and :func:`add_version`
turns that into a Danish message (nothing of the second save is kept) instead of a second row
that would make "the newest" ambiguous.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from sqlalchemy import and_, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tvaers.budget.model import BudgetError
from tvaers.core.errors import ErrorCode

Row = TypeVar("Row")


def next_version(session: Session, model: Any, **key: Any) -> int:
    """The version a new row of ``model`` with this ``key`` (column=value; ``None`` matches
    NULL) gets: one more than the newest, 1 for the first."""
    query = select(func.max(model.version)).where(
        *(getattr(model, name).is_not_distinct_from(value) for name, value in key.items())
    )
    return (session.scalar(query) or 0) + 1


def newest_per(session: Session, model: type[Row], keys: Sequence[str], *where: Any) -> list[Row]:
    """The newest version of each key (``keys``: the columns that make a key) among the rows
    ``where`` selects."""
    table: Any = model
    columns = [getattr(table, k) for k in keys]
    latest = (
        select(*columns, func.max(table.version).label("newest"))
        .where(*where)
        .group_by(*columns)
        .subquery()
    )
    joined = and_(
        *(getattr(table, k).is_not_distinct_from(latest.c[k]) for k in keys),
        table.version == latest.c.newest,
    )
    return list(session.scalars(select(model).join(latest, joined).where(*where)))


def add_version(session: Session, row: object, what: str) -> None:
    """Add ``row`` (its version from :func:`next_version`) and flush it in a savepoint; when
    someone else saved the same version of the same key first, refuse in Danish and keep
    nothing of this save (the caller's transaction goes on)."""
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        raise BudgetError(
            f"En anden har gemt en ny version af {what} samtidig med dig; din ændring er ikke "
            "gemt.",
            code=ErrorCode.DECIDED_ELSEWHERE,
            hint="Hent siden igen, se den nye version, og gem din ændring igen, hvis den stadig "
            "skal med.",
        ) from None
