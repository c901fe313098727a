"""Focus point 2, the rules: the list of target-group rule sets, a new one, YAML import, editing
with a note, the versions and the YAML download.

Statistical purpose only: a rule set is a description, not data about anyone. Every signed-in
role may read the rules; editors (SOLUTION_EDITORS and the analyst) may change them. A rule with
an error is refused with the message of :mod:`tvaers.selection.parse`, which names the wrong
part (``include.all[0].benefit.types``); nothing is saved then.

The statistical view of a rule set is in :mod:`tvaers.web.pages.selection_view`, the casework
per solution in :mod:`tvaers.web.pages.selection_casework`.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from tvaers.access import Actor
from tvaers.core.access import SOLUTION_EDITORS, Role
from tvaers.core.errors import ConfigError, NotFound
from tvaers.core.publication import Column, DataTable
from tvaers.selection import rule_store
from tvaers.selection.parse import parse_rule_set
from tvaers.selection.rule_files import decode_rule_text
from tvaers.selection.rules import RuleSet
from tvaers.store.models import TargetGroupRule, TargetGroupRuleVersion
from tvaers.web import progress
from tvaers.web.deps import DbSession, Viewer, flash, redirect, render, require, viewer
from tvaers.web.pages.selection_sizes import SIZE_COLUMNS, Sizes, group_sizes
from tvaers.web.tables import VERSION_COLUMNS, table_page, version_cells
from tvaers.web.texts import T

router = APIRouter(prefix="/maalgrupper")
RULE_EDITORS = frozenset({*SOLUTION_EDITORS, Role.ANALYST})
editor = require(*RULE_EDITORS)
Editor = Annotated[Actor, Depends(editor)]
S = T.selection
# Paths of this module under /maalgrupper/: a rule set may not be named like one of them.
RESERVED = frozenset({"ny", "importer"})
MAX_UPLOAD = 100_000
NEW_TEMPLATE = """\
rule_set: min_maalgruppe
label: "Min målgruppe"
description: >-
  Borgere i kontakt med mindst to sektorområder det seneste år.
unit: citizen
lookback_months: 12
include:
  all:
    - sector_areas: {min: 2}
score:
  weights:
    sector_areas: 2
    interventions: 1
"""


def known_rule(session: Session, key: str) -> TargetGroupRule:
    """The stored rule set ``key`` (the ready-made ones are stored on first use), or 404."""
    rule = rule_store.find_rule(session, key)
    if rule is None:
        rule_store.load_ready_made(session, S["ready_made_actor"])
        rule = rule_store.find_rule(session, key)
    if rule is None:
        raise HTTPException(404)
    return rule


def stored(session: Session, key: str, version: int | None = None) -> tuple[RuleSet, Any]:
    """(rule set, version row) of a stored rule set, or 404 (also for an unknown version)."""
    known_rule(session, key)
    try:
        return rule_store.get_rule(session, key, version)
    except NotFound as exc:
        raise HTTPException(404) from exc


def _text(value: Any) -> str:
    """A textarea's text as the user wrote it, with the browser's CRLF turned into LF."""
    return str(value or "").replace("\r\n", "\n")


def _save(
    session: Session,
    who: Actor,
    text: str,
    note: str,
    source: str,
    *,
    key: str | None = None,
    new: bool = False,
) -> tuple[TargetGroupRuleVersion | None, str | None]:
    """Save a rule set: (version, None), or (None, the Danish error) with nothing saved."""
    try:
        rule = parse_rule_set(text, source)
    except ConfigError as exc:
        return None, str(exc)
    if key is not None and rule.key != key:
        return None, S["key_changed"].format(key=key)
    if rule.key in RESERVED:
        return None, S["key_reserved"].format(key=rule.key)
    if new and rule_store.find_rule(session, rule.key) is not None:
        return None, S["key_exists"].format(key=rule.key)
    try:
        return rule_store.save_rule(session, text, who.username, note, source=source), None
    except ConfigError as exc:
        return None, str(exc)


def _saved(
    request: Request, session: Session, row: TargetGroupRuleVersion, before: int | None
) -> RedirectResponse:
    """Say what was saved (a new version, or none for an unchanged text) and show the rule set."""
    rule = session.get_one(TargetGroupRule, row.rule_id)
    if before is not None and row.version == before:
        flash(request, str(S["unchanged"]).format(label=rule.label))
    else:
        flash(request, str(S["saved_new"]).format(label=rule.label, version=row.version))
    return redirect(f"/maalgrupper/{rule.key}")


# --- the list ---------------------------------------------------------------------------------


def _list_table(current: list[Any], sizes: Sizes) -> DataTable:
    rows = [
        {
            "key": rule.key,
            "label": rule.label,
            "unit": S["units"].get(rule.unit, rule.unit),
            **sizes.cells(rule.key),
            "version": rule.version,
            "ready_made": rule.ready_made,
            "changed_by": version.changed_by,
            "changed_at": version.changed_at,
        }
        for rule, version, _rule_set in current
    ]
    return DataTable(
        title=S["rules"],
        columns=[
            Column("label", S["label"]),
            Column("key", S["key"]),
            Column("unit", S["unit"]),
            *SIZE_COLUMNS,
            Column("version", T.version, "int"),
            Column("ready_made", S["ready_made"], "bool"),
            Column("changed_by", T.changed_by),
            Column("changed_at", T.changed_at, "datetime"),
        ],
        rows=rows,
        filename="maalgrupper-regelsaet",
        notes=[T.suppressed_note],
    )


def _list_page(
    request: Request, who: Actor, session: Session, error: str | None = None, note: str = ""
) -> Response:
    """The list (or its Excel file); with the import's ``error`` (422) and the user's note."""
    rule_store.load_ready_made(session, S["ready_made_actor"])
    current = rule_store.current_rules(session)
    sizes = group_sizes(request, {rule.key: rule_set for rule, _version, rule_set in current})
    if sizes.polled:
        return progress.reload() if sizes.job is None else progress.waiting(request, who, sizes.job)
    return table_page(
        request, who, "selection/list.html", _list_table(current, sizes),
        status_code=422 if error else 200, can_edit=who.role in RULE_EDITORS, error=error,
        note=note, computing=sizes.job, poll=progress.POLL, header=progress.POLLING,
    )  # fmt: skip


@router.get("", response_class=HTMLResponse)
def list_rules(request: Request, who: Viewer, session: DbSession) -> Response:
    return _list_page(request, who, session)


@router.post("/importer", response_class=HTMLResponse)
async def import_rule(request: Request, who: Editor, session: DbSession) -> Response:
    form = await request.form()
    upload = form.get("fil")
    note = _text(form.get("note")).strip()
    if not isinstance(upload, UploadFile) or not upload.filename:
        return _list_page(request, who, session, S["file_missing"], note)
    content = await upload.read(MAX_UPLOAD + 1)
    if len(content) > MAX_UPLOAD:
        return _list_page(request, who, session, S["file_too_large"], note)
    name = upload.filename.rsplit("/", 1)[-1][:100]
    try:
        text = decode_rule_text(content, name)
    except ConfigError as exc:
        return _list_page(request, who, session, str(exc), note)
    before = _current_version(session, text)
    row, error = _save(session, who, text, note, name)
    if row is None:
        return _list_page(request, who, session, error, note)
    return _saved(request, session, row, before)


def _current_version(session: Session, text: str) -> int | None:
    """The stored version of the rule set the text names, if it is stored (for the message)."""
    try:
        rule = rule_store.find_rule(session, parse_rule_set(text).key)
    except ConfigError:
        return None
    return rule.version if rule else None


# --- new and edit -----------------------------------------------------------------------------


def _edit_page(
    request: Request,
    who: Actor,
    rule: TargetGroupRule | None,
    text: str,
    note: str = "",
    error: str | None = None,
) -> HTMLResponse:
    """The YAML form for a new rule set (``rule`` None) or a new version of ``rule``; shown
    again with the error (422) and the user's text when it could not be saved."""
    return render(
        request, "selection/edit.html", who, status_code=422 if error else 200, rule=rule,
        text=text, note=note, error=error,
    )  # fmt: skip


