"""``tvaers retention plan|apply``: each kind of data kept for its period, then deleted."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from tvaers.cli import _administrator, _settings, app, console
from tvaers.cli.acting import UserOption
from tvaers.core.periods import danish_date

retention_app = typer.Typer(help="Sletning efter frist (opbevaringsperioder).",
                            no_args_is_help=True)  # fmt: skip
app.add_typer(retention_app, name="retention")


def _shown(outcomes: list, title: str) -> None:  # type: ignore[type-arg]
    table = Table(title=title, show_lines=True)
    for heading in ("Data", "Opbevares", "Ældre end", "Går", "Begrundelse"):
        table.add_column(heading, overflow="fold")
    for outcome in outcomes:
        kind = outcome.kind
        parts = ", ".join(f"{count:,} {part}".replace(",", ".") for part, count in
                          outcome.parts.items()) or "intet"  # fmt: skip
        limit = danish_date(kind.limit.date()) if kind.limit else "–"
        table.add_row(kind.name, kind.period, limit, parts if kind.limit else "–", kind.reason)
    console.print(table)


@retention_app.command("plan")
def retention_plan() -> None:
    """Vis hvad der slettes efter sin frist, hvis «retention apply» køres nu, og hvorfor.
    Sletter intet."""
    from tvaers.retention.service import plan
    from tvaers.store.database import make_engine, upgrade

    settings = _settings()
    store = make_engine(settings.store_url)
    upgrade(store)
    try:
        _shown(plan(settings, store), "Sletning efter frist: plan (intet er slettet)")
    finally:
        store.dispose()


@retention_app.command("apply")
def retention_apply(
    user: UserOption = None,
    yes: Annotated[bool, typer.Option("--yes", help="Spørg ikke først")] = False,
) -> None:
    """Slet alt, der er ældre end sin frist (se «retention plan»). Kræver en administrator;
    sletningen logges i revisionssporet med hvad, hvornår og af hvem."""
    from tvaers.retention.service import apply, plan
    from tvaers.store.database import make_engine, upgrade

    settings = _settings()
    actor = _administrator(settings, user, "Sletning efter frist")
    store = make_engine(settings.store_url)
    upgrade(store)
    try:
        if not yes:
            _shown(plan(settings, store), "Sletning efter frist: plan")
            typer.confirm("Slet nu det, der er vist ovenfor?", abort=True)
        with console.status("Sletter og skriver analysefilen om uden de slettede rækker …"):
            outcomes = apply(settings, store, actor)
    finally:
        store.dispose()
    _shown(outcomes, "Slettet efter frist")
    total = sum(o.total for o in outcomes)
    console.print(f"Slettet: {total:,} i alt. Sletningen står i revisionssporet.".replace(",", "."))
