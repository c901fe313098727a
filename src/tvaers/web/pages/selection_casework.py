"""Focus point 2, the casework per solution: the candidate list and one candidate with the
professional assessment and enrolment (the enrolled, discharge and the selection basis are in
:mod:`.selection_enrolment`, on the same rules and helpers).

Person-level throughout (DOMAIN.md §3.7): every page needs a role that may do casework, the
casework purpose and a selection basis in force for the solution; otherwise it answers 403 with
the reason in Danish, shows nothing and logs nothing. Every page that shows person-level data
writes exactly one audit entry (the list: solution, rule key and version, number of candidates,
basis; a candidate: the subject, as the audit log's citizen when the unit is a citizen). The
assessment, enrolment and discharge are written and audited by :mod:`tvaers.selection.decisions`.

Candidates are always drawn afresh here from a stored rule set; a statistical result is never
turned into a candidate list.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response
from jinja2 import Environment
from pydantic import BaseModel
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from tvaers import access
from tvaers.access import Actor
from tvaers.anchoring import service as solutions
from tvaers.core.access import BASIS_RECORDERS, CASEWORK_ROLES
from tvaers.core.errors import CaseworkRefused, NoData, NotFound
from tvaers.core.periods import danish_date, parse_day, today
from tvaers.core.units import Unit
from tvaers.draw import service as draw_service
from tvaers.selection import bases, decisions, rule_store
from tvaers.selection.candidates import candidate_detail, listed_citizens
from tvaers.selection.candidates import candidates as candidate_list
from tvaers.selection.evaluation import evaluate
from tvaers.selection.rules import RuleSet
from tvaers.store.models import SelectionBasis, Solution
from tvaers.web.deps import DbSession, Viewer, flash, redirect, render, settings_of
from tvaers.web.forms import posted
from tvaers.web.pages.selection import known_rule, stored
from tvaers.web.pages.selection_tables import (
    candidate_page_table,
    candidate_table,
    decision_page_table,
    decision_table,
    detail_tables,
    leaf_texts,
    reference_date,
    with_identities,
)
from tvaers.web.tables import excel_response, wants_excel
from tvaers.web.texts import T

router = APIRouter(prefix="/loesninger")
S = T.selection


def install(env: Environment) -> None:
    """The role sets the solution page needs to show the links only to those who can use them."""
    env.globals["casework_roles"] = CASEWORK_ROLES
    env.globals["basis_recorders"] = BASIS_RECORDERS


def solution_or_404(session: Session, solution_id: int) -> Solution:
    try:
        return solutions.get(session, solution_id)
    except solutions.NotFound as exc:
        raise HTTPException(404) from exc


def gate(session: Session, who: Actor, solution: Solution) -> SelectionBasis:
    """The basis that makes person-level access lawful; refusals raise
    :class:`AccessRefused` and render as the 403 page of the solution."""
    return access.solution_gate(session, who, solution.id)


def gated_solution(
    session: Session, who: Actor, solution_id: int
) -> tuple[Solution, SelectionBasis]:
    """The solution (or 404) and the basis of its gate (:func:`gate`)."""
    solution = solution_or_404(session, solution_id)
    return solution, gate(session, who, solution)


def log_view(
    session: Session,
    who: Actor,
    solution: Solution,
    action: str,
    *,
    listed: list[str] | None = None,
    citizen: str | None = None,
    **detail: object,
) -> SelectionBasis:
    """Check and log one person-level view of the solution's people (and each listed
    citizen), through the one access gate."""
    return access.solution(
        session, who, solution.id, action, citizen=citizen, listed=listed or [], detail=detail
    )


def _rule_choice(session: Session, key: str | None, version: int | None) -> Any:
    if not key:
        return None, None
    return stored(session, key, version)


# --- the candidate list -----------------------------------------------------------------------


@router.get("/{solution_id}/udvaelgelse", response_class=HTMLResponse)
def candidates(
    request: Request,
    solution_id: int,
    who: Viewer,
    session: DbSession,
    regelsaet: str | None = None,
    dato: str | None = None,
    identitet: str | None = None,
) -> Response:
    solution, basis = gated_solution(session, who, solution_id)
    rule_store.load_ready_made(session, S["ready_made_actor"])
    rules = rule_store.list_rules(session)
    rule, version = _rule_choice(session, regelsaet, None)
    settings = settings_of(request)
    table, as_of, last, error = None, None, None, None
    listed: list[str] = []
    try:
        with draw_service.opened(settings) as analysis:
            as_of, _first, last, error = reference_date(analysis, dato)
            if rule is not None and error is None:
                evaluation = evaluate(analysis, rule, as_of)
                rows = candidate_list(evaluation).to_pylist()
                listed = listed_citizens(evaluation, [r[rule.unit.value] for r in rows])
                table = candidate_table(
                    rows,
                    rule,
                    version,
                    solution,
                    as_of,
                    _status(session, solution, rule),
                    analysis.area_names,
                )
    except NoData:
        error = S["no_data"]
    revealed = identitet == "1" and rule is not None and rule.unit is Unit.CITIZEN
    if table is not None and rule is not None:
        if revealed:  # the caseworker asked who they are: one audit entry per citizen
            subjects = [str(r["subject"]) for r in table.rows]
            found = access.reveal_listed(session, settings, who, solution.id, subjects)
            table = with_identities(table, found)
        export = wants_excel(request)
        action = "kandidatliste_eksporteret" if export else "kandidatliste_vist"
        # one entry for the list and one per listed citizen (the citizen's access extract)
        log_view(
            session, who, solution, action, listed=listed,
            rule_key=rule.key, rule_version=version.version,
            candidates=len(table.rows), as_of=str(as_of),
        )  # fmt: skip
        if export:
            return excel_response(table)
    elif wants_excel(request) and error is None:
        raise HTTPException(404)
    return render(
        request, "selection/candidates.html", who, status_code=422 if error else 200,
        solution=solution, basis=basis, rules=rules, rule=rule, version=version, as_of=as_of,
        last=last, error=error, wanted=dato or "", revealed=revealed,
        table=candidate_page_table(table, rule) if table is not None and rule else table,
    )  # fmt: skip


def _status(session: Session, solution: Solution, rule: RuleSet) -> dict[str, str]:
    """Subject -> where it stands in the solution (enrolled, or the latest assessment)."""
    found = {
        subject: T.decisions.get(row.decision or "", row.decision or "")
        for subject, row in decisions.latest_assessments(session, solution.id, rule.unit).items()
    }
    now = today()
    for period in decisions.enrolments(session, solution.id):
        if period.unit == rule.unit.value and period.discharged_on is None:
            found[period.subject] = (
                S["ongoing"].capitalize()
                if period.enrolled_on <= now
                else f"Indskrives {danish_date(period.enrolled_on)}"
            )
    return found


# --- one candidate ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Subject:
    """The citizen or family of a candidate's page: the path's ``{unit}/{subject}``."""

    unit: Unit
    id: str


def _subject(unit: str, subject: str) -> Subject:
    """The path's unit and subject; 404 for a unit that is neither citizen nor family."""
    try:
        return Subject(Unit(unit), subject)
    except ValueError:
        raise HTTPException(404) from None


