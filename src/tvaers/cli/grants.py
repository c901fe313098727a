"""Decisions from the command line: grants (``tvaers grant``) and the distribution keys that
split them (``tvaers key propose|approve|reject|list``), thin over :mod:`tvaers.principles`.

A grant names a citizen or a family, so every grant command is person-level: it runs under the
casework purpose (the default here) with the solution's selection basis, as a real user
(``--user``), and each run leaves its audit entry. The proposer never decides their own grant
(four eyes); who decides is the competence plan's level and, where the solution grants what an
area pays above the agreed ceiling, the paying area's chief.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from tvaers import access
from tvaers.cli import _settings, app, console, err
from tvaers.cli.acting import BasisOption, UserOption, acting
from tvaers.cli.draw import _emit, checked_format
from tvaers.cli.options import FormatOption, OutOption, TableOptions, table_options
from tvaers.cli.principles import (
    SharesOption,
    _read_text,
    fail,
    key_app,
    parse_amount,
    parse_number,
    share_pairs,
    table_of,
)
from tvaers.cli.select import (
    CitizenOption,
    CprOption,
    FamilyOption,
    _day,
    _solution_id,
    _store,
    _subject,
)
from tvaers.core.money import format_dkk, from_ore
from tvaers.core.periods import danish_date, local_time
from tvaers.principles.model import STATUS_LABELS, GrantStatus, Share

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from tvaers.store.models_principles import Grant

grant_app = typer.Typer(
    help="Bevillinger: indstilling, godkendelse med fire øjne, afslag og afslutning.",
    no_args_is_help=True,
)
app.add_typer(grant_app, name="grant")

PurposeOption = Annotated[
    str,
    typer.Option(
        "--purpose", help="casework (standard): en bevilling er en oplysning om en borger"
    ),
]
GrantId = Annotated[int, typer.Argument(help="Bevillingens nummer (se tvaers grant list)")]
ReasonOption = Annotated[str, typer.Option("--reason", help="Begrundelsen")]


# --- tvaers grant -----------------------------------------------------------------------------


@grant_app.command("propose")
def grant_propose(
    solution: Annotated[str, typer.Option("--solution", help="Løsningen: nummer eller navn")],
    intervention: Annotated[str, typer.Option("--intervention", help="Indsatsens kode")],
    start: Annotated[str, typer.Option("--start", help="Første dag, fx 2026-02-01")],
    end: Annotated[str, typer.Option("--end", help="Forventet sidste dag")],
    justification: Annotated[str, typer.Option("--justification", help="Den faglige begrundelse")],
    effect: Annotated[str, typer.Option("--effect", help="Den forventede effekt")],
    citizen: CitizenOption = None,
    cpr: CprOption = None,
    family: FamilyOption = None,
    units: Annotated[
        str | None, typer.Option("--units", help="Enheder pr. måned × indsatsens enhedspris")
    ] = None,
    monthly: Annotated[str | None, typer.Option("--monthly", help="Beløb pr. måned i kr.")] = None,
    key: Annotated[
        str | None, typer.Option("--key", help="Fordelingsnøglen, der fordeler prisen")
    ] = None,
    paying_area: Annotated[
        str | None, typer.Option("--paying-area", help="Det ene område, der betaler")
    ] = None,
    replaces: Annotated[
        int | None, typer.Option("--replaces", help="Nummeret på bevillingen, den afløser")
    ] = None,
    placement: Annotated[
        int | None, typer.Option("--placement", help="Placeringens nummer (placement list)")
    ] = None,
    basis: BasisOption = None,
    purpose: PurposeOption = "casework",
    user: UserOption = None,
) -> None:
    """Indstil en bevilling til en indskrevet borger eller familie: prisen (enheder ×
    enhedspris, eller et beløb pr. måned), begrundelse og forventet effekt. Den går til det
    laveste niveau i kompetenceplanen, hvis loft dækker den. Logges."""
    from tvaers.core.access import GRANT_PROPOSERS
    from tvaers.principles import catalogue
    from tvaers.principles.grants import Proposal, propose

    settings = _settings()
    first, last = _day(start, "--start"), _day(end, "--end")
    if (units is None) == (monthly is None):
        fail("Angiv enten --units (enheder pr. måned) eller --monthly (beløb pr. måned).")
    per_month = parse_number(units, "--units") if units is not None else None
    amount = parse_amount(monthly, "--monthly") if monthly is not None else None
    unit, subject = _subject(settings, citizen, cpr, family)
    with acting(settings, user, purpose) as (session, actor):
        access.require_role(actor, GRANT_PROPOSERS, "At indstille en bevilling")
        solution_id = _solution_id(session, solution)
        access.solution_gate(session, actor, solution_id, basis)  # before the data are read
        known = catalogue.loaded(settings)
        age = catalogue.age(settings, subject, first) if unit == "citizen" else None
        proposal = Proposal(
            solution_id, unit, subject, intervention.strip(), first, last, justification,
            effect, units_per_month=per_month, monthly_amount=amount, key=key,
            paying_area=paying_area, placement_id=placement, replaces=replaces, basis_id=basis,
        )  # fmt: skip
        grant = propose(session, actor, known, proposal, age)
        told = _proposed_text(session, grant)
    console.print(told)


def _proposed_text(session: Session, grant: Grant) -> str:
    from tvaers.principles.grant_decisions import pending

    head = (
        f"Bevilling nr. {grant.id}: {grant.intervention_name}, "
        f"{format_dkk(from_ore(grant.monthly_ore))} pr. måned, "
        f"{format_dkk(from_ore(grant.total_ore))} i alt ({danish_date(grant.start_date)} – "
        f"{danish_date(grant.end_date)})."
    )
    if grant.status == GrantStatus.APPROVED:
        return f"{head} Bevilget efter kompetenceplanens regel om stigninger (logget)."
    waiting = "; ".join(r["label"] for r in pending(session, grant))
    return f"{head} Indstillet til «{grant.level_name}»; venter på: {waiting} (logget)."


def _decided(grant_id: int, approve: bool, reason: str, requirement: str | None,
             purpose: str, user: str | None) -> None:  # fmt: skip
    from tvaers.principles.grant_decisions import decide, pending

    settings = _settings()
    with acting(settings, user, purpose) as (session, actor):
        grant = decide(session, actor, grant_id, approve, reason, requirement)
        status = GrantStatus(grant.status)
        waiting = "; ".join(r["label"] for r in pending(session, grant))
    if status is GrantStatus.PROPOSED:
        console.print(f"Din godkendelse er gemt; bevilling nr. {grant_id} venter nu på: {waiting}.")
        return
    console.print(f"Bevilling nr. {grant_id}: {STATUS_LABELS[status].lower()} (logget).")


RequirementOption = Annotated[
    str | None,
    typer.Option(
        "--requirement", help="Kravet, du afgør (fx level:team eller area:children; se list)"
    ),
]


@grant_app.command("approve")
def grant_approve(
    grant_id: GrantId,
    requirement: RequirementOption = None,
    reason: Annotated[str, typer.Option("--reason", help="Begrundelse (valgfri)")] = "",
    purpose: PurposeOption = "casework",
    user: UserOption = None,
) -> None:
    """Godkend en indstillet bevilling for det niveau (eller betalende område), du afgør for.
    Den, der indstillede, kan ikke godkende (fire øjne). Den sidste godkendelse gør
    bevillingen til disponerede beløb pr. måned og betalende område. Logges."""
    _decided(grant_id, True, reason, requirement, purpose, user)


@grant_app.command("reject")
def grant_reject(
    grant_id: GrantId,
    reason: ReasonOption,
    requirement: RequirementOption = None,
    purpose: PurposeOption = "casework",
    user: UserOption = None,
) -> None:
    """Afslå en indstillet bevilling med begrundelse. Afslaget er endeligt. Logges."""
    _decided(grant_id, False, reason, requirement, purpose, user)


@grant_app.command("withdraw")
def grant_withdraw(
    grant_id: GrantId,
    reason: ReasonOption,
    purpose: PurposeOption = "casework",
    user: UserOption = None,
) -> None:
    """Træk en indstilling tilbage, før den er afgjort (den, der indstillede, eller løsningens
    leder). Logges."""
    from tvaers.principles.grant_decisions import withdraw

    if not reason.strip():
        fail("Skriv hvorfor bevillingen trækkes tilbage (--reason).")
    with acting(_settings(), user, purpose) as (session, actor):
        withdraw(session, actor, grant_id, reason)
    console.print(f"Bevilling nr. {grant_id} er trukket tilbage (logget).")


@grant_app.command("end")
def grant_end(
    grant_id: GrantId,
    on: Annotated[str, typer.Option("--on", help="Sidste dag, bevillingen gælder")],
    reason: ReasonOption,
    purpose: PurposeOption = "casework",
    user: UserOption = None,
) -> None:
    """Afslut en bevilget bevilling på en dato; månederne efter tages ud af de disponerede
    beløb (som nye, negative linjer). Logges."""
    from tvaers.principles.grant_decisions import end

    day = _day(on, "--on")
    with acting(_settings(), user, purpose) as (session, actor):
        end(session, actor, grant_id, day, reason)
    console.print(f"Bevilling nr. {grant_id} er afsluttet {danish_date(day)} (logget).")


GRANT_LABELS = {
    "id": "nr.", "solution": "løsning", "unit": "enhed", "subject": "borger/familie",
    "intervention": "indsats", "intervention_name": "indsatsens navn", "start_date": "start",
    "end_date": "forventet slut", "monthly": "pr. måned", "total": "i alt", "level": "niveau",
    "status": "status", "status_text": "status (tekst)", "payers": "betales af",
    "waiting_for": "venter på", "proposed_by": "indstillet af", "decided_at": "afgjort",
    "reason": "begrundelse for afgørelsen",
}  # fmt: skip


def _local(moment: datetime | None) -> datetime | None:
    return local_time(moment) if moment is not None else None


def _rows(session: Session, grants: Sequence[Grant]) -> list[dict[str, Any]]:
    from tvaers.principles.grant_decisions import pending
    from tvaers.store.models import Solution

    names: dict[int, str] = {}
    rows = []
    for g in grants:  # the grants shown: a solution's or an inbox's handful
        if g.solution_id not in names:
            names[g.solution_id] = session.get(Solution, g.solution_id).name  # type: ignore[union-attr]
        waiting = pending(session, g) if g.status == GrantStatus.PROPOSED else []
        rows.append(
            {
                "id": g.id, "solution": names[g.solution_id], "unit": g.unit,
                "subject": g.subject, "intervention": g.intervention,
                "intervention_name": g.intervention_name, "start_date": g.start_date,
                "end_date": g.ended_on or g.end_date, "monthly": from_ore(g.monthly_ore),
                "total": from_ore(g.total_ore), "level": g.level_name, "status": g.status,
                "status_text": STATUS_LABELS[GrantStatus(g.status)],
                "payers": ", ".join(f"{a} {t}" for a, t in g.shares),
                "waiting_for": "; ".join(f"{r['label']} ({r['key']})" for r in waiting),
                "proposed_by": g.proposed_by, "decided_at": _local(g.decided_at),
                "reason": g.status_reason,
            }
        )  # fmt: skip
    return rows


@grant_app.command("list")
@table_options(purpose="casework")
def grant_list(
    solution: Annotated[
        str | None, typer.Option("--solution", help="Kun løsningens bevillinger")
    ] = None,
    status: Annotated[
        str | None,
        typer.Option("--status", help="proposed, approved, rejected, withdrawn eller ended"),
    ] = None,
    area: Annotated[
        str | None, typer.Option("--area", help="Kun bevillinger, sektorområdet betaler")
    ] = None,
    waiting: Annotated[
        bool, typer.Option("--waiting", help="Kun dem, der venter på din afgørelse")
    ] = False,
    *,
    options: TableOptions,
) -> None:
    """Bevillingerne med pris, niveau, status, betalere og hvad de venter på. Sagsbehandling:
    kun løsninger med et gældende grundlag for udvælgelse vises (de andre tælles); logges."""
    from tvaers.principles import inbox

    settings = _settings()
    chosen = checked_format(options.fmt, options.out)
    if status is not None and status not in {s.value for s in GrantStatus}:
        fail(f"Ukendt status «{status}». Brug {', '.join(s.value for s in GrantStatus)}.")
    with acting(settings, options.user, options.purpose) as (session, actor):
        access.require_casework(actor)
        solution_id = _solution_id(session, solution) if solution else None
        if solution_id is not None:
            access.solution_gate(session, actor, solution_id, options.basis)
        found = inbox.grants(session, solution_id, status, area)
        if waiting:
            mine = {g.id for g, _ in inbox.waiting_for(session, actor)}
            found = [g for g in found if g.id in mine]
        allowed = {solution_id} if solution_id is not None else set()
        allowed |= {
            s for s in {g.solution_id for g in found}
            if access.selection_basis(session, s) is not None
        }  # fmt: skip
        shown = [g for g in found if g.solution_id in allowed]
        for number in sorted(allowed):  # one entry per solution shown, one per citizen listed
            own = [g for g in shown if g.solution_id == number]
            people = sorted({g.subject for g in own if g.unit == "citizen"})
            access.solution(
                session, actor, number, "cli_grants", listed=people,
                basis_id=options.basis if number == solution_id else None,
                detail={"command": "grant list", "rows": len(own)},
            )  # fmt: skip
        rows = _rows(session, shown)
    if len(shown) < len(found):
        err.print(
            f"[yellow]Bemærk:[/yellow] {len(found) - len(shown)} bevilling(er) i løsninger uden "
            "et gældende grundlag for udvælgelse er ikke vist."
        )
    _emit([table_of("grants", rows, "Bevillinger", GRANT_LABELS)], chosen, options.out)


# --- tvaers key propose|approve|reject|list ---------------------------------------------------


def _key_content(shares: Sequence[str] | None, file: Path | None) -> dict[str, Any]:
    """A key's content from ``--share`` options (fixed shares) or a YAML file (shares or
    rules, as :mod:`tvaers.principles.keys` describes)."""
    import yaml

    if bool(shares) == (file is not None):
        fail("Angiv andelene med --share OMRÅDE=ANDEL … eller en YAML-fil med --file (ikke begge).")
    if file is None:
        return {"shares": dict(share_pairs(shares))}
    try:
        content = yaml.safe_load(_read_text(file, "Nøglen"))
    except yaml.YAMLError as exc:
        fail(f"{file} kan ikke læses som YAML: {exc}")
    if not isinstance(content, dict):
        fail(f"{file}: en fordelingsnøgle har faste andele (shares) eller regler (rules).")
    return content


@key_app.command("propose")
def key_propose(
    key: Annotated[str, typer.Argument(help="Nøglens navn, fx familiebehandling")],
    justification: Annotated[
        str, typer.Option("--justification", help="Den faglige begrundelse for fordelingen")
    ],
    valid_from: Annotated[str, typer.Option("--valid-from", help="Gælder fra, fx 2026-01-01")],
    solution: Annotated[
        str | None, typer.Option("--solution", help="Løsningen, der foreslår nøglen")
    ] = None,
    shares: SharesOption = None,
    file: Annotated[
        Path | None, typer.Option("--file", help="Nøglen i YAML (andele eller regler)")
    ] = None,
    valid_to: Annotated[str | None, typer.Option("--valid-to", help="Gælder til og med")] = None,
    name: Annotated[str | None, typer.Option("--name", help="Betegnelse (ny nøgle)")] = None,
    user: UserOption = None,
) -> None:
    """Foreslå en fordelingsnøgle (eller en ny version af den) med faglig begrundelse;
    koordinationsgruppen godkender. Leder af løsning eller økonomikonsulent; logges."""
    from tvaers.principles import service

    settings = _settings()
    content = _key_content(shares, file)
    first = _day(valid_from, "--valid-from")
    last = _day(valid_to, "--valid-to") if valid_to else None
    with acting(settings, user) as (session, actor):
        solution_id = _solution_id(session, solution) if solution else None
        version = service.propose_key(
            session, actor, key.strip(), content, justification, first,
            valid_to=last, name=name, solution_id=solution_id,
        )  # fmt: skip
        number = version.version
    console.print(
        f"Fordelingsnøglen «{key.strip()}» er foreslået som version {number}; den venter på "
        "koordinationsgruppens godkendelse (tvaers key approve)."
    )


def _decide_key(key: str, version: int, approve: bool, reason: str, user: str | None) -> None:
    from tvaers.principles import service

    settings = _settings()
    with acting(settings, user) as (session, actor):
        service.decide_key(session, actor, key.strip(), version, approve, reason)
    word = "godkendt" if approve else "afvist"
    console.print(f"Version {version} af fordelingsnøglen «{key.strip()}» er {word} (logget).")


VersionOption = Annotated[int, typer.Option("--version", help="Versionen, der afgøres")]


@key_app.command("approve")
def key_approve(
    key: Annotated[str, typer.Argument(help="Nøglens navn")],
    version: VersionOption,
    reason: Annotated[str, typer.Option("--reason", help="Begrundelse")] = "",
    user: UserOption = None,
) -> None:
    """Godkend en foreslået version af en fordelingsnøgle (koordinationsgruppen: en fagchef,
    der ikke selv har foreslået den). Logges."""
    _decide_key(key, version, True, reason, user)


@key_app.command("reject")
def key_reject(
    key: Annotated[str, typer.Argument(help="Nøglens navn")],
    version: VersionOption,
    reason: Annotated[str, typer.Option("--reason", help="Begrundelse for afvisningen")],
    user: UserOption = None,
) -> None:
    """Afvis en foreslået version af en fordelingsnøgle med begrundelse (en fagchef). Logges."""
    if not reason.strip():
        fail("Skriv begrundelsen for afvisningen (--reason).")
    _decide_key(key, version, False, reason, user)


KEY_LABELS = {
    "key": "nøgle", "name": "betegnelse", "solution": "løsning", "version": "version",
    "status": "status", "valid_from": "gælder fra", "valid_to": "gælder til", "shares": "andele",
    "justification": "begrundelse", "proposed_by": "foreslået af", "decided_by": "afgjort af",
    "decided_at": "afgjort", "reason": "begrundelse for afgørelsen",
}  # fmt: skip


def _shares_text(data: dict[str, Any]) -> str:
    """The key's shares in one line: ``children 1/2, adults 1/2`` or its rules in order."""
    from tvaers.principles.keys import parse_key

    def line(shares: Sequence[Share]) -> str:
        return ", ".join(f"{s.sector_area} {s.text}" for s in shares)

    definition = parse_key(data)
    if definition.fixed:
        return line(definition.rules[0].shares)
    return "; ".join(
        f"regel {i}: {line(rule.shares)}" for i, rule in enumerate(definition.rules, 1)
    )


