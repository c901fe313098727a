"""The front page: the six focus points and the solutions' status on each."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from tvaers.anchoring import service
from tvaers.anchoring.model import focus_points, status
from tvaers.web.deps import Viewer, db, render, viewer

router = APIRouter()


@router.get("/", response_class=HTMLResponse)
def home(
    request: Request, who: Viewer = Depends(viewer), session: Session = Depends(db)
) -> HTMLResponse:
    solutions = service.all_solutions(session)
    overview = [(s, status(service.current_answers(session, s.id))) for s in solutions]
    return render(request, "home.html", who, points=focus_points(), overview=overview)
