"""Target-group rules as plain values: the condition classes and the rule set.

A rule set says which citizens (or families) belong to a target group, on a reference date:

* ``include`` — a condition tree (``all``/``any``/``not`` over leaves) the unit must meet;
* ``exclude`` — a condition tree that removes units again (e.g. dagpenge, førtidspension);
* ``score`` — the complexity score's weights (points per sector area, per intervention, …) and
  an optional minimum score for the group.

Everything here is pure and immutable: :mod:`tvaers.selection.parse` reads a rule set from YAML,
:mod:`tvaers.selection.dump` writes it back and :mod:`tvaers.selection.compile` turns it into one
set-based query. Each of them dispatches on the condition class (one function per class), so a
new kind of condition is a new class here plus one registration in each of them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, fields, replace
from decimal import Decimal
from enum import StrEnum
from typing import Any

from tvaers.core.units import Unit
from tvaers.draw.model import Selector

ADULT_AGE = 18


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


def danish_number(value: Decimal) -> str:
    """``1234.5`` as ``1.234,5`` (at most two decimals, no trailing zeros)."""
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return text.replace(",", "X").replace(".", ",").replace("X", ".")


@dataclass(frozen=True)
class Bounds:
    """An inclusive range; either end may be open."""

    min: Decimal | None = None
    max: Decimal | None = None

    def describe(self, unit: str = "") -> str:
        suffix = f" {unit}" if unit else ""
        if self.min is not None and self.max is not None:
            return f"{danish_number(self.min)}–{danish_number(self.max)}{suffix}"
        if self.min is not None:
            return f"mindst {danish_number(self.min)}{suffix}"
        return f"højst {danish_number(self.max or Decimal(0))}{suffix}"


# --- conditions -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Condition:
    """A node of a condition tree; ``path`` is where it stands in the rule set."""

    path: str

    def leaves(self) -> Iterator[Leaf]:
        raise NotImplementedError

    def without(self, path: str) -> Condition | None:
        """The tree with the condition at ``path`` taken out; ``None`` when nothing is left."""
        return None if self.path == path else self


@dataclass(frozen=True)
class Combination(Condition):
    """A node over several conditions (:class:`AllOf`, :class:`AnyOf`)."""

    items: tuple[Condition, ...] = ()

    def leaves(self) -> Iterator[Leaf]:
        for item in self.items:
            yield from item.leaves()

    def without(self, path: str) -> Condition | None:
        if self.path == path:
            return None
        kept = tuple(x for x in (i.without(path) for i in self.items) if x is not None)
        if self.items and not kept:
            # Its only condition was dropped: drop the combinator too. Otherwise an emptied
            # ``any`` would be false and exclude everybody (or, under ``exclude``, nobody).
            return None
        return replace(self, items=kept)


@dataclass(frozen=True)
class AllOf(Combination):
    """Every item holds."""


@dataclass(frozen=True)
class AnyOf(Combination):
    """At least one item holds."""


@dataclass(frozen=True)
class NotOf(Condition):
    item: Condition = field(default_factory=lambda: AllOf(""))

    def leaves(self) -> Iterator[Leaf]:
        yield from self.item.leaves()

    def without(self, path: str) -> Condition | None:
        if self.path == path:
            return None
        inner = self.item.without(path)
        return None if inner is None else replace(self, item=inner)


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


FAMILY_PARTS = ("children", "adults", "members")


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

    def parts(self) -> Iterator[tuple[str, Bounds]]:
        """``(part, bounds)`` for each part with bounds (``children``, ``adults``, ``members``)."""
        for part in FAMILY_PARTS:
            bounds: Bounds = getattr(self, part)
            if bounds != Bounds():
                yield part, bounds


def _member_text(member: Member) -> str:
    return {Member.ANY: "", Member.ADULT: " (en voksen)", Member.CHILD: " (et barn)"}[member]


def leaf_fields(leaf: Leaf) -> dict[str, Any]:
    """A leaf's settings (for display)."""
    return {f.name: getattr(leaf, f.name) for f in fields(leaf) if f.name != "path"}


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
        include = self.include.without(path)
        exclude = self.exclude.without(path) if self.exclude is not None else None
        return replace(self, include=include or AllOf("include"), exclude=exclude)
