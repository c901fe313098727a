"""The area chief's inbox (``/indbakke``, focus point 4): the grants waiting for the signed-in
user's decision — as the paying area's chief, and on a level of the competence plan where their
role decides — the grants over the ceiling on their area, and what the solutions have committed
on their area's budget per month (a table and a chart).

Under the casework purpose the grants and the exact sums are shown per solution the user passes
the gate for (:func:`tvaers.access.solution`: a role that may do casework and the solution's
selection basis; one audit entry per solution, naming each listed citizen); the solutions they
do not pass are named, and nothing of them is shown. Under the statistical purpose only the
monthly sums are shown, with small cells suppressed, and the page says so. Any role may open the
page; a user who is not tied to a sector area (``users.sector_area``) has no budget to show.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from tvaers import access
from tvaers.access import Actor
from tvaers.anchoring.service import all_solutions
from tvaers.core.errors import AccessRefused
from tvaers.core.publication import DataTable
from tvaers.principles import (
    catalogue,
    grant_decisions,
    inbox,
    published,
    service,
    solution_figures,
)
from tvaers.principles.inbox import CommittedMonth
from tvaers.store.models_principles import Grant
from tvaers.web.deps import DbSession, Viewer, render, settings_of
from tvaers.web.pages.grants_tables import (
    committed_table,
    over_ceiling_table,
    waiting_table,
)
from tvaers.web.tables import excel_download, wants_excel
from tvaers.web.texts_grants import GRANTS as G

router = APIRouter()
Waiting = list[tuple[Grant, list[dict[str, Any]]]]  # a grant and the requirements one decides


def _gated(
    session: Session,
    who: Actor,
    export: bool,
    solutions: Sequence[int],
    grants: Sequence[Grant],
    months: int,
) -> set[int]:
    """The solutions whose people the actor may see, each view logged with the citizens it
    lists; a refused solution shows nothing (and logs nothing)."""
    allowed = set()
    for solution_id in solutions:  # the solutions with grants for the actor: a handful
        listed = sorted({g.subject for g in grants
                         if g.solution_id == solution_id and g.unit == "citizen"})  # fmt: skip
        try:
            access.solution(
                session, who, solution_id, "indbakke_eksporteret" if export else "indbakke_vist",
                listed=listed, detail={"grants": len(listed), "committed_months": months},
            )  # fmt: skip
        except AccessRefused:
            continue
        allowed.add(solution_id)
    return allowed


def _split(waiting: Sequence[tuple[Grant, list[str]]]) -> tuple[Waiting, Waiting]:
    """The waiting grants as the paying area's chief decides them, and on a level."""
    by_area: Waiting = []
    by_level: Waiting = []
    for grant, keys in waiting:  # the open proposals the actor may decide
        mine = [r for r in grant.requirements if r["key"] in keys]
        if areas := [r for r in mine if r.get("area")]:
            by_area.append((grant, areas))
        if levels := [r for r in mine if not r.get("area")]:
            by_level.append((grant, levels))
    return by_area, by_level


def _casework_tables(
    request: Request, session: Session, who: Actor, area: str | None, names: dict[int, str],
    committed: list[CommittedMonth],
) -> tuple[dict[str, DataTable], list[str]]:  # fmt: skip
    """The person-level inbox of the solutions the actor passes the gate for, and the names of
    those they do not."""
    waiting = inbox.waiting_for(session, who)
    over = inbox.over_ceiling(session, area) if area else []
    involved = list(dict.fromkeys([g.solution_id for g, _ in waiting]
                                  + [g.solution_id for g in over]
                                  + [r.solution_id for r in committed]))  # fmt: skip
    grants = [g for g, _ in waiting] + over
    allowed = _gated(session, who, wants_excel(request), involved, grants, len(committed))
    by_area, by_level = _split([(g, keys) for g, keys in waiting if g.solution_id in allowed])
    tables = {
        "area": waiting_table(by_area, names, G["waiting_area"], G["waiting_area_hint"],
                              "indbakke-omraade"),
        "level": waiting_table(by_level, names, G["waiting_level"], G["waiting_level_hint"],
                               "indbakke-niveau"),
    }  # fmt: skip
    if area:
        current = service.current_plan(session)
        shown = [g for g in over if g.solution_id in allowed]
        tables["over"] = over_ceiling_table(shown, names, area, current[1] if current else None)
        tables["committed"] = committed_table(
            [r for r in committed if r.solution_id in allowed], casework=True
        )
    hidden = [names.get(s, str(s)) for s in involved if s not in allowed]
    return tables, hidden


@router.get("/indbakke", response_class=HTMLResponse)
def inbox_page(request: Request, who: Viewer, session: DbSession) -> Response:
    area = grant_decisions.actor_area(session, who)
    area_names = catalogue.loaded(settings_of(request)).area_names if area else {}
    names = {s.id: s.name for s in all_solutions(session)}
    committed = inbox.committed(session, area=area) if area else []
    hidden: list[str] = []
    if who.casework:
        tables, hidden = _casework_tables(request, session, who, area, names, committed)
    else:
        tables = {}
        if area:
            subjects = published.committed_subjects(inbox.grants(session, area=area), area, names)
            shown = published.committed_table(
                request.app.state.sessions, who.username, area, committed, subjects
            )
            tables["committed"] = committed_table(committed, False, shown)
    if wants_excel(request):
        return excel_download(request, tables, next(iter(tables), "committed"), "indbakke")
    warned = solution_figures.warnings(settings_of(request), session, area) if area else []
    return render(
        request, "grants/inbox.html", who, area=area,
        area_name=area_names.get(area or "", area), tables=tables, hidden=hidden,
        capacity_warnings=warned,
    )  # fmt: skip
