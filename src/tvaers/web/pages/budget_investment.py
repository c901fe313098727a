"""The investment case's pages (focus point 5, issue 13): ``/investering`` (the stored cases),
``/investering/ny`` (the form: lines added and removed on the server, Danish numbers, what was
typed kept on an error; saved by ``INVESTMENT_EDITORS`` as a new version, audited) and
``/investering/{id}`` (a version: who pays and who gains per area and year, net per area, per
year and cumulative with its chart, the sensitivity to the success rate with its chart, payback
and return in words, gross and net of the state; measured effects marked; every table and both
charts in one Excel workbook). Thin: the rules are :mod:`tvaers.budget.investment`."""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from tvaers.access import Actor
from tvaers.anchoring.service import all_solutions
from tvaers.budget import investment_service as service
from tvaers.budget.investment import (
    BASES,
    Case,
    CaseError,
    Evaluation,
    break_even_text,
    evaluate,
    payback_text,
    return_text,
    with_measured,
)
from tvaers.budget.investment_input import parse_case_mapping
from tvaers.core.access import INVESTMENT_EDITORS
from tvaers.core.publication import Column, DataTable
from tvaers.web.deps import DbSession, Viewer, flash, redirect, render, require
from tvaers.web.forms import posted
from tvaers.web.pages.budget_investment_tables import (
    area_names,
    case_tables,
    measured_for,
    rate_shown,
)
from tvaers.web.tables import excel_download, wants_excel
from tvaers.web.texts import T

router = APIRouter(prefix="/investering")
I = T.investment  # noqa: E741 - the page's texts, as P for the principles
C = I["columns"]
Editor = Depends(require(*INVESTMENT_EDITORS))
LINE_KEYS = ("sector_area", "year", "kind", "amount", "refund_share")
CASE_KEYS = ("name", "first_year", "years", "discount_rate", "success_rate", "citizens")
BLANK_LINES = 3


# --- the list -----------------------------------------------------------------------------------

LIST_COLUMNS = [
    Column("name", C["name"]), Column("version", C["version"], "int"),
    Column("years", C["years"], "int"), Column("npv", C["npv"], "money"),
    Column("payback", C["payback"]), Column("npv_net", C["npv_net"], "money"),
    Column("payback_net", C["payback_net"]), Column("changed_by", C["changed_by"]),
    Column("changed_at", C["changed_at"], "datetime"),
]  # fmt: skip


def _payback(case: Case, year: int | None) -> str:
    return case.year_label(year) if year else str(I["no_payback"])


def list_table(session: Session) -> DataTable:
    rows = []
    for record in service.cases(session):  # the municipality's handful of cases
        found = evaluate(service.case_of(record))
        case, gross, net = found.case, found.gross.outcome, found.net.outcome
        rows.append({
            "name": record.name, "href": f"/investering/{record.id}", "version": record.version,
            "years": case.years, "npv": gross.npv, "npv_net": net.npv,
            "payback": _payback(case, gross.payback_year),
            "payback_net": _payback(case, net.payback_year),
            "changed_by": record.changed_by, "changed_at": record.changed_at,
        })  # fmt: skip
    return DataTable(I["list_table"], LIST_COLUMNS, rows, "investeringscaser", name="caser")


@router.get("", response_class=HTMLResponse)
def cases(request: Request, who: Viewer, session: DbSession) -> Response:
    table = list_table(session)
    if wants_excel(request):
        return excel_download(request, {"cases": table}, "cases", "investeringscaser")
    return render(request, "budget/investment_list.html", who, table=table,
                  may_edit=who.role in INVESTMENT_EDITORS)  # fmt: skip


# --- the form -----------------------------------------------------------------------------------


def _blank() -> dict[str, str]:
    return dict.fromkeys(LINE_KEYS, "") | {"kind": "cost"}


def values_of(data: dict[str, Any], solution_id: int | None = None) -> dict[str, Any]:
    """A stored case's texts as the form shows them (amounts with a decimal comma)."""
    values: dict[str, Any] = {k: str(data.get(k, "")) for k in CASE_KEYS}
    values["solution_id"] = str(solution_id or "")
    lines = []
    for item in data.get("lines", []):
        kind = "gain" if "gain" in item else "cost"
        lines.append({"sector_area": item["sector_area"], "year": item["year"], "kind": kind,
                      "amount": item[kind].replace(".", ","),
                      "refund_share": item.get("refund_share", "")})  # fmt: skip
    values["lines"] = [*lines, _blank()]
    return values


def _form_values(form: Any) -> dict[str, Any]:
    """What was posted: the case's fields and its lines (the repeated ``line_*`` fields)."""
    values: dict[str, Any] = {k: v for k, v in posted(form).items() if not k.startswith("line_")}
    columns = [[str(v) for v in form.getlist(f"line_{k}")] for k in LINE_KEYS]
    count = max((len(c) for c in columns), default=0)
    values["lines"] = [
        {k: (c[i].strip() if i < len(c) else "") for k, c in zip(LINE_KEYS, columns, strict=True)}
        for i in range(count)
    ]
    return values


def _mapping(values: dict[str, Any]) -> tuple[dict[str, Any], list[int]]:
    """The form as the case's mapping, and for each of its lines the form's row (1, 2, …):
    rows with neither an area nor an amount are left out."""
    raw: dict[str, Any] = {k: values.get(k, "") for k in CASE_KEYS}
    lines, rows = [], []
    for n, line in enumerate(values["lines"], start=1):
        if not (line["sector_area"] or line["amount"]):
            continue
        kind = line["kind"] if line["kind"] in ("cost", "gain") else "cost"
        item = {"sector_area": line["sector_area"], "year": line["year"], kind: line["amount"]}
        if line["refund_share"]:
            item["refund_share"] = line["refund_share"]
        lines.append(item)
        rows.append(n)
    raw["lines"] = lines
    return raw, rows


