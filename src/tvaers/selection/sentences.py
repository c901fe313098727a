"""A rule set's conditions as Danish sentences for people who never see its YAML.

:func:`leaf_sentence` says a condition in words with the sector areas' Danish names and the
interventions it picks described by law, name and code («indsats efter LAB § 31 eller med
«mentor» i navnet»), never as the selector's internal syntax (``legal_basis:LAB § 31*``).
:func:`plain_warning` rewrites the evaluation's warnings, which name a condition by its place in
the YAML (``include.all[1].intervention``), so that they name it by its sentence instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from tvaers.draw.model import Selector
from tvaers.selection.rules import InterventionCondition, Leaf, Member, RuleSet

MEMBERS = {Member.ANY: "", Member.ADULT: " (en voksen)", Member.CHILD: " (et barn)"}


def _either(items: list[str]) -> str:
    """``a``, ``a eller b``, ``a, b eller c``."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} eller {items[-1]}"


def _laws(patterns: tuple[str, ...]) -> list[str]:
    """Legal-basis patterns as the paragraphs they pick: a paragraph and its subsections
    (``X``, ``X,*``, ``X *``) is «X»; a pattern open at its end (``SEL § 101*``) «SEL § 101…»."""
    shown: list[str] = []
    for pattern in patterns:
        if pattern.endswith((",*", " *")) and pattern[:-2] in patterns:
            continue  # a subsection of a paragraph already named
        text = pattern.replace("*", "…")
        if text not in shown:
            shown.append(text)
    return shown


def _name(pattern: str) -> str:
    inner = pattern.strip("*").replace("*", "…")
    if pattern.startswith("*") and pattern.endswith("*"):
        return f"med «{inner}» i navnet"
    if pattern.endswith("*"):
        return f"hvis navn begynder med «{inner}»"
    if pattern.startswith("*"):
        return f"hvis navn ender med «{inner}»"
    return f"med navnet «{inner}»"


def selector_text(selector: Selector) -> str:
    """«efter LAB § 31 eller med «mentor» i navnet»: the interventions a selector picks."""
    parts: list[str] = []
    if selector.codes:
        codes = [c.replace("*", "…") for c in selector.codes]
        parts.append(f"med koden {codes[0]}" if len(codes) == 1 else
                     f"med en af koderne {', '.join(codes)}")  # fmt: skip
    if selector.legal_bases:
        parts.append("efter " + _either(_laws(selector.legal_bases)))
    contains = [p.strip("*") for p in selector.names
                if p.startswith("*") and p.endswith("*") and "*" not in p.strip("*")]  # fmt: skip
    if contains:
        parts.append("med " + _either([f"«{c}»" for c in contains]) + " i navnet")
    parts += [_name(p) for p in selector.names if p.strip("*") not in contains]
    return _either(parts) if parts else ""


def _intervention(leaf: InterventionCondition, names: Mapping[str, str]) -> str:
    parts = []
    if leaf.selector is not None:
        parts.append(selector_text(leaf.selector))
    if leaf.sector_area:
        parts.append(f"i sektorområdet «{names.get(leaf.sector_area, leaf.sector_area)}»")
    when = "på skæringsdatoen" if not leaf.within_months else f"inden for {leaf.within_months} mdr."
    return f"indsats {' og '.join(parts)} {when}{MEMBERS[leaf.member]}"


def leaf_sentence(leaf: Leaf, names: Mapping[str, str]) -> str:
    """A condition in Danish, with its sector area's name (``names``: code -> name) instead of
    its code and its interventions in words."""
    if isinstance(leaf, InterventionCondition):
        return _intervention(leaf, names)
    text = leaf.describe()
    code = getattr(leaf, "sector_area", None)
    name = names.get(code) if code else None
    if name:
        text = text.replace(f" på {code}:", f" på «{name}»:")
    return text


def plain_warning(warning: str, rule: RuleSet, names: Mapping[str, str]) -> str:
    """An evaluation warning that starts with a condition's place in the YAML, with the
    condition's sentence instead, and the selector it quotes in words."""
    for leaf in rule.leaves():
        if warning.startswith(f"{leaf.path}: "):
            rest = warning[len(leaf.path) + 2 :]
            if isinstance(leaf, InterventionCondition) and leaf.selector is not None:
                rest = rest.replace(f"passer til '{leaf.selector}'", "passer")
            rest = rest.replace("; skriv koden:", "; de kendte er:")
            return f"Betingelsen «{leaf_sentence(leaf, names)}»: {rest}"
    return warning


def plain_warnings(
    warnings: Iterable[str], rule: RuleSet, names: Mapping[str, str]
) -> tuple[str, ...]:
    return tuple(plain_warning(w, rule, names) for w in warnings)
