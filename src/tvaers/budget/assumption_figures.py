"""The budget assumptions against the data (003 §2.1): per intervention type and year, planned
full-year persons Qb × planned price Pb against actual full-year persons Qa × actual price Pa,
and the deviation split into a volume effect (Qa − Qb) × Pb and a price effect (Pa − Pb) × Qa
(:func:`tvaers.budget.model.variance`), gross or net of the state.

*Actual full-year persons* Qa = the activities' days in the counted window ÷ the year's days
(:mod:`tvaers.budget.assumption_queries`: the window is the draw's months of the year, to the
end of the data's last month; an open-ended activity runs to there). *Actual spend* = the
draw's lines of the intervention type in the year (registered and attributed), gross or net.
*Actual price* Pa = spend ÷ Qa, kept exact for the decomposition (both to 40 significant
digits, so Qa × Pa is the spend to the øre) and shown rounded to the øre; so planned +
variance = the spend exactly, and volume + price = variance exactly. A type with spend but no
activity days (or a negative net spend) has no price: its volume effect is (0 − Qb) × Pb and
the rest of the variance is its price effect.

:func:`variance_rows` gives every row unsuppressed (for the monthly follow-up down to the single
case, issue 14, and for tests; the caller checks access); :func:`published` gives the
statistical view: each type's actual figures are hidden when fewer than five citizens are
behind them or when they are 1-4 citizens from a set shown before, and the total's volume and
price effects are hidden when a type is (they would give the hidden types' days away).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal, localcontext
from typing import Any

import ibis.expr.types as ir
from sqlalchemy.orm import Session

from tvaers.budget import assumption_queries as aq
from tvaers.budget import model
from tvaers.budget.assumptions import Planned
from tvaers.budget.state import Basis, net_lines
from tvaers.core.config import Settings
from tvaers.core.errors import NoData
from tvaers.core.money import round_to_ore
from tvaers.core.periods import Period
from tvaers.core.sketch import Sketch
from tvaers.core.suppression import TOTAL, Key, hidden_note, suppress_counts
from tvaers.draw import cache
from tvaers.draw.reference import YearChoice
from tvaers.draw.session import Analysis, opened
from tvaers.engine.sketches import sketches
from tvaers.store.publications import Ledger, publishing

ZERO = Decimal("0.00")
CACHE_KIND = "budgetforudsaetninger"
KIND = "citizen:indsats"
NO_PRICE = "Udgift uden aktivitetsdage: hele prisafvigelsen er priseffekt"
NO_ASSUMPTION = "Ingen budgetforudsætning"
TOTAL_HIDDEN = "Mængde- og priseffekt i alt skjult, fordi en indsatstype er skjult"


@dataclass(frozen=True)
class VarianceRow:
    """One intervention type (or the total): planned, actual and the variance decomposed.
    Actual figures are ``None`` when hidden (``note`` says why)."""

    intervention: str
    name: str
    citizens: int | None
    days: int | None  # activity days in the window (exact actual units: days ÷ year_days)
    planned_units: Decimal | None
    planned_price: Decimal | None
    planned: Decimal | None
    actual_units: Decimal | None  # rounded to four decimals for display
    actual_price: Decimal | None  # rounded to the øre for display
    actual: Decimal | None  # the spend, exact
    variance: Decimal | None
    volume: Decimal | None
    price: Decimal | None
    note: str | None = None


@dataclass(frozen=True)
class Variances:
    year: int
    basis: str
    window: Period  # the months counted: the year within the data
    year_days: int
    rows: tuple[VarianceRow, ...]
    total: VarianceRow


def units_of(days: int, days_in_year: int) -> Decimal:
    """Full-year persons as shown: days ÷ the year's days, rounded half to even to 4 decimals."""
    return (Decimal(days) / Decimal(days_in_year)).quantize(Decimal("0.0001"))


def year_days(year: int) -> int:
    return 366 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 365


# --- the decomposition of one type --------------------------------------------------------------


def decompose(
    planned: Planned | None, days: int, days_in_year: int, spend: Decimal
) -> model.Variance:
    """The variance of one type: Qa = days ÷ the year's days, Pa = spend ÷ Qa (exact to 40
    digits); ``actual`` is the spend to the øre. Without days (or with a negative spend) the
    price is 0 and the rest of the variance after the volume effect is the price effect."""
    qb = planned.units if planned else Decimal(0)
    pb = planned.price if planned else Decimal(0)
    with localcontext() as ctx:
        ctx.prec = 40
        qa = Decimal(days) / Decimal(days_in_year)
        if days > 0 and spend >= 0:
            pa = spend * Decimal(days_in_year) / Decimal(days)
            found = model.variance(qb, pb, qa, pa)
            if found.actual != spend:  # pragma: no cover - 40 digits leave no room for this
                raise model.BudgetError(f"Afvigelsen afstemmer ikke med udgiften ({spend}).")
            return found
        base = model.variance(qb, pb, qa, Decimal(0))
    total = spend - base.planned
    return replace(base, actual=spend, variance=total, price=total - base.volume)


