"""The audit log's integrity from the command line: ``tvaers audit verify`` and, for
PostgreSQL, ``tvaers db roles`` (the least-privilege role the app runs as)."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Annotated

import typer

from tvaers.cli import _settings, app, console, db_app, err
from tvaers.core.config import Settings

audit_app = typer.Typer(help="Revisionssporet (loggen over adgang og handlinger).",
                        no_args_is_help=True)  # fmt: skip
app.add_typer(audit_app, name="audit")


def witness_file(settings: Settings) -> Path:
    """Heads noted by earlier checks, outside the database: emptying the log or removing its
    newest entries is found against them."""
    return settings.home / "logs" / "revisionsspor-hoveder.txt"


def _witnessed(path: Path, extra: list[str]) -> list[tuple[int, str]]:
    lines = path.read_text(encoding="utf-8").splitlines() if path.is_file() else []
    heads = []
    for line in [*lines, *extra]:
        number, _, digest = line.strip().partition(":")
        if not number.isdigit() or len(digest.split()[0] if digest else "") != 64:
            err.print(
                f"[red]Fejl:[/red] «{line}» er ikke et hoved på formen NR:HASH (fx "
                "«12:9f86d0…» med hele hashen på 64 tegn, som audit verify skriver det)."
            )
            raise typer.Exit(2)
        heads.append((int(number), digest.split()[0]))
    return sorted(heads)


@audit_app.command("verify")
def audit_verify(
    head: Annotated[
        list[str] | None,
        typer.Option("--hoved", help="Et hoved noteret tidligere (NR:HASH); kan gentages"),
    ] = None,
) -> None:
    """Kontrollér hashkæden over revisionssporet: finder enhver ændring, sletning eller lukke.

    Skriver det nye hoved (nummer og hash) i home/logs/revisionsspor-hoveder.txt; gem det også
    et sted uden for serveren for det stærkeste bevis."""
    from tvaers.cli.acting import store
    from tvaers.store import audit

    settings = _settings()
    noted = witness_file(settings)
    with store(settings) as session:
        result = audit.verify(session, _witnessed(noted, head or []))
        actor = f"kommandolinje:{getpass.getuser()}"
        outcome = {"kontrolleret": result.checked, "intakt": result.broken is None}
        if result.broken is not None:
            outcome["foerste_fejl"] = result.broken.entry
        entry = audit.record(session, actor, "revisionsspor_kontrolleret", detail=outcome)
        session.commit()
        new_head = (entry.id, entry.hash or "")
    if result.broken is not None:
        err.print(
            f"[red]Revisionssporet er ikke intakt.[/red] Første fejl: indgang nr. "
            f"{result.broken.entry}: {result.broken.problem}. "
            f"{result.checked} indgange kontrolleret."
        )
        raise typer.Exit(1)
    noted.parent.mkdir(parents=True, exist_ok=True)
    with noted.open("a", encoding="utf-8") as file:
        file.write(f"{new_head[0]}:{new_head[1]}\n")
    console.print(
        f"Revisionssporet er intakt: {result.checked} indgange kontrolleret. "
        f"Nyt hoved: {new_head[0]}:{new_head[1]}"
    )


@db_app.command("roles")
def db_roles(
    role: Annotated[str, typer.Option("--role", help="Rollen appen kører som")] = "tvaers_app",
    apply: Annotated[bool, typer.Option("--apply", help="Udfør (som databasens ejer)")] = False,
) -> None:
    """PostgreSQL: opret eller opdatér rollen med mindst mulige rettigheder, som appen kører som.

    Uden --apply skrives SQL'en, så en databaseadministrator kan læse den først. Kør igen efter
    hver «tvaers db upgrade» (nye tabeller får rettigheder)."""
    from tvaers.store.roles import RoleError, apply_roles, role_statements

    settings = _settings()
    url = settings.owner_database_url or settings.store_url
    try:
        statements = role_statements(url, role)
        if apply:
            apply_roles(url, statements)
    except RoleError as exc:
        err.print(f"[red]Fejl:[/red] {exc}")
        raise typer.Exit(2) from exc
    if not apply:
        console.print(";\n".join(statements) + ";", markup=False, highlight=False)
        return
    console.print(
        f"Rollen {role} har nu kun de rettigheder, appen skal bruge: revisionssporet og "
        "udvælgelsesbeslutningerne kan den kun læse og tilføje til. Sæt TVAERS_DATABASE_URL til "
        f"rollen {role} og TVAERS_OWNER_DATABASE_URL til ejeren (til «tvaers db upgrade»)."
    )
