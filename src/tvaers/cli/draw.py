"""The resource-draw commands (``tvaers draw|coverage|concentration|contacts|baseline``), thin over
:mod:`tvaers.draw.service`."""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tvaers.cli import _fail, _settings, app, err
from tvaers.core.config import Settings
from tvaers.core.errors import TvaersError

if TYPE_CHECKING:
    from ibis.backends.duckdb import Backend

    from tvaers.draw.model import Unit
    from tvaers.draw.service import DrawConfig
    from tvaers.reports.output import OutputTable

# --- the resource draw (issue 4): thin over tvaers.draw.service --------------------------------

FormatOption = Annotated[
    str | None,
    typer.Option("--format", help="csv, json eller xlsx (standard: --out's endelse, ellers csv)"),
]
OutOption = Annotated[
    Path | None,
    typer.Option("--out", help="Fil at skrive til (standard: skærmen; xlsx kræver fil)"),
]
YearOption = Annotated[
    int | None, typer.Option("--year", help="Regnskabsår (standard: alle indlæste måneder)")
]
ByOption = Annotated[
    str | None,
    typer.Option("--by", help="citizen eller family: rækker pr. person (kræver casework)"),
]
PurposeOption = Annotated[
    str, typer.Option("--purpose", help="statistical (standard) eller casework")
]
BasisOption = Annotated[
    str | None,
    typer.Option("--basis", help="Grundlaget ved sagsbehandlingsformål, fx samtykke og j.nr."),
]
UserOption = Annotated[
    str | None, typer.Option("--user", help="Hvem trækker data (standard: OS-brugeren)")
]


def _unit(by: str | None) -> Unit | None:
    from tvaers.draw.model import Unit

    if by is None:
        return None
    try:
        return Unit(by.lower())
    except ValueError:
        err.print("[red]--by skal være citizen eller family.[/red]")
        raise typer.Exit(1) from None


def _person_level(by: str | None, purpose: str, basis: str | None) -> Unit | None:
    """The unit of person-level rows, after the purpose check (refuses in Danish), or None."""
    from tvaers.draw.model import person_level_refusal

    unit = _unit(by)
    if unit is not None:
        refusal = person_level_refusal(purpose, basis)
        if refusal is not None:
            err.print(f"[red]Afvist:[/red] {refusal}")
            raise typer.Exit(1)
    return unit


def checked_format(fmt: str | None, out: Path | None) -> str:
    """The output format, checked with ``--out`` before any work is done or logged."""
    from tvaers.reports.output import OutputError, output_format

    try:
        return output_format(fmt, out)
    except OutputError as exc:
        err.print(f"[red]Fejl:[/red] {exc}")
        raise typer.Exit(1) from exc


def _emit(tables: list[OutputTable], fmt: str, out: Path | None) -> None:
    from tvaers.reports.output import OutputError, write_output

    try:
        written = write_output(tables, fmt, out, sys.stdout)
    except OutputError as exc:
        err.print(f"[red]Fejl:[/red] {exc}")
        raise typer.Exit(1) from exc
    for path in written:
        err.print(f"Skrevet til {path}")


def _log_person_level(
    settings: Settings,
    user: str | None,
    command: str,
    purpose: str,
    basis: str | None,
    detail: dict[str, object],
    listed: Sequence[str] = (),
) -> None:
    """One audit entry for the run (before the rows are written); with ``listed``, one per
    listed citizen too."""
    import getpass

    from tvaers.draw import service

    service.log_person_level(
        settings,
        user or getpass.getuser(),
        f"cli_{command}",
        purpose=purpose,
        basis=basis or "",
        detail={"command": command, **detail},
        listed=listed,
    )


@contextmanager
def _draw_backend(settings: Settings) -> Iterator[tuple[Backend, DrawConfig]]:
    from tvaers.draw import service

    try:
        config = service.load_config(settings)
        with service.session(settings) as backend:
            yield backend, config
    except TvaersError as exc:
        _fail(exc)


