"""The competence plan (``/kompetenceplan``, focus point 4): the current version as a table of
levels and ceilings, the area chiefs' approval ceilings and KL's network rules, every version,
the plan as YAML to download, a new version pasted or uploaded (plan editors only,
:data:`tvaers.core.access.PLAN_EDITORS`, checked and audited by
:func:`tvaers.principles.service.import_plan`), and a calculator that tells where a grant
would go. No person-level data: every role may see it, under either purpose."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from tvaers.access import Actor
from tvaers.core.access import PLAN_EDITORS
from tvaers.core.money import format_dkk
from tvaers.core.publication import Column, DataTable
from tvaers.principles import catalogue, service
from tvaers.principles.catalogue import Catalogue
from tvaers.principles.model import GrantCost, PrinciplesError, monthly_amounts
from tvaers.principles.plan import CompetencePlan, describe_roles
from tvaers.store.models_principles import CompetencePlanVersion
from tvaers.web.deps import DbSession, Viewer, flash, redirect, render, settings_of, viewer
from tvaers.web.forms import form_text
from tvaers.web.pages.grants_form_page import intervention_choices
from tvaers.web.pages.grants_forms import read_route
from tvaers.web.tables import VERSION_COLUMNS, excel_download, version_cells, wants_excel
from tvaers.web.texts_grants import GRANT_COLUMNS as C
from tvaers.web.texts_grants import GRANTS as G

router = APIRouter(prefix="/kompetenceplan")
MAX_PLAN_BYTES = 200_000  # a competence plan is a page or two of YAML
ROUTE_FIELDS = ("intervention", "monthly_amount", "start", "end", "paying")


def _col(key: str, kind: str = "text") -> Column:
    return Column(key, C[key], kind)


def _applies(ceiling: Any, names: dict[str, str], known: Catalogue) -> str:
    if ceiling.intervention:
        facts = known.interventions.get(ceiling.intervention)
        return G["applies_intervention"].format(name=facts.name if facts else ceiling.intervention)
    if ceiling.sector_area:
        return G["applies_area"].format(name=names.get(ceiling.sector_area, ceiling.sector_area))
    return G["applies_all"]


def plan_tables(
    plan: CompetencePlan, versions: list[CompetencePlanVersion], known: Catalogue
) -> dict[str, DataTable]:
    """The plan's levels × ceilings, the area approval ceilings, KL's rules and the versions."""
    names = known.area_names
    rows: list[dict[str, Any]] = []
    for number, level in enumerate(plan.levels, 1):  # a plan's levels: a handful
        first = {"level_name": f"{number}. {level.name}",
                 "level_roles": describe_roles(level.roles).capitalize()}  # fmt: skip
        rows += [{**first, "applies_to": _applies(c, names, known), "plan_total": c.total,
                  "plan_per_year": c.per_year} for c in level.ceilings]  # fmt: skip
        if level.unlimited or not level.ceilings:
            rows.append({**first, "applies_to": G["applies_all"],
                         "note": G["unlimited"] if level.unlimited else None})  # fmt: skip
    levels = DataTable(G["levels"], [_col("level_name"), _col("level_roles"), _col("applies_to"),
                                     _col("plan_total", "money"),
                                     _col("plan_per_year", "money"), _col("note")],
                       rows, "kompetenceplan", [G["levels_hint"]])  # fmt: skip
    areas = DataTable(
        G["area_approval"], [_col("sector_area"), _col("approval_ceiling", "money")],
        [{"sector_area": G["default_area"] if code == "default" else names.get(code, code),
          "approval_ceiling": amount} for code, amount in plan.area_approval.items()],
        "kompetenceplan-fagchef", [G["area_approval_hint"]],
    )  # fmt: skip
    percent = plan.increase_without_approval_percent
    options = DataTable(G["options"], [_col("option"), _col("setting")], [
        {"option": G["option_increase"] if percent is not None else G["option_increase_none"],
         "setting": G["percent"].format(value=percent) if percent is not None else None},
        {"option": G["option_replacement"],
         "setting": "Ja" if plan.replacement_at_most_replaced else "Nej"},
    ], "kompetenceplan-kl")  # fmt: skip
    history = DataTable(
        G["versions"],
        [*VERSION_COLUMNS, _col("name"), _col("valid_from", "date"), _col("version_note")],
        [{**version_cells(v), "name": v.name, "valid_from": v.valid_from,
          "version_note": v.note or None} for v in versions],
        "kompetenceplan-versioner",
    )  # fmt: skip
    return {"levels": levels, "areas": areas, "options": options, "versions": history}


def _route(plan: CompetencePlan, known: Catalogue, values: dict[str, str]) -> dict[str, Any]:
    """The calculator's answer (``result``) or its ``errors`` per field / ``error``."""
    question, errors = read_route(values)
    if question is None:
        return {"errors": errors}
    try:
        facts = known.intervention(question.intervention)
        months = monthly_amounts(question.start, question.end, question.monthly)
        cost = GrantCost.of(months, facts.code, facts.sector_area)
        level = plan.route(cost)
    except PrinciplesError as exc:
        return {"errors": {}, "error": str(exc)}
    lines = [G["route_result"].format(total=format_dkk(cost.total),
                                      per_year=format_dkk(cost.per_year), level=level.name,
                                      roles=describe_roles(level.roles))]  # fmt: skip
    ceiling = plan.area_ceiling(question.paying) if question.paying else None
    if question.paying and ceiling is not None:
        area = known.area_names.get(question.paying, question.paying)
        text = "route_area" if plan.needs_area_approval(cost.total, question.paying) else (
            "route_no_area")  # fmt: skip
        lines.append(G[text].format(area=area, ceiling=format_dkk(ceiling)))
    return {"errors": {}, "result": lines}


