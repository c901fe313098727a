"""Budget assumptions per intervention type (003 §2.1): planned full-year persons × planned
average price per full-year person, for a year and a basis (gross, or net of the state's
refunds), kept as a history of versions in the store (``budget_assumptions``); set and imported
by ``BUDGET_EDITORS``, each change one audit entry naming the real user.

The actuals and the volume/price variance from the data are in
:mod:`tvaers.budget.assumption_figures`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tvaers import access
from tvaers.access import Actor
from tvaers.budget.budgets import checked_note
from tvaers.budget.model import BudgetError
from tvaers.budget.state import Basis
from tvaers.core.access import BUDGET_EDITORS
from tvaers.core.config import Settings
from tvaers.core.cpr import redact
from tvaers.selection.builder import parse_danish_number
from tvaers.store.models_budget import BudgetAssumption

E4 = Decimal(10_000)
ORE = Decimal(100)
MAX_UNITS = Decimal(1_000_000)  # full-year persons of one intervention type: far above any town
MAX_PRICE = Decimal(100_000_000_000)  # kr. per full-year person: as the import's limit
FIRST_YEAR, LAST_YEAR = 1990, 2100
ACTION = "budgetforudsaetning_sat"
IMPORT_ACTION = "budgetforudsaetninger_importeret"
MAX_ROWS = 5_000
HEADER = ("intervention", "units", "price")
HEADER_ALIASES = {
    "intervention": ("intervention", "indsats", "indsatskode"),
    "units": ("units", "helaarspersoner", "helårspersoner", "antal"),
    "price": ("price", "pris", "gennemsnitspris"),
}


@dataclass(frozen=True)
class Planned:
    """An assumption as numbers: full-year persons and the average price per full-year person
    in kroner (exact: ten-thousandths and øre)."""

    units: Decimal
    price: Decimal

    @property
    def amount(self) -> Decimal:
        """Planned spend, rounded half to even to the øre (as :func:`model.variance`)."""
        from tvaers.core.money import round_to_ore

        return round_to_ore(self.units * self.price)


def planned_of(row: BudgetAssumption) -> Planned:
    units = (Decimal(row.units_e4) / E4).quantize(Decimal("0.0001"))
    return Planned(units, (Decimal(row.price_ore) / ORE).quantize(Decimal("0.01")))


# --- reading what the user typed ----------------------------------------------------------------


def parse_basis(text: str | Basis) -> Basis:
    try:
        return Basis(str(text).strip().lower())
    except ValueError:
        raise BudgetError(
            f"Grundlaget «{text}» findes ikke.", hint="Vælg gross (brutto) eller net (netto)."
        ) from None


def parse_year(value: str | int) -> int:
    text = str(value).strip()
    if not text.isdigit() or not FIRST_YEAR <= int(text) <= LAST_YEAR:
        raise BudgetError(
            f"Året «{text}» er ikke et år.", hint=f"Skriv et år mellem {FIRST_YEAR} og {LAST_YEAR}."
        )
    return int(text)


def _number(text: str | Decimal, what: str, example: str) -> Decimal:
    number = text if isinstance(text, Decimal) else parse_danish_number(str(text).strip())
    if number is None or not number.is_finite():
        raise BudgetError(
            f"{what}: «{text}» er ikke et tal.", hint=f"Skriv fx {example} (dansk eller 1234.5)."
        )
    if number < 0:
        raise BudgetError(f"{what} kan ikke være negativ ({text}).", hint="Skriv 0 eller derover.")
    return number


def parse_units(text: str | Decimal, what: str = "Helårspersoner") -> Decimal:
    """Full-year persons, Danish ``12,5`` or international ``12.5``; at most four decimals."""
    number = _number(text, what, "12,5")
    if number > MAX_UNITS:  # before the quantize: a 29-digit number cannot be quantized
        raise BudgetError(f"{what}: «{text}» er over 1.000.000 helårspersoner.",
                          hint="Skriv et antal helårspersoner på højst 1.000.000.")  # fmt: skip
    if number != number.quantize(Decimal("0.0001")):
        raise BudgetError(
            f"{what}: «{text}» har mere end fire decimaler.", hint="Skriv fx 12,2500."
        )
    return number.quantize(Decimal("0.0001"))


def parse_price(text: str | Decimal, what: str = "Gennemsnitsprisen") -> Decimal:
    """A price in kroner per full-year person, Danish ``1.234,56`` or international ``1234.56``;
    exact to the øre."""
    number = _number(text, what, "412.500,00")
    if number > MAX_PRICE:  # before the quantize: a 29-digit number cannot be quantized
        raise BudgetError(f"{what}: «{text}» er over 100 mia. kr.",
                          hint="Skriv en pris på højst 100.000.000.000 kr.")  # fmt: skip
    if number != number.quantize(Decimal("0.01")):
        raise BudgetError(f"{what}: «{text}» har mere end to decimaler.", hint="Angiv beløb i øre.")
    return number.quantize(Decimal("0.01"))


def _code(text: str, known: Mapping[str, str] | None) -> str:
    code = (text or "").strip()
    if not code or len(code) > 40:
        raise BudgetError(
            "Angiv indsatsens kode (højst 40 tegn).", hint="Koden står i indsatskataloget."
        )
    if known is not None and code not in known:
        raise BudgetError(
            f"Indsatsen «{redact(code)}» findes ikke i de indlæste data.",
            hint="Brug en kode fra indsatskataloget (interventions).",
        )
    return code


def _note(value: str | None) -> str:
    return checked_note(value, "Bemærkningen")


# --- the store ----------------------------------------------------------------------------------


def versions(session: Session, year: int, basis: Basis | None = None) -> list[BudgetAssumption]:
    """Every version of the year's assumptions (newest first per intervention)."""
    query = select(BudgetAssumption).where(BudgetAssumption.year == year)
    if basis is not None:
        query = query.where(BudgetAssumption.basis == basis.value)
    order = (BudgetAssumption.intervention, BudgetAssumption.basis, BudgetAssumption.version.desc())
    return list(session.scalars(query.order_by(*order)))


