"""The ``tvaers`` command line, thin over the services; every command is in docs/cli.md."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from tvaers.cli.acting import UserOption
from tvaers.cli.synth_national import NATIONAL_HELP, _synth_folder, national
from tvaers.core.config import Settings, get_settings
from tvaers.core.errors import ImportRejected, TvaersError
from tvaers.core.logging import configure
from tvaers.core.money import format_dkk

app = typer.Typer(help="Tværs: økonomistyring af tværgående løsninger.", no_args_is_help=True)
db_app = typer.Typer(help="Driftsdatabasen.", no_args_is_help=True)
app.add_typer(db_app, name="db")
user_app = typer.Typer(help="Brugere (lokale brugere med adgangskode).", no_args_is_help=True)
app.add_typer(user_app, name="user")
console = Console()
err = Console(stderr=True)
SIZES = {"S": 27_500, "M": 63_000, "L": 650_000}


def _settings() -> Settings:
    settings = get_settings()
    settings.ensure_home()
    configure(settings.log_level, settings.log_format, settings.log_path)
    return settings


@contextmanager
def _progress(description: str) -> Iterator[callable]:  # type: ignore[valid-type]
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(),
        console=err,
        transient=False,
        disable=not err.is_terminal and False,
    ) as bar:
        task = bar.add_task(description, total=1.0)

        def update(message: str, fraction: float) -> None:
            bar.update(task, description=message, completed=fraction)

        yield update
        bar.update(task, completed=1.0)


def _fail(exc: TvaersError, report: Path | None = None) -> None:
    if isinstance(exc, ImportRejected):
        table = Table(title=str(exc), show_lines=False)
        for heading in ("Fil", "Række", "Kolonne", "Værdi", "Fejl"):
            table.add_column(heading, overflow="fold")
        for issue in exc.issues[:60]:
            table.add_row(
                issue.file,
                str(issue.row or ""),
                issue.column,
                issue.value,
                f"{issue.message}. {issue.hint}",
            )
        err.print(table)
        if len(exc.issues) > 60 or exc.total > len(exc.issues):
            err.print(f"… i alt {exc.total} fejl; se hele listen med --report FIL.xlsx")
        if report is not None:
            from tvaers.reports.summary import write_validation_report

            write_validation_report(report, exc.issues)
            err.print(f"Valideringsrapporten er skrevet til {report}")
        raise typer.Exit(2)
    err.print(f"[red]Fejl ({exc.code}):[/red] {exc}")
    raise typer.Exit(1)


@app.command("import")
def import_command(
    folder: Annotated[Path, typer.Argument(help="Mappe med én fil pr. tabel")],
    report: Annotated[
        Path | None, typer.Option(help="Skriv valideringsrapporten til Excel")
    ] = None,
    user: Annotated[
        str | None, typer.Option(help="Hvem importerer (standard: OS-brugeren)")
    ] = None,
    municipality: Annotated[
        str | None,
        typer.Option(help="Kommunekoden (fx 101); kræves i en national installation"),
    ] = None,
) -> None:
    """Validér alle filer i FOLDER og indlæs dem samlet som én importkørsel — eller intet."""
    from tvaers.data.importer import import_folder

    settings = _settings()
    try:
        with _progress("Import") as step:
            result = import_folder(
                folder, settings, user=user, progress=step, municipality=municipality
            )
    except TvaersError as exc:
        _fail(exc, report)
        return
    table = Table(title="Import" + (f" nr. {result.batch_id}" if result.batch_id else ""))
    for heading in ("Tabel", "Fil", "Rækker", "Status"):
        table.add_column(heading)
    for t in result.tables:
        table.add_row(
            t.table, t.file, f"{t.rows:,}".replace(",", "."), "indlæst" if t.changed else "uændret"
        )
    console.print(table)
    if not result.changed:
        console.print("Ingen ændringer: filerne er identiske med det, der allerede er indlæst.")
    if result.ignored:
        console.print(f"Ikke genkendt (ignoreret): {', '.join(result.ignored)}")


@app.command()
def synth(
    folder: Annotated[Path | None, typer.Argument(help="Mappe (i stedet for --out)")] = None,
    out: Annotated[Path | None, typer.Option(help="Mappe, der skal skrives til")] = None,
    citizens: Annotated[int, typer.Option(help="Antal borgere")] = SIZES["S"],
    seed: Annotated[int, typer.Option(help="Frø: samme frø giver samme kommune")] = 1,
    size: Annotated[str | None, typer.Option(help="S, M eller L (overstyrer --citizens)")] = None,
    fmt: Annotated[str | None, typer.Option("--format", help="csv, csv-dk, parquet, xlsx")] = None,
    municipalities: Annotated[str | None, typer.Option(help=NATIONAL_HELP)] = None,
    scale: Annotated[float, typer.Option(help="Andel af kommunernes folketal")] = 1.0,
) -> None:
    """Skriv en realistisk syntetisk kommune (eller flere) i datakontraktens format."""
    from tvaers.data.synth import generate

    _settings()
    out = _synth_folder(folder, out)
    if municipalities:
        return national(municipalities, scale, seed, out, fmt or "parquet", _progress)
    fmt = fmt or "csv"
    n = SIZES[size.upper()] if size else citizens
    try:
        with _progress("Syntetisk kommune") as step:
            summary = generate(n, seed, out, fmt=fmt, progress=step)
    except ValueError as exc:
        err.print(f"[red]Fejl:[/red] {exc}")
        raise typer.Exit(1) from exc
    people, families = (f"{k:,}".replace(",", ".") for k in (summary.citizens, summary.families))
    share = f"{summary.registered_share * 100:.0f} %"
    console.print(
        f"Skrev {people} borgere i {families} familier til {out} (udgift "
        f"{format_dkk(summary.total_expenditure)}, CPR-registreret {share})."
    )


@app.command()
def status() -> None:
    """Vis hvad der er indlæst: tabeller, rækker og importkørsler."""
    from tvaers.data.schema import loaded_state
    from tvaers.engine.connection import raw, reading

    settings = _settings()
    state = {}
    if settings.analytics_path.exists():  # read as every reader does: an import may be running
        backend = reading(settings)
        try:
            state = loaded_state(raw(backend))
        finally:
            backend.disconnect()
    table = Table(title=f"Indlæst i {settings.home}")
    for heading in ("Tabel", "Fil", "Rækker", "Import nr."):
        table.add_column(heading)
    for name, (batch, file, _sha, rows) in sorted(state.items()):
        table.add_row(name, file, f"{rows:,}".replace(",", "."), str(batch))
    console.print(table if state else "Intet er indlæst endnu. Brug: tvaers import MAPPE")


@app.command()
def summary(
    year: Annotated[int | None, typer.Option(help="Kun dette regnskabsår")] = None,
    out: Annotated[Path | None, typer.Option(help="Skriv også til Excel")] = None,
) -> None:
    """Kort oversigt: borgere, familier, udgift pr. sektorområde og CPR-registreret andel."""
    settings = _settings()
    _print_summary(settings, year, out, None)


def _print_summary(settings: Settings, year: int | None, out: Path | None, result: object) -> None:
    from tvaers.data.summary import summarise
    from tvaers.engine.connection import reading

    backend = reading(settings)
    try:
        s = summarise(backend, year)
    finally:
        backend.disconnect()
    console.print(f"[bold]{settings.municipality}[/bold] — data fra {s.first_day} til {s.last_day}")
    console.print(f"Borgere: {s.citizens:,}   Familier: {s.families:,}".replace(",", "."))
    table = Table(title="Driftsudgifter pr. sektorområde")
    for heading, justify in (
        ("Sektorområde", "left"),
        ("Udgift", "right"),
        ("CPR-registreret", "right"),
        ("Andel", "right"),
    ):
        table.add_column(heading, justify=justify)  # type: ignore[arg-type]
    for a in s.areas:
        table.add_row(
            a.name,
            format_dkk(a.expenditure),
            format_dkk(a.registered),
            f"{a.registered_share:.1%}".replace(".", ","),
        )
    table.add_row(
        "[bold]I alt[/bold]",
        format_dkk(s.expenditure),
        format_dkk(s.registered),
        f"{s.registered_share:.1%}".replace(".", ","),
    )
    console.print(table)
    if out is not None:
        from tvaers.reports.summary import write_summary

        write_summary(out, s, settings.municipality, result)  # type: ignore[arg-type]
        console.print(f"Oversigten er skrevet til {out}")


def _print_draw_figures(settings: Settings) -> None:
    """The resource draw in two figures: coverage and the top 1 % share (tvaers.draw)."""
    from tvaers.draw import service

    def percent(value: float | None) -> str:
        return "(skjult)" if value is None else f"{value * 100:.1f} %".replace(".", ",")

    try:
        figures = service.key_figures(settings)
    except TvaersError as exc:
        err.print(f"Ressourcetrækket kunne ikke opgøres: {exc}")
        return
    console.print(
        f"Ressourcetræk {figures.year}: {percent(figures.coverage)} af driftsudgiften er fordelt "
        f"på borgere (dækningsgrad); de dyreste 1 % af borgerne bruger "
        f"{percent(figures.top_1_share)} af den."
    )


DEMO_USERS = (
    ("admin", "Ada Administrator", "administrator"),
    ("okonomi", "Ole Økonomikonsulent", "finance_consultant"),
    ("fagchef", "Frida Fagchef", "area_chief"),
    ("leder", "Lars Leder", "solution_leader"),
    ("sagsbehandler", "Sofie Sagsbehandler", "caseworker"),
    ("analytiker", "Anna Analytiker", "analyst"),
)


def _demo_users(settings: Settings) -> list[tuple[str, str, str]]:
    """One user per role with a fresh random password (printed; not stored anywhere in clear)."""
    import secrets

    from tvaers.anchoring import examples
    from tvaers.principles.service import load_example_placements
    from tvaers.store import users

    created = []
    with _store_session(settings) as session:
        examples.load(session)
        load_example_placements(session)
        for username, name, role in DEMO_USERS:
            password = "-".join(secrets.token_urlsafe(4) for _ in range(3))
            try:
                users.add(session, username, name, role, password, actor="demo")
            except users.UserError:
                users.set_password(session, username, password, actor="demo")
                users.unlock(session, username, actor="demo")
            created.append((username, role, password))
        session.commit()
    return created


@app.command()
def demo(
    seed: Annotated[int, typer.Option(help="Frø for den syntetiske kommune")] = 1,
    citizens: Annotated[
        int, typer.Option(help="Antal borgere (standard M = 63.000, Helsingør-størrelse)")
    ] = SIZES["M"],
    out: Annotated[
        Path | None, typer.Option(help="Excel-fil (standard: HOME/demo/oversigt.xlsx)")
    ] = None,
    serve_app: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Start webappen til sidst")
    ] = True,
) -> None:
    """Hovedjobbet: generér en M-kommune, importér den, vis oversigten, udvælg og indskriv
    Furesøs målgruppe, start webappen."""
    from tvaers.cli.demo import demo_selection
    from tvaers.data.importer import import_folder
    from tvaers.data.synth import generate

    settings = _settings()
    folder = settings.home / "demo" / f"kommune-{citizens}-{seed}"
    try:
        with _progress("Demo") as step:
            generate(citizens, seed, folder, progress=lambda m, f: step(m, f * 0.5))
            result = import_folder(folder, settings, progress=lambda m, f: step(m, 0.5 + f / 2))
    except TvaersError as exc:
        _fail(exc)
        return
    excel = out or settings.home / "demo" / "oversigt.xlsx"
    _print_summary(settings, None, excel, result)
    _print_draw_figures(settings)
    accounts = _demo_users(settings)
    table = Table(title="Demo-brugere (adgangskoderne er nye for hver kørsel)")
    for heading in ("Brugernavn", "Rolle", "Adgangskode"):
        table.add_column(heading)
    for username, role, password in accounts:
        table.add_row(username, role, password)
    console.print(table)
    console.print("De fem kommuners løsninger fra VIVE (2018) er indlæst som eksempler.")
    demo_selection(settings)
    if serve_app:
        _serve(settings, None, None)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Opdatér driftsdatabasens skema til nyeste version (Alembic)."""
    from tvaers.store.database import make_engine, upgrade

    settings = _settings()
    upgrade(make_engine(settings.owner_database_url or settings.store_url))
    console.print("Driftsdatabasen er opdateret.")


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Adresse (standard TVAERS_HOST)")] = None,
    port: Annotated[int | None, typer.Option(help="Port (standard TVAERS_PORT)")] = None,
) -> None:
    """Start webappen (FastAPI) på den lokale maskine."""
    settings = _settings()
    _serve(settings, host, port)


