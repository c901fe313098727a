"""Target-group rules as plain values: parsed from YAML, checked, written back.

A rule set says which citizens (or families) belong to a target group, on a reference date:

* ``include`` — a condition tree (``all``/``any``/``not`` over leaves) the unit must meet;
* ``exclude`` — a condition tree that removes units again (e.g. dagpenge, førtidspension);
* ``score`` — the complexity score's weights (points per sector area, per intervention, …) and
  an optional minimum score for the group.

Nothing here touches a database; :mod:`tvaers.selection.queries` turns a rule set into one
set-based query. The YAML format is documented in ``docs/selection.md``. Every error names the
place in the rule (``include.all[2].benefit.types``) and what to write instead, in Danish.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, fields, replace
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from tvaers.core.errors import ConfigError
from tvaers.draw.model import Selector, Unit

RULESET_PACKAGE = "tvaers.selection.rulesets"
KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,59}$")
ADULT_AGE = 18
MAX_LOOKBACK = 60
MAX_CONDITIONS = 500  # nodes under include/exclude; also stops YAML alias bombs
MAX_DEPTH = 30  # nesting of all/any/not
MAX_NUMBER = Decimal(10) ** 12
MAX_DECIMALS = 6


class Member(StrEnum):
    """Which members of a family a citizen-level condition looks at (family rule sets)."""

    ANY = "any"
    ADULT = "adult"
    CHILD = "child"


class Measure(StrEnum):
    """Counts per unit over the rule set's look-back window (as in ``tvaers contacts``)."""

    SECTOR_AREAS = "sector_areas"
    INTERVENTIONS = "interventions"
    SIMULTANEOUS_INTERVENTIONS = "simultaneous_interventions"
    CASEWORKERS = "caseworkers"
    OVERLAPS = "overlaps"
    BENEFIT_TYPES = "benefit_types"


MEASURE_LABELS = {
    Measure.SECTOR_AREAS: "sektorområder i kontakt",
    Measure.INTERVENTIONS: "forskellige indsatser",
    Measure.SIMULTANEOUS_INTERVENTIONS: "samtidige indsatser (flest på én dag)",
    Measure.CASEWORKERS: "sagsbehandlere",
    Measure.OVERLAPS: "overlappende indsatser",
    Measure.BENEFIT_TYPES: "ydelsestyper",
}

# Benefit types that count as transfer income (overførselsindkomst); a rule may name the group.
TRANSFER_INCOME = "overførselsindkomst"
BENEFIT_GROUPS: dict[str, tuple[str, ...]] = {
    TRANSFER_INCOME: (
        "kontanthjælp",
        "uddannelseshjælp",
        "sygedagpenge",
        "ressourceforløb",
        "jobafklaring",
        "ledighedsydelse",
        "revalidering",
        "dagpenge",
        "førtidspension",
    ),
}

# The benefit types of the data contract's outcomes (``benefit:<type>``) that a rule may name
# even when nobody in the loaded data is on one; any other name is likely a typing error.
KNOWN_BENEFIT_TYPES = frozenset(
    {kind for kinds in BENEFIT_GROUPS.values() for kind in kinds} | {"merudgifter"}
)


@dataclass(frozen=True)
class Bounds:
    """An inclusive range; either end may be open."""

    min: Decimal | None = None
    max: Decimal | None = None

    def describe(self, unit: str = "") -> str:
        suffix = f" {unit}" if unit else ""
        if self.min is not None and self.max is not None:
            return f"{_num(self.min)}–{_num(self.max)}{suffix}"
        if self.min is not None:
            return f"mindst {_num(self.min)}{suffix}"
        return f"højst {_num(self.max or Decimal(0))}{suffix}"


# --- conditions -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Condition:
    """A node of a condition tree; ``path`` is where it stands in the rule set."""

    path: str

    def leaves(self) -> Iterator[Leaf]:
        raise NotImplementedError


@dataclass(frozen=True)
class AllOf(Condition):
    items: tuple[Condition, ...] = ()

    def leaves(self) -> Iterator[Leaf]:
        for item in self.items:
            yield from item.leaves()


@dataclass(frozen=True)
class AnyOf(Condition):
    items: tuple[Condition, ...] = ()

    def leaves(self) -> Iterator[Leaf]:
        for item in self.items:
            yield from item.leaves()


@dataclass(frozen=True)
class NotOf(Condition):
    item: Condition = field(default_factory=lambda: AllOf(""))

    def leaves(self) -> Iterator[Leaf]:
        yield from self.item.leaves()


