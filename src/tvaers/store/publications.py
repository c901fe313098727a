"""What has been published for statistics, so that no later figure undoes suppression (issue 10 #1).

A statistical figure (a count with its amounts) stands for a set of units. Two figures whose sets
differ by 1-4 units give those units away by subtraction, whoever asked for them and whenever, so
every set behind a published figure is remembered here as a sketch (:mod:`tvaers.core.sketch`:
4 KiB, no pseudonyms) by purpose and kind of unit, and a figure whose set differs by 1-4 units
from one remembered (or published earlier in the same computation) is hidden
(:func:`tvaers.core.suppression.differs_little`). Showing the same set again is fine.

The whole population a computation counts from is published (the overview shows the
municipality's draw), and with every set its complement in that population: «everybody but the
one 93-year-old» is refused because it differs by one from everybody, and «the 93-year-old and
four more» alongside «the four» because their complements do.

:func:`publishing` runs a computation with a fresh :class:`Ledger` and then stores the sets it
published in one short transaction under a lock, after checking them once more against what other
users stored meanwhile; if something conflicts, the computation runs again and now sees it. The
rules and what they leave open are in ``docs/undertrykkelse.md``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from tvaers.core.errors import ErrorCode, TvaersError
from tvaers.core.sketch import Sketch, distances
from tvaers.core.suppression import SMALL_CELL, differs_little
from tvaers.store.models import PublishedSet

STATISTICAL = "statistical"
ATTEMPTS = 3
_LOCK = 7_304_201  # PostgreSQL advisory lock: one publication is stored at a time
_T = TypeVar("_T")


@dataclass
class _Entry:
    kind: str
    sketch: Sketch
    checked: bool  # a figure's own set (checked again when stored), not a population/complement


@dataclass
class Ledger:
    """The sets one computation publishes, checked against everything published before."""

    sessions: Callable[[], Session]
    context: str
    user: str | None
    purpose: str = STATISTICAL
    _entries: list[_Entry] = field(default_factory=list)
    _populations: dict[str, Sketch] = field(default_factory=dict)

    def population(self, kind: str, sketch: Sketch) -> None:
        """The whole population of ``kind`` the computation counts from: published, and the
        complement of each set published after this is published with it."""
        self._populations[kind] = sketch
        self._entries.append(_Entry(kind, sketch, checked=False))

    def close(self, kind: str, sketch: Sketch) -> bool:
        """Whether ``sketch``'s set differs by 1-4 units from a set published before (any user,
        same purpose) or earlier in this computation: then its figure must be hidden."""
        if sketch.size == 0:
            return False
        here = [e.sketch for e in self._entries if e.kind == kind]
        if _any_close(sketch, here):
            return True
        with self.sessions() as session:
            return _any_close(sketch, _stored(session, self.purpose, kind, sketch.size))

    def publish(self, kind: str, sketch: Sketch) -> None:
        """Remember a published figure's set (and its complement in the population)."""
        if sketch.size == 0:
            return
        self._entries.append(_Entry(kind, sketch, checked=True))
        whole = self._populations.get(kind)
        if whole is not None and whole.size > sketch.size:
            self._entries.append(_Entry(kind, whole - sketch, checked=False))

    def commit(self) -> bool:
        """Store the sets under a lock, after checking the published ones against what was
        stored meanwhile. False (and nothing stored) when one now differs by 1-4 from such a set:
        the figures must be decided again."""
        unique = {(e.kind, e.sketch.fingerprint): e for e in self._entries}
        with self.sessions() as session, session.begin():
            _lock(session)
            for entry in unique.values():
                if entry.checked and _any_close(
                    entry.sketch, _stored(session, self.purpose, entry.kind, entry.sketch.size)
                ):
                    return False
            known = set(
                session.execute(
                    select(PublishedSet.kind, PublishedSet.fingerprint).where(
                        PublishedSet.purpose == self.purpose,
                        PublishedSet.fingerprint.in_([f for _k, f in unique]),
                    )
                )
            )
            session.add_all(
                self._row(kind, fingerprint, entry.sketch)
                for (kind, fingerprint), entry in unique.items()
                if (kind, fingerprint) not in known
            )
        return True

    def _row(self, kind: str, fingerprint: str, sketch: Sketch) -> PublishedSet:
        return PublishedSet(
            purpose=self.purpose, kind=kind, size=sketch.size, fingerprint=fingerprint,
            sketch=sketch.to_bytes(), context=self.context[:200], published_by=self.user,
        )  # fmt: skip


def publishing(
    sessions: Callable[[], Session],
    context: str,
    user: str | None,
    compute: Callable[[Ledger], _T],
    purpose: str = STATISTICAL,
) -> _T:
    """Run ``compute`` with a ledger and store what it published; run it again (at most
    :data:`ATTEMPTS` times) when another user published a conflicting set meanwhile."""
    for _attempt in range(ATTEMPTS):
        ledger = Ledger(sessions, context, user, purpose)
        result = compute(ledger)
        if ledger.commit():
            return result
    raise TvaersError(
        "Tallene kunne ikke vises, fordi andre brugere viste lignende tal samtidig.",
        code=ErrorCode.STORE_UNAVAILABLE,
        hint="Prøv igen om et øjeblik.",
    )


def _any_close(sketch: Sketch, earlier: list[Sketch]) -> bool:
    return any(differs_little(d) for d in distances(sketch, earlier))


def _stored(session: Session, purpose: str, kind: str, size: int) -> list[Sketch]:
    """The stored sets that may differ by 1-4 from one of ``size`` units: sets that differ by
    at most 4 units differ in size by at most 4 (the index on purpose, kind and size)."""
    margin = SMALL_CELL - 1
    found = session.scalars(
        select(PublishedSet.sketch).where(
            PublishedSet.purpose == purpose,
            PublishedSet.kind == kind,
            PublishedSet.size.between(size - margin, size + margin),
        )
    )
    return [Sketch.from_bytes(blob) for blob in found]


def _lock(session: Session) -> None:
    """Take the store's lock on publishing until the transaction ends: PostgreSQL's advisory
    lock; on SQLite, a write (that matches no row) takes the database's write lock."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK})
    else:
        session.execute(text("UPDATE published_sets SET size = size WHERE id IS NULL"))
