"""The forecast method the municipality chose per intervention type (003 §2.4), as versions:
each choice is a new row of :class:`~tvaers.store.models_followup.ForecastMethodChoice`, the
newest in force, who chose it and why kept. A type without a choice is forecast by
:data:`~tvaers.followup.model.DEFAULT_METHOD`.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from tvaers import access
from tvaers.access import Actor
from tvaers.budget.budgets import checked_note
from tvaers.budget.model import BudgetError
from tvaers.budget.versions import add_version, newest_per, next_version
from tvaers.core.access import BUDGET_EDITORS
from tvaers.followup.model import ForecastError, Method, method_of
from tvaers.store.models_followup import ForecastMethodChoice

NOTE_MAX = 4000  # characters in a choice's reason
TypeKey = tuple[str, str]  # (sector area, intervention code; "" where none)


def chosen(session: Session) -> dict[TypeKey, Method]:
    """The method in force per intervention type that has a recorded choice."""
    rows = newest_per(session, ForecastMethodChoice, ("sector_area", "intervention"))
    return {(r.sector_area, r.intervention): Method(r.method) for r in rows}


def history(session: Session) -> list[ForecastMethodChoice]:
    """Every recorded choice, newest first."""
    query = select(ForecastMethodChoice).order_by(
        ForecastMethodChoice.changed_at.desc(), ForecastMethodChoice.id.desc()
    )
    return list(session.scalars(query))


def choose(
    session: Session, actor: Actor, sector_area: str, intervention: str, method: str, note: str = ""
) -> ForecastMethodChoice:
    """Record ``method`` for the intervention type (a new version; audited). Finance
    consultants and administrators choose, as they set the budget."""
    access.require_role(actor, BUDGET_EDITORS, "vælge prognosemetode")
    picked = method_of(method)
    area, code = sector_area.strip(), intervention.strip()
    try:
        reason = checked_note(note, "Begrundelsen", NOTE_MAX)
    except BudgetError as exc:  # a CPR number or too long: the same words, the forecast's code
        raise ForecastError(exc.message, hint=exc.hint) from None
    version = next_version(session, ForecastMethodChoice, sector_area=area, intervention=code)
    row = ForecastMethodChoice(
        sector_area=area,
        intervention=code,
        method=picked.value,
        version=version,
        changed_by=actor.username,
        note=reason,
    )
    add_version(session, row, f"prognosemetoden for {area} {code}".strip())
    detail = {"sector_area": area, "intervention": code, "method": picked.value}
    access.record(session, actor, "prognosemetode_valgt", detail={**detail, "version": version})
    return row
