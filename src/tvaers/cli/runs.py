"""``tvaers runs list|show|replay`` (issue 15, frozen runs), thin over :mod:`tvaers.runs`.

``replay`` runs the recorded command again in this process with the recorded arguments (its
output to a private temporary folder, never to the screen), compares the bytes' sha256 with the
recorded one and names every input that has changed since. Exit codes: 0 the same output from
the same inputs; 1 the output differs; 2 the command could not run again; 3 the same output,
though inputs or the code have changed.
"""

from __future__ import annotations

import io
import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import closing, contextmanager, redirect_stdout
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table
from typer._click.exceptions import ClickException

from tvaers.cli import _fail, _settings, app, console, err
from tvaers.cli.acting import UserOption, store
from tvaers.core.errors import TvaersError

runs_app = typer.Typer(
    help="Frosne kørsler: hver analyse med sine input, og gentagelse byte for byte.",
    no_args_is_help=True,
)
app.add_typer(runs_app, name="runs")

RunArgument = Annotated[int, typer.Argument(help="Kørslens nummer (tvaers runs list)")]
SAME, DIFFERENT, FAILED, SAME_BUT_CHANGED = 0, 1, 2, 3


def _size(count: int) -> str:
    """Bytes in Danish: ``812 B``, ``3,4 kB``, ``1,2 MB``."""
    value, unit = float(count), "B"
    for unit in ("B", "kB", "MB", "GB", "TB"):
        if value < 1000 or unit == "TB":
            break
        value /= 1000
    return f"{count} B" if unit == "B" else f"{value:.1f} {unit}".replace(".", ",")


def _short(sha: str) -> str:
    return f"{sha[:12]}…"


@runs_app.command("list")
def list_command(
    limit: Annotated[int, typer.Option("--limit", help="Højst så mange (de nyeste)")] = 50,
) -> None:
    """Kørslerne, nyeste først: nummer, hvornår, hvem, kommando, input og uddataets størrelse."""
    from tvaers.runs import service

    settings = _settings()
    with closing(store(settings)) as session:
        found = service.runs(session, limit)
        table = Table(title="Kørsler")
        for heading in ("Kørsel", "Hvornår", "Hvem", "Kommando", "Input", "Uddata"):
            table.add_column(heading, overflow="fold")
        for run in found:
            table.add_row(
                str(run.id), run.run_at.strftime("%d-%m-%Y %H:%M"), run.user_name,
                "tvaers " + " ".join(run.arguments), service.inputs_summary(run.inputs),
                f"{_size(run.output_bytes)} ({run.output_format})",
            )  # fmt: skip
    console.print(table if found else "Der er ingen kørsler endnu.")


@runs_app.command("show")
def show_command(
    run: RunArgument,
    fmt: Annotated[str, typer.Option("--format", help="text eller json")] = "text",
) -> None:
    """Alt om en kørsel: kommandoen, indlæsningerne pr. tabel, konfigurationen, programmets
    version og uddataets sha256."""
    from tvaers.runs import service

    settings = _settings()
    with closing(store(settings)) as session:
        try:
            found = service.as_dict(service.run(session, run))
        except TvaersError as exc:
            _fail(exc)
            return
    if fmt.strip().lower() == "json":
        console.out(json.dumps(found, ensure_ascii=False, indent=1), highlight=False)
        return
    if fmt.strip().lower() != "text":
        err.print(f"[red]Fejl:[/red] Ukendt format «{fmt}». Brug text eller json.")
        raise typer.Exit(1)
    _print_run(found)


def _print_run(found: dict[str, Any]) -> None:
    from tvaers.runs.inputs import STORE_NAMES, describe_code

    inputs = found["inputs"]
    console.print(f"[bold]Kørsel {found['run']}[/bold]: tvaers {' '.join(found['arguments'])}")
    when = found["run_at"][:19].replace("T", " kl. ")
    console.print(f"Hvornår: {when}   Hvem: {found['user']}   "
                  f"Program: {describe_code(inputs.get('code', {}))}")  # fmt: skip
    batches = Table(title="Indlæste tabeller")
    for heading in ("Tabel", "Indlæsning", "Fil", "sha256", "Rækker"):
        batches.add_column(heading, overflow="fold")
    for name, entry in inputs.get("batches", {}).items():
        batches.add_row(name, str(entry["batch"]), entry["file"], entry["sha256"],
                        f"{entry['rows']:,}".replace(",", "."))  # fmt: skip
    console.print(batches)
    config = Table(title="Konfigurationsfiler")
    for heading in ("Fil", "sha256"):
        config.add_column(heading, overflow="fold")
    for path, sha in inputs.get("configuration", {}).items():
        config.add_row(path, sha)
    console.print(config if inputs.get("configuration") else "Ingen konfigurationsfiler.")
    kept = Table(title="Driftsdatabasens konfiguration")
    for heading in ("Tabel", "Rækker", "sha256"):
        kept.add_column(heading, overflow="fold")
    for name, entry in inputs.get("store", {}).items():
        kept.add_row(f"{STORE_NAMES.get(name, name)} ({name})", str(entry["rows"]),
                     entry["sha256"])  # fmt: skip
    if inputs.get("store"):
        console.print(kept)
    outputs = Table(title=f"Uddata ({found['format']}), sha256 {found['output_sha256']}")
    for heading in ("Fil", "Størrelse", "sha256"):
        outputs.add_column(heading, overflow="fold")
    for entry in found["outputs"]:
        name = "skærmen" if entry["name"] == "-" else entry["name"]
        outputs.add_row(name, _size(entry["bytes"]), entry["sha256"])
    console.print(outputs)


