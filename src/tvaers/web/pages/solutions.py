"""Focus points 1 and 3: solutions, their versions, and the reflection checklist."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from tvaers.access import Actor
from tvaers.anchoring import service
from tvaers.anchoring.model import focus_points, status
from tvaers.core.access import SOLUTION_EDITORS
from tvaers.core.money import format_dkk
from tvaers.core.periods import danish_date
from tvaers.core.publication import Column, DataTable
from tvaers.store.models import Solution
from tvaers.web.deps import DbSession, Viewer, flash, redirect, render, require
from tvaers.web.forms import DATE_FIELDS, TEXT_LIMITS, form_values, solution_from_form
from tvaers.web.pages.focus import ANSWER_COLUMNS
from tvaers.web.pages.principles import placement_summary
from tvaers.web.tables import VERSION_COLUMNS, table_page, version_cells
from tvaers.web.texts import T

router = APIRouter(prefix="/loesninger")
editor = require(*SOLUTION_EDITORS)
Editor = Annotated[Actor, Depends(editor)]


def _solution(session: Session, solution_id: int) -> Solution:
    try:
        return service.get(session, solution_id)
    except service.NotFound as exc:
        raise HTTPException(404) from exc


def _list_table(solutions: list[Solution], session: Session) -> DataTable:
    rows = []
    for s in solutions:
        answers = service.current_answers(session, s.id)
        done = sum(1 for st in status(answers) if st.done)
        rows.append(
            {
                "name": s.name,
                "municipality": s.data.get("municipality"),
                "organisation_model": _marked(
                    s.data,
                    "organisation_model",
                    T.organisation_models.get(s.data.get("organisation_model") or "", ""),
                ),
                "families": s.data.get("families"),
                "version": s.version,
                "focus": done,  # a number Excel can sum; «af 6» is in the heading
                "updated_at": s.updated_at,
                "href": f"/loesninger/{s.id}",
            }
        )
    return DataTable(
        title="Tværgående løsninger",
        columns=[
            Column("name", T.fields["name"]),
            Column("municipality", T.fields["municipality"]),
            Column("organisation_model", T.fields["organisation_model"]),
            Column("families", "Familier", "int"),
            Column("focus", f"Fokuspunkter besvaret (af {len(focus_points())})", "int"),
            Column("version", T.version, "int"),
            Column("updated_at", "Senest ændret", "datetime"),
        ],
        rows=rows,
        filename="tvaergaaende-loesninger",
    )


@router.get("", response_class=HTMLResponse)
def list_solutions(request: Request, who: Viewer, session: DbSession) -> Response:
    table = _list_table(service.all_solutions(session), session)
    return table_page(
        request, who, "solutions/list.html", table, can_edit=who.role in SOLUTION_EDITORS
    )


def _form_page(
    request: Request,
    who: Actor,
    solution: Solution | None,
    values: dict[str, Any],
    errors: dict[str, str] | None = None,
) -> HTMLResponse:
    """The form for a new solution (``solution`` None) or an edit; shown again with the Danish
    ``errors`` (422) and what the user wrote when the post could not be saved."""
    return render(
        request, "solutions/form.html", who, status_code=422 if errors else 200, values=values,
        errors=errors or {}, solution=solution, limits=TEXT_LIMITS,
    )  # fmt: skip


@router.get("/ny", response_class=HTMLResponse)
def new_form(request: Request, who: Editor) -> HTMLResponse:
    return _form_page(request, who, None, {})


@router.post("/ny", response_class=HTMLResponse)
async def create(request: Request, who: Editor, session: DbSession) -> Response:
    data, values, errors = solution_from_form(await request.form())
    if data is None:
        return _form_page(request, who, None, values, errors)
    solution = service.create(session, data, who.username)
    flash(request, f"Løsningen «{solution.name}» er oprettet.")
    return redirect(f"/loesninger/{solution.id}")


@router.get("/{solution_id}", response_class=HTMLResponse)
def view(request: Request, solution_id: int, who: Viewer, session: DbSession) -> Response:
    solution = _solution(session, solution_id)
    answers = service.current_answers(session, solution_id)
    table = DataTable(
        title=solution.name,
        columns=[Column("field", T.field), Column("value", "Værdi")],
        rows=[
            {"field": T.fields[k], "value": _marked(solution.data, k, _shown(k, v))}
            for k, v in solution.data.items()
            if k in T.fields and k != "inferred"
        ],
        filename=f"loesning-{solution.id}",
    )
    return table_page(
        request,
        who,
        "solutions/view.html",
        table,
        solution=solution,
        status=status(answers),
        can_edit=who.role in SOLUTION_EDITORS,
        placements=placement_summary(session, solution),
    )


def _marked(data: dict[str, Any], key: str, shown: Any) -> Any:
    """A value the sources do not state but that is deduced from them, marked as such."""
    if shown in (None, "") or key not in (data.get("inferred") or []):
        return shown
    return f"{shown} ({T.inferred_mark})"


def _shown(key: str, value: Any) -> Any:
    if value is not None and key == "annual_economy":
        return format_dkk(Decimal(str(value)))
    if value and key in DATE_FIELDS:
        return danish_date(date.fromisoformat(str(value)))
    if key == "inferred":
        return "; ".join(T.fields.get(k, k) for k in value or []) or None
    if key == "organisation_model":
        return T.organisation_models.get(value or "", value)
    if key == "staff":
        return "; ".join(f"{s['staff_type']}: {s['number']}" for s in value or []) or None
    if isinstance(value, list):
        return "; ".join(value) or None
    if isinstance(value, bool):
        return T.yes if value else T.no
    return value


@router.get("/{solution_id}/rediger", response_class=HTMLResponse)
def edit_form(request: Request, solution_id: int, who: Editor, session: DbSession) -> HTMLResponse:
    solution = _solution(session, solution_id)
    return _form_page(request, who, solution, form_values(solution.data))


@router.post("/{solution_id}/rediger", response_class=HTMLResponse)
async def save(request: Request, solution_id: int, who: Editor, session: DbSession) -> Response:
    solution = _solution(session, solution_id)
    data, values, errors = solution_from_form(await request.form())
    if data is None:
        return _form_page(request, who, solution, values, errors)
    before = solution.version
    service.update(session, solution_id, data, who.username)
    flash(request, T.saved if solution.version != before else T.no_changes)
    return redirect(f"/loesninger/{solution_id}")


@router.get("/{solution_id}/historik", response_class=HTMLResponse)
def history(request: Request, solution_id: int, who: Viewer, session: DbSession) -> Response:
    solution = _solution(session, solution_id)
    rows = [
        {
            **version_cells(v),
            "field": T.fields.get(field, field),
            "before": _shown(field, old),
            "after": _shown(field, new),
        }
        for v in service.versions(session, solution_id)
        for field, (old, new) in v.changes.items()
    ]
    table = DataTable(
        title=f"Versionshistorik: {solution.name}",
        columns=[
            *VERSION_COLUMNS,
            Column("field", T.field),
            Column("before", T.before),
            Column("after", T.after),
        ],
        rows=rows,
        filename=f"historik-loesning-{solution.id}",
    )
    return table_page(request, who, "solutions/history.html", table, solution=solution)


@router.get("/{solution_id}/refleksion", response_class=HTMLResponse)
def reflection(request: Request, solution_id: int, who: Viewer, session: DbSession) -> Response:
    solution = _solution(session, solution_id)
    answers = service.current_answers(session, solution_id)
    history = service.answer_history(session, solution_id)
    questions = {q.key: q for p in focus_points() for q in p.questions}
    table = DataTable(
        title=f"Refleksionsspørgsmål: {solution.name}",
        columns=[
            Column("focus", "Fokuspunkt"),
            *ANSWER_COLUMNS,
            Column("answered_by", "Besvaret af"),
            Column("answered_at", T.changed_at, "datetime"),
        ],
        rows=[
            {
                "focus": p.number,
                "question": q.text,
                "answer": q.shown(answers.get(q.key, "")),
                "answered_by": next((h.answered_by for h in history if h.question == q.key), None),
                "answered_at": next((h.answered_at for h in history if h.question == q.key), None),
            }
            for p in focus_points()
            for q in p.questions
        ],
        filename=f"refleksion-loesning-{solution.id}",
    )
    return table_page(
        request,
        who,
        "solutions/reflection.html",
        table,
        solution=solution,
        points=focus_points(),
        answers=answers,
        status=status(answers),
        history=history,
        questions=questions,
        can_edit=who.role in SOLUTION_EDITORS,
    )


@router.post("/{solution_id}/refleksion", response_class=HTMLResponse)
async def answer(
    request: Request, solution_id: int, who: Editor, session: DbSession
) -> RedirectResponse:
    _solution(session, solution_id)
    form = await request.form()
    changed = 0
    shown = set(str(form.get("questions", "")).split())
    for point in focus_points():
        for q in point.questions:
            if q.key not in shown:
                continue
            value = (
                ",".join(str(v) for v in form.getlist(q.key))
                if q.multiple
                else str(form.get(q.key, ""))
            )
            if q.valid(value) and service.answer(session, solution_id, q.key, value, who.username):
                changed += 1
    flash(request, f"{changed} svar er gemt." if changed else T.no_changes)
    anchor = str(form.get("focus", ""))
    return redirect(f"/loesninger/{solution_id}/refleksion" + (f"#fp{anchor}" if anchor else ""))
