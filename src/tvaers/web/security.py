"""CSRF protection and security headers, as pure ASGI-level middleware."""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qs

from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import Response

from tvaers.web.texts import T

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; "
    "form-action 'self'; base-uri 'self'; object-src 'none'"
)


def csrf_token(request: Request) -> str:
    """The session's CSRF token, created on first use."""
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return str(token)


class CsrfMiddleware(BaseHTTPMiddleware):
    """Refuse any unsafe request whose token (form field or header) does not match the session's."""

    async def dispatch(
        self, request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        if request.method not in SAFE_METHODS:
            expected = request.session.get("csrf")
            sent = request.headers.get(CSRF_HEADER)
            if sent is None and request.headers.get("content-type", "").startswith(
                "application/x-www-form-urlencoded"
            ):
                body = await request.body()
                found = parse_qs(body.decode("utf-8", "replace")).get(CSRF_FIELD)
                sent = found[0] if found else None
            elif sent is None and request.headers.get("content-type", "").startswith(
                "multipart/form-data"
            ):
                # Read the body first: Starlette then replays it to the route, which a bare
                # ``request.form()`` would leave with an empty stream (and an empty form).
                await request.body()
                form = await request.form()
                value = form.get(CSRF_FIELD)
                sent = value if isinstance(value, str) else None
            if not expected or not sent or not secrets.compare_digest(str(expected), sent):
                from tvaers.web.deps import render  # deps imports this module

                # the error page, with the way back (what was typed is gone with the post)
                return render(request, "error.html", None, status_code=403, message=T.csrf_failed)
        return await call_next(request)


class SecurityHeadersMiddleware(BaseHTTPMiddleware):
    def __init__(self, app: object, *, https: bool) -> None:
        super().__init__(app)  # type: ignore[arg-type]
        self.https = https

    async def dispatch(
        self, request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        return secured(response, request.url.path, self.https)


def secured(response: Response, path: str, https: bool) -> Response:
    """The security headers on a response (also on the error page for a fault, which Starlette
    answers outside the middleware)."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers["X-Content-Type-Options"] = "nosniff"
    headers["X-Frame-Options"] = "DENY"
    headers["Referrer-Policy"] = "same-origin"
    headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    if not path.startswith("/static/"):
        headers["Cache-Control"] = "no-store"
    if https:
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    return response


MAX_BODY = 5 * 1024 * 1024  # a rule set or a form is kilobytes; nothing the app takes is larger


class _TooLarge(Exception):
    pass


class BodyLimitMiddleware:
    """Refuse a request body over :data:`MAX_BODY` before anything reads it — by its declared
    length, or while it streams in without one — so an anonymous client cannot fill the
    server's memory (issue 10: a 1.5 GB POST took 2.7 GB)."""

    def __init__(self, app: Any, max_bytes: int = MAX_BODY) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(scope, receive, send)
            return
        seen = 0

        async def limited() -> Any:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.max_bytes:
                raise _TooLarge
            return message

        try:
            await self.app(scope, limited, send)
        except _TooLarge:
            await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Any, receive: Any, send: Any) -> None:
        limit = self.max_bytes // (1024 * 1024)
        response = Response(
            f"Forespørgslen er for stor (højst {limit} MB).", status_code=413,
            media_type="text/plain; charset=utf-8", headers={"Connection": "close"},
        )  # fmt: skip
        await response(scope, receive, send)


class SafeAddressMiddleware:
    """An address with a control character (``%00`` and the like) names no page: 404 before a
    route passes it to a database that refuses it (PostgreSQL: NUL in text)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            path: str = scope.get("path", "")
            query: bytes = scope.get("query_string", b"")
            if any(ord(c) < 32 or ord(c) == 127 for c in path) or b"%00" in query.lower():
                response = Response("Siden findes ikke.", status_code=404,
                                    media_type="text/plain; charset=utf-8")  # fmt: skip
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)