async def _save_posted(
    request: Request, who: Actor, session: Session, rule: TargetGroupRule | None
) -> Response:
    """Save the posted YAML as a new rule set (``rule`` None) or a new version of ``rule``."""
    before = rule.version if rule else None
    form = await request.form()
    text, note = _text(form.get("yaml")), _text(form.get("note")).strip()
    if rule is None:
        row, error = _save(session, who, text, note, "regelsæt", new=True)
    else:
        row, error = _save(session, who, text, note, f"regelsæt '{rule.key}'", key=rule.key)
    if row is None:
        return _edit_page(request, who, rule, text, note, error)
    return _saved(request, session, row, before)


@router.get("/ny", response_class=HTMLResponse)
def new_form(request: Request, who: Editor) -> HTMLResponse:
    return _edit_page(request, who, None, NEW_TEMPLATE)


@router.post("/ny", response_class=HTMLResponse)
async def create(request: Request, who: Editor, session: DbSession) -> Response:
    return await _save_posted(request, who, session, None)


@router.get("/{key}/rediger", response_class=HTMLResponse)
def edit_form(request: Request, key: str, who: Editor, session: DbSession) -> HTMLResponse:
    rule = known_rule(session, key)
    return _edit_page(request, who, rule, rule_store.export_rule(session, key))


@router.post("/{key}/rediger", response_class=HTMLResponse)
async def save(request: Request, key: str, who: Editor, session: DbSession) -> Response:
    return await _save_posted(request, who, session, known_rule(session, key))


# --- versions and YAML ------------------------------------------------------------------------


@router.get("/{key}/versioner", response_class=HTMLResponse)
def versions(request: Request, key: str, who: Viewer, session: DbSession) -> Response:
    rule = known_rule(session, key)
    table = DataTable(
        title=f"{T.history}: {rule.label}",
        columns=[
            *VERSION_COLUMNS,
            Column("label", S["label"]),
            Column("note", S["note"]),
        ],
        rows=[
            {
                **version_cells(v),
                "label": v.data.get("label"),
                "note": v.note or None,
            }
            for v in rule_store.rule_versions(session, key)
        ],
        filename=f"maalgruppe-{key}-versioner",
    )
    return table_page(request, who, "selection/versions.html", table, rule=rule)


@router.get("/{key}/yaml", dependencies=[Depends(viewer)])
def download_yaml(key: str, session: DbSession, version: int | None = None) -> Response:
    _, row = stored(session, key, version)
    text = rule_store.export_rule(session, key, row.version)
    return Response(
        text.encode("utf-8"),
        media_type="application/yaml; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{key}-v{row.version}.yaml"'},
    )
