"""The coordination group's view of the distribution keys (issue 12) at ``/fordelingsnoegler``:
every key with its versions (proposed, approved, rejected; validity; justification; who proposed
and who decided), the form that proposes a key or a new version (``KEY_PROPOSERS``: fixed
shares ``AREA=SHARE`` in percent or as fractions, or rules in YAML), the approval or rejection
of a proposed version (``KEY_APPROVERS``, never the proposer;
:func:`tvaers.principles.service.decide_key` checks, audits and refuses a version already
decided, also by someone at the same moment), and each key's effect per area: the split of its
solution's draw by the key's approved versions, next to where it was booked (statistical,
suppressed, from :func:`tvaers.principles.who_pays.published`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from tvaers.access import Actor
from tvaers.anchoring.service import all_solutions
from tvaers.core.access import KEY_APPROVERS, KEY_PROPOSERS
from tvaers.core.errors import NoData
from tvaers.core.periods import parse_day, today
from tvaers.core.publication import Column, DataTable
from tvaers.core.units import TOTAL_AREA
from tvaers.principles import catalogue, service, solution_figures, who_pays
from tvaers.principles.keys import KeyRule, parse_key
from tvaers.principles.model import PrinciplesError
from tvaers.principles.solution_figures import Inputs
from tvaers.store.models_principles import DistributionKey, DistributionKeyVersion
from tvaers.web import progress
from tvaers.web.deps import DbSession, Viewer, flash, redirect, render, settings_of
from tvaers.web.forms import posted
from tvaers.web.tables import NOTE, excel_download, wants_excel
from tvaers.web.texts import T

router = APIRouter(prefix="/fordelingsnoegler")
P = T.principles
C = P["columns"]
FILENAME = "fordelingsnoegler"


# --- a key's content in Danish ----------------------------------------------------------------


def _shares_text(rule: KeyRule, names: dict[str, str]) -> str:
    return ", ".join(
        f"{names.get(s.sector_area, s.sector_area)} {s.text.replace('.', ',')}" for s in rule.shares
    )


def _condition(rule: KeyRule) -> str:
    parts = []
    if rule.legal_basis:
        parts.append(P["when_basis"].format(basis=rule.legal_basis))
    if rule.interventions:
        parts.append(P["when_interventions"].format(codes=", ".join(rule.interventions)))
    if rule.age_from is not None or rule.age_to is not None:
        ages = f"{rule.age_from if rule.age_from is not None else 0}-{rule.age_to or ''}"
        parts.append(P["when_age"].format(ages=ages))
    return " og ".join(parts) or P["when_other"]


def content_text(data: dict[str, Any], names: dict[str, str]) -> str:
    """A key version's shares (or rules) as a Dane reads them: «Beskæftigelse 1/2, Voksne 1/2»."""
    definition = parse_key(data)
    if definition.fixed:
        return _shares_text(definition.rules[0], names)
    return "; ".join(f"{_condition(r)}: {_shares_text(r, names)}" for r in definition.rules)


# --- the tables -------------------------------------------------------------------------------

VERSION_COLUMNS = [
    Column("key", C["key"]), Column("name", C["name"]), Column("solution", C["solution"]),
    Column("version", C["version"], "int"), Column("status", C["status"]),
    Column("content", C["content"]), Column("valid_from", C["valid_from"], "date"),
    Column("valid_to", C["valid_to"], "date"), Column("justification", C["justification"]),
    Column("proposed_by", C["proposed_by"]), Column("proposed_at", C["proposed_at"], "datetime"),
    Column("decided_by", C["decided_by"]), Column("decided_at", C["decided_at"], "datetime"),
    Column("decision_reason", C["decision_reason"]),
]  # fmt: skip
EFFECT_COLUMNS = [
    Column("key", C["key"]), Column("solution", C["solution"]), Column("name", C["area"]),
    Column("citizens", C["citizens"], "int"), Column("booked", C["booked"], "money"),
    Column("paid", C["paid"], "money"), Column("difference", C["difference"], "money"), NOTE,
]  # fmt: skip


