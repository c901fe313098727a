"""Budgets per sector area and year in the store (focus point 5, issue 13): each line a history
of versions in ``budget_versions`` (append-only; the newest version is in force).

A line is a sector area's budget for a year, or (``solution_id``) a solution's own budget on
that area, optionally one of its cost items (``item``; Helsingør's items ``inside`` the unit are
paid by the unit's own budget, those outside by the sector areas). Lines come from two places:

* the imported ``budgets`` table of the loaded data (:func:`take_over`): a figure not yet taken
  over, or changed since the last import version of its line, becomes a new version with source
  ``import`` in the name of the user who imported the data; taking the same data over again
  changes nothing, and a user's later change is not overwritten by an unchanged import;
* a ``BUDGET_EDITORS`` user in the app or on the command line (:func:`set_budget`): a new
  version with who, when and a note, audited; the same amount again saves nothing.
"""

from __future__ import annotations

import threading
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from tvaers import access
from tvaers.access import Actor
from tvaers.budget.model import BudgetError
from tvaers.core.access import BUDGET_EDITORS
from tvaers.core.config import Settings
from tvaers.core.cpr import redact
from tvaers.core.errors import CaseworkRefused
from tvaers.core.money import TWO_PLACES, from_ore, to_ore
from tvaers.selection.inputs import MAX_TEXT, free_text
from tvaers.store import audit
from tvaers.store.models import ImportBatch, Solution, User
from tvaers.store.models_budget import BudgetVersion

MAX_AMOUNT = Decimal(100_000_000_000)  # kr.: as the import's limit
ITEM_LENGTH = 200  # a cost item's name: the column's length
FIRST_YEAR, LAST_YEAR = 1990, 2100
IMPORT, USER = "import", "user"
BATCH = "import nr. "  # who took an import over when its importer is no Tværs user

LineKey = tuple[int, str, int | None, str]  # year, sector area, solution, cost item
LOCK = 1_310_013  # the budgets' advisory lock on PostgreSQL (issue 13)


def serialised(session: Session) -> None:
    """One writer of budget versions at a time until the transaction ends (PostgreSQL: an
    advisory lock; SQLite writes one transaction at a time anyway), so two writers never both
    make version N+1 of a line: the second reads the first's version and follows it."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK})


def key_of(v: BudgetVersion) -> LineKey:
    return (v.year, v.sector_area, v.solution_id, v.item or "")


def amount_of(v: BudgetVersion) -> Decimal:
    return from_ore(v.amount_ore)


def is_area_line(v: BudgetVersion) -> bool:
    """The area's own budget (not a solution's line on it)."""
    return v.solution_id is None and not v.item


# --- reading ----------------------------------------------------------------------------------


def versions(
    session: Session,
    year: int | None = None,
    area: str | None = None,
    solution_id: int | None = None,
) -> list[BudgetVersion]:
    """Every version of the lines asked for, oldest first."""
    query = select(BudgetVersion)
    if year is not None:
        query = query.where(BudgetVersion.year == year)
    if area is not None:
        query = query.where(BudgetVersion.sector_area == area)
    if solution_id is not None:
        query = query.where(BudgetVersion.solution_id == solution_id)
    return list(session.scalars(query.order_by(BudgetVersion.version, BudgetVersion.id)))


def newest(found: Iterable[BudgetVersion]) -> list[BudgetVersion]:
    """The version in force of each line (the newest), ordered by year, area, solution, item."""
    latest: dict[LineKey, BudgetVersion] = {}
    for v in found:  # a budget's lines: areas x years x a few items
        current = latest.get(key_of(v))
        if current is None or (v.version, v.id) > (current.version, current.id):
            latest[key_of(v)] = v
    return sorted(latest.values(), key=lambda v: (v.year, v.sector_area, v.solution_id or 0,
                                                  v.item or ""))  # fmt: skip


def current(
    session: Session,
    year: int | None = None,
    area: str | None = None,
    solution_id: int | None = None,
) -> list[BudgetVersion]:
    return newest(versions(session, year, area, solution_id))


def area_budgets(session: Session, year: int) -> dict[str, Decimal]:
    """Each sector area's budget for the year (its own line, in force)."""
    return {v.sector_area: amount_of(v) for v in current(session, year) if is_area_line(v)}


def solution_lines(session: Session, year: int, solution_id: int) -> list[BudgetVersion]:
    """A solution's own budget lines for the year (per area, and its cost items), in force."""
    return current(session, year, solution_id=solution_id)


def history(
    session: Session, year: int, area: str, solution_id: int | None = None, item: str = ""
) -> list[BudgetVersion]:
    """One line's versions, newest first."""
    found = [v for v in versions(session, year, area, solution_id)
             if v.solution_id == solution_id and (v.item or "") == item]  # fmt: skip
    return list(reversed(found))


