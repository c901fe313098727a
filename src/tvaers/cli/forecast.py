"""The year-end forecast from the command line (issue 14), thin over
:mod:`tvaers.followup.forecast_figures`.

``tvaers forecast --as-of DATE [--solution NAME] [--method M]`` forecasts every intervention
type of a whole area (the books) or of a solution's citizens (statistical: small cells hidden,
the sets shown remembered as the web's); ``--format json`` gives the issue's fixed form with
exact JSON numbers, ``csv``/``xlsx`` the tables (Excel with the charts). ``tvaers forecast
backtest --year YEAR`` gives each method's error; ``tvaers forecast choose`` records the
municipality's choice for an intervention type (a finance consultant, audited) and ``tvaers
forecast methods`` lists the choices in force.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from tvaers.cli import _settings, app, console
from tvaers.cli.acting import UserOption, acting, store
from tvaers.cli.principles import die, fail
from tvaers.cli.recording import recorded_stdout
from tvaers.cli.settlement import write_json
from tvaers.core.errors import AccessRefused, TvaersError
from tvaers.core.money import format_dkk

if TYPE_CHECKING:
    from tvaers.core.publication import DataTable
    from tvaers.followup.forecast_service import Forecast, Scope

forecast_app = typer.Typer(
    help="Årsprognose pr. sektorområde og indsatstype: realiseret + prognose for resten af året.",
)
app.add_typer(forecast_app, name="forecast")

SolutionOption = Annotated[
    str | None,
    typer.Option("--solution", help="Løsningens nummer eller navn (standard: hele områder)"),
]
FormatChoice = Annotated[
    str, typer.Option("--format", help="text (standard), json, csv eller xlsx")
]
Out = Annotated[Path | None, typer.Option("--out", help="Fil at skrive til (xlsx kræver fil)")]
FORMATS = ("text", "json", "csv", "xlsx")


def _format(fmt: str, out: Path | None) -> str:
    chosen = fmt.strip().lower()
    if chosen not in FORMATS:
        fail(f"Ukendt format «{fmt}».", "Brug text, json, csv eller xlsx.")
    if chosen == "xlsx" and out is None:
        fail("Et Excel-ark skal skrives til en fil.", "Angiv --out prognose.xlsx.")
    return chosen


def _scope(session: Any, solution: str | None) -> Scope:
    from tvaers.cli.select import _solution_id
    from tvaers.followup.forecast_service import Scope
    from tvaers.selection import decisions

    if solution is None:
        return Scope()
    from tvaers.draw.solution_economy import plain
    from tvaers.followup.forecast_figures import period_rows

    solution_id = _solution_id(session, solution)
    return Scope(periods=period_rows(plain(decisions.enrolments(session, solution_id))),
                 name=f"løsning {solution_id}")  # fmt: skip


def _as_of(text: str | None) -> date:
    from tvaers.followup import forecast_figures

    settings = _settings()
    try:
        return forecast_figures.as_of_date(settings, text)
    except TvaersError as exc:
        die(exc)


def _emit(tables: list[DataTable], fmt: str, out: Path | None, run: bool = False) -> None:
    from tvaers.cli.draw import _emit as emit

    emit(tables, fmt, out, run)


@forecast_app.callback(invoke_without_command=True)
def forecast(
    ctx: typer.Context,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of", help="Opgørelsesdato, en månedsafslutning (standard: den seneste i data)"
        ),
    ] = None,
    solution: SolutionOption = None,
    method: Annotated[
        str | None,
        typer.Option(
            "--method",
            help="commitments, run_rate, seasonal eller last_year (standard: den valgte pr. type)",
        ),
    ] = None,
    fmt: FormatChoice = "text",
    out: Out = None,
    user: UserOption = None,
) -> None:
    """Årsprognosen pr. sektorområde og indsatstype (realiseret + prognose) mod sidste år."""
    if ctx.invoked_subcommand is not None:
        return
    from tvaers.followup import forecast_figures, forecast_tables
    from tvaers.followup.model import method_of

    chosen = _format(fmt, out)
    settings = _settings()
    try:
        wanted = method_of(method) if method else None
    except TvaersError as exc:
        die(exc)
    day = _as_of(as_of)
    with acting(settings, user) as (session, actor):
        scope = _scope(session, solution)
        username = actor.username
    try:
        found = forecast_figures.published_forecast(
            settings, lambda: store(settings), scope, day, wanted,
            f"forecast {scope.name or 'områder'} {day}", username,
        )  # fmt: skip
        areas, items = forecast_figures.names(settings)
    except TvaersError as exc:
        die(exc)
    if chosen == "json":
        with recorded_stdout(chosen):
            write_json(forecast_json(found))
    elif chosen == "text":
        _print(found, areas, items)
    else:
        notes = forecast_figures.notes(found)
        _emit([forecast_tables.forecast_table(found, areas, items, notes),
               forecast_tables.months_table(found)], chosen, out, run=True)  # fmt: skip


def forecast_json(found: Forecast) -> dict[str, Any]:
    """The issue's fixed form: ``{"as_of", "year", "rows": [...]}`` (and the total)."""

    def row(r: Any) -> dict[str, Any]:
        return {
            "sector_area": r.sector_area, "intervention": r.intervention,
            "realised": r.realised, "forecast_rest": r.forecast_rest, "year_end": r.year_end,
            "last_year": r.last_year, "method": r.method,
            **({"note": r.note} if r.note else {}),
        }  # fmt: skip

    return {
        "as_of": found.as_of.isoformat(), "year": found.year,
        "months_elapsed": found.months_elapsed, "scope": found.scope or "områder",
        "rows": [row(r) for r in found.rows], "total": row(found.total),
        **({"note": found.note} if found.note else {}),
    }  # fmt: skip


