"""A caseworker's own cases for the monthly report (003 §3.1, issue 14: «sagsbehandlere: deres
sager og frister»): person-level, so only under the casework purpose, only for citizens with a
recorded basis in force, and every citizen shown is logged (:mod:`tvaers.access`).

**Whose cases.** The loaded ``activities`` name their caseworker by a code (``caseworker``,
«sagsbehandler»: the case system's staff id, e.g. ``BF07``). A user of Tværs is that caseworker
when their user name is the code, letter case aside: the municipality creates the caseworker's
user with the case system's staff id as user name (``tvaers user add BF07 …``). A user sees
only the activities with their own code; nobody sees another caseworker's list.

A case is an activity open in the report's month (started by its last day, not ended before its
first). The citizens without a basis in force are not listed, only counted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import ibis.expr.types as ir
from sqlalchemy.orm import Session

from tvaers.access import Actor
from tvaers.access.caselists import listing_bases, log_listing
from tvaers.core.periods import Month
from tvaers.draw.session import Analysis
from tvaers.followup.key_figures import open_per_month

VIEWED = "noegletal_egne_sager"  # the audit action: a caseworker's report listed the citizen


@dataclass(frozen=True)
class Case:
    citizen: str  # the pseudonym
    intervention: str
    name: str
    sector_area: str
    start_date: date
    end_date: date | None
    new: bool  # started in the month
    ending: bool  # ended in the month


@dataclass(frozen=True)
class Caseload:
    """The caseworker's cases in the month (``code``: their code in the data), those without a
    basis only counted, and their open activities per month of the year (a chart)."""

    code: str
    month: Month
    cases: tuple[Case, ...]
    without_basis: int
    per_month: tuple[tuple[str, int], ...]


def own_activities(analysis: Analysis, code: str) -> ir.Table:
    """The activities whose caseworker is ``code`` (letter case aside)."""
    activities = analysis.table("activities")
    return activities.filter(activities.caseworker.lower() == code.strip().lower())


def _open_in(activities: ir.Table, month: Month) -> ir.Table:
    return activities.filter(
        activities.start_date <= month.last_day,
        activities.end_date.isnull() | (activities.end_date >= month.first_day),
    )


def _with_names(analysis: Analysis, activities: ir.Table) -> list[dict[str, Any]]:
    kinds = analysis.table("interventions").select(
        i_code="intervention", i_name="name", i_area="sector_area"
    )
    joined = activities.left_join(kinds, activities.intervention == kinds.i_code)
    found: list[dict[str, Any]] = (
        joined.select("citizen", "intervention", "start_date", "end_date",
                      name=joined.i_name.fill_null(""), area=joined.i_area.fill_null(""))
        .order_by("start_date", "intervention", "citizen")
        .to_pyarrow().to_pylist()
    )  # fmt: skip
    return found


def caseload(analysis: Analysis, session: Session, actor: Actor, month: Month) -> Caseload:
    """The actor's own cases in ``month`` (see the module); refused unless the actor may work
    under the casework purpose and does; one audit entry per citizen listed."""
    bases, _solutions = listing_bases(session, actor)
    own = own_activities(analysis, actor.username)
    rows = _with_names(analysis, _open_in(own, month))
    citizens = list(dict.fromkeys(str(r["citizen"]) for r in rows))
    shown = {c: bases[c] for c in citizens if c in bases}
    withheld = [c for c in citizens if c not in bases]
    log_listing(session, actor, VIEWED, shown, withheld, {"month": str(month)},
                refuse_empty=False)  # fmt: skip
    cases = tuple(
        Case(str(r["citizen"]), str(r["intervention"]), str(r["name"]), str(r["area"]),
             r["start_date"], r["end_date"], Month.of(r["start_date"]) == month,
             r["end_date"] is not None and Month.of(r["end_date"]) == month)
        for r in rows if str(r["citizen"]) in shown
    )  # fmt: skip
    counts = open_per_month(own, month).to_pyarrow().to_pylist()
    return Caseload(
        actor.username,
        month,
        cases,
        len([c for c in citizens if c not in bases]),
        tuple((str(r["month"]), int(r["open"])) for r in counts),
    )
