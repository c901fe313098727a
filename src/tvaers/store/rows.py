"""Reading the store's histories: the versions of a solution or a rule set, the answers to a
solution's reflection questions, the bases recorded for a citizen or a solution."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from tvaers.store.models import Base

Row = TypeVar("Row", bound=Base)


def newest_first(
    session: Session, model: type[Row], where: ColumnElement[bool], by: InstrumentedAttribute[Any]
) -> list[Row]:
    """The rows of ``model`` that meet ``where``, newest (highest ``by``) first."""
    return list(session.scalars(select(model).where(where).order_by(by.desc())))
