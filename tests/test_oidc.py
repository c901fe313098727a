"""OpenID Connect sign-in against a small identity provider served on this machine.

The provider speaks the real protocol (discovery, JWKS, authorization code, RS256-signed ID
token), so the app's Authlib client does exactly what it does against Keycloak or Entra ID.
"""

from __future__ import annotations

import secrets
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlparse

import httpx2
import pytest
import uvicorn
from fastapi.testclient import TestClient
from joserfc import jwt
from joserfc.jwk import RSAKey
from sqlalchemy import select
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse
from starlette.routing import Route

from tvaers.core.config import Settings
from tvaers.store.models import User
from tvaers.web.app import create_app

from .conftest import TEST_KEY

CLIENT_ID = "tvaers"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Provider:
    def __init__(self, port: int) -> None:
        self.issuer = f"http://127.0.0.1:{port}"
        self.key = RSAKey.generate_key(2048, parameters={"kid": "k1"})
        self.codes: dict[str, dict] = {}
        self.next_user = {"preferred_username": "lone.leder", "name": "Lone Leder",
                          "roles": ["tvaers-leder"]}  # fmt: skip

    def app(self) -> Starlette:
        async def discovery(_: Request) -> JSONResponse:
            return JSONResponse({
                "issuer": self.issuer, "authorization_endpoint": f"{self.issuer}/authorize",
                "token_endpoint": f"{self.issuer}/token", "jwks_uri": f"{self.issuer}/jwks",
                "response_types_supported": ["code"], "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
            })  # fmt: skip

        async def jwks(_: Request) -> JSONResponse:
            return JSONResponse({"keys": [self.key.as_dict(private=False)]})

        async def authorize(request: Request) -> RedirectResponse:
            q = request.query_params
            code = secrets.token_urlsafe(16)
            self.codes[code] = {"nonce": q.get("nonce"), "user": dict(self.next_user)}
            return RedirectResponse(
                f"{q['redirect_uri']}?{urlencode({'code': code, 'state': q['state']})}"
            )

        async def token(request: Request) -> JSONResponse:
            form = await request.form()
            grant = self.codes.pop(str(form["code"]))
            now = int(time.time())
            claims = {"iss": self.issuer, "sub": grant["user"]["preferred_username"], "aud": CLIENT_ID,
                      "iat": now, "exp": now + 300, "nonce": grant["nonce"], **grant["user"]}  # fmt: skip
            id_token = jwt.encode({"alg": "RS256", "kid": "k1"}, claims, self.key)
            return JSONResponse({"access_token": "a", "token_type": "Bearer", "expires_in": 300,
                                 "id_token": id_token})  # fmt: skip

        return Starlette(routes=[
            Route("/.well-known/openid-configuration", discovery), Route("/jwks", jwks),
            Route("/authorize", authorize), Route("/token", token, methods=["POST"]),
        ])  # fmt: skip


@pytest.fixture(scope="module")
def provider() -> Iterator[Provider]:
    port = _free_port()
    idp = Provider(port)
    server = uvicorn.Server(
        uvicorn.Config(idp.app(), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "identitetsudbyderen startede ikke"
    yield idp
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def oidc_app(tmp_path: Path, provider: Provider):
    settings = Settings(home=tmp_path / "home", pseudonym_key=TEST_KEY, oidc_issuer=provider.issuer,
                        oidc_client_id=CLIENT_ID, oidc_client_secret="hemmelig",
                        oidc_role_map="tvaers-leder=solution_leader,tvaers-admin=administrator")  # fmt: skip
    app = create_app(settings)
    yield app
    app.state.engine.dispose()


def _flow(app, provider: Provider) -> httpx2.Response:
    client = TestClient(app, base_url="https://testserver")
    assert "Log ind med kommunens login" in client.get("/log-ind").text
    start = client.get("/log-ind/oidc", follow_redirects=False)
    assert start.status_code == 302
    assert start.headers["location"].startswith(f"{provider.issuer}/authorize")
    back = httpx2.get(start.headers["location"], follow_redirects=False).headers["location"]
    callback = urlparse(back)
    assert callback.path == "/log-ind/oidc/svar"
    return client.get(f"/log-ind/oidc/svar?{callback.query}", follow_redirects=True), client


def test_sign_in_with_the_municipality_login_maps_the_role(oidc_app, provider: Provider) -> None:
    provider.next_user = {"preferred_username": "lone.leder", "name": "Lone Leder",
                          "roles": ["andet", "tvaers-leder"]}  # fmt: skip
    page, client = _flow(oidc_app, provider)
    assert page.status_code == 200 and "Lone Leder" in page.text
    assert client.get("/loesninger/ny").status_code == 200  # the solution leader may create
    with oidc_app.state.sessions() as session:
        user = session.scalar(select(User).where(User.username == "lone.leder"))
        assert user.role == "solution_leader" and user.password_hash is None


def test_a_user_without_a_mapped_role_is_refused(oidc_app, provider: Provider) -> None:
    provider.next_user = {"preferred_username": "ukendt", "name": "Uden Rolle", "roles": ["andet"]}
    page, client = _flow(oidc_app, provider)
    assert page.status_code == 401 and "ingen rolle i Tværs" in page.text
    assert client.get("/", follow_redirects=False).status_code == 303


def test_a_tampered_state_is_refused(oidc_app, provider: Provider) -> None:
    client = TestClient(oidc_app, base_url="https://testserver")
    start = client.get("/log-ind/oidc", follow_redirects=False)
    back = urlparse(
        httpx2.get(start.headers["location"], follow_redirects=False).headers["location"]
    )
    query = parse_qs(back.query)
    page = client.get(f"/log-ind/oidc/svar?code={query['code'][0]}&state=forfalsket")
    assert page.status_code == 401 and "mislykkedes" in page.text
