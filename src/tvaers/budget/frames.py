"""Budget frames (003 §1; issue 13): a frame groups sector areas for a year and is steered

* ``broad`` (brede budgetrammer): money may be moved freely between the frame's areas; the
  frame's total holds. Each area shows what may be moved from it (its expected underspend); the
  frame is flagged only when the frame as a whole is expected to overspend.
* ``firm`` (håndfast rammestyring): each area's budget holds and no cash-financed supplement is
  given; an expected overspend must be financed by underspend elsewhere in the frame. Each
  overspending area is flagged, with the frame's areas that have an underspend and how much each
  has, and what cannot be covered within the frame.

An area outside every frame that is expected to overspend is flagged too: its overspend must be
covered by the whole budget. Frames are versioned in ``budget_frames`` (append-only; the newest
version of a year's frame by name is in force) and changed by ``BUDGET_EDITORS`` only, audited.
:func:`steer` is the pure rule; the rest reads and writes the store.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from tvaers import access
from tvaers.access import Actor
from tvaers.budget.budgets import checked_area, checked_note, checked_year, serialised
from tvaers.budget.model import BudgetError
from tvaers.budget.versions import add_version
from tvaers.core.access import BUDGET_EDITORS
from tvaers.store.models_budget import BudgetFrame

ZERO = Decimal("0.00")


class Steering(StrEnum):
    BROAD = "broad"
    FIRM = "firm"


STEERING_LABELS = {Steering.BROAD: "Bred budgetramme", Steering.FIRM: "Håndfast rammestyring"}


def parse_steering(text: str) -> Steering:
    """``broad``/``firm``, or the Danish ``bred``/``håndfast`` (as the page's labels)."""
    words = {"bred": Steering.BROAD, "håndfast": Steering.FIRM, **{s.value: s for s in Steering},
             **{label.lower(): s for s, label in STEERING_LABELS.items()}}  # fmt: skip
    found = words.get(text.strip().lower())
    if found is None:
        raise BudgetError(
            f"Styringen «{text}» findes ikke.",
            hint="Vælg bred budgetramme eller håndfast rammestyring.",
        )
    return found


# --- the store --------------------------------------------------------------------------------


def frames(session: Session, year: int) -> list[BudgetFrame]:
    """The year's frames in force (newest version of each name), by name."""
    latest: dict[str, BudgetFrame] = {}
    query = select(BudgetFrame).where(BudgetFrame.year == year).order_by(BudgetFrame.version)
    for f in session.scalars(query):  # the year's frames: a handful
        latest[f.name] = f
    return [latest[n] for n in sorted(latest) if latest[n].areas]


def frame_history(session: Session, year: int, name: str | None = None) -> list[BudgetFrame]:
    """Every version of the year's frames (or the named one), newest first."""
    query = select(BudgetFrame).where(BudgetFrame.year == year)
    if name is not None:
        query = query.where(BudgetFrame.name == name)
    found = session.scalars(query.order_by(BudgetFrame.name, BudgetFrame.version.desc()))
    return list(found)


def set_frame(
    session: Session,
    actor: Actor,
    year: int,
    name: str,
    steering: str,
    areas: Sequence[str],
    note: str | None = None,
    known_areas: Mapping[str, str] | None = None,
) -> tuple[BudgetFrame, bool]:
    """A new version of the year's frame ``name`` (no areas: the frame is dissolved); nothing
    saved when it is unchanged. An area may be in one frame of a year only."""
    access.require_role(actor, BUDGET_EDITORS, "At ændre budgetrammerne")
    year, label = checked_year(year), checked_note(name, "Rammens navn", 200)
    if not label:
        raise BudgetError("Giv rammen et navn.", hint="Fx «Det specialiserede område».")
    chosen = parse_steering(steering)
    codes = sorted({checked_area(a, known_areas) for a in areas if a.strip()})
    text = checked_note(note)
    serialised(session)
    named = known_areas or {}
    for other in frames(session, year):
        shared = set(other.areas) & set(codes)
        if other.name != label and shared:
            raise BudgetError(
                f"{', '.join(sorted(named.get(c, c) for c in shared))} ligger allerede i rammen "
                f"«{other.name}» for {year}.",
                hint="Et område kan kun ligge i én ramme pr. år; tag det ud af den anden først.",
            )
    before = frame_history(session, year, label)
    last = before[0] if before else None
    if last is not None and last.steering == chosen.value and sorted(last.areas) == codes:
        return last, False
    if last is None and not codes:
        raise BudgetError("Vælg de sektorområder, rammen omfatter.")
    frame = BudgetFrame(year=year, name=label, steering=chosen.value, areas=codes,
                        version=(last.version if last else 0) + 1, changed_by=actor.username,
                        note=text)  # fmt: skip
    add_version(session, frame, "rammen")
    access.record(session, actor, "budgetramme_sat", detail={
        "year": year, "name": label, "steering": chosen.value, "areas": codes,
        "version": frame.version, "note": text,
    })  # fmt: skip
    return frame, True


# --- the rule ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Position:
    """An area's expected position for the year: budget and expected year end."""

    sector_area: str
    budget: Decimal
    expected: Decimal

    @property
    def deviation(self) -> Decimal:
        """Positive: an expected overspend; negative: an underspend."""
        return self.expected - self.budget

    @property
    def underspend(self) -> Decimal:
        return max(-self.deviation, ZERO)

    @property
    def overspend(self) -> Decimal:
        return max(self.deviation, ZERO)


@dataclass(frozen=True)
class Cover:
    """An area with underspend within the frame, and how much it has."""

    sector_area: str
    amount: Decimal


@dataclass(frozen=True)
class Flag:
    """An overspend that must be covered: ``sector_area`` (empty: the broad frame as a whole),
    ``frame`` (``None``: outside every frame, covered by the whole budget), where it may be
    covered within the frame (``covers``) and what cannot be covered there (``uncovered``)."""

    sector_area: str
    frame: str | None
    overspend: Decimal
    covers: tuple[Cover, ...]
    uncovered: Decimal


@dataclass(frozen=True)
class FrameView:
    """A frame for the year: its areas' positions, what may be moved (broad: each area's
    underspend) and the frame's own total deviation."""

    name: str
    steering: Steering
    positions: tuple[Position, ...]
    movable: tuple[Cover, ...]
    flags: tuple[Flag, ...]

    @property
    def budget(self) -> Decimal:
        return sum((p.budget for p in self.positions), ZERO)

    @property
    def expected(self) -> Decimal:
        return sum((p.expected for p in self.positions), ZERO)

    @property
    def deviation(self) -> Decimal:
        return self.expected - self.budget


@dataclass(frozen=True)
class Steered:
    frames: tuple[FrameView, ...]
    outside: tuple[Flag, ...]  # overspending areas in no frame

    def flags(self) -> list[Flag]:
        return [f for v in self.frames for f in v.flags] + list(self.outside)

    def flag_of(self, area: str) -> Flag | None:
        return next((f for f in self.flags() if f.sector_area == area), None)

    def frame_of(self, area: str) -> FrameView | None:
        return next((v for v in self.frames if any(p.sector_area == area for p in v.positions)),
                    None)  # fmt: skip


def _frame(name: str, steering: Steering, positions: tuple[Position, ...]) -> FrameView:
    covers = tuple(Cover(p.sector_area, p.underspend) for p in positions if p.underspend > 0)
    available = sum((c.amount for c in covers), ZERO)
    flags: list[Flag] = []
    if steering is Steering.FIRM:
        overspent = [p for p in positions if p.overspend > 0]
        total = sum((p.overspend for p in overspent), ZERO)
        uncovered = max(total - available, ZERO)
        flags = [Flag(p.sector_area, name, p.overspend, covers, uncovered) for p in overspent]
        return FrameView(name, steering, positions, (), tuple(flags))
    frame_over = sum((p.deviation for p in positions), ZERO)
    if frame_over > 0:  # the broad frame as a whole: covered by the whole budget
        flags = [Flag("", name, frame_over, (), frame_over)]
    return FrameView(name, steering, positions, covers, tuple(flags))


def steer(
    frames_in_force: Sequence[tuple[str, Steering, Sequence[str]]],
    positions: Mapping[str, Position],
) -> Steered:
    """The frames' views and flags for the year from each area's position (an area of a frame
    without a position — no budget, no data — is left out)."""
    views: list[FrameView] = []
    framed: set[str] = set()
    for name, steering, areas in frames_in_force:
        chosen = tuple(positions[a] for a in sorted(areas) if a in positions)
        framed.update(areas)
        views.append(_frame(name, steering, chosen))
    outside = tuple(
        Flag(p.sector_area, None, p.overspend, (), p.overspend)
        for code, p in sorted(positions.items())
        if code not in framed and p.overspend > 0
    )
    return Steered(tuple(views), outside)


def steered(session: Session, year: int, positions: Mapping[str, Position]) -> Steered:
    """:func:`steer` with the year's frames in force."""
    chosen = [(f.name, Steering(f.steering), list(f.areas)) for f in frames(session, year)]
    return steer(chosen, positions)
