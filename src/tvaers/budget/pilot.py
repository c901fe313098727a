"""The pilot evaluation (issue 13; VIVE: test the model on a pilot before budgets change): a
solution's enrolled citizens' cost change from the 12 months before enrolment to the 12 months
from it, against a comparison group of citizens never enrolled in any solution, matched on
baseline cost, area combination and age at the same (pseudo-)enrolment date — the difference in
differences per sector area and in total with a 95 % confidence interval, gross or net of the
state.

* :func:`evaluate` (:mod:`.pilot_compute`): the computation over tables, all citizens at once
  (:mod:`.pilot_queries`); the statistics are :mod:`.pilot_model`'s.
* :func:`evaluation` and :func:`published`: the statistical view (:mod:`.pilot_sets`: small
  cells suppressed, the rule across requests), cached per loaded data, enrolments, method and
  basis. The comparison group is never listed, never linked to casework: no function here or
  below returns a citizen.
* :func:`measured_effects`: the published effects per sector area for the investment case.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy.orm import Session

from tvaers.budget import pilot_sets, state
from tvaers.budget.pilot_compute import Computed, compute, enrolments, evaluate, store_sessions
from tvaers.budget.pilot_model import (
    AreaEstimate,
    BalanceRow,
    Evaluation,
    MeasuredEffect,
    Method,
)
from tvaers.core.config import Settings
from tvaers.core.errors import NoData
from tvaers.draw import cache
from tvaers.draw.session import Analysis, opened
from tvaers.draw.solution_economy import Enrolled
from tvaers.store.publications import Ledger, publishing

Basis = state.Basis
CACHE_KIND = "pilot"
MATCHING = 2  # raise when the matching changes (2: every evaluable enrolled citizen matched)

__all__ = ["Basis", "Computed", "Evaluation", "Method", "enrolments", "evaluate", "evaluation",
           "measured_effects", "published"]  # fmt: skip


def evaluation(
    analysis: Analysis,
    own: Sequence[Enrolled],
    every: Sequence[Enrolled],
    method: Method,
    basis: state.Basis,
    ledger: Ledger,
) -> Evaluation:
    """The published evaluation of the citizens of ``own`` (every member of an enrolled family)
    against the citizens of none of ``every`` (all solutions' enrolment periods)."""
    found = compute(analysis, own, every, method, basis)
    if found is None:
        return Evaluation(method, basis.value, len(own), None, None, None, None,
                          pilot_sets.NO_DATA_AROUND, (), ())  # fmt: skip
    return pilot_sets.view(analysis.backend, analysis.area_names, found, method, basis.value,
                           ledger)  # fmt: skip


def _parts(
    analysis: Analysis, own: Sequence[Enrolled], every: Sequence[Enrolled], method: Method,
    basis: state.Basis,
) -> list[Any]:  # fmt: skip
    config = analysis.config

    def rows(periods: Sequence[Enrolled]) -> list[list[str]]:
        return sorted([str(p.id), p.unit, p.subject, str(p.enrolled_on), str(p.discharged_on)]
                      for p in periods)  # fmt: skip

    return [MATCHING, rows(own), rows(every), method.value, basis.value,
            cache.config_fingerprint(config.attribution, config.overlaps)]  # fmt: skip


def _document(found: Evaluation) -> cache.Document:
    return {
        **cache.shallow(found),
        "areas": [cache.shallow(a) for a in found.areas],
        "balance": [cache.shallow(b) for b in found.balance],
    }


def _evaluation_of(found: cache.Document) -> Evaluation:
    return Evaluation(**{
        **found,
        "method": Method(found["method"]),
        "areas": tuple(AreaEstimate(**a) for a in found["areas"]),
        "balance": tuple(BalanceRow(**b) for b in found["balance"]),
    })  # fmt: skip


def published(
    settings: Settings,
    sessions: Callable[[], Session],
    own: Sequence[Enrolled],
    every: Sequence[Enrolled],
    method: Method,
    basis: state.Basis,
    context: str,
    user: str | None,
) -> Evaluation:
    """:func:`evaluation` on the home's data, the sets it shows remembered in the store; from
    the cache when the loaded data, the enrolments, the method and the basis are those of an
    earlier computation. :class:`~tvaers.core.errors.NoData` when nothing is loaded."""
    with opened(settings) as analysis:

        def run() -> cache.Document:
            return _document(publishing(
                sessions, context, user,
                lambda ledger: evaluation(analysis, own, every, method, basis, ledger),
            ))  # fmt: skip

        parts = _parts(analysis, own, every, method, basis)
        return _evaluation_of(cache.cached(settings, analysis.loaded, CACHE_KIND, parts, run))


def cached_evaluation(
    settings: Settings,
    own: Sequence[Enrolled],
    every: Sequence[Enrolled],
    method: Method,
    basis: state.Basis,
) -> Evaluation | None:
    """The evaluation if it is cached (``None``: it must be computed; nothing is computed)."""
    with opened(settings) as analysis:
        found = cache.peek(settings, analysis.loaded, CACHE_KIND,
                           _parts(analysis, own, every, method, basis))  # fmt: skip
    return _evaluation_of(found) if found is not None else None


def solution_evaluation(
    session: Session,
    settings: Settings,
    solution_id: int,
    method: Method = Method.NEAREST,
    basis: state.Basis = state.Basis.GROSS,
    user: str | None = None,
    sessions: Callable[[], Session] | None = None,
) -> Evaluation:
    """:func:`published` for a solution in the store (its enrolments and every solution's).
    :class:`~tvaers.core.errors.NoData` when nothing is loaded."""
    own, every = enrolments(session, solution_id)
    return published(settings, sessions or store_sessions(session), own, every, method, basis,
                     f"løsning {solution_id} pilot", user)  # fmt: skip


def measured_effects(
    session: Session,
    settings: Settings,
    solution_id: int,
    method: Method = Method.NEAREST,
    basis: state.Basis = state.Basis.GROSS,
    user: str | None = None,
) -> dict[str, MeasuredEffect] | None:
    """For the investment case: per sector area (and ``TOTAL_AREA``) the published estimated
    annual change per citizen (negative = a saving) with its 95 % confidence interval and how
    many it rests on; areas whose figures are hidden are left out. None when the solution
    cannot be evaluated (no enrolments, no data around them, no match, or hidden whole).
    Reads the store through new sessions on ``session``'s database (what is published is
    remembered): call it outside a write transaction of ``session``."""
    own, _every = enrolments(session, solution_id)
    if not own:
        return None
    try:
        found = solution_evaluation(session, settings, solution_id, method, basis, user)
    except NoData:
        return None
    if not found.shown:
        return None
    effects = {
        a.sector_area: MeasuredEffect(
            sector_area=a.sector_area,
            effect=a.effect,
            low=a.low,
            high=a.high,
            treated=a.treated or 0,
            matched=a.comparison or 0,
            method=method,
            basis=basis.value,
        )
        for a in found.areas
        if a.effect is not None
    }
    return effects or None