def years(session: Session) -> list[int]:
    """The years that have assumptions, oldest first."""
    query = select(BudgetAssumption.year).distinct().order_by(BudgetAssumption.year)
    return list(session.scalars(query))


def current(session: Session, year: int, basis: Basis) -> dict[str, BudgetAssumption]:
    """The assumptions in force for the year and basis: the newest version per intervention."""
    found: dict[str, BudgetAssumption] = {}
    for row in versions(session, year, basis):
        found.setdefault(row.intervention, row)
    return found


def planned(session: Session, year: int, basis: Basis) -> dict[str, Planned]:
    return {code: planned_of(row) for code, row in current(session, year, basis).items()}


def _next_version(session: Session, year: int, code: str, basis: Basis) -> int:
    newest = session.scalar(
        select(func.max(BudgetAssumption.version)).where(
            BudgetAssumption.year == year,
            BudgetAssumption.intervention == code,
            BudgetAssumption.basis == basis.value,
        )
    )
    return (newest or 0) + 1


@dataclass(frozen=True)
class Saved:
    row: BudgetAssumption
    changed: bool  # False: the same as the version in force, nothing saved


def _save(
    session: Session, actor: Actor, year: int, code: str, planned_: Planned, basis: Basis,
    note: str,
) -> Saved:  # fmt: skip
    before = current(session, year, basis).get(code)
    units_e4, price_ore = int(planned_.units * E4), int(planned_.price * ORE)
    if before is not None and (before.units_e4, before.price_ore) == (units_e4, price_ore):
        return Saved(before, False)
    row = BudgetAssumption(
        year=year, intervention=code, basis=basis.value, units_e4=units_e4, price_ore=price_ore,
        version=_next_version(session, year, code, basis), changed_by=actor.username, note=note,
    )  # fmt: skip
    session.add(row)
    try:
        session.flush()
    except IntegrityError:  # the same version saved by someone else a moment before
        raise BudgetError(
            f"Budgetforudsætningen for {code} i {year} blev ændret af en anden samtidig; intet "
            "er gemt.",
            hint="Se den nye version, og gem igen, hvis dine tal stadig skal gælde.",
        ) from None
    return Saved(row, True)


def _detail(year: int, code: str, basis: Basis, saved: Saved, before: Planned | None) -> dict:  # type: ignore[type-arg]
    return {
        "year": year, "intervention": code, "basis": basis.value, "version": saved.row.version,
        "units": str(planned_of(saved.row).units), "price": str(planned_of(saved.row).price),
        "before": None if before is None else {"units": str(before.units),
                                                "price": str(before.price)},
    }  # fmt: skip


