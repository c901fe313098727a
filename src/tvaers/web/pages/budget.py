"""The budget pages of focus point 5 (issue 13): ``/budget`` (every area's budget against the
actual to date and the run-rate year end, gross or net of the state, the frames' flags; the form
that changes a budget, for ``BUDGET_EDITORS``) and ``/budget/rammer`` (the year's frames, what
may be moved within a broad frame and where a firm frame's overspend must be covered; the form
that sets a frame). An area chief finds a link to their own area's view first. The figures come
from :mod:`tvaers.budget.area_view`; every table is also a sheet of the page's workbook."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from tvaers.access import Actor
from tvaers.anchoring.service import all_solutions
from tvaers.budget import area_view, budgets, frames
from tvaers.budget.actuals import AreaYear, BudgetYear
from tvaers.budget.area_view import Overview
from tvaers.budget.frames import Flag
from tvaers.budget.model import BudgetError
from tvaers.budget.state import Basis
from tvaers.core.access import BUDGET_EDITORS
from tvaers.core.errors import NoData
from tvaers.core.money import format_dkk, kroner
from tvaers.core.periods import today
from tvaers.core.publication import Chart, Column, DataTable
from tvaers.draw import charts
from tvaers.store.models import User
from tvaers.web.deps import DbSession, Viewer, flash, redirect, render, settings_of
from tvaers.web.forms import posted
from tvaers.web.tables import excel_download, wants_excel
from tvaers.web.texts import T

router = APIRouter(prefix="/budget")
B = T.budget
C = B["columns"]


# --- choices ----------------------------------------------------------------------------------


def chosen_basis(request: Request) -> Basis:
    text = request.query_params.get("grundlag", "")
    return Basis.NET if text == Basis.NET.value else Basis.GROSS


def a_year(text: object) -> int | None:
    """The year typed or chosen, when it is a budget year (else ``None``)."""
    text = str(text or "").strip()
    if text.isdigit() and len(text) == 4 and budgets.FIRST_YEAR <= int(text) <= budgets.LAST_YEAR:
        return int(text)
    return None


def chosen_year(request: Request, session: Session, values: dict[str, Any] | None = None) -> int:
    """The year of the refused form (when it is a year), ``?aar=`` or the newest year with a
    budget (this year when none)."""
    found = a_year((values or {}).get("year")) or a_year(request.query_params.get("aar", ""))
    if found is not None:
        return found
    known = budgets.years(session)
    return known[-1] if known else today().year


def year_choices(session: Session, year: int) -> list[int]:
    return sorted({*budgets.years(session), year, today().year})


def own_area(session: Session, who: Actor) -> str | None:
    """The signed-in area chief's sector area (``None`` for everyone else)."""
    user = session.get(User, who.user_id)
    return user.sector_area if user is not None and who.role == "area_chief" else None


# --- tables -----------------------------------------------------------------------------------


def _money(key: str) -> Column:
    return Column(key, C[key], "money")


AREA_COLUMNS = [
    Column("name", C["name"]), Column("holder", C["holder"]), _money("budget"),
    _money("budget_ytd"), _money("actual_ytd"), Column("used", C["used"], "share"),
    _money("year_end"), _money("deviation"), Column("status", C["status"]),
]  # fmt: skip


def status_of(a: AreaYear, flag: Flag | None) -> str:
    if a.deviation is None:
        return ""
    if flag is not None and flag.sector_area == a.sector_area:
        if flag.frame is None:
            return str(B["status_whole"])
        return str(B["status_frame"].format(frame=flag.frame))
    return str(B["over"] if a.overspend else B["under"])


def area_row(a: AreaYear, flag: Flag | None = None, href: str = "") -> dict[str, Any]:
    return {
        "name": a.name, "holder": a.budget_holder, "budget": a.budget,
        "budget_ytd": a.budget_ytd, "actual_ytd": a.actual_ytd, "used": a.used_share,
        "year_end": a.year_end, "deviation": a.deviation, "status": status_of(a, flag),
        "href": href,
    }  # fmt: skip


def monthly_chart(areas: list[AreaYear], year: int) -> Chart | None:
    """Per area the actual per month, its budget per month as the dashed level."""
    rows = [
        {"name": a.name, "month": f"{year}-{m:02d}", "value": float(v),
         "reference": float(a.budget / 12) if a.budget is not None else None}
        for a in areas
        for m, v in enumerate(a.months, start=1)
        if v is not None
    ]  # fmt: skip
    return charts.monthly_lines(rows, B["chart"], B["chart_value"])


