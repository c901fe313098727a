"""Efficiency requirements per solution and year (DOMAIN.md §3.5; issue 13): a versioned amount
with the rule that splits it on the sector areas (:class:`tvaers.budget.model.SplitRule`), the
rule's inputs (expected gain per area in øre, or fixed shares) and the harvesting (up front or
as realised); every rule's split side by side (:func:`comparison`).

The rule ``baseline`` splits by each area's share of the enrolled citizens' baseline: the
settlement's baseline from the data for the year, gross (:mod:`.settlement`), of the areas it
shows — an area hidden by small-cell suppression takes no part by this rule, so that no split
gives a hidden figure away.

Every change is a new version by a budget editor, audited (``effektiviseringskrav_sat``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tvaers import access
from tvaers.access import Actor
from tvaers.budget import settlement
from tvaers.budget.model import (
    BudgetError,
    Harvest,
    HarvestComparison,
    RequirementPart,
    Settlement,
    SplitRule,
    compare_harvest,
    compare_rules,
    parse_rule,
    split_requirement,
)
from tvaers.budget.versions import add_version, newest_per, next_version
from tvaers.core.access import BUDGET_EDITORS
from tvaers.core.config import Settings
from tvaers.core.errors import NoData
from tvaers.core.money import from_ore, to_ore
from tvaers.draw.solution_economy import plain
from tvaers.principles.model import PrinciplesError, Share, shares_of
from tvaers.principles.service import checked_text
from tvaers.selection import decisions
from tvaers.store.models import Solution
from tvaers.store.models_budget import EfficiencyRequirement

MAX_REQUIREMENT = Decimal(100_000_000_000)  # kr.: as the import's limit


@dataclass(frozen=True)
class Inputs:
    """A requirement's rule inputs as values: expected gain per area, fixed shares."""

    expected_gain: dict[str, Decimal]
    shares: tuple[Share, ...]


def inputs_of(row: EfficiencyRequirement) -> Inputs:
    data = row.inputs or {}
    gains = {str(a): from_ore(int(o)) for a, o in (data.get("expected_gain") or {}).items()}
    pairs = [(str(a), str(t)) for a, t in data.get("shares") or []]
    return Inputs(gains, _shares(pairs) if pairs else ())


def _shares(pairs: Sequence[tuple[str, str]]) -> tuple[Share, ...]:
    """Fixed shares, checked (a :class:`BudgetError` in Danish unless they make 100 %)."""
    try:
        return shares_of(pairs)
    except PrinciplesError as exc:
        raise BudgetError(exc.message, hint=exc.hint) from None


def _checked_inputs(
    rule: SplitRule, expected_gain: Mapping[str, Decimal] | None, shares: Sequence[tuple[str, str]]
) -> dict[str, Any]:
    gains = {a.strip(): g for a, g in (expected_gain or {}).items() if a.strip()}
    pairs = [(a.strip(), t.strip()) for a, t in shares if a.strip() or t.strip()]
    given = _shares(pairs) if pairs else None  # refused unless 100 % and no area twice
    if rule is SplitRule.EXPECTED_GAIN:
        split_requirement(Decimal(1), rule, expected_gain=gains)
    if rule is SplitRule.FIXED:
        split_requirement(Decimal(1), rule, shares=given)
    data: dict[str, Any] = {}
    if gains:
        data["expected_gain"] = {a: to_ore(g) for a, g in gains.items()}
    if pairs:
        data["shares"] = [list(p) for p in pairs]
    return data


def set_requirement(
    session: Session,
    actor: Actor,
    solution_id: int,
    year: int,
    amount: Decimal,
    rule: str | SplitRule,
    *,
    expected_gain: Mapping[str, Decimal] | None = None,
    shares: Sequence[tuple[str, str]] = (),
    harvest: str = Harvest.AS_REALISED.value,
    note: str = "",
) -> EfficiencyRequirement:
    """Record a new version of the solution's requirement for ``year`` (a budget editor);
    the rule's inputs are checked first: nothing is stored unless the rule can split by them."""
    access.require_role(actor, BUDGET_EDITORS, "At fastsætte et effektiviseringskrav")
    if session.get(Solution, solution_id) is None:
        raise BudgetError(f"Løsning nr. {solution_id} findes ikke.")
    if not 2000 <= year <= 2100:
        raise BudgetError(f"Året {year} er ikke et budgetår.", hint="Angiv fx 2025.")
    if amount < 0 or amount > MAX_REQUIREMENT or amount != amount.quantize(Decimal("0.01")):
        raise BudgetError(
            f"Kravet {amount} kr. kan ikke bruges.",
            hint="Angiv et beløb på 0 kr. eller derover i hele øre, under 100 mia. kr.",
        )
    chosen = rule if isinstance(rule, SplitRule) else parse_rule(rule)
    try:
        harvesting = Harvest(harvest)
    except ValueError:
        raise BudgetError(
            f"Høstningen «{harvest}» findes ikke.", hint="Vælg upfront eller as_realised."
        ) from None
    data = _checked_inputs(chosen, expected_gain, shares)
    try:
        text = checked_text(note, "Bemærkningen")
    except PrinciplesError as exc:
        raise BudgetError(exc.message, hint=exc.hint) from None
    version = next_version(session, EfficiencyRequirement, solution_id=solution_id, year=year)
    row = EfficiencyRequirement(
        solution_id=solution_id, year=year, amount_ore=to_ore(amount), rule=chosen.value,
        inputs=data, harvest=harvesting.value, version=version, changed_by=actor.username,
        note=text,
    )  # fmt: skip
    add_version(session, row, "løsningens effektiviseringskrav")
    access.record(
        session, actor, "effektiviseringskrav_sat",
        detail={"solution_id": solution_id, "year": year, "version": version,
                "amount": str(amount), "rule": chosen.value, "harvest": harvesting.value},
    )  # fmt: skip
    return row


