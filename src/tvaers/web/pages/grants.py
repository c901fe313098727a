"""Focus point 4, the grants (bevillinger): a solution's grants by status, the form that
proposes one, and one grant with the forms that approve, reject, withdraw and end it.

A grant names a citizen or a family, so everything but the overview is person-level: a role
that may do casework, the casework purpose and a selection basis in force for the grant's
solution (:func:`tvaers.access.solution`, one audit entry per view or download; a refusal raises
and renders once). The decisions themselves are checked and audited by
:mod:`tvaers.principles.grant_decisions`; a refused decision is rolled back whole and the page
shows why, with what the user typed. The overview (citizens and families with grants per
solution and status) is an aggregate, suppressed, for every role under either purpose.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from tvaers import access
from tvaers.access import Actor
from tvaers.anchoring.service import all_solutions
from tvaers.core.access import GRANT_PROPOSERS, Role
from tvaers.core.periods import danish_date
from tvaers.principles import catalogue, grant_decisions, inbox, published, service
from tvaers.principles.grant_decisions import GrantConflict
from tvaers.principles.grants import propose
from tvaers.principles.model import STATUS_LABELS, GrantStatus, PrinciplesError
from tvaers.principles.plan import CompetencePlan
from tvaers.store.models import SelectionBasis, Solution
from tvaers.store.models_principles import Grant
from tvaers.web.deps import DbSession, Viewer, flash, redirect, render, settings_of
from tvaers.web.forms import posted
from tvaers.web.pages.grants_form_page import form_page, payer_choices
from tvaers.web.pages.grants_forms import read_end, read_proposal
from tvaers.web.pages.grants_tables import grant_tables, grants_table, overview_table, status_text
from tvaers.web.pages.selection_casework import solution_or_404
from tvaers.web.tables import excel_download, wants_excel
from tvaers.web.texts_grants import GRANTS as G

router = APIRouter(prefix="/bevillinger")
PROPOSING = "At indstille en bevilling"


def plans(session: Session) -> dict[int, CompetencePlan]:
    """Every version of the competence plan by number: a grant's ceiling is its version's."""
    return {v.version: service.parse_plan_data(v.data) for v in service.plan_versions(session)}


def chosen_solution(session: Session, text: str) -> Solution | None:
    """The solution the address names (``loesning``); none for an empty one, 404 for one
    that does not exist."""
    if not text.strip():
        return None
    if not text.strip().isdigit():
        raise HTTPException(404)
    return solution_or_404(session, int(text))


# --- a solution's grants ----------------------------------------------------------------------


@router.get("", response_class=HTMLResponse)
def grant_list(
    request: Request, who: Viewer, session: DbSession, loesning: str = "", status: str = ""
) -> Response:
    solutions = all_solutions(session)
    chosen = chosen_solution(session, loesning)
    wanted = status if status in {s.value for s in GrantStatus} else ""
    tables = {}
    suppressed = published.overview_table(
        request.app.state.sessions, who.username, inbox.grants(session),
        {s.id: s.name for s in solutions}, [STATUS_LABELS[s] for s in GrantStatus], status_text,
    )  # fmt: skip
    if overview := overview_table(suppressed):
        tables["overview"] = overview
    basis = None
    if chosen is not None and who.casework:
        found = inbox.grants(session, chosen.id, wanted or None)
        export = wants_excel(request)
        basis = access.solution(
            session, who, chosen.id, "bevillinger_eksporteret" if export else "bevillinger_vist",
            listed=[g.subject for g in found if g.unit == "citizen"],
            detail={"status": wanted or None, "grants": len(found)},
        )  # fmt: skip
        pending = {
            g.id: [r["label"] for r in grant_decisions.pending(session, g)]
            for g in found
            if g.status == GrantStatus.PROPOSED
        }  # the open ones: their requirements not yet decided
        title = f"{G['list']}: {chosen.name}"
        table = grants_table(found, plans(session), pending, title, f"bevillinger-{chosen.id}")
        tables = {"grants": table, **tables}
    if wants_excel(request):
        name = f"bevillinger-{chosen.id}" if chosen else "bevillinger"
        return excel_download(request, tables, next(iter(tables), "overview"), name)
    return render(
        request, "grants/list.html", who, solutions=solutions, chosen=chosen, status=wanted,
        statuses={s.value: STATUS_LABELS[s] for s in GrantStatus}, tables=tables, basis=basis,
        can_propose=who.role in GRANT_PROPOSERS and who.casework and chosen is not None,
    )  # fmt: skip


# --- the proposal -----------------------------------------------------------------------------


@router.get("/ny", response_class=HTMLResponse)
def new_grant(request: Request, who: Viewer, session: DbSession, loesning: str = "") -> Response:
    solution = chosen_solution(session, loesning)
    if solution is None:
        raise HTTPException(404)
    access.require_role(who, GRANT_PROPOSERS, PROPOSING)
    return form_page(request, session, who, solution)


@router.post("/ny", response_class=HTMLResponse)
async def propose_grant(
    request: Request, who: Viewer, session: DbSession, loesning: str = ""
) -> Response:
    solution = chosen_solution(session, loesning)
    if solution is None:
        raise HTTPException(404)
    access.require_role(who, GRANT_PROPOSERS, PROPOSING)
    values = posted(await request.form())
    # the catalogue and the citizen's age are read from the analytics file: off the event loop
    return await run_in_threadpool(_proposed, request, who, session, solution, values)


def _proposed(
    request: Request, who: Actor, session: Session, solution: Solution, values: dict[str, str]
) -> Response:
    settings = settings_of(request)
    known = catalogue.loaded(settings)
    payers = dict(payer_choices(session, solution, known))
    proposal, errors = read_proposal(values, solution.id, payers)
    if proposal is None:
        return form_page(request, session, who, solution, values, errors, known=known)
    try:
        age = (catalogue.age(settings, proposal.subject, proposal.start)
               if proposal.key and proposal.unit == "citizen" else None)  # fmt: skip
        grant = propose(session, who, known, proposal, age)
    except PrinciplesError as exc:
        session.rollback()
        return form_page(request, session, who, solution, values, {}, str(exc), known=known)
    if grant.status == GrantStatus.APPROVED:
        flash(request, G["proposed_auto"].format(id=grant.id))
    else:
        approvals = " og ".join(r["label"] for r in grant.requirements)
        flash(request, G["proposed"].format(id=grant.id, level=grant.level_name,
                                            approvals=approvals))  # fmt: skip
    return redirect(f"/bevillinger/{grant.id}")


# --- one grant --------------------------------------------------------------------------------


def grant_or_404(session: Session, grant_id: int) -> Grant:
    found = session.get(Grant, grant_id)
    if found is None:
        raise HTTPException(404)
    return found


@dataclass(frozen=True)
class Actions:
    """What the actor may do with the grant now."""

    mine: list[dict[str, Any]] = field(default_factory=list)  # requirements they may decide
    own: bool = False  # they proposed it and it is still open: four eyes
    withdraw: bool = False
    end: bool = False


def actions_of(session: Session, who: Actor, grant: Grant) -> Actions:
    status = GrantStatus(grant.status)
    own = grant.proposed_by == who.username
    if status is GrantStatus.PROPOSED:
        area = grant_decisions.actor_area(session, who)
        open_ = grant_decisions.pending(session, grant)
        mine = [] if own else [r for r in open_ if grant_decisions.may_decide(who, area, r)]
        withdraw = own or who.role is Role.SOLUTION_LEADER
        return Actions(mine, own, withdraw)
    return Actions(end=status is GrantStatus.APPROVED and who.role in GRANT_PROPOSERS)


@dataclass(frozen=True)
class Refusal:
    """A refused form on the grant's page: which form, why, and what was typed."""

    form: str
    message: str
    values: dict[str, str]
    conflict: bool = False
    errors: dict[str, str] = field(default_factory=dict)