@key_app.command("list")
def key_list(
    solution: Annotated[
        str | None, typer.Option("--solution", help="Kun løsningens nøgler (nummer eller navn)")
    ] = None,
    fmt: FormatOption = None,
    out: OutOption = None,
) -> None:
    """Fordelingsnøglerne med alle versioner: andele, gyldighed, status, hvem der foreslog og
    afgjorde. Ingen oplysninger om borgere: kræver ingen bruger."""
    from tvaers.anchoring import service as solutions
    from tvaers.principles import service

    settings = _settings()
    chosen = checked_format(fmt, out)
    rows = []
    with _store(settings) as session:
        solution_id = _solution_id(session, solution) if solution else None
        for stored in service.keys(session, solution_id):  # a few keys, a few versions each
            owner = solutions.get(session, stored.solution_id).name if stored.solution_id else None
            for v in service.key_versions(session, stored.id):
                rows.append(
                    {
                        "key": stored.key, "name": stored.name, "solution": owner,
                        "version": v.version, "status": v.status, "valid_from": v.valid_from,
                        "valid_to": v.valid_to, "shares": _shares_text(v.data),
                        "justification": v.justification, "proposed_by": v.proposed_by,
                        "decided_by": v.decided_by, "decided_at": _local(v.decided_at),
                        "reason": v.decision_reason,
                    }
                )  # fmt: skip
    _emit([table_of("keys", rows, "Fordelingsnøgler", KEY_LABELS)], chosen, out)
