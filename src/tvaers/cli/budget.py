"""Budgets and frames from the command line (``tvaers budget list|set|history|actual``,
``tvaers frame set|list``), thin over :mod:`tvaers.budget.budgets`, :mod:`tvaers.budget.frames`
and :mod:`tvaers.budget.area_view`.

Reading needs no user (budgets are not about citizens); the loaded data's ``budgets`` are taken
over first, in the name of the user who imported them. ``set`` acts as a real user (``--user``)
with a role among ``BUDGET_EDITORS``. ``--format json`` gives a fixed form for scripts; amounts
are JSON numbers exact to the øre.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any

import typer

from tvaers.cli import _settings, app, console
from tvaers.cli.acting import UserOption, acting
from tvaers.cli.principles import (
    TextFormatOption,
    die,
    fail,
    parse_amount,
    text_or_json,
    write_json,
)
from tvaers.cli.select import _solution_id, _store
from tvaers.core.errors import TvaersError
from tvaers.core.money import format_dkk

if TYPE_CHECKING:
    from tvaers.budget.actuals import AreaYear
    from tvaers.budget.frames import Steered
    from tvaers.store.models_budget import BudgetVersion

budget_app = typer.Typer(help="Budgetter pr. sektorområde og år (fokuspunkt 5).",
                         no_args_is_help=True)  # fmt: skip
app.add_typer(budget_app, name="budget")
frame_app = typer.Typer(help="Budgetrammer: brede rammer og håndfast rammestyring.",
                        no_args_is_help=True)  # fmt: skip
app.add_typer(frame_app, name="frame")

YearOption = Annotated[int, typer.Option("--year", help="Budgetåret, fx 2025")]
AreaOption = Annotated[str | None, typer.Option("--area", help="Sektorområdets kode")]
SolutionOption = Annotated[
    str | None, typer.Option("--solution", help="Løsningens eget budget: nummer eller navn")
]
ItemOption = Annotated[str, typer.Option("--item", help="Udgiftspost i løsningens budget")]
BasisOption = Annotated[
    str, typer.Option("--basis", help="gross (brutto) eller net (netto af staten)")
]


def _money(value: Decimal | None) -> str:
    return format_dkk(value) if value is not None else "–"


def _basis(text: str) -> Any:
    from tvaers.budget.state import Basis

    try:
        return Basis(text.strip().lower())
    except ValueError:
        fail(f"Ukendt grundlag «{text}».", "Brug gross (brutto) eller net (netto af staten).")


def _areas(settings: Any) -> dict[str, str] | None:
    from tvaers.core.errors import NoData
    from tvaers.draw.session import opened

    try:
        with opened(settings) as analysis:
            return dict(analysis.area_names)
    except NoData:
        return None


def _line(v: BudgetVersion, solutions: dict[int, str]) -> dict[str, Any]:
    from tvaers.budget.budgets import amount_of

    return {
        "year": v.year, "sector_area": v.sector_area, "solution_id": v.solution_id,
        "solution": solutions.get(v.solution_id or 0), "item": v.item or "", "inside": v.inside,
        "amount": amount_of(v), "version": v.version, "source": v.source,
        "changed_by": v.changed_by, "changed_at": v.changed_at.isoformat(), "note": v.note,
    }  # fmt: skip


def _line_text(row: dict[str, Any]) -> str:
    where = row["sector_area"]
    if row["solution"]:
        where += f", løsningen «{row['solution']}»"
    if row["item"]:
        place = {True: " (inden for enheden)", False: " (uden for enheden)"}.get(row["inside"], "")
        where += f", posten «{row['item']}»{place}"
    return (f"{row['year']} {where}: {format_dkk(row['amount'])} — version {row['version']}, "
            f"{'indlæst' if row['source'] == 'import' else 'ændret'} af {row['changed_by']}"
            + (f": {row['note']}" if row["note"] else ""))  # fmt: skip


@budget_app.command("list")
def budget_list(
    year: Annotated[int | None, typer.Option("--year", help="Kun dette år")] = None,
    area: AreaOption = None,
    solution: SolutionOption = None,
    fmt: TextFormatOption = "text",
) -> None:
    """Budgetlinjerne i kraft (områdernes og løsningernes egne), de indlæste taget over først."""
    from tvaers.anchoring.service import all_solutions
    from tvaers.budget import budgets

    chosen, settings = text_or_json(fmt), _settings()
    with _store(settings) as session:
        taken = budgets.synchronised(settings, session)
        solution_id = _solution_id(session, solution) if solution else None
        names = {s.id: s.name for s in all_solutions(session)}
        rows = [_line(v, names) for v in budgets.current(session, year, area, solution_id)]
    if chosen == "json":
        write_json({"lines": rows, "unmatched": list(taken.unmatched)})
        return
    for name in taken.unmatched:
        console.print(f"Budgetlinjen for løsningen «{name}» i de indlæste data svarer ikke til "
                      "en løsning i Tværs og er ikke taget over.")  # fmt: skip
    if not rows:
        console.print("Der er ingen budgetlinjer.")
    for row in rows:
        console.print(_line_text(row))


@budget_app.command("set")
def budget_set(
    year: YearOption,
    area: Annotated[str, typer.Option("--area", help="Sektorområdets kode")],
    amount: Annotated[str, typer.Option("--amount", help="Budgettet i kr., fx 2.500.000,00")],
    solution: SolutionOption = None,
    item: ItemOption = "",
    inside: Annotated[
        bool | None,
        typer.Option(
            "--inside/--outside",
            help="Posten ligger inden for enheden (betales af dens budget) eller uden for",
        ),
    ] = None,
    note: Annotated[str, typer.Option("--note", help="Hvorfor budgettet ændres")] = "",
    user: UserOption = None,
) -> None:
    """Sæt et budget som ny version (samme beløb gemmer intet). Kræver administrator eller
    økonomikonsulent; logges."""
    from tvaers.budget import budgets

    settings = _settings()
    value = parse_amount(amount, "--amount")
    known = _areas(settings)
    with acting(settings, user) as (session, actor):
        budgets.synchronised(settings, session)
        solution_id = _solution_id(session, solution) if solution else None
        change = budgets.set_budget(
            session,
            actor,
            year,
            area,
            value,
            solution_id=solution_id,
            item=item,
            inside=inside,
            note=note,
            known_areas=known,
        )
        number = change.version.version
    if change.saved:
        console.print(f"Budgettet er gemt: {format_dkk(value)} for {area.strip()} i {year} "
                      f"(version {number}).")  # fmt: skip
    else:
        console.print(f"Budgettet er uændret {format_dkk(value)}; intet gemt (version {number}).")


@budget_app.command("history")
def budget_history(
    year: YearOption,
    area: Annotated[str, typer.Option("--area", help="Sektorområdets kode")],
    solution: SolutionOption = None,
    item: ItemOption = "",
    fmt: TextFormatOption = "text",
) -> None:
    """En budgetlinjes versioner, nyeste først: beløb, hvem, hvornår og hvorfor."""
    from tvaers.anchoring.service import all_solutions
    from tvaers.budget import budgets

    chosen, settings = text_or_json(fmt), _settings()
    with _store(settings) as session:
        budgets.synchronised(settings, session)
        solution_id = _solution_id(session, solution) if solution else None
        names = {s.id: s.name for s in all_solutions(session)}
        found = budgets.history(session, year, area.strip(), solution_id, item.strip())
        rows = [_line(v, names) for v in found]
    if chosen == "json":
        write_json({"versions": rows})
        return
    if not rows:
        fail(f"Der er intet budget for {area} i {year}.", "Se budgetterne med: tvaers budget list")
    for row in rows:
        console.print(_line_text(row))


def _area_json(a: AreaYear) -> dict[str, Any]:
    return {
        "sector_area": a.sector_area, "name": a.name, "budget": a.budget,
        "months": list(a.months), "actual_ytd": a.actual_ytd, "budget_ytd": a.budget_ytd,
        "year_end": a.year_end, "deviation": a.deviation, "overspend": a.overspend,
    }  # fmt: skip


def _flags_json(found: Steered) -> list[dict[str, Any]]:
    return [{"sector_area": f.sector_area, "frame": f.frame, "overspend": f.overspend,
             "covers": [{"sector_area": c.sector_area, "amount": c.amount} for c in f.covers],
             "uncovered": f.uncovered} for f in found.flags()]  # fmt: skip


@budget_app.command("actual")
def budget_actual(
    year: YearOption,
    area: AreaOption = None,
    basis: BasisOption = "gross",
    fmt: TextFormatOption = "text",
) -> None:
    """Budget mod regnskab pr. område: år til dato, forventet årsresultat (løbende takt) og
    afvigelse, brutto eller netto af staten, med rammernes flag for merforbrug."""
    from tvaers.budget import area_view

    chosen, settings, wanted = text_or_json(fmt), _settings(), _basis(basis)
    with _store(settings) as session:
        try:
            found = area_view.overview(settings, session, year, wanted)
        except TvaersError as exc:
            die(exc)
    areas = [a for a in found.year.areas if area is None or a.sector_area == area]
    if area is not None and not areas:
        fail(f"Sektorområdet «{area}» har hverken budget eller udgifter i {year}.")
    if chosen == "json":
        covered = found.year.covered
        write_json(
            {
                "year": year,
                "basis": wanted.value,
                "months_with_data": [str(m) for m in covered.months()] if covered else [],
                "areas": [_area_json(a) for a in areas],
                "total": _area_json(found.year.total),
                "flags": _flags_json(found.steered),
            }
        )
        return
    for a in [*areas, *([found.year.total] if area is None else [])]:
        console.print(f"{a.name}: budget {_money(a.budget)}, forbrug til dato "
                      f"{_money(a.actual_ytd)} ({a.covered} mdr.), forventet årsresultat "
                      f"{_money(a.year_end)}, afvigelse {_money(a.deviation)}")  # fmt: skip
    for f in found.steered.flags():
        if area is None or f.sector_area == area:
            console.print(_flag_text(f))


def _flag_text(f: Any) -> str:
    from tvaers.budget.frames import Flag

    flag: Flag = f
    if flag.frame is None:
        return (
            f"{flag.sector_area} ligger uden for rammerne og forventer et merforbrug på "
            f"{format_dkk(flag.overspend)}: det skal dækkes af det samlede budget."
        )
    if not flag.sector_area:
        return (f"Rammen «{flag.frame}» forventer samlet et merforbrug på "
                f"{format_dkk(flag.overspend)}")  # fmt: skip
    covers = ", ".join(f"{c.sector_area} {format_dkk(c.amount)}" for c in flag.covers)
    text = (
        f"{flag.sector_area} forventer et merforbrug på {format_dkk(flag.overspend)}, som "
        f"skal dækkes inden for rammen «{flag.frame}»: "
        + (f"mindreforbrug hos {covers}" if covers else "ingen har mindreforbrug")
    )
    if flag.uncovered:
        text += f" — {format_dkk(flag.uncovered)} kan ikke dækkes inden for rammen"
    return text


# --- frames -----------------------------------------------------------------------------------


@frame_app.command("set")
def frame_set(
    year: YearOption,
    name: Annotated[str, typer.Option("--name", help="Rammens navn")],
    steering: Annotated[str, typer.Option("--steering", help="broad (bred) eller firm (håndfast)")],
    areas: Annotated[
        list[str] | None, typer.Option("--area", help="Et sektorområde i rammen (gentages)")
    ] = None,
    note: Annotated[str, typer.Option("--note", help="Hvorfor")] = "",
    user: UserOption = None,
) -> None:
    """Sæt en budgetramme for året som ny version (uden --area: rammen opløses). Kræver
    administrator eller økonomikonsulent; logges."""
    from tvaers.budget import frames

    settings = _settings()
    known = _areas(settings)
    with acting(settings, user) as (session, actor):
        frame, saved = frames.set_frame(session, actor, year, name, steering, areas or [], note,
                                        known)  # fmt: skip
        number, codes = frame.version, list(frame.areas)
    label = frames.STEERING_LABELS[frames.Steering(frame.steering)].lower()
    if not saved:
        console.print(f"Rammen «{name.strip()}» er uændret; intet gemt (version {number}).")
    elif not codes:
        console.print(f"Rammen «{name.strip()}» for {year} er opløst (version {number}).")
    else:
        console.print(f"Rammen «{name.strip()}» for {year} er gemt: {', '.join(codes)}, "
                      f"{label} (version {number}).")  # fmt: skip


@frame_app.command("list")
def frame_list(
    year: YearOption,
    basis: BasisOption = "gross",
    fmt: TextFormatOption = "text",
) -> None:
    """Årets rammer med styring, områder og deres forventede afvigelse, hvad der kan flyttes
    (brede rammer) og hvor et merforbrug skal dækkes (håndfast rammestyring)."""
    from tvaers.budget import area_view

    chosen, settings, wanted = text_or_json(fmt), _settings(), _basis(basis)
    with _store(settings) as session:
        try:
            found = area_view.overview(settings, session, year, wanted)
        except TvaersError as exc:
            die(exc)
    views = found.steered.frames
    if chosen == "json":
        write_json({"year": year, "basis": wanted.value, "frames": [
            {"name": v.name, "steering": v.steering.value,
             "areas": [{"sector_area": p.sector_area, "budget": p.budget,
                        "expected": p.expected, "deviation": p.deviation} for p in v.positions],
             "movable": [{"sector_area": c.sector_area, "amount": c.amount} for c in v.movable],
             "deviation": v.deviation} for v in views],
            "flags": _flags_json(found.steered)})  # fmt: skip
        return
    if not views:
        console.print(f"Der er ingen budgetrammer for {year}.")
    for v in views:
        console.print(
            f"Rammen «{v.name}» ({v.steering.value}): budget {format_dkk(v.budget)}, "
            f"forventet {format_dkk(v.expected)}, afvigelse {format_dkk(v.deviation)}"
        )
        for c in v.movable:
            console.print(f"  Kan flyttes fra {c.sector_area}: {format_dkk(c.amount)}")
    for f in found.steered.flags():
        console.print(_flag_text(f))
