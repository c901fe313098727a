"""Versioned target-group rules in the operational store.

Rules are stored as the YAML text exactly as given, with its canonical form
(:func:`~tvaers.selection.dump.rule_set_to_mapping`) beside it; a new version is added only when
the text or the canonical form changed, so YAML -> database -> YAML round-trips byte for byte
and every candidate can be traced to the rule version that produced it."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tvaers.core.errors import ConfigError, NotFound
from tvaers.selection.dump import rule_set_to_mapping
from tvaers.selection.inputs import (
    MAX_RULE_CHARS,
    actor_name,
)
from tvaers.selection.parse import parse_rule_set
from tvaers.selection.rule_files import ready_made
from tvaers.selection.rules import RuleSet
from tvaers.store.models import TargetGroupRule, TargetGroupRuleVersion, utcnow
from tvaers.store.rows import newest_first

# --- target-group rules ----------------------------------------------------------------------


def save_rule(
    session: Session, text: str, actor: str, note: str = "", *, source: str = "regelsæt"
) -> TargetGroupRuleVersion:
    """Store a rule set given as YAML; returns the version that holds it.

    The text is parsed first (a :class:`ConfigError` names the wrong part, and nothing is
    saved). A new rule starts at version 1; an existing one gets a new version only when the
    text or its canonical form changed — saving the same text again returns the current version.
    """
    if len(text) > MAX_RULE_CHARS:
        raise ConfigError(
            f"{source}: regelsættet er for langt ({len(text):,} tegn; højst "
            f"{MAX_RULE_CHARS:,}).".replace(",", ".")
        )
    rule_set = parse_rule_set(text, source)
    data = _canonical(rule_set)
    actor = actor_name(actor)
    rule = session.scalars(
        select(TargetGroupRule).where(TargetGroupRule.key == rule_set.key).with_for_update()
    ).first()
    if rule is None:
        rule = TargetGroupRule(
            key=rule_set.key, label=rule_set.label, unit=rule_set.unit.value, version=1
        )
        session.add(rule)
        session.flush()
    else:
        current = version_row(session, rule, rule.version)
        if current.text == text and current.data == data:
            return current
        rule.version += 1
        rule.label, rule.unit, rule.updated_at = rule_set.label, rule_set.unit.value, utcnow()
    row = TargetGroupRuleVersion(
        rule_id=rule.id,
        version=rule.version,
        text=text,
        data=data,
        changed_by=actor,
        note=note.strip(),
    )
    session.add(row)
    session.flush()
    return row


def list_rules(session: Session) -> list[TargetGroupRule]:
    return list(session.scalars(select(TargetGroupRule).order_by(TargetGroupRule.key)))


def current_rules(
    session: Session,
) -> list[tuple[TargetGroupRule, TargetGroupRuleVersion, RuleSet]]:
    """Every stored rule set with its current version and the rule it holds, by key (one
    query: the list page shows them all)."""
    found = session.execute(
        select(TargetGroupRule, TargetGroupRuleVersion)
        .join(TargetGroupRuleVersion, TargetGroupRuleVersion.rule_id == TargetGroupRule.id)
        .where(TargetGroupRuleVersion.version == TargetGroupRule.version)
        .order_by(TargetGroupRule.key)
    )
    return [
        (rule, row, _parsed(row.text, f"regelsæt '{rule.key}' version {row.version}"))
        for rule, row in found
    ]


def find_rule(session: Session, key: str) -> TargetGroupRule | None:
    return session.scalars(select(TargetGroupRule).where(TargetGroupRule.key == key)).first()


def rule_versions(session: Session, key: str) -> list[TargetGroupRuleVersion]:
    """Every version of a rule set, newest first."""
    rule = rule_row(session, key)
    of_rule = TargetGroupRuleVersion.rule_id == rule.id
    return newest_first(session, TargetGroupRuleVersion, of_rule, TargetGroupRuleVersion.version)


def get_rule(
    session: Session, key: str, version: int | None = None
) -> tuple[RuleSet, TargetGroupRuleVersion]:
    """A stored rule set (the current version unless one is named) and its version row."""
    rule = rule_row(session, key)
    row = version_row(session, rule, rule.version if version is None else version)
    return _parsed(row.text, f"regelsæt '{key}' version {row.version}"), row


@lru_cache(maxsize=256)
def _parsed(text: str, source: str) -> RuleSet:
    """A stored version parsed once per process: every page that shows a rule set reads it, and
    a stored version never changes (a rule set is immutable)."""
    return parse_rule_set(text, source)


def export_rule(session: Session, key: str, version: int | None = None) -> str:
    """The YAML text of a stored rule set exactly as it was saved (comments and all)."""
    rule = rule_row(session, key)
    return version_row(session, rule, rule.version if version is None else version).text


def load_ready_made(session: Session, actor: str) -> list[TargetGroupRuleVersion]:
    """Store the shipped rule sets (KL's target groups, Furesø) that are not stored yet.

    Idempotent: a rule set already stored under the same key is left alone — also when the
    municipality has changed it. Returns the versions added (none on a second run).
    """
    added: list[TargetGroupRuleVersion] = []
    shipped = ready_made()
    stored = set(
        session.scalars(select(TargetGroupRule.key).where(TargetGroupRule.key.in_(shipped)))
    )
    for key, (rule_set, text) in shipped.items():
        if key in stored:
            continue
        note = "Færdigt regelsæt leveret med Tværs"
        try:
            with session.begin_nested():  # another request may store it at the same moment
                row = save_rule(
                    session,
                    text,
                    actor,
                    f"{note}: {rule_set.source}" if rule_set.source else note,
                    source=f"{key}.yaml",
                )
                rule_row(session, key).ready_made = True
        except IntegrityError:
            continue  # stored by the other one: nothing to add
        added.append(row)
    session.flush()
    return added


def _canonical(rule_set: RuleSet) -> dict[str, Any]:
    """The canonical mapping as the database gives it back (through JSON)."""
    data: dict[str, Any] = json.loads(json.dumps(rule_set_to_mapping(rule_set), allow_nan=False))
    return data


def rule_row(session: Session, key: str) -> TargetGroupRule:
    rule = find_rule(session, key)
    if rule is None:
        raise NotFound(
            f"Regelsættet '{key}' findes ikke i databasen.",
            hint="Gem regelsættet først, eller indlæs de færdige regelsæt.",
        )
    return rule


def version_row(session: Session, rule: TargetGroupRule, version: int) -> TargetGroupRuleVersion:
    row = session.scalars(
        select(TargetGroupRuleVersion).where(
            TargetGroupRuleVersion.rule_id == rule.id, TargetGroupRuleVersion.version == version
        )
    ).first()
    if row is None:
        raise NotFound(
            f"Regelsættet '{rule.key}' har ingen version {version}.",
            hint=f"Versionerne er 1–{rule.version}.",
        )
    return row