def grant_page(
    request: Request, session: Session, who: Actor, grant: Grant, refusal: Refusal | None = None
) -> Response:
    export = wants_excel(request)
    basis: SelectionBasis = access.solution(
        session, who, grant.solution_id, "bevilling_eksporteret" if export else "bevilling_vist",
        citizen=grant.subject if grant.unit == "citizen" else None,
        detail={"grant_id": grant.id, "unit": grant.unit,
                **({"family": grant.subject} if grant.unit == "family" else {})},
    )  # fmt: skip
    solution = solution_or_404(session, grant.solution_id)
    names = catalogue.loaded(settings_of(request)).area_names
    plan = plans(session).get(grant.plan_version or 0)
    tables = grant_tables(grant, solution.name, plan, inbox.history(session, grant.id), names)
    if export:
        return excel_download(request, tables.all(), "facts", f"bevilling-{grant.id}")
    status_code = 200 if refusal is None else 409 if refusal.conflict else 422
    return render(
        request, "grants/view.html", who, status_code=status_code, grant=grant,
        solution=solution, tables=tables, facts=tables.facts.rows[0], basis=basis,
        actions=actions_of(session, who, grant), refusal=refusal,
    )  # fmt: skip


@router.get("/{grant_id}", response_class=HTMLResponse)
def view_grant(request: Request, grant_id: int, who: Viewer, session: DbSession) -> Response:
    return grant_page(request, session, who, grant_or_404(session, grant_id))