@runs_app.command("replay")
def replay_command(
    run: RunArgument,
    user: UserOption = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Skriv det gentagne uddata hertil (flere filer: en mappe, hver fil med sit navn)",
        ),
    ] = None,
) -> None:
    """Gentag en kørsel med samme kommando og argumenter, og sammenlign: byte for byte det
    samme (kode 0), eller hvilke input der er ændret siden og om uddata er anderledes (kode 1:
    anderledes, 3: det samme trods ændrede input, 2: kunne ikke gentages)."""
    from tvaers.runs import inputs as run_inputs
    from tvaers.runs import service

    settings = _settings()
    with closing(store(settings)) as session:
        try:
            found = service.run(session, run)
        except TvaersError as exc:
            _fail(exc)
            return
        recorded = service.as_dict(found)
    with tempfile.TemporaryDirectory(dir=settings.home, prefix=".gentag-") as folder:
        arguments = _replayed_arguments(recorded["arguments"], Path(folder), user)
        code, capture = _run_again(arguments, user, found.run_at)
    with closing(store(settings)) as session:
        now = run_inputs.collect(settings, session, recorded["command"])
    changed = run_inputs.changes(run, recorded["inputs"], now)
    if not capture.outputs:
        err.print(f"[red]Kørsel {run} kunne ikke gentages:[/red] kommandoen sluttede med kode "
                  f"{code} uden uddata (se ovenfor).")  # fmt: skip
        _print_changes(run, changed)
        raise typer.Exit(FAILED)
    verdict = _compare(run, recorded, capture.outputs, changed)
    if out is not None:
        _write_replayed(capture.outputs, out)
    raise typer.Exit(verdict)


def _write_replayed(outputs: list[Any], out: Path) -> None:
    """The replayed bytes to ``out`` (one output) or into the folder ``out`` (several)."""
    targets = [out] if len(outputs) == 1 else [out / o.name for o in outputs]
    try:
        for target, output in zip(targets, outputs, strict=True):
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(output.data or b"")  # a replay keeps the bytes
    except OSError as exc:
        err.print(f"[red]Fejl:[/red] Kunne ikke skrive {out}: {exc.strerror or exc}.")
        raise typer.Exit(FAILED) from None
    for target in targets:
        err.print(f"Skrevet til {target}")


def _replayed_arguments(arguments: list[str], folder: Path, user: str | None) -> list[str]:
    """The recorded arguments with ``--out`` into ``folder`` (same file name) and, when the
    replay names a user, without the recorded one."""
    replayed: list[str] = []
    tokens = iter(arguments)
    for token in tokens:
        if token == "--out":
            replayed += [token, str(folder / Path(next(tokens, "uddata")).name)]
        elif token.startswith("--out="):
            replayed.append(f"--out={folder / Path(token.removeprefix('--out=')).name}")
        elif token == "--user" and user is not None:
            next(tokens, None)
        elif not (token.startswith("--user=") and user is not None):
            replayed.append(token)
    return replayed


@contextmanager
def _as_user(user: str | None) -> Iterator[None]:
    before = os.environ.get("TVAERS_USER")
    if user is not None:
        os.environ["TVAERS_USER"] = user
    try:
        yield
    finally:
        if user is not None:
            if before is None:
                os.environ.pop("TVAERS_USER", None)
            else:
                os.environ["TVAERS_USER"] = before


def _run_again(arguments: list[str], user: str | None, created: datetime) -> tuple[int, Any]:
    """Run the command line with ``arguments`` in this process, its output captured (at the
    replayed run's time ``created``, which an Excel workbook carries)."""
    from tvaers.runs.service import capturing

    command = typer.main.get_command(app)
    code: Any = 0
    with capturing(created) as capture, _as_user(user), redirect_stdout(io.StringIO()):
        try:
            code = command.main(args=arguments, prog_name="tvaers", standalone_mode=False)
        except ClickException as exc:
            exc.show()
            code = exc.exit_code
    return int(code or 0), capture


def _print_changes(run: int, changed: list[str]) -> None:
    if changed:
        console.print(f"Siden kørsel {run} er dette ændret:")
        for line in changed:
            console.print(f"  • {line}", highlight=False)


def _compare(run: int, recorded: dict[str, Any], outputs: list[Any], changed: list[str]) -> int:
    from tvaers.runs.service import digest

    now = digest(outputs)
    size = sum(o.size for o in outputs)
    _print_changes(run, changed)
    if now == recorded["output_sha256"]:
        console.print(
            f"Kørsel {run} er gentaget: uddata er byte for byte det samme (sha256 "
            f"{_short(now)}, {_size(size)})" + (", selv om input er ændret." if changed else "."),
            highlight=False,
        )
        return SAME_BUT_CHANGED if changed else SAME
    then = recorded["output_sha256"]
    console.print(
        f"Kørsel {run} er gentaget: uddata er anderledes (sha256 {_short(then)} og "
        f"{_size(recorded['output_bytes'])} da, {_short(now)} og {_size(size)} nu)"
        + ("." if changed else ", selv om input er de samme."),
        highlight=False,
    )
    before = {entry["name"]: entry["sha256"] for entry in recorded["outputs"]}
    for output in outputs:
        name = "skærmen" if output.name == "-" else output.name
        if before.get(output.name) != output.sha256:
            console.print(f"  • {name} er anderledes.", highlight=False)
    return DIFFERENT
