"""A solution's statistical figures of focus point 4 as the pages ask for them (issue 12): the
inputs of the "who pays" draw read from the store (:func:`inputs`), its use of
capacity-limited interventions it does not own against the places it has agreed
(:func:`solution_capacity`), and the warnings the owning area sees when a solution uses more
than it agreed (:func:`warnings`).

The figures are :mod:`tvaers.principles.who_pays`'s (counts of 1-4 citizens hidden; whether a
solution is over its agreement is decided on the true counts). No citizen is named here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import astuple, dataclass

from sqlalchemy.orm import Session

from tvaers.anchoring import service as solutions
from tvaers.core.config import Settings
from tvaers.core.errors import NoData
from tvaers.draw import cache
from tvaers.draw.session import opened
from tvaers.draw.solution_economy import Enrolled, plain
from tvaers.principles import catalogue, service
from tvaers.principles.keys import key_mapping
from tvaers.principles.review import solution_commitments
from tvaers.principles.who_pays import (
    CapacityFigures,
    Commitment,
    KeyVersion,
    capacity_view,
    plain_commitments,
)
from tvaers.selection import decisions


@dataclass(frozen=True)
class Inputs:
    """What the "who pays" draw of a solution is computed from, as plain values: the enrolment
    periods, the approved key versions in the order they apply (oldest key first, then its
    versions), and the commitments of the solution's grants."""

    periods: tuple[Enrolled, ...]
    keys: tuple[KeyVersion, ...]
    commitments: tuple[Commitment, ...]


def inputs(session: Session, solution_id: int, key: str | None = None) -> Inputs:
    """The inputs of the solution's "who pays" draw; ``key``: that key's versions only and no
    commitments (a key's effect on the coordination group's page)."""
    periods = plain(decisions.enrolments(session, solution_id))
    versions = tuple(
        KeyVersion(v.id, v.valid_from, v.valid_to, "approved", key_mapping(v.definition))
        for v in service.approved_versions(session, solution_id)
        if key is None or v.key == key
    )
    if key is not None:
        return Inputs(periods, versions, ())
    return Inputs(periods, versions, plain_commitments(solution_commitments(session, solution_id)))


@dataclass(frozen=True)
class CapacityWarning:
    """A solution that used more places in an intervention than it agreed, in ``months``
    (``YYYY-MM``, oldest first); ``hidden``: the solution's count is under five in a month."""

    solution_id: int
    solution: str
    intervention: str
    name: str
    sector_area: str  # the owning area
    area_name: str
    agreed: int
    months: tuple[str, ...]
    hidden: bool

    @property
    def last(self) -> str:
        return self.months[-1]


@dataclass(frozen=True)
class SolutionCapacity:
    """A solution's capacity page: the use per intervention and month (:class:`CapacityFigures`),
    the places it has agreed, the capacity-limited interventions of the catalogue (``code ->
    name``, for the form) and where it is over its agreement."""

    rows: tuple[CapacityFigures, ...]
    agreed: dict[str, int]
    limited: dict[str, str]
    warnings: tuple[CapacityWarning, ...]


def solution_capacity(settings: Settings, session: Session, solution_id: int) -> SolutionCapacity:
    """The solution's use of every capacity-limited intervention per month since its first
    enrolment (no rows: no one enrolled, nothing limited, or no data loaded)."""
    solution = solutions.get(session, solution_id)
    periods = plain(decisions.enrolments(session, solution_id))
    agreed = service.capacity_shares(session, solution_id)
    try:
        with opened(settings) as analysis:
            limited = {
                code: facts.name
                for code, facts in catalogue.of(analysis).interventions.items()
                if facts.capacity is not None
            }
            rows = capacity_view(analysis, periods, agreed) if periods else ()
    except NoData:
        return SolutionCapacity((), agreed, {}, ())
    found = over_agreement(solution.id, solution.name, rows, agreed)
    return SolutionCapacity(rows, agreed, limited, tuple(found))


CAPACITY_KIND = "kapacitet-advarsler"


def warnings(
    settings: Settings, session: Session, area: str | None = None
) -> list[CapacityWarning]:
    """Every solution over its agreed places in an intervention owned by ``area`` (all areas
    when ``None``): what the owning area's chief sees in the inbox
    (``templates/principles/_capacity_warnings.html``). Computed once per loaded data,
    enrolments and agreements (the draw cache), then filtered by area."""
    enrolled = [(s, plain(decisions.enrolments(session, s.id)))
                for s in solutions.all_solutions(session)]  # fmt: skip
    enrolled = [(s, periods) for s, periods in enrolled if periods]
    if not enrolled:
        return []
    agreed = {s.id: service.capacity_shares(session, s.id) for s, _ in enrolled}
    try:
        with opened(settings) as analysis:

            def compute() -> cache.Document:
                found: list[CapacityWarning] = []
                for s, periods in enrolled:  # the municipality's solutions: a handful
                    rows = capacity_view(analysis, periods, agreed[s.id])
                    found.extend(over_agreement(s.id, s.name, rows, agreed[s.id]))
                return {"warnings": [cache.shallow(w) for w in found]}

            parts = [[[s.id, s.name, [list(map(str, astuple(p))) for p in periods]]
                      for s, periods in enrolled], sorted((k, sorted(v.items()))
                                                          for k, v in agreed.items())]  # fmt: skip
            document = cache.cached(settings, analysis.loaded, CAPACITY_KIND, parts, compute)
    except NoData:
        return []
    every = [CapacityWarning(**{**w, "months": tuple(w["months"])}) for w in document["warnings"]]
    return [w for w in every if area is None or w.sector_area == area]


def over_agreement(
    solution_id: int,
    name: str,
    rows: Sequence[CapacityFigures],
    agreed: dict[str, int],
    area: str | None = None,
) -> list[CapacityWarning]:
    """The solution's warnings from its capacity rows: one per intervention (owned by
    ``area``, if given) with the months it used more places than agreed."""
    found: dict[str, list[CapacityFigures]] = {}
    for row in rows:  # interventions x months: a few hundred at most
        if row.over and (area is None or row.sector_area == area):
            found.setdefault(row.intervention, []).append(row)
    return [
        CapacityWarning(
            solution_id=solution_id, solution=name, intervention=code, name=over[0].name,
            sector_area=over[0].sector_area, area_name=over[0].area_name,
            agreed=agreed.get(code, 0), months=tuple(r.month for r in over),
            hidden=any(r.solution is None for r in over),
        )
        for code, over in found.items()
    ]  # fmt: skip
