"""Albertslund's settlement and the efficiency requirements from the command line (issue 13),
thin over :mod:`tvaers.budget.settlement` and :mod:`tvaers.budget.requirements`.

``tvaers redistribute`` settles from two CSV files (``sector_area,amount``; Danish ``;`` and
``1.234,56`` or international ``,`` and ``1234.56``) or from the data (``--solution``,
``--year``, statistical: suppressed as on the page); its JSON has a fixed form with amounts as
exact JSON numbers. ``tvaers requirement set|show|compare``: a solution's requirement for a
year, set as a real user (``--user``) and audited; every rule's split side by side.
"""

from __future__ import annotations

import csv
import json
import re
import sys
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from tvaers.cli import _settings, app, console
from tvaers.cli.acting import UserOption, acting, store
from tvaers.cli.principles import (
    MAX_AMOUNT,
    TextFormatOption,
    die,
    parse_amount,
    share_pairs,
    text_or_json,
)
from tvaers.cli.select import _solution_id
from tvaers.core.errors import TvaersError
from tvaers.core.money import format_dkk

if TYPE_CHECKING:
    from tvaers.budget.model import Settlement

requirement_app = typer.Typer(
    help="Effektiviseringskrav pr. løsning og år og deres fordeling på sektorområder.",
    no_args_is_help=True,
)
app.add_typer(requirement_app, name="requirement")

SolutionOption = Annotated[str, typer.Option("--solution", help="Løsningen: nummer eller navn")]
YearOption = Annotated[int, typer.Option("--year", help="Året (fx 2025)")]
HEADINGS = ("sector_area", "amount")
DANISH_HEADINGS = ("sektorområde", "beløb")


_EXACT = re.compile(r'"@@exact:(-?[0-9]+(?:\.[0-9]+)?)@@"')


def fail(message: str, hint: str = "") -> NoReturn:
    """End the command with a Danish error (exit 1)."""
    from tvaers.budget.model import BudgetError

    die(BudgetError(message, hint=hint))


