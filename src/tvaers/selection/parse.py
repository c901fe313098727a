"""Rule sets from YAML: the text of a rule set, checked and parsed into a :class:`RuleSet`.

The YAML format is documented in ``docs/selection.md``. Every error names the place in the rule
(``include.all[2].benefit.types``) and what to write instead, in Danish. Each kind of leaf
(``sector_areas``, ``cost``, ``age``, ``benefit``, ``intervention``, ``family``) has its allowed
keys, its short form and its parser in :data:`LEAF_KINDS`. Reading the text from a file (and
the shipped rule sets) is :mod:`tvaers.selection.rule_files`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

import yaml

from tvaers.core.errors import ConfigError
from tvaers.core.units import Unit
from tvaers.draw.model import Selector
from tvaers.selection.rules import (
    FAMILY_PARTS,
    TRANSFER_INCOME,
    AgeCondition,
    AllOf,
    AnyOf,
    BenefitCondition,
    Bounds,
    Condition,
    CostCondition,
    CountCondition,
    FamilyCondition,
    InterventionCondition,
    Leaf,
    Measure,
    Member,
    NotOf,
    RuleSet,
    Score,
    danish_number,
)

KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,59}$")
MAX_LOOKBACK = 60
MAX_CONDITIONS = 500  # nodes under include/exclude; also stops YAML alias bombs
MAX_DEPTH = 30  # nesting of all/any/not
MAX_NUMBER = Decimal(10) ** 12
MAX_DECIMALS = 6


class _Where:
    """Builds the Danish error message for a place in the rule."""

    def __init__(self, source: str, path: str) -> None:
        self.source, self.path = source, path

    def at(self, part: str) -> _Where:
        return _Where(self.source, f"{self.path}.{part}" if self.path else part)

    def item(self, index: int) -> _Where:
        return _Where(self.source, f"{self.path}[{index}]")

    def fail(self, message: str, hint: str = "") -> ConfigError:
        place = f"{self.source}, {self.path}" if self.path else self.source
        return ConfigError(f"{place}: {message}", hint=hint)


TOP_KEYS = ("rule_set", "label", "description", "source", "unit", "lookback_months",
            "include", "exclude", "score")  # fmt: skip
COMBINATORS = ("all", "any", "not")


class _DuplicateKey(yaml.constructor.ConstructorError):  # type: ignore[misc]
    pass


class _RuleLoader(yaml.SafeLoader):  # type: ignore[misc]
    """Safe YAML that refuses a key given twice in one mapping (PyYAML keeps the last one)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _value in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self.construct_object(key_node, deep=deep)
            try:
                if key in seen:
                    raise _DuplicateKey(
                        None, None, f"nøglen '{key}' står to gange", key_node.start_mark
                    )
                seen.add(key)
            except TypeError:
                continue  # an unhashable key: the base class says so
        mapping: dict[Any, Any] = super().construct_mapping(node, deep=deep)
        return mapping


# --- the rule set -----------------------------------------------------------------------------


def parse_rule_set(text: str, source: str = "regelsæt") -> RuleSet:
    """YAML text to a rule set, or a :class:`ConfigError` naming the wrong part."""
    try:
        data = yaml.load(text, Loader=_RuleLoader)  # a safe loader that refuses duplicate keys
    except RecursionError:
        raise ConfigError(
            f"{source}: filen er for dybt indlejret til at være et regelsæt.",
            hint=f"Højst {MAX_DEPTH} niveauer af all/any/not.",
        ) from None
    except _DuplicateKey as exc:
        mark = exc.problem_mark
        where = f" (linje {mark.line + 1}, kolonne {mark.column + 1})" if mark else ""
        raise ConfigError(
            f"{source}: {exc.problem}{where}.",
            hint="Skriv hver nøgle én gang; flere betingelser skrives som en liste under all.",
        ) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (linje {mark.line + 1}, kolonne {mark.column + 1})" if mark else ""
        raise ConfigError(
            f"{source}: filen er ikke gyldig YAML{where}.",
            hint="Tjek indrykning og kolon; se eksemplerne i docs/selection.md.",
        ) from exc
    return rule_set_from_mapping(data, source)