def _row(
    code: str, name: str, citizens: int, days: int, spend: Decimal, planned: Planned | None,
    days_in_year: int,
) -> VarianceRow:  # fmt: skip
    v = decompose(planned, days, days_in_year, spend)
    shown_price = round_to_ore(v.actual_price) if days > 0 and spend >= 0 else None
    note = (
        NO_ASSUMPTION if planned is None else (NO_PRICE if shown_price is None and spend else None)
    )
    return VarianceRow(
        code, name, citizens, days,
        planned.units if planned else None, planned.price if planned else None,
        v.planned if planned else None,
        units_of(days, days_in_year), shown_price,
        v.actual, v.variance, v.volume, v.price, note,
    )  # fmt: skip


# --- the actuals from the data ------------------------------------------------------------------


@dataclass(frozen=True)
class _Actuals:
    window: Period
    figures: list[dict[str, Any]]  # intervention, days, spend, citizens
    names: dict[str, str]
    members: ir.Table  # citizen, intervention
    everyone: int


def _actuals(analysis: Analysis, year: int, basis: Basis) -> _Actuals:
    window = analysis.period(year)
    gross = analysis.attribution(window).lines
    lines = net_lines(analysis, gross, window) if basis is Basis.NET else gross
    days = aq.activity_days(analysis.table("activities"), window)
    spent = aq.spend_lines(lines, basis is Basis.NET)
    who = analysis.materialised(
        "assumption_members", (window,), lambda: aq.members(days, aq.spend_lines(gross, False))
    )
    figures = aq.per_intervention(days, spent, who).to_pyarrow().to_pylist()
    itv = analysis.table("interventions").select("intervention", "name").to_pyarrow().to_pylist()
    count = int(aq.everyone(who).count().to_pyarrow().as_py())
    return _Actuals(window, figures, {r["intervention"]: r["name"] or "" for r in itv}, who, count)


def _all_rows(
    found: _Actuals, planned: Mapping[str, Planned], days_in_year: int
) -> list[VarianceRow]:
    by_code = {r["intervention"]: r for r in found.figures}
    rows = []
    for code in sorted(set(by_code) | set(planned)):  # the intervention types: dozens
        r = by_code.get(code, {})
        rows.append(_row(code, found.names.get(code, ""), int(r.get("citizens") or 0),
                         int(r.get("days") or 0), r.get("spend") or ZERO, planned.get(code),
                         days_in_year))  # fmt: skip
    return rows


def _total(rows: list[VarianceRow], days_in_year: int, count: int | None, hidden: bool,
           days: int | None, spend: Decimal | None) -> VarianceRow:  # fmt: skip
    planned_rows = [r for r in rows if r.planned is not None]
    planned = sum((r.planned or ZERO for r in planned_rows), ZERO)
    units = sum((r.planned_units or Decimal(0) for r in planned_rows), Decimal(0))
    effects = None if hidden else (sum((r.volume or ZERO for r in rows), ZERO),
                                   sum((r.price or ZERO for r in rows), ZERO))  # fmt: skip
    return VarianceRow(
        TOTAL, TOTAL, count, days, units, None, planned,
        None if days is None else units_of(days, days_in_year),
        None, spend, None if spend is None else spend - planned,
        effects[0] if effects else None, effects[1] if effects else None,
        TOTAL_HIDDEN if hidden else None,
    )  # fmt: skip


def variance_rows(
    analysis: Analysis, year: int, basis: Basis, planned: Mapping[str, Planned]
) -> Variances:
    """Every intervention type's variance for the year, unsuppressed (person-level in effect:
    for the follow-up down to the single case and for tests; the caller checks access)."""
    found = _actuals(analysis, year, basis)
    n = year_days(year)
    rows = _all_rows(found, planned, n)
    days = sum(r.days or 0 for r in rows)
    spend = sum((r.actual or ZERO for r in rows), ZERO)
    return Variances(year, basis.value, found.window, n, tuple(rows),
                     _total(rows, n, found.everyone, False, days, spend))  # fmt: skip


def rows_for(analysis: Analysis, session: Session, year: int, basis: Basis) -> Variances:
    """:func:`variance_rows` with the assumptions in force in the store for the year and basis:
    the per-intervention rows the monthly follow-up down to the single case (issue 14) starts
    from. Unsuppressed; the caller checks access."""
    from tvaers.budget.assumptions import planned

    return variance_rows(analysis, year, basis, planned(session, year, basis))


# --- the statistical view -----------------------------------------------------------------------


def kind(year: int, code: str) -> str:
    return f"{KIND}:{year}" if code == TOTAL else f"{KIND}:{year}:{code}"