def _marked(value: Any) -> Any:
    if isinstance(value, Decimal):
        return f"@@exact:{value}@@"
    if isinstance(value, dict):
        return {k: _marked(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_marked(v) for v in value]
    return value


def write_json(value: Any) -> None:
    """One JSON document on standard output; amounts as exact JSON numbers (``1500000.00``,
    never a binary float)."""
    text = json.dumps(_marked(value), ensure_ascii=False, indent=1)
    sys.stdout.write(_EXACT.sub(r"\1", text) + "\n")


# --- reading the files ------------------------------------------------------------------------


def read_amounts(file: Path, option: str) -> dict[str, Decimal]:
    """``sector_area,amount`` per row (or ``;`` with Danish numbers); a bad file ends the
    command with the file, row and column in Danish."""
    from tvaers.core.cpr import contains_cpr, redact
    from tvaers.core.money import kroner
    from tvaers.selection.builder import parse_danish_number

    try:
        text = file.read_text("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        fail(f"{option}: filen {file} kan ikke læses ({exc.__class__.__name__}).",
             "Angiv en CSV-fil i UTF-8 med kolonnerne sector_area og amount.")  # fmt: skip
    lines = text.splitlines()
    if not lines:
        fail(f"{option}: filen {file} er tom.", "Første række skal være: sector_area,amount.")
    delimiter = ";" if ";" in lines[0] else ","
    rows = list(csv.reader(lines, delimiter=delimiter))
    head = tuple(c.strip().lower() for c in rows[0])
    if head not in (HEADINGS, DANISH_HEADINGS):
        shown = redact(delimiter.join(rows[0]))
        fail(f"{option}: filen {file}, række 1: overskriften er «{shown}».",
             f"Første række skal være: sector_area{delimiter}amount.")  # fmt: skip
    found: dict[str, Decimal] = {}
    for number, row in enumerate(rows[1:], start=2):  # the file's handful of areas
        if not any(c.strip() for c in row):
            continue
        where = f"{option}: filen {file}, række {number}"
        if len(row) != 2:
            hint = "Brug ; med danske tal (1.234,56) eller , med internationale (1234.56)."
            fail(f"{where}: rækken har {len(row)} felter, ikke 2.", hint)
        area, text_amount = row[0].strip(), row[1].strip()
        if not area:
            fail(f"{where}, kolonne sector_area: sektorområdet mangler.")
        if contains_cpr(area):  # said without repeating it: an error may end up in a log
            fail(f"{where}, kolonne sector_area: feltet ser ud til at være et CPR-nummer.",
                 "Skriv sektorområdets kode, fx children.")  # fmt: skip
        if area in found:
            fail(
                f"{where}, kolonne sector_area: {area} står to gange.",
                "Skriv hvert område én gang.",
            )
        value = parse_danish_number(text_amount)
        if value is None:
            fail(f"{where}, kolonne amount: «{redact(text_amount)}» er ikke et beløb.",
                 "Skriv fx 5.000.000,00 (med ;) eller 5000000.00 (med ,).")  # fmt: skip
        if abs(value) > MAX_AMOUNT:
            fail(f"{where}, kolonne amount: «{text_amount}» er større end 100 mia. kr.")
        try:
            found[area] = kroner(value)
        except ValueError:
            fail(f"{where}, kolonne amount: «{text_amount}» har mere end to decimaler.")
    if not found:
        fail(f"{option}: filen {file} har ingen sektorområder.", "Skriv ét område pr. række.")
    return found


# --- output -----------------------------------------------------------------------------------


def settlement_json(found: Settlement) -> dict[str, Any]:
    return {
        "requirement": found.requirement,
        "areas": [
            {
                "sector_area": a.sector_area,
                "baseline": a.baseline,
                "actual": a.actual,
                "change": a.change,
            }
            for a in found.areas
        ],
        "total_change": found.total_change,
        "cross_cutting_end": found.cross_cutting_end,
        "requirement_met": found.requirement_met,
    }


def print_settlement(found: Settlement, title: str) -> None:
    from rich.table import Table

    from tvaers.budget.settlement import statement

    table = Table(title=title)
    for heading in ("Sektorområde", "Gammel løsning (baseline)", "Ny løsning (faktisk)",
                    "Budgetændring"):  # fmt: skip
        table.add_column(heading, justify="left" if heading == "Sektorområde" else "right")
    for a in found.areas:
        table.add_row(a.sector_area, format_dkk(a.baseline), format_dkk(a.actual),
                      format_dkk(a.change))  # fmt: skip
    table.add_row("I alt", "", "", format_dkk(found.total_change))
    console.print(table)
    console.print(
        f"Den tværgående budgetlinje starter på {format_dkk(-found.requirement)} og ender på "
        f"{format_dkk(found.cross_cutting_end)}"
    )
    console.print(statement(found))


# --- tvaers redistribute ----------------------------------------------------------------------


@app.command("redistribute")
def redistribute(
    baseline: Annotated[
        Path | None, typer.Option("--baseline", help="CSV: sector_area,amount (gammel løsning)")
    ] = None,
    actual: Annotated[
        Path | None, typer.Option("--actual", help="CSV: sector_area,amount (ny løsning)")
    ] = None,
    requirement: Annotated[
        str | None,
        typer.Option("--requirement", help="Besparelseskravet i kr.; med --solution: det gemte"),
    ] = None,
    solution: Annotated[
        str | None, typer.Option("--solution", help="Afregn løsningen ud fra data")
    ] = None,
    year: Annotated[int | None, typer.Option("--year", help="Afregningsåret")] = None,
    basis: Annotated[str, typer.Option("--basis", help="gross (brutto) eller net")] = "gross",
    fmt: TextFormatOption = "text",
    user: UserOption = None,
) -> None:
    """Albertslunds efterregulering: budgetændringen pr. sektorområde (faktisk − baseline) og
    den tværgående budgetlinje (i Albertslund «Fælles om målet»), der starter på −kravet og
    ender på −kravet − Σ ændringer. Fra to filer (--baseline, --actual, --requirement) eller
    fra data (--solution, --year, som en bruger: --user; statistisk, små celler skjult)."""
    from tvaers.budget.model import settle

    chosen = text_or_json(fmt)
    files = baseline is not None or actual is not None
    if files:
        if baseline is None or actual is None or requirement is None:
            fail("Angiv både --baseline, --actual og --requirement.",
                 "Eller afregn fra data med --solution og --year.")  # fmt: skip
        amount = parse_amount(requirement, "--requirement")
        old, new = read_amounts(baseline, "--baseline"), read_amounts(actual, "--actual")
        try:
            found = settle(old, new, amount)
        except TvaersError as exc:
            die(exc)
        title = "Efterregulering"
    else:
        if solution is None or year is None:
            fail("Angiv --baseline, --actual og --requirement, eller --solution og --year.")
        found, title = _from_data(solution, year, basis, requirement, user)
    if chosen == "json":
        write_json(settlement_json(found))
        return
    print_settlement(found, title)


def _from_data(
    solution: str, year: int, basis: str, requirement: str | None, user: str | None
) -> tuple[Settlement, str]:
    from tvaers.budget import requirements, settlement
    from tvaers.budget.model import BudgetError
    from tvaers.draw.solution_economy import plain
    from tvaers.selection import decisions

    settings = _settings()
    if basis not in settlement.BASES:
        fail(f"Ukendt grundlag «{basis}».", "Brug gross (brutto) eller net (netto af staten).")
    with acting(settings, user) as (session, actor):
        solution_id = _solution_id(session, solution)
        periods = plain(decisions.enrolments(session, solution_id))
        amount = (parse_amount(requirement, "--requirement") if requirement is not None
                  else requirements.amount_of(session, solution_id, year))  # fmt: skip
        username = actor.username
    try:
        figures = settlement.published(
            settings, lambda: store(settings), periods, year, basis,
            f"redistribute løsning {solution_id} {year}", username,
        )  # fmt: skip
        found = figures.settlement(amount)
    except TvaersError as exc:
        die(exc)
    if found is None:
        die(BudgetError(
            f"Løsningen kan ikke afregnes for {year} fra data: "
            + (figures.note or "der er ingen indskrevne borgere i året."),
            hint="Indtast baseline og faktisk i hånden, eller vælg et andet år.",
        ))  # fmt: skip
    return found, f"Efterregulering {year} fra data ({basis})"


# --- tvaers requirement -----------------------------------------------------------------------


@requirement_app.command("set")
def requirement_set(
    solution: SolutionOption,
    year: YearOption,
    amount: Annotated[str, typer.Option("--amount", help="Kravet i kr. (fx 1.500.000,00)")],
    rule: Annotated[
        str, typer.Option("--rule", help="baseline, expected_gain, fixed eller solution")
    ],
    gains: Annotated[
        list[str] | None,
        typer.Option("--gain", help="OMRÅDE=BELØB: forventet gevinst (expected_gain), gentages"),
    ] = None,
    shares: Annotated[
        list[str] | None,
        typer.Option("--share", help="OMRÅDE=ANDEL: faste andele (fixed), 1/3 eller 33,5%"),
    ] = None,
    harvest: Annotated[
        str, typer.Option("--harvest", help="as_realised (hen ad vejen) eller upfront")
    ] = "as_realised",
    note: Annotated[str, typer.Option("--note", help="Bemærkning")] = "",
    user: UserOption = None,
) -> None:
    """Fastsæt (en ny version af) løsningens effektiviseringskrav for et år. Kræver en rolle,
    der må redigere budgetter; logges."""
    from tvaers.budget import requirements

    total = parse_amount(amount, "--amount")
    expected = {a: parse_amount(t, f"--gain {a}") for a, t in share_pairs(gains)}
    with acting(_settings(), user) as (session, actor):
        row = requirements.set_requirement(
            session, actor, _solution_id(session, solution), year, total, rule,
            expected_gain=expected, shares=share_pairs(shares), harvest=harvest, note=note,
        )  # fmt: skip
        version = row.version
    console.print(f"Effektiviseringskravet for {year} er gemt som version {version}: "
                  f"{format_dkk(total)} fordelt efter reglen {rule}.")  # fmt: skip


def _requirement_json(session: Any, solution_id: int, year: int) -> dict[str, Any]:
    from tvaers.budget import requirements
    from tvaers.core.money import from_ore

    row = requirements.current(session, solution_id, year)
    if row is None:
        fail(f"Løsningen har intet effektiviseringskrav for {year}.",
             "Fastsæt det med tvaers requirement set.")  # fmt: skip
    given = requirements.inputs_of(row)
    return {
        "solution_id": solution_id, "year": year, "version": row.version,
        "amount": from_ore(row.amount_ore), "rule": row.rule, "harvest": row.harvest,
        "expected_gain": given.expected_gain,
        "shares": {s.sector_area: s.text for s in given.shares},
        "changed_by": row.changed_by, "changed_at": row.changed_at.isoformat(), "note": row.note,
    }  # fmt: skip


@requirement_app.command("show")
def requirement_show(solution: SolutionOption, year: YearOption, fmt: TextFormatOption = "text"
                     ) -> None:  # fmt: skip
    """Vis løsningens effektiviseringskrav i kraft for et år. Ingen oplysninger om borgere."""
    from tvaers.cli.select import _store

    chosen = text_or_json(fmt)
    with _store(_settings()) as session:
        found = _requirement_json(session, _solution_id(session, solution), year)
    if chosen == "json":
        write_json(found)
        return
    console.print(
        f"Effektiviseringskrav {year}, version {found['version']}: {format_dkk(found['amount'])}"
        f" efter reglen {found['rule']}, høstning {found['harvest']}; sat af "
        f"{found['changed_by']}."
    )


@requirement_app.command("compare")
def requirement_compare(
    solution: SolutionOption, year: YearOption, fmt: TextFormatOption = "text",
    user: UserOption = None,
) -> None:  # fmt: skip
    """Alle fordelingsregler side om side: hvert sektorområdes del af kravet efter hver regel
    (efter baseline: de indskrevne borgeres baseline fra data, små celler skjult)."""
    from tvaers.budget import requirements
    from tvaers.budget.model import SPLIT_RULE_LABELS, BudgetError

    chosen = text_or_json(fmt)
    settings = _settings()
    with acting(settings, user) as (session, actor):
        solution_id = _solution_id(session, solution)
        row = requirements.current(session, solution_id, year)
        if row is None:
            fail(f"Løsningen har intet effektiviseringskrav for {year}.")
        baseline = requirements.baseline_weights(settings, lambda: store(settings), session,
                                                 solution_id, year, actor.username)  # fmt: skip
        side = requirements.comparison(row, baseline)
    rules = {
        rule.value: {"error": found.message} if isinstance(found, BudgetError)
        else {"parts": [{"sector_area": p.sector_area, "amount": p.amount} for p in found]}
        for rule, found in side.items()
    }  # fmt: skip
    if chosen == "json":
        write_json({"requirement": Decimal(row.amount_ore) / 100, "rule": row.rule,
                    "rules": rules})  # fmt: skip
        return
    for rule, found in side.items():
        label = SPLIT_RULE_LABELS[rule] + (" (i kraft)" if rule.value == row.rule else "")
        if isinstance(found, BudgetError):
            console.print(f"{label}: kan ikke bruges — {found.message}")
            continue
        parts = "; ".join(f"{p.sector_area} {format_dkk(p.amount)}" for p in found)
        console.print(f"{label}: {parts}")
