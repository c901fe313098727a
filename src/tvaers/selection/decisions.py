"""Casework on candidates: a caseworker records the professional assessment of a candidate
(decision, motivation, development potential, note); only an accepted candidate is enrolled, and
an enrolled one can be discharged with a date and a reason. Every step is a row in the
append-only decision history (the database refuses UPDATE and DELETE) and an entry in the audit
log under the casework purpose, with the basis and the subject.

Subjects are citizen pseudonyms or family codes, never CPR numbers. Enrolment periods are
half-open: enrolled from ``enrolled_on`` up to, not including, ``discharged_on``."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tvaers.core.access import Purpose
from tvaers.core.errors import CaseworkRefused, ErrorCode
from tvaers.core.periods import danish_date, plausible, today
from tvaers.core.units import Unit
from tvaers.selection.bases import BASIS_RECORDED, BASIS_WITHDRAWN
from tvaers.selection.inputs import (
    actor_name,
    basis_of,
    choice,
    free_text,
    score_text,
    solution_row,
    subject_of,
    unit_of,
    who_text,
)
from tvaers.selection.rule_store import rule_row, version_row
from tvaers.store import audit
from tvaers.store.models import (
    Enrolment,
    SelectionDecision,
    Solution,
)

ASSESSMENT, ENROLMENT, DISCHARGE = "assessment", "enrolment", "discharge"
ACCEPTED, REJECTED, POSTPONED = "accepted", "rejected", "postponed"
DECISIONS = {ACCEPTED: "optages", REJECTED: "afvises", POSTPONED: "udsættes"}
LEVELS = {"high": "høj", "medium": "middel", "low": "lav", "unknown": "ukendt"}
KINDS = {ASSESSMENT: "faglig vurdering", ENROLMENT: "indskrivning", DISCHARGE: "udskrivning"}
# Audit actions (the web's list of actions may show these labels).
ASSESSED = "kandidat_vurderet"
ENROLLED = "indskrevet_i_loesning"
DISCHARGED = "udskrevet_af_loesning"
AUDIT_ACTIONS = {
    ASSESSED: "Registrerede en faglig vurdering af en kandidat",
    ENROLLED: "Indskrev i en løsning",
    DISCHARGED: "Udskrev af en løsning",
    BASIS_RECORDED: "Registrerede grundlag for udvælgelse til en løsning",
    BASIS_WITHDRAWN: "Tilbagekaldte grundlag for udvælgelse til en løsning",
}


# --- casework: assessment, enrolment, discharge ----------------------------------------------


def assess(
    session: Session,
    solution_id: int,
    unit: str,
    subject: str,
    decision: str,
    motivation: str,
    development_potential: str,
    note: str | None,
    actor: str,
    basis_text: str,
    enrol_on: date | None = None,
    rule_key: str | None = None,
    rule_version: int | None = None,
    score: Decimal | int | float | str | None = None,
    *,
    assessed_on: date | None = None,
    enrol: bool | None = None,
) -> SelectionDecision:
    """Record a caseworker's professional assessment of a candidate; returns the decision row.

    With ``enrol_on`` (or ``enrol=True``, which then requires ``enrol_on``) an accepted
    candidate is also enrolled from that day. The assessment is dated ``assessed_on`` (today by
    default). The rule version behind the candidate is the current one when only the key is
    given.
    """
    solution = solution_row(session, solution_id)
    kind = unit_of(unit)
    subject = subject_of(kind, subject)
    actor, basis = actor_name(actor), basis_of(basis_text)
    decision = choice(decision, DECISIONS, "beslutning")
    motivation = choice(motivation, LEVELS, "motivation")
    development_potential = choice(development_potential, LEVELS, "udviklingspotentiale")
    note = free_text(note, "Notatet")
    points = score_text(score)
    rule = _rule_ref(session, rule_key, rule_version, kind)
    day = plausible(assessed_on or today(), "Vurderingens dato", ahead_days=0)
    wanted = enrol if enrol is not None else enrol_on is not None
    if enrol is False and enrol_on is not None:
        raise CaseworkRefused(
            "Der er angivet en indskrivningsdato, men ikke bedt om indskrivning.",
            code=ErrorCode.CHOICE_INVALID,
        )
    if wanted:
        if decision != ACCEPTED:
            raise CaseworkRefused(
                f"{who_text(kind, subject, capital=True)} kan kun indskrives, når beslutningen er "
                f"«{DECISIONS[ACCEPTED]}», ikke «{DECISIONS[decision]}».",
                hint="Vælg «optages», eller lad indskrivningsdatoen stå tom.",
            )
        if enrol_on is None:
            raise CaseworkRefused(
                f"Angiv datoen for indskrivningen af {who_text(kind, subject)}.",
                code=ErrorCode.VALUE_REQUIRED,
                hint="Eller registrér vurderingen uden indskrivning og indskriv senere.",
            )
        _check_enrol_date(enrol_on, day, kind, subject)
        _check_not_enrolled(session, solution, kind, subject, enrol_on)
    row = _decision(
        solution.id, kind, subject, ASSESSMENT, day, actor, rule, decision=decision,
        motivation=motivation, development_potential=development_potential, note=note,
        score=points,
    )  # fmt: skip
    session.add(row)
    session.flush()
    _audit(session, row, ASSESSED, basis)
    if wanted and enrol_on is not None:
        _enrol(session, solution, kind, subject, enrol_on, actor, basis, rule, points, None)
    return row


def enrol(
    session: Session,
    solution_id: int,
    unit: str,
    subject: str,
    on: date | None,
    actor: str,
    basis_text: str,
    rule_key: str | None = None,
    rule_version: int | None = None,
    score: Decimal | int | float | str | None = None,
    note: str | None = None,
) -> Enrolment:
    """Enrol a citizen or family in the solution from ``on``.

    Requires an accepted professional assessment recorded since the last discharge (DOMAIN.md
    §3.3: only then is the citizen/family enrolled), dated on or before ``on``. The rule version
    and score default to the assessment's.
    """
    solution = solution_row(session, solution_id)
    kind = unit_of(unit)
    subject = subject_of(kind, subject)
    actor, basis = actor_name(actor), basis_of(basis_text)
    note = free_text(note, "Notatet")
    points = score_text(score)
    if on is None:
        raise CaseworkRefused(
            f"Angiv datoen for indskrivningen af {who_text(kind, subject)}.",
            code=ErrorCode.VALUE_REQUIRED,
        )
    _check_not_enrolled(session, solution, kind, subject, on)
    assessment = _accepted_assessment(session, solution, kind, subject)
    _check_enrol_date(on, assessment.event_date, kind, subject)
    if rule_key is None and rule_version is None:
        rule = (assessment.rule_key, assessment.rule_version)
    else:
        rule = _rule_ref(session, rule_key, rule_version, kind)
    if points is None:
        points = assessment.score
    return _enrol(session, solution, kind, subject, on, actor, basis, rule, points, note)


def discharge(
    session: Session,
    solution_id: int,
    unit: str,
    subject: str,
    on: date | None,
    reason: str,
    actor: str,
    basis_text: str,
) -> Enrolment:
    """Discharge an enrolled citizen or family on ``on`` for ``reason``; returns the period."""
    solution = solution_row(session, solution_id)
    kind = unit_of(unit)
    subject = subject_of(kind, subject)
    actor, basis = actor_name(actor), basis_of(basis_text)
    if on is None:
        raise CaseworkRefused(
            f"Angiv datoen for udskrivningen af {who_text(kind, subject)}.",
            code=ErrorCode.VALUE_REQUIRED,
        )
    plausible(on, "Udskrivningsdatoen")
    reason = free_text(reason, "Årsagen") or ""
    if not reason:
        raise CaseworkRefused(
            f"Angiv årsagen til udskrivningen af {who_text(kind, subject)}.",
            code=ErrorCode.VALUE_REQUIRED,
            hint="Fx 'mål nået', 'fraflyttet kommunen' eller 'ønsker ikke at deltage'.",
        )
    period = session.scalars(_open_query(solution.id, kind, subject).with_for_update()).first()
    if period is None:
        raise CaseworkRefused(
            f"{who_text(kind, subject, capital=True)} er ikke indskrevet i løsningen "
            f"'{solution.name}' og kan derfor ikke udskrives."
        )
    if on < period.enrolled_on:
        raise CaseworkRefused(
            f"Udskrivningsdatoen ({danish_date(on)}) ligger før indskrivningsdatoen "
            f"({danish_date(period.enrolled_on)}).",
            code=ErrorCode.PERIOD_REVERSED,
        )
    period.discharged_on, period.discharge_reason, period.discharged_by = on, reason, actor
    rule = (period.rule_key, period.rule_version)
    row = _decision(solution.id, kind, subject, DISCHARGE, on, actor, rule, reason=reason)
    session.add(row)
    session.flush()
    _audit(session, row, DISCHARGED, basis, enrolment_id=period.id)
    return period


def history(
    session: Session, solution_id: int, unit: str | None = None, subject: str | None = None
) -> list[SelectionDecision]:
    """The decisions for a solution (optionally one unit and subject), in the order recorded."""
    solution_row(session, solution_id)
    query = select(SelectionDecision).where(SelectionDecision.solution_id == solution_id)
    if unit is not None:
        query = query.where(SelectionDecision.unit == unit_of(unit).value)
    if subject is not None:
        query = query.where(SelectionDecision.subject == subject.strip())
    return list(session.scalars(query.order_by(SelectionDecision.id)))


def enrolments(
    session: Session, solution_id: int, active_on: date | None = None
) -> list[Enrolment]:
    """The solution's enrolment periods (only those running on ``active_on`` when given)."""
    solution_row(session, solution_id)
    query = select(Enrolment).where(Enrolment.solution_id == solution_id)
    if active_on is not None:
        query = query.where(
            Enrolment.enrolled_on <= active_on,
            or_(Enrolment.discharged_on.is_(None), Enrolment.discharged_on > active_on),
        )
    return list(session.scalars(query.order_by(Enrolment.enrolled_on, Enrolment.id)))


