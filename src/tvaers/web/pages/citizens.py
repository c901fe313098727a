"""Person-level pages: look up a citizen, record a basis, see the citizen's loaded data.

Only under the casework purpose, for a role that allows it, with a recorded basis; every view and
export leaves one audit entry (tvaers.access). The CPR number is pseudonymised at once and never
appears in a URL or a log.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from tvaers import access
from tvaers.access import Actor
from tvaers.core.access import BASIS_RECORDERS
from tvaers.core.cpr import InvalidCpr, Pseudonymiser, checked
from tvaers.core.errors import AccessRefused, ConfigError
from tvaers.core.periods import danish_date, today
from tvaers.core.publication import Column, DataTable
from tvaers.data.citizen import citizen_data, is_loaded
from tvaers.store import audit
from tvaers.web.deps import DbSession, Viewer, flash, redirect, render, settings_of
from tvaers.web.forms import basis_period, basis_timing, posted
from tvaers.web.tables import excel_response, wants_excel
from tvaers.web.texts import T

router = APIRouter(prefix="/borgere")


@router.get("", response_class=HTMLResponse)
def search_page(request: Request, who: Viewer) -> HTMLResponse:
    access.require_casework(who)
    return render(request, "citizens/search.html", who, error=None)


@router.post("", response_class=HTMLResponse)
def search(
    request: Request, cpr: Annotated[str, Form()], who: Viewer, session: DbSession
) -> Response:
    access.require_casework(who)
    try:
        checked(cpr)
    except InvalidCpr as exc:
        return render(request, "citizens/search.html", who, status_code=422, error=str(exc))
    pseudonym = Pseudonymiser(settings_of(request).key_bytes).pseudonym(cpr)
    audit.record(session, who.username, "borger_soegt", citizen=pseudonym, purpose=who.purpose)
    return redirect(f"/borgere/{pseudonym}")


@router.post("/{citizen}/grundlag", response_class=HTMLResponse)
async def record_basis(request: Request, citizen: str, who: Viewer, session: DbSession) -> Response:
    """Record a basis for the citizen. A mistake is shown in an error box above the form with
    everything typed kept (422); a basis that does not apply today says so."""
    access.require_casework(who)
    if who.role not in BASIS_RECORDERS:
        raise AccessRefused("Din rolle kan ikke registrere grundlag for adgang.")
    if not is_loaded(settings_of(request), citizen):
        raise HTTPException(404)  # no basis for somebody who is not in the data
    values = posted(await request.form())
    try:
        valid_from, valid_to = basis_period(values, ConfigError)
        access.record_citizen_basis(session, who, citizen, values.get("kind", ""),
                                    values.get("reference", ""), valid_from, valid_to)  # fmt: skip
    except ConfigError as exc:
        return _no_basis(request, who, citizen, 422, error=str(exc), values=values)
    timing = basis_timing(valid_from, valid_to)
    if timing == "later":
        flash(request, T.basis_later.format(day=danish_date(valid_from)))
    elif timing == "expired" and valid_to is not None:
        flash(request, T.basis_expired.format(day=danish_date(valid_to)))
    else:
        flash(request, "Grundlaget er registreret.")
    return redirect(f"/borgere/{citizen}")


def _no_basis(
    request: Request,
    who: Actor,
    citizen: str,
    status_code: int = 403,
    error: str | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    """The page for a citizen without a basis in force: the form to record one."""
    return render(
        request, "citizens/no_basis.html", who, status_code=status_code, citizen=citizen,
        can_record=who.role in BASIS_RECORDERS, error=error,
        values=values or {"valid_from": today().isoformat()},
    )  # fmt: skip


@router.get("/{citizen}", response_class=HTMLResponse)
def citizen_page(request: Request, citizen: str, who: Viewer, session: DbSession) -> Response:
    access.require_casework(who)
    if access.citizen_basis(session, citizen) is None:
        return _no_basis(request, who, citizen)
    export = wants_excel(request)
    action = "borger_eksporteret" if export else "borger_vist"
    basis = access.person(session, who, citizen, action)
    asked = request.query_params.get("identitet") == "1" and not export
    settings = settings_of(request)
    identity = access.reveal(session, settings, who, citizen) if asked else None
    data = citizen_data(settings_of(request), citizen)
    postings = DataTable(
        title="Posteringer på borgeren",
        columns=[
            Column("posting_date", "Dato", "date"),
            Column("amount", "Beløb", "money"),
            Column("function_code", "Funktion"),
            Column("intervention", "Indsats"),
            Column("text", "Tekst"),
        ],
        rows=data["postings"],
        filename=f"borger-{citizen[:8]}-posteringer",
    )
    if export:
        return excel_response(postings)
    activities = DataTable(
        title="Aktiviteter",
        columns=[
            Column("intervention", "Indsats"),
            Column("name", "Navn"),
            Column("start_date", "Start", "date"),
            Column("end_date", "Slut", "date"),
            Column("units_per_month", "Enheder pr. måned", "decimal"),
            Column("decided_by", "Bevilget af"),
        ],
        rows=data["activities"],
        filename="aktiviteter",
    )
    return render(
        request,
        "citizens/citizen.html",
        who,
        citizen=citizen,
        basis=basis,
        identity=identity,
        identity_asked=asked,
        facts=(data["citizen"] or [{}])[0],
        postings=postings,
        activities=activities,
        outcomes=data["outcomes"],
    )
