"""Who grants and who pays from the command line (``tvaers placement|plan|key``), thin over
:mod:`tvaers.principles`; the grants are in :mod:`tvaers.cli.grants`.

Three commands are pure rules and need no user: ``placement classify`` (VIVE table 4.1),
``key split`` (an amount split exactly by shares) and ``plan route`` (the level of the
competence plan a cost goes to). Everything that records acts as a real user (``--user``).
Their JSON has a fixed form, for scripts; amounts are JSON numbers exact to the øre.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from tvaers.cli import _fail, _settings, app, console, err
from tvaers.cli.acting import UserOption, acting
from tvaers.cli.draw import _emit, checked_format
from tvaers.cli.options import FormatOption, OutOption
from tvaers.cli.select import _solution_id, _store
from tvaers.core.errors import TvaersError
from tvaers.core.money import format_dkk
from tvaers.principles.model import PLACE_LABELS, PrinciplesError, Share

if TYPE_CHECKING:
    from tvaers.core.config import Settings
    from tvaers.principles.plan import CompetencePlan

placement_app = typer.Typer(
    help="Hvor visitationen og betalingen ligger (VIVE tabel 4.1 og 4.2).", no_args_is_help=True
)
app.add_typer(placement_app, name="placement")
plan_app = typer.Typer(help="Kompetenceplanen: niveauer og beløbslofter.", no_args_is_help=True)
app.add_typer(plan_app, name="plan")
key_app = typer.Typer(help="Fordelingsnøgler mellem sektorområder.", no_args_is_help=True)
app.add_typer(key_app, name="key")

PlaceHelp = "solution (i løsningen), shared (delt) eller areas (på sektorområderne)"
TextFormatOption = Annotated[
    str, typer.Option("--format", help="text (standard: en dansk sætning/tabel) eller json")
]
SharesOption = Annotated[
    list[str] | None,
    typer.Option(
        "--share",
        help="OMRÅDE=ANDEL, gentages; andelen i procent (33,5% eller 33.5%) eller som brøk (1/3)",
    ),
]
MAX_AMOUNT = Decimal(100_000_000_000)  # kr.: as the import's limit; exact as a JSON number


# --- shared helpers ---------------------------------------------------------------------------


def fail(message: str, hint: str = "") -> NoReturn:
    """End the command with a Danish error (exit 1), the way every other error ends."""
    die(PrinciplesError(message, hint=hint))


def die(exc: TvaersError) -> NoReturn:
    """End the command with ``exc`` in Danish (exit 1)."""
    _fail(exc)
    raise typer.Exit(1)  # _fail has ended the command already


def parse_amount(text: str, option: str) -> Decimal:
    """An amount in kroner, exact to the øre: Danish ``1.234,56`` or international ``1234.56``
    (``1.234`` is Danish: one thousand two hundred and thirty-four); refused in Danish."""
    from tvaers.core.money import kroner
    from tvaers.selection.builder import parse_danish_number

    number = parse_danish_number(text.strip())
    if number is None:
        fail(f"{option}: «{text}» er ikke et beløb.", "Skriv fx 1.234,56 eller 1234.56.")
    if abs(number) > MAX_AMOUNT:  # first: a number of 30 digits cannot be put in øre at all
        fail(f"{option}: beløbet «{text}» er større end 100 mia. kr.")
    try:
        return kroner(number)
    except ValueError:
        fail(f"{option}: beløbet «{text}» har mere end to decimaler; skriv det i hele øre.")


def parse_number(text: str, option: str) -> Decimal:
    """A positive number (units per month), Danish or international."""
    from tvaers.selection.builder import parse_danish_number

    number = parse_danish_number(text.strip())
    if number is None or number <= 0:
        fail(f"{option}: «{text}» er ikke et positivt tal.", "Skriv fx 10 eller 2,5.")
    return number


def share_pairs(given: Sequence[str] | None) -> list[tuple[str, str]]:
    """``AREA=SHARE`` options as pairs; one without ``=`` is refused in Danish."""
    pairs = []
    for text in given or []:
        area, sep, share = text.partition("=")
        if not sep:
            fail(f"--share «{text}»: skriv OMRÅDE=ANDEL, fx children=1/3 eller adults=33,5%.")
        pairs.append((area.strip(), share.strip()))
    return pairs


def write_json(value: Any) -> None:
    """One JSON document on standard output, Decimals as numbers (as every extract)."""
    from tvaers.reports.output import _json_value

    sys.stdout.write(json.dumps(value, default=_json_value, ensure_ascii=False, indent=1) + "\n")


def text_or_json(fmt: str) -> str:
    chosen = fmt.strip().lower()
    if chosen not in ("text", "json"):
        fail(f"Ukendt format «{fmt}». Brug text eller json.")
    return chosen


def table_of(name: str, rows: list[dict[str, Any]], title: str, labels: dict[str, str]) -> Any:
    """The rows as a table; with no rows, still its columns (a CSV gets its header)."""
    from tvaers.core.publication import Column, DataTable

    if rows:
        return DataTable.of(name, rows, title, labels)
    columns = [Column(key, heading) for key, heading in labels.items()]
    return DataTable(title, columns, rows, filename=name, name=name)


def percent_text(share: Share) -> str:
    return f"{format(share.percent, 'f').replace('.', ',')} %"


# --- tvaers placement -------------------------------------------------------------------------


@placement_app.command("classify")
def placement_classify(
    granting: Annotated[str, typer.Option("--granting", help=f"Visitationen: {PlaceHelp}")],
    paying: Annotated[str, typer.Option("--paying", help=f"Betalingen: {PlaceHelp}")],
    fmt: TextFormatOption = "text",
) -> None:
    """VIVEs tabel 4.1: samlet, delvist samlet eller adskilt ud fra hvor visitationen og
    betalingen ligger. En ren regel: kræver ingen bruger."""
    from tvaers.principles.model import classify, parse_place

    chosen = text_or_json(fmt)
    try:
        place_g, place_p = parse_place(granting, "visitationen"), parse_place(paying, "betalingen")
    except TvaersError as exc:
        die(exc)
    found = classify(place_g, place_p)
    if chosen == "json":
        write_json(
            {"granting": place_g.value, "paying": place_p.value, "classification": found.value}
        )
        return
    console.print(
        f"Visitation: {PLACE_LABELS[place_g].lower()}; betaling: {PLACE_LABELS[place_p].lower()}. "
        f"Efter VIVEs tabel 4.1 er visitation og betaling {found.value}."
    )


@placement_app.command("set")
def placement_set(
    solution: Annotated[str, typer.Option("--solution", help="Løsningen: nummer eller navn")],
    granting: Annotated[str, typer.Option("--granting", help=f"Visitationen: {PlaceHelp}")],
    paying: Annotated[str, typer.Option("--paying", help=f"Betalingen: {PlaceHelp}")],
    kind: Annotated[
        str, typer.Option("--type", help="Indsatstypen (fx familiebehandling); tom: alle")
    ] = "",
    interventions: Annotated[
        str | None,
        typer.Option("--interventions", help="Indsatskoder, typen dækker, adskilt af komma"),
    ] = None,
    note: Annotated[str | None, typer.Option("--note", help="Bemærkning")] = None,
    user: UserOption = None,
) -> None:
    """Sæt (eller ændr) hvor løsningens visitation og betaling ligger for en indsatstype.
    Kræver en rolle, der må redigere løsninger; logges."""
    from tvaers.principles import service
    from tvaers.principles.model import Place, classify

    settings = _settings()
    codes = [c for c in (interventions or "").split(",") if c.strip()]
    with acting(settings, user) as (session, actor):
        solution_id = _solution_id(session, solution)
        found = service.set_placement(
            session, actor, solution_id, kind, granting, paying, interventions=codes, note=note
        )
        place_g, place_p = Place(found.granting), Place(found.paying)
    what = f"indsatstypen «{kind.strip()}»" if kind.strip() else "alle løsningens indsatser"
    console.print(
        f"Placeringen er gemt for {what}: visitation {PLACE_LABELS[place_g].lower()}, betaling "
        f"{PLACE_LABELS[place_p].lower()} — {classify(place_g, place_p).value} (VIVE tabel 4.1)."
    )


PLACEMENT_LABELS = {
    "id": "nr.",
    "solution_id": "løsning nr.",
    "solution": "løsning",
    "intervention_type": "indsatstype",
    "interventions": "indsatser",
    "granting": "visitation",
    "paying": "betaling",
    "classification": "klassifikation (tabel 4.1)",
    "expected": "forventet",
    "note": "bemærkning",
    "source": "kilde",
    "set_by": "sat af",
}


@placement_app.command("list")
def placement_list(
    solution: Annotated[
        str | None, typer.Option("--solution", help="Kun denne løsning (nummer eller navn)")
    ] = None,
    fmt: FormatOption = None,
    out: OutOption = None,
) -> None:
    """Løsningernes placeringer af visitation og betaling med VIVEs klassifikation (tabel 4.1).
    Ingen oplysninger om borgere: kræver ingen bruger."""
    from tvaers.anchoring import service as solutions
    from tvaers.principles import service
    from tvaers.principles.model import classify

    settings = _settings()
    chosen = checked_format(fmt, out)
    rows = []
    with _store(settings) as session:
        shown = (
            [solutions.get(session, _solution_id(session, solution))]
            if solution
            else solutions.all_solutions(session)
        )
        for s in shown:  # the municipality's handful of solutions
            for p in service.placements(session, s.id):
                rows.append(
                    {
                        "id": p.id, "solution_id": s.id, "solution": s.name,
                        "intervention_type": p.intervention_type,
                        "interventions": ",".join(p.interventions or []),
                        "granting": p.granting, "paying": p.paying,
                        "classification": classify(p.granting, p.paying).value,
                        "expected": p.expected, "note": p.note, "source": p.source,
                        "set_by": p.set_by,
                    }
                )  # fmt: skip
    title = "Placering af visitation og betaling"
    _emit([table_of("placements", rows, title, PLACEMENT_LABELS)], chosen, out)


# --- tvaers plan ------------------------------------------------------------------------------


def _read_text(file: Path, what: str) -> str:
    try:
        return file.read_text("utf-8")
    except FileNotFoundError:
        fail(f"Filen {file} findes ikke.")
    except (OSError, UnicodeDecodeError) as exc:
        fail(f"{what} {file} kan ikke læses: {exc}.", "Gem filen som UTF-8.")


@plan_app.command("import")
def plan_import(
    file: Annotated[Path, typer.Argument(help="Kompetenceplanen som YAML")],
    note: Annotated[str, typer.Option("--note", help="Hvad er ændret")] = "",
    user: UserOption = None,
) -> None:
    """Gem kompetenceplanen fra en YAML-fil som ny version (uændret gemmer intet). Kræver
    administrator eller økonomikonsulent; logges."""
    text = _read_text(file, "Kompetenceplanen")
    _import_plan(_settings(), user, text, note, file.name)


def _import_plan(settings: Settings, user: str | None, text: str, note: str, source: str) -> None:
    from tvaers.principles import service

    with acting(settings, user) as (session, actor):
        before = service.current_plan(session)
        version = service.import_plan(session, actor, text, note, source)
        number, name = version.version, version.name
        same = before is not None and before[0].version == number
    if same:
        console.print(f"Kompetenceplanen er uændret; intet gemt (version {number}).")
    else:
        console.print(f"Kompetenceplanen «{name}» er gemt som version {number}.")


@plan_app.command("export")
def plan_export(
    version: Annotated[
        int | None, typer.Option("--version", help="Version (standard: nyeste)")
    ] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Fil (standard: skærmen)")] = None,
) -> None:
    """Skriv kompetenceplanen som YAML, præcis som den blev gemt."""
    from tvaers.principles import service
    from tvaers.reports.output import OutputError, write_text_file

    settings = _settings()
    with _store(settings) as session:
        versions = service.plan_versions(session)
        chosen = [v for v in versions if version is None or v.version == version]
        if not chosen:
            fail(
                "Der er ingen kompetenceplan endnu."
                if not versions
                else f"Kompetenceplanen har ingen version {version}.",
                "Importér en plan med: tvaers plan import FIL (eller tvaers plan preset --import)",
            )
        text = chosen[0].text
    if out is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    try:
        write_text_file(out, text)
    except OutputError as exc:
        fail(str(exc))
    err.print(f"Skrevet til {out}")


@plan_app.command("preset")
def plan_preset(
    do_import: Annotated[
        bool, typer.Option("--import", help="Gem eksemplet som kommunens plan (ny version)")
    ] = False,
    note: Annotated[str, typer.Option("--note", help="Bemærkning til versionen")] = "",
    user: UserOption = None,
) -> None:
    """Vis Tværs' eksempel på en kompetenceplan (YAML), eller gem det med --import (kræver
    administrator eller økonomikonsulent; logges)."""
    from tvaers.principles import service

    text = service.preset_plan_text()
    if not do_import:
        sys.stdout.write(text)
        return
    _import_plan(_settings(), user, text, note or "Tværs' eksempel", "eksemplet")


def _plan_to_route(settings: Settings, file: Path | None) -> tuple[CompetencePlan, int | None]:
    from tvaers.principles import service
    from tvaers.principles.plan import parse_plan

    if file is not None:
        try:
            return parse_plan(_read_text(file, "Kompetenceplanen"), file.name), None
        except TvaersError as exc:
            die(exc)
    with _store(settings) as session:
        current = service.current_plan(session)
        if current is None:
            fail(
                "Der er ingen kompetenceplan endnu.",
                "Importér en plan (tvaers plan import FIL), eller prøv en fil med --file.",
            )
        return current[1], current[0].version


@plan_app.command("route")
def plan_route(
    amount: Annotated[str, typer.Option("--amount", help="Bevillingens samlede pris i kr.")],
    per_year: Annotated[
        str | None,
        typer.Option("--per-year", help="Prisen i det dyreste kalenderår (standard: --amount)"),
    ] = None,
    intervention: Annotated[
        str | None, typer.Option("--intervention", help="Indsatsens kode (lofter for den)")
    ] = None,
    area: Annotated[
        str | None, typer.Option("--area", help="Sektorområdet, der betaler (lofter for det)")
    ] = None,
    separated: Annotated[
        bool,
        typer.Option(
            "--separated", help="Løsningen visiterer, området betaler: skal fagchefen godkende?"
        ),
    ] = False,
    file: Annotated[
        Path | None, typer.Option("--file", help="Prøv en plan i YAML i stedet for den gemte")
    ] = None,
    fmt: TextFormatOption = "text",
) -> None:
    """Hvilket niveau i kompetenceplanen en bevilling går til: det laveste, hvis loft dækker
    prisen (lofterne er inklusive). En ren regel: kræver ingen bruger."""
    from tvaers.principles.model import GrantCost

    chosen = text_or_json(fmt)
    total = parse_amount(amount, "--amount")
    yearly = parse_amount(per_year, "--per-year") if per_year is not None else total
    if total < 0 or yearly < 0 or yearly > total:
        fail("Prisen kan ikke være negativ, og prisen pr. år kan ikke overstige den samlede.")
    plan, version = _plan_to_route(_settings(), file)
    cost = GrantCost(total, yearly, (intervention or "").strip(), (area or "").strip())
    try:
        level = plan.route(cost)
    except TvaersError as exc:
        die(exc)
    ceiling = plan.area_ceiling(cost.sector_area) if separated else None
    needs = separated and plan.needs_area_approval(total, cost.sector_area)
    found = {
        "amount": total, "per_year": yearly, "intervention": intervention, "sector_area": area,
        "plan_version": version, "level": level.key, "level_name": level.name,
        "roles": [r.value for r in level.roles], "separated": separated,
        "area_approval": needs, "area_ceiling": ceiling,
    }  # fmt: skip
    if chosen == "json":
        write_json(found)
        return
    _print_route(plan, level.key, total, separated, ceiling)


def _print_route(
    plan: CompetencePlan, key: str, total: Decimal, separated: bool, ceiling: Decimal | None
) -> None:
    from tvaers.principles.plan import describe_roles

    level = plan.level(key)
    console.print(
        f"{format_dkk(total)} går til «{level.name}» ({describe_roles(level.roles)}) efter "
        f"«{plan.name}»."
    )
    if not separated:
        return
    if ceiling is None:
        console.print("Planen har intet aftalt loft for det betalende område (area_approval).")
    elif total > ceiling:
        console.print(
            f"Beløbet er over det aftalte loft på {format_dkk(ceiling)}: det betalende områdes "
            "fagchef skal også godkende."
        )
    else:
        console.print(f"Beløbet er inden for det aftalte loft på {format_dkk(ceiling)}")


# --- tvaers key -------------------------------------------------------------------------------


@key_app.command("split")
def key_split(
    amount: Annotated[str, typer.Option("--amount", help="Beløbet i kr. (fx 1.234,56)")],
    shares: SharesOption = None,
    fmt: TextFormatOption = "text",
) -> None:
    """Fordel et beløb præcist på øren efter andele, der tilsammen er præcis 100 %: største
    rest, lige rester til det område, der står først; et negativt beløb beholder sit fortegn.
    En ren regel: kræver ingen bruger."""
    from tvaers.principles.model import shares_of, split

    chosen = text_or_json(fmt)
    total = parse_amount(amount, "--amount")
    try:
        parts = split(total, shares_of(share_pairs(shares)))
    except TvaersError as exc:
        die(exc)
    if chosen == "json":
        write_json(
            {
                "amount": total,
                "parts": [
                    {"sector_area": p.sector_area, "share": p.share.text, "amount": p.amount}
                    for p in parts
                ],
            }
        )
        return
    from rich.table import Table

    table = Table(title=f"Fordeling af {format_dkk(total)}")
    for heading, justify in (("Sektorområde", "left"), ("Andel", "right"), ("Beløb", "right")):
        table.add_column(heading, justify=justify)  # type: ignore[arg-type]
    for p in parts:
        table.add_row(p.sector_area, percent_text(p.share), format_dkk(p.amount))
    console.print(table)