def current_enrolment(
    session: Session, solution_id: int, unit: str, subject: str
) -> Enrolment | None:
    """The open enrolment period of a citizen or family in the solution, if any."""
    return session.scalars(_open_query(solution_id, unit_of(unit), subject.strip())).first()


def latest_assessments(
    session: Session, solution_id: int, unit: str
) -> dict[str, SelectionDecision]:
    """The newest assessment of each assessed subject of the unit (for the candidate list)."""
    query = (
        select(SelectionDecision)
        .where(
            SelectionDecision.solution_id == solution_id,
            SelectionDecision.unit == unit_of(unit).value,
            SelectionDecision.kind == ASSESSMENT,
        )
        .order_by(SelectionDecision.id)
    )
    return {row.subject: row for row in session.scalars(query)}


def describe(row: SelectionDecision) -> str:
    """One line of history in Danish: '3. marts 2025: faglig vurdering – optages (…)'."""
    text = f"{danish_date(row.event_date)}: {KINDS.get(row.kind, row.kind)}"
    if row.decision:
        text += f" – {DECISIONS.get(row.decision, row.decision)}"
    if row.motivation or row.development_potential:
        text += (
            f" (motivation {LEVELS.get(row.motivation or '', '–')}, udviklingspotentiale "
            f"{LEVELS.get(row.development_potential or '', '–')})"
        )
    if row.reason:
        text += f" – årsag: {row.reason}"
    return text + f", af {row.decided_by}"


