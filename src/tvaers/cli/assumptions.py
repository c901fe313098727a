"""Budget assumptions and the volume/price variance from the command line (``tvaers variance``,
``tvaers assumption set|list|import``), thin over :mod:`tvaers.budget.assumptions` and
:mod:`tvaers.budget.assumption_figures`.

``tvaers variance`` with the four figures is a pure rule and needs no user; with ``--year`` it
computes every intervention type's variance from the data (statistical: small cells hidden, the
sets shown remembered as the web's). ``set`` and ``import`` act as a real user (``--user``) and
are logged. Numbers may be Danish (``1.234,56``) or international (``1234.56``); JSON numbers
are exact.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from tvaers.cli import _settings, app, console
from tvaers.cli.acting import UserOption, acting, store
from tvaers.cli.draw import _emit, checked_format
from tvaers.cli.options import FormatOption, OutOption
from tvaers.cli.principles import TextFormatOption, die, fail, table_of, text_or_json
from tvaers.core.errors import TvaersError
from tvaers.core.money import format_dkk

if TYPE_CHECKING:
    from tvaers.budget.assumption_figures import VarianceRow, Variances

assumption_app = typer.Typer(
    help="Budgetforudsætninger: planlagte helårspersoner og gennemsnitspris pr. indsatstype.",
    no_args_is_help=True,
)
app.add_typer(assumption_app, name="assumption")

YearOption = Annotated[int, typer.Option("--year", help="Budgetåret")]
BasisChoice = Annotated[
    str, typer.Option("--basis", help="gross (brutto, standard) eller net (netto af staten)")
]
Figure = Annotated[str | None, typer.Option(help="Tal, dansk (1.234,56) eller 1234.56")]


def _checked(call: Any, *args: Any) -> Any:
    try:
        return call(*args)
    except TvaersError as exc:
        die(exc)


def write_json(value: Any) -> None:
    """One JSON document on standard output, every Decimal as an exact JSON number (its own
    digits, not a float's: a variance of 10^17 kr. keeps its øre)."""
    import json
    import re
    import sys
    from datetime import date

    def encode(item: Any) -> Any:
        if isinstance(item, Decimal):
            return f"{EXACT}{item}"
        if isinstance(item, date):
            return item.isoformat()
        raise TypeError(f"{type(item).__name__} kan ikke skrives som JSON")

    text = json.dumps(value, default=encode, ensure_ascii=False, indent=1)
    sys.stdout.write(re.sub(f'"{EXACT}(-?[0-9]+(?:\\.[0-9]+)?)"', r"\1", text) + "\n")


EXACT = "__exact_number__:"


def _number_text(value: Decimal | None, places: int = 2) -> str:
    if value is None:
        return "—"
    text = f"{value:,.{places}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


# --- tvaers variance ----------------------------------------------------------------------------


@app.command("variance")
def variance(
    planned_units: Annotated[
        str | None, typer.Option("--planned-units", help="Planlagte helårspersoner (Qb)")
    ] = None,
    planned_price: Annotated[
        str | None, typer.Option("--planned-price", help="Planlagt gennemsnitspris i kr. (Pb)")
    ] = None,
    actual_units: Annotated[
        str | None, typer.Option("--actual-units", help="Faktiske helårspersoner (Qa)")
    ] = None,
    actual_price: Annotated[
        str | None, typer.Option("--actual-price", help="Faktisk gennemsnitspris i kr. (Pa)")
    ] = None,
    year: Annotated[
        int | None, typer.Option("--year", help="Beregn pr. indsatstype fra data for året")
    ] = None,
    intervention: Annotated[
        str | None, typer.Option("--intervention", help="Kun denne indsatskode (med --year)")
    ] = None,
    basis: BasisChoice = "gross",
    fmt: TextFormatOption = "text",
    user: UserOption = None,
) -> None:
    """Afvigelsen fra budgetforudsætningen delt i en mængdeeffekt (Qa − Qb) × Pb og en
    priseffekt (Pa − Pb) × Qa, der tilsammen giver afvigelsen præcist på øren. Med de fire tal
    en ren regel (kræver ingen bruger); med --year fra data pr. indsatstype (statistisk: små
    celler skjules)."""
    chosen = text_or_json(fmt)
    figures = (planned_units, planned_price, actual_units, actual_price)
    if year is not None:
        if any(f is not None for f in figures):
            fail("Angiv enten de fire tal eller --year, ikke begge.")
        _variance_from_data(year, intervention, basis, chosen, user)
        return
    if intervention is not None:
        fail("--intervention hører til --year.", "Angiv --year ÅR for at regne fra data.")
    if any(f is None for f in figures):
        fail(
            "Angiv alle fire tal: --planned-units, --planned-price, --actual-units og "
            "--actual-price (eller --year ÅR for at regne fra data)."
        )
    _pure_variance(planned_units or "", planned_price or "", actual_units or "", actual_price or "",
                   chosen)  # fmt: skip


def _pure_variance(qb: str, pb: str, qa: str, pa: str, chosen: str) -> None:
    from tvaers.budget import model
    from tvaers.budget.assumptions import parse_price, parse_units

    found = _checked(
        lambda: model.variance(
            parse_units(qb, "--planned-units"), parse_price(pb, "--planned-price"),
            parse_units(qa, "--actual-units"), parse_price(pa, "--actual-price"),
        )
    )  # fmt: skip
    if chosen == "json":
        write_json({"variance": found.variance, "volume": found.volume, "price": found.price})
        return
    console.print(
        f"Planlagt {format_dkk(found.planned)}, faktisk {format_dkk(found.actual)}: afvigelsen "
        f"er {format_dkk(found.variance)}, heraf mængdeeffekt {format_dkk(found.volume)} og "
        f"priseffekt {format_dkk(found.price)}"
    )


ROW_KEYS = ("intervention", "name", "planned_units", "planned_price", "actual_units",
            "actual_price", "variance", "volume", "price")  # fmt: skip


def _json_row(row: VarianceRow) -> dict[str, Any]:
    return {
        **{key: getattr(row, key) for key in ROW_KEYS},
        "citizens": row.citizens, "planned": row.planned, "actual": row.actual, "note": row.note,
    }  # fmt: skip


def _variance_from_data(
    year: int, intervention: str | None, basis: str, chosen: str, user: str | None
) -> None:
    from tvaers.budget import assumption_figures as af
    from tvaers.budget import assumptions as service

    settings = _settings()
    wanted = _checked(service.parse_basis, basis)
    with store(settings) as session:
        planned = service.planned(session, year, wanted)
    found: Variances = _checked(
        lambda: af.published(settings, lambda: store(settings), year, wanted, planned,
                             f"tvaers variance --year {year}", user)
    )  # fmt: skip
    rows = [r for r in found.rows if intervention is None or r.intervention == intervention]
    if intervention is not None and not rows:
        fail(f"Indsatsen «{intervention}» har hverken budgetforudsætning eller data i {year}.")
    if chosen == "json":
        write_json({
            "year": year, "basis": found.basis, "first_day": found.window.first_day,
            "last_day": found.window.last_day, "rows": [_json_row(r) for r in rows],
            **({} if intervention else {"total": _json_row(found.total)}),
        })  # fmt: skip
        return
    _print_variances(found, rows, intervention is None)


def _print_variances(found: Variances, rows: list[VarianceRow], with_total: bool) -> None:
    """One paragraph per type (and the total): a wide table would cut the figures in a
    terminal of 80 columns; sentences wrap between words, never inside a number."""
    from tvaers.budget.state import BASIS_LABELS, Basis

    basis = BASIS_LABELS[Basis(found.basis)].lower()
    console.print(f"Budgetforudsætninger {found.year}, {basis} ({found.window.danish()}):")
    for r in [*rows, *([found.total] if with_total else [])]:
        console.print()
        console.print(_sentence(r))


def _kr(value: Decimal | None) -> str:
    return "—" if value is None else format_dkk(value)


def _sentence(r: VarianceRow) -> str:
    from tvaers.budget.assumption_figures import NO_ASSUMPTION
    from tvaers.core.suppression import TOTAL

    name = "I alt" if r.intervention == TOTAL else f"{r.intervention} {r.name}".strip()
    parts = [
        "ingen budgetforudsætning"
        if r.planned is None
        else f"planlagt {_number_text(r.planned_units, 4)} helårspersoner"
        + (f" à {_kr(r.planned_price)}" if r.planned_price is not None else "")
        + f" = {_kr(r.planned)}"
    ]
    if r.actual is None:
        parts.append("faktisk skjult")
    else:
        price = f" à {_kr(r.actual_price)}" if r.actual_price is not None else ""
        parts.append(f"faktisk {_number_text(r.actual_units, 4)} helårspersoner{price} = "
                     f"{_kr(r.actual)}")  # fmt: skip
        effects = ""
        if r.volume is not None and r.price is not None:
            effects = f" (mængdeeffekt {_kr(r.volume)}, priseffekt {_kr(r.price)})"
        parts.append(f"afvigelse {_kr(r.variance)}{effects}")
    if r.note and r.note != NO_ASSUMPTION:
        parts.append(r.note)
    text = f"{name}: " + "; ".join(parts)
    return text if text.endswith(".") else text + "."


# --- tvaers assumption --------------------------------------------------------------------------


@assumption_app.command("set")
def assumption_set(
    year: YearOption,
    intervention: Annotated[str, typer.Option("--intervention", help="Indsatsens kode")],
    units: Annotated[str, typer.Option("--units", help="Planlagte helårspersoner, fx 12,5")],
    price: Annotated[
        str, typer.Option("--price", help="Planlagt gennemsnitspris pr. helårsperson i kr.")
    ],
    basis: BasisChoice = "gross",
    note: Annotated[str | None, typer.Option("--note", help="Bemærkning")] = None,
    user: UserOption = None,
) -> None:
    """Sæt årets budgetforudsætning for en indsatstype (en ny version; de samme tal gemmer
    intet). Kræver administrator eller økonomikonsulent; logges."""
    from tvaers.budget import assumptions as service

    settings = _settings()
    known = service.known_interventions(settings)
    with acting(settings, user) as (session, actor):
        saved = service.set_assumption(
            session, actor, year, intervention, units, price, basis, note, known
        )
        number, changed = saved.row.version, saved.changed
        shown = service.planned_of(saved.row)
    code = intervention.strip()
    if not changed:
        console.print(f"Budgetforudsætningen for {code} i {year} er uændret (version {number}).")
        return
    console.print(
        f"Budgetforudsætningen for {code} i {year} er gemt som version {number}: "
        f"{_number_text(shown.units, 4)} helårspersoner à {format_dkk(shown.price)}"  # ends «kr.»
    )


LIST_LABELS = {
    "year": "år", "intervention": "indsats", "name": "navn", "basis": "grundlag",
    "version": "version", "in_force": "gældende", "units": "helårspersoner",
    "price": "gennemsnitspris", "planned": "planlagt udgift", "changed_by": "ændret af",
    "changed_at": "tidspunkt", "note": "bemærkning",
}  # fmt: skip


@assumption_app.command("list")
def assumption_list(
    year: YearOption,
    basis: Annotated[
        str | None, typer.Option("--basis", help="Kun gross eller net (standard: begge)")
    ] = None,
    fmt: FormatOption = None,
    out: OutOption = None,
) -> None:
    """Årets budgetforudsætninger med alle versioner (den gældende først). Ingen oplysninger om
    borgere: kræver ingen bruger."""
    from tvaers.budget import assumptions as service

    settings = _settings()
    chosen = checked_format(fmt, out)
    wanted = None if basis is None else _checked(service.parse_basis, basis)
    names = service.known_interventions(settings) or {}
    rows: list[dict[str, Any]] = []
    with store(settings) as session:
        seen: set[tuple[str, str]] = set()
        for v in service.versions(session, year, wanted):  # dozens of types, a few versions
            p = service.planned_of(v)
            rows.append({
                "year": v.year, "intervention": v.intervention,
                "name": names.get(v.intervention, ""), "basis": v.basis, "version": v.version,
                "in_force": (v.intervention, v.basis) not in seen, "units": p.units,
                "price": p.price, "planned": p.amount, "changed_by": v.changed_by,
                "changed_at": v.changed_at, "note": v.note,
            })  # fmt: skip
            seen.add((v.intervention, v.basis))
    title = f"Budgetforudsætninger {year}"
    _emit([table_of("assumptions", rows, title, LIST_LABELS)], chosen, out)


@assumption_app.command("import")
def assumption_import(
    file: Annotated[Path, typer.Argument(help="CSV med kolonnerne intervention,units,price")],
    year: YearOption,
    basis: BasisChoice = "gross",
    user: UserOption = None,
) -> None:
    """Importér årets budgetforudsætninger fra en CSV-fil (intervention,units,price; komma
    eller semikolon; danske eller internationale tal). Alt eller intet: en forkert række afviser
    hele filen. Kræver administrator eller økonomikonsulent; logges."""
    from tvaers.budget import assumptions as service

    try:
        text = file.read_text("utf-8-sig")
    except FileNotFoundError:
        fail(f"Filen {file} findes ikke.")
    except (OSError, UnicodeDecodeError) as exc:
        fail(f"Filen {file} kan ikke læses: {exc}.", "Gem filen som UTF-8.")
    settings = _settings()
    known = service.known_interventions(settings)
    with acting(settings, user) as (session, actor):
        found = service.import_assumptions(session, actor, year, text, basis, file.name, known)
    console.print(
        f"{found.rows} budgetforudsætninger for {year} er læst fra {file.name}: {found.saved} "
        f"gemt som ny version, {found.unchanged} uændrede."
    )