PathSubject = Annotated[Subject, Depends(_subject)]


class Shown(BaseModel):
    """The rule set, its version and the reference date a candidate's page is shown with
    (``?regelsaet=…&version=…&dato=…``)."""

    regelsaet: str | None = None
    version: int | None = None
    dato: str | None = None


def _detail_page(
    request: Request,
    session: Session,
    who: Actor,
    solution: Solution,
    basis: SelectionBasis,
    unit: Unit,
    subject: str,
    key: str | None,
    version_no: int | None,
    dato: str | None,
    *,
    error: str | None = None,
    error_heading: str = "Vurderingen er ikke registreret",
    values: dict[str, Any] | None = None,
) -> Response:
    rule, version = _rule_choice(session, key, version_no)
    if rule is not None and rule.unit is not unit:
        raise HTTPException(404)
    detail, as_of, names = None, None, {}
    if rule is not None:
        settings = settings_of(request)
        try:
            with draw_service.opened(settings) as analysis:
                as_of, _first, _last, date_error = reference_date(analysis, dato)
                if date_error and not error:
                    error, error_heading = date_error, "Skæringsdatoen kan ikke bruges"
                evaluation = evaluate(analysis, rule, as_of)
                detail = candidate_detail(evaluation, subject)
                names = analysis.area_names
        except NotFound as exc:
            raise HTTPException(404) from exc
        except NoData:
            detail = None
    history = decisions.history(session, solution.id, unit.value, subject)
    enrolment = decisions.current_enrolment(session, solution.id, unit.value, subject)
    latest = next((d for d in reversed(history) if d.kind != "enrolment"), None)
    log_view(
        session, who, solution, "kandidat_vist", unit=unit.value,
        citizen=subject if unit is Unit.CITIZEN else None,
        family=subject if unit is Unit.FAMILY else None,
        rule_key=rule.key if rule else None, rule_version=version.version if version else None,
        as_of=str(as_of) if as_of else None,
    )  # fmt: skip
    return render(
        request, "selection/candidate.html", who, status_code=422 if error else 200,
        solution=solution, basis=basis, unit=unit.value, subject=subject, rule=rule,
        version=version, as_of=as_of, detail=detail,
        tables=detail_tables(detail, unit, subject, names, leaf_texts(rule, names))
        if detail and rule
        else {},
        history=decision_page_table(
            decision_table(
                history, f"{S['history']}: {subject}", f"beslutninger-{subject}", subjects=False
            )
        ),
        enrolment=enrolment,
        can_enrol=enrolment is None and latest is not None and latest.kind == "assessment"
        and latest.decision == "accepted",
        error=error, error_heading=error_heading, values=values or {}, today=today(),
    )  # fmt: skip


