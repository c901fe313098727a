"""Signing in and out (local users; OpenID Connect when configured) and choosing the purpose."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from tvaers.core.access import Purpose, purposes_for
from tvaers.store import audit, users, web_sessions
from tvaers.store.models import User
from tvaers.web import oidc
from tvaers.web.deps import DbSession, Viewer, flash, redirect, render, settings_of
from tvaers.web.texts import T

router = APIRouter()


def _safe_next(target: str | None) -> str:
    """Only local paths: never redirect to another site after sign-in."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


def start_session(request: Request, session: Session, user: User) -> None:
    """A new server-side session (the cookie carries its token only) with a fresh cookie."""
    request.session.clear()
    request.session.update(
        sid=web_sessions.begin(session, user.id), purpose=Purpose.STATISTICAL.value
    )


@router.get("/log-ind", response_class=HTMLResponse)
def sign_in_page(request: Request, next: str | None = None) -> HTMLResponse:
    settings = settings_of(request)
    return render(
        request, "login.html", None, next=_safe_next(next), oidc=bool(settings.oidc_issuer)
    )


@router.post("/log-ind", response_class=HTMLResponse)
def sign_in(
    request: Request,
    username: Annotated[str, Form()],
    password: Annotated[str, Form()],
    session: DbSession,
    next: Annotated[str, Form()] = "/",
) -> Response:
    result = users.authenticate(session, username, password)
    if result.reason != "ok" or result.user is None:
        return render(
            request,
            "login.html",
            None,
            status_code=401,
            error=T.login_failed,  # the same for an unknown, wrong, locked or inactive user
            next=_safe_next(next),
            username=username,
            oidc=bool(settings_of(request).oidc_issuer),
        )
    start_session(request, session, result.user)
    return redirect(_safe_next(next))


@router.post("/log-ud")
def sign_out(request: Request, session: DbSession) -> RedirectResponse:
    """End the session in the store (a copied cookie is worthless from now on) and the cookie."""
    token = request.session.get("sid")
    settings = settings_of(request)
    user_id = web_sessions.current(session, token, settings.session_hours, settings.idle_minutes)
    user = session.get(User, user_id) if user_id else None
    if user is not None:
        audit.record(session, user.username, "log_ud")
    web_sessions.end(session, token)
    request.session.clear()
    return redirect("/log-ind")


@router.post("/formaal")
def choose_purpose(
    request: Request,
    purpose: Annotated[str, Form()],
    who: Viewer,
    session: DbSession,
    next: Annotated[str, Form()] = "/",
) -> RedirectResponse:
    """Switch purpose and return to the page it was switched on (a local path only); the
    analyst can never choose casework. Every switch is logged."""
    try:
        chosen = Purpose(purpose)
    except ValueError:
        chosen = Purpose.STATISTICAL
    if chosen not in purposes_for(who.role):
        flash(request, f"Rollen {T.roles[who.role]} kan ikke arbejde under sagsbehandlingsformål.")
        return redirect("/")
    request.session["purpose"] = chosen.value
    audit.record(session, who.username, "formaal_valgt", purpose=chosen.value)
    flash(request, f"Du arbejder nu under {T.purposes[chosen].lower()}.")
    return redirect(_safe_next(next))


@router.get("/log-ind/oidc")
async def oidc_start(request: Request) -> RedirectResponse:
    return await oidc.start(request)


@router.get("/log-ind/oidc/svar", response_class=HTMLResponse)
async def oidc_callback(request: Request, session: DbSession) -> Response:
    user, problem = await oidc.finish(request, session)
    if user is None:
        return render(
            request, "login.html", None, status_code=401, error=problem, next="/", oidc=True
        )
    start_session(request, session, user)
    return redirect("/")
