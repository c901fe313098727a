"""The list of rule sets shows each one's group as it is now: size, resource draw and period
(issue 11 #3), from the cached published summaries (:mod:`tvaers.selection.published`).

Rule sets whose figures are not computed yet are computed together in the background
(:mod:`tvaers.web.progress`); the list is shown at once with «beregnes» in their cells and
updates itself when they are there.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import Request

from tvaers.core.errors import NoData
from tvaers.core.publication import Column
from tvaers.draw.session import opened
from tvaers.selection import published
from tvaers.selection.rules import RuleSet
from tvaers.selection.statistics import Summary
from tvaers.web import progress
from tvaers.web.deps import settings_of
from tvaers.web.texts import T

S = T.selection
SIZE_COLUMNS = (
    Column("size", S["size_now"], "int"),
    Column("cost", S["cost_now"], "millions"),
    Column("period", S["period_now"]),
    Column("note", "Bemærkning"),
)


@dataclass
class Sizes:
    """The groups found (by rule key) and the job computing the rest, if any."""

    found: dict[str, Summary]
    job: progress.Job | None  # computing the rest
    polled: bool  # the list's question whether the rest is there

    def cells(self, key: str) -> dict[str, Any]:
        summary = self.found.get(key)
        if summary is None:
            note = S["computing"] if self.job is not None else None
            return {"size": None, "cost": None, "period": None, "note": note}
        return {
            "size": summary.units,
            "cost": summary.cost,
            "period": T.period(summary.window),
            "note": summary.note,
        }


def group_sizes(request: Request, rules: dict[str, RuleSet]) -> Sizes:
    """Each rule set's published summary on the last day with data, computed where missing."""
    settings, sessions = settings_of(request), request.app.state.sessions
    polled = bool(request.headers.get(progress.POLLING))
    try:
        with opened(settings) as analysis:
            cached = {k: published.cached_summary(settings, analysis, r) for k, r in rules.items()}
    except NoData:
        return Sizes({}, None, polled)
    found = {key: summary for key, summary in cached.items() if summary is not None}
    missing = {key: rule for key, rule in rules.items() if key not in found}
    if not missing:
        return Sizes(found, None, polled)
    user = request.state.who.username

    def work() -> dict[str, Summary]:
        with opened(settings) as analysis:
            return {
                key: published.group_summary(settings, analysis, rule, None, sessions, user)
                for key, rule in missing.items()
            }

    outcome = progress.ask(request, ("maalgrupper", tuple(sorted(missing))), S["rules"], work)
    found.update(outcome.result or {})
    return Sizes(found, outcome.job, outcome.polled)