@router.get("/{solution_id}/udvaelgelse/{unit}/{subject}", response_class=HTMLResponse)
def candidate(
    request: Request,
    solution_id: int,
    who: Viewer,
    subject: PathSubject,
    session: DbSession,
    shown: Annotated[Shown, Query()],
) -> Response:
    solution, basis = gated_solution(session, who, solution_id)
    return _detail_page(
        request, session, who, solution, basis, subject.unit, subject.id, shown.regelsaet,
        shown.version, shown.dato,
    )  # fmt: skip


async def gated_form(
    request: Request, session: Session, who: Actor, solution_id: int
) -> tuple[Solution, SelectionBasis, dict[str, str]]:
    """The start of every casework form post: the solution (or 404), the gate (role, casework
    purpose, a selection basis for the solution) and the posted values without the CSRF token."""
    solution, basis = gated_solution(session, who, solution_id)
    form = await request.form()
    return solution, basis, posted(form)


@dataclass(frozen=True)
class CandidatePost:
    """A form post on a candidate's page, past the gate: the solution, the basis, the candidate
    and the posted values, with the rule set (and version) the page showed."""

    solution: Solution
    basis: SelectionBasis
    subject: Subject
    values: dict[str, str]

    @property
    def key(self) -> str | None:
        return self.values.get("regelsaet") or None

    @property
    def version(self) -> int | None:
        text = self.values.get("version", "")
        return int(text) if text.isdigit() else None

    @property
    def url(self) -> str:
        """The candidate's page, with the rule set, version and date it was shown with."""
        unit, subject = self.subject.unit.value, self.subject.id
        url = f"/loesninger/{self.solution.id}/udvaelgelse/{unit}/{subject}"
        if self.key:
            url += f"?regelsaet={self.key}" + (f"&version={self.version}" if self.version else "")
            if self.values.get("dato"):
                url += f"&dato={self.values['dato']}"
        return url


async def _candidate_post(
    request: Request, session: Session, who: Actor, solution_id: int, subject: Subject
) -> CandidatePost:
    solution, basis, values = await gated_form(request, session, who, solution_id)
    return CandidatePost(solution, basis, subject, values)


def _not_recorded(
    request: Request, session: Session, who: Actor, post: CandidatePost, error: str,
    heading: str = "Vurderingen er ikke registreret",
) -> Response:  # fmt: skip
    """The candidate's page again with the refusal and what the user wrote (422)."""
    return _detail_page(
        request, session, who, post.solution, post.basis, post.subject.unit, post.subject.id,
        post.key, post.version, post.values.get("dato"), error=error, error_heading=heading,
        values=post.values,
    )  # fmt: skip


