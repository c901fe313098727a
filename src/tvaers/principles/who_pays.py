"""Who pays (issue 12): a solution's enrolled citizens' draw since enrolment per paying area and
month after its approved distribution keys, next to where it was booked and what its grants
have committed on each area; and the use of capacity-limited interventions against the places
the solution has agreed with the owning area.

The draw is the same lines as :mod:`tvaers.draw.solution_economy`'s draw since enrolment (the
months each citizen was enrolled), routed by :func:`tvaers.principles.queries.who_pays`.
:func:`reconcile` gives the totals unsuppressed (the paid and the booked add up to the group's
draw to the øre; the caller checks access); :func:`who_pays` and :func:`published` give the
statistical view: every cell (area × month, with totals) counts the citizens behind its booked,
paid or committed money, and passes small-cell suppression and the rule across requests (its
own kind of figure, ``citizen:betaler``, after the group itself has passed the check the
economy makes). :func:`capacity_view` hides occupancy counts of 1-4 citizens; its warning is
computed on the true counts.

The inputs are plain values (:func:`plain_keys`, :func:`plain_commitments`, and
:func:`tvaers.draw.solution_economy.plain` for the enrolments), read from the store by the
caller: only approved key versions are applied, each within its validity.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import ibis
import ibis.expr.types as ir
import pyarrow as pa
from sqlalchemy.orm import Session

from tvaers.core.config import Settings
from tvaers.core.periods import Month, Period
from tvaers.core.suppression import (
    EARLIER_NOTE,
    SMALL_CELL,
    TOTAL,
    Key,
    hidden_note,
    suppress_counts,
)
from tvaers.core.units import TOTAL_AREA
from tvaers.draw import cache, economy_sets
from tvaers.draw import queries_economy as qe
from tvaers.draw.attribution import materialise
from tvaers.draw.baseline_sets import group_shown_near
from tvaers.draw.economy_sets import SinceSets
from tvaers.draw.queries_money import MONEY
from tvaers.draw.session import Analysis, opened
from tvaers.draw.solution_economy import Enrolled
from tvaers.principles import queries as pq
from tvaers.principles.keys import parse_key
from tvaers.principles.model import SOLUTION_BUDGET, SOLUTION_BUDGET_NAME
from tvaers.store.models_principles import DistributionKeyVersion, Grant, GrantCommitment
from tvaers.store.publications import Ledger, publishing

CACHE_KIND = "hvem-betaler"
KIND = "citizen:betaler"
APPROVED = "approved"
ZERO = Decimal("0.00")


# --- the inputs, as plain values --------------------------------------------------------------


@dataclass(frozen=True)
class KeyVersion:
    """A distribution key version as plain values, in the order the keys apply."""

    id: int
    valid_from: date
    valid_to: date | None
    status: str
    data: dict[str, Any]


def plain_keys(rows: Iterable[DistributionKeyVersion]) -> tuple[KeyVersion, ...]:
    return tuple(KeyVersion(r.id, r.valid_from, r.valid_to, r.status, dict(r.data)) for r in rows)


@dataclass(frozen=True)
class Commitment:
    """A grant's commitment in one month on one area, with the grant's citizen or family."""

    grant_id: int
    unit: str
    subject: str
    month: date
    sector_area: str
    amount_ore: int
    key_version_id: int | None


def plain_commitments(rows: Iterable[tuple[GrantCommitment, Grant]]) -> tuple[Commitment, ...]:
    """From ``(GrantCommitment, Grant)`` pairs (the solution's grants: only an approved grant
    has commitments, an ended one its negative corrections as well)."""
    return tuple(
        Commitment(c.grant_id, g.unit, g.subject, c.month, c.sector_area, c.amount_ore,
                   c.key_version_id)
        for c, g in rows
    )  # fmt: skip


def rules_of(keys: Sequence[KeyVersion]) -> ir.Table:
    """The rules of the approved versions (validity is the query's), in the order given."""
    return pq.key_rules_table(
        [(k.id, k.valid_from, k.valid_to, parse_key(k.data)) for k in keys if k.status == APPROVED]
    )


def _enrolment_rows(periods: Sequence[Enrolled]) -> list[tuple[int, str, str, date, date | None]]:
    return [(p.id, p.unit, p.subject, p.enrolled_on, p.discharged_on) for p in periods]


# --- the group's draw, routed -----------------------------------------------------------------


@dataclass(frozen=True)
class _Paid:
    """The group's members, its draw since enrolment (``lines``) and the same routed by the
    keys (``paid``: :func:`pq.who_pays`); ``period`` ``None`` when the data end before it."""

    members: ir.Table
    count: int
    period: Period | None
    lines: ir.Table | None
    paid: ir.Table | None


def _members(analysis: Analysis, periods: Sequence[Enrolled]) -> ir.Table:
    rows = _enrolment_rows(periods)
    return analysis.materialised(
        "who_pays_members",
        tuple(sorted(rows, key=str)),
        lambda: qe.enrolled_citizens(qe.periods_table(rows), analysis.table("citizens")),
    )


def _since_period(analysis: Analysis, members: ir.Table) -> Period | None:
    first = members.first_month.min().to_pyarrow().as_py()
    if first is None or first > analysis.span.last:
        return None
    return analysis.period(None, Period.between(first, analysis.span.last))


def _paid(analysis: Analysis, periods: Sequence[Enrolled], keys: Sequence[KeyVersion]) -> _Paid:
    members = _members(analysis, periods)
    count = int(members.citizen.nunique().to_pyarrow().as_py())
    period = _since_period(analysis, members)
    if period is None:
        return _Paid(members, count, None, None, None)
    rows = tuple(sorted(_enrolment_rows(periods), key=str))
    months = analysis.materialised(
        "who_pays_months", (rows, period), lambda: qe.enrolled_months(members, qe.calendar(period))
    )
    lines = qe.since_lines(analysis.attribution(period).lines, months)
    fingerprint = tuple((k.id, k.status, str(k.valid_from), str(k.valid_to),
                         json.dumps(k.data, sort_keys=True)) for k in keys)  # fmt: skip
    paid = analysis.materialised(
        "who_pays_lines",
        (rows, period, fingerprint),
        lambda: pq.who_pays(
            lines, analysis.table("citizens"), analysis.table("interventions"), rules_of(keys)
        ),
    )
    return _Paid(members, count, period, lines, paid)


def paid_rows(
    analysis: Analysis, periods: Sequence[Enrolled], keys: Sequence[KeyVersion]
) -> pa.Table:
    """Person-level: every line of the group's draw since enrolment with the areas that pay it
    (:func:`pq.who_pays`'s columns). Casework: the caller checks access and logs."""
    found = _paid(analysis, periods, keys).paid
    if found is None:
        return PAID_SCHEMA.empty_table()
    ordered = found.order_by("citizen", "month", "booked_area", "intervention", "paying_area")
    return ordered.to_pyarrow().cast(PAID_SCHEMA)


PAID_SCHEMA = pa.schema(
    [("citizen", pa.string()), ("month", pa.date32()), ("booked_area", pa.string()),
     ("paying_area", pa.string()), ("intervention", pa.string()),
     ("amount", pa.decimal128(18, 2)), ("key_version_id", pa.int64()), ("share", pa.string())]
)  # fmt: skip


@dataclass(frozen=True)
class Reconciliation:
    """The group's draw since enrolment, booked and paid, to the øre (unsuppressed)."""

    draw: Decimal  # the lines since enrolment, as the solution's economy adds them up
    booked: Decimal  # Σ over booked areas of the routed lines
    paid: Decimal  # Σ over paying areas
    booked_by_area: dict[str, Decimal]
    paid_by_area: dict[str, Decimal]
    keyed: Decimal  # the part routed by a key (the rest stays where it was booked)

    @property
    def balanced(self) -> bool:
        return self.draw == self.booked == self.paid


def reconcile(
    analysis: Analysis, periods: Sequence[Enrolled], keys: Sequence[KeyVersion]
) -> Reconciliation:
    """The totals of the "who pays" draw, unsuppressed: Σ paid == Σ booked == the draw."""
    found = _paid(analysis, periods, keys)
    if found.paid is None or found.lines is None:
        return Reconciliation(ZERO, ZERO, ZERO, {}, {}, ZERO)
    draw = found.lines.amount.sum().cast(MONEY).to_pyarrow().as_py()
    paid = found.paid
    by_booked = paid.group_by(area="booked_area").aggregate(total=paid.amount.sum().cast(MONEY))
    by_paying = paid.group_by(area="paying_area").aggregate(total=paid.amount.sum().cast(MONEY))
    keyed = paid.filter(paid.key_version_id.notnull()).amount.sum().cast(MONEY)
    booked = {r["area"]: r["total"] for r in by_booked.to_pyarrow().to_pylist()}
    paying = {r["area"]: r["total"] for r in by_paying.to_pyarrow().to_pylist()}
    return Reconciliation(
        draw=Decimal(draw or ZERO),
        booked=sum(booked.values(), ZERO),
        paid=sum(paying.values(), ZERO),
        booked_by_area=booked,
        paid_by_area=paying,
        keyed=Decimal(keyed.to_pyarrow().as_py() or ZERO),
    )


# --- the statistical view ---------------------------------------------------------------------


@dataclass(frozen=True)
class PayFigures:
    """One paying area (``TOTAL_AREA``: all) in one month (``YYYY-MM``; ``TOTAL_AREA``: all
    months): the draw booked there, paid there after the keys, and committed there by the
    solution's grants; ``citizens`` behind any of it; ``None`` where hidden (``note``)."""

    sector_area: str
    name: str
    budget_holder: str | None
    month: str
    citizens: int | None
    booked: Decimal | None
    paid: Decimal | None
    committed: Decimal | None
    note: str | None


@dataclass(frozen=True)
class WhoPays:
    """The view; ``members`` is ``None`` when the group is hidden (``note``)."""

    members: int | None
    note: str | None
    period: Period | None  # the months shown: since the first enrolment, and the commitments'
    key_versions: tuple[int, ...]  # the approved versions applied
    rows: tuple[PayFigures, ...]  # by area and month, each area's total last, all areas last

    @property
    def shown(self) -> bool:
        return self.members is not None


def _commitments_table(commitments: Sequence[Commitment]) -> ir.Table:
    schema = pq.COMMITMENTS_SCHEMA
    columns = {f.name: [getattr(c, f.name) for c in commitments] for f in schema}
    return ibis.memtable(pa.table(columns, schema=schema))


def _months(found: _Paid, commitments: Sequence[Commitment]) -> Period | None:
    firsts = [found.period.first] if found.period else []
    lasts = [found.period.last] if found.period else []
    if commitments:
        firsts.append(Month.of(min(c.month for c in commitments)))
        lasts.append(Month.of(max(c.month for c in commitments)))
    return Period(min(firsts), max(lasts)) if firsts else None


def _group_hidden(analysis: Analysis, found: _Paid, ledger: Ledger) -> str | None:
    """Why the whole group is hidden (fewer than five, or 1-4 from a group shown before)."""
    if found.count < SMALL_CELL:
        return hidden_note("i gruppen")
    units = found.members.select(unit="citizen").distinct()
    return EARLIER_NOTE if group_shown_near(ledger, analysis.backend, units) else None


def kind(area: str, month: str) -> str:
    """The kind of a who-pays figure (``area`` or ``month`` may be :data:`TOTAL`)."""
    return economy_sets.kind(area, month, KIND)


def who_pays(
    analysis: Analysis,
    periods: Sequence[Enrolled],
    keys: Sequence[KeyVersion],
    commitments: Sequence[Commitment],
    ledger: Ledger,
) -> WhoPays:
    """The statistical view of the citizens of ``periods`` (see the module's docstring)."""
    found = _paid(analysis, periods, keys)
    applied = tuple(k.id for k in keys if k.status == APPROVED)
    if not found.count:
        return WhoPays(0, None, None, applied, ())
    note = _group_hidden(analysis, found, ledger)
    shown = _months(found, commitments)
    if note is not None or shown is None:
        return WhoPays(None if note else found.count, note, shown, applied, ())
    plan = _commitments_table(commitments)
    sums = pq.area_month_sums(found.paid, plan)
    money = sums.mutate(month=sums.month.strftime("%Y-%m")).to_pyarrow().to_pylist()
    areas = sorted({r["sector_area"] for r in money})
    if not areas:  # nothing drawn, nothing committed
        return WhoPays(found.count, None, shown, applied, ())
    cells = materialise(analysis.backend, "who_pays_cells",
                        pq.figure_cells(found.paid, plan, analysis.table("citizens")))  # fmt: skip
    days = [m.first_day for m in shown.months()]
    text = [d.strftime("%Y-%m") for d in days]
    keyed = {(r["sector_area"], r["month"]): r for r in money}  # areas x months: the figures
    measures = {m: {(a, t): keyed.get((a, t), {}).get(m) or ZERO for a in areas
                    for t in text} for m in pq.MEASURES}  # fmt: skip
    counts, totals = _counts(cells, areas, text)
    sets = SinceSets.of(ledger, analysis.backend, cells, days).sets
    earlier = [k for k, s in sets.items() if ledger.close(kind(*k), s)]
    table = suppress_counts(counts, measures=measures, unit="borgere", earlier=earlier,
                            totals=totals)  # fmt: skip
    for key, cell in table.cells.items():
        if cell.published and key in sets:
            ledger.publish(kind(*key), sets[key])
    names = {**analysis.area_names, SOLUTION_BUDGET: SOLUTION_BUDGET_NAME}
    holders = analysis.budget_holders
    last = str(found.period.last) if found.period else ""  # the data's last month
    rows = []
    for (area, month), cell in table.cells.items():  # areas x months: the figures
        code = TOTAL_AREA if area == TOTAL else area
        values: dict[str, Decimal | None] = dict(cell.measures or {})
        if month != TOTAL and month > last:  # committed ahead: nothing booked there yet
            values.update(booked=None, paid=None)
        rows.append(PayFigures(
            sector_area=code, name=names.get(code, code), budget_holder=holders.get(code),
            month=TOTAL_AREA if month == TOTAL else month, citizens=cell.count,
            booked=values.get("booked"), paid=values.get("paid"),
            committed=values.get("committed"), note=cell.note,
        ))  # fmt: skip
    return WhoPays(found.count, None, shown, applied, tuple(rows))


def _counts(
    cells: ir.Table, areas: list[str], months: list[str]
) -> tuple[dict[Key, int], dict[Key, int]]:
    """The distinct citizens per area and month, and of the totals (a citizen may be in
    several cells of a line: the totals are counted, not summed)."""
    counts: dict[Key, int] = {(a, m): 0 for a in areas for m in months}
    totals: dict[Key, int] = {}
    for r in pq.cell_counts(cells, TOTAL).to_pyarrow().to_pylist():  # areas x months
        key = (r["sector_area"], r["month"])
        (totals if TOTAL in key else counts)[key] = int(r["citizens"])
    return counts, totals


def _parts(
    analysis: Analysis,
    periods: Sequence[Enrolled],
    keys: Sequence[KeyVersion],
    commitments: Sequence[Commitment],
) -> list[Any]:
    config = analysis.config
    return [
        sorted([i, unit, subject, str(on), str(off)]
               for i, unit, subject, on, off in _enrolment_rows(periods)),
        [[k.id, k.status, str(k.valid_from), str(k.valid_to), k.data] for k in keys],
        sorted([c.grant_id, c.unit, c.subject, str(c.month), c.sector_area, c.amount_ore,
                c.key_version_id] for c in commitments),
        cache.config_fingerprint(config.attribution, config.overlaps),
    ]  # fmt: skip


def _document(found: WhoPays) -> cache.Document:
    return {**cache.shallow(found), "rows": [cache.shallow(r) for r in found.rows]}


def _who_pays_of(found: cache.Document) -> WhoPays:
    return WhoPays(**{**found, "key_versions": tuple(found["key_versions"]),
                      "rows": tuple(PayFigures(**r) for r in found["rows"])})  # fmt: skip


def published(
    settings: Settings,
    sessions: Callable[[], Session],
    periods: Sequence[Enrolled],
    keys: Sequence[KeyVersion],
    commitments: Sequence[Commitment],
    context: str,
    user: str | None,
) -> WhoPays:
    """:func:`who_pays` on the home's data, the sets it shows remembered in the store; from the
    cache when the loaded data and every input are those of an earlier computation.
    :class:`~tvaers.core.errors.NoData` when nothing is loaded."""
    with opened(settings) as analysis:

        def compute() -> cache.Document:
            return _document(publishing(
                sessions, context, user,
                lambda ledger: who_pays(analysis, periods, keys, commitments, ledger),
            ))  # fmt: skip

        parts = _parts(analysis, periods, keys, commitments)
        return _who_pays_of(cache.cached(settings, analysis.loaded, CACHE_KIND, parts, compute))


def cached_who_pays(
    settings: Settings,
    periods: Sequence[Enrolled],
    keys: Sequence[KeyVersion],
    commitments: Sequence[Commitment],
) -> WhoPays | None:
    """The view if it is cached (``None`` if it must be computed; nothing is computed)."""
    with opened(settings) as analysis:
        parts = _parts(analysis, periods, keys, commitments)
        found = cache.peek(settings, analysis.loaded, CACHE_KIND, parts)
    return _who_pays_of(found) if found is not None else None


# --- capacity ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CapacityFigures:
    """A capacity-limited intervention in one month: its places, the places agreed for the
    solution (``None``: none agreed, i.e. 0), its use by the solution's citizens and by others
    (``None`` when 1-4: hidden, ``note``), and whether the solution uses more than agreed."""

    intervention: str
    name: str
    sector_area: str  # the owning area
    area_name: str
    month: str
    places: int
    agreed: int | None
    solution: int | None
    others: int | None
    over: bool
    note: str | None


def _shown(count: int) -> int | None:
    return None if 0 < count < SMALL_CELL else count


def capacity_view(
    analysis: Analysis,
    periods: Sequence[Enrolled],
    agreed: Mapping[str, int],
    period: Period | None = None,
) -> tuple[CapacityFigures, ...]:
    """Per capacity-limited intervention and month (``period``, else since the first enrolment
    within the data): the places and their use; ``agreed``: intervention -> the places the
    solution has agreed (:class:`~tvaers.store.models_principles.CapacityShare`)."""
    members = _members(analysis, periods)
    if period is None:
        period = _since_period(analysis, members)
        if period is None:
            return ()
    months = qe.calendar(period)
    rows = pq.capacity(
        analysis.table("interventions"), analysis.table("activities"),
        qe.enrolled_months(members, months), months,
    ).to_pyarrow().to_pylist()  # fmt: skip
    names, note = analysis.area_names, hidden_note("borgere")
    found = []
    for r in rows:  # capacity-limited interventions x months: a few hundred at most
        solution, others = int(r["solution"]), int(r["others"])
        mine, rest = _shown(solution), _shown(others)
        area = r["sector_area"]
        found.append(CapacityFigures(
            intervention=r["intervention"], name=r["name"], sector_area=area,
            area_name=names.get(area, area), month=r["month"].strftime("%Y-%m"),
            places=int(r["places"]), agreed=agreed.get(r["intervention"]), solution=mine,
            others=rest, over=solution > agreed.get(r["intervention"], 0),
            note=note if mine is None or rest is None else None,
        ))  # fmt: skip
    return tuple(found)
