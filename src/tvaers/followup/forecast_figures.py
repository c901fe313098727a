"""The forecast and back-test as published (pages, commands, the monthly report): the methods
chosen read from the store, the commitments (imported and from approved grants,
:mod:`tvaers.followup.commitments`) added, a solution's figures suppressed, and the result
cached until the data, the choices or the enrolments change.

Suppression, of an area's books and a solution's citizens alike: an intervention type's figures
are hidden when fewer than five citizens (or families, for a family's grant) are behind what
they show — this year's spend to the as-of month, last year's, the commitments of the months
after — or when they are 1-4 from a set shown before under the same intervention (the budget
assumptions' and the monthly deviations' sets included), with secondary suppression so that the
total does not give a hidden type away. A type with no citizen behind it (a shared cost booked
without CPR) is the books' own and shown. A solution's group is hidden when it has fewer than
five citizens or is 1-4 from a group shown before.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import ibis.expr.types as ir
from sqlalchemy.orm import Session

from tvaers.budget.assumption_figures import kind as assumption_kind
from tvaers.core.sketch import Sketch
from tvaers.core.suppression import (
    EARLIER_NOTE,
    SMALL_CELL,
    TOTAL,
    Key,
    hidden_note,
    suppress_counts,
)
from tvaers.draw import cache
from tvaers.draw.attribution import materialise
from tvaers.draw.session import Analysis, opened
from tvaers.engine.sketches import sketches
from tvaers.followup import forecast_methods
from tvaers.followup import forecast_queries as fq
from tvaers.followup import forecast_service as fs
from tvaers.followup.commitments import committed_months
from tvaers.followup.model import METHODS, Method
from tvaers.store.publications import Ledger, publishing

FORECAST_KIND, BACKTEST_KIND = "prognose", "prognose-test"
COMPLETE_WITHIN = 7  # a month whose last posting is in its last week counts as booked to its end
SEP = "\u241f"  # between area and intervention in a cell's label


def _label(area: str, intervention: str) -> str:
    return f"{area}{SEP}{intervention}"


def _committed(
    analysis: Analysis, session: Session, scope: fs.Scope, year: int, as_of: date
) -> ir.Table:
    """The commitments of ``year``'s months; a solution's: its citizens' and their families'
    grants (a family's grant is committed to the family, not a member)."""
    if scope.periods is None:
        return committed_months(analysis, session, fq.two_years(year))
    who = fs.members(analysis, scope.periods, as_of)
    return committed_months(analysis, session, fq.two_years(year), citizens=who)


def _kind(year: int, label: str = TOTAL) -> str:
    """The ledger's kind of a forecast's set: per intervention the same as the budget
    assumptions' and the monthly deviations' (the same intervention's citizens, so a forecast
    cannot be differenced against them), per area without one its own."""
    if label == TOTAL:
        return f"citizen:prognose:{year}"
    area, intervention = label.split(SEP)
    return (
        assumption_kind(year, intervention) if intervention else f"citizen:prognose:{year}:{area}"
    )


def _group(
    analysis: Analysis, scope: fs.Scope, as_of: date, ledger: Ledger
) -> tuple[int, str | None]:
    """The solution's citizens and why the group is hidden (``None``: shown)."""
    assert scope.periods is not None
    who = fs.members(analysis, scope.periods, as_of)
    whole = sketches(analysis.backend, who, "citizen", {TOTAL: who.citizen.notnull()})[TOTAL]
    count = whole.size
    if count < SMALL_CELL:
        return count, hidden_note("i gruppen")
    if ledger.close(_kind(as_of.year), whole):
        return count, EARLIER_NOTE
    ledger.publish(_kind(as_of.year), whole)
    return count, None


def _type_sets(
    analysis: Analysis, people: ir.Table
) -> tuple[dict[str, int], dict[str, Sketch], int]:
    """Per type label the citizens (or families) behind it and their sketch, and how many
    there are in all."""
    pairs = materialise(analysis.backend, "forecast_behind", people)
    found = pairs.group_by(*fq.KEYS).aggregate(units=pairs.count()).to_pyarrow().to_pylist()
    counts = {_label(r["sector_area"], r["intervention"]): int(r["units"]) for r in found}
    conditions = {
        label: (pairs.sector_area == label.split(SEP)[0])
        & (pairs.intervention == label.split(SEP)[1])
        for label in counts
    }
    sets = sketches(analysis.backend, pairs, "unit", conditions) if conditions else {}
    everyone = pairs.select("unit").distinct().count().to_pyarrow().as_py()
    return counts, sets, int(everyone or 0)


MEASURES = ("realised", "forecast_rest", "year_end", "last_year", "committed_rest")


def _hidden_row(row: fs.ForecastRow, note: str | None) -> fs.ForecastRow:
    return replace(row, realised=None, forecast_rest=None, year_end=None, last_year=None,
                   committed_rest=None, year_ends=None, citizens=None, note=note)  # fmt: skip


def _measures(labels: list[str], rows: tuple[fs.ForecastRow, ...]) -> dict[str, dict[Key, Decimal]]:
    measures: dict[str, dict[Key, Decimal]] = {name: {} for name in MEASURES}
    measures.update({f"ye_{m.value}": {} for m in METHODS})
    for label, row in zip(labels, rows, strict=True):
        for name in MEASURES:
            measures[name][(label,)] = getattr(row, name)
        for code, value in (row.year_ends or {}).items():
            measures[f"ye_{code}"][(label,)] = value
    return measures


def suppress_forecast(
    analysis: Analysis, scope: fs.Scope, found: fs.Forecast, people: ir.Table, ledger: Ledger
) -> fs.Forecast:
    """The forecast as it may be shown (see the module's docstring); ``people``: who is behind
    each type (:func:`~tvaers.followup.forecast_queries.behind`)."""
    count: int | None = None
    if scope.solution:
        count, note = _group(analysis, scope, found.as_of, ledger)
        if note is not None:
            return replace(found, rows=(), total=_hidden_row(found.total, note), months=(),
                           members=None, note=note)  # fmt: skip
    counts, sets, everyone = _type_sets(analysis, people)
    labels = [_label(r.sector_area, r.intervention) for r in found.rows]
    year = found.year
    earlier = [(lb,) for lb in labels if lb in sets and ledger.close(_kind(year, lb), sets[lb])]
    whole = count if count is not None else everyone
    table = suppress_counts(
        {(lb,): counts.get(lb, 0) for lb in labels}, measures=_measures(labels, found.rows),
        unit="borgere", earlier=earlier, totals={(TOTAL,): whole},
    )  # fmt: skip
    rows = []
    for label, row in zip(labels, found.rows, strict=True):
        cell = table.cell(label)
        if not cell.published:
            rows.append(_hidden_row(row, cell.note))
            continue
        rows.append(replace(row, citizens=cell.count))
        if label in sets:
            ledger.publish(_kind(year, label), sets[label])
    whole_cell = table.cell(TOTAL)
    if not whole_cell.published:  # a municipality's types of so few: nothing to show in all
        note = whole_cell.note
        return replace(found, rows=tuple(rows), total=_hidden_row(found.total, note), months=(),
                       members=count, note=note)  # fmt: skip
    return replace(found, rows=tuple(rows), total=replace(found.total, citizens=count),
                   members=count)  # fmt: skip


def suppress_backtest(
    analysis: Analysis, scope: fs.Scope, found: fs.Backtest, people: ir.Table, ledger: Ledger
) -> fs.Backtest:
    """The back-test as it may be shown: types behind fewer than five citizens (or 1-4 from a
    set shown before) without their errors, and the total's actual then hidden too."""
    if scope.solution:
        _count, note = _group(analysis, scope, date(found.year, 12, 31), ledger)
        if note is not None:
            hidden = replace(found.total, actual=None, errors=None, best=None, note=note)
            return replace(found, rows=(), total=hidden)
    counts, sets, _everyone = _type_sets(analysis, people)
    rows = []
    for row in found.rows:
        label = _label(row.sector_area, row.intervention)
        kind = _kind(found.year, label) + ":test"
        close = label in sets and ledger.close(kind, sets[label])
        if 0 < counts.get(label, 0) < SMALL_CELL or close:
            why = EARLIER_NOTE if close else hidden_note("borgere")
            rows.append(replace(row, actual=None, errors=None, best=None, note=why))
            continue
        rows.append(row)
        if label in sets:
            ledger.publish(kind, sets[label])
    total = found.total
    if any(r.errors is None and r.note for r in rows):  # the total's actual would give it away
        total = replace(total, actual=None)
    return replace(found, rows=tuple(rows), total=total)


# --- what the pages and commands need around the figures ----------------------------------------


def period_rows(periods: Sequence[Any]) -> fs.Periods:
    """Enrolment periods (the store's, or plain) as the rows a :class:`~fs.Scope` holds."""
    return tuple((p.id, p.unit, p.subject, p.enrolled_on, p.discharged_on) for p in periods)


def as_of_date(settings: Any, text: str | None) -> date:
    """The as-of date asked for (a month end; Danish or ISO), or the latest month end the data
    cover to its end (a month whose last posting falls in its last week: the books are posted on
    working days, so a month ending on a weekend ends its postings before its last day);
    :class:`~tvaers.followup.model.ForecastError` in Danish otherwise."""
    from tvaers.core.periods import Month, parse_day
    from tvaers.followup.model import ForecastError, months_elapsed

    if text and text.strip():
        day = parse_day(text)
        if day is None:
            raise ForecastError(
                f"Opgørelsesdatoen «{text[:20]}» kunne ikke læses.",
                hint="Skriv den som åååå-mm-dd eller dd-mm-åååå, fx 2025-08-31.",
            )
        months_elapsed(day)
        with opened(settings) as analysis:
            span = analysis.span
        first, last = Month.of(span.first).last_day, Month.of(span.last).last_day
        if not first <= day <= last:
            raise ForecastError(
                f"Data dækker ikke {day.strftime('%d.%m.%Y')}: de går fra "
                f"{span.first.strftime('%d.%m.%Y')} til {span.last.strftime('%d.%m.%Y')}.",
                hint=f"Vælg en månedsafslutning fra {first.strftime('%d.%m.%Y')} til "
                f"{last.strftime('%d.%m.%Y')}.",
            )
        return day
    with opened(settings) as analysis:
        last = analysis.span.last
    month = Month.of(last)
    if (month.last_day - last).days >= COMPLETE_WITHIN:  # the month is not booked to its end
        month = Month.of(month.first_day - timedelta(days=1))
    return month.last_day


def names(settings: Any) -> tuple[dict[str, str], dict[str, str]]:
    """The sector areas' and interventions' Danish names, as loaded (and the solutions' own
    budget, which pays some grants, by its name)."""
    from tvaers.principles.model import SOLUTION_BUDGET, SOLUTION_BUDGET_NAME

    with opened(settings) as analysis:
        areas = {SOLUTION_BUDGET: SOLUTION_BUDGET_NAME, **analysis.area_names}
        return areas, analysis.intervention_names


def notes(found: fs.Forecast) -> list[str]:
    """What the reader of a forecast should know (Danish)."""
    out = [
        f"Realiseret fra 1. januar til {found.as_of.strftime('%d.%m.%Y')} "
        f"({found.months_elapsed} måneder); prognosen for resten af året efter den metode, "
        "kommunen har valgt for indsatstypen (ellers fremskrivning af forbruget).",
    ]
    if found.scope:
        out.append("Løsningens borgere (indskrevet senest på opgørelsesdatoen): hele deres "
                   "ressourcetræk, registreret og fordelt; små celler er skjult.")  # fmt: skip
    else:
        out.append("Hele områders driftsudgifter (dranst 1) efter posteringens indsats, som "
                   "de er bogført.")  # fmt: skip
    if found.note:
        out.append(found.note)
    return out


# --- published, cached --------------------------------------------------------------------------


def _grants_state(session: Session) -> list[int]:
    """What the grants' commitments are now (rows and newest id): cached figures depend on it."""
    from sqlalchemy import func, select

    from tvaers.store.models_principles import GrantCommitment

    found = session.execute(
        select(func.count(GrantCommitment.id), func.max(GrantCommitment.id))
    ).one()
    return [int(found[0] or 0), int(found[1] or 0)]


def _parts(analysis: Analysis, session: Session, scope: fs.Scope, *rest: Any) -> list[Any]:
    chosen = forecast_methods.chosen(session)
    config = analysis.config
    return [
        [[str(v) for v in row] for row in scope.periods] if scope.periods is not None else None,
        scope.name, *[str(r) for r in rest], _grants_state(session),
        sorted([a, i, m.value] for (a, i), m in chosen.items()),
        cache.config_fingerprint(config.attribution, config.overlaps),
    ]  # fmt: skip


def published_forecast(
    settings: Any,
    sessions: Callable[[], Session],
    scope: fs.Scope,
    as_of: date,
    wanted: Method | None,
    context: str,
    user: str | None,
) -> fs.Forecast:
    """The forecast as it may be shown (cached; a solution's suppressed and remembered)."""
    with opened(settings) as analysis, sessions() as session:
        chosen = forecast_methods.chosen(session)

        def compute() -> cache.Document:
            committed = _committed(analysis, session, scope, as_of.year, as_of)
            found, spent = fs.compute(analysis, scope, as_of, committed, chosen, wanted)
            people = fq.behind(spent, committed, as_of.year, as_of.month)
            found = publishing(sessions, context, user, lambda ledger: suppress_forecast(
                analysis, scope, found, people, ledger))  # fmt: skip
            return cache.document_of(found)

        parts = _parts(analysis, session, scope, as_of, wanted)
        document = cache.cached(settings, analysis.loaded, FORECAST_KIND, parts, compute)
    return cache.record_of(fs.Forecast, document)


def published_backtest(
    settings: Any,
    sessions: Callable[[], Session],
    scope: fs.Scope,
    year: int,
    context: str,
    user: str | None,
) -> fs.Backtest:
    """The back-test of ``year`` as it may be shown (cached; a solution's suppressed)."""
    with opened(settings) as analysis, sessions() as session:
        chosen = forecast_methods.chosen(session)

        def compute() -> cache.Document:
            as_of = date(year, 12, 31)
            committed = _committed(analysis, session, scope, year, as_of)
            found, spent = fs.backtest_errors(analysis, scope, year, committed, chosen)
            people = fq.behind(spent, committed, year, None)
            found = publishing(sessions, context, user, lambda ledger: suppress_backtest(
                analysis, scope, found, people, ledger))  # fmt: skip
            return cache.document_of(found)

        parts = _parts(analysis, session, scope, year)
        document = cache.cached(settings, analysis.loaded, BACKTEST_KIND, parts, compute)
    return cache.record_of(fs.Backtest, document)
