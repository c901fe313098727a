"""The command line acts as a real user of the store, through :mod:`tvaers.access`.

Every command that reads person-level data, decides or records takes ``--user`` (or the
environment variable ``TVAERS_USER``): an existing, active user of the store. The role × purpose
matrix of the README applies exactly as in the browser, and ``--basis`` names a basis recorded
in the store (``tvaers basis list``), never free text. A refusal prints «Afvist: …» in Danish and
exits with code 1, before anything is computed, written or logged.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated

import typer

from tvaers import access
from tvaers.core.access import Purpose
from tvaers.core.config import Settings
from tvaers.core.errors import AccessRefused, TvaersError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

UserOption = Annotated[
    str | None,
    typer.Option(
        "--user",
        envvar="TVAERS_USER",
        help="Din bruger i Tværs (eller TVAERS_USER); handlingen logges i dit navn",
    ),
]
PurposeOption = Annotated[
    str, typer.Option("--purpose", help="statistical (standard) eller casework")
]
BasisOption = Annotated[
    int | None,
    typer.Option(
        "--basis",
        help="Nummeret på et registreret grundlag (tvaers basis list); standard: det gældende",
    ),
]


def store(settings: Settings) -> Session:
    """A session on the operational store (its schema brought up to date once per process)."""
    from tvaers.store.database import open_store

    return open_store(settings.store_url)()


def refuse(exc: AccessRefused) -> None:
    """Print a refusal of the access rules the one way the command line does, and exit 1."""
    from tvaers.cli import err

    hint = f" {exc.hint}" if exc.hint else ""
    if exc.reason == "purpose" and not exc.hint:
        hint = " Brug --purpose casework, hvis din rolle tillader det."
    err.print(f"[red]Afvist:[/red] {exc.message}{hint}")
    raise typer.Exit(1)


@contextmanager
def acting(
    settings: Settings, user: str | None, purpose: str | Purpose = Purpose.STATISTICAL
) -> Iterator[tuple[Session, access.Actor]]:
    """The store session and the :class:`~tvaers.access.Actor` for ``--user`` under
    ``purpose``; committed at the end, rolled back on an error. Refusals and other errors are
    printed in Danish and end the command."""
    from tvaers.cli import _fail

    session = store(settings)
    try:
        actor = access.actor_for(session, user, purpose)
        yield session, actor
        session.commit()
    except AccessRefused as exc:
        session.rollback()
        refuse(exc)
    except TvaersError as exc:
        session.rollback()
        _fail(exc)
    finally:
        session.close()


def check(settings: Settings, user: str | None, purpose: str | Purpose, gate: object) -> None:
    """Run ``gate(session, actor)`` (a check that logs nothing) before any work is done."""
    with acting(settings, user, purpose) as (session, actor):
        gate(session, actor)  # type: ignore[operator]