def _version_row(
    key: DistributionKey, v: DistributionKeyVersion, solutions: dict[int, str],
    names: dict[str, str],
) -> dict[str, Any]:  # fmt: skip
    return {
        "key": key.key, "name": key.name,
        "solution": solutions.get(key.solution_id or 0, P["no_solution"]),
        "version": v.version, "status": P["statuses"].get(v.status, v.status),
        "content": content_text(v.data, names), "valid_from": v.valid_from,
        "valid_to": v.valid_to, "justification": v.justification, "proposed_by": v.proposed_by,
        "proposed_at": v.proposed_at, "decided_by": v.decided_by, "decided_at": v.decided_at,
        "decision_reason": v.decision_reason, "open": v.status == "proposed",
    }  # fmt: skip


@dataclass(frozen=True)
class KeyEffect:
    """One key's effect: the "who pays" draw of its solution's enrolled by its versions."""

    key: str
    solution: str
    figures: who_pays.WhoPays


def _effect_rows(effects: list[KeyEffect]) -> list[dict[str, Any]]:
    rows = []
    for effect in effects:  # the keys with a solution: a handful
        for r in effect.figures.rows:
            if r.month != TOTAL_AREA:
                continue
            difference = None if r.paid is None or r.booked is None else r.paid - r.booked
            rows.append({"key": effect.key, "solution": effect.solution,
                         "name": "I alt" if r.sector_area == TOTAL_AREA else r.name,
                         "citizens": r.citizens, "booked": r.booked, "paid": r.paid,
                         "difference": difference, "note": r.note})  # fmt: skip
        if not effect.figures.shown:
            rows.append({"key": effect.key, "solution": effect.solution,
                         "note": effect.figures.note})  # fmt: skip
    return rows


@dataclass
class KeysPage:
    versions: DataTable
    effect: DataTable | None = None
    effect_reason: str | None = None
    tables: dict[str, DataTable] = field(default_factory=dict)


def keys_page(
    session: Session, names: dict[str, str], effects: list[KeyEffect] | None, reason: str | None
) -> KeysPage:
    solutions = {s.id: s.name for s in all_solutions(session)}
    rows = [
        _version_row(k, v, solutions, names)
        for k in service.keys(session)
        for v in service.key_versions(session, k.id)
    ]
    versions = DataTable(P["keys_table"], VERSION_COLUMNS, rows, f"{FILENAME}-versioner")
    page = KeysPage(versions, effect_reason=reason, tables={"versions": versions})
    if effects:
        notes = [P["effect_hint"], T.suppressed_note]
        rows = _effect_rows(effects)
        page.effect = DataTable(
            P["effect_title"], EFFECT_COLUMNS, rows, f"{FILENAME}-virkning", notes
        )
        page.tables["effect"] = page.effect
    return page


# --- the page ---------------------------------------------------------------------------------


def _effect_inputs(session: Session) -> list[tuple[str, str, Inputs]]:
    """Per key with a solution and an approved version: the solution's draw inputs by it."""
    solutions = {s.id: s.name for s in all_solutions(session)}
    found = []
    for key in service.keys(session):  # the municipality's keys: a handful
        if key.solution_id is None:
            continue
        inputs = solution_figures.inputs(session, key.solution_id, key=key.key)
        if inputs.keys and inputs.periods:
            found.append((key.key, solutions.get(key.solution_id, ""), inputs))
    return found


def _effects(
    request: Request, who: Actor, session: Session, start: bool = True
) -> list[KeyEffect] | Response | str | None:
    """The keys' effects (the waiting page while they are computed; a reason when none);
    ``start`` false: only what is cached (a form shown again with its error never waits)."""
    chosen = _effect_inputs(session)
    if not chosen:
        return str(P["effect_none"])
    settings, sessions = settings_of(request), request.app.state.sessions

    def compute() -> list[KeyEffect]:
        return [
            KeyEffect(key, name, who_pays.published(
                settings, sessions, i.periods, i.keys, (), f"fordelingsnøgle {key}", who.username))
            for key, name, i in chosen
        ]  # fmt: skip

    work = ("noegle-virkning", tuple((k, i.periods, tuple(v.id for v in i.keys))
                                     for k, _, i in chosen))  # fmt: skip
    try:
        cached = [who_pays.cached_who_pays(settings, i.periods, i.keys, ()) for _, _, i in chosen]
        ready = None
        if all(c is not None for c in cached):
            ready = [KeyEffect(k, n, c) for (k, n, _), c in zip(chosen, cached, strict=True) if c]
        if ready is None and not start:
            return str(P["effect_later"])
        return progress.computed(request, who, work, P["effect_title"], compute, ready)
    except NoData:
        return str(P["no_data"])