@router.post("/{grant_id}/afgoer", response_class=HTMLResponse)
async def decide_grant(
    request: Request, grant_id: int, who: Viewer, session: DbSession
) -> Response:
    form = await request.form()
    values = posted(form)
    chosen = [str(v) for v in form.getlist("krav")]
    return await run_in_threadpool(_decided, request, who, session, grant_id, chosen, values)


def _decided(
    request: Request, who: Actor, session: Session, grant_id: int, chosen: list[str],
    values: dict[str, str],
) -> Response:  # fmt: skip
    """Approve every chosen requirement, or reject on the first: all of it or none."""
    grant = grant_or_404(session, grant_id)
    approve = values.get("decision") != "reject"
    try:
        if not chosen:
            raise PrinciplesError(G["choose_requirement"])
        for requirement in chosen if approve else chosen[:1]:  # the actor's few requirements
            grant_decisions.decide(session, who, grant.id, approve, values.get("reason", ""),
                                   requirement)  # fmt: skip
    except PrinciplesError as exc:
        session.rollback()
        refusal = Refusal("decide", str(exc), {**values, "krav": " ".join(chosen)},
                          isinstance(exc, GrantConflict))  # fmt: skip
        return grant_page(request, session, who, grant_or_404(session, grant_id), refusal)
    if not approve:
        flash(request, G["rejected_flash"])
    else:
        labels = {r["key"]: r["label"] for r in grant.requirements}
        done = G["approved_flash"].format(what=", ".join(labels.get(k, k) for k in chosen))
        flash(request, f"{done} {G['approved_done']}" if grant.status == "approved" else done)
    return redirect(f"/bevillinger/{grant.id}")


@router.post("/{grant_id}/traek-tilbage", response_class=HTMLResponse)
async def withdraw_grant(
    request: Request, grant_id: int, who: Viewer, session: DbSession
) -> Response:
    values = posted(await request.form())
    grant = grant_or_404(session, grant_id)
    try:
        grant_decisions.withdraw(session, who, grant.id, values.get("withdraw_reason", ""))
    except PrinciplesError as exc:
        session.rollback()
        refusal = Refusal("withdraw", str(exc), values, isinstance(exc, GrantConflict))
        return grant_page(request, session, who, grant_or_404(session, grant_id), refusal)
    flash(request, G["withdrawn_flash"])
    return redirect(f"/bevillinger/{grant.id}")


@router.post("/{grant_id}/afslut", response_class=HTMLResponse)
async def end_grant(request: Request, grant_id: int, who: Viewer, session: DbSession) -> Response:
    values = posted(await request.form())
    grant = grant_or_404(session, grant_id)
    day, errors = read_end(values)
    try:
        if day is None or errors:
            raise PrinciplesError(next(iter(errors.values())))
        grant_decisions.end(session, who, grant.id, day, values.get("end_reason", ""))
    except PrinciplesError as exc:
        session.rollback()
        refusal = Refusal("end", str(exc), values, isinstance(exc, GrantConflict), errors)
        return grant_page(request, session, who, grant_or_404(session, grant_id), refusal)
    flash(request, G["ended_flash"].format(day=danish_date(day)))
    return redirect(f"/bevillinger/{grant.id}")
