"""The FastAPI app: Danish pages on DKFDS, sessions, CSRF, security headers, one page module per
feature (``web/pages``)."""

from __future__ import annotations

from importlib import resources

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from tvaers.core.config import Settings
from tvaers.core.errors import AccessRefused
from tvaers.core.logging import get_logger
from tvaers.store.database import make_engine, sessions, upgrade
from tvaers.store.models import Solution
from tvaers.web import filters
from tvaers.web.deps import SignInRequired, render
from tvaers.web.pages import (
    admin,
    auth,
    citizens,
    data,
    draw,
    focus,
    home,
    selection,
    selection_casework,
    selection_enrolment,
    selection_view,
    solutions,
)
from tvaers.web.security import CsrfMiddleware, SecurityHeadersMiddleware
from tvaers.web.texts import T

S = T.selection

log = get_logger(__name__)


def create_app(settings: Settings) -> FastAPI:
    settings.ensure_home()
    engine = make_engine(settings.store_url)
    upgrade(engine)
    app = FastAPI(title="Tværs", docs_url=None, redoc_url=None, openapi_url="/api/openapi.json")
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessions = sessions(engine)
    folder = resources.files("tvaers.web")
    templates = Jinja2Templates(directory=str(folder / "templates"))
    filters.install(templates.env)
    selection_casework.install(templates.env)
    app.state.templates = templates
    app.mount("/static", StaticFiles(directory=str(folder / "static")), name="static")
    # selection before selection_view: /maalgrupper/ny is not a rule set's key
    for module in (auth, home, solutions, focus, citizens, data, draw, selection, selection_view,
                   selection_casework, selection_enrolment, admin):  # fmt: skip
        app.include_router(module.router)
    app.add_middleware(CsrfMiddleware)
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.session_key,
        session_cookie="tvaers_session",
        max_age=settings.session_hours * 3600,
        same_site="lax",
        https_only=settings.cookie_secure,
    )
    app.add_middleware(SecurityHeadersMiddleware, https=settings.cookie_secure)

    @app.exception_handler(SignInRequired)
    async def _sign_in(request: Request, _exc: SignInRequired) -> RedirectResponse:
        return RedirectResponse(f"/log-ind?next={request.url.path}", status_code=303)

    @app.exception_handler(AccessRefused)
    async def _refused(request: Request, exc: AccessRefused) -> HTMLResponse:
        """Every refusal of the access rules, in one place: the 403 page with the reason."""
        who = getattr(request.state, "who", None)
        if exc.solution_id is None:
            hint = f" {T.purpose_hint}" if exc.reason == "purpose" else ""
            return render(
                request, "forbidden.html", who, status_code=403, reason=exc.message + hint
            )
        with app.state.sessions() as session:
            solution = session.get(Solution, exc.solution_id)
            reasons = {
                "role": S["refused_role"],
                "purpose": S["refused_statistical"],
                "basis": S["refused_basis"].format(name=solution.name if solution else ""),
            }
            extra = {"basis_link": exc.may_record_basis} if exc.reason == "basis" else {}
            return render(
                request, "selection/refused.html", who, status_code=403, solution=solution,
                reason=reasons.get(exc.reason, exc.message), **extra,
            )  # fmt: skip

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> HTMLResponse:
        """A form field or address parameter FastAPI could not read: say which, in Danish."""
        who = getattr(request.state, "who", None)
        problems = [
            f"{T.field_label(str(e['loc'][-1]))}: "
            f"{T.validation.get(e['type'], T.validation['default'])} "
            f"(værdi: '{str(e.get('input', ''))[:40]}')"
            for e in exc.errors()
        ]
        return render(
            request,
            "error.html",
            who,
            status_code=422,
            message="Oplysningerne kunne ikke læses",
            problems=problems,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> HTMLResponse:
        who = getattr(request.state, "who", None)
        message = {404: T.not_found, 405: T.wrong_method}.get(exc.status_code, str(exc.detail))
        return render(request, "error.html", who, status_code=exc.status_code, message=message)

    @app.exception_handler(OverflowError)
    @app.exception_handler(DataError)
    async def _too_large(request: Request, exc: Exception) -> HTMLResponse:
        """A number in the address too large for the database (…/loesninger/99999999999999999999;
        SQLite raises OverflowError, PostgreSQL 'integer out of range'): no such page, as for any
        other unknown number. Any other data error is a fault and stays one."""
        if isinstance(exc, DataError) and "out of range" not in str(exc.orig):
            raise exc
        who = getattr(request.state, "who", None)
        return render(request, "error.html", who, status_code=404, message=T.not_found)

    return app