@dataclass(frozen=True)
class Leaf(Condition):
    def leaves(self) -> Iterator[Leaf]:
        yield self

    def describe(self) -> str:
        raise NotImplementedError


@dataclass(frozen=True)
class CountCondition(Leaf):
    """A count over the look-back window (sector areas, interventions, …) within bounds."""

    measure: Measure = Measure.SECTOR_AREAS
    bounds: Bounds = Bounds()

    def describe(self) -> str:
        return f"{MEASURE_LABELS[self.measure]}: {self.bounds.describe()}"


@dataclass(frozen=True)
class CostCondition(Leaf):
    """The resource draw over the look-back window (in all, or in one sector area)."""

    bounds: Bounds = Bounds()
    sector_area: str | None = None

    def describe(self) -> str:
        where = f" på {self.sector_area}" if self.sector_area else ""
        return f"ressourcetræk{where}: {self.bounds.describe('kr.')}"


@dataclass(frozen=True)
class AgeCondition(Leaf):
    bounds: Bounds = Bounds()
    member: Member = Member.ANY

    def describe(self) -> str:
        return f"alder: {self.bounds.describe('år')}{_member_text(self.member)}"


@dataclass(frozen=True)
class BenefitCondition(Leaf):
    """On one of the benefit types on the reference date, or within the months before it;
    optionally only spells of a given length in days (e.g. a short sickness-benefit spell)."""

    types: tuple[str, ...] = ()
    within_months: int = 0
    days: Bounds = Bounds()
    member: Member = Member.ANY

    def describe(self) -> str:
        when = (
            "på skæringsdatoen"
            if not self.within_months
            else f"inden for {self.within_months} mdr."
        )
        spell = f", forløb {self.days.describe('dage')}" if self.days != Bounds() else ""
        return f"ydelse {', '.join(self.types)} {when}{spell}{_member_text(self.member)}"

    @property
    def benefit_types(self) -> tuple[str, ...]:
        """The types with groups (``overførselsindkomst``) expanded."""
        out: list[str] = []
        for item in self.types:
            for kind in BENEFIT_GROUPS.get(item, (item,)):
                if kind not in out:
                    out.append(kind)
        return tuple(out)


@dataclass(frozen=True)
class InterventionCondition(Leaf):
    """Receives an intervention picked by the selector and/or in a sector area, on the reference
    date or within the months before it."""

    selector: Selector | None = None
    sector_area: str | None = None
    within_months: int = 0
    member: Member = Member.ANY

    def describe(self) -> str:
        parts = []
        if self.selector is not None:
            parts.append(str(self.selector))
        if self.sector_area:
            parts.append(f"sektorområde {self.sector_area}")
        when = (
            "på skæringsdatoen"
            if not self.within_months
            else f"inden for {self.within_months} mdr."
        )
        return f"indsats {' og '.join(parts)} {when}{_member_text(self.member)}"


@dataclass(frozen=True)
class FamilyCondition(Leaf):
    """The composition of the citizen's family (children under 18, adults, all members)."""

    children: Bounds = Bounds()
    adults: Bounds = Bounds()
    members: Bounds = Bounds()

    def describe(self) -> str:
        parts = [
            f"{label} {b.describe()}"
            for label, b in (
                ("børn", self.children),
                ("voksne", self.adults),
                ("medlemmer", self.members),
            )
            if b != Bounds()
        ]
        return "familie: " + ", ".join(parts)


def _member_text(member: Member) -> str:
    return {Member.ANY: "", Member.ADULT: " (en voksen)", Member.CHILD: " (et barn)"}[member]


def _num(value: Decimal) -> str:
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return text.replace(",", "X").replace(".", ",").replace("X", ".")


# --- the rule set -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Score:
    """Points per unit of each measure; the group may require a minimum score."""

    weights: Mapping[Measure, Decimal] = field(default_factory=dict)
    min: Decimal | None = None


@dataclass(frozen=True)
class RuleSet:
    key: str
    label: str
    include: Condition
    unit: Unit = Unit.CITIZEN
    description: str = ""
    source: str = ""
    lookback_months: int = 12
    exclude: Condition | None = None
    score: Score = Score()

    def leaves(self) -> list[Leaf]:
        found = list(self.include.leaves())
        if self.exclude is not None:
            found += list(self.exclude.leaves())
        return found

    def without(self, path: str) -> RuleSet:
        """The rule set with the condition at ``path`` taken out (a what-if)."""
        if path == "score.min":
            return replace(self, score=replace(self.score, min=None))
        include = _drop(self.include, path)
        exclude = _drop(self.exclude, path) if self.exclude is not None else None
        return replace(self, include=include or AllOf("include"), exclude=exclude)