def years(session: Session) -> list[int]:
    found = session.scalars(select(BudgetVersion.year).distinct())
    return sorted(found)


# --- a user's change --------------------------------------------------------------------------


def checked_amount(amount: Decimal) -> Decimal:
    """A budget: not negative (a correction is a new version), at most 100 mia. kr., in øre."""
    if amount < 0:
        raise BudgetError("Et budget kan ikke være negativt.",
                          hint="Skriv det nye budget som et beløb på 0 kr. eller derover; en "
                          "rettelse gemmes som en ny version.")  # fmt: skip
    if amount > MAX_AMOUNT:  # before the quantize: a 29-digit number cannot be quantized
        raise BudgetError("Beløbet er større end 100 mia. kr.",
                          hint="Skriv et budget på højst 100.000.000.000 kr.")  # fmt: skip
    if amount != amount.quantize(TWO_PLACES):
        raise BudgetError(f"Beløbet {amount} har mere end to decimaler.", hint="Angiv det i øre.")
    return amount.quantize(TWO_PLACES)


def checked_year(year: int) -> int:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise BudgetError(f"Budgetåret {year} ligger ikke mellem {FIRST_YEAR} og {LAST_YEAR}.")
    return year


def checked_area(area: str, known: Mapping[str, str] | None) -> str:
    """The area's code; its Danish name is taken too (``Beskæftigelse`` -> ``employment``)."""
    code = area.strip()
    if not code:
        raise BudgetError("Vælg et sektorområde.")
    if known is not None and code not in known:
        by_name = {name.casefold(): c for c, name in known.items()}
        if code.casefold() in by_name:
            return by_name[code.casefold()]
        names = ", ".join(sorted(known.values()))
        raise BudgetError(f"Sektorområdet «{redact(code)}» findes ikke i de indlæste data.",
                          hint=f"Vælg et af: {names}.")  # fmt: skip
    return code


def checked_note(note: str | None, what: str = "Bemærkningen", limit: int = MAX_TEXT) -> str:
    """Free text the user typed, named as the page names the field (``what``): no CPR number,
    at most ``limit`` characters."""
    text = (note or "").strip()
    if len(text) > limit:
        most = f"{limit:,}".replace(",", ".")
        raise BudgetError(f"{what} har over {most} tegn.", hint=f"Forkort til højst {most} tegn.")
    try:
        return (free_text(text, what) or "").strip()
    except CaseworkRefused as exc:
        raise BudgetError(exc.message, hint=exc.hint) from None


@dataclass(frozen=True)
class Change:
    """What :func:`set_budget` did: the version in force, and whether it is new."""

    version: BudgetVersion
    saved: bool


def set_budget(
    session: Session,
    actor: Actor,
    year: int,
    area: str,
    amount: Decimal,
    *,
    solution_id: int | None = None,
    item: str = "",
    inside: bool | None = None,
    note: str | None = None,
    known_areas: Mapping[str, str] | None = None,
) -> Change:
    """A new version of a budget line by a ``BUDGET_EDITORS`` user, audited; the same amount
    (and placement inside or outside the unit) as the version in force saves nothing. Refused in
    Danish when the year, area, amount, solution or item is not valid."""
    access.require_role(actor, BUDGET_EDITORS, "At ændre budgettet")
    year, code = checked_year(year), checked_area(area, known_areas)
    amount, text = checked_amount(amount), checked_note(note)
    item = checked_note(item, "Udgiftsposten", ITEM_LENGTH)
    if solution_id is not None and session.get(Solution, solution_id) is None:
        raise BudgetError(f"Løsning nr. {solution_id} findes ikke.")
    if item and solution_id is None:
        raise BudgetError("En udgiftspost hører til en løsnings eget budget.",
                          hint="Vælg løsningen, eller lad udgiftsposten stå tom.")  # fmt: skip
    if inside is not None and not item:
        raise BudgetError("Kun en udgiftspost ligger inden for eller uden for enheden.",
                          hint="Skriv udgiftsposten, eller vælg «Ingen post».")  # fmt: skip
    if item and inside is None:
        raise BudgetError(f"Vælg, om udgiftsposten «{item}» ligger inden for eller uden for "
                          "enheden.", hint="Inden for betales af enhedens eget budget; uden for "
                          "af sektorområdet.")  # fmt: skip
    serialised(session)
    line = history(session, year, code, solution_id, item)
    before = line[0] if line else None
    if before is not None and before.amount_ore == to_ore(amount) and before.inside == inside:
        return Change(before, False)
    version = BudgetVersion(
        year=year, sector_area=code, solution_id=solution_id, item=item, inside=inside,
        amount_ore=to_ore(amount), version=(before.version if before else 0) + 1, source=USER,
        changed_by=actor.username, note=text,
    )  # fmt: skip
    session.add(version)
    session.flush()
    access.record(session, actor, "budget_sat", detail={
        "year": year, "sector_area": code, "solution_id": solution_id, "item": item,
        "inside": inside, "amount": str(amount), "version": version.version,
        "before": str(amount_of(before)) if before else None, "note": text,
    })  # fmt: skip
    return Change(version, True)


