"""Focus point 4 on a solution's pages (issue 12): where its granting authority and payment
obligation sit per intervention type, VIVE's table 4.1 as the 3×3 table with the solution's own
cells marked (by text, not colour alone), and the form that sets or changes a placement
(``SOLUTION_EDITORS``; :func:`tvaers.principles.service.set_placement` checks and audits).
Nothing here is person-level. The keys, the "who pays" draw, capacity and the review have pages
of their own (:mod:`.principles_keys`, :mod:`.principles_draw`, :mod:`.principles_review`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from jinja2 import Environment
from sqlalchemy.orm import Session

from tvaers.access import Actor
from tvaers.core.access import KEY_APPROVERS, KEY_PROPOSERS, SOLUTION_EDITORS
from tvaers.core.publication import Column, DataTable
from tvaers.principles import service
from tvaers.principles.model import TABLE_4_1, Place, PrinciplesError, classify
from tvaers.store.models import Solution
from tvaers.store.models_principles import Placement
from tvaers.web.deps import DbSession, Viewer, flash, redirect, render
from tvaers.web.forms import posted
from tvaers.web.pages.selection_casework import solution_or_404
from tvaers.web.tables import excel_download, wants_excel
from tvaers.web.texts import T

router = APIRouter(prefix="/loesninger")
P = T.principles
C = P["columns"]


def install(env: Environment) -> None:
    """The role sets the solution page needs to show focus point 4's forms and links only to
    those who can use them."""
    env.globals["solution_editors"] = SOLUTION_EDITORS
    env.globals["key_proposers"] = KEY_PROPOSERS
    env.globals["key_approvers"] = KEY_APPROVERS


def kind_label(kind: str) -> str:
    """An intervention type as the pages show it (empty: all the solution's interventions)."""
    return kind or P["all_interventions"]


@dataclass(frozen=True)
class Cell:
    """One cell of table 4.1: its classification and this solution's intervention types in it."""

    paying: str
    granting: str
    classification: str
    marks: tuple[str, ...]


@dataclass(frozen=True)
class Placements:
    """A solution's placements as the pages show them: the rows, table 4.1's grid (rows:
    payment, columns: granting) and both as tables for Excel."""

    rows: list[dict[str, Any]]
    grid: list[tuple[str, list[Cell]]]
    table: DataTable
    grid_table: DataTable

    @property
    def tables(self) -> dict[str, DataTable]:
        return {"placements": self.table, "table_4_1": self.grid_table}


def _row(placement: Placement) -> dict[str, Any]:
    places = P["places"]
    classification = classify(placement.granting, placement.paying).value
    return {
        "intervention_type": kind_label(placement.intervention_type),
        "kind": placement.intervention_type,
        "interventions": ", ".join(placement.interventions or []) or None,
        "granting": places[placement.granting],
        "paying": places[placement.paying],
        "classification": P["classifications"][classification],
        "expected": placement.expected,
        "note": placement.note,
        "set_by": placement.set_by,
        "set_at": placement.set_at,
    }


def placement_summary(session: Session, solution: Solution) -> Placements:
    """The solution's placements, table 4.1 with its cells marked, and both as tables."""
    found = service.placements(session, solution.id)
    marks: dict[tuple[str, str], list[str]] = {}
    for p in found:  # one or two per solution
        label = kind_label(p.intervention_type)
        if p.expected:
            label = f"{label} ({P['expected_mark']})"
        marks.setdefault((p.paying, p.granting), []).append(label)
    places, names = list(Place), P["places"]
    grid = [
        (names[paying.value], [
            Cell(paying.value, granting.value,
                 P["classifications"][TABLE_4_1[(paying, granting)].value],
                 tuple(marks.get((paying.value, granting.value), ())))
            for granting in places
        ])
        for paying in places
    ]  # fmt: skip
    rows = [_row(p) for p in found]
    name = f"loesning-{solution.id}-placering"
    table = DataTable(
        title=f"{P['placements_table']}: {solution.name}",
        columns=[
            Column("intervention_type", C["intervention_type"]),
            Column("interventions", C["interventions"]),
            Column("granting", C["granting"]),
            Column("paying", C["paying"]),
            Column("classification", C["classification"]),
            Column("expected", C["expected"], "bool"),
            Column("note", C["placement_note"]),
            Column("set_by", C["set_by"]),
            Column("set_at", C["set_at"], "datetime"),
        ],
        rows=rows,
        filename=name,
    )
    grid_table = DataTable(
        title=f"{P['table_4_1']}: {solution.name}",
        columns=[Column("paying", P["corner"])] + [Column(g.value, names[g.value]) for g in places],
        rows=[
            {"paying": label, **{c.granting: _cell_text(c) for c in cells}} for label, cells in grid
        ],
        filename=f"{name}-tabel-4-1",
        notes=[P["table_4_1_hint"]],
    )
    return Placements(rows, grid, table, grid_table)


def _cell_text(cell: Cell) -> str:
    marked = "; ".join(f"{P['this_solution']}: {m}" for m in cell.marks)
    return f"{cell.classification} – {marked}" if marked else cell.classification


# --- the page ---------------------------------------------------------------------------------


def _values_of(summary: Placements, kind: str | None) -> dict[str, Any]:
    """The form's values: the placement of ``kind`` when it exists (to change it), else none."""
    for row in summary.rows:
        if kind is not None and row["kind"] == kind:
            found = {"intervention_type": row["kind"], "interventions": row["interventions"] or "",
                     "note": row["note"] or "", "expected": row["expected"]}  # fmt: skip
            codes = {v: k for k, v in P["places"].items()}
            return {**found, "granting": codes[row["granting"]], "paying": codes[row["paying"]]}
    return {}


def _page(
    request: Request,
    who: Actor,
    session: Session,
    solution: Solution,
    values: dict[str, Any] | None = None,
    error: str | None = None,
) -> Response:
    summary = placement_summary(session, solution)
    if wants_excel(request):
        return excel_download(request, summary.tables, "placements", summary.table.filename)
    if values is None:
        values = _values_of(summary, request.query_params.get("indsatstype"))
    return render(
        request, "principles/placements.html", who, status_code=422 if error else 200,
        solution=solution, placements=summary, values=values, error=error,
        can_edit=who.role in SOLUTION_EDITORS,
    )  # fmt: skip


@router.get("/{solution_id}/placering", response_class=HTMLResponse)
def placements(request: Request, solution_id: int, who: Viewer, session: DbSession) -> Response:
    return _page(request, who, session, solution_or_404(session, solution_id))


@router.post("/{solution_id}/placering", response_class=HTMLResponse)
async def set_placement(
    request: Request, solution_id: int, who: Viewer, session: DbSession
) -> Response:
    solution = solution_or_404(session, solution_id)
    values: dict[str, Any] = posted(await request.form())
    kind = values.get("intervention_type", "")
    try:
        if not values.get("granting") or not values.get("paying"):
            raise PrinciplesError(P["choose_places"])
        codes = [c.strip() for c in values.get("interventions", "").split(",")]
        found = service.set_placement(
            session, who, solution.id, kind, values["granting"], values["paying"],
            interventions=codes, note=values.get("note") or None,
            expected=bool(values.get("expected")),
        )  # fmt: skip
    except PrinciplesError as exc:
        session.rollback()
        return _page(request, who, session, solution, values, str(exc))
    classification = classify(found.granting, found.paying).value
    flash(request, P["placement_saved"].format(
        kind=kind_label(found.intervention_type),
        classification=P["classifications"][classification].lower(),
    ))  # fmt: skip
    return redirect(f"/loesninger/{solution.id}/placering")