def _money(value: Any) -> str:
    return "(skjult)" if value is None else format_dkk(value)


def _print(found: Forecast, areas: dict[str, str], items: dict[str, str]) -> None:
    from rich.table import Table

    from tvaers.followup import forecast_tables

    rows = forecast_tables.forecast_rows(found, areas, items)
    table = Table(title=f"Årsprognose {found.year} pr. {found.as_of.strftime('%d.%m.%Y')} "
                        f"({found.months_elapsed} måneder)")  # fmt: skip
    for heading in ("Område", "Indsats", "Metode", "Realiseret", "Prognose resten", "Årsresultat",
                    "Sidste år"):  # fmt: skip
        table.add_column(heading)
    for r in rows:
        money = [_money(r[k]) for k in ("realised", "forecast_rest", "year_end", "last_year")]
        table.add_row(r["area_name"], r["intervention_name"], r["method"], *money)
    console.print(table)
    if found.note:
        console.print(found.note)


@forecast_app.command("backtest")
def backtest(
    year: Annotated[
        int, typer.Option("--year", help="Året, metoderne testes på (et helt år i data)")
    ],
    solution: SolutionOption = None,
    fmt: FormatChoice = "text",
    out: Out = None,
    user: UserOption = None,
) -> None:
    """Hver metodes gennemsnitlige fejl (MAPE) pr. indsatstype, som om prognosen var lavet ved
    hver månedsafslutning januar-november."""
    from tvaers.followup import forecast_figures, forecast_tables
    from tvaers.followup.model import METHODS, percent

    chosen = _format(fmt, out)
    settings = _settings()
    with acting(settings, user) as (session, actor):
        scope = _scope(session, solution)
        username = actor.username
    try:
        found = forecast_figures.published_backtest(
            settings, lambda: store(settings), scope, year,
            f"forecast backtest {scope.name or 'områder'} {year}", username,
        )  # fmt: skip
        areas, items = forecast_figures.names(settings)
    except TvaersError as exc:
        die(exc)
    table = forecast_tables.backtest_table(found, areas, items, [])
    if chosen == "json":

        def row(r: Any) -> dict[str, Any]:
            errors = r.errors or {}
            return {
                "sector_area": r.sector_area, "intervention": r.intervention, "actual": r.actual,
                "mape": {m.value: percent(errors.get(m.value)) for m in METHODS},
                "best": r.best, "chosen": r.chosen, **({"note": r.note} if r.note else {}),
            }  # fmt: skip

        with recorded_stdout(chosen):
            write_json({"year": found.year, "scope": found.scope or "områder",
                        "months": list(range(1, 12)), "rows": [row(r) for r in found.rows],
                        "total": row(found.total)})  # fmt: skip
    elif chosen == "text":
        _print_table(table)
    else:
        _emit([table], chosen, out, run=True)


def _print_table(table: DataTable) -> None:
    from rich.table import Table

    shown = Table(title=table.title)
    for column in table.columns:
        shown.add_column(column.label)
    for row in table.records():
        shown.add_row(*[table.cell(row, c) for c in table.columns])
    console.print(shown)


@forecast_app.command("choose")
def choose(
    area: Annotated[str, typer.Option("--area", help="Sektorområdets kode")],
    method: Annotated[
        str, typer.Option("--method", help="commitments, run_rate, seasonal eller last_year")
    ],
    intervention: Annotated[
        str, typer.Option("--intervention", help="Indsatskoden (tom: uden indsats)")
    ] = "",
    note: Annotated[str, typer.Option("--note", help="Hvorfor (fx tilbagetestens fejl)")] = "",
    user: UserOption = None,
) -> None:
    """Registrér kommunens valg af prognosemetode for en indsatstype (en ny version; logges)."""
    from tvaers.followup import forecast_methods
    from tvaers.followup.model import METHOD_LABELS, Method

    settings = _settings()
    with acting(settings, user) as (session, actor):
        try:
            row = forecast_methods.choose(session, actor, area, intervention, method, note)
        except AccessRefused:
            raise  # acting prints the refusal the one way the command line does
        except TvaersError as exc:
            session.rollback()
            die(exc)
        label = METHOD_LABELS[Method(row.method)]
        console.print(f"Prognosemetode for {area} {intervention or '(uden indsats)'}: {label} "
                      f"(version {row.version}).")  # fmt: skip


@forecast_app.command("methods")
def methods(fmt: FormatChoice = "text", out: Out = None, user: UserOption = None) -> None:
    """De valgte prognosemetoder pr. indsatstype, nyeste version først."""
    from tvaers.followup import forecast_methods
    from tvaers.followup.forecast_tables import method_label

    chosen = _format(fmt, out)
    settings = _settings()
    with acting(settings, user) as (session, _actor):
        rows = [{"sector_area": r.sector_area, "intervention": r.intervention,
                 "method": r.method, "method_name": method_label(r.method),
                 "version": r.version, "changed_by": r.changed_by,
                 "changed_at": r.changed_at.isoformat(), "note": r.note}
                for r in forecast_methods.history(session)]  # fmt: skip
    if chosen == "json":
        write_json({"choices": rows})
        return
    from tvaers.core.publication import DataTable

    table = DataTable.of("prognosemetoder", rows, "Valgte prognosemetoder")
    if chosen == "text":
        _print_table(table)
    else:
        _emit([table], chosen, out)