def type_sets(analysis: Analysis, who: ir.Table, codes: list[str]) -> dict[Key, Sketch]:
    """The sketch of each intervention type's citizens among ``who`` (the activities' members:
    ``citizen, intervention``) and of all of them: what the cross-request rule compares (the
    monthly deviations of issue 14 share it)."""
    sets = sketches(analysis.backend, who, "citizen", {c: who.intervention == c for c in codes})
    everyone = aq.everyone(who)
    whole = sketches(analysis.backend, everyone, "citizen", {TOTAL: everyone.citizen.notnull()})
    found_sets: dict[Key, Sketch] = {(c,): s for c, s in sets.items()}
    found_sets[(TOTAL,)] = whole[TOTAL]
    return found_sets


def _hidden(row: VarianceRow, note: str | None) -> VarianceRow:
    return replace(row, citizens=None, days=None, actual_units=None, actual_price=None,
                   actual=None, variance=None, volume=None, price=None, note=note)  # fmt: skip


def suppressed(
    analysis: Analysis, year: int, basis: Basis, planned: Mapping[str, Planned], ledger: Ledger
) -> Variances:
    """The statistical view (see the module's docstring): planned figures always shown (they
    are the municipality's own), actual figures of a type only for five citizens or more."""
    found = _actuals(analysis, year, basis)
    n = year_days(year)
    rows = _all_rows(found, planned, n)
    codes = [r.intervention for r in rows]
    sets = type_sets(analysis, found.members, codes)
    earlier = [k for k, s in sets.items() if ledger.close(kind(year, k[0]), s)]
    table = suppress_counts(
        {(r.intervention,): r.citizens or 0 for r in rows},
        measures={"days": {(r.intervention,): Decimal(r.days or 0) for r in rows},
                  "spend": {(r.intervention,): r.actual or ZERO for r in rows}},
        unit="borgere", earlier=earlier, totals={(TOTAL,): found.everyone},
    )  # fmt: skip
    for key, cell in table.cells.items():
        if cell.published and key in sets:
            ledger.publish(kind(year, key[0]), sets[key])
    cells = {r.intervention: table.cell(r.intervention) for r in rows}
    shown = [r if cells[r.intervention].published else _hidden(r, cells[r.intervention].note)
             for r in rows]  # fmt: skip
    whole = table.cell(TOTAL)
    any_hidden = any(not table.cell(c).published for c in codes)
    if whole.published and whole.measures is not None:
        total = _total(rows, n, whole.count, any_hidden, int(whole.measures["days"]),
                       whole.measures["spend"])  # fmt: skip
    else:
        total = _hidden(
            _total(rows, n, None, True, None, None), whole.note or hidden_note("borgere")
        )
    return Variances(year, basis.value, found.window, n, tuple(shown), total)


# --- cached, remembered ---------------------------------------------------------------------------


def _parts(
    analysis: Analysis, year: int, basis: Basis, planned: Mapping[str, Planned]
) -> list[Any]:
    config = analysis.config
    return [
        year, basis.value,
        sorted([code, str(p.units), str(p.price)] for code, p in planned.items()),
        cache.config_fingerprint(config.attribution, config.overlaps),
    ]  # fmt: skip


def _document(found: Variances) -> cache.Document:
    return {**cache.shallow(found), "rows": [cache.shallow(r) for r in found.rows],
            "total": cache.shallow(found.total)}  # fmt: skip


def _variances_of(found: cache.Document) -> Variances:
    return Variances(**{**found, "rows": tuple(VarianceRow(**r) for r in found["rows"]),
                        "total": VarianceRow(**found["total"])})  # fmt: skip


def published(
    settings: Settings,
    sessions: Callable[[], Session],
    year: int,
    basis: Basis,
    planned: Mapping[str, Planned],
    context: str,
    user: str | None,
) -> Variances:
    """:func:`suppressed` on the home's data, the sets it shows remembered in the store; from
    the cache when the loaded data and the assumptions are those of an earlier computation.
    :class:`~tvaers.core.errors.NoData` when nothing is loaded or the year has no postings."""
    with opened(settings) as analysis:

        def compute() -> cache.Document:
            return _document(publishing(
                sessions, context, user,
                lambda ledger: suppressed(analysis, year, basis, planned, ledger),
            ))  # fmt: skip

        parts = _parts(analysis, year, basis, planned)
        return _variances_of(cache.cached(settings, analysis.loaded, CACHE_KIND, parts, compute))


def cached_variances(
    settings: Settings, year: int, basis: Basis, planned: Mapping[str, Planned]
) -> Variances | None:
    """The view if it is cached (``None``: it must be computed; nothing is computed)."""
    with opened(settings) as analysis:
        parts = _parts(analysis, year, basis, planned)
        found = cache.peek(settings, analysis.loaded, CACHE_KIND, parts)
    return None if found is None else _variances_of(found)


def year_choice(settings: Settings, wanted: int | None) -> YearChoice | None:
    """The year to show (``wanted`` when the data cover it, else the latest full year) and the
    years the data cover; ``None`` when nothing is loaded."""
    try:
        with opened(settings) as analysis:
            return analysis.span.choose_year(wanted)
    except NoData:
        return None