def rule_set_from_mapping(data: Any, source: str = "regelsæt") -> RuleSet:
    top = _Where(source, "")
    if not isinstance(data, dict):
        raise top.fail("et regelsæt skal være en samling af nøgler (rule_set, label, include …).")
    _only(data, TOP_KEYS, top)
    key = data.get("rule_set")
    if not isinstance(key, str) or not KEY_PATTERN.match(key):
        raise top.at("rule_set").fail(
            "regelsættet skal have et navn af små bogstaver, tal, - og _ (højst 60 tegn).",
            hint="Skriv fx 'rule_set: furesoe'.",
        )
    label = data.get("label")
    if not isinstance(label, str) or not label.strip():
        raise top.at("label").fail("regelsættet skal have en betegnelse (label).")
    unit = _enum(Unit, data.get("unit", "citizen"), top.at("unit"))
    lookback = _integer(data.get("lookback_months", 12), top.at("lookback_months"), 1, MAX_LOOKBACK)
    if "include" not in data:
        raise top.at("include").fail(
            "regelsættet skal have betingelser under 'include'.",
            hint="Skriv fx 'include: {all: [{sector_areas: {min: 2}}]}'.",
        )
    _check_size(data["include"], top.at("include"))
    include = _condition(data["include"], top.at("include"), unit)
    exclude = None
    if data.get("exclude") is not None:
        _check_size(data["exclude"], top.at("exclude"))
        exclude = _condition(data["exclude"], top.at("exclude"), unit)
    score = _score(data.get("score"), top.at("score"))
    return RuleSet(
        key=key,
        label=label.strip(),
        include=include,
        unit=unit,
        description=_text(data.get("description"), top.at("description")),
        source=_text(data.get("source"), top.at("source")),
        lookback_months=lookback,
        exclude=exclude,
        score=score,
    )


def _check_size(node: Any, where: _Where) -> None:
    """Refuse a condition tree too large or too deeply nested (in mappings) to be a rule, before
    walking it: YAML aliases can make a short text a huge tree."""
    stack: list[tuple[Any, int]] = [(node, 0)]
    count = 0
    while stack:
        item, depth = stack.pop()
        count += 1
        if count > MAX_CONDITIONS:
            raise where.fail(f"betingelserne er for mange (højst {MAX_CONDITIONS}).")
        if depth > MAX_DEPTH:
            raise where.fail(f"betingelserne er for dybt indlejret (højst {MAX_DEPTH} niveauer).")
        if isinstance(item, dict):
            stack.extend((value, depth + 1) for value in item.values())
        elif isinstance(item, list):
            stack.extend((value, depth) for value in item)


# --- conditions -------------------------------------------------------------------------------


def _condition(node: Any, where: _Where, unit: Unit) -> Condition:
    if not isinstance(node, dict) or len(node) != 1:
        raise where.fail(
            "en betingelse skal have præcis én nøgle: all, any, not eller en betingelsestype.",
            hint="Betingelsestyper: " + ", ".join(LEAF_KEYS) + ".",
        )
    ((kind, value),) = node.items()
    if kind in ("all", "any"):
        here = where.at(kind)
        if not isinstance(value, list) or not value:
            raise here.fail(f"'{kind}' skal være en liste med mindst én betingelse.")
        items = tuple(_condition(v, here.item(i), unit) for i, v in enumerate(value))
        return (AllOf if kind == "all" else AnyOf)(here.path, items)
    if kind == "not":
        here = where.at("not")
        return NotOf(here.path, _condition(value, here, unit))
    if kind not in LEAF_KINDS:
        raise where.fail(
            f"ukendt betingelse '{kind}'.",
            hint="Brug all, any, not eller en af: " + ", ".join(LEAF_KEYS) + ".",
        )
    return _leaf(str(kind), value, where.at(str(kind)), unit)


def _leaf(kind: str, value: Any, where: _Where, unit: Unit) -> Leaf:
    spec = LEAF_KINDS[kind]
    if spec.short is not None and spec.short.matches(value):
        value = {spec.short.key: value}
    if not isinstance(value, dict) or not value:
        raise where.fail(f"'{kind}' skal have indstillinger: {', '.join(spec.keys)}.")
    _only(value, spec.keys, where)
    member = Member.ANY
    if "member" in value:
        if unit is Unit.CITIZEN:
            raise where.at("member").fail(
                "'member' bruges kun i regelsæt for familier (unit: family).",
            )
        member = _enum(Member, value["member"], where.at("member"))
    return spec.parse(kind, value, where, member)