def versions(
    session: Session, solution_id: int, year: int | None = None
) -> list[EfficiencyRequirement]:
    """The solution's requirement versions, newest first (of ``year`` when given)."""
    query = select(EfficiencyRequirement).where(EfficiencyRequirement.solution_id == solution_id)
    if year is not None:
        query = query.where(EfficiencyRequirement.year == year)
    order = (EfficiencyRequirement.year.desc(), EfficiencyRequirement.version.desc())
    return list(session.scalars(query.order_by(*order)))


def current(session: Session, solution_id: int, year: int) -> EfficiencyRequirement | None:
    """The version in force for the solution and year (the newest)."""
    found = versions(session, solution_id, year)
    return found[0] if found else None


def amount_of(session: Session, solution_id: int, year: int) -> Decimal:
    """The solution's requirement for ``year`` (0 when none is set)."""
    row = current(session, solution_id, year)
    return from_ore(row.amount_ore) if row else Decimal("0.00")


# --- the split ----------------------------------------------------------------------------------


def baseline_weights(
    settings: Settings, sessions: Callable[[], Session], session: Session, solution_id: int,
    year: int, user: str | None,
) -> dict[str, Decimal] | None:  # fmt: skip
    """The shown areas' baseline of the solution's settlement from the data for ``year``
    (gross); ``None`` when there is none to split by (no data, no citizens, hidden)."""
    periods = plain(decisions.enrolments(session, solution_id))
    if not periods:
        return None
    try:
        found = settlement.published(
            settings, sessions, periods, year, "gross", f"løsning {solution_id} krav", user
        )
    except NoData:
        return None
    weights = {a.sector_area: a.baseline for a in found.areas if a.baseline is not None}
    return weights or None


def comparison(
    row: EfficiencyRequirement, baseline: Mapping[str, Decimal] | None
) -> dict[SplitRule, tuple[RequirementPart, ...] | BudgetError]:
    """Every rule's split of the requirement, side by side (a rule that cannot apply: why)."""
    given = inputs_of(row)
    return compare_rules(
        from_ore(row.amount_ore), baseline=baseline, expected_gain=given.expected_gain or None,
        shares=given.shares or None,
    )  # fmt: skip


def split_of(
    row: EfficiencyRequirement, baseline: Mapping[str, Decimal] | None
) -> tuple[RequirementPart, ...]:
    """The requirement split by its own rule (:class:`BudgetError` when it cannot be)."""
    found = comparison(row, baseline)[SplitRule(row.rule)]
    if isinstance(found, BudgetError):
        raise found
    return found


@dataclass(frozen=True)
class AreaRequirement:
    """An area's part of a solution's requirement for a year."""

    solution_id: int
    solution_name: str
    rule: str
    requirement: Decimal  # the solution's whole requirement
    amount: Decimal  # this area's part


def in_force(session: Session, year: int) -> list[EfficiencyRequirement]:
    """Each solution's requirement version in force for ``year``."""
    return newest_per(session, EfficiencyRequirement, ["solution_id"],
                      EfficiencyRequirement.year == year)  # fmt: skip


def parts_for_area(
    session: Session, settings: Settings, area: str, year: int
) -> list[AreaRequirement]:
    """The area's part of every solution's requirement in force for ``year``, by solution name.
    A solution whose rule cannot split (a baseline rule without data to split by) or that gives
    the area no part is left out."""
    from tvaers.store.database import open_store

    found = []
    for row in in_force(session, year):  # the municipality's handful of solutions
        baseline = None
        if row.rule == SplitRule.BASELINE.value:
            baseline = baseline_weights(settings, open_store(settings.store_url), session,
                                        row.solution_id, year, None)  # fmt: skip
        try:
            parts = split_of(row, baseline)
        except BudgetError:
            continue
        part = next((p for p in parts if p.sector_area == area), None)
        if part is None:
            continue
        solution = session.get(Solution, row.solution_id)
        found.append(AreaRequirement(
            solution_id=row.solution_id, solution_name=solution.name if solution else "",
            rule=row.rule, requirement=from_ore(row.amount_ore), amount=part.amount,
        ))  # fmt: skip
    return sorted(found, key=lambda r: (r.solution_name, r.solution_id))


def harvest_of(
    row: EfficiencyRequirement | None,
    settled: Settlement,
    baseline: Mapping[str, Decimal] | None,
) -> HarvestComparison | str:
    """Up front against as realised for the settlement, with the requirement's parts by its
    own rule; or why there is nothing to compare (Danish)."""
    if row is None or row.amount_ore == 0:
        return "der er intet krav."
    try:
        parts = split_of(row, baseline)
    except BudgetError as exc:
        return exc.message
    return compare_harvest(settled, parts)
