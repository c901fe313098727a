"""The cases that explain an intervention type's deviation to date (003 §2.3, «down to the single
case»): per citizen (case) the full-year persons (days active ÷ the year's days), the spend (the
draw's lines of the type), the case's price per full-year person against the assumed average
price, and its contribution to the type's deviation, ranked.

A case's *contribution* is its spend less its share of the type's planned spend to date; it is
split in two:

* its *volume* part: its share of the type's volume effect, and
* its *price* part: its spend less its full-year persons at the assumed price (the planned
  spend plus the volume effect, shared out like them): the case's own price against Pb.

The shares go by the case's days (equally between the cases when the type has no days) and are
exact to the øre by largest remainder, so the cases' contributions sum exactly to the type's
deviation, their volume parts to its volume effect and their price parts to its price effect.
Ranked 1 for the case that adds most to the deviation in its direction.

Person-level: :func:`case_list` shows only the cases whose citizen has a recorded basis in force,
to a casework role under the casework purpose, audited per citizen
(:mod:`tvaers.access.listing`); the others are counted, not shown, and when 1-4 are left out
the type's own actual figures are hidden too (less the shown cases they would tell the others').
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, localcontext
from typing import Any

from sqlalchemy.orm import Session

from tvaers.access import Actor
from tvaers.access.listing import cases_with_basis
from tvaers.budget import assumption_figures as af
from tvaers.budget.assumptions import Planned, planned
from tvaers.budget.state import Basis
from tvaers.core.config import Settings
from tvaers.core.cpr import redact
from tvaers.core.money import round_to_ore, to_ore
from tvaers.core.suppression import SMALL_CELL
from tvaers.draw.session import Analysis, opened
from tvaers.followup import deviation_queries as dq
from tvaers.followup.deviations import (
    ZERO,
    DeviationError,
    DeviationRow,
    actuals,
    days_of,
    hidden,
    row_of,
)

ACTION = "afvigelse_sager_vist"
WITHHELD_NOTE = (
    f"Indsatstypens faktiske tal er skjult: færre end {SMALL_CELL} af dens sager er uden "
    "registreret grundlag, og deres tal kunne ellers regnes ud af de viste sagers."
)


@dataclass(frozen=True)
class CaseRow:
    rank: int
    citizen: str  # the pseudonym
    caseworker: str | None
    days: int
    units: Decimal  # days ÷ the year's days, four decimals
    spend: Decimal
    price: Decimal | None  # the case's price per full-year person (spend ÷ units), to the øre
    price_difference: Decimal | None  # the case's price − the assumed price
    planned_share: Decimal
    volume: Decimal
    price_effect: Decimal
    contribution: Decimal


@dataclass(frozen=True)
class Cases:
    year: int
    month: int
    basis: str
    row: DeviationRow  # the type's figures to date, unsuppressed
    cases: tuple[CaseRow, ...]  # ranked
    without_basis: int = 0  # cases not shown for want of a recorded basis (case_list)


def _case(r: Mapping[str, Any], days_in_year: int, assumed: Decimal | None) -> CaseRow:
    days, spend = int(r["days"]), Decimal(str(r["spend"]))
    price = None
    if days > 0 and spend >= 0:
        with localcontext() as ctx:
            ctx.prec = 40
            price = round_to_ore(spend * Decimal(days_in_year) / Decimal(days))
    difference = None if price is None or assumed is None else price - assumed
    return CaseRow(
        int(r["rank"]), str(r["citizen"]), r["caseworker"], days,
        af.units_of(days, days_in_year), spend, price, difference,
        Decimal(str(r["planned_share"])), Decimal(str(r["volume"])),
        Decimal(str(r["price"])), Decimal(str(r["contribution"])),
    )  # fmt: skip


def case_rows(
    analysis: Analysis, year: int, month: int | None, basis: Basis,
    planned_: Mapping[str, Planned], intervention: str,
) -> Cases:  # fmt: skip
    """Every case of the type as of the month end, ranked, unsuppressed and unchecked (for
    :func:`case_list` and tests; the caller checks access). One query for the cases."""
    found = actuals(analysis, year, month, basis)
    n, w = af.year_days(year), days_of(found.window)
    figures = next((r for r in found.figures if r["intervention"] == intervention), None)
    assumption = planned_.get(intervention)
    if figures is None and assumption is None:
        raise DeviationError(
            f"Indsatsen «{redact(intervention[:40])}» har hverken budgetforudsætning eller data "
            f"i {year}.",
            hint="Vælg en indsatstype fra tabellen over afvigelser.",
        )
    figures = figures or {}
    row = row_of(intervention, found.names.get(intervention, ""),
                 int(figures.get("citizens") or 0), int(figures.get("days") or 0),
                 figures.get("spend") or ZERO, assumption, w, n)  # fmt: skip
    pools = dq.pools_table([{
        "p_code": intervention, "planned_ore": to_ore(row.planned or ZERO),
        "volume_ore": to_ore(row.volume or ZERO),
        "direction": 1 if (row.variance or ZERO) >= 0 else -1,
    }])  # fmt: skip
    window = found.window
    workers = dq.caseworkers(analysis.table("activities"), window.first_day, window.last_day)
    of_type = dq.cases(
        found.days.filter(found.days.intervention == intervention),
        found.spent.filter(found.spent.intervention == intervention),
        workers.filter(workers.intervention == intervention),
    )
    ranked = dq.shares(of_type, pools).order_by("rank").to_pyarrow().to_pylist()
    price = assumption.price if assumption else None
    every = tuple(_case(r, n, price) for r in ranked)  # the type's cases, to show
    return Cases(year, window.last.month, basis.value, row, every)


def case_list(
    analysis: Analysis, session: Session, actor: Actor, year: int, month: int | None,
    basis: Basis, intervention: str,
) -> Cases:  # fmt: skip
    """The cases the actor may see (a casework role, the casework purpose, a recorded basis in
    force per citizen), audited; the rest counted in ``without_basis``. Refused before anything
    is computed when the role or the purpose does not allow casework."""
    from tvaers.access import require_casework

    require_casework(actor)  # before anything is computed
    found = case_rows(analysis, year, month, basis, planned(session, year, basis), intervention)
    detail = {"year": year, "month": found.month, "basis": basis.value,
              "intervention": intervention}  # fmt: skip
    shown = cases_with_basis(session, actor, [c.citizen for c in found.cases], ACTION, detail)
    withheld = sum(c.citizen not in shown for c in found.cases)
    row = found.row
    if 0 < withheld < SMALL_CELL:  # the type's figures less the shown cases' would tell theirs
        row = hidden(row, WITHHELD_NOTE)
    return Cases(found.year, found.month, found.basis, row,
                 tuple(c for c in found.cases if c.citizen in shown), withheld)  # fmt: skip


def cases_on_home(
    settings: Settings, session: Session, actor: Actor, year: int, month: int | None,
    basis: Basis, intervention: str,
) -> Cases:  # fmt: skip
    """:func:`case_list` on the home's data (for the page and the command)."""
    from tvaers.access import require_casework

    require_casework(actor)  # refused before the data are opened
    with opened(settings) as analysis:
        return case_list(analysis, session, actor, year, month, basis, intervention)
