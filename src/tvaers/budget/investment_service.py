"""Investment cases in the store (``investment_cases``): every save is a new version of the
case's name, by a user of ``INVESTMENT_EDITORS``, audited (``investeringscase_gemt``); an
unchanged case saves nothing new. And the measured effects a pilot evaluation gives
(:func:`measured_gains`), which replace a case's assumed gains where they exist
(:func:`tvaers.budget.investment.with_measured`)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tvaers import access
from tvaers.access import Actor
from tvaers.budget.investment import Case, CaseError, MeasuredGain
from tvaers.budget.investment_input import case_mapping, parse_case_mapping
from tvaers.budget.versions import add_version, newest_per
from tvaers.core.access import INVESTMENT_EDITORS
from tvaers.core.config import Settings
from tvaers.core.errors import CaseworkRefused
from tvaers.core.units import TOTAL_AREA
from tvaers.selection.inputs import free_text
from tvaers.store.models import Solution
from tvaers.store.models_budget import InvestmentCase

SAVED = "investeringscase_gemt"


def _checked(value: str | None, what: str, field: str) -> str:
    """Text a user typed, refused in Danish when it holds a CPR-like number or is too long."""
    try:
        return free_text(value, what) or ""
    except CaseworkRefused as exc:
        raise CaseError(exc.message, field=field, hint=exc.hint) from None


def save_case(
    session: Session, actor: Actor, case: Case, solution_id: int | None = None, note: str = ""
) -> tuple[InvestmentCase, bool]:
    """A new version of the case named ``case.name`` (the first: version 1); ``(version,
    saved)``: an unchanged case (same figures, same solution) saves nothing and gives the
    newest version with ``saved`` false."""
    access.require_role(actor, INVESTMENT_EDITORS, "At gemme en investeringscase")
    _checked(case.name, "Casens navn", "name")
    note = _checked(note, "Bemærkningen", "note")
    if solution_id is not None and session.get(Solution, solution_id) is None:
        raise CaseError(f"Løsning nr. {solution_id} findes ikke.", field="solution_id")
    data = case_mapping(case)
    newest = _newest(session, case.name)
    if newest is not None and newest.data == data and newest.solution_id == solution_id:
        return newest, False
    record = InvestmentCase(
        solution_id=solution_id,
        name=case.name,
        data=data,
        version=(newest.version if newest else 0) + 1,
        changed_by=actor.username,
        note=note,
    )
    add_version(session, record, "casen")
    access.record(
        session,
        actor,
        SAVED,
        detail={"id": record.id, "name": record.name, "version": record.version, "note": note},
    )
    return record, True


def _newest(session: Session, name: str) -> InvestmentCase | None:
    query = select(InvestmentCase).where(InvestmentCase.name == name)
    return session.scalars(query.order_by(InvestmentCase.version.desc()).limit(1)).first()


def cases(session: Session) -> list[InvestmentCase]:
    """The newest version of every case, by name."""
    return sorted(newest_per(session, InvestmentCase, ["name"]), key=lambda c: c.name)


def versions(session: Session, name: str) -> list[InvestmentCase]:
    """Every version of the case ``name``, newest first."""
    query = select(InvestmentCase).where(InvestmentCase.name == name)
    return list(session.scalars(query.order_by(InvestmentCase.version.desc())))


def get_case(session: Session, case_id: int) -> InvestmentCase:
    found = session.get(InvestmentCase, case_id)
    if found is None:
        raise CaseError(
            f"Investeringscase nr. {case_id} findes ikke.",
            hint="Se casene med: tvaers invest list (eller siden /investering).",
        )
    return found


def case_of(record: InvestmentCase) -> Case:
    """The stored version as a case."""
    return parse_case_mapping(record.data)


def measured_gains(effects: Mapping[str, Any] | None) -> dict[str, MeasuredGain]:
    """A pilot's measured effects per sector area (``effect``: the annual change in cost per
    citizen, negative a saving; ``low``/``high``: its confidence interval, the effect itself
    where the interval is unknown) as the case takes them."""
    found: dict[str, MeasuredGain] = {}
    for area, effect in (effects or {}).items():
        if area == TOTAL_AREA:
            continue
        change = Decimal(effect.effect)
        low = change if effect.low is None else Decimal(effect.low)
        high = change if effect.high is None else Decimal(effect.high)
        found[area] = MeasuredGain(area, change, low, high)
    return found


def measured_for(
    session: Session, settings: Settings, solution_id: int | None, user: str | None = None
) -> dict[str, MeasuredGain]:
    """The measured effects of the pilot evaluation of ``solution_id`` (gross of the state: the
    case's refund shares make them net), published suppressed; none without a solution or an
    evaluation. ``user``: who sees them (the rule across requests)."""
    if solution_id is None:
        return {}
    from tvaers.budget import pilot

    return measured_gains(pilot.measured_effects(session, settings, solution_id, user=user))
