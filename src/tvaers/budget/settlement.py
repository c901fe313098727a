"""The retrospective settlement (Albertslund, DOMAIN.md §3.5; issue 13): a solution's enrolled
citizens' baseline ("old solution") against their actual draw ("new solution") per sector area
for a year, the budget change per area and the cross-cutting line «Fælles om målet» against the
solution's efficiency requirement (:func:`tvaers.budget.model.settle`).

From the data (:func:`figures`, :func:`published`): set-based over all the enrolled citizens
(:mod:`.settlement_queries`), gross or net of the state (:mod:`.state`). Statistical: each area
counts the citizens with a draw in it (before or in the year) and passes small-cell suppression
and the rule across requests (kind ``citizen:afregning:<year>``); a hidden area's money goes to
one line «Skjulte områder samlet», which is the published total less the published areas (so
it tells nothing new) and keeps the settlement's sums whole.

Recorded (:func:`record`): a settlement version in the store, from the data or entered by hand,
by a budget editor, audited; :func:`recorded_for_area` gives an area's line of each solution's
newest version (the area chief's page).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import ibis
from sqlalchemy import select
from sqlalchemy.orm import Session

from tvaers import access
from tvaers.access import Actor
from tvaers.budget import settlement_queries as sq
from tvaers.budget.model import BudgetError, Settlement, settle
from tvaers.budget.versions import add_version, newest_per, next_version
from tvaers.core.access import BUDGET_EDITORS
from tvaers.core.config import Settings
from tvaers.core.errors import NoData
from tvaers.core.money import format_dkk, from_ore, to_ore
from tvaers.core.periods import Month, Period, months_before
from tvaers.core.suppression import (
    EARLIER_NOTE,
    SMALL_CELL,
    TOTAL,
    SuppressedTable,
    hidden_note,
    suppress_counts,
)
from tvaers.draw import cache
from tvaers.draw import queries_economy as qe
from tvaers.draw.attribution import materialise
from tvaers.draw.session import Analysis, opened
from tvaers.draw.solution_economy import Enrolled
from tvaers.engine.sketches import sketches
from tvaers.principles.model import PrinciplesError
from tvaers.principles.service import checked_text
from tvaers.store.models import Solution
from tvaers.store.models_budget import SettlementRecord
from tvaers.store.publications import Ledger, publishing

KIND = "citizen:afregning"
CACHE_KIND = "afregning"
HIDDEN_AREAS = "skjulte-omraader"  # the line of the hidden areas together
HIDDEN_AREAS_NAME = "Skjulte områder samlet"
SOURCES = ("data", "hand")
BASES = ("gross", "net")
ZERO = Decimal("0.00")


# --- from the data ----------------------------------------------------------------------------


@dataclass(frozen=True)
class FigureArea:
    """One sector area's baseline (scaled to the months counted) and actual; ``None`` where
    hidden (``note`` says why)."""

    sector_area: str
    name: str
    budget_holder: str | None
    citizens: int | None
    baseline: Decimal | None
    actual: Decimal | None
    note: str | None


@dataclass(frozen=True)
class SettlementFigures:
    """The settlement's figures from the data; ``members`` ``None`` when the group is hidden."""

    year: int
    basis: str
    members: int | None
    note: str | None
    period: Period | None  # the year's months within the data
    member_months: int | None  # the months counted, added up over the citizens
    incomplete: int | None  # citizens whose baseline window begins before the data
    areas: tuple[FigureArea, ...]  # by area code
    baseline_total: Decimal | None
    actual_total: Decimal | None

    @property
    def shown(self) -> bool:
        return self.members is not None and self.baseline_total is not None

    def lines(self) -> list[tuple[str, Decimal, Decimal]]:
        """``(area, baseline, actual)`` of the shown areas, and of the hidden ones together
        (:data:`HIDDEN_AREAS`) when any is hidden: they add up to the totals."""
        if not self.shown or self.baseline_total is None or self.actual_total is None:
            return []
        shown = [(a.sector_area, a.baseline, a.actual) for a in self.areas
                 if a.baseline is not None and a.actual is not None]  # fmt: skip
        rest_b = self.baseline_total - sum((b for _a, b, _c in shown), ZERO)
        rest_a = self.actual_total - sum((c for _a, _b, c in shown), ZERO)
        if len(shown) < len(self.areas):
            shown.append((HIDDEN_AREAS, rest_b, rest_a))
        return shown

    def settlement(self, requirement: Decimal) -> Settlement | None:
        """Albertslund's settlement of these figures against ``requirement``."""
        found = self.lines()
        if not found:
            return None
        return settle({a: b for a, b, _ in found}, {a: c for a, _, c in found}, requirement)


