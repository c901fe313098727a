"""Focus point 4's statistical tables from the operational store — citizens and families with
grants per solution and status, and what the solutions have committed on an area's budget per
month — suppressed within the table (fewer than five hidden, and enough others) and across
requests: a figure whose citizens and families differ by 1-4 from a set of the same kind shown
before is hidden (:mod:`tvaers.store.publications`, docs/undertrykkelse.md). A new grant for one
family would otherwise show that family's monthly amount as the difference between two visits.

The sets are the grants' subjects (a few hundred at most), sketched in Python exactly as the
engine sketches the draw's citizens (:meth:`tvaers.core.sketch.Sketch.of_keys`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal

from sqlalchemy.orm import Session

from tvaers.core.money import from_ore
from tvaers.core.sketch import Sketch
from tvaers.core.suppression import TOTAL, Key, SuppressedTable, suppress_counts
from tvaers.principles.grant_decisions import commitment_parts
from tvaers.principles.inbox import CommittedMonth
from tvaers.principles.model import GrantStatus
from tvaers.store.models_principles import Grant
from tvaers.store.publications import Ledger, publishing

Subjects = dict[Key, set[tuple[str, str]]]  # a cell -> its (unit, subject)
UNITS = "borgere og familier"


def committed_subjects(grants: Sequence[Grant], area: str, names: Mapping[int, str]) -> Subjects:
    """Who is behind each month and solution of the area's commitments: the citizens and
    families of the approved (and ended) grants with a non-zero month on the area, by the same
    rule that wrote the commitments (:func:`commitment_parts`)."""
    found: Subjects = {}
    for grant in grants:  # the grants paid (in part) by the area: a few hundred at most
        status = GrantStatus(grant.status)
        if status not in (GrantStatus.APPROVED, GrantStatus.ENDED):
            continue
        parts = commitment_parts(grant, grant.ended_on if status is GrantStatus.ENDED else None)
        solution = names.get(grant.solution_id, str(grant.solution_id))
        for (month, payer), ore in parts.items():
            if payer == area and ore:
                found.setdefault((f"{month:%Y-%m}", solution), set()).add(
                    (grant.unit, grant.subject)
                )
    return found


def _totals(sets: Subjects, rows: Sequence[str], columns: Sequence[str]) -> Subjects:
    """The distinct subjects of each row, each column and all (a citizen is in many cells)."""

    def union(keys: Sequence[Key]) -> set[tuple[str, str]]:
        return set().union(*(sets.get(k, set()) for k in keys))

    found: Subjects = {(TOTAL, TOTAL): union(list(sets))}
    found.update({(r, TOTAL): union([(r, c) for c in columns]) for r in rows})
    found.update({(TOTAL, c): union([(r, c) for r in rows]) for c in columns})
    return found


def _kind(prefix: str, key: Key) -> str:
    return ":".join([prefix, *("*" if part == TOTAL else part for part in key)])


def _table(
    ledger: Ledger, prefix: str, sets: Subjects, cells: Sequence[Key],
    measures: Mapping[str, Mapping[Key, Decimal]] | None,
) -> SuppressedTable:  # fmt: skip
    rows = list(dict.fromkeys(k[0] for k in cells))
    columns = list(dict.fromkeys(k[1] for k in cells))
    every = {**{k: sets.get(k, set()) for k in cells}, **_totals(sets, rows, columns)}
    sketches = {k: Sketch.of_keys(f"{u}:{s}" for u, s in v) for k, v in every.items() if v}
    earlier = [k for k, sk in sketches.items() if ledger.close(_kind(prefix, k), sk)]
    table = suppress_counts(
        {k: len(sets.get(k, ())) for k in cells}, measures=measures, unit=UNITS, earlier=earlier,
        totals={k: len(v) for k, v in every.items() if TOTAL in k},
    )  # fmt: skip
    for key, cell in table.cells.items():
        if cell.published and key in sketches:
            ledger.publish(_kind(prefix, key), sketches[key])
    return table


def committed_table(
    sessions: Callable[[], Session], user: str | None, area: str,
    rows: Sequence[CommittedMonth], subjects: Subjects,
) -> SuppressedTable | None:  # fmt: skip
    """Months × solutions of what is committed on ``area``, counted in distinct citizens and
    families, suppressed within and across requests (``None``: nothing committed)."""
    if not rows:
        return None
    amounts: dict[Key, Decimal] = {
        (f"{r.month:%Y-%m}", r.solution): from_ore(r.amount_ore) for r in rows
    }
    cells = list(amounts)
    return publishing(
        sessions, f"disponeret {area}", user,
        lambda ledger: _table(ledger, f"disponeret:{area}", subjects, cells, {"amount": amounts}),
    )  # fmt: skip


def overview_table(
    sessions: Callable[[], Session], user: str | None, grants: Sequence[Grant],
    names: Mapping[int, str], statuses: Sequence[str], status_of: Callable[[Grant], str],
) -> SuppressedTable | None:  # fmt: skip
    """Solutions × statuses: the distinct citizens and families with grants, suppressed within
    and across requests (``None``: no grants)."""
    if not grants:
        return None
    sets: Subjects = {}
    for g in grants:  # the municipality's grants: hundreds at most
        key = (names.get(g.solution_id, str(g.solution_id)), status_of(g))
        sets.setdefault(key, set()).add((g.unit, g.subject))
    solutions = list(dict.fromkeys(k[0] for k in sets))
    cells = [(r, s) for r in solutions for s in statuses]
    return publishing(sessions, "bevillinger", user,
                      lambda ledger: _table(ledger, "bevillinger", sets, cells, None))  # fmt: skip
