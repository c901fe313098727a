"""The monthly report per organisational level from the command line (003 §3.1, issue 14):
``tvaers report monthly --level directorate|area|caseworker [--year Y --month M] --out
rapport.xlsx`` writes the same tables and native charts as the page ``/noegletal/{niveau}``
(also as CSV or JSON), computed by :func:`tvaers.followup.report_service.monthly_report` as a
real user (``--user``): the directorate's and the area level's reports are statistical
aggregates for every role; the caseworker's own cases need ``--purpose casework`` and are
logged, as in the browser.
"""

from __future__ import annotations

from typing import Annotated

import typer

from tvaers.cli import _settings, app, err
from tvaers.cli.acting import PurposeOption, UserOption, acting
from tvaers.cli.draw import _emit, checked_format
from tvaers.cli.options import FormatOption, OutOption

report_app = typer.Typer(help="Rapporter: månedsrapport med nøgletal pr. niveau.",
                         no_args_is_help=True)  # fmt: skip
app.add_typer(report_app, name="report")

LevelOption = Annotated[
    str,
    typer.Option(
        "--level", help="directorate (direktion og politikere), area (områdechefer og ledere) "
        "eller caseworker (sagsbehandlere: dine egne sager)",
    ),
]  # fmt: skip
YearOption = Annotated[int | None, typer.Option("--year", help="Året (standard: datas seneste)")]
MonthOption = Annotated[
    int | None, typer.Option("--month", help="Måneden 1-12 (standard: datas seneste)")
]


@report_app.command("monthly")
def monthly(
    level: LevelOption,
    year: YearOption = None,
    month: MonthOption = None,
    fmt: FormatOption = None,
    out: OutOption = None,
    purpose: PurposeOption = "statistical",
    user: UserOption = None,
) -> None:
    """Månedsrapporten for et niveau: tabeller og diagrammer som siden /noegletal."""
    from tvaers.followup.report import level_of
    from tvaers.followup.report_service import monthly_report
    from tvaers.store.database import open_store

    chosen = level_of(level)
    if chosen is None:
        err.print(f"[red]Fejl:[/red] Niveauet «{level}» findes ikke. Brug directorate, area "
                  "eller caseworker.")  # fmt: skip
        raise typer.Exit(1)
    if (year is None) != (month is None):
        err.print("[red]Fejl:[/red] Angiv både --year og --month, eller ingen af dem (så "
                  "bruges datas seneste måned).")  # fmt: skip
        raise typer.Exit(1)
    output = checked_format(fmt, out)
    settings = _settings()
    with acting(settings, user, purpose) as (session, actor):
        report = monthly_report(settings, open_store(settings.store_url), session, actor,
                                chosen, year, month)  # fmt: skip
    err.print(report.title)
    _emit(report.tables, output, out)