def months_table(areas: list[AreaYear], year: int, name: str) -> DataTable:
    rows = [
        {"name": a.name, "month": f"{year}-{m:02d}", "actual": v,
         "monthly_budget": (a.budget / 12).quantize(Decimal("0.01"))
         if a.budget is not None else None}
        for a in areas
        for m, v in enumerate(a.months, start=1)
        if v is not None
    ]  # fmt: skip
    columns = [Column("name", C["name"]), Column("month", C["month"], "month"),
               _money("actual"), _money("monthly_budget")]  # fmt: skip
    table = DataTable(B["months_table"], columns, rows, name, [B["accounts_note"]])
    table.chart = monthly_chart(areas, year)
    return table


def flag_text(flag: Flag, names: dict[str, str]) -> str:
    def name(code: str) -> str:
        return names.get(code, code)

    if flag.frame is None:
        return str(B["flag_outside"].format(area=name(flag.sector_area),
                                            amount=format_dkk(flag.overspend)))  # fmt: skip
    if not flag.sector_area:
        return str(B["flag_broad"].format(frame=flag.frame, amount=format_dkk(flag.overspend)))
    text = B["flag_firm"].format(area=name(flag.sector_area), amount=format_dkk(flag.overspend),
                                 frame=flag.frame)  # fmt: skip
    covers = ", ".join(f"{name(c.sector_area)} {format_dkk(c.amount)}" for c in flag.covers)
    said = B["flag_covers"].format(covers=covers) if covers else B["flag_no_covers"]
    text += " " + (said if said.endswith(".") else said + ".")  # «… kr.» ends the sentence
    if flag.uncovered:
        text += " " + B["flag_uncovered"].format(amount=format_dkk(flag.uncovered))
    return str(text)


def overview_tables(found: Overview, year: int, basis: Basis) -> dict[str, DataTable]:
    flags = {f.sector_area: f for f in found.steered.flags() if f.sector_area}
    name = f"budget-{year}-{basis.value}"
    shown = list(found.year.areas)
    rows = [area_row(a, flags.get(a.sector_area), f"/budget/{a.sector_area}") for a in shown]
    rows.append(area_row(found.year.total))
    title = f"{B['areas_table']} {year} ({B['bases'][basis.value].lower()})"
    areas = DataTable(title, AREA_COLUMNS, rows, f"{name}-omraader", [B["accounts_note"]])
    months = months_table(shown, year, f"{name}-maaneder")
    # a year without data has no months: no empty sheet in the workbook either
    tables = {"areas": areas, **({"months": months} if months.rows else {})}
    tables.update(frame_tables(found, year))
    return tables


def frame_tables(found: Overview, year: int) -> dict[str, DataTable]:
    names = {a.sector_area: a.name for a in found.year.areas}
    rows = []
    for v in found.steered.frames:  # the year's frames: a handful
        movable = {c.sector_area: c.amount for c in v.movable}
        for p in v.positions:
            rows.append({"frame": v.name, "steering": B["steering"][v.steering.value],
                         "name": names.get(p.sector_area, p.sector_area), "budget": p.budget,
                         "year_end": p.expected, "deviation": p.deviation,
                         "movable": movable.get(p.sector_area)})  # fmt: skip
    columns = [Column("frame", C["frame"]), Column("steering", C["steering"]),
               Column("name", C["name"]), _money("budget"), _money("year_end"),
               _money("deviation"), _money("movable")]  # fmt: skip
    flags = [{"name": names.get(f.sector_area, f.sector_area) or f.frame,
              "frame": f.frame or "", "note": flag_text(f, names)}
             for f in found.steered.flags()]  # fmt: skip
    flag_columns = [Column("name", C["name"]), Column("frame", C["frame"]),
                    Column("note", C["note"])]  # fmt: skip
    return {
        "frames": DataTable(B["frames_table"], columns, rows, f"budget-{year}-rammer"),
        "flags": DataTable(B["flags"], flag_columns, flags, f"budget-{year}-flag"),
    }


# --- the overview -----------------------------------------------------------------------------


def _overview(request: Request, session: Session, year: int, basis: Basis) -> Overview | None:
    try:
        return area_view.overview(settings_of(request), session, year, basis)
    except NoData:
        return None


def _page(
    request: Request,
    who: Actor,
    session: Session,
    values: dict[str, str] | None = None,
    error: str | None = None,
) -> Response:
    taken = budgets.synchronised(settings_of(request), session)  # before the year is chosen
    year, basis = chosen_year(request, session, values), chosen_basis(request)
    found = _overview(request, session, year, basis)
    tables = overview_tables(found, year, basis) if found else {}
    if wants_excel(request):
        return excel_download(request, tables, "areas", f"budget-{year}")
    mine = own_area(session, who)
    year_data: BudgetYear | None = found.year if found else None
    return render(
        request, "budget/budget.html", who, status_code=422 if error else 200,
        year=year, years=year_choices(session, year), basis=basis, found=found,
        year_data=year_data, tables=tables, unmatched=taken.unmatched,
        own=year_data.area(mine) if year_data and mine else None, own_code=mine,
        can_edit=who.role in BUDGET_EDITORS, values=values or {"year": str(year)},
        error=error, solutions=all_solutions(session),
    )  # fmt: skip


