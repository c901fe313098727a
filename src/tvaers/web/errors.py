"""Every error the app answers, rendered once with the layout and the security headers: a
refusal of the access rules (403, with the reason and, for a solution's people, the way to put it
right), sign-in, unreadable input (422), unknown pages (404) and numbers too large for the
database."""

from __future__ import annotations

import secrets

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from tvaers.core.errors import AccessRefused, DataBusy
from tvaers.core.logging import get_logger
from tvaers.store.models import Solution
from tvaers.web.deps import SignInRequired, render
from tvaers.web.security import secured
from tvaers.web.texts import T

S = T.selection
log = get_logger(__name__)


def install_error_pages(app: FastAPI) -> None:
    """Register the app's error pages."""

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
                reason=reasons.get(exc.reason, exc.message), refusal=exc.reason, **extra,
            )  # fmt: skip

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> HTMLResponse:
        """A form field or address parameter FastAPI could not read: say which, in Danish."""
        who = getattr(request.state, "who", None)
        problems = [
            f"{T.field_label(str(e['loc'][-1]))}: "
            f"{T.validation.get(e['type'], T.validation['default'])}"
            + (f" (værdi: '{str(e['input'])[:40]}')" if e.get("input") not in (None, "") else "")
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
        if exc.status_code == 400 and "maximum size" in str(exc.detail):  # python-multipart's
            message = T.field_too_long
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

    install_fault_pages(app)


def install_fault_pages(app: FastAPI) -> None:
    """The pages for data being written and for a fault."""

    @app.exception_handler(DataBusy)
    async def _busy(request: Request, exc: DataBusy) -> HTMLResponse:
        """An import or a deletion holds the analytics file: say so, and when to try again."""
        who = getattr(request.state, "who", None)
        page = render(request, "error.html", who, status_code=503, message=T.data_busy,
                      detail=str(exc))  # fmt: skip
        page.headers["Retry-After"] = "30"
        return page

    @app.exception_handler(Exception)
    async def _fault(request: Request, exc: Exception) -> HTMLResponse:
        """A fault: logged with a number the user can quote; the page in Danish, with the layout
        when it can be drawn, and always with the security headers."""
        number = secrets.token_hex(4)
        log.error("web_fault", number=number, path=request.url.path, error=type(exc).__name__,
                  exc_info=exc)  # fmt: skip
        message = T.fault.format(number=number)
        try:
            who = getattr(request.state, "who", None)
            page = render(request, "error.html", who, status_code=500, message=message)
        except Exception:  # the layout itself failed: plain Danish text
            page = HTMLResponse(f"<!doctype html><html lang=da><title>Fejl</title><p>{message}",
                                status_code=500)  # fmt: skip
        return secured(page, request.url.path, app.state.settings.cookie_secure)  # type: ignore[return-value]
