"""The competence plan (kompetenceplan), as pure rules: its levels in order, each with the roles
that decide there and amount ceilings per intervention, per sector area or in general; where a
grant is routed; when a paying area's chief must approve as well; and KL's network rules as
options. Written and stored as YAML (``tvaers plan import/export``), versioned in the store.

A level's ceiling for a grant is the most specific one it has: one naming the grant's
intervention, else one naming its sector area, else its general ceiling; a level with none of
these cannot grant it (unless it is ``unlimited``). A ceiling may bound the grant's cost for its
whole period (``total``) and in its dearest calendar year (``per_year``); both are inclusive —
a grant exactly at a level's ceiling stays at that level.

.. code-block:: yaml

    plan: Kompetenceplan for tværgående indsatser
    valid_from: 2026-01-01
    levels:
      - key: caseworker
        name: Sagsbehandler alene
        roles: [caseworker, solution_leader]
        ceilings:
          - {total: 25000}
      - key: committee
        name: Visitationsudvalget (ugentligt)
        roles: [solution_leader, area_chief]
        ceilings:
          - {total: 500000, per_year: 300000}
          - {sector_area: children, total: 750000}
      - key: coordination_group
        name: Koordinationsgruppen af fagchefer
        roles: [area_chief]
        unlimited: true
    area_approval:            # the solution grants, an area pays: its chief approves above
      default: 100000
      children: 250000
    increase_without_approval_percent: 10   # KL: more than 10 % above the current offer
    replacement_at_most_replaced: true      # KL: a new offer costs at most what it replaces
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

import yaml

from tvaers.core.access import ROLE_LABELS, Role
from tvaers.principles.model import GrantCost, PrinciplesError


@dataclass(frozen=True)
class Ceiling:
    total: Decimal | None = None  # the whole period's cost, inclusive
    per_year: Decimal | None = None  # the dearest calendar year's cost, inclusive
    intervention: str | None = None  # an intervention code: this ceiling is for it only
    sector_area: str | None = None  # a sector area: for its interventions only

    def covers(self, cost: GrantCost) -> bool:
        return (self.total is None or cost.total <= self.total) and (
            self.per_year is None or cost.per_year <= self.per_year
        )


@dataclass(frozen=True)
class Level:
    key: str
    name: str
    roles: tuple[Role, ...]
    ceilings: tuple[Ceiling, ...] = ()
    unlimited: bool = False

    def ceiling_for(self, cost: GrantCost) -> Ceiling | None:
        """The most specific ceiling of this level for the grant (``None``: it has none)."""
        for match in (
            lambda c: c.intervention == cost.intervention,
            lambda c: c.intervention is None and c.sector_area == cost.sector_area,
            lambda c: c.intervention is None and c.sector_area is None,
        ):
            found = [c for c in self.ceilings if match(c)]
            if found:
                return found[0]
        return None

    def covers(self, cost: GrantCost) -> bool:
        if self.unlimited:
            return True
        ceiling = self.ceiling_for(cost)
        return ceiling is not None and ceiling.covers(cost)


@dataclass(frozen=True)
class CompetencePlan:
    name: str
    valid_from: date
    levels: tuple[Level, ...]
    area_approval: Mapping[str, Decimal] = field(default_factory=dict)  # area|default -> amount
    increase_without_approval_percent: Decimal | None = None
    replacement_at_most_replaced: bool = False

    def level(self, key: str) -> Level:
        for level in self.levels:
            if level.key == key:
                return level
        raise PrinciplesError(f"Kompetenceplanen har intet niveau «{key}».")

    def route(self, cost: GrantCost) -> Level:
        """The lowest level whose ceiling covers the grant; refused when none does."""
        for level in self.levels:
            if level.covers(cost):
                return level
        raise PrinciplesError(
            f"Ingen niveau i kompetenceplanen «{self.name}» kan bevilge {cost.total} kr. "
            f"til indsatsen {cost.intervention}.",
            hint="Tilføj et øverste niveau uden loft (unlimited: true) til kompetenceplanen.",
        )

    def area_ceiling(self, sector_area: str) -> Decimal | None:
        """The agreed ceiling above which the paying area's chief approves as well."""
        return self.area_approval.get(sector_area, self.area_approval.get("default"))

    def needs_area_approval(self, cost: Decimal, sector_area: str) -> bool:
        ceiling = self.area_ceiling(sector_area)
        return ceiling is not None and cost > ceiling

    def increase_needs_approval(self, new_monthly: Decimal, current_monthly: Decimal) -> bool:
        """KL's rule: an increase of the current offer by more than the set percentage needs
        approval (without the option every change does)."""
        limit = self.increase_without_approval_percent
        if limit is None:
            return True
        return new_monthly > current_monthly * (1 + limit / 100)


# --- YAML in and out --------------------------------------------------------------------------


def _amount(value: Any, where: str) -> Decimal | None:
    if value is None:
        return None
    try:
        amount = Decimal(str(value).replace(" ", ""))
    except InvalidOperation:
        raise PrinciplesError(f"{where}: «{value}» er ikke et beløb i kroner.") from None
    if amount < 0:
        raise PrinciplesError(f"{where}: et loft kan ikke være negativt ({value}).")
    return amount


