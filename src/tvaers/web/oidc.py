"""OpenID Connect sign-in (Keycloak, Entra ID), by configuration (TVAERS_OIDC_*).

The identity provider authenticates; Tværs maps the role claim to one of its roles through
``TVAERS_OIDC_ROLE_MAP`` and creates or updates the local user (without a local password). A
user with no mapped role is refused.
"""

from __future__ import annotations

from typing import Any

from fastapi import HTTPException, Request
from fastapi.responses import RedirectResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from tvaers.core.access import Role
from tvaers.core.config import Settings
from tvaers.store import audit
from tvaers.store.models import User


def role_map(settings: Settings) -> dict[str, Role]:
    """``gruppe=rolle,gruppe=rolle`` -> {group: Role}; unknown roles are a configuration error."""
    mapping: dict[str, Role] = {}
    for pair in filter(None, (p.strip() for p in settings.oidc_role_map.split(","))):
        group, _, role = pair.partition("=")
        mapping[group.strip()] = Role(role.strip())
    return mapping


def role_from_claims(claims: dict[str, Any], settings: Settings) -> Role | None:
    """The most privileged mapped role among the user's groups (order of the Role enum)."""
    raw = claims.get(settings.oidc_role_claim) or []
    groups = [raw] if isinstance(raw, str) else list(raw)
    mapping = role_map(settings)
    found = {mapping[g] for g in groups if g in mapping}
    return next((r for r in Role if r in found), None)


def _client(request: Request) -> Any:
    settings: Settings = request.app.state.settings
    if not settings.oidc_issuer:
        raise HTTPException(404)
    client = getattr(request.app.state, "oidc_client", None)
    if client is None:
        from authlib.integrations.starlette_client import OAuth

        oauth = OAuth()
        client = oauth.register(
            "kommune",
            client_id=settings.oidc_client_id,
            client_secret=settings.oidc_client_secret,
            server_metadata_url=settings.oidc_issuer.rstrip("/")
            + "/.well-known/openid-configuration",
            client_kwargs={"scope": "openid profile email"},
        )
        request.app.state.oidc_client = client
    return client


async def start(request: Request) -> RedirectResponse:
    client = _client(request)
    return await client.authorize_redirect(request, str(request.url_for("oidc_callback")))  # type: ignore[no-any-return]


async def finish(request: Request, session: Session) -> tuple[User | None, str]:
    """Complete the code flow; returns the user, or None and a Danish reason."""
    client = _client(request)
    try:
        token = await client.authorize_access_token(request)
    except Exception as exc:  # authlib raises several types for a failed exchange
        audit.record(
            session, "?", "log_ind_fejlet", detail={"grund": "oidc", "fejl": str(exc)[:200]}
        )
        return None, "Log ind hos kommunens login mislykkedes. Prøv igen."
    claims = dict(token.get("userinfo") or {})
    username = str(claims.get("preferred_username") or claims.get("email") or claims["sub"]).lower()
    settings: Settings = request.app.state.settings
    role = role_from_claims(claims, settings)
    if role is None:
        audit.record(session, username[:100], "log_ind_fejlet", detail={"grund": "ingen_rolle"})
        return None, "Din bruger har ingen rolle i Tværs. Kontakt en administrator."
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        user = User(
            username=username,
            full_name=str(claims.get("name") or username),
            role=role,
            password_hash=None,
            active=True,
            failed_logins=0,
        )
        session.add(user)
        session.flush()
    elif user.locked_at is not None or not user.active:
        audit.record(session, username, "log_ind_fejlet", detail={"grund": "spaerret"})
        return None, "Kontoen er spærret eller deaktiveret. Kontakt en administrator."
    user.role = role
    audit.record(session, username, "log_ind", detail={"metode": "oidc"})
    return user, ""
