"""The resource-draw commands (``tvaers draw|coverage|concentration|contacts|baseline``), thin over
:mod:`tvaers.draw.service`."""

from __future__ import annotations

import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TextIO, cast

import pyarrow as pa
import typer

from tvaers import access
from tvaers.cli import _fail, _settings, app, err
from tvaers.cli.acting import UserOption, acting, store
from tvaers.cli.options import FormatOption, OutOption, TableOptions, table_options
from tvaers.core.config import Settings
from tvaers.core.errors import TvaersError
from tvaers.draw.members import Enrolled

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from tvaers.core.publication import DataTable
    from tvaers.core.units import Unit
    from tvaers.draw.attribution import Attribution
    from tvaers.draw.model import ArchetypeKey
    from tvaers.draw.service import DrawConfig
    from tvaers.draw.session import Analysis

# --- the resource draw (issue 4): thin over tvaers.draw.service --------------------------------

YearOption = Annotated[
    int | None, typer.Option("--year", help="Regnskabsår (standard: alle indlæste måneder)")
]
ByOption = Annotated[
    str | None,
    typer.Option("--by", help="citizen eller family: rækker pr. person (kræver casework)"),
]
SolutionOption = Annotated[
    str | None,
    typer.Option(
        "--solution",
        help="Kun løsningens indskrevne (nummer eller navn), hver fra sin indskrivningsdato",
    ),
]


def _unit(by: str | None) -> Unit | None:
    from tvaers.core.units import Unit

    if by is None:
        return None
    try:
        return Unit(by.lower())
    except ValueError:
        err.print("[red]--by skal være citizen eller family.[/red]")
        raise typer.Exit(1) from None


@dataclass(frozen=True)
class Rows:
    """Who asks for person-level rows and for whom: a solution's people (casework, with the
    solution's basis) or pseudonymised microdata of everybody (statistics)."""

    settings: Settings
    user: str | None
    purpose: str
    basis: int | None
    solution_id: int | None

    def check(self) -> None:
        """Refuse before anything is computed (nothing is logged)."""
        with acting(self.settings, self.user, self.purpose) as (session, actor):
            self._gate(session, actor)

    def log(self, command: str, detail: Mapping[str, object], listed: Sequence[str] = ()) -> None:
        """One audit entry for the run, naming the real user, before the rows are written."""
        action, full = f"cli_{command}", {"command": command, **detail}
        with acting(self.settings, self.user, self.purpose) as (session, actor):
            if self.solution_id is None:
                access.microdata(session, actor, action, full)
            else:
                access.solution(
                    session, actor, self.solution_id, action, listed=listed, detail=full,
                    basis_id=self.basis,
                )  # fmt: skip

    def _gate(self, session: Session, actor: access.Actor) -> None:
        if self.solution_id is None:
            access.microdata_gate(actor)
        else:
            access.solution_gate(session, actor, self.solution_id, self.basis)


def solution_id(settings: Settings, solution: str | None) -> int | None:
    """The number of the solution named by ``--solution`` (number or exact name)."""
    if solution is None:
        return None
    from tvaers.anchoring import service as solutions

    with closing(store(settings)) as session:
        try:
            return solutions.find(session, solution).id
        except TvaersError as exc:
            _fail(exc)
            raise


def enrolled(settings: Settings, solution: int | None) -> list[Enrolled] | None:
    """The solution's enrolment periods (all of them, discharged ones too), or ``None``."""
    if solution is None:
        return None
    from tvaers.selection import decisions

    with closing(store(settings)) as session:
        return [
            Enrolled(e.unit, e.subject, e.enrolled_on, e.discharged_on)
            for e in decisions.enrolments(session, solution)
        ]


def checked_format(fmt: str | None, out: Path | None) -> str:
    """The output format, checked with ``--out`` before any work is done or logged."""
    from tvaers.reports.output import OutputError, output_format

    try:
        return output_format(fmt, out)
    except OutputError as exc:
        err.print(f"[red]Fejl:[/red] {exc}")
        raise typer.Exit(1) from exc


