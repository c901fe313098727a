"""The resource draw's rules as plain values: methods, reasons, periods, configuration, results.

Nothing here touches a database. The rules themselves (how units, prices, pools and splits work)
are documented in ``docs/draw.md``; the expressions that apply them live in ``queries*.py``.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from tvaers.core.errors import ConfigError
from tvaers.core.suppression import SMALL_CELL
from tvaers.core.units import Unit

METHODS_FILE = "individfordeling.csv"
OVERLAPS_FILE = "overlap.csv"


class Method(StrEnum):
    """How an amount came to a citizen: booked on the CPR number, or attributed."""

    REGISTERED = "registered"
    POOLED = "pooled"
    PRICED = "priced"


class Reason(StrEnum):
    """Why unregistered expenditure stays unattributed (see docs/draw.md)."""

    NO_POOL = "no_pool"  # no intervention is booked on the function code
    NO_ACTIVITY = "no_activity"  # interventions exist, nobody unregistered active in the month
    NO_PRICE = "no_price"  # active citizens, but no priced cost to weigh by
    PRICED_DIFFERENCE = "priced_difference"  # priced function: books minus units x price


REASON_LABELS = {
    Reason.NO_POOL: "ingen pulje (ingen indsats konteres på funktionen)",
    Reason.NO_ACTIVITY: "ingen aktive borgere i måneden",
    Reason.NO_PRICE: "ingen pris på de aktive borgeres indsatser",
    Reason.PRICED_DIFFERENCE: "forskel mellem bogført og beregnet (pris × enheder)",
}
METHOD_LABELS = {
    Method.REGISTERED: "CPR-registreret",
    Method.POOLED: "fordelt pulje",
    Method.PRICED: "beregnet (pris × enheder)",
}
# Danish headings for the outputs (Excel and the UI); keys are the output column names.
LABELS: dict[str, str] = {
    "citizen": "borger",
    "family": "familie",
    "sector_area": "sektorområde",
    "name": "navn",
    "month": "måned",
    "registered": "CPR-registreret",
    "pooled": "fordelt pulje",
    "priced": "beregnet",
    "attributed": "individfordelt",
    "total": "i alt",
    "expenditure": "udgift",
    "unattributed": "ikke fordelt",
    "coverage": "dækningsgrad",
    "citizens": "borgere",
    "families": "familier",
    "units": "antal",
    "top_1_share": "andel, dyreste 1 %",
    "top_3_share": "andel, dyreste 3 %",
    "top_10_share": "andel, dyreste 10 %",
    "gini": "Gini",
    "population_share": "andel af borgerne",
    "cost_share": "andel af udgiften",
    "areas": "antal sektorområder",
    "cost": "udgift",
    "share": "andel",
    "measure": "mål",
    "group": "gruppe",
    "sector_areas": "sektorområder",
    "interventions": "indsatser",
    "simultaneous_interventions": "samtidige indsatser",
    "caseworkers": "sagsbehandlere",
    "overlaps": "overlap",
    "overlap_cost": "udgift i overlap",
    "rule": "regel",
    "label": "betegnelse",
    "reference_date": "skæringsdato",
    "months": "måneder med data",
    "archetype": "arketype",
    "population": "antal i kommunen",
    "typical_cost": "typisk årlig udgift",
    "weighted_cost": "vægtet udgift",
    "baseline": "nulpunktsmåling",
    "archetype_estimate": "arketypeskøn",
    "difference": "forskel",
    "per_member": "pr. medlem",
    "level": "niveau",
    "unit": "enhed",
    "note": "bemærkning",
    "citizens_cost": "udgift, borgere",
    "families_cost": "udgift, familier",
    **{r.value: f"ikke fordelt: {label}" for r, label in REASON_LABELS.items()},
}


# --- configuration ----------------------------------------------------------------------------


@dataclass(frozen=True)
class AttributionConfig:
    """The attribution method per function code; every code not named is pooled."""

    methods: Mapping[str, Method] = field(default_factory=dict)

    def method_for(self, function_code: str) -> Method:
        return self.methods.get(function_code, Method.POOLED)

    @property
    def priced_functions(self) -> tuple[str, ...]:
        return tuple(sorted(code for code, m in self.methods.items() if m is Method.PRICED))


def parse_methods(text: str, source: str = METHODS_FILE) -> AttributionConfig:
    """``function_code,method`` lines (method ``pooled`` or ``priced``) to a configuration."""
    methods: dict[str, Method] = {}
    for number, row in _rows(text, source, ("function_code", "method")):
        code, method = row["function_code"].strip(), row["method"].strip().lower()
        if method not in (Method.POOLED, Method.PRICED):
            raise ConfigError(
                f"{source}, række {number}: metoden '{method}' findes ikke.",
                hint="Brug 'pooled' (fordelt pulje) eller 'priced' (pris × enheder).",
            )
        if code in methods:
            raise ConfigError(f"{source}, række {number}: funktionen {code} står to gange.")
        methods[code] = Method(method)
    return AttributionConfig(methods)


@dataclass(frozen=True)
class Selector:
    """Interventions picked by code, by legal basis or by name (``*`` wildcards, any case)."""

    codes: tuple[str, ...] = ()
    legal_bases: tuple[str, ...] = ()
    names: tuple[str, ...] = ()

    @classmethod
    def parse(cls, text: str) -> Selector:
        """``code:017031|legal_basis:LAB § 31*|name:*mentor*`` to a selector."""
        parts: dict[str, list[str]] = {"code": [], "legal_basis": [], "name": []}
        for item in filter(None, (p.strip() for p in text.split("|"))):
            kind, sep, pattern = item.partition(":")
            if not sep or kind.strip() not in parts or not pattern.strip():
                raise ConfigError(
                    f"Ugyldig indsatsudvælgelse '{item}'.",
                    hint="Skriv fx 'code:017031|legal_basis:LAB § 31*|name:*mentor*'.",
                )
            parts[kind.strip()].append(pattern.strip())
        selector = cls(tuple(parts["code"]), tuple(parts["legal_basis"]), tuple(parts["name"]))
        if not (selector.codes or selector.legal_bases or selector.names):
            raise ConfigError("En indsatsudvælgelse må ikke være tom.")
        return selector

    def __str__(self) -> str:
        items = [f"code:{c}" for c in self.codes]
        items += [f"legal_basis:{p}" for p in self.legal_bases]
        items += [f"name:{p}" for p in self.names]
        return "|".join(items)


def like_pattern(pattern: str) -> str:
    """A ``*`` wildcard pattern as an SQL (I)LIKE pattern."""
    return pattern.replace("*", "%")


@dataclass(frozen=True)
class OverlapRule:
    """Two kinds of intervention that should not run for the same citizen at the same time.

    When ``first`` and ``second`` are the same selector, it is two different activities of that
    kind at once (e.g. two transport arrangements).
    """

    rule: str
    label: str
    first: Selector
    second: Selector


def _paragraph(law: str) -> tuple[str, ...]:
    """Patterns for a paragraph and its subsections, not for a longer number (§ 31, not § 310)."""
    return (law, f"{law},*", f"{law} *")


MENTOR = Selector(legal_bases=_paragraph("LAB § 31"), names=("*mentor*",))
SUPPORT_CONTACT = Selector(
    legal_bases=(*_paragraph("SEL § 99"), *_paragraph("SEL § 85")),
    names=("*støttekontaktperson*", "*støtte- og kontaktperson*"),
)
TRANSPORT = Selector(
    legal_bases=_paragraph("Folkeskoleloven § 26"),
    names=("*befordring*", "*kørsel*", "*transport*"),
)
DEFAULT_OVERLAPS: tuple[OverlapRule, ...] = (
    OverlapRule(
        "mentor_support_contact",
        "Mentor (LAB § 31) og støtte- og kontaktperson (SEL § 99/§ 85) samtidig",
        MENTOR,
        SUPPORT_CONTACT,
    ),
    OverlapRule("two_transports", "To kørselsordninger samtidig", TRANSPORT, TRANSPORT),
)


def parse_overlaps(text: str, source: str = OVERLAPS_FILE) -> tuple[OverlapRule, ...]:
    """``rule,label,first,second`` lines, selectors as in :meth:`Selector.parse`."""
    rules: list[OverlapRule] = []
    for number, row in _rows(text, source, ("rule", "label", "first", "second")):
        try:
            first, second = Selector.parse(row["first"]), Selector.parse(row["second"])
        except ConfigError as exc:
            raise ConfigError(f"{source}, række {number}: {exc.message}", hint=exc.hint) from exc
        key = row["rule"].strip()
        if not key or any(r.rule == key for r in rules):
            raise ConfigError(f"{source}, række {number}: reglen skal have et entydigt navn.")
        rules.append(OverlapRule(key, row["label"].strip() or key, first, second))
    return tuple(rules)


def _rows(
    text: str, source: str, required: tuple[str, ...]
) -> Iterable[tuple[int, dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip().lower() for h in reader.fieldnames or ()]
    missing = [c for c in required if c not in header]
    if missing:
        raise ConfigError(
            f"{source}: kolonnen {', '.join(missing)} mangler.",
            hint=f"Filen skal have kolonnerne {', '.join(required)}.",
        )
    for number, raw in enumerate(reader, start=2):
        row = {(k or "").strip().lower(): (v or "") for k, v in raw.items()}
        if any(row.get(c, "").strip() for c in required):
            yield number, row


# --- concentration ----------------------------------------------------------------------------

TOP_SHARES = (1, 3, 10)  # per cent
AREA_GROUPS = ("0", "1", "2", "3", "4+")


def top_count(units: int, percent: int) -> int:
    """How many units make up the top ``percent`` % (rounded up; at least one)."""
    return max(1, math.ceil(units * percent / 100)) if units else 0


def lorenz_steps(units: int, threshold: int = SMALL_CELL, most: int = 100) -> int:
    """How many equal steps the Lorenz curve gets: at most ``most``, each at least ``threshold``
    units, so that no step describes fewer persons than a published cell may."""
    return max(0, min(most, units // threshold))


@dataclass(frozen=True)
class Concentration:
    """Cost concentration at citizen or family level; ``units`` and ``total`` are ``None`` for a
    group of 1-4 units (a solution's people), a share when it would describe fewer than
    :data:`SMALL_CELL` units."""

    unit: Unit
    units: int | None
    total: Decimal | None
    top_1_share: float | None
    top_3_share: float | None
    top_10_share: float | None
    gini: float | None
    lorenz: list[tuple[float, float]]  # (population share, cost share), from (0, 0) to (1, 1)
    by_areas: list[dict[str, Any]]  # areas, units, cost, share (suppressed)


# --- contacts ---------------------------------------------------------------------------------

CONTACT_GROUPS: dict[str, tuple[tuple[int, str], ...]] = {
    # measure -> (lower bound, label), ascending
    "sector_areas": ((0, "0"), (1, "1"), (2, "2"), (3, "3"), (4, "4+")),
    "simultaneous_interventions": ((0, "0"), (1, "1"), (2, "2"), (3, "3-4"), (5, "5-7"), (8, "8+")),
    "caseworkers": ((0, "0"), (1, "1"), (2, "2"), (3, "3-4"), (5, "5+")),
}


# --- baseline ---------------------------------------------------------------------------------


class ArchetypeKey(StrEnum):
    """What makes families alike: their combination of sector areas, or also of interventions."""

    AREAS = "areas"
    INTERVENTIONS = "interventions"


@dataclass(frozen=True)
class Member:
    """A citizen or family in the group, with the date its baseline is measured before."""

    unit: str  # pseudonym or family code
    reference_date: date
