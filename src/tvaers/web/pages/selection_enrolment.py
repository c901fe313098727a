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
from tvaers.web.tables import excel_response, excel_workbook, wants_excel
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
        by, descending = Listing.order(request)  # the whole list, sorted as on the page
        ordered = replace(table, rows=sorted_rows(table.rows, by, descending))
        if "table" not in request.query_params:  # the page: one workbook, a sheet per table
            return excel_workbook([ordered, history], ordered.filename)
        return excel_response(history if table_key == "history" else ordered)
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


# The columns a caseworker sorts by: the address's word (``sorter``) -> the row's key.
SORTS = {
    "borger": "subject",
    "indskrevet": "enrolled_on",
    "nulpunkt": "baseline",
    "traek": "since",
    "udskrevet": "discharged_on",
}
SORT_KEYS = {key: word for word, key in SORTS.items()}
DISCHARGE_COLUMNS = ("discharged_on", "discharge_reason", "discharged_by")
DESCENDING = "faldende"


def sorted_rows(rows: list[dict[str, Any]], by: str, descending: bool) -> list[dict[str, Any]]:
    """The rows ordered by the row key ``by`` (``""``: as they came); rows without a value
    (not discharged, no cost) last either way, ties in the order they came."""
    if by not in SORT_KEYS:
        return rows
    valued = [r for r in rows if r.get(by) is not None]
    return [
        *sorted(valued, key=lambda r: r[by], reverse=descending),
        *(r for r in rows if r.get(by) is None),
    ]


@dataclass(frozen=True)
class Listing:
    """The enrolled as the page lists them: searched (``q``: part of the pseudonym or family
    code), active only or all (``vis``), sorted (``sorter``, ``orden``; an unknown word is
    ignored), one page (``side``) of :data:`PAGE_SIZE` — sorted before it is cut into pages."""

    table: DataTable
    search: str
    everyone: bool
    page: int
    pages: int
    found: int
    sort: str = ""  # a row key of SORTS, or "" for the list's own order
    descending: bool = False

    @staticmethod
    def order(request: Request) -> tuple[str, bool]:
        """(row key, descending) asked for by the address; ``("", False)`` if none or unknown."""
        by = SORTS.get(request.query_params.get("sorter", ""), "")
        return by, bool(by) and request.query_params.get("orden") == DESCENDING

    @classmethod
    def of(cls, request: Request, table: DataTable) -> Listing:
        params = request.query_params
        search = params.get("q", "").strip()[:40]
        everyone = params.get("vis") == "alle"
        by, descending = cls.order(request)
        rows = [r for r in table.rows if (everyone or r["open"]) and search in r["subject"]]
        rows = sorted_rows(rows, by, descending)
        pages = max(1, -(-len(rows) // PAGE_SIZE))
        side = params.get("side", "")
        page = min(max(int(side), 1), pages) if side.isdigit() else 1
        chunk = rows[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
        # the active only have no discharge: its columns would be dashes pushing «Vælg» off the
        # screen (the Excel download keeps them)
        columns = table.columns if everyone else [
            c for c in table.columns if c.key not in DISCHARGE_COLUMNS]  # fmt: skip
        return cls(replace(table, columns=columns, rows=chunk), search, everyone, page, pages,
                   len(rows), by, descending)  # fmt: skip

    def _query(self, page: int, by: str, descending: bool) -> str:
        query = {"side": page, **({"q": self.search} if self.search else {}),
                 **({"vis": "alle"} if self.everyone else {}),
                 **({"sorter": SORT_KEYS[by]} if by else {}),
                 **({"orden": DESCENDING} if by and descending else {})}  # fmt: skip
        return urlencode(query)

    def link(self, page: int) -> str:
        """The address of another page of the same listing."""
        return "?" + self._query(page, self.sort, self.descending)

    @property
    def sort_query(self) -> str:
        """The sorting as ``&…`` for the Excel link, which sorts the same way."""
        if not self.sort:
            return ""
        return "&" + urlencode({"sorter": SORT_KEYS[self.sort],
                                **({"orden": DESCENDING} if self.descending else {})})  # fmt: skip

    @property
    def sort_word(self) -> str:
        """The address's word for the column sorted by (``""`` if none)."""
        return SORT_KEYS.get(self.sort, "")

    def sortable(self, key: str) -> bool:
        return key in SORT_KEYS and (self.everyone or key not in DISCHARGE_COLUMNS)

    def aria_sort(self, key: str) -> str | None:
        """``ascending``/``descending`` on the column sorted by, else nothing."""
        if key != self.sort:
            return None
        return "descending" if self.descending else "ascending"

    def sort_link(self, key: str) -> str:
        """The address sorting by ``key``: ascending first, the other way if it is so already;
        back to page 1, keeping the search and ``vis``."""
        return "?" + self._query(1, key, key == self.sort and not self.descending)


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
        flash(request, S["basis_recorded_later"].format(day=danish_date(valid_from)))
        return redirect(f"/loesninger/{solution.id}/udvaelgelse/grundlag")
    if timing == "expired" and valid_to is not None:
        flash(request, S["basis_recorded_expired"].format(day=danish_date(valid_to)))
        return redirect(f"/loesninger/{solution.id}/udvaelgelse/grundlag")
    flash(request, S["basis_recorded"])
    return redirect(f"/loesninger/{solution.id}/udvaelgelse")
