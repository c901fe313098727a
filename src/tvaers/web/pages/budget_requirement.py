"""A solution's efficiency requirement for a year (issue 13) at
``/loesninger/{id}/effektiviseringskrav``: the version in force and its history, every split
rule's effect on each sector area side by side (table, chart, Excel; the baseline rule on the
enrolled citizens' suppressed baseline from the data), and for a budget editor the form that
records a new version (:func:`tvaers.budget.requirements.set_requirement`, audited)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from tvaers import access
from tvaers.access import Actor
from tvaers.budget import requirements, settlement
from tvaers.budget.model import BudgetError, Harvest, SplitRule
from tvaers.core.access import BUDGET_EDITORS
from tvaers.core.money import from_ore
from tvaers.core.publication import Chart, Column, DataTable
from tvaers.draw.solution_economy import plain
from tvaers.principles.model import SOLUTION_BUDGET, PrinciplesError, parse_share
from tvaers.selection import decisions
from tvaers.store.models import Solution
from tvaers.web.deps import DbSession, Viewer, flash, redirect, render, settings_of
from tvaers.web.forms import posted
from tvaers.web.pages.budget_settlement import S, figures_for, posted_year_problem, year_of
from tvaers.web.pages.budget_settlement_hand import amount_of
from tvaers.web.pages.selection_casework import solution_or_404
from tvaers.web.tables import AREA, excel_download, wants_excel

router = APIRouter(prefix="/loesninger")
C = S["columns"]
RULES = S["rules"]


@dataclass
class RequirementPage:
    year: int
    row: Any
    versions: list[Any]
    areas: dict[str, str]  # the loaded sector areas (the form's rows)
    cannot: list[str] = field(default_factory=list)  # rules that cannot apply, and why
    tables: dict[str, DataTable] = field(default_factory=dict)


def compare_table(page: RequirementPage, side: dict[SplitRule, Any], filename: str) -> DataTable:
    """Areas down, one column per rule; the rule in force marked; totals last."""
    names = {**page.areas, SOLUTION_BUDGET: S["solution_budget"]}
    usable = {rule: parts for rule, parts in side.items() if not isinstance(parts, BudgetError)}
    codes = list(dict.fromkeys(p.sector_area for parts in usable.values() for p in parts))
    rows: list[dict[str, Any]] = []
    for code in codes:  # the handful of sector areas
        row: dict[str, Any] = {"name": names.get(code, code)}
        for rule, parts in usable.items():
            row[rule.value] = next((p.amount for p in parts if p.sector_area == code), None)
        rows.append(row)
    rows.append(
        {
            "name": "I alt",
            **{
                rule.value: sum((p.amount for p in parts), Decimal("0.00"))
                for rule, parts in usable.items()
            },
        }
    )
    in_force = page.row.rule if page.row else None
    columns = [AREA] + [
        Column(
            rule.value,
            RULES[rule] + (f" {S['req_in_force']}" if rule.value == in_force else ""),
            "money",
        )
        for rule in usable
    ]
    table = DataTable(
        title=S["req_compare"],
        columns=columns,
        rows=rows,
        filename=filename,
        notes=[S["req_compare_hint"]],
    )
    points = [
        {"name": r["name"], "rule": RULES[rule], "amount": float(r[rule.value])}
        for r in rows[:-1]
        for rule in usable
        if r.get(rule.value) is not None
    ]
    if points:
        table.chart = Chart(
            "ordered",
            S["req_chart"],
            points,
            "name",
            "amount",
            "Sektorområde",
            "Kr.",
            series="rule",
            series_title="Fordelingsregel",
        )
    return table


def versions_table(rows: list[Any], filename: str) -> DataTable:
    shown = [
        {
            "version": r.version,
            "amount": from_ore(r.amount_ore),
            "rule": RULES.get(SplitRule(r.rule), r.rule),
            "harvest": S["harvests"].get(Harvest(r.harvest), r.harvest),
            "changed_by": r.changed_by,
            "changed_at": r.changed_at,
            "note": r.note,
        }
        for r in rows
    ]
    columns = [
        Column("version", C["version"], "int"),
        Column("amount", C["amount"], "money"),
        Column("rule", C["rule"]),
        Column("harvest", C["harvest"]),
        Column("changed_by", C["changed_by"]),
        Column("changed_at", C["changed_at"], "datetime"),
        Column("note", C["note"]),
    ]
    return DataTable(title=S["req_versions"], columns=columns, rows=shown, filename=filename)


def requirement_page(
    request: Request, who: Actor, session: Session, solution: Solution
) -> RequirementPage | Response:
    settings = settings_of(request)
    year = year_of(request, settlement.data_years(settings))
    found = requirements.versions(session, solution.id, year)
    page = RequirementPage(
        year, found[0] if found else None, found, settlement.area_names(settings)
    )
    stem = f"loesning-{solution.id}-krav-{year}"
    page.tables["versions"] = versions_table(found, f"{stem}-versioner")
    if page.row is None:
        return page
    baseline = None
    periods = plain(decisions.enrolments(session, solution.id))
    if periods:
        figures = figures_for(request, who, solution, periods, year, "gross")
        if isinstance(figures, Response):
            return figures
        if figures is not None:
            baseline = {
                a.sector_area: a.baseline for a in figures.areas if a.baseline is not None
            } or None
    side = requirements.comparison(page.row, baseline)
    page.cannot = [
        S["req_cannot"].format(rule=RULES[rule], reason=parts.message)
        for rule, parts in side.items()
        if isinstance(parts, BudgetError)
    ]
    page.tables = {"compare": compare_table(page, side, f"{stem}-regler"), **page.tables}
    return page


def _render(
    request: Request,
    who: Actor,
    solution: Solution,
    page: RequirementPage,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    error: str | None = None,
) -> Response:
    if values is None:
        row = page.row
        given = requirements.inputs_of(row) if row else None
        values = {
            "amount": str(from_ore(row.amount_ore)).replace(".", ",") if row else "",
            "rule": row.rule if row else "baseline",
            "harvest": row.harvest if row else "as_realised",
        }
        if given:
            codes = list(page.areas)
            values.update(
                {
                    f"gain-{codes.index(a)}": str(g).replace(".", ",")
                    for a, g in given.expected_gain.items()
                    if a in codes
                }
            )
            values.update(
                {
                    f"share-{codes.index(s.sector_area)}": s.text
                    for s in given.shares
                    if s.sector_area in codes
                }
            )
    failed = bool(errors or error)
    return render(
        request,
        "budget/requirement.html",
        who,
        status_code=422 if failed else 200,
        solution=solution,
        page=page,
        values=values,
        errors=errors or {},
        error=error,
        can_edit=who.role in BUDGET_EDITORS,
        rules=RULES,
        harvests=S["harvests"],
    )


@router.get("/{solution_id}/effektiviseringskrav", response_class=HTMLResponse)
def requirement_view(
    request: Request, solution_id: int, who: Viewer, session: DbSession
) -> Response:
    solution = solution_or_404(session, solution_id)
    page = requirement_page(request, who, session, solution)
    if isinstance(page, Response):
        return page
    if wants_excel(request):
        return excel_download(
            request,
            page.tables,
            next(iter(page.tables), "compare"),
            f"loesning-{solution.id}-krav-{page.year}",
        )
    return _render(request, who, solution, page)


def read_inputs(
    values: dict[str, str], areas: dict[str, str]
) -> tuple[Decimal | None, dict[str, Decimal], list[tuple[str, str]], dict[str, str]]:
    """The amount, the expected gains and the shares typed, and the errors by field."""
    errors: dict[str, str] = {}
    amount, problem = amount_of(values.get("amount", ""))
    if problem or amount is None or amount < 0:
        errors["amount"] = problem or S["req_amount_hint"]
    gains: dict[str, Decimal] = {}
    shares: list[tuple[str, str]] = []
    for i, code in enumerate(areas):  # the loaded sector areas
        gain, problem = amount_of(values.get(f"gain-{i}", ""))
        if problem:
            errors[f"gain-{i}"] = problem
        elif gain is not None:
            gains[code] = gain
        if gain is not None and gain < 0:
            errors[f"gain-{i}"] = S["req_gain_negative"]
        share = values.get(f"share-{i}", "").strip()
        if share:
            try:
                parse_share(share)  # said here without the area's code: the field names it
            except PrinciplesError as exc:
                errors[f"share-{i}"] = exc.message
            shares.append((code, share))
    return amount, gains, shares, errors


def choice_problem(values: dict[str, str]) -> str | None:
    """The rule and the harvesting chosen, or what to choose in Danish, by the labels the form
    shows (the service's message names the codes the command line takes)."""
    if values.get("rule", "").strip() not in {r.value for r in SplitRule}:
        return str(S["req_choose_rule"]).format(rules=", ".join(RULES.values()))
    if values.get("harvest", "").strip() not in {h.value for h in Harvest}:
        return str(S["req_choose_harvest"]).format(harvests=" eller ".join(S["harvests"].values()))
    return None


@router.post("/{solution_id}/effektiviseringskrav", response_class=HTMLResponse)
async def requirement_save(
    request: Request, solution_id: int, who: Viewer, session: DbSession
) -> Response:
    solution = solution_or_404(session, solution_id)
    access.require_role(who, BUDGET_EDITORS, "At fastsætte et effektiviseringskrav")  # first
    values = posted(await request.form())
    page = requirement_page(request, who, session, solution)
    if isinstance(page, Response):
        return page
    if problem := posted_year_problem(request, page.year):
        return _render(request, who, solution, page, values, None, problem)
    amount, gains, shares, errors = read_inputs(values, page.areas)
    if problem := choice_problem(values):
        return _render(request, who, solution, page, values, errors, problem)
    if errors or amount is None:
        return _render(request, who, solution, page, values, errors, S["fix_errors"])
    try:
        row = requirements.set_requirement(
            session,
            who,
            solution.id,
            page.year,
            amount,
            values.get("rule", ""),
            expected_gain=gains,
            shares=shares,
            harvest=values.get("harvest", ""),
            note=values.get("note", ""),
        )
    except BudgetError as exc:
        session.rollback()
        return _render(request, who, solution, page, values, errors, str(exc))
    flash(request, S["req_saved"].format(year=page.year, version=row.version))
    return redirect(f"/loesninger/{solution.id}/effektiviseringskrav?aar={page.year}")
