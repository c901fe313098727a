"""The budget assumptions at ``/budgetforudsaetninger`` (003 §2.1, issue 13): per intervention
type and year the planned full-year persons × average price against the actuals from the data,
gross or net of the state, and the deviation split into a volume and a price effect that sum to
it exactly (table and grouped bars; Excel with the chart native); every version of the year's
assumptions; for ``BUDGET_EDITORS`` the form that sets one (keeping what was typed when it is
refused) and the import of a CSV ``intervention,units,price``. Statistical: the actual figures
come suppressed from :func:`tvaers.budget.assumption_figures.published`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from tvaers.access import Actor
from tvaers.budget import assumption_figures as figures
from tvaers.budget import assumptions as service
from tvaers.budget.assumption_figures import VarianceRow, Variances
from tvaers.budget.model import BudgetError
from tvaers.budget.state import BASIS_LABELS, Basis
from tvaers.core.access import BUDGET_EDITORS
from tvaers.core.errors import NoData
from tvaers.core.publication import Chart, Column, DataTable
from tvaers.core.suppression import TOTAL
from tvaers.draw.reference import YearChoice
from tvaers.web import progress
from tvaers.web.deps import DbSession, Viewer, flash, redirect, render, settings_of
from tvaers.web.forms import form_text, posted
from tvaers.web.tables import NOTE, VERSION_COLUMNS, excel_download, version_cells, wants_excel
from tvaers.web.texts import T

router = APIRouter(prefix="/budgetforudsaetninger")
A = T.assumptions
C = A["columns"]
FILENAME = "budgetforudsaetninger"
MAX_BYTES = 1_000_000
TOTAL_LABEL = "I alt"

VARIANCE_COLUMNS = [
    Column("intervention", C["intervention"]), Column("name", C["name"]),
    Column("citizens", C["citizens"], "int"),
    Column("planned_units", C["planned_units"], "decimal"),
    Column("planned_price", C["planned_price"], "money"), Column("planned", C["planned"], "money"),
    Column("actual_units", C["actual_units"], "decimal"),
    Column("actual_price", C["actual_price"], "money"), Column("actual", C["actual"], "money"),
    Column("variance", C["variance"], "money"), Column("volume", C["volume"], "money"),
    Column("price", C["price"], "money"), NOTE,
]  # fmt: skip
HISTORY_COLUMNS = [
    Column("intervention", C["intervention"]), Column("name", C["name"]),
    Column("basis", C["basis"]), *VERSION_COLUMNS, Column("in_force", C["in_force"], "bool"),
    Column("units", C["units"], "decimal"), Column("price_each", C["price_each"], "money"),
    Column("planned", C["planned"], "money"), Column("note", C["note"]),
]  # fmt: skip


def _row(r: VarianceRow) -> dict[str, Any]:
    total = r.intervention == TOTAL
    return {
        "intervention": TOTAL_LABEL if total else r.intervention, "name": "" if total else r.name,
        "citizens": r.citizens, "planned_units": r.planned_units,
        "planned_price": r.planned_price, "planned": r.planned, "actual_units": r.actual_units,
        "actual_price": r.actual_price, "actual": r.actual, "variance": r.variance,
        "volume": r.volume, "price": r.price, "note": r.note,
    }  # fmt: skip


def effect_chart(found: Variances) -> Chart | None:
    """Grouped bars: each intervention type's volume and price effect (hidden types, and types
    without an assumption — their whole spend is no price effect — left out)."""
    rows = []
    for r in found.rows:  # the intervention types: dozens
        if r.volume is None or r.price is None or (not r.volume and not r.price):
            continue
        if r.planned_units is None or r.planned_price is None:
            continue
        label = f"{r.intervention} {r.name}".strip()
        rows.append(
            {"intervention": label, "effect": A["volume_series"], "amount": float(r.volume)}
        )
        rows.append({"intervention": label, "effect": A["price_series"], "amount": float(r.price)})
    if not rows:
        return None
    return Chart(
        "bar", A["chart_title"], rows, "intervention", "amount", A["intervention_axis"],
        A["amount_kr"], series="effect", series_title=A["effect"],
    )  # fmt: skip


def variance_table(found: Variances) -> DataTable:
    basis = BASIS_LABELS[Basis(found.basis)]
    rows = [_row(r) for r in (*found.rows, found.total)]
    title = f"{A['table']} {found.year} ({basis.lower()})"
    name = f"{FILENAME}-{found.year}-{found.basis}"
    table = DataTable(title, VARIANCE_COLUMNS, rows, name, [A["suppressed_note"],
                      T.suppressed_note])  # fmt: skip
    table.chart = effect_chart(found)
    return table


def history_table(session: Session, year: int, names: dict[str, str]) -> DataTable:
    rows, seen = [], set()
    for v in service.versions(session, year):  # dozens of types, a few versions each
        p = service.planned_of(v)
        rows.append({
            "intervention": v.intervention, "name": names.get(v.intervention, ""),
            "basis": BASIS_LABELS[Basis(v.basis)], **version_cells(v),
            "in_force": (v.intervention, v.basis) not in seen, "units": p.units,
            "price_each": p.price, "planned": p.amount, "note": v.note,
        })  # fmt: skip
        seen.add((v.intervention, v.basis))
    return DataTable(f"{A['versions_table']} {year}", HISTORY_COLUMNS, rows,
                     f"{FILENAME}-{year}-versioner")  # fmt: skip


@dataclass
class Page:
    year: int
    basis: Basis
    choice: YearChoice | None
    figures: Variances | None = None
    reason: str | None = None
    years: list[int] = field(default_factory=list)
    tables: dict[str, DataTable] = field(default_factory=dict)


def _wanted(request: Request, values: dict[str, str] | None) -> tuple[int | None, Basis]:
    source = values or request.query_params
    year_text = str(source.get("year") or "")
    try:
        basis = service.parse_basis(str(source.get("basis") or Basis.GROSS.value))
    except BudgetError:
        basis = Basis.GROSS
    return (int(year_text) if year_text.isdigit() else None), basis


def _figures(
    request: Request, who: Actor, session: Session, year: int, basis: Basis, start: bool
) -> Variances | Response | str:
    """The variances (the waiting page while they are computed; a reason when there are none);
    ``start`` false: only what is cached (a refused form never waits)."""
    settings, sessions = settings_of(request), request.app.state.sessions
    planned = service.planned(session, year, basis)

    def compute() -> Variances:
        return figures.published(settings, sessions, year, basis, planned,
                                 f"budgetforudsætninger {year}", who.username)  # fmt: skip

    try:
        ready = figures.cached_variances(settings, year, basis, planned)
        if ready is None and not start:
            return ""
        key = ("budgetforudsaetninger", year, basis.value, tuple(sorted(
            (c, str(p.units), str(p.price)) for c, p in planned.items())))  # fmt: skip
        return progress.computed(request, who, key, A["title"], compute, ready)
    except NoData:
        return str(A["no_year"].format(year=year))


def _years(
    request: Request, session: Session, wanted: int | None
) -> tuple[int | None, list[int], YearChoice | None]:
    """The year to show, the years to choose from (those with data and those with assumptions:
    a budget may be laid before its year's data arrive) and the data's years."""
    choice = figures.year_choice(settings_of(request), wanted)
    stored = service.years(session)
    years = sorted(set(choice.years if choice else ()) | set(stored))
    if wanted in years:
        return wanted, years, choice
    return (choice.year if choice else (stored[-1] if stored else None)), years, choice


def _page(
    request: Request, who: Actor, session: Session, values: dict[str, str] | None = None,
    error: str | None = None, import_error: str | None = None, status_code: int = 200,
) -> Response:  # fmt: skip
    wanted, basis = _wanted(request, values)
    year, years, choice = _years(request, session, wanted)
    page = Page(year or 0, basis, choice, years=years)
    if choice is None:
        page.reason = A["no_data"]
    elif page.year not in choice.years:
        page.reason = A["no_year"].format(year=page.year)
    else:
        found = _figures(request, who, session, page.year, basis, start=not (error or import_error))
        if isinstance(found, Response):
            return found
        if isinstance(found, str):
            page.reason = found or None
        else:
            page.figures = found
            page.tables["variance"] = variance_table(found)
    names = service.known_interventions(settings_of(request)) or {}
    if page.year:
        page.tables["versions"] = history_table(session, page.year, names)
    if wants_excel(request):
        return excel_download(request, page.tables, "variance" if page.figures else "versions",
                              FILENAME)  # fmt: skip
    typed = values or {"year": str(page.year or ""), "basis": basis.value}
    return render(
        request, "budget/assumptions.html", who, status_code=status_code, page=page,
        values=typed, error=error, import_error=import_error, interventions=names,
        bases=BASIS_LABELS, may_edit=who.role in BUDGET_EDITORS,
    )  # fmt: skip


@router.get("", response_class=HTMLResponse)
def assumptions(request: Request, who: Viewer, session: DbSession) -> Response:
    return _page(request, who, session)


def _back(year: Any, basis: Any) -> str:
    return f"/budgetforudsaetninger?year={year}&basis={basis}"


@router.post("", response_class=HTMLResponse)
async def set_assumption(request: Request, who: Viewer, session: DbSession) -> Response:
    values = posted(await request.form())
    known = service.known_interventions(settings_of(request))
    try:
        saved = service.set_assumption(
            session, who, values.get("year", ""), values.get("intervention", ""),
            values.get("units", ""), values.get("price", ""), values.get("basis", "gross"),
            values.get("note"), known,
        )  # fmt: skip
    except BudgetError as exc:
        session.rollback()
        return _page(request, who, session, values, error=str(exc), status_code=422)
    row = saved.row
    message = A["saved" if saved.changed else "unchanged"]
    flash(request, message.format(code=row.intervention, year=row.year, version=row.version))
    return redirect(_back(row.year, row.basis))


def _decoded(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BudgetError(A["import_unreadable"]) from None


@router.post("/import", response_class=HTMLResponse)
async def import_assumptions(request: Request, who: Viewer, session: DbSession) -> Response:
    form = await request.form()
    values = {k: form_text(form, k) for k in ("year", "basis")}
    upload = form.get("fil")
    try:
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise BudgetError(A["import_missing"])
        content = await upload.read(MAX_BYTES + 1)
        if len(content) > MAX_BYTES:
            raise BudgetError("Filen er over 1 MB.", hint="Del den op, eller fjern tomme linjer.")
        found = service.import_assumptions(
            session, who, values["year"], _decoded(content), values["basis"] or "gross",
            upload.filename[:100], service.known_interventions(settings_of(request)),
        )  # fmt: skip
    except BudgetError as exc:
        session.rollback()
        return _page(request, who, session, values, import_error=str(exc), status_code=422)
    flash(request, A["imported"].format(rows=found.rows, year=values["year"], saved=found.saved,
                                        unchanged=found.unchanged))  # fmt: skip
    return redirect(_back(values["year"], values["basis"] or "gross"))