@router.post("/{solution_id}/udvaelgelse/{unit}/{subject}", response_class=HTMLResponse)
async def assess(
    request: Request, solution_id: int, who: Viewer, subject: PathSubject, session: DbSession
) -> Response:
    post = await _candidate_post(request, session, who, solution_id, subject)
    # the score is computed over every citizen: off the event loop, which serves everybody
    return await run_in_threadpool(_assessed, request, who, session, subject, post)


def _assessed(
    request: Request, who: Actor, session: Session, subject: Subject, post: CandidatePost
) -> Response:
    kind, subject_id = subject.unit, subject.id
    key, version, values = post.key, post.version, post.values
    enrol_text = values.get("enrol_on", "")
    enrol_on, assessed_on = parse_day(enrol_text), parse_day(values.get("assessed_on"))
    try:
        if (enrol_text and enrol_on is None) or (values.get("assessed_on") and not assessed_on):
            raise CaseworkRefused(T.validation["date_parsing"])
        if key:
            known_rule(session, key)
        _check_choices(values)
        decisions.assess(
            session, post.solution.id, kind.value, subject_id, values.get("decision", ""),
            values.get("motivation", ""), values.get("development_potential", ""),
            values.get("note") or None, who.username, bases.basis_text(post.basis),
            enrol_on=enrol_on, rule_key=key, rule_version=version if key else None,
            score=_score(request, session, kind, subject_id, key, version, values.get("dato")),
            assessed_on=assessed_on,
        )  # fmt: skip
    except CaseworkRefused as exc:
        return _not_recorded(request, session, who, post, str(exc))
    message = (
        S["assessed_enrolled"].format(day=danish_date(enrol_on)) if enrol_on else S["assessed"]
    )
    flash(request, message)
    return redirect(post.url)


def _check_choices(values: dict[str, str]) -> None:
    """Refuse a decision, motivation or development potential the form does not offer (a
    forged post) in Danish, naming the Danish choices, not the stored codes."""
    for name, what, allowed in (
        ("decision", S["choose_decision"], T.decisions),
        ("motivation", S["motivation"].lower(), T.assessment_levels),
        ("development_potential", S["development_potential"].lower(), T.assessment_levels),
    ):
        if values.get(name, "") not in allowed:
            labels = [f"«{label.lower()}»" for label in allowed.values()]
            choices = f"{', '.join(labels[:-1])} eller {labels[-1]}"
            raise CaseworkRefused(str(S["choose_one"]).format(what=what, choices=choices))


def _score(
    request: Request, session: Session, kind: Unit, subject: str, key: str | None,
    version_no: int | None, dato: str | None,
) -> Decimal | None:  # fmt: skip
    """The candidate's score by the rule set on the date, computed here: the recorded score
    is never what a browser posted."""
    rule, _version = _rule_choice(session, key, version_no)
    if rule is None or rule.unit is not kind:
        return None
    settings = settings_of(request)
    try:
        with draw_service.opened(settings) as analysis:
            as_of, _first, _last, date_error = reference_date(analysis, dato)
            if date_error:
                return None
            evaluation = evaluate(analysis, rule, as_of)
            return candidate_detail(evaluation, subject).score
    except (NoData, NotFound):
        return None


@router.post("/{solution_id}/udvaelgelse/{unit}/{subject}/indskriv", response_class=HTMLResponse)
async def enrol(
    request: Request, solution_id: int, who: Viewer, subject: PathSubject, session: DbSession
) -> Response:
    post = await _candidate_post(request, session, who, solution_id, subject)
    return await run_in_threadpool(_enrolled, request, who, session, subject, post)


def _enrolled(
    request: Request, who: Actor, session: Session, subject: Subject, post: CandidatePost
) -> Response:
    on = parse_day(post.values.get("on"))
    try:
        if on is None:
            raise CaseworkRefused(T.validation["date_parsing"])
        decisions.enrol(
            session, post.solution.id, subject.unit.value, subject.id, on, who.username,
            bases.basis_text(post.basis),
        )  # fmt: skip
    except CaseworkRefused as exc:
        return _not_recorded(
            request, session, who, post, str(exc), "Indskrivningen er ikke registreret"
        )
    flash(request, S["enrolled"].format(day=danish_date(on)))
    return redirect(post.url)