# --- taking the imported budgets over ---------------------------------------------------------


@dataclass(frozen=True)
class Imported:
    """A row of the loaded ``budgets`` table."""

    year: int
    sector_area: str
    amount: Decimal
    solution: str | None


@dataclass(frozen=True)
class TakeOver:
    """What :func:`take_over` did: new versions, and imported solutions Tværs does not know."""

    added: int
    unmatched: tuple[str, ...]


def _solution_ids(session: Session) -> dict[str, int]:
    found: dict[str, int] = {}
    for s in session.scalars(select(Solution)):  # the municipality's handful of solutions
        found[s.name.strip().casefold()] = s.id
        found[str(s.id)] = s.id
    return found


def _importer(session: Session) -> str:
    """Who imported the loaded data: the newest loaded batch's Tværs user, or ``import nr. N``
    when it was imported by an operating-system account (never shown as who changed a budget)."""
    batch = session.scalars(
        select(ImportBatch).where(ImportBatch.status == "loaded").order_by(ImportBatch.id.desc())
    ).first()
    if batch is None:
        return IMPORT
    return batch.user_name if batch.user_name in usernames(session) else f"{BATCH}{batch.id}"


def usernames(session: Session) -> set[str]:
    """The Tværs users' names (a municipality's few dozen)."""
    return set(session.scalars(select(User.username)))


def changed_by_text(v: BudgetVersion, users: Collection[str]) -> str:
    """Who made the version, as a page shows it: a Tværs user by name; a version taken over from
    an import by anyone else (an operating-system account) as the import, never the account."""
    if v.source != IMPORT or v.changed_by in users:
        return v.changed_by
    number = v.changed_by.removeprefix(BATCH)
    return f"Indlæst fra data (import nr. {number})" if number.isdigit() else "Indlæst fra data"


def take_over(session: Session, rows: Sequence[Imported]) -> TakeOver:
    """The imported budgets as versions (see the module's docstring); one audit entry when
    anything is taken over. Rows of a solution Tværs does not know are left out and named."""
    serialised(session)
    solutions = _solution_ids(session)
    last_import: dict[LineKey, BudgetVersion] = {}
    latest: dict[LineKey, int] = {}
    for v in versions(session):  # the budget's lines
        key = key_of(v)
        latest[key] = max(latest.get(key, 0), v.version)
        if v.source == IMPORT:
            last_import[key] = v
    who, added, unmatched, taken = _importer(session), 0, set(), []
    for row in rows:  # the imported table: areas x years
        solution_id = None
        if row.solution:
            solution_id = solutions.get(row.solution.strip().casefold())
            if solution_id is None:
                unmatched.add(row.solution.strip())
                continue
        key = (row.year, row.sector_area, solution_id, "")
        before = last_import.get(key)
        if before is not None and before.amount_ore == to_ore(row.amount):
            continue
        version = BudgetVersion(
            year=row.year, sector_area=row.sector_area, solution_id=solution_id, item="",
            amount_ore=to_ore(row.amount), version=latest.get(key, 0) + 1, source=IMPORT,
            changed_by=who, note="Fra de indlæste data (budgets)",
        )  # fmt: skip
        session.add(version)
        latest[key], last_import[key] = version.version, version
        added += 1
        taken.append([row.year, row.sector_area, solution_id, str(row.amount)])
    if added:
        session.flush()
        audit.record(session, who, "budget_indlaest", detail={"lines": taken})
    return TakeOver(added, tuple(sorted(unmatched)))


_SYNCED: set[tuple[str, str, tuple[str, ...]]] = set()
_SYNC_LOCK = threading.Lock()


def synchronised(settings: Settings, session: Session) -> TakeOver:
    """:func:`take_over` of the loaded data's ``budgets`` (once per loaded data, store and set
    of solutions in the process); committed. Nothing loaded: nothing taken over."""
    from tvaers.budget.actuals import imported_budgets
    from tvaers.core.errors import NoData
    from tvaers.draw.session import opened

    try:
        with opened(settings) as analysis:
            loaded = analysis.loaded
            names = tuple(sorted(_solution_ids(session)))
            mark = (settings.store_url, loaded or "", names)
            with _SYNC_LOCK:
                if loaded is not None and mark in _SYNCED:
                    return TakeOver(0, ())
            rows = imported_budgets(analysis)
    except NoData:
        return TakeOver(0, ())
    with _SYNC_LOCK:  # one taking over at a time in the process
        found = take_over(session, rows)
        session.commit()
        if loaded is not None and not found.unmatched:
            _SYNCED.add(mark)
    return found