def _error_field(exc: CaseError, rows: list[int]) -> str:
    """The form field an error names: ``lines.2.gain`` is the amount of the second kept line."""
    parts = exc.field.split(".")
    if parts[0] != "lines" or len(parts) < 2 or not parts[1].isdigit():
        return parts[0]
    row = rows[int(parts[1]) - 1] if int(parts[1]) <= len(rows) else int(parts[1])
    key = parts[2] if len(parts) > 2 else "sector_area"
    return f"line_{'amount' if key in ('cost', 'gain') else key}_{row}"


def said_in_form(exc: CaseError, rows: list[int]) -> str:
    """The error as the form says it: the line by the form's row and each field by the label
    the form shows (the case's YAML names them ``refund_share``, ``cost``, …)."""
    text = str(exc)
    if "præcis ét af felterne" in text:  # the form has a kind: only the amount can be missing
        text = f"Linje {_row(exc, rows)}: skriv beløbet (kr.)."
    labels = {**I["fields"], **I["line_fields"]}
    labels |= {"cost": I["line_fields"]["amount"], "gain": I["line_fields"]["amount"]}
    for code, label in labels.items():
        text = text.replace(f"«{code}»", f"«{label}»")
    return re.sub(r"^Linje \d+", f"Linje {_row(exc, rows)}", text)


def _row(exc: CaseError, rows: list[int]) -> int | str:
    parts = exc.field.split(".")
    if len(parts) < 2 or not parts[1].isdigit():
        return ""
    return rows[int(parts[1]) - 1] if int(parts[1]) <= len(rows) else int(parts[1])


def _form(
    request: Request, who: Actor, session: Session, values: dict[str, Any],
    error: str | None = None, field: str = "", status_code: int = 200,
) -> Response:  # fmt: skip
    return render(
        request, "budget/investment_form.html", who, status_code=status_code, values=values,
        error=error, error_field=field, solutions=all_solutions(session),
        areas=area_names(request),
    )  # fmt: skip


@router.get("/ny", response_class=HTMLResponse)
def new_case(
    request: Request, session: DbSession, who: Actor = Editor, fra: int | None = None
) -> Response:
    if fra is not None:
        record = _record(session, fra)
        values = values_of(record.data, record.solution_id)
    else:
        values = {"years": "3", "discount_rate": "4%", "success_rate": "60%",
                  "lines": [_blank() for _ in range(BLANK_LINES)]}  # fmt: skip
    return _form(request, who, session, values)


@router.post("/ny", response_class=HTMLResponse)
async def save_case(request: Request, session: DbSession, who: Actor = Editor) -> Response:
    form = await request.form()
    values = _form_values(form)
    action, remove = values.pop("action", "save"), values.pop("remove", "")
    if remove.isdigit():
        del values["lines"][int(remove) - 1 : int(remove)]
        return _form(request, who, session, values | {"lines": values["lines"] or [_blank()]})
    if action == "add":
        return _form(request, who, session, values | {"lines": [*values["lines"], _blank()]})
    raw, rows = _mapping(values)
    solution = values.get("solution_id", "")
    try:
        case = parse_case_mapping(raw)
        record, saved = service.save_case(session, who, case,
                                          int(solution) if solution.isdigit() else None,
                                          values.get("note", ""))  # fmt: skip
    except CaseError as exc:
        session.rollback()
        return _form(request, who, session, values, said_in_form(exc, rows),
                     _error_field(exc, rows), 422)  # fmt: skip
    text = I["saved"] if saved else I["unchanged"]
    flash(request, text.format(name=record.name, version=record.version))
    return redirect(f"/investering/{record.id}")


# --- a case ---------------------------------------------------------------------------------------


def _record(session: Session, case_id: int) -> Any:
    try:
        return service.get_case(session, case_id)
    except CaseError:
        raise HTTPException(404, I["not_found"]) from None


@router.get("/{case_id}", response_class=HTMLResponse)
def case_page(case_id: int, request: Request, who: Viewer, session: DbSession) -> Response:
    record = _record(session, case_id)
    measured = measured_for(request, session, record.solution_id, who.username)
    case = service.case_of(record)
    try:
        shown = evaluate(with_measured(case, measured))
    except CaseError as exc:  # measured effects, but no number of citizens
        shown, measured = evaluate(case), {}
        flash(request, str(exc))
    page = case_tables(shown, measured, area_names(request))
    if wants_excel(request):
        return excel_download(request, page.tables, "cells", f"investeringscase-{record.id}")
    solution = next((s for s in all_solutions(session) if s.id == record.solution_id), None)
    return render(
        request, "budget/investment.html", who, record=record, case=shown.case, page=page,
        solution=solution, versions=service.versions(session, record.name),
        may_edit=who.role in INVESTMENT_EDITORS, words=words(shown),
        rates={"discount": rate_shown(case.discount_rate),
               "success": rate_shown(case.success_rate)},
    )  # fmt: skip


def words(found: Evaluation) -> dict[str, dict[str, str]]:
    """Payback, return and the break-even success rate in Danish, per basis."""
    case = found.case
    return {
        b: {"payback": payback_text(case, found.basis(b).outcome),
            "return": return_text(found.basis(b).outcome),
            "break_even": break_even_text(found.basis(b))}
        for b in BASES
    }  # fmt: skip