def _page(
    request: Request,
    who: Actor,
    session: Session,
    values: dict[str, Any] | None = None,
    error: str | None = None,
    decide_error: str | None = None,
    status_code: int = 200,
) -> Response:
    effects = _effects(request, who, session, start=not (error or decide_error))
    if isinstance(effects, Response):
        return effects
    names = catalogue.loaded(settings_of(request)).area_names
    page = keys_page(session, names, effects if isinstance(effects, list) else None,
                     effects if isinstance(effects, str) else None)  # fmt: skip
    if wants_excel(request):
        return excel_download(request, page.tables, "versions", FILENAME)
    defaults = {"valid_from": today().isoformat()}
    return render(
        request, "principles/keys.html", who, status_code=status_code, page=page,
        values=values or defaults, error=error, decide_error=decide_error, areas=names,
        solutions=all_solutions(session), may_propose=who.role in KEY_PROPOSERS,
        may_decide=who.role in KEY_APPROVERS,
    )  # fmt: skip


@router.get("", response_class=HTMLResponse)
def keys(request: Request, who: Viewer, session: DbSession) -> Response:
    return _page(request, who, session)


def read_content(values: dict[str, str]) -> dict[str, Any]:
    """The key's content as posted: rules in YAML when given, else the lines ``AREA=SHARE``
    (``:`` also separates; ``;`` also ends a line). The service checks the rest."""
    rules = values.get("rules", "").strip()
    if rules:
        try:
            raw = yaml.safe_load(rules)
        except yaml.YAMLError:
            raise PrinciplesError(P["rules_unreadable"]) from None
        return {"rules": raw} if isinstance(raw, list) else raw if isinstance(raw, dict) else {}
    shares: dict[str, str] = {}
    for line in values.get("shares", "").replace(";", "\n").splitlines():
        if not line.strip():
            continue
        area, sep, share = line.partition("=")
        if not sep:
            area, sep, share = line.partition(":")
        if not sep:
            raise PrinciplesError(P["share_line"].format(line=line.strip()))
        if area.strip() in shares:
            raise PrinciplesError(P["share_twice"].format(area=area.strip()))
        shares[area.strip()] = share.strip()
    return {"shares": shares}


def _proposal(values: dict[str, str]) -> dict[str, Any]:
    """The proposal's fields, read; refused in Danish where they cannot be."""
    key = values.get("key", "").strip()
    if not key or len(key) > KEY_LENGTH:
        raise PrinciplesError(P["key_missing"].format(length=KEY_LENGTH))
    valid_from, valid_to = parse_day(values.get("valid_from")), parse_day(values.get("valid_to"))
    if valid_from is None or (values.get("valid_to") and valid_to is None):
        raise PrinciplesError(T.validation["date_parsing"])
    solution = values.get("solution_id", "")
    return {
        "key": key, "content": read_content(values),
        "justification": values.get("justification", ""), "valid_from": valid_from,
        "valid_to": valid_to, "name": values.get("name") or None,
        "solution_id": int(solution) if solution.isdigit() else None,
    }  # fmt: skip


KEY_LENGTH = 60  # the store's column


@router.post("", response_class=HTMLResponse)
async def propose(request: Request, who: Viewer, session: DbSession) -> Response:
    values = posted(await request.form())
    try:
        found = service.propose_key(session, who, **_proposal(values))
    except PrinciplesError as exc:
        session.rollback()
        return _page(request, who, session, values, str(exc), status_code=422)
    flash(request, P["proposed"].format(version=found.version, key=values["key"].strip()))
    return redirect("/fordelingsnoegler")


@router.post("/beslutning", response_class=HTMLResponse)
async def decide(request: Request, who: Viewer, session: DbSession) -> Response:
    values = posted(await request.form())
    key, version, decision = (values.get(k, "") for k in ("key", "version", "decision"))
    try:
        if decision not in ("approve", "reject") or not version.isdigit():
            raise PrinciplesError(P["decide_choose"])
        found = service.decide_key(
            session, who, key, int(version), decision == "approve", values.get("reason", "")
        )
    except PrinciplesError as exc:
        session.rollback()
        return _page(request, who, session, decide_error=str(exc), status_code=409)
    flash(request, P[found.status].format(version=found.version, key=key))
    return redirect("/fordelingsnoegler")