def _empty(year: int, basis: str, members: int | None, note: str | None) -> SettlementFigures:
    return SettlementFigures(year, basis, members, note, None, None, None, (), None, None)


def kind(year: int, area: str = TOTAL) -> str:
    """The kind of a settlement figure: the year's, per area (``TOTAL``: the whole group)."""
    return f"{KIND}:{year}" if area == TOTAL else f"{KIND}:{year}:{area}"


def _rows(periods: Sequence[Enrolled]) -> tuple[tuple[Any, ...], ...]:
    return tuple(sorted(((p.id, p.unit, p.subject, p.enrolled_on, p.discharged_on)
                         for p in periods), key=str))  # fmt: skip


def figures(
    analysis: Analysis, periods: Sequence[Enrolled], year: int, basis: str, ledger: Ledger
) -> SettlementFigures:
    """The settlement's figures of the citizens of ``periods`` for ``year`` on ``basis``
    (``gross`` or ``net`` of the state), suppressed (see the module's docstring)."""
    if basis not in BASES:
        raise BudgetError(f"Grundlaget «{basis}» findes ikke.", hint="Vælg gross eller net.")
    span = analysis.span
    in_data = Period.year(year).clip(span.first, span.last)
    if in_data is None:
        return _empty(year, basis, None, f"Data dækker ikke {year} ({span.first} til {span.last}).")
    rows = _rows(periods)
    backend = analysis.backend
    members = analysis.materialised(
        "settlement_members", rows,
        lambda: qe.enrolled_citizens(qe.periods_table(list(rows)), analysis.table("citizens")),
    )  # fmt: skip
    year_months = qe.calendar(in_data)
    group = analysis.materialised(
        "settlement_group", (rows, in_data), lambda: sq.year_group(members, year_months)
    )
    facts = (
        sq.group_facts(group, ibis.literal(Month.of(span.first).first_day))
        .to_pyarrow()
        .to_pylist()[0]
    )
    count = int(facts["citizens"] or 0)
    if not count:
        return _empty(year, basis, 0, None)
    whole = sketches(backend, group, "citizen", {TOTAL: group.citizen.notnull()})[TOTAL]
    if count < SMALL_CELL:
        return _empty(year, basis, None, hidden_note("i gruppen"))
    if ledger.close(kind(year), whole):
        return _empty(year, basis, None, EARLIER_NOTE)
    per_citizen = _per_citizen(analysis, group, members, year_months, in_data, basis)
    table = _suppressed(analysis, per_citizen, count, year, ledger)
    ledger.publish(kind(year), whole)
    names, holders = analysis.area_names, analysis.budget_holders
    areas = tuple(
        FigureArea(
            sector_area=area, name=names.get(area, area), budget_holder=holders.get(area),
            citizens=cell.count, baseline=_measure(cell.measures, "baseline"),
            actual=_measure(cell.measures, "actual"), note=cell.note,
        )
        for (area,), cell in table.cells.items()
        if area != TOTAL
    )  # fmt: skip
    total = table.cells[(TOTAL,)]
    return SettlementFigures(
        year=year, basis=basis, members=count, note=None, period=in_data,
        member_months=int(facts["member_months"] or 0), incomplete=int(facts["incomplete"] or 0),
        areas=areas, baseline_total=_measure(total.measures, "baseline"),
        actual_total=_measure(total.measures, "actual"),
    )  # fmt: skip


def _measure(measures: Any, name: str) -> Decimal | None:
    return None if measures is None else Decimal(measures[name]).quantize(ZERO)


def _per_citizen(
    analysis: Analysis, group: Any, members: Any, year_months: Any, in_data: Period, basis: str
) -> Any:
    """Per citizen and area the scaled baseline and the actual (materialised)."""
    first = group.reference_date.min().to_pyarrow().as_py()
    wanted = Period(months_before(first).first, in_data.last)
    period = analysis.period(None, wanted)
    lines = analysis.attribution(period).lines
    lines = lines.semi_join(group, lines.citizen == group.citizen)
    amount = "amount"
    if basis == "net":
        from tvaers.budget import state

        lines, amount = state.net_lines(analysis, lines, period), "net"
    return materialise(
        analysis.backend, "settlement_citizens",
        sq.citizen_areas(lines, group, year_months, members, amount),
    )  # fmt: skip


