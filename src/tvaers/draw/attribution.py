"""Run the attribution once and keep its results as DuckDB temporary tables.

Everything the draw reports (draw rows, coverage, concentration, contacts, baseline) reads what
is made here, so the work is done once per period and configuration:

* ``lines`` (a temporary table): ``citizen, sector_area, month, function_code, intervention,
  municipality, method, amount``;
* ``unattributed`` (an expression over temporary tables, small): ``municipality, sector_area,
  function_code, month, reason, amount``;
* ``expenditure`` (likewise): ``municipality, sector_area, month, expenditure``.

``municipality`` is the paying one: whose books the amount is in (docs/national.md).

The expenditure postings of the period and the weights are temporary tables too.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date

import ibis.expr.types as ir
from ibis import _
from ibis.backends.duckdb import Backend

from tvaers.core.errors import NoData
from tvaers.core.periods import Period
from tvaers.draw import queries as q
from tvaers.draw.model import AttributionConfig
from tvaers.engine.connection import materialise as engine_materialise

_counter = itertools.count(1)


@dataclass(frozen=True)
class Attribution:
    """The attribution of one period; the tables live as long as the backend's connection."""

    backend: Backend
    period: Period
    config: AttributionConfig
    lines: ir.Table
    unattributed: ir.Table
    expenditure: ir.Table
    members: ir.Table | None = None  # a solution's people and months (draw.members.restrict)

    def table(self, name: str) -> ir.Table:
        return self.backend.table(name)

    def population(self) -> ir.Table:
        """The citizens the figures are about: everyone, or a solution's people."""
        citizens = self.backend.table("citizens")
        if self.members is None:
            return citizens
        return citizens.semi_join(self.members, citizens.citizen == self.members.citizen)


def materialise(backend: Backend, stem: str, expr: ir.Table) -> ir.Table:
    """Compute ``expr`` once into a temporary table (gone when the connection closes) — on
    either engine (:func:`tvaers.engine.connection.materialise`)."""
    return engine_materialise(backend, f"_draw_{stem}_{next(_counter)}", expr)


def data_span(backend: Backend) -> tuple[date, date]:
    """First and last posting date of the loaded data."""
    span = (
        backend.table("postings")
        .aggregate(first=_.posting_date.min(), last=_.posting_date.max())
        .to_pyarrow()
        .to_pylist()[0]
    )
    if span["first"] is None:
        raise NoData(
            "Der er ingen posteringer at opgøre ressourcetrækket af.",
            hint="Indlæs kommunens data først: tvaers import MAPPE",
        )
    return span["first"], span["last"]


def resolve_period(
    backend: Backend,
    year: int | None,
    period: Period | None = None,
    known_span: tuple[date, date] | None = None,
) -> Period:
    """The months to compute: the year (or the given period) within the data's span
    (``known_span`` when the caller has read it already).

    Months after the last posting are left out, so that an ongoing activity is not priced for
    months the books do not cover yet.
    """
    first, last = known_span or data_span(backend)
    wanted = period or (Period.year(year) if year is not None else Period.between(first, last))
    clipped = wanted.clip(first, last)
    if clipped is None:
        raise NoData(
            f"Der er ingen posteringer i {wanted.danish()}.",
            hint=f"Data dækker {first} til {last}.",
        )
    return clipped


def attribute(
    backend: Backend, period: Period, config: AttributionConfig | None = None
) -> Attribution:
    """Attribute the period's expenditure to citizens; materialise the results."""
    config = config or AttributionConfig()
    priced = config.priced_functions
    tables: dict[str, ir.Table] = {}

    def t(name: str) -> ir.Table:  # each table looked up once (a schema query each)
        if name not in tables:
            tables[name] = backend.table(name)
        return tables[name]

    exp = q.expenditure(t("postings"), t("accounts"), t("interventions"), period)
    exp_table = materialise(backend, "expenditure_postings", exp)
    pool = q.pools(exp_table)
    months = q.activity_months(
        t("activities"), t("interventions"), t("unit_prices"), q.months_table(period)
    )
    weight = materialise(backend, "weights", q.weights(months, exp_table, t("interventions")))
    parts = [q.registered_lines(exp_table), q.pooled_lines(pool, weight, priced)]
    priced_part = q.priced_lines(weight, t("accounts"), priced) if priced else None
    if priced_part is not None:
        parts.append(priced_part)
    lines = materialise(backend, "lines", q.lines(parts))
    rest = q.unattributed(pool, weight, t("interventions"), priced_part, priced)
    totals = q.expenditure_totals(exp_table)
    return Attribution(backend, period, config, lines, rest, totals)