def _drop(node: Condition | None, path: str) -> Condition | None:
    if node is None or node.path == path:
        return None
    if isinstance(node, AllOf | AnyOf):
        kept = tuple(x for x in (_drop(i, path) for i in node.items) if x is not None)
        if node.items and not kept:
            # Its only condition was dropped: drop the combinator too. Otherwise an emptied
            # ``any`` would be false and exclude everybody (or, under ``exclude``, nobody).
            return None
        return replace(node, items=kept)
    if isinstance(node, NotOf):
        inner = _drop(node.item, path)
        return None if inner is None else replace(node, item=inner)
    return node


# --- parsing ----------------------------------------------------------------------------------


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
LEAF_KEYS: dict[str, tuple[str, ...]] = {
    **{m.value: ("min", "max") for m in Measure},
    "cost": ("min", "max", "sector_area"),
    "age": ("min", "max", "member"),
    "benefit": ("types", "within_months", "min_days", "max_days", "member"),
    "intervention": ("select", "sector_area", "within_months", "member"),
    "family": ("children", "adults", "members"),
}
COMBINATORS = ("all", "any", "not")
MEMBER_LEAVES = ("age", "benefit", "intervention")


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


MAX_RULE_BYTES = 400_000  # a rule set is a page of YAML; anything larger is not one


def decode_rule_text(data: bytes, source: str) -> str:
    """The text of a rule file as a municipality saves it: UTF-8 (with or without BOM), UTF-16
    with BOM (Notepad's "Unicode") or Windows-1252 (Notepad's "ANSI"); line ends made LF.
    A file that is no text is refused in Danish."""
    if len(data) > MAX_RULE_BYTES:
        raise ConfigError(
            f"{source}: filen er for stor til at være et regelsæt ({len(data):,} byte).".replace(
                ",", "."
            ),
            hint="Et regelsæt fylder typisk under 5 kB; vælg YAML-filen med ét regelsæt.",
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16")
    elif b"\x00" in data:
        raise ConfigError(
            f"{source}: filen er ikke en tekstfil.",
            hint="Vælg YAML-filen med regelsættet (fx eksporteret fra Tværs).",
        )
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError:
                raise ConfigError(
                    f"{source}: filen kan ikke læses som tekst.",
                    hint="Gem filen som UTF-8 (i Notesblok: Gem som, Kodning: UTF-8).",
                ) from None
    return text.replace("\r\n", "\n")


def read_rule_file(path: Path) -> str:
    """A rule file's text (see :func:`decode_rule_text`), or a Danish :class:`ConfigError`."""
    if not str(path).strip() or path.is_dir():
        raise ConfigError(
            f"'{path}' er en mappe, ikke en YAML-fil." if str(path).strip() else
            "Angiv et regelsæt: dets navn (fx furesoe) eller en YAML-fil.",
            hint="Se regelsættenes navne med: tvaers rules list",
        )  # fmt: skip
    if not path.exists():
        raise ConfigError(f"Filen {path} findes ikke.", hint="Tjek stien og filnavnet.")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"Filen {path} kan ikke læses: {exc.strerror}.") from None
    return decode_rule_text(data, path.name)


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
    if kind not in LEAF_KEYS:
        raise where.fail(
            f"ukendt betingelse '{kind}'.",
            hint="Brug all, any, not eller en af: " + ", ".join(LEAF_KEYS) + ".",
        )
    return _leaf(str(kind), value, where.at(str(kind)), unit)


