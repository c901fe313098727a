"""A target group's published statistics, computed once per (loaded data, rule, reference date,
draw configuration) and shared by every page, list and user (issue 11 #2).

The figures are :func:`tvaers.selection.statistics.published_summary`'s: suppressed, and their
sets remembered by the differencing ledger when they were first computed. Showing the same
figures again publishes nothing new, so every later request is served from
:mod:`tvaers.draw.cache` without evaluating the rule. A change of the rule (its YAML), the
reference date, the loaded data or the draw configuration is another entry.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from tvaers.core.config import Settings
from tvaers.core.units import Unit
from tvaers.draw import cache
from tvaers.draw.session import Analysis
from tvaers.selection.dump import rule_set_to_mapping
from tvaers.selection.evaluation import evaluate
from tvaers.selection.rules import RuleSet
from tvaers.selection.statistics import Summary, published_summary

KIND = "maalgruppe"


def document(summary: Summary) -> dict[str, Any]:
    """The summary as the cache stores it (tagged values: :mod:`tvaers.draw.cache`)."""
    return cache.shallow(summary)


def from_document(found: dict[str, Any]) -> Summary:
    values = {**found, "unit": Unit(found["unit"]), "warnings": tuple(found["warnings"])}
    return Summary(**values)


def _parts(analysis: Analysis, rule: RuleSet, day: date) -> list[Any]:
    config = analysis.config
    fingerprint = cache.config_fingerprint(config.attribution, config.overlaps)
    return [rule_set_to_mapping(rule), day.isoformat(), fingerprint]


def group_summary(
    settings: Settings,
    analysis: Analysis,
    rule: RuleSet,
    as_of: date | None,
    sessions: Callable[[], Session],
    user: str | None,
) -> Summary:
    """The published summary of ``rule`` on ``as_of`` (the last day with data when ``None``),
    from the cache when it has been computed for the same data and configuration."""
    day = as_of or analysis.as_of(None).day

    def compute() -> dict[str, Any]:
        return document(published_summary(evaluate(analysis, rule, day), sessions, user))

    parts = _parts(analysis, rule, day)
    return from_document(cache.cached(settings, analysis.loaded, KIND, parts, compute))


def cached_summary(
    settings: Settings, analysis: Analysis, rule: RuleSet, as_of: date | None = None
) -> Summary | None:
    """The summary if it has been computed (``None`` if not; nothing is computed here)."""
    day = as_of or analysis.as_of(None).day
    found = cache.peek(settings, analysis.loaded, KIND, _parts(analysis, rule, day))
    return from_document(found) if found is not None else None
