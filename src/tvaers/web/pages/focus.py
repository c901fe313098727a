"""One page per focus point: what it is about, its reflection questions, each solution's answers."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from tvaers.anchoring import service
from tvaers.anchoring.model import focus_points
from tvaers.core.publication import Column, DataTable
from tvaers.web.deps import DbSession, Viewer, render
from tvaers.web.tables import table_page

router = APIRouter(prefix="/fokuspunkter")
ANSWER_COLUMNS = (Column("question", "Spørgsmål"), Column("answer", "Svar"))
"""A reflection question and a solution's answer to it."""


@router.get("", response_class=HTMLResponse)
def index(request: Request, who: Viewer) -> HTMLResponse:
    return render(request, "focus_index.html", who, points=focus_points())


@router.get("/{number}", response_class=HTMLResponse)
def focus_point(request: Request, number: int, who: Viewer, session: DbSession) -> Response:
    point = next((p for p in focus_points() if p.number == number), None)
    if point is None:
        raise HTTPException(404)
    solutions = service.all_solutions(session)
    answers = {s.id: service.current_answers(session, s.id) for s in solutions}
    table = DataTable(
        title=f"Fokuspunkt {point.number}: {point.title}",
        columns=[
            Column("solution", "Løsning"),
            *ANSWER_COLUMNS,
        ],
        rows=[
            {"solution": s.name, "question": q.text, "answer": answers[s.id].get(q.key)}
            for s in solutions
            for q in point.questions
        ],
        filename=f"fokuspunkt-{point.number}",
    )
    return table_page(
        request, who, "focus.html", table, point=point, solutions=solutions, answers=answers
    )
