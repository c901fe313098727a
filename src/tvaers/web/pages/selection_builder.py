"""Focus point 2, the rule builder: a target-group rule set as fields and choices instead of YAML.

``/maalgrupper/ny/byg`` builds a new rule set, ``/maalgrupper/{key}/byg`` a new version of a
stored one (or, for a role that may not change rules, a what-if that is never saved). The form is
read and written by :mod:`tvaers.selection.builder`; saving stores the YAML the builder writes
as a new version with a note (:func:`tvaers.selection.rule_store.save_rule`), like the YAML edit.
As the user changes the form, htmx posts it to ``…/byg/antal`` and the group's size and cost
under the form replace the count (:func:`tvaers.selection.live.look`: suppressed and published
through the ledger like every statistic). Without JavaScript the buttons «Tilføj betingelse»,
«Fjern» and «Vis antal» post the form and the page comes back with what was typed.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from tvaers import access
from tvaers.access import Actor
from tvaers.selection import builder, rule_store
from tvaers.selection.builder import BuilderForm, Errors
from tvaers.selection.dump import rule_set_to_yaml
from tvaers.selection.live import Look, look
from tvaers.selection.rules import MEASURE_LABELS, RuleSet
from tvaers.store.models import TargetGroupRule
from tvaers.web.deps import DbSession, Viewer, flash, redirect, render, settings_of
from tvaers.web.pages.selection import RESERVED, RULE_EDITORS, Editor, stored
from tvaers.web.texts import T

router = APIRouter(prefix="/maalgrupper")
S = T.selection
B = S["builder"]
NEW = "/maalgrupper/ny/byg"


@dataclass
class Builder:
    """One request to the builder: the stored rule set it edits (``None`` for a new one) and
    the form as posted (or as stored)."""

    form: BuilderForm
    stored: RuleSet | None = None
    row: TargetGroupRule | None = None
    text: str = ""

    @property
    def action(self) -> str:
        return f"/maalgrupper/{self.row.key}/byg" if self.row else NEW


def _open(session: Session, key: str) -> Builder:
    rule, _version = stored(session, key)
    row = rule_store.rule_row(session, key)
    text = rule_store.export_rule(session, key)
    return Builder(builder.form_from_rule(rule), rule, row, text)


async def _posted(request: Request) -> tuple[BuilderForm, str | None, str]:
    """The posted form with its action applied, the node just added, and the action."""
    form = await request.form()
    post: dict[str, list[str]] = {}
    for name, value in form.multi_items():
        if isinstance(value, str) and name != "csrf_token":
            post.setdefault(name, []).append(value)
    built, added = builder.form_from_post(post)
    return built, added, (post.get("action") or [""])[0]


def _look(request: Request, who: Actor, rule: RuleSet | None) -> Look:
    return look(settings_of(request), request.app.state.sessions, who.username, rule)


def _page(
    request: Request, who: Actor, state: Builder, *, errors: Errors | None = None,
    added: str | None = None, counted: bool = True,
) -> HTMLResponse:  # fmt: skip
    """The builder with the form as given; ``errors`` (422) in the summary at the top."""
    key = state.row.key if state.row else None
    rule, problems = builder.rule_from_form(state.form, key)
    found = _look(request, who, rule if counted else None)
    return render(
        request, "selection/builder.html", who, status_code=422 if errors else 200,
        state=state, form=state.form, errors=errors or {}, problems=_items(state.form, problems),
        error_items=_items(state.form, errors or {}), added=added, look=found,
        benefits=builder.benefit_choices(found.benefits, _chosen(state.form)),
        can_save=who.role in RULE_EDITORS, comments=_has_comments(state.text),
        measures=MEASURE_LABELS, legends=_legends(state.form),
    )  # fmt: skip


def _legends(form: BuilderForm) -> dict[str, str]:
    """Node id -> «Betingelse 3» / «Undtagelse 5»: the number of each condition in the form."""
    return {
        n.id: f"{B['condition'][builder.root_of(form, n)]} {number}"
        for number, n in enumerate(form.nodes, start=1)
    }


def _chosen(form: BuilderForm) -> list[str]:
    return [t for n in form.nodes for t in n.types]


def _has_comments(text: str) -> bool:
    return any(line.lstrip().startswith("#") for line in text.splitlines())


def _items(form: BuilderForm, errors: dict[str, str]) -> list[tuple[str, str]]:
    """The errors as the summary lists them: (field id, «where: what»), in the form's order."""
    where: dict[str, str] = {"rule_set": B["key"], "label": B["label"], "unit-citizen": B["unit"],
                             "lookback_months": B["lookback"], "score_min": B["score_min"],
                             "include-new": B["include"]}  # fmt: skip
    for measure, label in MEASURE_LABELS.items():
        where[f"w-{measure.value}"] = str(B["weight"]).format(label=label)
    for node in form.nodes:
        where[node.id] = f"{_legends(form)[node.id]} ({B['kinds'][node.kind].lower()})"
    items = []
    for field_id, message in errors.items():
        node_id = field_id.split("-", 1)[0]
        items.append((field_id, f"{where.get(field_id) or where.get(node_id, '')}: {message}"))
    return items


