"""``tvaers rules list|import|export``: target-group rule sets as YAML, versioned in the store."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from tvaers import access
from tvaers.cli import _settings, console, err
from tvaers.cli.acting import UserOption, acting
from tvaers.cli.select import READY_MADE, _store, rules_app
from tvaers.core.access import RULE_EDITORS

# --- tvaers rules -----------------------------------------------------------------------------


@rules_app.command("list")
def rules_list() -> None:
    """Regelsættene i driftsdatabasen (de færdige fra KL og Furesø indlæses første gang)."""
    from rich.table import Table

    from tvaers.selection import rule_store

    settings = _settings()
    with _store(settings) as session:
        rule_store.load_ready_made(session, READY_MADE)
        session.commit()
        table = Table(title="Målgrupperegler")
        table.add_column("Navn", no_wrap=True, overflow="fold")  # typed into --rules: whole
        for heading in ("Betegnelse", "Enhed", "Version"):
            table.add_column(heading)
        for rule in rule_store.list_rules(session):
            unit = {"citizen": "borgere", "family": "familier"}.get(rule.unit, rule.unit)
            table.add_row(rule.key, rule.label, unit, str(rule.version))
    console.print(table)


@rules_app.command("import")
def rules_import(
    file: Annotated[Path, typer.Argument(help="YAML-fil med ét regelsæt")],
    note: Annotated[str, typer.Option("--note", help="Hvad er ændret")] = "",
    user: UserOption = None,
) -> None:
    """Gem et regelsæt fra en YAML-fil (ny version, hvis det er ændret; uændret gør intet)."""
    from tvaers.selection import rule_store
    from tvaers.selection.parse import parse_rule_set
    from tvaers.selection.rule_files import read_rule_file

    settings = _settings()
    with acting(settings, user) as (session, actor):
        access.require_role(actor, RULE_EDITORS, "At gemme regelsæt")
        text = read_rule_file(file)
        rule = rule_store.find_rule(session, parse_rule_set(text, file.name).key)
        before = rule.version if rule is not None else None
        row = rule_store.save_rule(session, text, actor.username, note, source=file.name)
        if row.version == before:
            console.print(f"Regelsættet er uændret; intet gemt (version {row.version}).")
        else:
            console.print(f"Regelsættet er gemt (version {row.version}).")


@rules_app.command("export")
def rules_export(
    key: Annotated[str, typer.Argument(help="Regelsættets navn")],
    version: Annotated[
        int | None, typer.Option("--version", help="Version (standard: nyeste)")
    ] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Fil (standard: skærmen)")] = None,
) -> None:
    """Skriv et regelsæt som YAML, præcis som det blev gemt."""

    from tvaers.reports.output import OutputError, write_text_file
    from tvaers.selection import rule_store

    settings = _settings()
    with _store(settings) as session:
        rule_store.load_ready_made(session, READY_MADE)
        session.commit()
        text = rule_store.export_rule(session, key, version)
    if out is None:
        sys.stdout.write(text)
        return
    try:
        write_text_file(out, text)
    except OutputError as exc:
        err.print(f"[red]Fejl:[/red] {exc}")
        raise typer.Exit(1) from exc
    err.print(f"Skrevet til {out}")