# --- the rules of casework -------------------------------------------------------------------


def _enrol(
    session: Session,
    solution: Solution,
    kind: Unit,
    subject: str,
    on: date,
    actor: str,
    basis: str,
    rule: tuple[str | None, int | None],
    points: str | None,
    note: str | None,
) -> Enrolment:
    period = Enrolment(
        solution_id=solution.id,
        unit=kind.value,
        subject=subject,
        enrolled_on=on,
        rule_key=rule[0],
        rule_version=rule[1],
        enrolled_by=actor,
    )
    row = _decision(solution.id, kind, subject, ENROLMENT, on, actor, rule, note=note, score=points)
    session.add_all([period, row])
    try:
        session.flush()
    except IntegrityError as exc:  # a concurrent enrolment won the race (uq_enrolments_open)
        raise CaseworkRefused(
            f"{who_text(kind, subject, capital=True)} er netop blevet indskrevet i løsningen "
            f"'{solution.name}' af en anden.",
            hint="Indlæs siden igen.",
        ) from exc
    _audit(session, row, ENROLLED, basis, enrolment_id=period.id)
    return period


def _decision(
    solution_id: int,
    unit: Unit,
    subject: str,
    kind: str,
    on: date,
    actor: str,
    rule: tuple[str | None, int | None],
    **recorded: str | None,
) -> SelectionDecision:
    """A row of the decision history: ``kind`` (assessment, enrolment, discharge) of the
    subject on the day, by the actor, with the rule version behind it; ``recorded``: the
    step's own fields (the decision and its levels, a note, the score, a reason)."""
    return SelectionDecision(
        solution_id=solution_id, unit=unit.value, subject=subject, kind=kind, event_date=on,
        rule_key=rule[0], rule_version=rule[1], decided_by=actor, **recorded,
    )  # fmt: skip


def _periods_query(solution_id: int, kind: Unit, subject: str) -> Select[Enrolment]:
    """The subject's enrolment periods in the solution, open and discharged."""
    return select(Enrolment).where(
        Enrolment.solution_id == solution_id,
        Enrolment.unit == kind.value,
        Enrolment.subject == subject,
    )


def _open_query(solution_id: int, kind: Unit, subject: str) -> Select[Enrolment]:
    return _periods_query(solution_id, kind, subject).where(Enrolment.discharged_on.is_(None))


