"""Request dependencies: the database session, the signed-in user, rendering."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session

from tvaers import access
from tvaers.access import Actor
from tvaers.core.access import Purpose, Role, purposes_for
from tvaers.core.config import Settings
from tvaers.store import web_sessions
from tvaers.store.models import User
from tvaers.web.security import csrf_token
from tvaers.web.texts import T


class SignInRequired(Exception):
    """Raised when a page needs a signed-in user; answered with a redirect to the sign-in page."""


def settings_of(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


def db(request: Request) -> Iterator[Session]:
    """One transaction per request: committed when the page succeeds, rolled back otherwise.

    Always declared with ``scope="function"``, so the commit happens before the response is
    sent: a browser following a redirect must see what the POST saved."""
    session: Session = request.app.state.sessions()
    try:
        yield session
        session.commit()
    except Exception:
        session.rollback()
        raise
    finally:
        session.close()


DbSession = Annotated[Session, Depends(db, scope="function")]
"""A route's database session, the one transaction of the request (see :func:`db`)."""


def viewer(request: Request, session: DbSession) -> Actor:
    settings = settings_of(request)
    user_id = web_sessions.current(
        session, request.session.get("sid"), settings.session_hours, settings.idle_minutes
    )
    if user_id is None:  # no session, ended (logged out, new password, locked), old or idle
        request.session.clear()
        raise SignInRequired
    user = session.get(User, user_id)
    if user is None or not user.active or user.locked_at is not None:
        request.session.clear()
        raise SignInRequired
    role = Role(user.role)
    purpose = Purpose(request.session.get("purpose", Purpose.STATISTICAL))
    if purpose not in purposes_for(role):
        purpose = Purpose.STATISTICAL
    who = Actor(user.id, user.username, user.full_name, role, purpose)
    request.state.who = who
    return who


Viewer = Annotated[Actor, Depends(viewer)]
"""The signed-in user of a route that every role may see."""


def require(*roles: Role) -> Any:
    """A dependency that lets only ``roles`` through."""

    def check(who: Actor = Depends(viewer)) -> Actor:
        access.require_role(who, roles, "Siden")
        return who

    return check


def templates(request: Request) -> Jinja2Templates:
    return request.app.state.templates  # type: ignore[no-any-return]


def render(
    request: Request, name: str, who: Actor | None, status_code: int = 200, **context: Any
) -> HTMLResponse:
    """Render a page with the common context: texts, user, purpose, CSRF token, navigation."""
    base = {
        "request": request,
        "T": T,
        "who": who,
        "csrf": csrf_token(request),
        "path": request.url.path,
        "flash": request.session.pop("flash", None),
    }
    return templates(request).TemplateResponse(
        request, name, {**base, **context}, status_code=status_code
    )


def flash(request: Request, message: str) -> None:
    request.session["flash"] = message


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)