@router.get("", response_class=HTMLResponse)
def overview(request: Request, who: Viewer, session: DbSession) -> Response:
    return _page(request, who, session)


def parse_money(text: str) -> Decimal:
    from tvaers.selection.builder import parse_danish_number

    number = parse_danish_number(text.strip())
    if number is None:
        raise BudgetError(B["bad_amount"].format(text=text))
    if abs(number) > budgets.MAX_AMOUNT:  # before the øre: 29 digits cannot be quantized
        raise BudgetError(B["too_large"].format(text=text))
    try:
        return kroner(number)
    except ValueError:
        raise BudgetError(B["bad_amount"].format(text=text)) from None


def _placement(text: str) -> bool | None:
    if text not in B["placements"]:
        raise BudgetError(B["bad_placement"].format(text=text))
    return {"inside": True, "outside": False}.get(text)


def _known_areas(request: Request) -> dict[str, str] | None:
    from tvaers.draw.session import opened

    try:
        with opened(settings_of(request)) as analysis:
            return dict(analysis.area_names)
    except NoData:
        return None


@router.post("", response_class=HTMLResponse)
async def change(request: Request, who: Viewer, session: DbSession) -> Response:
    values = posted(await request.form())
    try:
        if a_year(values.get("year")) is None:
            raise BudgetError(B["bad_year"])
        solution = values.get("solution", "")
        found = budgets.set_budget(
            session, who, int(values["year"]), values.get("area", ""),
            parse_money(values.get("amount", "")),
            solution_id=int(solution) if solution.isdigit() else None,
            item=values.get("item", ""), inside=_placement(values.get("placement", "")),
            note=values.get("note", ""), known_areas=_known_areas(request),
        )  # fmt: skip
    except BudgetError as exc:
        session.rollback()
        return _page(request, who, session, values, str(exc))
    session.commit()
    amount = format_dkk(budgets.amount_of(found.version))
    if found.saved:
        flash(request, B["saved"].format(amount=amount, version=found.version.version))
    else:
        flash(request, B["same"].format(amount=amount))
    return redirect(f"/budget?aar={found.version.year}")


# --- frames -----------------------------------------------------------------------------------


def _frames_page(
    request: Request,
    who: Actor,
    session: Session,
    values: dict[str, Any] | None = None,
    error: str | None = None,
) -> Response:
    budgets.synchronised(settings_of(request), session)  # before the year is chosen
    year, basis = chosen_year(request, session, values), chosen_basis(request)
    found = _overview(request, session, year, basis)
    tables = frame_tables(found, year) if found else {}
    if wants_excel(request):
        return excel_download(request, tables, "frames", f"budget-{year}-rammer")
    history = frames.frame_history(session, year)
    return render(
        request, "budget/frames.html", who, status_code=422 if error else 200, year=year,
        years=year_choices(session, year), basis=basis, found=found, tables=tables,
        history=history, areas=found.year.areas if found else (),
        area_names={a.sector_area: a.name for a in found.year.areas} if found else {},
        can_edit=who.role in BUDGET_EDITORS, values=values or {}, error=error,
    )  # fmt: skip


@router.get("/rammer", response_class=HTMLResponse)
def frames_page(request: Request, who: Viewer, session: DbSession) -> Response:
    return _frames_page(request, who, session)


@router.post("/rammer", response_class=HTMLResponse)
async def set_frame(request: Request, who: Viewer, session: DbSession) -> Response:
    form = await request.form()
    values: dict[str, Any] = posted(form)
    values["areas"] = [str(a) for a in form.getlist("areas")]
    try:
        if a_year(values.get("year")) is None:
            raise BudgetError(B["bad_year"])
        frame, saved = frames.set_frame(
            session, who, int(values["year"]), values.get("name", ""),
            values.get("steering", ""), values["areas"], values.get("note", ""),
            _known_areas(request),
        )  # fmt: skip
    except BudgetError as exc:
        session.rollback()
        return _frames_page(request, who, session, values, str(exc))
    session.commit()
    text = B["frame_saved" if saved else "frame_same"]
    flash(request, text.format(name=frame.name, version=frame.version))
    return redirect(f"/budget/rammer?aar={frame.year}")