def _check_not_enrolled(
    session: Session, solution: Solution, kind: Unit, subject: str, on: date
) -> None:
    current = session.scalars(_open_query(solution.id, kind, subject)).first()
    if current is not None:
        raise CaseworkRefused(
            f"{who_text(kind, subject, capital=True)} er allerede indskrevet i løsningen "
            f"'{solution.name}' (siden {danish_date(current.enrolled_on)}).",
            hint="Udskriv først, hvis et nyt forløb skal begynde.",
        )
    last = session.scalars(
        _periods_query(solution.id, kind, subject).order_by(Enrolment.discharged_on.desc())
    ).first()
    if last is not None and last.discharged_on is not None and on < last.discharged_on:
        raise CaseworkRefused(
            f"{who_text(kind, subject, capital=True)} var indskrevet i løsningen til "
            f"{danish_date(last.discharged_on)}; et nyt forløb kan tidligst begynde den dag.",
            code=ErrorCode.PERIOD_REVERSED,
        )


def _accepted_assessment(
    session: Session, solution: Solution, kind: Unit, subject: str
) -> SelectionDecision:
    """The newest assessment since the last discharge, which must be an acceptance."""
    rows = list(
        session.scalars(
            select(SelectionDecision)
            .where(
                SelectionDecision.solution_id == solution.id,
                SelectionDecision.unit == kind.value,
                SelectionDecision.subject == subject,
                SelectionDecision.kind.in_((ASSESSMENT, DISCHARGE)),
            )
            .order_by(SelectionDecision.id.desc())
        )
    )
    latest = rows[0] if rows else None
    if latest is None or latest.kind != ASSESSMENT:
        since = " siden udskrivningen" if latest is not None else ""
        raise CaseworkRefused(
            f"{who_text(kind, subject, capital=True)} kan ikke indskrives i løsningen "
            f"'{solution.name}': der er ikke registreret en faglig vurdering{since}.",
            hint="Registrér først den faglige vurdering (motivation, udviklingspotentiale, "
            "beslutning).",
        )
    if latest.decision != ACCEPTED:
        raise CaseworkRefused(
            f"{who_text(kind, subject, capital=True)} kan ikke indskrives i løsningen "
            f"'{solution.name}': den seneste faglige vurdering "
            f"({danish_date(latest.event_date)}) lyder på "
            f"'{DECISIONS.get(latest.decision or '', latest.decision)}'.",
            hint="Registrér en ny vurdering, hvis kandidaten nu skal optages.",
        )
    return latest


def _check_enrol_date(on: date, assessed: date, kind: Unit, subject: str) -> None:
    plausible(on, "Indskrivningsdatoen")
    if on < assessed:
        raise CaseworkRefused(
            f"Indskrivningen af {who_text(kind, subject)} ({danish_date(on)}) kan ikke ligge før "
            f"den faglige vurdering ({danish_date(assessed)}).",
            code=ErrorCode.PERIOD_REVERSED,
            hint="Angiv vurderingens dato, hvis den blev foretaget tidligere.",
        )


def _audit(session: Session, row: SelectionDecision, action: str, basis: str, **extra: Any) -> None:
    detail: dict[str, Any] = {
        "solution_id": row.solution_id,
        "decision_id": row.id,
        "unit": row.unit,
        "kind": row.kind,
        "event_date": row.event_date.isoformat(),
    }
    if row.decision:
        detail["decision"] = row.decision
    if row.unit == Unit.FAMILY.value:
        detail["family"] = row.subject
    detail.update(extra)
    audit.record(
        session,
        row.decided_by,
        action,
        citizen=row.subject if row.unit == Unit.CITIZEN.value else None,
        purpose=Purpose.CASEWORK.value,
        basis=basis,
        detail=detail,
    )


def _rule_ref(
    session: Session, key: str | None, version: int | None, kind: Unit
) -> tuple[str | None, int | None]:
    """The rule version behind a candidate: (key, version), or (None, None) when not given."""
    if key is None:
        if version is not None:
            raise CaseworkRefused(
                "En regelversion kræver regelsættets navn.", code=ErrorCode.VALUE_REQUIRED
            )
        return None, None
    rule = rule_row(session, key)
    row = version_row(session, rule, rule.version if version is None else version)
    if row.data.get("unit") != kind.value:
        raise CaseworkRefused(
            f"Regelsættet '{key}' version {row.version} udvælger "
            f"{'borgere' if row.data.get('unit') == Unit.CITIZEN.value else 'familier'}, ikke "
            f"{'borgere' if kind is Unit.CITIZEN else 'familier'}.",
            code=ErrorCode.CHOICE_INVALID,
        )
    return rule.key, row.version