def _serve(settings: Settings, host: str | None, port: int | None) -> None:
    import uvicorn

    from tvaers.web.app import create_app

    address, number = host or settings.host, port or settings.port
    console.print(f"Tværs kører på http://{address}:{number}/  (stop med Ctrl+C)")
    uvicorn.run(create_app(settings), host=address, port=number, log_level="warning")


def _store_session(settings: Settings):  # type: ignore[no-untyped-def]
    from tvaers.cli.acting import store

    return store(settings)


def _administrator(settings: Settings, user: str | None, what: str = "Brugeradministration") -> str:
    """The administrator (``--user``) doing user administration — or, while the store has no
    administrator yet, the operator on the server (the shell user), who creates the first."""
    import getpass

    from sqlalchemy import select

    from tvaers import access
    from tvaers.cli.acting import acting
    from tvaers.core.access import ADMINS, Role
    from tvaers.store.models import User

    with _store_session(settings) as session:
        query = select(User.id).where(User.role == Role.ADMINISTRATOR.value, User.active)
        if session.scalars(query).first() is None:
            return f"operatør ({getpass.getuser()})"
    with acting(settings, user) as (session, actor):
        access.require_role(actor, ADMINS, what)
        return actor.username


@user_app.command("add")
def user_add(
    username: Annotated[str, typer.Argument(help="Brugernavn")],
    role: Annotated[
        str,
        typer.Option(
            help="administrator, finance_consultant, area_chief, "
            "solution_leader, caseworker eller analyst"
        ),
    ],
    name: Annotated[str, typer.Option(help="Fulde navn")] = "",
    area: Annotated[
        str | None,
        typer.Option(help="En fagchefs sektorområde (fx children): godkendelser og disponeringer"),
    ] = None,
    password_stdin: Annotated[
        bool, typer.Option(help="Læs adgangskoden fra standard input")
    ] = False,
    user: UserOption = None,
) -> None:
    """Opret en lokal bruger; adgangskoden spørges der om (mindst 12 tegn). Kræver en
    administrator (--user); den allerførste administrator opretter operatøren uden."""
    from tvaers.core.access import Role
    from tvaers.store import users

    settings = _settings()
    actor = _administrator(settings, user)
    try:
        chosen = Role(role)
    except ValueError:
        err.print(
            f"[red]Ukendt rolle '{role}'.[/red] Brug en af: {', '.join(r.value for r in Role)}"
        )
        raise typer.Exit(1) from None
    password = (
        sys.stdin.readline().rstrip("\n")
        if password_stdin
        else typer.prompt("Adgangskode", hide_input=True, confirmation_prompt=True)
    )
    with _store_session(settings) as session:
        try:
            users.add(session, username, name, chosen, password, actor=actor, sector_area=area)
        except users.UserError as exc:
            _fail(exc)
        session.commit()
    console.print(f"Brugeren {username} er oprettet med rollen {chosen.value}.")


