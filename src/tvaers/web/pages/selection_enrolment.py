"""Focus point 2, the casework per solution, continued: the enrolled citizens/families with
the discharge form and the decision history, and the selection basis for the solution.

The same rules as :mod:`.selection_casework`: casework purpose, a role that allows it and a
selection basis in force; one audit entry per view of the enrolled (the discharge and the
recording of a basis are audited by :mod:`tvaers.selection.decisions` and
:mod:`tvaers.selection.bases`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from tvaers.access import Actor
from tvaers.core.access import BASIS_RECORDERS
from tvaers.core.errors import AccessRefused, CaseworkRefused
from tvaers.core.periods import danish_date, parse_day, today
from tvaers.core.publication import DataTable
from tvaers.draw import solution_economy
from tvaers.selection import bases, decisions
from tvaers.store.models import SelectionBasis, Solution
from tvaers.web.deps import DbSession, Viewer, flash, redirect, render, settings_of
from tvaers.web.forms import basis_period, basis_timing, posted
from tvaers.web.pages.selection_casework import (
    gated_form,
    gated_solution,
    log_view,
    solution_or_404,
)
from tvaers.web.pages.selection_tables import (
    decision_page_table,
    decision_table,
    enrolment_rows,
)
from tvaers.web.pages.solution_economy import with_costs
from tvaers.web.tables import excel_response, wants_excel
from tvaers.web.texts import T

router = APIRouter(prefix="/loesninger")
S = T.selection


# --- the enrolled -----------------------------------------------------------------------------


def _enrolled_page(
    request: Request,
    session: Session,
    who: Actor,
    solution: Solution,
    basis: SelectionBasis,
    error: str | None = None,
    values: dict[str, Any] | None = None,
) -> Response:
    periods = decisions.enrolments(session, solution.id)
    costs = solution_economy.member_costs(settings_of(request), periods)  # all at once
    table = with_costs(enrolment_rows(periods, solution), costs)
    history = decision_table(
        decisions.history(session, solution.id),
        f"{S['history']}: {solution.name}",
        f"loesning-{solution.id}-beslutninger",
    )
    export = wants_excel(request)
    table_key = request.query_params.get("table", "enrolled")
    shown = Listing.of(request, table)
    log_view(
        session, who, solution, "indskrevne_eksporteret" if export else "indskrevne_vist",
        enrolled=sum(1 for p in periods if p.discharged_on is None),
        rows=len(periods),
    )  # fmt: skip
    if export:
        return excel_response(history if table_key == "history" else table)
    recent = replace(history, rows=history.rows[:RECENT_DECISIONS])
    return render(
        request, "selection/enrolled.html", who, status_code=422 if error else 200,
        solution=solution, basis=basis, table=shown.table, listing=shown,
        history=decision_page_table(recent), decisions=len(history.rows), error=error,
        values=values or {}, today=today(),
    )  # fmt: skip


@router.get("/{solution_id}/indskrevne", response_class=HTMLResponse)
def enrolled(request: Request, solution_id: int, who: Viewer, session: DbSession) -> Response:
    solution, basis = gated_solution(session, who, solution_id)
    return _enrolled_page(request, session, who, solution, basis)


@router.post("/{solution_id}/indskrevne/udskriv", response_class=HTMLResponse)
async def discharge(
    request: Request, solution_id: int, who: Viewer, session: DbSession
) -> Response:
    """Discharge every selected row on one date for one reason — all of them or none."""
    solution, basis, values = await gated_form(request, session, who, solution_id)
    chosen = [str(v) for v in (await request.form()).getlist("valgt")]
    # a refusal shows the list again with its costs: off the event loop, which serves everybody
    return await run_in_threadpool(
        _discharged, request, who, session, (solution, basis, values), chosen
    )


def _discharged(
    request: Request, who: Actor, session: Session, gated: tuple[Any, Any, dict[str, str]],
    chosen: list[str],
) -> Response:  # fmt: skip
    solution, basis, values = gated
    on = parse_day(values.get("on"))
    try:
        if not chosen:
            raise CaseworkRefused(S["discharge_none"])
        if on is None:
            raise CaseworkRefused(T.validation["date_parsing"])
        reason, text = values.get("reason", ""), bases.basis_text(basis)
        for unit, _, subject in (c.partition(":") for c in chosen):  # the few rows ticked
            decisions.discharge(session, solution.id, unit, subject, on, reason, who.username, text)
    except CaseworkRefused as exc:
        session.rollback()  # none of them, then
        kept = {**values, "valgt_list": chosen}
        return _enrolled_page(request, session, who, solution, basis, str(exc), kept)
    flash(request, S["discharged_many"].format(count=len(chosen), day=danish_date(on)))
    return redirect(f"/loesninger/{solution.id}/indskrevne")


PAGE_SIZE = 25
RECENT_DECISIONS = 20


@dataclass(frozen=True)
class Listing:
    """The enrolled as the page lists them: searched (``q``: part of the pseudonym or family
    code), active only or all (``vis``), one page (``side``) of :data:`PAGE_SIZE`."""

    table: DataTable
    search: str
    everyone: bool
    page: int
    pages: int
    found: int

    @classmethod
    def of(cls, request: Request, table: DataTable) -> Listing:
        params = request.query_params
        search = params.get("q", "").strip()[:40]
        everyone = params.get("vis") == "alle"
        rows = [r for r in table.rows if (everyone or r["open"]) and search in r["subject"]]
        pages = max(1, -(-len(rows) // PAGE_SIZE))
        side = params.get("side", "")
        page = min(max(int(side), 1), pages) if side.isdigit() else 1
        chunk = rows[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
        return cls(replace(table, rows=chunk), search, everyone, page, pages, len(rows))

    def link(self, page: int) -> str:
        """The address of another page of the same listing."""
        query = {"side": page, **({"q": self.search} if self.search else {}),
                 **({"vis": "alle"} if self.everyone else {})}  # fmt: skip
        return "?" + urlencode(query)


# --- the selection basis ----------------------------------------------------------------------


def _basis_page(
    request: Request,
    session: Session,
    who: Actor,
    solution: Solution,
    status_code: int = 200,
    error: str | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    return render(
        request, "selection/basis.html", who, status_code=status_code, solution=solution,
        active=bases.active_selection_basis(session, solution.id),
        bases=bases.selection_bases(session, solution.id), error=error,
        values=values or {"valid_from": today().isoformat()},
    )  # fmt: skip


def _recorder(who: Actor, solution: Solution) -> None:
    """Refuse unless the actor may record a selection basis (role, then purpose)."""
    if who.role not in BASIS_RECORDERS:
        raise AccessRefused(S["refused_recorder"], reason="recorder", solution_id=solution.id)
    if not who.casework:
        raise AccessRefused(S["refused_statistical"], reason="purpose", solution_id=solution.id)


@router.get("/{solution_id}/udvaelgelse/grundlag", response_class=HTMLResponse)
def basis_form(request: Request, solution_id: int, who: Viewer, session: DbSession) -> Response:
    solution = solution_or_404(session, solution_id)
    _recorder(who, solution)
    return _basis_page(request, session, who, solution)


@router.post("/{solution_id}/udvaelgelse/grundlag", response_class=HTMLResponse)
async def record_basis(
    request: Request, solution_id: int, who: Viewer, session: DbSession
) -> Response:
    solution = solution_or_404(session, solution_id)
    _recorder(who, solution)
    values = posted(await request.form())
    try:
        valid_from, valid_to = basis_period(values, CaseworkRefused)
        bases.record_selection_basis(
            session, solution.id, values.get("kind", ""), values.get("reference", ""),
            valid_from, who.username, valid_to,
        )  # fmt: skip
    except CaseworkRefused as exc:
        return _basis_page(request, session, who, solution, 422, str(exc), values)
    timing = basis_timing(valid_from, valid_to)
    if timing == "later":
        flash(request, S["basis_recorded_later"].format(day=valid_from.strftime("%d-%m-%Y")))
        return redirect(f"/loesninger/{solution.id}/udvaelgelse/grundlag")
    if timing == "expired" and valid_to is not None:
        flash(request, S["basis_recorded_expired"].format(day=valid_to.strftime("%d-%m-%Y")))
        return redirect(f"/loesninger/{solution.id}/udvaelgelse/grundlag")
    flash(request, S["basis_recorded"])
    return redirect(f"/loesninger/{solution.id}/udvaelgelse")
