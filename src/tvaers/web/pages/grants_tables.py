"""Focus point 4's tables as the grant pages publish them — each a :class:`DataTable`, so the
page and its Excel download are the same figures: a solution's grants, one grant (its facts,
requirements, history and commitments), the statistical overview by solution and status, and
the inbox (waiting, over the ceiling, committed per month).

Person-level tables (a grant names a citizen or a family) are built only after the page has
passed the access gate; the overview and the statistical committed table are suppressed here
(:mod:`tvaers.core.suppression`: fewer than 5 citizens or families hidden, and enough others).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from tvaers.core.access import ROLE_LABELS, Role
from tvaers.core.money import format_dkk, from_ore
from tvaers.core.publication import Chart, Column, DataTable
from tvaers.core.suppression import TOTAL, SuppressedTable
from tvaers.principles.grant_decisions import commitment_parts
from tvaers.principles.inbox import CommittedMonth
from tvaers.principles.model import (
    PLACE_LABELS,
    SOLUTION_BUDGET,
    STATUS_LABELS,
    GrantCost,
    GrantStatus,
    Place,
    PrinciplesError,
    classify,
    shares_of,
    split,
)
from tvaers.principles.plan import CompetencePlan
from tvaers.store.models_principles import Grant, GrantDecision
from tvaers.web.texts_grants import DECISION_KINDS
from tvaers.web.texts_grants import GRANT_COLUMNS as C
from tvaers.web.texts_grants import GRANTS as G
from tvaers.web.texts_selection import SELECTION

UNITS_SUPPRESSED = "borgere eller familier"


def _col(key: str, kind: str = "text") -> Column:
    return Column(key, C[key], kind)


def money(ore: int | None) -> Decimal | None:
    return None if ore is None else from_ore(ore)


def subject_text(unit: str, subject: str) -> str:
    """«Borger abc…» or «Familie F-…»."""
    names: dict[str, str] = SELECTION["unit_one"]  # type: ignore[assignment]
    return f"{names.get(unit, unit)} {subject}"


def area_name(code: str, names: Mapping[str, str]) -> str:
    return G["payer_solution"] if code == SOLUTION_BUDGET else names.get(code, code)


def cost_of(grant: Grant) -> GrantCost:
    return GrantCost(
        from_ore(grant.total_ore), from_ore(grant.per_year_ore), grant.intervention,
        grant.sector_area,
    )  # fmt: skip


def bounds_text(total: Decimal | None, per_year: Decimal | None) -> str:
    """«500.000,00 kr. i alt, 300.000,00 kr. pr. år» (or «Intet loft»)."""
    parts = [f"{format_dkk(total)} i alt" if total is not None else "",
             f"{format_dkk(per_year)} pr. år" if per_year is not None else ""]  # fmt: skip
    return ", ".join(p for p in parts if p) or G["unlimited"]


def level_bounds(
    plan: CompetencePlan | None, level_key: str, cost: GrantCost
) -> tuple[Decimal | None, Decimal | None] | None:
    """The ceiling (in all, per year) the grant's level has for it in ``plan`` (the version it
    was routed by); ``(None, None)`` for a level without a ceiling, ``None`` when unknown."""
    if plan is None:
        return None
    try:
        level = plan.level(level_key)
    except PrinciplesError:
        return None
    ceiling = None if level.unlimited else level.ceiling_for(cost)
    if ceiling is None:
        return (None, None) if level.unlimited else None
    return ceiling.total, ceiling.per_year


def level_ceiling(plan: CompetencePlan | None, level_key: str, cost: GrantCost) -> str | None:
    """:func:`level_bounds` in words: «750.000,00 kr. i alt, 500.000,00 kr. pr. år»."""
    bounds = level_bounds(plan, level_key, cost)
    return None if bounds is None else bounds_text(*bounds)


def requirement_ceiling(
    plan: CompetencePlan | None, requirement: Mapping[str, Any], cost: GrantCost
) -> str | None:
    if plan is None:
        return None
    if requirement.get("area"):
        amount = plan.area_ceiling(requirement["area"])
        return None if amount is None else f"Over {format_dkk(amount)}"
    return level_ceiling(plan, str(requirement["key"]).removeprefix("level:"), cost)


def payers_text(grant: Grant, names: Mapping[str, str]) -> str:
    return "; ".join(f"{area_name(area, names)} ({share})" for area, share in grant.shares)


def placement_text(granting_place: str, paying_place: str) -> str:
    """«Visitation: I tværgående løsning. Betaling: opdelt på sektorområder. … adskilt.»"""
    granting, paying = Place(granting_place), Place(paying_place)
    return G["placement_text"].format(
        granting=PLACE_LABELS[granting], paying=PLACE_LABELS[paying].lower(),
        classification=classify(granting, paying).value,
    )  # fmt: skip


def role_label(role: str) -> str:
    return ROLE_LABELS[Role(role)] if role in {r.value for r in Role} else role


def status_text(grant: Grant) -> str:
    return STATUS_LABELS[GrantStatus(grant.status)]


# --- a solution's grants ----------------------------------------------------------------------

LIST_COLUMNS = [
    _col("id", "int"), _col("subject"), _col("intervention"), _col("monthly", "money"),
    _col("total", "money"), _col("start", "date"), _col("end", "date"), _col("status"),
    _col("level"), _col("ceiling_total", "money"), _col("ceiling_per_year", "money"),
    _col("pending"), _col("proposed_by"),
    _col("proposed_at", "datetime"),
]  # fmt: skip


def grant_row(grant: Grant, plan: CompetencePlan | None, pending: Sequence[str]) -> dict[str, Any]:
    """The cells every list of grants shows (plus ``href`` to the grant's page)."""
    total, per_year = level_bounds(plan, grant.level, cost_of(grant)) or (None, None)
    return {
        "id": grant.id,
        "href": f"/bevillinger/{grant.id}",
        "subject": subject_text(grant.unit, grant.subject),
        "intervention": grant.intervention_name,
        "monthly": money(grant.monthly_ore),
        "total": money(grant.total_ore),
        "start": grant.start_date,
        "end": grant.end_date,
        "status": status_text(grant),
        "level": grant.level_name,
        "ceiling_total": total,
        "ceiling_per_year": per_year,
        "pending": "; ".join(pending) or None,
        "proposed_by": grant.proposed_by,
        "proposed_at": grant.proposed_at,
    }


def grants_table(
    grants: Sequence[Grant],
    plans: Mapping[int, CompetencePlan],
    pending: Mapping[int, list[str]],
    title: str,
    filename: str,
) -> DataTable:
    rows = [
        grant_row(g, plans.get(g.plan_version or 0), pending.get(g.id, ())) for g in grants
    ]  # a solution's grants: a few dozen
    return DataTable(title, list(LIST_COLUMNS), rows, filename, [G["list_hint"]])


def overview_table(table: SuppressedTable | None) -> DataTable | None:
    """Distinct citizens and families with grants per solution and status, as the service
    suppressed them (:func:`tvaers.principles.published.overview_table`)."""
    if table is None:
        return None
    rows = []
    for r in table.axes[0]:
        row: dict[str, Any] = {"solution": r}
        notes = []
        for i, s in enumerate(table.axes[1]):
            cell = table.cell(r, s)
            row[f"s{i}"] = cell.count
            if cell.note:
                notes.append(f"{s}: {cell.note}")
        row["note"] = "; ".join(notes) or None
        rows.append(row)
    columns = [_col("solution")]
    columns += [Column(f"s{i}", s, "int") for i, s in enumerate(table.axes[1])]
    columns.append(_col("note"))
    return DataTable(G["overview"], columns, rows, "bevillinger-oversigt", [G["overview_hint"]])


# --- one grant --------------------------------------------------------------------------------

FACT_COLUMNS = [
    _col("id", "int"), _col("solution"), _col("subject"), _col("intervention"), _col("area"),
    _col("placement"), _col("units_per_month", "decimal"), _col("unit_price", "money"),
    _col("monthly", "money"), _col("total", "money"), _col("per_year", "money"),
    _col("start", "date"), _col("end", "date"), _col("ended_on", "date"), _col("payers"),
    _col("status"), _col("status_reason"), _col("level"), _col("ceiling"),
    _col("plan_version", "int"), _col("proposed_by"), _col("proposed_at", "datetime"),
    _col("justification"), _col("expected_effect"),
]  # fmt: skip


@dataclass(frozen=True)
class GrantTables:
    facts: DataTable
    requirements: DataTable
    history: DataTable
    commitments: DataTable

    def all(self) -> dict[str, DataTable]:
        return {"facts": self.facts, "requirements": self.requirements,
                "history": self.history, "commitments": self.commitments}  # fmt: skip


def grant_tables(
    grant: Grant,
    solution: str,
    plan: CompetencePlan | None,
    history: Sequence[GrantDecision],
    names: Mapping[str, str],
) -> GrantTables:
    name = f"bevilling-{grant.id}"
    facts = {
        "id": grant.id, "solution": solution, "subject": subject_text(grant.unit, grant.subject),
        "intervention": f"{grant.intervention_name} ({grant.intervention})",
        "area": names.get(grant.sector_area, grant.sector_area),
        "placement": placement_text(grant.granting, grant.paying),
        "units_per_month": Decimal(grant.units_per_month) if grant.units_per_month else None,
        "unit_price": money(grant.unit_price_ore), "monthly": money(grant.monthly_ore),
        "total": money(grant.total_ore), "per_year": money(grant.per_year_ore),
        "start": grant.start_date, "end": grant.end_date, "ended_on": grant.ended_on,
        "payers": payers_text(grant, names), "status": status_text(grant),
        "status_reason": grant.status_reason, "level": grant.level_name,
        "ceiling": level_ceiling(plan, grant.level, cost_of(grant)),
        "plan_version": grant.plan_version, "proposed_by": grant.proposed_by,
        "proposed_at": grant.proposed_at, "justification": grant.justification,
        "expected_effect": grant.expected_effect,
    }  # fmt: skip
    title = G["grant"].format(id=grant.id)
    return GrantTables(
        DataTable(title, list(FACT_COLUMNS), [facts], name),
        _requirements(grant, plan, history, name),
        _history(grant, history, name),
        _commitments(grant, names, name),
    )


def _requirements(
    grant: Grant, plan: CompetencePlan | None, history: Sequence[GrantDecision], name: str
) -> DataTable:
    decided = {d.requirement: d for d in history if d.requirement}
    rows = []
    for r in grant.requirements:  # a grant's requirements: one to a handful
        found = decided.get(r["key"])
        rows.append({
            "requirement": r["label"],
            "roles": ", ".join(role_label(role) for role in r["roles"]),
            "requirement_ceiling": requirement_ceiling(plan, r, cost_of(grant)),
            "decision": DECISION_KINDS.get(found.kind, found.kind) if found else G["waiting"],
            "decided_by": found.decided_by if found else None,
            "decided_at": found.decided_at if found else None,
            "reason": found.reason if found else None,
        })  # fmt: skip
    columns = [_col("requirement"), _col("roles"), _col("requirement_ceiling"), _col("decision"),
               _col("decided_by"), _col("decided_at", "datetime"), _col("reason")]  # fmt: skip
    return DataTable(G["requirements"], columns, rows, f"{name}-godkendelser",
                     [G["requirements_hint"]])  # fmt: skip


def _history(grant: Grant, history: Sequence[GrantDecision], name: str) -> DataTable:
    labels = {r["key"]: r["label"] for r in grant.requirements}
    labels["rule:increase"] = G["auto_rule"]
    rows = [
        {"kind": DECISION_KINDS.get(d.kind, d.kind),
         "requirement": labels.get(d.requirement or "", d.requirement),
         "decided_by": d.decided_by, "role": role_label(d.role),
         "reason": d.reason, "decided_at": d.decided_at}
        for d in history
    ]  # fmt: skip
    columns = [_col("decided_at", "datetime"), _col("kind"), _col("requirement"),
               _col("decided_by"), _col("role"), _col("reason")]  # fmt: skip
    return DataTable(G["history"], columns, rows, f"{name}-historik", [G["history_hint"]])


def _commitments(grant: Grant, names: Mapping[str, str], name: str) -> DataTable:
    """What the grant commits per month and paying area: as written (approved, or ended: to its
    end), or as it would be (proposed); nothing for a rejected or withdrawn grant."""
    status = GrantStatus(grant.status)
    parts: dict[tuple[date, str], int] = {}
    if status in (GrantStatus.APPROVED, GrantStatus.PROPOSED):
        parts = commitment_parts(grant)
    elif status is GrantStatus.ENDED:
        parts = commitment_parts(grant, grant.ended_on)
    shares = dict((a, t) for a, t in grant.shares)
    rows: list[dict[str, Any]] = [
        {"month": f"{month:%Y-%m}", "sector_area": area_name(area, names),
         "share": shares.get(area), "amount": from_ore(ore)}
        for (month, area), ore in sorted(parts.items())
    ]  # fmt: skip
    totals: dict[str, int] = {}
    for (_month, area), ore in parts.items():
        totals[area] = totals.get(area, 0) + ore
    rows += [{"month": TOTAL, "sector_area": area_name(a, names), "share": shares.get(a),
              "amount": from_ore(ore)} for a, ore in totals.items()]  # fmt: skip
    planned = status is GrantStatus.PROPOSED
    title = G["commitments_planned"] if planned else G["commitments"]
    columns = [_col("month", "month"), _col("sector_area"), _col("share"),
               _col("amount", "money")]  # fmt: skip
    return DataTable(title, columns, rows, f"{name}-forpligtelser", [G["commitments_hint"]])


# --- the inbox --------------------------------------------------------------------------------

WAITING_COLUMNS = [
    _col("id", "int"), _col("solution"), _col("subject"), _col("intervention"),
    _col("total", "money"), _col("start", "date"), _col("end", "date"), _col("level"),
    _col("mine"), _col("proposed_by"), _col("proposed_at", "datetime"),
]  # fmt: skip


def waiting_table(
    found: Sequence[tuple[Grant, list[dict[str, Any]]]],
    solutions: Mapping[int, str],
    title: str,
    hint: str,
    name: str,
) -> DataTable:
    """Grants with the requirements the actor may decide (``found``: grant, its requirements)."""
    rows = [
        {**grant_row(g, None, ()), "solution": solutions.get(g.solution_id),
         "mine": "; ".join(r["label"] for r in mine)}
        for g, mine in found
    ]  # fmt: skip
    return DataTable(title, list(WAITING_COLUMNS), rows, name, [hint])


def over_ceiling_table(
    grants: Sequence[Grant], solutions: Mapping[int, str], area: str, plan: CompetencePlan | None
) -> DataTable:
    """The area's grants that needed its chief's approval, with the area's part of each."""
    rows = []
    for g in grants:  # the area's grants over the ceiling: a few dozen
        parts = split(from_ore(g.total_ore), shares_of([(a, t) for a, t in g.shares]))
        mine = sum((p.amount for p in parts if p.sector_area == area), Decimal(0))
        ceiling = plan.area_ceiling(area) if plan else None
        rows.append({**grant_row(g, None, ()), "solution": solutions.get(g.solution_id),
                     "amount": mine, "approval_ceiling": ceiling})  # fmt: skip
    columns = [_col("id", "int"), _col("solution"), _col("subject"), _col("intervention"),
               _col("status"), _col("total", "money"), Column("amount", C["area_part"], "money"),
               _col("approval_ceiling", "money"), _col("start", "date"), _col("end", "date"),
               _col("proposed_by")]  # fmt: skip
    return DataTable(G["over_ceiling"], columns, rows, "indbakke-over-loftet",
                     [G["over_ceiling_hint"]])  # fmt: skip


COMMITTED_COLUMNS = [
    _col("month", "month"), _col("solution"), _col("amount", "money"),
    _col("grants", "int"), _col("subjects", "int"), _col("note"),
]  # fmt: skip


def committed_table(
    rows: Sequence[CommittedMonth], casework: bool, suppressed: SuppressedTable | None = None
) -> DataTable:
    """What the solutions have committed on the area per month: exact (casework, the solutions
    the actor passed the gate for) or as the service suppressed it (statistical: no grant
    counts, small cells hidden, also across requests)."""
    shown = _exact(rows) if casework else _suppressed(suppressed)
    hint = G["committed_casework"] if casework else G["committed_statistical"]
    columns = [c for c in COMMITTED_COLUMNS if casework or c.key != "grants"]
    table = DataTable(G["committed"], columns, shown, "indbakke-forpligtet",
                      [G["committed_hint"], hint])  # fmt: skip
    table.chart = _committed_chart(shown)
    return table


def _exact(rows: Sequence[CommittedMonth]) -> list[dict[str, Any]]:
    return [
        {"month": f"{r.month:%Y-%m}", "solution": r.solution, "amount": from_ore(r.amount_ore),
         "grants": r.grants, "subjects": r.subjects, "note": None}
        for r in rows
    ]  # fmt: skip


def _suppressed(table: SuppressedTable | None) -> list[dict[str, Any]]:
    if table is None:
        return []
    return _suppressed_rows(table, several=len([a for a in table.axes[1] if a != TOTAL]) > 1)


def _suppressed_rows(table: SuppressedTable, several: bool) -> list[dict[str, Any]]:
    """The cells as rows, month by month; a month's total over the solutions only when there
    are several (with one it repeats the solution's row)."""
    found = []
    for month in table.axes[0]:
        for solution in table.axes[1]:
            cell = table.cell(month, solution)
            if (cell.published and not cell.count) or (solution == TOTAL and not several):
                continue  # a month the solution committed nothing in, or a repeated row
            amount = cell.measures.get("amount") if cell.measures else None
            found.append({"month": month, "solution": solution, "amount": amount,
                          "subjects": cell.count, "note": cell.note})  # fmt: skip
    return found


def _committed_chart(rows: Sequence[Mapping[str, Any]]) -> Chart | None:
    points = [
        {"solution": r["solution"], "month": r["month"], "value": float(r["amount"])}
        for r in rows
        if r["month"] != TOTAL and r["solution"] != TOTAL and r["amount"] is not None
    ]
    if not points:
        return None
    return Chart(
        "lines", G["chart"], points, "month", "value", C["month"], G["chart_value"],
        series="solution", series_title=C["solution"],
    )  # fmt: skip