def _count(kind: str, value: dict[str, Any], where: _Where, _member: Member) -> Leaf:
    return CountCondition(where.path, Measure(kind), _bounds(value, where, integer=True))


def _cost(_kind: str, value: dict[str, Any], where: _Where, _member: Member) -> Leaf:
    bounds = _bounds(value, where)
    area = _text(value.get("sector_area"), where.at("sector_area")) or None
    return CostCondition(where.path, bounds, area)


def _age(_kind: str, value: dict[str, Any], where: _Where, member: Member) -> Leaf:
    return AgeCondition(where.path, _bounds(value, where, integer=True, limit=130), member)


def _benefit(_kind: str, value: dict[str, Any], where: _Where, member: Member) -> Leaf:
    types = value.get("types")
    if isinstance(types, str):
        types = [types]
    if (
        not isinstance(types, list)
        or not types
        or not all(isinstance(t, str) and t.strip() for t in types)
    ):
        raise where.at("types").fail(
            "angiv mindst én ydelsestype, fx [kontanthjælp, uddannelseshjælp].",
            hint=f"'{TRANSFER_INCOME}' står for alle overførselsindkomster.",
        )
    days = Bounds(
        _optional_int(value.get("min_days"), where.at("min_days")),
        _optional_int(value.get("max_days"), where.at("max_days")),
    )
    _check_order(days, where)
    within = _integer(value.get("within_months", 0), where.at("within_months"), 0, 120)
    return BenefitCondition(
        where.path, tuple(t.strip().lower() for t in types), within, days, member
    )


def _intervention(_kind: str, value: dict[str, Any], where: _Where, member: Member) -> Leaf:
    selector = None
    if value.get("select") is not None:
        if not isinstance(value["select"], str):
            raise where.at("select").fail("'select' skal være tekst.")
        try:
            selector = Selector.parse(value["select"])
        except ConfigError as exc:
            raise where.at("select").fail(exc.message, exc.hint) from exc
    area = _text(value.get("sector_area"), where.at("sector_area")) or None
    if selector is None and area is None:
        raise where.fail(
            "angiv hvilke indsatser: 'select' og/eller 'sector_area'.",
            hint="Fx select: 'legal_basis:LAB § 31*|name:*mentor*' eller sector_area: children.",
        )
    within = _integer(value.get("within_months", 0), where.at("within_months"), 0, 120)
    return InterventionCondition(where.path, selector, area, within, member)


def _family(_kind: str, value: dict[str, Any], where: _Where, _member: Member) -> Leaf:
    parts = {}
    for part in FAMILY_PARTS:
        raw = value.get(part)
        if raw is None:
            parts[part] = Bounds()
            continue
        if _is_number(raw):
            raw = {"min": raw}
        if not isinstance(raw, dict):
            raise where.at(part).fail("skal være fx {min: 1} eller {min: 1, max: 3}.")
        _only(raw, ("min", "max"), where.at(part))
        parts[part] = _bounds(raw, where.at(part), integer=True)
    return FamilyCondition(where.path, **parts)


@dataclass(frozen=True)
class _Short:
    """A leaf's short form: a bare value that stands for ``{key: value}``."""

    matches: Callable[[Any], bool]
    key: str


@dataclass(frozen=True)
class _LeafKind:
    """How one kind of leaf is written: its allowed keys, its short form and its parser."""

    keys: tuple[str, ...]
    parse: Callable[[str, dict[str, Any], _Where, Member], Leaf]
    short: _Short | None = None


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


_MINIMUM = _Short(_is_number, "min")  # ``sector_areas: 2``
LEAF_KINDS: dict[str, _LeafKind] = {
    **{m.value: _LeafKind(("min", "max"), _count, _MINIMUM) for m in Measure},
    "cost": _LeafKind(("min", "max", "sector_area"), _cost, _MINIMUM),
    "age": _LeafKind(("min", "max", "member"), _age, _MINIMUM),
    "benefit": _LeafKind(
        ("types", "within_months", "min_days", "max_days", "member"),
        _benefit,
        _Short(lambda v: isinstance(v, list | str), "types"),  # ``benefit: [a, b]``
    ),
    "intervention": _LeafKind(
        ("select", "sector_area", "within_months", "member"),
        _intervention,
        _Short(lambda v: isinstance(v, str), "select"),  # ``intervention: "legal_basis:…"``
    ),
    "family": _LeafKind(FAMILY_PARTS, _family),
}
LEAF_KEYS: dict[str, tuple[str, ...]] = {kind: spec.keys for kind, spec in LEAF_KINDS.items()}