def _page(
    request: Request, session: Session, who: Actor, status_code: int = 200,
    error: str | None = None, typed: dict[str, str] | None = None,
) -> Response:  # fmt: skip
    current = service.current_plan(session)
    known = catalogue.loaded(settings_of(request))
    tables = plan_tables(current[1], service.plan_versions(session), known) if current else {}
    if wants_excel(request):
        return excel_download(request, tables, "levels", "kompetenceplan")
    asked = {k: request.query_params.get(k, "") for k in ROUTE_FIELDS}
    route = _route(current[1], known, asked) if current and "beregn" in request.query_params else {}
    if route.get("errors") or route.get("error"):
        status_code = 422
    text = current[0].text if current else service.preset_plan_text()
    return render(
        request, "grants/plan.html", who, status_code=status_code, current=current,
        tables=tables, route=route, asked=asked, interventions=intervention_choices(known),
        areas=known.area_names, can_import=who.role in PLAN_EDITORS, error=error,
        typed=typed or {"text": text},
    )  # fmt: skip


@router.get("", response_class=HTMLResponse)
def plan_page(request: Request, who: Viewer, session: DbSession) -> Response:
    return _page(request, session, who)


def _decoded(content: bytes) -> str:
    if len(content) > MAX_PLAN_BYTES:
        raise PrinciplesError("Filen er for stor til at være en kompetenceplan.")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("cp1252", errors="replace")
    return text.replace("\r\n", "\n")


@router.post("/importer", response_class=HTMLResponse)
async def import_plan(request: Request, who: Viewer, session: DbSession) -> Response:
    form = await request.form()
    typed = {"text": form_text(form, "text"), "note": form_text(form, "note")}
    upload = form.get("fil")
    before = service.current_plan(session)
    try:
        if isinstance(upload, UploadFile) and upload.filename:
            text, source = _decoded(await upload.read(MAX_PLAN_BYTES + 1)), upload.filename
        else:
            text, source = typed["text"], "teksten"
        if not text.strip():
            raise PrinciplesError(G["import_missing"])
        # pasted or uploaded, the same plan is the same text: one line end at the end
        text = text.rstrip() + "\n"
        version = service.import_plan(session, who, text, typed["note"], source[:100])
    except PrinciplesError as exc:
        session.rollback()
        return _page(request, session, who, 422, str(exc), typed)
    same = before is not None and before[0].version == version.version
    flash(request, G["unchanged" if same else "imported"].format(version=version.version))
    return redirect("/kompetenceplan")


@router.get("/yaml", dependencies=[Depends(viewer)])
def download_plan(session: DbSession, version: int | None = None) -> Response:
    found = [v for v in service.plan_versions(session) if version in (None, v.version)]
    if not found:
        raise HTTPException(404)
    text = found[0].text
    return Response(
        text.encode("utf-8"),
        media_type="application/yaml; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="kompetenceplan-v{found[0].version}.yaml"'
        },
    )
