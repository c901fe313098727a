"""The front page: the six focus points and the solutions' status on each."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from tvaers.anchoring import service
from tvaers.anchoring.model import FocusPoint, focus_points, status
from tvaers.core.publication import Column, DataTable
from tvaers.web.deps import DbSession, Viewer, render
from tvaers.web.tables import excel_response, wants_excel

router = APIRouter()


def _answered(point: FocusPoint) -> Column:
    """A focus point's answered questions as a number (not «3 af 12»), the total in the heading."""
    title = f"{point.number}. {point.title} (besvaret af {len(point.questions)})"
    return Column(f"fp{point.number}", title, "int")


@router.get("/", response_class=HTMLResponse)
def home(request: Request, who: Viewer, session: DbSession) -> Response:
    solutions = service.all_solutions(session)
    overview = [(s, status(service.current_answers(session, s.id))) for s in solutions]
    if wants_excel(request):
        return excel_response(
            DataTable(
                title="Løsningernes status pr. fokuspunkt",
                columns=[Column("name", "Løsning")] + [_answered(p) for p in focus_points()],
                rows=[
                    {"name": s.name, **{f"fp{x.number}": x.answered for x in st}}
                    for s, st in overview
                ],
                filename="status-pr-fokuspunkt",
            )
        )
    return render(request, "home.html", who, points=focus_points(), overview=overview)