@app.command("draw")
def draw_command(
    year: YearOption = None,
    by: ByOption = None,
    fmt: FormatOption = None,
    out: OutOption = None,
    purpose: PurposeOption = "statistical",
    basis: BasisOption = None,
    user: UserOption = None,
) -> None:
    """Ressourcetrækket pr. sektorområde og måned — eller pr. borger/familie (--by)."""
    from tvaers.draw import service
    from tvaers.draw.model import LABELS
    from tvaers.reports.output import OutputTable

    settings = _settings()
    fmt = checked_format(fmt, out)
    unit = _person_level(by, purpose, basis)
    with _draw_backend(settings) as (backend, config):
        attribution = service.run(backend, year, config)
        title = f"Ressourcetræk {attribution.period}"
        if unit is None:
            table = OutputTable("draw", service.draw_by_area(attribution), title, LABELS)
        else:
            rows = service.draw_rows(attribution, unit)
            detail = {"by": unit.value, "year": year, "period": str(attribution.period)}
            _log_person_level(
                settings, user, "draw", purpose, basis, {**detail, "rows": rows.num_rows}
            )
            table = OutputTable("draw", rows, title, LABELS)
    _emit([table], fmt, out)


@app.command("coverage")
def coverage_command(
    year: YearOption = None,
    fmt: FormatOption = None,
    out: OutOption = None,
    purpose: PurposeOption = "statistical",
    basis: BasisOption = None,
    user: UserOption = None,
) -> None:
    """Dækningsgrad: andel af hvert sektorområdes udgift, der er fordelt på borgere.

    Områder, hvis henførte udgift hviler på færre end 5 borgere, vises uden beløb (og så mange
    andre, at de ikke kan regnes ud); alle beløb kræver --purpose casework og --basis."""
    from tvaers.draw import service
    from tvaers.draw.model import LABELS, unsuppressed_refusal
    from tvaers.reports.output import OutputTable

    settings = _settings()
    fmt = checked_format(fmt, out)
    casework = purpose != "statistical"
    if casework:  # all amounts, or an unknown purpose: refused without casework and a basis
        refusal = unsuppressed_refusal(purpose, basis)
        if refusal is not None:
            err.print(f"[red]Afvist:[/red] {refusal}")
            raise typer.Exit(1)
    with _draw_backend(settings) as (backend, config):
        attribution = service.run(backend, year, config)
        if casework:
            rows = service.coverage(attribution)
            detail: dict[str, object] = {
                "year": year,
                "period": str(attribution.period),
                "rows": len(rows),
            }
            _log_person_level(settings, user, "coverage", purpose, basis, detail)
        else:
            rows = service.coverage_published(attribution)
    title = f"Dækningsgrad {attribution.period}"
    _emit([OutputTable("coverage", rows, title, LABELS)], fmt, out)


@app.command("concentration")
def concentration_command(
    year: YearOption = None,
    by: Annotated[str, typer.Option("--by", help="citizen eller family (niveau)")] = "citizen",
    fmt: FormatOption = None,
    out: OutOption = None,
) -> None:
    """Udgiftskoncentration: de dyreste 1, 3 og 10 %, Gini, Lorenz-kurve, antal områder."""
    from tvaers.draw import service
    from tvaers.draw.model import LABELS, Unit
    from tvaers.reports.output import OutputTable

    settings = _settings()
    fmt = checked_format(fmt, out)
    unit = _unit(by) or Unit.CITIZEN
    with _draw_backend(settings) as (backend, config):
        attribution = service.run(backend, year, config)
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
    tables = [
        OutputTable("concentration", figures, title, LABELS),
        OutputTable("lorenz", lorenz, "Lorenz-kurve", LABELS),
        OutputTable("by_areas", c.by_areas, "Udgift efter antal sektorområder", LABELS),
    ]
    _emit(tables, fmt, out)