def _roles(values: Any, where: str) -> tuple[Role, ...]:
    names = values if isinstance(values, list) else [values]
    try:
        return tuple(Role(str(v)) for v in names)
    except ValueError:
        known = ", ".join(r.value for r in Role)
        raise PrinciplesError(f"{where}: ukendt rolle i {values} (brug {known}).") from None


def _level(raw: Mapping[str, Any], number: int) -> Level:
    where = f"Niveau {number}"
    if not isinstance(raw, Mapping) or not raw.get("key") or not raw.get("name"):
        raise PrinciplesError(f"{where} skal have key og name.")
    where = f"Niveau {number} ({raw['key']})"
    ceilings = []
    for i, c in enumerate(raw.get("ceilings") or [], 1):
        if not isinstance(c, Mapping):
            raise PrinciplesError(f"{where}, loft {i}: skriv fx {{total: 50000}}.")
        unknown = set(c) - {"total", "per_year", "intervention", "sector_area"}
        if unknown:
            raise PrinciplesError(f"{where}, loft {i}: ukendte felter {sorted(unknown)}.")
        ceilings.append(
            Ceiling(
                _amount(c.get("total"), where),
                _amount(c.get("per_year"), where),
                str(c["intervention"]) if c.get("intervention") is not None else None,
                str(c["sector_area"]) if c.get("sector_area") is not None else None,
            )
        )
    roles = _roles(raw.get("roles") or [], where)
    if not roles:
        raise PrinciplesError(f"{where}: angiv de roller, der træffer afgørelse (roles).")
    return Level(
        str(raw["key"]), str(raw["name"]), roles, tuple(ceilings), bool(raw.get("unlimited"))
    )


def parse_plan(text: str, source: str = "kompetenceplanen") -> CompetencePlan:
    """A competence plan from its YAML; refused in Danish with what is wrong."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise PrinciplesError(f"{source} kan ikke læses som YAML: {exc}") from None
    return plan_of(raw, source)


def plan_of(raw: Any, source: str = "kompetenceplanen") -> CompetencePlan:
    """A competence plan from plain data (the YAML read, or :func:`plan_mapping`'s as stored)."""
    if not isinstance(raw, Mapping) or not raw.get("levels"):
        raise PrinciplesError(f"{source} skal have et navn (plan) og mindst ét niveau (levels).")
    levels = tuple(_level(level, i) for i, level in enumerate(raw["levels"], 1))
    keys = [level.key for level in levels]
    if len(set(keys)) != len(keys):
        raise PrinciplesError(f"{source}: to niveauer har samme key.")
    valid_from = raw.get("valid_from") or date(2000, 1, 1)
    if isinstance(valid_from, str):
        with contextlib.suppress(ValueError):
            valid_from = date.fromisoformat(valid_from)
    if not isinstance(valid_from, date):
        raise PrinciplesError(f"{source}: valid_from skal være en dato (ÅÅÅÅ-MM-DD).")
    area = raw.get("area_approval") or {}
    if not isinstance(area, Mapping):
        raise PrinciplesError(f"{source}: area_approval skal være OMRÅDE: BELØB (og default).")
    return CompetencePlan(
        name=str(raw.get("plan") or "Kompetenceplan"),
        valid_from=valid_from,
        levels=levels,
        area_approval={str(k): _amount(v, "area_approval") or Decimal(0) for k, v in area.items()},
        increase_without_approval_percent=_amount(
            raw.get("increase_without_approval_percent"), "increase_without_approval_percent"
        ),
        replacement_at_most_replaced=bool(raw.get("replacement_at_most_replaced")),
    )


def _number(value: Decimal) -> int | str:
    return int(value) if value == value.to_integral_value() else str(value)


def plan_mapping(plan: CompetencePlan) -> dict[str, Any]:
    """The plan as plain data (JSON in the store, YAML out), read back by :func:`parse_plan`."""
    levels = []
    for level in plan.levels:
        entry: dict[str, Any] = {
            "key": level.key,
            "name": level.name,
            "roles": [r.value for r in level.roles],
        }
        ceilings = []
        for c in level.ceilings:
            named = (("intervention", c.intervention), ("sector_area", c.sector_area))
            bounds = (("total", c.total), ("per_year", c.per_year))
            ceiling: dict[str, Any] = {k: v for k, v in named if v}
            ceiling.update({k: _number(v) for k, v in bounds if v is not None})
            ceilings.append(ceiling)
        if ceilings:
            entry["ceilings"] = ceilings
        if level.unlimited:
            entry["unlimited"] = True
        levels.append(entry)
    out: dict[str, Any] = {
        "plan": plan.name,
        "valid_from": plan.valid_from.isoformat(),
        "levels": levels,
    }
    if plan.area_approval:
        out["area_approval"] = {k: _number(v) for k, v in plan.area_approval.items()}
    if plan.increase_without_approval_percent is not None:
        out["increase_without_approval_percent"] = _number(plan.increase_without_approval_percent)
    if plan.replacement_at_most_replaced:
        out["replacement_at_most_replaced"] = True
    return out


def dump_plan(plan: CompetencePlan) -> str:
    text: str = yaml.safe_dump(plan_mapping(plan), allow_unicode=True, sort_keys=False)
    return text


def describe_roles(roles: Sequence[Role]) -> str:
    """«sagsbehandler, leder af tværgående løsning eller fagchef»."""
    names = [ROLE_LABELS[r].lower() for r in roles]
    return " eller ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)