def _emit(tables: list[DataTable], fmt: str, out: Path | None, run: bool = False) -> None:
    """Write the tables; an analysis (``run``) is recorded as a frozen run (tvaers runs)."""
    from tvaers.cli.recording import outputs_of, record_run
    from tvaers.reports.output import OutputError, write_output
    from tvaers.runs.service import HashingWriter, replaying, run_time

    screen = HashingWriter(sys.stdout, keep=replaying()) if run and out is None else None
    created = run_time() if run else None  # an Excel workbook's time: the run's, when replayed
    try:
        written = write_output(tables, fmt, out, cast("TextIO", screen or sys.stdout), created)
    except OutputError as exc:
        err.print(f"[red]Fejl:[/red] {exc}")
        raise typer.Exit(1) from exc
    for path in written if not replaying() else ():
        err.print(f"Skrevet til {path}")
    if run:
        record_run(fmt, outputs_of(written, screen), run_at=created)


@contextmanager
def _analysis(settings: Settings) -> Iterator[Analysis]:
    """The analysis session on the home's data (the CLI runs no queries of its own); errors end
    the command in Danish."""
    from tvaers.draw import service

    try:
        with service.opened(settings) as analysis:
            yield analysis
    except TvaersError as exc:
        _fail(exc)


def _attribution(
    analysis: Analysis, year: int | None, people: list[Enrolled] | None
) -> Attribution:
    """The year's attribution, limited to a solution's people when ``people`` is given."""
    from tvaers.draw.members import members_table, restrict

    attribution = analysis.draw(year)
    if people is None:
        return attribution
    return restrict(attribution, members_table(analysis.backend, people))


@dataclass(frozen=True)
class Asked:
    """What a command of the draw was asked for: rows per ``unit`` (None: aggregates), for
    whom (``year``) and by whom (``rows_for``)."""

    unit: Unit | None
    year: int | None
    rows_for: Rows

    def log(self, command: str, attribution: Attribution, rows: int) -> None:
        """One audit entry for the person-level rows about to be written."""
        assert self.unit is not None
        period = str(attribution.period)
        detail = {"by": self.unit.value, "year": self.year, "period": period, "rows": rows}
        self.rows_for.log(command, detail)


@contextmanager
def _asked(
    by: str | None, solution: str | None, year: int | None, options: TableOptions
) -> Iterator[tuple[Asked, Attribution, DrawConfig]]:
    """Check who asks for person-level rows (before anything is computed), then the year's
    attribution - a solution's people only with ``--solution`` - and the configuration."""
    settings = _settings()
    unit = _unit(by)
    chosen = solution_id(settings, solution)
    rows_for = Rows(settings, options.user, options.purpose, options.basis, chosen)
    if unit is not None:
        rows_for.check()
    people = enrolled(settings, chosen)
    with _analysis(settings) as analysis:
        yield Asked(unit, year, rows_for), _attribution(analysis, year, people), analysis.config


@app.command("draw")
@table_options()
def draw_command(
    year: YearOption = None,
    by: ByOption = None,
    solution: SolutionOption = None,
    *,
    options: TableOptions,
) -> None:
    """Ressourcetrækket pr. sektorområde og måned — eller pr. borger/familie (--by): for
    en løsnings indskrevne (--solution, sagsbehandling) eller som pseudonymiserede mikrodata
    for alle (statistik, analytiker og økonomikonsulent)."""
    from tvaers.core.publication import DataTable
    from tvaers.draw import service
    from tvaers.draw.model import LABELS

    fmt = checked_format(options.fmt, options.out)
    with _asked(by, solution, year, options) as (asked, attribution, _):
        title = f"Ressourcetræk {attribution.period}"
        if asked.unit is None:
            table = DataTable.of("draw", service.draw_by_area(attribution), title, LABELS)
        else:
            rows = service.draw_rows(attribution, asked.unit)
            asked.log("draw", attribution, rows.num_rows)
            table = DataTable.of("draw", rows, title, LABELS)
    _emit([table], fmt, options.out, run=True)


