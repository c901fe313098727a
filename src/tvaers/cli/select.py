"""Target-group selection from the command line (``tvaers select|enrol|discharge|enrolments``
and ``tvaers rules list|import|export``), thin over :mod:`tvaers.selection`.

``tvaers select`` gives the statistical summary (suppressed, no identities) by default; the
candidate list only with ``--candidates --purpose casework --basis …``, and every such run is
logged. A statistical run never turns into a candidate list (DOMAIN.md §3.7): the candidates
are evaluated afresh under the casework purpose.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import pyarrow as pa
import typer

from tvaers import access
from tvaers.cli import _fail, _settings, _store_session, app, console, err
from tvaers.cli.acting import BasisOption, UserOption, acting, store
from tvaers.cli.draw import _emit, checked_format
from tvaers.cli.options import TableOptions, table_options
from tvaers.core.config import Settings
from tvaers.core.errors import ConfigError, TvaersError
from tvaers.core.periods import danish_date

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from tvaers.selection.rules import RuleSet

rules_app = typer.Typer(help="Målgrupperegler (regelsæt i YAML).", no_args_is_help=True)
app.add_typer(rules_app, name="rules")

RulesOption = Annotated[
    str,
    typer.Option("--rules", help="Regelsættets navn (fx furesoe) eller en YAML-fil"),
]
AsOfOption = Annotated[
    str | None,
    typer.Option("--as-of", help="Skæringsdato, fx 2026-01-31 (standard: data's sidste dag)"),
]
SolutionOption = Annotated[
    str, typer.Option("--solution", help="Den tværgående løsning: nummer eller navn")
]
CitizenOption = Annotated[
    str | None, typer.Option("--citizen", help="Borgerens pseudonym (20 bogstaver)")
]
CprOption = Annotated[
    str | None,
    typer.Option(
        "--cpr",
        help="Borgerens CPR-nummer, eller - for at læse det fra standard input (så det ikke "
        "står i kommandohistorikken); pseudonymiseres straks, gemmes ikke",
    ),
]
FamilyOption = Annotated[str | None, typer.Option("--family", help="Familiens kode")]
DateOption = Annotated[str, typer.Option("--date", help="Datoen, fx 2026-02-01")]
READY_MADE = "færdige regelsæt (KL og Furesø)"


def _date(text: str | None, option: str) -> date | None:
    return None if text is None else _day(text, option)


def _day(text: str, option: str) -> date:
    from tvaers.draw.service_baseline import parse_date

    try:
        return parse_date(text, option)
    except ConfigError as exc:
        err.print(f"[red]Fejl:[/red] {exc.message} {exc.hint}")
        raise typer.Exit(1) from None


@contextmanager
def _store(settings: Settings) -> Iterator[Session]:
    session = _store_session(settings)
    try:
        yield session
    except TvaersError as exc:
        session.rollback()
        _fail(exc)
    finally:
        session.close()


def _rule(session: Session, text: str, actor: str) -> tuple[RuleSet, int | None]:
    """The rule set named ``text`` in the store (ready-made ones loaded first) or read from the
    YAML file ``text``; with its stored version (None for a file)."""
    from tvaers.selection import rule_store
    from tvaers.selection.parse import parse_rule_set
    from tvaers.selection.rule_files import read_rule_file

    if not text.strip():
        raise ConfigError(
            "Angiv et regelsæt: dets navn (fx furesoe) eller en YAML-fil.",
            hint="Se regelsættenes navne med: tvaers rules list",
        )
    path = Path(text)
    if path.suffix.lower() in (".yaml", ".yml") or path.exists():
        return parse_rule_set(read_rule_file(path), path.name), None
    rule_store.load_ready_made(session, actor)
    session.commit()
    rule, version = rule_store.get_rule(session, text)
    return rule, version.version


def _solution_id(session: Session, text: str) -> int:
    from tvaers.anchoring import service as solutions

    return solutions.find(session, text).id


def _subject(settings: Settings, citizen: str | None, cpr: str | None, family: str | None
             ) -> tuple[str, str]:  # fmt: skip
    """(unit, subject) from exactly one of --citizen, --cpr, --family."""
    from tvaers.core.cpr import InvalidCpr, Pseudonymiser, checked

    given = [x for x in (citizen, cpr, family) if x]
    if len(given) != 1:
        err.print("[red]Fejl:[/red] angiv præcis én af --citizen, --cpr og --family.")
        raise typer.Exit(1)
    if family:
        return "family", family.strip()
    if cpr == "-":  # from standard input, so the number is not in the shell's history
        cpr = sys.stdin.readline().strip()
    if cpr:
        try:
            checked(cpr)
        except InvalidCpr as exc:
            err.print(f"[red]Fejl:[/red] --cpr: {exc}")
            raise typer.Exit(1) from None
        return "citizen", Pseudonymiser(settings.key_bytes).pseudonym(cpr)
    return "citizen", (citizen or "").strip()


def _check_known(settings: Settings, unit: str, subject: str) -> None:
    """Refuse a citizen or family that is not in the loaded data (a typing error would
    otherwise be enrolled, and decisions cannot be undone)."""
    from tvaers.core.errors import NotFound
    from tvaers.core.units import Unit
    from tvaers.draw import service as draw_service

    try:
        with draw_service.opened(settings) as analysis:
            found = analysis.knows(Unit(unit), subject)
    except TvaersError as exc:
        _fail(exc)
        return
    if not found:
        who = "Borgeren" if unit == "citizen" else "Familien"
        _fail(
            NotFound(
                f"{who} '{subject}' findes ikke i de indlæste data.",
                hint="Tjek pseudonymet, CPR-nummeret eller familiens kode (se kandidatlisten).",
            )
        )


# --- tvaers select ----------------------------------------------------------------------------


@app.command("select")
@table_options()
def select_command(
    rules: RulesOption,
    as_of: AsOfOption = None,
    candidates: Annotated[
        bool,
        typer.Option(
            "--candidates",
            help="Kandidatlisten pr. borger/familie til --solution (kræver casework og "
            "løsningens grundlag)",
        ),
    ] = False,
    solution: Annotated[
        str | None, typer.Option("--solution", help="Løsningen kandidaterne er til (nummer/navn)")
    ] = None,
    *,
    options: TableOptions,
) -> None:
    """Målgruppe efter et regelsæt: størrelse, udgift og sammensætning (statistik, uden
    identiteter) — eller kandidatlisten til en løsning (--candidates --solution, kun til
    sagsbehandling med løsningens grundlag)."""
    from tvaers.core.publication import DataTable
    from tvaers.draw import service as draw_service
    from tvaers.selection import statistics
    from tvaers.selection.candidates import candidates as candidate_list
    from tvaers.selection.candidates import listed_citizens
    from tvaers.selection.evaluation import evaluate
    from tvaers.selection.labels import LABELS

    settings = _settings()
    fmt = checked_format(options.fmt, options.out)
    user, purpose, basis = options.user, options.purpose, options.basis
    day = _date(as_of, "--as-of")
    if candidates and not solution:
        err.print(
            "[red]Afvist:[/red] En kandidatliste er altid til en bestemt løsning: angiv "
            "--solution (og --purpose casework). Et statistisk udtræk bliver aldrig til en "
            "kandidatliste: kandidater udvælges på ny under sagsbehandlingsformål."
        )
        raise typer.Exit(1)
    solution_id: int | None = None
    if candidates:  # refused before anything is computed or logged
        with acting(settings, user, purpose) as (session, actor):
            solution_id = _solution_id(session, solution or "")
            access.solution_gate(session, actor, solution_id, basis)
            rule, version = _rule(session, rules, actor.username)
    else:
        _statistical(purpose)
        with _store(settings) as session:
            rule, version = _rule(session, rules, READY_MADE)
    try:
        with draw_service.opened(settings) as analysis:
            evaluation = evaluate(analysis, rule, day)
            for warning in evaluation.warnings:
                err.print(f"[yellow]Bemærk:[/yellow] {warning}")
            if candidates and solution_id is not None:
                rows = candidate_list(evaluation)
                subjects = rows.column(evaluation.unit.value).to_pylist()
                listed = listed_citizens(evaluation, subjects)
                with acting(settings, user, purpose) as (session, actor):
                    access.solution(
                        session, actor, solution_id, "cli_select", listed=listed, basis_id=basis,
                        detail={"command": "select", "rule": rule.key, "version": version,
                                "as_of": str(evaluation.as_of), "candidates": rows.num_rows},
                    )  # fmt: skip
                    rows = with_identities(session, settings, actor, solution_id, rows, basis)
                title = f"Kandidater: {rule.label} pr. {evaluation.as_of}"
                tables = [DataTable.of("candidates", rows, title, LABELS)]
            else:
                found = statistics.published_summary(evaluation, lambda: store(settings), user)
                tables = _summary_tables(found, LABELS)
    except TvaersError as exc:
        _fail(exc)
        return
    _emit(tables, fmt, options.out, run=True)


def with_identities(
    session: Session,
    settings: Settings,
    actor: access.Actor,
    solution_id: int,
    rows: pa.Table,
    basis: int | None,
) -> pa.Table:
    """The candidate list with each citizen's CPR number and name from the identity store, so
    the caseworker can act on it (one audit entry per revealed citizen); families keep their
    code."""
    if "citizen" not in rows.column_names:
        return rows
    citizens = rows.column("citizen").to_pylist()
    found = access.reveal_listed(session, settings, actor, solution_id, citizens, basis)
    people = [found.get(c) for c in citizens]  # the listed few hundred, not the population
    return rows.append_column(
        "cpr", pa.array([p.shown if p else None for p in people])
    ).append_column("name", pa.array([p.name if p else None for p in people], pa.string()))


def _statistical(purpose: str) -> None:
    """Refuse an unknown purpose (a typing error) for a command that shows statistics only."""
    from tvaers.cli.acting import refuse
    from tvaers.core.errors import AccessRefused

    try:
        access.parse_purpose(purpose)
    except AccessRefused as exc:
        refuse(exc)


def _summary_tables(s: Any, labels: dict[str, str]) -> list[Any]:
    from tvaers.core.publication import DataTable
    from tvaers.selection.charts import area_chart

    head = [
        {
            "rule": s.rule,
            "label": s.label,
            "unit": s.unit.value,
            "as_of": s.as_of,
            "window": str(s.window),
            "population": s.population,
            "units": s.units,
            "citizens": s.citizens,
            "cost": s.cost,
            "note": s.note,
        }
    ]
    names = {
        **labels,
        "rule": "regelsæt",
        "unit": "enhed",
        "as_of": "skæringsdato",
        "window": "periode",
        "population": "antal i kommunen",
    }
    title = f"Målgruppe: {s.label}"
    return [
        DataTable.of("summary", head, title, names),
        DataTable.of("funnel", s.funnel, "Tragt", names),
        DataTable.of("what_if", s.what_if, "Hvad nu hvis", names),
        DataTable.of(
            "cost_by_area", s.cost_by_area, "Udgift pr. sektorområde", names, chart=area_chart(s)
        ),
        DataTable.of("by_areas", s.by_areas, "Antal sektorområder", names),
        DataTable.of("by_age", s.by_age, "Alder", names),
        DataTable.of("by_benefit", s.by_benefit, "Ydelse", names),
        DataTable.of("by_score", s.by_score, "Kompleksitetsscore", names),
    ]


# --- enrolment --------------------------------------------------------------------------------


LevelOption = Annotated[
    str | None, typer.Option(help="high, medium eller low (den faglige vurdering)")
]
ENROL_WITHOUT = "Indskrevet uden faglig vurdering af motivation og udviklingspotentiale."


@app.command("enrol")
def enrol_command(
    solution: SolutionOption,
    on: DateOption,
    citizen: CitizenOption = None,
    cpr: CprOption = None,
    family: FamilyOption = None,
    assessed_on: Annotated[
        str | None, typer.Option("--assessed-on", help="Dato for den faglige vurdering")
    ] = None,
    motivation: LevelOption = None,
    potential: Annotated[
        str | None, typer.Option(help="Udviklingspotentiale: high, medium eller low")
    ] = None,
    without_assessment: Annotated[
        bool,
        typer.Option(
            "--without-assessment",
            help="Indskriv uden vurdering af motivation og potentiale (vises som sådan)",
        ),
    ] = False,
    note: Annotated[str | None, typer.Option("--note", help="Faglig bemærkning")] = None,
    rules: Annotated[
        str | None, typer.Option("--rules", help="Regelsættet, borgeren blev fundet med")
    ] = None,
    basis: BasisOption = None,
    user: UserOption = None,
) -> None:
    """Indskriv en borger eller familie i en løsning: faglig vurdering (optaget) og
    indskrivningsdato, under løsningens grundlag for udvælgelse. Logges.

    CPR-nummeret kan læses fra standard input med --cpr - (så det ikke står i
    kommandohistorikken); det pseudonymiseres straks og gemmes ikke."""
    from tvaers.selection import decisions

    settings = _settings()
    day = _day(on, "--date")
    assessed = _date(assessed_on, "--assessed-on") or day
    if without_assessment:
        motivation, potential = "unknown", "unknown"
        note = f"{ENROL_WITHOUT} {note or ''}".strip()
    elif motivation is None or potential is None:
        err.print(
            "[red]Fejl:[/red] angiv den faglige vurdering med --motivation og --potential "
            "(high, medium eller low), eller --without-assessment for en indskrivning uden."
        )
        raise typer.Exit(1)
    unit, subject = _subject(settings, citizen, cpr, family)
    _check_known(settings, unit, subject)
    with acting(settings, user, "casework") as (session, actor):
        solution_id = _solution_id(session, solution)
        chosen = access.solution_gate(session, actor, solution_id, basis)
        decisions.assess(
            session, solution_id, unit, subject, "accepted", motivation, potential, note,
            actor.username, access.basis_text(chosen), enrol_on=day, rule_key=rules,
            assessed_on=assessed,
        )  # fmt: skip
    console.print(f"Indskrevet {danish_date(day)} (vurdering og indskrivning er logget).")


@app.command("discharge")
def discharge_command(
    solution: SolutionOption,
    on: DateOption,
    reason: Annotated[str, typer.Option("--reason", help="Årsag, fx 'i job' eller 'fraflyttet'")],
    citizen: CitizenOption = None,
    cpr: CprOption = None,
    family: FamilyOption = None,
    basis: BasisOption = None,
    user: UserOption = None,
) -> None:
    """Udskriv en borger eller familie af en løsning med dato og årsag, under løsningens
    grundlag for udvælgelse. Logges."""
    from tvaers.selection import decisions

    settings = _settings()
    day = _day(on, "--date")
    unit, subject = _subject(settings, citizen, cpr, family)
    with acting(settings, user, "casework") as (session, actor):
        solution_id = _solution_id(session, solution)
        chosen = access.solution_gate(session, actor, solution_id, basis)
        decisions.discharge(
            session, solution_id, unit, subject, day, reason, actor.username,
            access.basis_text(chosen),
        )  # fmt: skip
    console.print(f"Udskrevet {danish_date(day)} (logget).")


ENROLMENT_LABELS = {
    "unit": "enhed",
    "subject": "borger/familie",
    "enrolled_on": "indskrevet",
    "discharged_on": "udskrevet",
    "discharge_reason": "årsag",
    "rule_key": "regelsæt",
    "rule_version": "version",
}


@app.command("enrolments")
@table_options(purpose="casework")
def enrolments_command(
    solution: SolutionOption,
    active_on: Annotated[
        str | None, typer.Option("--active-on", help="Kun de indskrevne på denne dato")
    ] = None,
    *,
    options: TableOptions,
) -> None:
    """Løsningens indskrevne borgere og familier (sagsbehandling med løsningens grundlag).
    Logges. Filen kan bruges direkte som --members til tvaers baseline."""
    from tvaers.core.publication import DataTable
    from tvaers.selection import decisions

    settings = _settings()
    fmt = checked_format(options.fmt, options.out)
    basis = options.basis
    day = _date(active_on, "--active-on")
    with acting(settings, options.user, options.purpose) as (session, actor):
        solution_id = _solution_id(session, solution)
        access.solution_gate(session, actor, solution_id, basis)
        periods = decisions.enrolments(session, solution_id, active_on=day)
        rows = [{k: getattr(e, k) for k in ENROLMENT_LABELS} for e in periods]
        access.solution(
            session, actor, solution_id, "cli_enrolments", basis_id=basis,
            detail={"command": "enrolments", "rows": len(rows)},
        )  # fmt: skip
    table = DataTable.of("enrolments", rows, "Indskrevne", ENROLMENT_LABELS)
    _emit([table], fmt, options.out)
