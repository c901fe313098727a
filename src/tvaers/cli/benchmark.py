"""``tvaers benchmark``: every municipality's key figures of the total draw side by side
(issue 15, F26), thin over :func:`tvaers.benchmarking.service.published_benchmark`.

Statistical aggregates (any signed-in role): small cells hidden per municipality, the sets shown
remembered as the web's. ``--peers size`` (standard) ranks within size bands, ``--peers
101,147,190`` within the chosen municipalities. ``--format text`` prints the overview;
``json``, ``csv`` and ``xlsx`` write every table (Excel with a native chart per key figure).
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from tvaers.cli import _progress, _settings, app, console
from tvaers.cli.acting import UserOption, acting, store
from tvaers.cli.forecast import FormatChoice, Out, _emit, _format
from tvaers.cli.principles import die, fail
from tvaers.core.errors import TvaersError
from tvaers.core.publication import display


@app.command("benchmark")
def benchmark(
    year: Annotated[
        int | None, typer.Option("--year", help="Året (standard: seneste hele år)")
    ] = None,
    peers: Annotated[
        str | None,
        typer.Option(
            "--peers", help="size (standard: efter indbyggertal) eller kommunekoder, fx 101,147,190"
        ),
    ] = None,
    fmt: FormatChoice = "text",
    out: Out = None,
    user: UserOption = None,
) -> None:
    """Sammenlign kommunerne: dækningsgrad, koncentration, målgrupper, kombinationer og
    forventet mod faktisk udgift, med placering i sammenligningsgruppen."""
    from tvaers.benchmarking import model, service, tables

    chosen = _format(fmt, out)
    try:
        wanted = model.parse_peers(peers)
    except ValueError as exc:
        fail(str(exc), "Brug --peers size eller --peers 101,147,190.")
    settings = _settings()
    with acting(settings, user) as (_session, actor):
        pass
    try:
        with _progress("Sammenligning") as step:
            found = service.published_benchmark(
                settings, lambda: store(settings), actor, year, wanted, step
            )
    except TvaersError as exc:
        die(exc)
    published = tables.tables(found)
    if chosen == "text":
        _print(published[0].records(), found.year)
    else:
        _emit(published, chosen, out, run=True)  # a frozen run: tvaers runs replay


def _print(rows: list[dict[str, Any]], year: int) -> None:
    from rich.table import Table

    table = Table(title=f"Sammenligning af kommunerne {year}")
    columns = (("name", "Kommune", "text"), ("peer_group", "Gruppe", "text"),
               ("citizens", "Borgere", "int"), ("coverage", "Dækning", "share"),
               ("top_10_share", "Dyreste 10 %", "share"), ("two_plus_share", "2+ områder", "share"),
               ("per_citizen", "Træk pr. borger", "money"), ("expected", "Forventet", "money"),
               ("total", "Faktisk", "money"), ("difference_rank", "Placering", "int"))  # fmt: skip
    for _key, heading, _kind in columns:
        table.add_column(heading)
    for row in rows:  # the municipalities: at most 98
        table.add_row(*(display(row.get(key), kind) for key, _h, kind in columns))
    console.print(table)