@app.command("coverage")
def coverage_command(
    year: YearOption = None,
    fmt: FormatOption = None,
    out: OutOption = None,
    all_amounts: Annotated[
        bool,
        typer.Option(
            "--all-amounts",
            help="Alle beløb, også områder på færre end 5 borgere (analytiker og "
            "økonomikonsulent; logges)",
        ),
    ] = False,
    user: UserOption = None,
) -> None:
    """Dækningsgrad: andel af hvert sektorområdes udgift, der er fordelt på borgere.

    Områder, hvis henførte udgift hviler på færre end 5 borgere, vises uden beløb (og så mange
    andre, at de ikke kan regnes ud); alle beløb (--all-amounts) er mikrodata: kun for
    analytikeren og økonomikonsulenten under statistisk formål, og hver kørsel logges."""
    from tvaers.core.publication import DataTable
    from tvaers.draw import service
    from tvaers.draw.model import LABELS

    settings = _settings()
    fmt = checked_format(fmt, out)
    rows_for = Rows(settings, user, "statistical", None, None)
    if all_amounts:
        rows_for.check()
    with _analysis(settings) as analysis:
        attribution = analysis.draw(year)
        if all_amounts:
            rows = service.coverage_all(attribution)
            detail = {"year": year, "period": str(attribution.period), "rows": len(rows)}
            rows_for.log("coverage", detail)
        else:
            rows = service.coverage_published(attribution)
    title = f"Dækningsgrad {attribution.period}"
    _emit([DataTable.of("coverage", rows, title, LABELS)], fmt, out, run=True)


@app.command("concentration")
def concentration_command(
    year: YearOption = None,
    by: Annotated[str, typer.Option("--by", help="citizen eller family (niveau)")] = "citizen",
    solution: SolutionOption = None,
    fmt: FormatOption = None,
    out: OutOption = None,
) -> None:
    """Udgiftskoncentration: de dyreste 1, 3 og 10 %, Gini, Lorenz-kurve, antal områder —
    for alle, eller for en løsnings indskrevne (--solution)."""
    from tvaers.core.publication import DataTable
    from tvaers.core.units import PLURALS, Unit
    from tvaers.draw import charts, service
    from tvaers.draw.model import LABELS

    settings = _settings()
    fmt = checked_format(fmt, out)
    unit = _unit(by) or Unit.CITIZEN
    people = enrolled(settings, solution_id(settings, solution))
    with _analysis(settings) as analysis:
        attribution = _attribution(analysis, year, people)
        c = service.concentration(attribution, unit)
    figures = [
        {
            "unit": c.unit.value,
            "units": c.units,
            "total": c.total,
            "top_1_share": c.top_1_share,
            "top_3_share": c.top_3_share,
            "top_10_share": c.top_10_share,
            "gini": c.gini,
        }
    ]
    lorenz = [{"population_share": p, "cost_share": s} for p, s in c.lorenz]
    title = f"Udgiftskoncentration {attribution.period}"
    curve = charts.lorenz(charts.lorenz_rows({PLURALS[unit.value]: c.lorenz}), "Lorenzkurve")
    tables = [
        DataTable.of("concentration", figures, title, LABELS),
        DataTable.of("lorenz", lorenz, "Lorenzkurve", LABELS, chart=curve),
        DataTable.of("by_areas", c.by_areas, "Udgift efter antal sektorområder", LABELS),
    ]
    _emit(tables, fmt, out, run=True)


@app.command("contacts")
@table_options()
def contacts_command(
    year: YearOption = None,
    by: ByOption = None,
    solution: SolutionOption = None,
    *,
    options: TableOptions,
) -> None:
    """Kontaktpunkter: sektorområder, samtidige indsatser, sagsbehandlere og overlap — for
    alle, eller for en løsnings indskrevne (--solution)."""
    from tvaers.core.publication import DataTable
    from tvaers.draw import service
    from tvaers.draw.model import LABELS

    fmt = checked_format(options.fmt, options.out)
    with _asked(by, solution, year, options) as (asked, attribution, config):
        if asked.unit is None:
            found = service.contacts(attribution, config.overlaps)
            tables = [
                DataTable.of("contacts", found["distribution"], "Kontaktpunkter", LABELS),
                DataTable.of("overlaps", found["overlaps"], "Overlappende indsatser", LABELS),
            ]
        else:
            rows = service.contacts_per_unit(attribution, asked.unit, config.overlaps)
            asked.log("contacts", attribution, rows.num_rows)
            tables = [DataTable.of("contacts", rows, "Kontaktpunkter", LABELS)]
    _emit(tables, fmt, options.out, run=True)