@app.command("contacts")
def contacts_command(
    year: YearOption = None,
    by: ByOption = None,
    fmt: FormatOption = None,
    out: OutOption = None,
    purpose: PurposeOption = "statistical",
    basis: BasisOption = None,
    user: UserOption = None,
) -> None:
    """Kontaktpunkter: sektorområder, samtidige indsatser, sagsbehandlere og overlap."""
    from tvaers.draw import service
    from tvaers.draw.model import LABELS
    from tvaers.reports.output import OutputTable

    settings = _settings()
    fmt = checked_format(fmt, out)
    unit = _person_level(by, purpose, basis)
    with _draw_backend(settings) as (backend, config):
        attribution = service.run(backend, year, config)
        if unit is None:
            found = service.contacts(attribution, config.overlaps)
            tables = [
                OutputTable("contacts", found["distribution"], "Kontaktpunkter", LABELS),
                OutputTable("overlaps", found["overlaps"], "Overlappende indsatser", LABELS),
            ]
        else:
            rows = service.contacts_per_unit(attribution, unit, config.overlaps)
            detail = {"by": unit.value, "year": year, "period": str(attribution.period)}
            _log_person_level(
                settings, user, "contacts", purpose, basis, {**detail, "rows": rows.num_rows}
            )
            tables = [OutputTable("contacts", rows, "Kontaktpunkter", LABELS)]
    _emit(tables, fmt, out)


@app.command("baseline")
def baseline_command(
    members: Annotated[
        Path,
        typer.Option(
            "--members", help="CSV med kolonnen citizen, cpr eller family og evt. reference_date"
        ),
    ],
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
    fmt: FormatOption = None,
    out: OutOption = None,
    purpose: PurposeOption = "statistical",
    basis: BasisOption = None,
    user: UserOption = None,
) -> None:
    """Nulpunktsmåling: udgiften de 12 måneder før skæringsdatoen pr. sektorområde, og
    arketypeskønnet."""
    from tvaers.core.errors import ConfigError
    from tvaers.draw import service_baseline as sb
    from tvaers.draw.model import LABELS, ArchetypeKey, Unit
    from tvaers.reports.output import OutputTable

    settings = _settings()
    fmt = checked_format(fmt, out)
    person_unit = _person_level(by, purpose, basis)
    try:
        default = sb.reference_for_year(year) if year is not None else None
        if reference_date:
            default = sb.parse_date(reference_date, "--reference-date")
        group, are_citizens = sb.read_members(
            members.read_text("utf-8-sig"), settings.key_bytes, default, members.name
        )
        key = ArchetypeKey(archetype)
    except ConfigError as exc:
        err.print(f"[red]Fejl:[/red] {exc}")
        raise typer.Exit(1) from exc
    except (OSError, ValueError) as exc:
        err.print(f"[red]Fejl:[/red] {exc}")
        raise typer.Exit(1) from exc
    unit = person_unit or (Unit.CITIZEN if are_citizens else Unit.FAMILY)
    with _draw_backend(settings) as (backend, config):
        result = sb.baseline(backend, group, unit, config.attribution, key, are_citizens)
        if person_unit is not None:
            detail = {"by": unit.value, "members": result.members, "rows": result.rows.num_rows}
            _log_person_level(settings, user, "baseline", purpose, basis, detail)
    tables = [
        OutputTable("baseline", result.by_area, "Nulpunktsmåling pr. sektorområde", LABELS),
        OutputTable("archetypes", result.archetypes, "Arketyper", LABELS),
        OutputTable("comparison", result.comparison, "Personniveau mod arketypeskøn", LABELS),
    ]
    if person_unit is not None:
        names = [unit.value if c == "unit" else c for c in result.rows.column_names]
        rows = result.rows.rename_columns(names)
        tables.insert(0, OutputTable("members", rows, "Nulpunktsmåling pr. person", LABELS))
    _emit(tables, fmt, out)
