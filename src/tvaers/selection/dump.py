"""Rule sets written back: the canonical mapping and YAML of a :class:`RuleSet`.

Long forms only, in the order of ``docs/selection.md``; the text parses back to the same rule
set (:func:`tvaers.selection.parse.parse_rule_set`), and a rule set dumped, parsed and dumped
again gives the same bytes. :func:`condition_mapping` dispatches on the condition class.
"""

from __future__ import annotations

from decimal import Decimal
from functools import singledispatch
from typing import Any

import yaml

from tvaers.selection import rules
from tvaers.selection.rules import Bounds, Condition, Member, RuleSet


def rule_set_to_mapping(rule: RuleSet) -> dict[str, Any]:
    """The canonical mapping of a rule set (long forms only; parses back to the same)."""
    data: dict[str, Any] = {"rule_set": rule.key, "label": rule.label}
    if rule.description:
        data["description"] = rule.description
    if rule.source:
        data["source"] = rule.source
    data["unit"] = rule.unit.value
    data["lookback_months"] = rule.lookback_months
    data["include"] = condition_mapping(rule.include)
    if rule.exclude is not None:
        data["exclude"] = condition_mapping(rule.exclude)
    if rule.score.weights or rule.score.min is not None:
        score: dict[str, Any] = {
            "weights": {m.value: _plain(v) for m, v in rule.score.weights.items()}
        }
        if rule.score.min is not None:
            score["min"] = _plain(rule.score.min)
        data["score"] = score
    return data


def rule_set_to_yaml(rule: RuleSet) -> str:
    text: str = yaml.safe_dump(
        rule_set_to_mapping(rule), allow_unicode=True, sort_keys=False, width=100
    )
    return text


@singledispatch
def condition_mapping(node: Condition) -> dict[str, Any]:
    """A condition as ``{kind: body}``; one implementation per condition class."""
    raise TypeError(f"no mapping for {type(node).__name__}")


@condition_mapping.register
def _all(node: rules.AllOf) -> dict[str, Any]:
    return {"all": [condition_mapping(i) for i in node.items]}


@condition_mapping.register
def _any(node: rules.AnyOf) -> dict[str, Any]:
    return {"any": [condition_mapping(i) for i in node.items]}


@condition_mapping.register
def _not(node: rules.NotOf) -> dict[str, Any]:
    return {"not": condition_mapping(node.item)}


@condition_mapping.register
def _count(node: rules.CountCondition) -> dict[str, Any]:
    return {node.measure.value: _bounds_mapping(node.bounds)}


@condition_mapping.register
def _cost(node: rules.CostCondition) -> dict[str, Any]:
    body = _bounds_mapping(node.bounds)
    if node.sector_area:
        body["sector_area"] = node.sector_area
    return {"cost": body}


@condition_mapping.register
def _age(node: rules.AgeCondition) -> dict[str, Any]:
    body = _bounds_mapping(node.bounds)
    _member_mapping(body, node.member)
    return {"age": body}


@condition_mapping.register
def _benefit(node: rules.BenefitCondition) -> dict[str, Any]:
    body: dict[str, Any] = {"types": list(node.types), "within_months": node.within_months}
    if node.days.min is not None:
        body["min_days"] = int(node.days.min)
    if node.days.max is not None:
        body["max_days"] = int(node.days.max)
    _member_mapping(body, node.member)
    return {"benefit": body}


@condition_mapping.register
def _intervention(node: rules.InterventionCondition) -> dict[str, Any]:
    body: dict[str, Any] = {}
    if node.selector is not None:
        body["select"] = str(node.selector)
    if node.sector_area:
        body["sector_area"] = node.sector_area
    body["within_months"] = node.within_months
    _member_mapping(body, node.member)
    return {"intervention": body}


@condition_mapping.register
def _family(node: rules.FamilyCondition) -> dict[str, Any]:
    return {"family": {part: _bounds_mapping(bounds) for part, bounds in node.parts()}}


def _bounds_mapping(bounds: Bounds) -> dict[str, Any]:
    body: dict[str, Any] = {}
    if bounds.min is not None:
        body["min"] = _plain(bounds.min)
    if bounds.max is not None:
        body["max"] = _plain(bounds.max)
    return body


def _member_mapping(body: dict[str, Any], member: Member) -> None:
    if member is not Member.ANY:
        body["member"] = member.value


def _plain(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)