@user_app.command("list")
def user_list() -> None:
    """Vis brugerne, deres roller og om de er spærret."""
    from tvaers.store import users

    settings = _settings()
    table = Table(title="Brugere")
    for heading in ("Brugernavn", "Navn", "Rolle", "Status"):
        table.add_column(heading)
    with _store_session(settings) as session:
        for u in users.all_users(session):
            state = "spærret" if u.locked_at else ("aktiv" if u.active else "deaktiveret")
            table.add_row(u.username, u.full_name, u.role, state)
    console.print(table)


@user_app.command("unlock")
def user_unlock(
    username: Annotated[str, typer.Argument(help="Brugernavn")], user: UserOption = None
) -> None:
    """Lås en spærret bruger op (efter 3 mislykkede forsøg). Kræver en administrator."""
    from tvaers.store import users

    settings = _settings()
    actor = _administrator(settings, user)
    with _store_session(settings) as session:
        try:
            users.unlock(session, username, actor=actor)
        except users.UserError as exc:
            _fail(exc)
        session.commit()
    console.print(f"Brugeren {username} er låst op.")


# The resource-draw commands live in their own module and register on ``app`` when imported.
from tvaers.cli import assumptions as _assumptions  # noqa: E402, F401
from tvaers.cli import audit as _audit  # noqa: E402, F401
from tvaers.cli import benchmark as _benchmark  # noqa: E402, F401
from tvaers.cli import budget as _budget  # noqa: E402, F401
from tvaers.cli import deviations as _deviations  # noqa: E402, F401
from tvaers.cli import draw as _draw  # noqa: E402, F401
from tvaers.cli import followup as _followup  # noqa: E402, F401
from tvaers.cli import forecast as _forecast  # noqa: E402, F401
from tvaers.cli import grants as _grants  # noqa: E402, F401
from tvaers.cli import investment as _investment  # noqa: E402, F401
from tvaers.cli import pilot as _pilot  # noqa: E402, F401
from tvaers.cli import principles as _principles  # noqa: E402, F401
from tvaers.cli import records as _records  # noqa: E402, F401
from tvaers.cli import report as _report  # noqa: E402, F401
from tvaers.cli import results as _results  # noqa: E402, F401
from tvaers.cli import retention as _retention  # noqa: E402, F401
from tvaers.cli import rules as _rules  # noqa: E402, F401
from tvaers.cli import runs as _runs  # noqa: E402, F401
from tvaers.cli import select as _select  # noqa: E402, F401
from tvaers.cli import settlement as _settlement  # noqa: E402, F401


def main() -> None:  # pragma: no cover
    try:
        app()
    except KeyboardInterrupt:
        err.print("Afbrudt.")
        sys.exit(130)