def set_assumption(
    session: Session,
    actor: Actor,
    year: int | str,
    intervention: str,
    units: str | Decimal,
    price: str | Decimal,
    basis: str | Basis = Basis.GROSS,
    note: str | None = None,
    known: Mapping[str, str] | None = None,
) -> Saved:
    """Set the year's assumption for an intervention type (a new version; the same figures as
    the version in force save nothing). ``known``: the loaded interventions (code -> name), to
    refuse a code the data do not know."""
    access.require_role(actor, BUDGET_EDITORS, "At sætte budgetforudsætninger")
    chosen, year_ = parse_basis(basis), parse_year(year)
    code = _code(intervention, known)
    wanted = Planned(parse_units(units), parse_price(price))
    old = current(session, year_, chosen).get(code)
    saved = _save(session, actor, year_, code, wanted, chosen, _note(note))
    if saved.changed:
        before = None if old is None else planned_of(old)
        access.record(session, actor, ACTION, detail=_detail(year_, code, chosen, saved, before))
    return saved


# --- import from CSV ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Imported:
    saved: int
    unchanged: int
    rows: int


def _columns(header: list[str]) -> dict[str, int]:
    folded = [h.strip().lstrip("\ufeff").lower() for h in header]
    found: dict[str, int] = {}
    for name, aliases in HEADER_ALIASES.items():
        for i, h in enumerate(folded):
            if h in aliases:
                found[name] = i
                break
    missing = [n for n in HEADER if n not in found]
    if missing:
        raise BudgetError(
            f"Filen mangler kolonnen {', '.join(missing)} i første linje.",
            hint="Første linje skal være: intervention,units,price (eller med semikolon).",
        )
    return found


def read_csv(text: str, known: Mapping[str, str] | None = None) -> dict[str, Planned]:
    """The rows of a CSV ``intervention,units,price`` (``;`` separates too, then the numbers may
    be Danish with a decimal comma), every row checked; refused in Danish naming the line and
    the column, nothing read when one row is wrong."""
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        raise BudgetError("Filen er tom.", hint="Første linje skal være: intervention,units,price")
    delimiter = ";" if lines[0].count(";") >= 2 else ","
    table = list(csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter))
    where = _columns(table[0])
    if len(table) - 1 > MAX_ROWS:
        raise BudgetError(f"Filen har over {MAX_ROWS} rækker.")
    found: dict[str, Planned] = {}
    for number, cells in enumerate(table[1:], start=2):
        if len(cells) < len(table[0]):
            raise BudgetError(f"Linje {number} har for få kolonner.", hint=_quote_hint(delimiter))
        try:
            code = _code(cells[where["intervention"]], known)
            units = parse_units(cells[where["units"]], "units")
            price = parse_price(cells[where["price"]], "price")
        except BudgetError as exc:  # a CPR-like value typed by mistake is not echoed back
            raise BudgetError(f"Linje {number}: {redact(exc.message)}", hint=exc.hint) from None
        if code in found:
            raise BudgetError(f"Linje {number}: indsatsen «{redact(code)}» står to gange i filen.")
        found[code] = Planned(units, price)
    if not found:
        raise BudgetError("Filen har ingen rækker under overskriften.")
    return found


def _quote_hint(delimiter: str) -> str:
    if delimiter == ",":
        return "Sæt danske tal med komma i anførselstegn, eller adskil kolonnerne med semikolon."
    return "Hver linje skal have indsats, helårspersoner og pris."


def import_assumptions(
    session: Session,
    actor: Actor,
    year: int | str,
    text: str,
    basis: str | Basis = Basis.GROSS,
    source: str = "",
    known: Mapping[str, str] | None = None,
) -> Imported:
    """All rows of the CSV as the year's assumptions, or none (a row that is wrong refuses the
    whole file); one audit entry for the import."""
    access.require_role(actor, BUDGET_EDITORS, "At importere budgetforudsætninger")
    chosen, year_ = parse_basis(basis), parse_year(year)
    found = read_csv(text, known)
    saved = unchanged = 0
    for code, wanted in found.items():  # the municipality's intervention types: dozens
        result = _save(session, actor, year_, code, wanted, chosen, f"import {source}".strip())
        saved, unchanged = saved + result.changed, unchanged + (not result.changed)
    access.record(
        session, actor, IMPORT_ACTION,
        detail={"year": year_, "basis": chosen.value, "source": source[:200], "rows": len(found),
                "saved": saved, "unchanged": unchanged},
    )  # fmt: skip
    return Imported(saved, unchanged, len(found))


def known_interventions(settings: Settings) -> dict[str, str] | None:
    """The loaded intervention catalogue (code -> name); ``None`` when nothing is loaded (then
    any code is taken: the assumptions may be laid before the data arrive)."""
    from tvaers.principles import catalogue

    found = catalogue.loaded(settings).interventions
    return {code: facts.name for code, facts in found.items()} or None