def _suppressed(
    analysis: Analysis, per_citizen: Any, count: int, year: int, ledger: Ledger
) -> SuppressedTable:
    """Per area: citizens, baseline and actual, suppressed within and across requests."""
    sums = sq.area_sums(per_citizen).to_pyarrow().to_pylist()
    areas = sorted(str(r["sector_area"]) for r in sums)
    counts = {(str(r["sector_area"]),): int(r["citizens"]) for r in sums}
    baseline = {(str(r["sector_area"]),): from_ore(sq.baseline_ore(r["baseline_scaled"]))
                for r in sums}  # fmt: skip
    actual = {(str(r["sector_area"]),): from_ore(int(r["actual"])) for r in sums}
    sets = sketches(
        analysis.backend, per_citizen, "citizen", {a: per_citizen.sector_area == a for a in areas}
    )
    earlier = [(a,) for a, s in sets.items() if ledger.close(kind(year, a), s)]
    table = suppress_counts(
        dict(sorted(counts.items())), measures={"baseline": baseline, "actual": actual},
        unit="borgere", earlier=earlier, totals={(TOTAL,): count},
    )  # fmt: skip
    for (area,), cell in table.cells.items():
        if cell.published and area in sets:
            ledger.publish(kind(year, area), sets[area])
    return table


def _parts(analysis: Analysis, periods: Sequence[Enrolled], year: int, basis: str) -> list[Any]:
    config = analysis.config
    return [
        [[str(v) for v in row] for row in _rows(periods)], year, basis,
        cache.config_fingerprint(config.attribution, config.overlaps),
    ]  # fmt: skip


def _figures_of(found: cache.Document) -> SettlementFigures:
    return SettlementFigures(**{**found, "areas": tuple(FigureArea(**a) for a in found["areas"])})


def published(
    settings: Settings,
    sessions: Callable[[], Session],
    periods: Sequence[Enrolled],
    year: int,
    basis: str,
    context: str,
    user: str | None,
) -> SettlementFigures:
    """:func:`figures` on the home's data, the sets shown remembered in the store; from the
    cache when the loaded data and the inputs are those of an earlier computation.
    :class:`~tvaers.core.errors.NoData` when nothing is loaded."""
    with opened(settings) as analysis:

        def compute() -> cache.Document:
            found = publishing(
                sessions, context, user,
                lambda ledger: figures(analysis, periods, year, basis, ledger),
            )  # fmt: skip
            return {**cache.shallow(found), "areas": [cache.shallow(a) for a in found.areas]}

        parts = _parts(analysis, periods, year, basis)
        return _figures_of(cache.cached(settings, analysis.loaded, CACHE_KIND, parts, compute))


def cached_figures(
    settings: Settings, periods: Sequence[Enrolled], year: int, basis: str
) -> SettlementFigures | None:
    """The figures if cached (``None``: they must be computed; nothing is computed)."""
    with opened(settings) as analysis:
        parts = _parts(analysis, periods, year, basis)
        found = cache.peek(settings, analysis.loaded, CACHE_KIND, parts)
    return _figures_of(found) if found is not None else None


# --- recorded settlements ---------------------------------------------------------------------


def record(
    session: Session,
    actor: Actor,
    solution_id: int,
    year: int,
    *,
    source: str,
    basis: str,
    lines: Sequence[tuple[str, Decimal, Decimal]],
    requirement: Decimal,
    note: str = "",
) -> SettlementRecord:
    """Record a settlement version (``lines``: area, baseline, actual) by a budget editor,
    audited; checked by :func:`settle` first, so nothing half-right is stored."""
    access.require_role(actor, BUDGET_EDITORS, "At registrere en afregning")
    if source not in SOURCES or basis not in BASES:
        raise BudgetError(f"Ukendt kilde «{source}» eller grundlag «{basis}».")
    if session.get(Solution, solution_id) is None:
        raise BudgetError(f"Løsning nr. {solution_id} findes ikke.")
    found = settle({a: b for a, b, _ in lines}, {a: c for a, _, c in lines}, requirement)
    try:
        note = checked_text(note, "Bemærkningen")
    except PrinciplesError as exc:
        raise BudgetError(exc.message, hint=exc.hint) from None
    version = next_version(session, SettlementRecord, solution_id=solution_id, year=year)
    row = SettlementRecord(
        solution_id=solution_id, year=year, source=source, basis=basis,
        requirement_ore=to_ore(found.requirement),
        lines=[{"sector_area": a.sector_area, "baseline_ore": to_ore(a.baseline),
                "actual_ore": to_ore(a.actual)} for a in found.areas],
        version=version, changed_by=actor.username, note=note,
    )  # fmt: skip
    add_version(session, row, "løsningens efterregulering")
    access.record(
        session, actor, "afregning_registreret",
        detail={"solution_id": solution_id, "year": year, "version": version, "source": source,
                "basis": basis, "requirement": str(found.requirement),
                "cross_cutting_end": str(found.cross_cutting_end)},
    )  # fmt: skip
    return row