# --- score and values -------------------------------------------------------------------------


def _score(node: Any, where: _Where) -> Score:
    if node is None:
        return Score()
    if not isinstance(node, dict):
        raise where.fail("'score' skal have 'weights' og evt. 'min'.")
    _only(node, ("weights", "min"), where)
    weights: dict[Measure, Decimal] = {}
    raw = node.get("weights")
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise where.at("weights").fail("vægtene skal stå som 'mål: point', fx 'sector_areas: 2'.")
    for name, points in raw.items():
        here = where.at("weights").at(str(name))
        measure = _enum(Measure, name, here)
        value = _decimal(points, here)
        if value < 0:
            raise here.fail("point må ikke være negative.")
        weights[measure] = value
    minimum = _decimal(node["min"], where.at("min")) if node.get("min") is not None else None
    if minimum is not None and not weights:
        raise where.at("min").fail("en mindste score kræver vægte under 'weights'.")
    return Score(weights, minimum)


def _only(data: dict[Any, Any], allowed: tuple[str, ...], where: _Where) -> None:
    for key in data:
        if key not in allowed:
            raise where.fail(
                f"ukendt nøgle '{key}'.", hint="Tilladte nøgler her: " + ", ".join(allowed) + "."
            )


def _enum(kind: type[StrEnum], value: Any, where: _Where) -> Any:
    try:
        return kind(value)
    except ValueError:
        raise where.fail(
            f"'{value}' er ikke en gyldig værdi.",
            hint="Brug en af: " + ", ".join(m.value for m in kind) + ".",
        ) from None


def _decimal(value: Any, where: _Where) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise where.fail(f"'{value}' er ikke et tal.")
    try:
        number = Decimal(str(value).replace(" ", ""))
    except InvalidOperation:
        raise where.fail(f"'{value}' er ikke et tal.", hint="Skriv tal med punktum.") from None
    if not number.is_finite():
        raise where.fail(f"'{value}' er ikke et tal.")
    if abs(number) >= MAX_NUMBER:
        raise where.fail(f"'{value}' er for stort.", hint=f"Højst {danish_number(MAX_NUMBER - 1)}.")
    if -number.as_tuple().exponent > MAX_DECIMALS:  # type: ignore[operator]
        raise where.fail(f"'{value}' har for mange decimaler (højst {MAX_DECIMALS}).")
    return number


def _integer(value: Any, where: _Where, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise where.fail(f"'{value}' skal være et helt tal.")
    if not low <= value <= high:
        raise where.fail(f"{value} skal ligge mellem {low} og {high}.")
    return value


def _optional_int(value: Any, where: _Where) -> Decimal | None:
    if value is None:
        return None
    return Decimal(_integer(value, where, 0, 100_000))


def _bounds(
    value: dict[str, Any], where: _Where, integer: bool = False, limit: int = 10**12
) -> Bounds:
    found: dict[str, Decimal | None] = {}
    for end in ("min", "max"):
        raw = value.get(end)
        if raw is None:
            found[end] = None
        elif integer:
            found[end] = Decimal(_integer(raw, where.at(end), 0, limit))
        else:
            found[end] = _decimal(raw, where.at(end))
    bounds = Bounds(found["min"], found["max"])
    if bounds.min is None and bounds.max is None:
        raise where.fail("angiv 'min' og/eller 'max'.")
    _check_order(bounds, where)
    return bounds


def _check_order(bounds: Bounds, where: _Where) -> None:
    if bounds.min is not None and bounds.max is not None and bounds.min > bounds.max:
        raise where.fail(
            f"'min' ({danish_number(bounds.min)}) er større end 'max' "
            f"({danish_number(bounds.max)})."
        )


def _text(value: Any, where: _Where) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise where.fail("skal være tekst.")
    return value.strip()