async def _post(request: Request, who: Actor, session: Session, state: Builder) -> Response:
    """A post of the form: save, or apply «Tilføj betingelse»/«Fjern»/«Vis antal» and show it.
    The count evaluates the rule over the municipality: off the event loop."""
    state.form, added, action = await _posted(request)
    return await run_in_threadpool(_answer, request, who, session, state, added, action)


def _answer(
    request: Request, who: Actor, session: Session, state: Builder, added: str | None,
    action: str,
) -> Response:  # fmt: skip
    if action != "save":
        show_errors = action == "count"
        errors = builder.rule_from_form(state.form, state.row.key if state.row else None)[1]
        return _page(request, who, state, added=added, errors=errors if show_errors else None)
    access.require_role(who, RULE_EDITORS, "At gemme et regelsæt")
    rule, errors = builder.rule_from_form(state.form, state.row.key if state.row else None)
    if rule is not None and state.row is None:
        if rule.key in RESERVED:
            errors.add("rule_set", str(S["key_reserved"]).format(key=rule.key))
        elif rule_store.find_rule(session, rule.key) is not None:
            errors.add("rule_set", str(S["key_exists"]).format(key=rule.key))
    if rule is None or errors:
        return _page(request, who, state, errors=errors)
    if state.row is not None and rule == state.stored:
        flash(request, str(S["unchanged"]).format(label=state.row.label))
        return redirect(f"/maalgrupper/{rule.key}")
    note = state.form.values.get("note", "")
    row = rule_store.save_rule(session, rule_set_to_yaml(rule), who.username, note,
                               source="regelbyggeren")  # fmt: skip
    flash(request, str(S["saved_new"]).format(label=rule.label, version=row.version))
    return redirect(f"/maalgrupper/{rule.key}")


async def _count(request: Request, who: Actor, state: Builder) -> HTMLResponse:
    """The count under the posted form (htmx): the fragment that replaces the count."""
    state.form, _added, _action = await _posted(request)
    rule, problems = builder.rule_from_form(state.form, state.row.key if state.row else None)
    found = await run_in_threadpool(_look, request, who, rule)
    return render(
        request, "selection/_builder_count.html", who, look=found,
        problems=_items(state.form, problems), form=state.form,
    )  # fmt: skip


# --- routes -----------------------------------------------------------------------------------


@router.get(NEW.removeprefix("/maalgrupper"), response_class=HTMLResponse)
def new_builder(request: Request, who: Editor) -> HTMLResponse:
    return _page(request, who, Builder(builder.new_form()))


@router.post(NEW.removeprefix("/maalgrupper"), response_class=HTMLResponse)
async def post_new(request: Request, who: Editor, session: DbSession) -> Response:
    return await _post(request, who, session, Builder(builder.new_form()))


@router.post(NEW.removeprefix("/maalgrupper") + "/antal", response_class=HTMLResponse)
async def count_new(request: Request, who: Editor) -> HTMLResponse:
    return await _count(request, who, Builder(builder.new_form()))


@router.get("/{key}/byg", response_class=HTMLResponse)
def rule_builder(request: Request, key: str, who: Viewer, session: DbSession) -> HTMLResponse:
    return _page(request, who, _open(session, key))


@router.post("/{key}/byg", response_class=HTMLResponse)
async def post_rule(request: Request, key: str, who: Viewer, session: DbSession) -> Response:
    return await _post(request, who, session, _open(session, key))


@router.post("/{key}/byg/antal", response_class=HTMLResponse)
async def count_rule(request: Request, key: str, who: Viewer, session: DbSession) -> HTMLResponse:
    return await _count(request, who, _open(session, key))
