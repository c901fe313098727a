"""Administration: users (create, unlock) and the audit log for one citizen (right of access)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from tvaers.access import Actor
from tvaers.core.access import ADMINS, Role
from tvaers.core.cpr import InvalidCpr, Pseudonymiser, checked
from tvaers.core.publication import Column, DataTable
from tvaers.store import audit, users
from tvaers.web.deps import DbSession, flash, redirect, render, require, settings_of
from tvaers.web.tables import excel_response, table_page
from tvaers.web.texts import T

router = APIRouter(prefix="/admin")
admin = require(*ADMINS)
Admin = Annotated[Actor, Depends(admin)]


def _users_table(session: Session) -> DataTable:
    return DataTable(
        title="Brugere",
        columns=[
            Column("username", T.username),
            Column("full_name", "Navn"),
            Column("role", T.role),
            Column("status", "Status"),
            Column("failed_logins", "Mislykkede forsøg", "int"),
            Column("created_at", "Oprettet", "datetime"),
        ],
        rows=[
            {
                "username": u.username,
                "full_name": u.full_name,
                "role": T.roles.get(u.role, u.role),
                "status": "Spærret" if u.locked_at else ("Aktiv" if u.active else "Deaktiveret"),
                "failed_logins": u.failed_logins,
                "created_at": u.created_at,
                "locked": u.locked_at is not None,
            }
            for u in users.all_users(session)
        ],
        filename="brugere",
    )


@router.get("/brugere", response_class=HTMLResponse)
def user_list(request: Request, who: Admin, session: DbSession) -> Response:
    return table_page(
        request, who, "admin/users.html", _users_table(session), roles=list(Role), error=None
    )


@router.post("/brugere", response_class=HTMLResponse)
def user_add(
    request: Request,
    username: Annotated[str, Form()],
    full_name: Annotated[str, Form()],
    role: Annotated[str, Form()],
    password: Annotated[str, Form()],
    who: Admin,
    session: DbSession,
) -> Response:
    try:
        users.add(session, username, full_name, Role(role), password, actor=who.username)
    except (users.UserError, ValueError) as exc:
        return render(
            request,
            "admin/users.html",
            who,
            status_code=422,
            table=_users_table(session),
            roles=list(Role),
            error=str(exc),
        )
    flash(request, f"Brugeren {username} er oprettet.")
    return redirect("/admin/brugere")


@router.post("/brugere/{username}/laas-op")
def user_unlock(request: Request, username: str, who: Admin, session: DbSession) -> Response:
    users.unlock(session, username, who.username)
    flash(request, f"Brugeren {username} er låst op.")
    return redirect("/admin/brugere")


@router.get("/log", response_class=HTMLResponse)
def log_page(request: Request, who: Admin) -> HTMLResponse:
    return render(request, "admin/log.html", who, table=None, error=None)


@router.post("/log", response_class=HTMLResponse)
async def log_for_citizen(request: Request, who: Admin, session: DbSession) -> Response:
    """Who has seen this citizen's data (the data subject's right of access). Itself logged."""
    form = await request.form()
    cpr = str(form.get("cpr", ""))
    try:
        checked(cpr)
    except InvalidCpr as exc:
        return render(request, "admin/log.html", who, status_code=422, table=None, error=str(exc))
    pseudonym = Pseudonymiser(settings_of(request).key_bytes).pseudonym(cpr)
    entries = audit.for_citizen(session, pseudonym)
    audit.record(
        session,
        who.username,
        "indsigt_i_log",
        citizen=pseudonym,
        basis="Den registreredes indsigtsret",
    )
    table = DataTable(
        title="Adgang til borgerens oplysninger",
        columns=[
            Column("at", "Tidspunkt", "datetime"),
            Column("actor", "Bruger"),
            Column("action", "Handling"),
            Column("purpose", T.purpose),
            Column("basis", "Grundlag"),
        ],
        rows=[
            {
                "at": e.at,
                "actor": e.actor,
                "action": T.audit_actions.get(e.action, e.action),
                "purpose": T.purposes.get(e.purpose or "", e.purpose),
                "basis": e.basis,
            }
            for e in entries
        ],
        filename="log-for-borger",
    )
    if form.get("format") == "xlsx":
        return excel_response(table)
    return render(request, "admin/log.html", who, table=table, error=None, cpr_masked=cpr[:6])