def settlement_of(row: SettlementRecord) -> Settlement:
    """A recorded settlement as the rule's :class:`Settlement`."""
    lines = row.lines or []
    return settle(
        {r["sector_area"]: from_ore(int(r["baseline_ore"])) for r in lines},
        {r["sector_area"]: from_ore(int(r["actual_ore"])) for r in lines},
        from_ore(row.requirement_ore),
    )


def versions(session: Session, solution_id: int, year: int | None = None) -> list[SettlementRecord]:
    """The solution's recorded settlements, newest first (of ``year`` when given)."""
    query = select(SettlementRecord).where(SettlementRecord.solution_id == solution_id)
    if year is not None:
        query = query.where(SettlementRecord.year == year)
    order = (SettlementRecord.year.desc(), SettlementRecord.version.desc())
    return list(session.scalars(query.order_by(*order)))


def newest(session: Session, year: int) -> list[SettlementRecord]:
    """Each solution's settlement in force for ``year`` (its newest version)."""
    return newest_per(session, SettlementRecord, ["solution_id"], SettlementRecord.year == year)


@dataclass(frozen=True)
class AreaSettlement:
    """One area's line of a solution's recorded settlement, with the settlement's end."""

    solution_id: int
    solution_name: str
    basis: str
    baseline: Decimal
    actual: Decimal
    change: Decimal
    cross_cutting_end: Decimal
    requirement_met: bool


def recorded_for_area(session: Session, area: str, year: int) -> list[AreaSettlement]:
    """The area's line of each solution's settlement in force for ``year`` (solutions whose
    settlement has no line for the area are left out), by solution name."""
    found = []
    for row in newest(session, year):  # the municipality's handful of solutions
        settled = settlement_of(row)
        line = next((a for a in settled.areas if a.sector_area == area), None)
        if line is None:
            continue
        solution = session.get(Solution, row.solution_id)
        found.append(AreaSettlement(
            solution_id=row.solution_id, solution_name=solution.name if solution else "",
            basis=row.basis, baseline=line.baseline, actual=line.actual, change=line.change,
            cross_cutting_end=settled.cross_cutting_end,
            requirement_met=settled.requirement_met,
        ))  # fmt: skip
    return sorted(found, key=lambda s: (s.solution_name, s.solution_id))


def statement(found: Settlement) -> str:
    """The settlement's end in one Danish sentence: met (exactly or more) or not, and by how
    much («Kravet er ikke indfriet: der mangler 500.000,00 kr.»; amounts end in «kr.»)."""
    if not found.requirement_met:
        return f"Kravet er ikke indfriet: der mangler {format_dkk(found.shortfall)}"
    if found.cross_cutting_end == 0:
        return (
            f"Kravet er indfriet: områderne har samlet sparet {format_dkk(found.saved)}, "
            f"præcis kravet på {format_dkk(found.requirement)}"
        )
    return (
        f"Kravet er indfriet: områderne har samlet sparet {format_dkk(found.saved)}, "
        f"{format_dkk(found.cross_cutting_end)} mere end kravet på "
        f"{format_dkk(found.requirement)}"
    )


def area_names(settings: Settings) -> dict[str, str]:
    """The loaded sector areas (code -> Danish name); empty when nothing is loaded."""
    try:
        with opened(settings) as analysis:
            return dict(analysis.area_names)
    except NoData:
        return {}


def data_years(settings: Settings) -> tuple[int, ...]:
    """The calendar years the loaded data cover (empty when nothing is loaded)."""
    try:
        with opened(settings) as analysis:
            return analysis.span.years
    except NoData:
        return ()
