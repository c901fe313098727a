"""The front page: the six focus points and the solutions' status on each."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from tvaers.anchoring import service
from tvaers.anchoring.model import focus_points, status
from tvaers.core.publication import Column, DataTable
from tvaers.web.deps import DbSession, Viewer, render
from tvaers.web.tables import excel_response, wants_excel

router = APIRouter()


@router.get("/", response_class=HTMLResponse)
def home(request: Request, who: Viewer, session: DbSession) -> Response:
    solutions = service.all_solutions(session)
    overview = [(s, status(service.current_answers(session, s.id))) for s in solutions]
    if wants_excel(request):
        return excel_response(
            DataTable(
                title="Løsningernes status pr. fokuspunkt",
                columns=[Column("name", "Løsning")]
                + [Column(f"fp{p.number}", f"{p.number}. {p.title}") for p in focus_points()],
                rows=[
                    {"name": s.name, **{f"fp{x.number}": f"{x.answered} af {x.total}" for x in st}}
                    for s, st in overview
                ],
                filename="status-pr-fokuspunkt",
            )
        )
    return render(request, "home.html", who, points=focus_points(), overview=overview)