@app.command("baseline")
@table_options()
def baseline_command(
    members: Annotated[
        Path | None,
        typer.Option(
            "--members",
            help="CSV med kolonnen citizen, cpr eller family og evt. reference_date (eller "
            "output fra tvaers enrolments)",
        ),
    ] = None,
    solution: SolutionOption = None,
    reference_date: Annotated[
        str | None, typer.Option("--reference-date", help="Skæringsdato for alle, fx 2025-09-01")
    ] = None,
    year: Annotated[
        int | None,
        typer.Option("--year", help="Nulpunktsmåling af året (skæringsdato 1/1 året efter)"),
    ] = None,
    by: ByOption = None,
    archetype: Annotated[
        str, typer.Option("--archetype", help="areas eller interventions: hvad gør familier ens")
    ] = "areas",
    *,
    options: TableOptions,
) -> None:
    """Nulpunktsmåling: udgiften de 12 måneder før skæringsdatoen pr. sektorområde, og
    arketypeskønnet — for en gruppe i en fil (--members) eller en løsnings indskrevne
    (--solution, hver med sin indskrivningsdato som skæringsdato)."""
    from tvaers.core.publication import DataTable
    from tvaers.core.units import Unit
    from tvaers.draw import service_baseline as sb
    from tvaers.draw.model import LABELS

    settings = _settings()
    fmt = checked_format(options.fmt, options.out)
    if (members is None) == (solution is None):
        err.print("[red]Fejl:[/red] angiv enten --members FIL eller --solution LØSNING.")
        raise typer.Exit(1)
    person_unit = _unit(by)
    chosen = solution_id(settings, solution)
    rows_for = Rows(settings, options.user, options.purpose, options.basis, chosen)
    if person_unit is not None:
        rows_for.check()
    group, are_citizens, key = _baseline_group(settings, members, chosen, reference_date, year,
                                                archetype)  # fmt: skip
    unit = person_unit or (Unit.CITIZEN if are_citizens else Unit.FAMILY)
    with _analysis(settings) as analysis:
        if members is not None and person_unit is None:  # a group the user chose: a free filter
            from tvaers.store.publications import publishing

            result = publishing(lambda: store(settings), "baseline --members", options.user,
                                lambda ledger: sb.baseline(analysis, group, unit, key,
                                                           are_citizens, ledger))  # fmt: skip
        else:
            result = sb.baseline(analysis, group, unit, key, are_citizens)
        if person_unit is not None:
            detail = {"by": unit.value, "members": result.members, "rows": result.rows.num_rows}
            rows_for.log("baseline", detail)
    tables = [
        DataTable.of("baseline", result.by_area, "Nulpunktsmåling pr. sektorområde", LABELS),
        DataTable.of("archetypes", result.archetypes, "Arketyper", LABELS),
        DataTable.of("comparison", result.comparison, "Personniveau mod arketypeskøn", LABELS),
    ]
    if person_unit is not None:
        names = [unit.value if c == "unit" else c for c in result.rows.column_names]
        rows = result.rows.rename_columns(names)
        tables.insert(0, DataTable.of("members", rows, "Nulpunktsmåling pr. person", LABELS))
    _emit(tables, fmt, options.out, run=True)


def _baseline_group(
    settings: Settings,
    members: Path | None,
    solution: int | None,
    reference_date: str | None,
    year: int | None,
    archetype: str,
) -> tuple[pa.Table, bool, ArchetypeKey]:
    """The group (``unit, reference_date``), whether its units are citizens, and the key."""
    from tvaers.core.errors import ConfigError
    from tvaers.draw import service_baseline as sb
    from tvaers.draw.model import ArchetypeKey

    try:
        key = ArchetypeKey(archetype)
        default = sb.reference_for_year(year) if year is not None else None
        if reference_date:
            default = sb.parse_date(reference_date, "--reference-date")
        if members is not None:
            group, are_citizens = sb.read_members(
                members.read_text("utf-8-sig"), settings.key_bytes, default, members.name
            )
            return group, are_citizens, key
        periods = enrolled(settings, solution) or []
        units = {p.unit for p in periods}
        if len(units) > 1:
            raise ConfigError("Løsningen har både borgere og familier indskrevet.")
        table = pa.table(
            {
                "unit": pa.array([p.subject for p in periods], pa.string()),
                "reference_date": pa.array([default or p.enrolled_on for p in periods],
                                           pa.date32()),
            }
        )  # fmt: skip
        return table, units != {"family"}, key
    except ConfigError as exc:
        err.print(f"[red]Fejl:[/red] {exc}")
        raise typer.Exit(1) from exc
    except (OSError, ValueError) as exc:
        err.print(f"[red]Fejl:[/red] {exc}")
        raise typer.Exit(1) from exc
