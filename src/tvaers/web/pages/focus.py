"""One page per focus point: what it is about, its reflection questions, each solution's answers."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from tvaers.access import Actor
from tvaers.anchoring import service
from tvaers.anchoring.model import focus_points
from tvaers.web.deps import db, render, viewer
from tvaers.web.tables import Column, DataTable, excel_response, wants_excel

router = APIRouter(prefix="/fokuspunkter")


@router.get("", response_class=HTMLResponse)
def index(request: Request, who: Actor = Depends(viewer)) -> HTMLResponse:
    return render(request, "focus_index.html", who, points=focus_points())


@router.get("/{number}", response_class=HTMLResponse)
def focus_point(
    request: Request,
    number: int,
    who: Actor = Depends(viewer),
    session: Session = Depends(db, scope="function"),
) -> Response:
    point = next((p for p in focus_points() if p.number == number), None)
    if point is None:
        raise HTTPException(404)
    solutions = service.all_solutions(session)
    answers = {s.id: service.current_answers(session, s.id) for s in solutions}
    table = DataTable(
        title=f"Fokuspunkt {point.number}: {point.title}",
        columns=[
            Column("solution", "Løsning"),
            Column("question", "Spørgsmål"),
            Column("answer", "Svar"),
        ],
        rows=[
            {"solution": s.name, "question": q.text, "answer": answers[s.id].get(q.key)}
            for s in solutions
            for q in point.questions
        ],
        filename=f"fokuspunkt-{point.number}",
    )
    if wants_excel(request):
        return excel_response(table)
    return render(
        request, "focus.html", who, point=point, solutions=solutions, answers=answers, table=table
    )
