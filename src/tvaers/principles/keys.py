"""A distribution key's content (fordelingsnøgle), as pure rules: fixed shares per sector area, or
rules that choose the shares by the intervention's legal basis, by the intervention, or by the
citizen's age — the first rule that matches decides; a cost no rule matches stays with the area
it was booked on. Stored as JSON in each key version; written as YAML or on the command line.

.. code-block:: yaml

    shares: {children: 1/2, adults: 1/2}          # fixed shares
    # or
    rules:
      - when: {legal_basis: "SEL § 52"}          # the basis starts with this text
        shares: {children: 70%, employment: 30%}
      - when: {interventions: ["017031"], age_to: 29}
        shares: {employment: 1/2, adults: 1/2}
      - shares: {children: 1/3, adults: 1/3, employment: 1/3}   # everything else
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tvaers.principles.model import PrinciplesError, Share, shares_of

_CONDITIONS = {"legal_basis", "interventions", "age_from", "age_to"}


@dataclass(frozen=True)
class KeyRule:
    shares: tuple[Share, ...]
    legal_basis: str | None = None  # the intervention's legal basis starts with this
    interventions: tuple[str, ...] = ()  # intervention codes
    age_from: int | None = None  # the citizen's age in whole years, inclusive
    age_to: int | None = None

    def matches(self, intervention: str | None, legal_basis: str | None, age: int | None) -> bool:
        if self.legal_basis is not None and not (legal_basis or "").startswith(self.legal_basis):
            return False
        if self.interventions and intervention not in self.interventions:
            return False
        if self.age_from is not None and (age is None or age < self.age_from):
            return False
        return not (self.age_to is not None and (age is None or age > self.age_to))

    @property
    def conditional(self) -> bool:
        return bool(self.legal_basis or self.interventions) or (
            self.age_from is not None or self.age_to is not None
        )


@dataclass(frozen=True)
class KeyDefinition:
    rules: tuple[KeyRule, ...]

    @property
    def fixed(self) -> bool:
        return len(self.rules) == 1 and not self.rules[0].conditional

    def shares_for(
        self, intervention: str | None, legal_basis: str | None, age: int | None
    ) -> tuple[Share, ...] | None:
        """The shares that split a cost (``None``: no rule matches, the booked area pays)."""
        for rule in self.rules:
            if rule.matches(intervention, legal_basis, age):
                return rule.shares
        return None

    def areas(self) -> list[str]:
        seen: dict[str, None] = {}
        for rule in self.rules:
            seen.update((s.sector_area, None) for s in rule.shares)
        return list(seen)


def _shares(raw: Any, where: str) -> tuple[Share, ...]:
    if not isinstance(raw, Mapping) or not raw:
        raise PrinciplesError(f"{where}: angiv andelene som OMRÅDE: ANDEL (fx children: 1/2).")
    try:
        return shares_of((str(k), str(v)) for k, v in raw.items())
    except PrinciplesError as exc:
        raise PrinciplesError(f"{where}: {exc.message}", hint=exc.hint) from None


def _age(value: Any, where: str) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 130:
        raise PrinciplesError(f"{where}: en alder skal være et helt antal år (0-130).")
    return value


def _rule(raw: Any, number: int) -> KeyRule:
    where = f"Regel {number}"
    if not isinstance(raw, Mapping) or "shares" not in raw:
        raise PrinciplesError(f"{where}: hver regel skal have andele (shares).")
    when = raw.get("when") or {}
    if not isinstance(when, Mapping) or set(when) - _CONDITIONS:
        raise PrinciplesError(
            f"{where}: betingelser (when) kan være {', '.join(sorted(_CONDITIONS))}."
        )
    interventions = when.get("interventions") or ()
    if isinstance(interventions, str):
        interventions = (interventions,)
    return KeyRule(
        shares=_shares(raw["shares"], where),
        legal_basis=str(when["legal_basis"]) if when.get("legal_basis") else None,
        interventions=tuple(str(i) for i in interventions),
        age_from=_age(when.get("age_from"), where),
        age_to=_age(when.get("age_to"), where),
    )


def parse_key(raw: Any) -> KeyDefinition:
    """A key's content from plain data (``shares`` or ``rules``); refused in Danish."""
    if isinstance(raw, Mapping) and "shares" in raw and "rules" not in raw:
        return KeyDefinition((KeyRule(_shares(raw["shares"], "Nøglen")),))
    if isinstance(raw, Mapping) and isinstance(raw.get("rules"), list) and raw["rules"]:
        return KeyDefinition(tuple(_rule(r, i) for i, r in enumerate(raw["rules"], 1)))
    raise PrinciplesError(
        "En fordelingsnøgle har enten faste andele (shares) eller regler (rules) med andele."
    )


def key_mapping(definition: KeyDefinition) -> dict[str, Any]:
    """The key as plain data (JSON in the store), read back by :func:`parse_key`."""

    def shares(rule: KeyRule) -> dict[str, str]:
        return {s.sector_area: s.text for s in rule.shares}

    if definition.fixed:
        return {"shares": shares(definition.rules[0])}
    rules = []
    for rule in definition.rules:
        when: dict[str, Any] = {}
        if rule.legal_basis:
            when["legal_basis"] = rule.legal_basis
        if rule.interventions:
            when["interventions"] = list(rule.interventions)
        if rule.age_from is not None:
            when["age_from"] = rule.age_from
        if rule.age_to is not None:
            when["age_to"] = rule.age_to
        rules.append({**({"when": when} if when else {}), "shares": shares(rule)})
    return {"rules": rules}