def _leaf(kind: str, value: Any, where: _Where, unit: Unit) -> Leaf:
    # Short forms: ``sector_areas: 2`` (min), ``benefit: [a, b]`` (types),
    # ``intervention: "legal_basis:LAB § 31*"`` (select).
    if kind in {m.value for m in Measure} | {"cost", "age"} and _is_number(value):
        value = {"min": value}
    elif kind == "benefit" and isinstance(value, list | str):
        value = {"types": value}
    elif kind == "intervention" and isinstance(value, str):
        value = {"select": value}
    if not isinstance(value, dict) or not value:
        raise where.fail(
            f"'{kind}' skal have indstillinger: {', '.join(LEAF_KEYS[kind])}.",
        )
    _only(value, LEAF_KEYS[kind], where)
    member = Member.ANY
    if "member" in value:
        if unit is Unit.CITIZEN:
            raise where.at("member").fail(
                "'member' bruges kun i regelsæt for familier (unit: family).",
            )
        member = _enum(Member, value["member"], where.at("member"))
    if kind in {m.value for m in Measure}:
        return CountCondition(where.path, Measure(kind), _bounds(value, where, integer=True))
    if kind == "cost":
        area = value.get("sector_area")
        return CostCondition(
            where.path,
            _bounds(value, where),
            _text(area, where.at("sector_area")) or None,
        )
    if kind == "age":
        return AgeCondition(where.path, _bounds(value, where, integer=True, limit=130), member)
    if kind == "benefit":
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
    if kind == "intervention":
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
                hint="Fx select: 'legal_basis:LAB § 31*|name:*mentor*' eller "
                "sector_area: children.",
            )
        within = _integer(value.get("within_months", 0), where.at("within_months"), 0, 120)
        return InterventionCondition(where.path, selector, area, within, member)
    # family composition
    parts = {}
    for part in ("children", "adults", "members"):
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


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


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
        raise where.fail(f"'{value}' er for stort.", hint=f"Højst {_num(MAX_NUMBER - 1)}.")
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
        raise where.fail(f"'min' ({_num(bounds.min)}) er større end 'max' ({_num(bounds.max)}).")


def _text(value: Any, where: _Where) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise where.fail("skal være tekst.")
    return value.strip()


# --- writing back -----------------------------------------------------------------------------


def rule_set_to_mapping(rule: RuleSet) -> dict[str, Any]:
    """The canonical mapping of a rule set (long forms only; parses back to the same)."""
    data: dict[str, Any] = {"rule_set": rule.key, "label": rule.label}
    if rule.description:
        data["description"] = rule.description
    if rule.source:
        data["source"] = rule.source
    data["unit"] = rule.unit.value
    data["lookback_months"] = rule.lookback_months
    data["include"] = _condition_mapping(rule.include)
    if rule.exclude is not None:
        data["exclude"] = _condition_mapping(rule.exclude)
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


def _condition_mapping(node: Condition) -> dict[str, Any]:
    if isinstance(node, AllOf | AnyOf):
        kind = "all" if isinstance(node, AllOf) else "any"
        return {kind: [_condition_mapping(i) for i in node.items]}
    if isinstance(node, NotOf):
        return {"not": _condition_mapping(node.item)}
    body: dict[str, Any] = {}
    if isinstance(node, CountCondition):
        body = _bounds_mapping(node.bounds)
        return {node.measure.value: body}
    if isinstance(node, CostCondition):
        body = _bounds_mapping(node.bounds)
        if node.sector_area:
            body["sector_area"] = node.sector_area
        return {"cost": body}
    if isinstance(node, AgeCondition):
        body = _bounds_mapping(node.bounds)
        _member_mapping(body, node.member)
        return {"age": body}
    if isinstance(node, BenefitCondition):
        body = {"types": list(node.types), "within_months": node.within_months}
        if node.days.min is not None:
            body["min_days"] = int(node.days.min)
        if node.days.max is not None:
            body["max_days"] = int(node.days.max)
        _member_mapping(body, node.member)
        return {"benefit": body}
    if isinstance(node, InterventionCondition):
        if node.selector is not None:
            body["select"] = str(node.selector)
        if node.sector_area:
            body["sector_area"] = node.sector_area
        body["within_months"] = node.within_months
        _member_mapping(body, node.member)
        return {"intervention": body}
    if isinstance(node, FamilyCondition):
        for part in ("children", "adults", "members"):
            bounds = getattr(node, part)
            if bounds != Bounds():
                body[part] = _bounds_mapping(bounds)
        return {"family": body}
    raise TypeError(node)  # pragma: no cover - every condition type is handled above


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


# --- the ready-made rule sets -----------------------------------------------------------------


@cache
def ready_made() -> dict[str, tuple[RuleSet, str]]:
    """The rule sets shipped from the seeds (KL's target groups, Furesø): key -> (rule, text)."""
    found: dict[str, tuple[RuleSet, str]] = {}
    folder = resources.files(RULESET_PACKAGE)
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yaml"):
            text = entry.read_text("utf-8")
            rule = parse_rule_set(text, entry.name)
            found[rule.key] = (rule, text)
    return found


def leaf_fields(leaf: Leaf) -> dict[str, Any]:
    """A leaf's settings (for display)."""
    return {f.name: getattr(leaf, f.name) for f in fields(leaf) if f.name != "path"}
