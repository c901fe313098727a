"""The twice-yearly review of postings (003, issue 12) at ``/loesninger/{id}/gennemgang``: per
case of the solution its postings in a half-year and its commitments, to tick off in Excel
(«Afstemt»). Person-level: the casework purpose, a role that allows it and the solution's
selection basis (:func:`tvaers.access.solution`); refused before anything is read, and each
view or download writes one audit entry plus one per listed citizen."""

from __future__ import annotations

from dataclasses import replace

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from tvaers.core.publication import Column, DataTable
from tvaers.principles import review as service
from tvaers.principles.review import Review
from tvaers.store.models import Solution
from tvaers.web.deps import DbSession, Viewer, render, settings_of
from tvaers.web.pages.selection_casework import gated_solution, log_view
from tvaers.web.tables import excel_download, wants_excel
from tvaers.web.texts import T

router = APIRouter(prefix="/loesninger")
P = T.principles
C = P["columns"]
UNITS = P["units"]
TICK = Column("reconciled", C["reconciled"], "checkbox")  # ticked off in Excel


def half_label(half: service.Half) -> str:
    return str(P["half"].format(half=half.half, year=half.year))


def review_tables(solution: Solution, found: Review) -> dict[str, DataTable]:
    """The cases, their postings and their commitments (those there are): a sheet each, the
    last two with a tick box per row («Afstemt»)."""
    name = workbook_name(solution, found)
    when = f" – {half_label(found.half)}" if found.half else ""
    subject = [Column("unit_label", C["unit"]), Column("subject", C["subject"])]
    for row in (*found.cases, *found.postings, *found.commitments):
        row["unit_label"] = UNITS.get(row["unit"], row["unit"])
    case_columns = [
        *subject, Column("enrolled_on", C["enrolled_on"], "date"),
        Column("discharged_on", C["discharged_on"], "date"),
        Column("postings", C["postings"], "int"), Column("posted", C["posted"], "money"),
        Column("committed", C["committed"], "money"),
        Column("difference", C["case_difference"], "money"),
    ]  # fmt: skip
    posting_columns = [
        *subject, Column("citizen", C["citizen"]),
        Column("posting_date", C["posting_date"], "date"), Column("posting_id", C["posting_id"]),
        Column("area_name", C["area"]), Column("function_code", C["function_code"]),
        Column("intervention", C["intervention"]), Column("text", C["text"]),
        Column("amount", C["amount"], "money"), TICK,
    ]  # fmt: skip
    commitment_columns = [
        *subject, Column("grant", C["grant"], "int"), Column("intervention", C["intervention"]),
        Column("month", C["month"], "month"), Column("area_name", C["area"]),
        Column("amount", C["amount"], "money"), TICK,
    ]  # fmt: skip
    cases = DataTable(
        title=f"{P['review_cases']}: {solution.name}{when}",
        columns=case_columns,
        rows=found.cases,
        filename=f"{name}-sager",
    )
    postings = DataTable(
        title=f"{P['review_postings']}{when}",
        columns=posting_columns,
        rows=found.postings,
        filename=f"{name}-posteringer",
        notes=[P["review_postings_hint"]],
    )
    commitments = DataTable(
        title=f"{P['review_commitments']}{when}",
        columns=commitment_columns,
        rows=found.commitments,
        filename=f"{name}-bevillinger",
        notes=[P["review_commitments_hint"]],
    )
    # an empty list has no sheet (a month column without months says nothing)
    found_tables = {"postings": postings, "commitments": commitments}
    return {"cases": cases, **{k: t for k, t in found_tables.items() if t.rows}}


def workbook_name(solution: Solution, found: Review) -> str:
    half = f"-{found.half.code}" if found.half else ""
    return f"loesning-{solution.id}-gennemgang{half}"


def on_page(table: DataTable) -> DataTable:
    """The table as the page shows it: the tick boxes are Excel's."""
    return replace(table, columns=[c for c in table.columns if c.kind != "checkbox"])


@router.get("/{solution_id}/gennemgang", response_class=HTMLResponse)
def review_page(
    request: Request,
    solution_id: int,
    who: Viewer,
    session: DbSession,
    halvaar: str | None = None,
) -> Response:
    solution, basis = gated_solution(session, who, solution_id)  # refused: nothing is read
    found = service.review(settings_of(request), session, solution.id, halvaar)
    export = wants_excel(request)
    log_view(
        session, who, solution, "gennemgang_eksporteret" if export else "gennemgang_vist",
        listed=list(found.citizens), half=found.half.code if found.half else None,
        cases=len(found.cases), postings=len(found.postings),
        commitments=len(found.commitments),
    )  # fmt: skip
    tables = review_tables(solution, found)
    if export:
        return excel_download(request, tables, "cases", workbook_name(solution, found))
    return render(
        request, "principles/review.html", who, solution=solution, basis=basis, review=found,
        tables={k: on_page(t) for k, t in tables.items()}, half_label=half_label,
    )  # fmt: skip
