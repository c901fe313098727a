"""Solutions and recorded bases from the command line (``tvaers solution add|list|examples``,
``tvaers basis add|list``), each acting as a real user of the store (:mod:`tvaers.cli.acting`).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer
from rich.table import Table

from tvaers import access
from tvaers.cli import _settings, app, console, err
from tvaers.cli.acting import UserOption, acting
from tvaers.core.access import BASIS_KINDS, BASIS_RECORDERS, SOLUTION_EDITORS
from tvaers.core.periods import danish_date
from tvaers.store.models import LegalBasis, SelectionBasis

solution_app = typer.Typer(help="Tværgående løsninger (fokuspunkt 1 og 3).", no_args_is_help=True)
app.add_typer(solution_app, name="solution")
basis_app = typer.Typer(
    help="Grundlag for adgang til borgere og for udvælgelse til løsninger.", no_args_is_help=True
)
app.add_typer(basis_app, name="basis")

KindOption = Annotated[
    str, typer.Option("--kind", help="consent, legal_basis eller overriding_interest")
]


@solution_app.command("add")
def solution_add(
    name: Annotated[str, typer.Argument(help="Løsningens navn")],
    target_group: Annotated[str, typer.Option("--target-group", help="Målgruppen")] = "",
    citizens: Annotated[
        int | None, typer.Option("--citizens", help="Antal borgere eller familier (mål)")
    ] = None,
    user: UserOption = None,
) -> None:
    """Opret en tværgående løsning (resten udfyldes i webappen). Logges i versionshistorikken."""
    from pydantic import ValidationError

    from tvaers.anchoring import service as solutions
    from tvaers.anchoring.model import SolutionData

    settings = _settings()
    try:
        data = SolutionData(name=name, target_group=target_group, families=citizens)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        err.print(f"[red]Fejl:[/red] løsningen kan ikke oprettes ({problems}).")
        raise typer.Exit(1) from exc
    with acting(settings, user) as (session, actor):
        access.require_role(actor, SOLUTION_EDITORS, "At oprette en løsning")
        created = solutions.create(session, data, actor.username)
        number = created.id
    console.print(f"Løsningen «{name}» er oprettet som nr. {number}.")


@solution_app.command("list")
def solution_list() -> None:
    """Vis løsningerne med nummer, navn og antal indskrevne."""
    from tvaers.anchoring import service as solutions
    from tvaers.cli.acting import store
    from tvaers.selection import decisions

    settings = _settings()
    table = Table(title="Tværgående løsninger")
    for heading in ("Nr.", "Navn", "Kommune", "Eksempel", "Indskrevne i dag"):
        table.add_column(heading)
    with store(settings) as session:
        for s in solutions.all_solutions(session):
            active = len(decisions.enrolments(session, s.id, active_on=date.today()))
            municipality = str((s.data or {}).get("municipality") or "")
            table.add_row(str(s.id), s.name, municipality, "ja" if s.example else "", str(active))
    console.print(table)


@solution_app.command("examples")
def solution_examples(user: UserOption = None) -> None:
    """Indlæs de fem kommuners løsninger fra VIVEs undersøgelse (2018) som eksempler, med
    placeringen af visitation og betaling fra VIVEs tabel 4.2."""
    from tvaers.anchoring import examples
    from tvaers.principles.service import load_example_placements

    settings = _settings()
    with acting(settings, user) as (session, actor):
        access.require_role(actor, SOLUTION_EDITORS, "At indlæse eksempelløsninger")
        created = examples.load(session)
        load_example_placements(session)
    console.print(
        f"{created} eksempelløsninger er indlæst."
        if created
        else "Eksemplerne var allerede indlæst."
    )


@basis_app.command("add")
def basis_add(
    kind: KindOption,
    reference: Annotated[
        str, typer.Option("--reference", help="Fx 'Samtykke af 1. marts 2026, j.nr. …'")
    ],
    valid_from: Annotated[str, typer.Option("--valid-from", help="Gælder fra, fx 2026-03-01")],
    valid_to: Annotated[str | None, typer.Option("--valid-to", help="Gælder til")] = None,
    citizen: Annotated[str | None, typer.Option("--citizen", help="Borgerens pseudonym")] = None,
    cpr: Annotated[
        str | None, typer.Option("--cpr", help="CPR-nummer, eller - fra standard input")
    ] = None,
    solution: Annotated[
        str | None, typer.Option("--solution", help="Løsningen (grundlag for udvælgelse)")
    ] = None,
    user: UserOption = None,
) -> None:
    """Registrér et grundlag (samtykke, hjemmel, væsentlig interesse) for en borger eller for
    udvælgelse til en løsning. Kræver sagsbehandlingsformål og en rolle, der må registrere."""
    from tvaers.cli.select import _check_known, _date, _day, _solution_id, _subject
    from tvaers.selection import bases

    settings = _settings()
    start, end = _day(valid_from, "--valid-from"), _date(valid_to, "--valid-to")
    if (solution is None) == (citizen is None and cpr is None):
        err.print("[red]Fejl:[/red] angiv enten --solution eller én af --citizen og --cpr.")
        raise typer.Exit(1)
    subject = None if solution else _subject(settings, citizen, cpr, None)[1]
    if subject is not None:  # no basis for somebody who is not in the data
        _check_known(settings, "citizen", subject)
    with acting(settings, user, "casework") as (session, actor):
        access.require_role(actor, BASIS_RECORDERS, "At registrere et grundlag")
        if solution is not None:
            number = _solution_id(session, solution)
            basis_id = bases.record_selection_basis(
                session, number, kind, reference, start, actor.username, end
            ).id
        else:
            basis_id = access.record_citizen_basis(
                session, actor, subject or "", kind, reference, start, end
            ).id
    console.print(f"Grundlaget er registreret som nr. {basis_id} (brug --basis {basis_id}).")


@basis_app.command("list")
def basis_list(
    citizen: Annotated[str | None, typer.Option("--citizen", help="Borgerens pseudonym")] = None,
    cpr: Annotated[
        str | None, typer.Option("--cpr", help="CPR-nummer, eller - fra standard input")
    ] = None,
    solution: Annotated[str | None, typer.Option("--solution", help="Løsningen")] = None,
    user: UserOption = None,
) -> None:
    """Vis de registrerede grundlag for en borger eller en løsning, med nummer og gyldighed."""
    from tvaers.cli.select import _solution_id, _subject
    from tvaers.selection import bases

    settings = _settings()
    if (solution is None) == (citizen is None and cpr is None):
        err.print("[red]Fejl:[/red] angiv enten --solution eller én af --citizen og --cpr.")
        raise typer.Exit(1)
    subject = None if solution else _subject(settings, citizen, cpr, None)[1]
    table = Table(title="Grundlag")
    for heading in ("Nr.", "Type", "Beskrivelse", "Fra", "Til", "Registreret af", "Status"):
        table.add_column(heading)
    with acting(settings, user, "casework") as (session, actor):
        access.require_casework(actor)
        found: list[LegalBasis | SelectionBasis] = []
        if solution is not None:
            found.extend(bases.selection_bases(session, _solution_id(session, solution)))
        else:
            found.extend(access.citizen_bases(session, subject or ""))
            access.record(session, actor, "grundlag_vist", citizen=subject)
        for b in found:
            state = "gælder" if access.in_force(b) else "gælder ikke i dag"
            table.add_row(
                str(b.id), BASIS_KINDS.get(b.kind, b.kind), b.reference, danish_date(b.valid_from),
                danish_date(b.valid_to) if b.valid_to else "", b.recorded_by,
                "trukket tilbage" if b.withdrawn_at else state,
            )  # fmt: skip
    console.print(table if found else "Der er ikke registreret noget grundlag.")


@app.command("reveal")
def reveal_command(
    citizen: Annotated[str, typer.Option("--citizen", help="Borgerens pseudonym")],
    basis: Annotated[
        int | None,
        typer.Option("--basis", help="Nummeret på borgerens grundlag (standard: det gældende)"),
    ] = None,
    user: UserOption = None,
) -> None:
    """Vis CPR-nummer og navn for et pseudonym (fra det krypterede identitetslager):
    sagsbehandlingsformål og et gældende grundlag for borgeren; hver visning logges."""
    settings = _settings()
    with acting(settings, user, "casework") as (session, actor):
        found = access.reveal(session, settings, actor, citizen.strip(), basis)
    if found is None:
        err.print("Borgeren findes ikke i identitetslageret (importér borgerne igen).")
        raise typer.Exit(1)
    console.print(f"CPR-nummer: {found.shown}" + (f"   Navn: {found.name}" if found.name else ""))
