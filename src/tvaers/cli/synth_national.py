"""``tvaers synth --municipalities N|all OUT``: the national synthetic generator's command line."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

NATIONAL_HELP = (
    "Landsdækkende: 'all', et antal kommuner (spredt i størrelse fra den største til den "
    "mindste) eller kommunekoder adskilt af komma; én mappe pr. kommune"
)
console = Console()
err = Console(stderr=True)


def _synth_folder(folder: Path | None, out: Path | None) -> Path:
    """The output folder, given as an argument or as ``--out`` (not both, not neither)."""
    if (folder is None) == (out is None):
        err.print("[red]Fejl:[/red] Angiv mappen, der skal skrives til: tvaers synth MAPPE")
        raise typer.Exit(2)
    return folder or out  # type: ignore[return-value]


def national(
    spec: str,
    scale: float,
    seed: int,
    out: Path,
    fmt: str,
    progress: Callable[[str], AbstractContextManager[Any]],
) -> None:
    """Generate the chosen municipalities and print one line per municipality."""
    from tvaers.data.synth.national import generate_national

    try:
        with progress("Syntetiske kommuner") as step:
            summary = generate_national(spec, scale, seed, out, fmt, progress=step)
    except ValueError as exc:
        err.print(f"[red]Fejl:[/red] {exc}")
        raise typer.Exit(1) from exc
    table = Table(title=f"Syntetiske kommuner i {out}")
    for heading in ("Kode", "Kommune", "Borgere", "Posteringer", "Anbragt i anden kommune"):
        table.add_column(heading)
    for row in summary.rows:
        table.add_row(
            str(row["code"]), str(row["name"]), _number(row["citizens"]),
            _number(row["postings"]), _number(row["placed_elsewhere_children"]),
        )  # fmt: skip
    console.print(table)
    console.print(
        f"I alt {_number(summary.citizens)} borgere og {_number(summary.postings)} posteringer "
        f"i {len(summary.rows)} kommuner; kommunernes praksis står i {out / 'municipalities.csv'}."
    )


def _number(value: object) -> str:
    return f"{int(value):,}".replace(",", ".")  # type: ignore[call-overload]
