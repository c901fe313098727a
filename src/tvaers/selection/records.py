"""Selection's records: versioned target-group rules, selection bases and the casework history.

The only place that writes them (the web pages and the CLI call these use cases).

* **Rules** are stored as the YAML text exactly as given, with its canonical form
  (:func:`~tvaers.selection.model.rule_set_to_mapping`) beside it; a new version is added only
  when the text or the canonical form changed, so YAML → database → YAML round-trips byte for
  byte and every candidate can be traced to the rule version that produced it.
* **A selection basis** is the recorded basis (consent, legal basis or overriding interest) for
  screening candidates for one solution (DOMAIN.md §3.7).
* **Casework**: a caseworker records the professional assessment of a candidate (decision,
  motivation, development potential, note); only an accepted candidate is enrolled, and an
  enrolled one can be discharged with a date and a reason. Every step is a row in the
  append-only decision history (the database refuses UPDATE and DELETE) and an entry in the
  audit log under the casework purpose, with the basis and the subject. A step that breaks the
  rules raises :class:`~tvaers.core.errors.CaseworkRefused` before anything is written.

Subjects are citizen pseudonyms or family codes, never CPR numbers. Enrolment periods are
half-open: enrolled from ``enrolled_on`` up to, not including, ``discharged_on``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tvaers.core.access import Purpose
from tvaers.core.cpr import CPR_IN_TEXT_REGEX, PSEUDONYM_LENGTH
from tvaers.core.errors import CaseworkRefused, ConfigError, ErrorCode, NotFound
from tvaers.core.periods import danish_date, today
from tvaers.draw.model import Unit
from tvaers.selection.model import RuleSet, parse_rule_set, ready_made, rule_set_to_mapping
from tvaers.store import audit
from tvaers.store.models import (
    Enrolment,
    SelectionBasis,
    SelectionDecision,
    Solution,
    TargetGroupRule,
    TargetGroupRuleVersion,
    utcnow,
)

MAX_RULE_CHARS = 100_000
MAX_SUBJECT = 40
MAX_TEXT = 4_000

ASSESSMENT, ENROLMENT, DISCHARGE = "assessment", "enrolment", "discharge"
ACCEPTED, REJECTED, POSTPONED = "accepted", "rejected", "postponed"
DECISIONS = {ACCEPTED: "optages", REJECTED: "afvises", POSTPONED: "udsættes"}
LEVELS = {"high": "høj", "medium": "middel", "low": "lav", "unknown": "ukendt"}
KINDS = {ASSESSMENT: "faglig vurdering", ENROLMENT: "indskrivning", DISCHARGE: "udskrivning"}
BASIS_KINDS = {
    "consent": "Samtykke",
    "legal_basis": "Hjemmel i lovgivningen",
    "overriding_interest": "Dokumenteret væsentlig interesse",
}

# Audit actions (the web's list of actions may show these labels).
ASSESSED = "kandidat_vurderet"
ENROLLED = "indskrevet_i_loesning"
DISCHARGED = "udskrevet_af_loesning"
BASIS_RECORDED = "udvaelgelsesgrundlag_registreret"
BASIS_WITHDRAWN = "udvaelgelsesgrundlag_tilbagekaldt"
AUDIT_ACTIONS = {
    ASSESSED: "Registrerede en faglig vurdering af en kandidat",
    ENROLLED: "Indskrev i en løsning",
    DISCHARGED: "Udskrev af en løsning",
    BASIS_RECORDED: "Registrerede grundlag for udvælgelse til en løsning",
    BASIS_WITHDRAWN: "Tilbagekaldte grundlag for udvælgelse til en løsning",
}

_PSEUDONYM = re.compile(rf"[a-p]{{{PSEUDONYM_LENGTH}}}")
_CPR_IN_TEXT = re.compile(CPR_IN_TEXT_REGEX)


# --- target-group rules ----------------------------------------------------------------------


def save_rule(
    session: Session, text: str, actor: str, note: str = "", *, source: str = "regelsæt"
) -> TargetGroupRuleVersion:
    """Store a rule set given as YAML; returns the version that holds it.

    The text is parsed first (a :class:`ConfigError` names the wrong part, and nothing is
    saved). A new rule starts at version 1; an existing one gets a new version only when the
    text or its canonical form changed — saving the same text again returns the current version.
    """
    if len(text) > MAX_RULE_CHARS:
        raise ConfigError(
            f"{source}: regelsættet er for langt ({len(text):,} tegn; højst "
            f"{MAX_RULE_CHARS:,}).".replace(",", ".")
        )
    rule_set = parse_rule_set(text, source)
    data = _canonical(rule_set)
    actor = _actor(actor)
    rule = session.scalars(
        select(TargetGroupRule).where(TargetGroupRule.key == rule_set.key).with_for_update()
    ).first()
    if rule is None:
        rule = TargetGroupRule(
            key=rule_set.key, label=rule_set.label, unit=rule_set.unit.value, version=1
        )
        session.add(rule)
        session.flush()
    else:
        current = _version(session, rule, rule.version)
        if current.text == text and current.data == data:
            return current
        rule.version += 1
        rule.label, rule.unit, rule.updated_at = rule_set.label, rule_set.unit.value, utcnow()
    row = TargetGroupRuleVersion(
        rule_id=rule.id,
        version=rule.version,
        text=text,
        data=data,
        changed_by=actor,
        note=note.strip(),
    )
    session.add(row)
    session.flush()
    return row


def list_rules(session: Session) -> list[TargetGroupRule]:
    return list(session.scalars(select(TargetGroupRule).order_by(TargetGroupRule.key)))


def find_rule(session: Session, key: str) -> TargetGroupRule | None:
    return session.scalars(select(TargetGroupRule).where(TargetGroupRule.key == key)).first()


def rule_versions(session: Session, key: str) -> list[TargetGroupRuleVersion]:
    """Every version of a rule set, newest first."""
    rule = _rule(session, key)
    query = (
        select(TargetGroupRuleVersion)
        .where(TargetGroupRuleVersion.rule_id == rule.id)
        .order_by(TargetGroupRuleVersion.version.desc())
    )
    return list(session.scalars(query))


def get_rule(
    session: Session, key: str, version: int | None = None
) -> tuple[RuleSet, TargetGroupRuleVersion]:
    """A stored rule set (the current version unless one is named) and its version row."""
    rule = _rule(session, key)
    row = _version(session, rule, rule.version if version is None else version)
    return parse_rule_set(row.text, f"regelsæt '{key}' version {row.version}"), row


def export_rule(session: Session, key: str, version: int | None = None) -> str:
    """The YAML text of a stored rule set exactly as it was saved (comments and all)."""
    rule = _rule(session, key)
    return _version(session, rule, rule.version if version is None else version).text


def load_ready_made(session: Session, actor: str) -> list[TargetGroupRuleVersion]:
    """Store the shipped rule sets (KL's target groups, Furesø) that are not stored yet.

    Idempotent: a rule set already stored under the same key is left alone — also when the
    municipality has changed it. Returns the versions added (none on a second run).
    """
    added: list[TargetGroupRuleVersion] = []
    for key, (rule_set, text) in ready_made().items():
        if find_rule(session, key) is not None:
            continue
        note = "Færdigt regelsæt leveret med Tværs"
        try:
            with session.begin_nested():  # another request may store it at the same moment
                row = save_rule(
                    session,
                    text,
                    actor,
                    f"{note}: {rule_set.source}" if rule_set.source else note,
                    source=f"{key}.yaml",
                )
                _rule(session, key).ready_made = True
        except IntegrityError:
            continue  # stored by the other one: nothing to add
        added.append(row)
    session.flush()
    return added


def _canonical(rule_set: RuleSet) -> dict[str, Any]:
    """The canonical mapping as the database gives it back (through JSON)."""
    data: dict[str, Any] = json.loads(json.dumps(rule_set_to_mapping(rule_set), allow_nan=False))
    return data


def _rule(session: Session, key: str) -> TargetGroupRule:
    rule = find_rule(session, key)
    if rule is None:
        raise NotFound(
            f"Regelsættet '{key}' findes ikke i databasen.",
            hint="Gem regelsættet først, eller indlæs de færdige regelsæt.",
        )
    return rule


def _version(session: Session, rule: TargetGroupRule, version: int) -> TargetGroupRuleVersion:
    row = session.scalars(
        select(TargetGroupRuleVersion).where(
            TargetGroupRuleVersion.rule_id == rule.id, TargetGroupRuleVersion.version == version
        )
    ).first()
    if row is None:
        raise NotFound(
            f"Regelsættet '{rule.key}' har ingen version {version}.",
            hint=f"Versionerne er 1–{rule.version}.",
        )
    return row


# --- the basis for selection to a solution ---------------------------------------------------


def record_selection_basis(
    session: Session,
    solution_id: int,
    kind: str,
    reference: str,
    valid_from: date,
    actor: str,
    valid_to: date | None = None,
) -> SelectionBasis:
    """Record the basis for screening candidates for one solution (logged)."""
    _solution(session, solution_id)
    actor = _actor(actor)
    if kind not in BASIS_KINDS:
        raise CaseworkRefused(
            f"Ukendt type grundlag '{kind}'.",
            code=ErrorCode.CHOICE_INVALID,
            hint="Brug en af: " + _choices(BASIS_KINDS) + ".",
        )
    reference = _free_text(reference, "Beskrivelsen af grundlaget") or ""
    if not reference:
        raise CaseworkRefused(
            "Beskriv grundlaget (fx 'Retssikkerhedslovens § 11 c' eller løsningens "
            "samtykkeproces med dato og journalnummer).",
            code=ErrorCode.VALUE_REQUIRED,
        )
    if valid_from is None:
        raise CaseworkRefused(
            "Angiv, fra hvilken dato grundlaget gælder.", code=ErrorCode.VALUE_REQUIRED
        )
    _plausible(valid_from, "Grundlaget gælder fra")
    if valid_to is not None:
        _plausible(valid_to, "Grundlaget gælder til", ahead_days=10 * 366)
    if valid_to is not None and valid_to < valid_from:
        raise CaseworkRefused(
            f"Grundlaget kan ikke udløbe ({danish_date(valid_to)}), før det gælder fra "
            f"({danish_date(valid_from)}).",
            code=ErrorCode.PERIOD_REVERSED,
        )
    basis = SelectionBasis(
        solution_id=solution_id,
        kind=kind,
        reference=reference,
        valid_from=valid_from,
        valid_to=valid_to,
        recorded_by=actor,
    )
    session.add(basis)
    session.flush()
    audit.record(
        session,
        actor,
        BASIS_RECORDED,
        purpose=Purpose.CASEWORK.value,
        basis=basis_text(basis),
        detail={"solution_id": solution_id, "selection_basis_id": basis.id},
    )
    return basis


def active_selection_basis(
    session: Session, solution_id: int, on: date | None = None
) -> SelectionBasis | None:
    """The newest basis for the solution that is in force on the day (today by default)."""
    day = on or today()
    query = (
        select(SelectionBasis)
        .where(
            SelectionBasis.solution_id == solution_id,
            SelectionBasis.withdrawn_at.is_(None),
            SelectionBasis.valid_from <= day,
            or_(SelectionBasis.valid_to.is_(None), SelectionBasis.valid_to >= day),
        )
        .order_by(SelectionBasis.id.desc())
    )
    return session.scalars(query).first()


def selection_bases(session: Session, solution_id: int) -> list[SelectionBasis]:
    """Every basis recorded for the solution, newest first (withdrawn ones too)."""
    query = (
        select(SelectionBasis)
        .where(SelectionBasis.solution_id == solution_id)
        .order_by(SelectionBasis.id.desc())
    )
    return list(session.scalars(query))


def withdraw_selection_basis(session: Session, basis_id: int, actor: str) -> SelectionBasis:
    """Withdraw a basis (logged); withdrawing it again changes nothing."""
    actor = _actor(actor)
    basis = session.get(SelectionBasis, basis_id)
    if basis is None:
        raise NotFound(f"Grundlag nr. {basis_id} findes ikke.")
    if basis.withdrawn_at is not None:
        return basis
    basis.withdrawn_at = utcnow()
    session.flush()
    audit.record(
        session,
        actor,
        BASIS_WITHDRAWN,
        purpose=Purpose.CASEWORK.value,
        basis=basis_text(basis),
        detail={"solution_id": basis.solution_id, "selection_basis_id": basis.id},
    )
    return basis


def basis_text(basis: SelectionBasis) -> str:
    """The basis as the audit log and the pages show it: 'Hjemmel i lovgivningen: …'."""
    return f"{BASIS_KINDS.get(basis.kind, basis.kind)}: {basis.reference}"


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
    solution = _solution(session, solution_id)
    kind = _unit(unit)
    subject = _subject(kind, subject)
    actor, basis = _actor(actor), _basis(basis_text)
    decision = _choice(decision, DECISIONS, "beslutning")
    motivation = _choice(motivation, LEVELS, "motivation")
    development_potential = _choice(development_potential, LEVELS, "udviklingspotentiale")
    note = _free_text(note, "Notatet")
    points = _score(score)
    rule = _rule_ref(session, rule_key, rule_version, kind)
    day = _plausible(assessed_on or today(), "Vurderingens dato", ahead_days=0)
    wanted = enrol if enrol is not None else enrol_on is not None
    if enrol is False and enrol_on is not None:
        raise CaseworkRefused(
            "Der er angivet en indskrivningsdato, men ikke bedt om indskrivning.",
            code=ErrorCode.CHOICE_INVALID,
        )
    if wanted:
        if decision != ACCEPTED:
            raise CaseworkRefused(
                f"{_who(kind, subject, capital=True)} kan kun indskrives, når beslutningen er "
                f"«{DECISIONS[ACCEPTED]}», ikke «{DECISIONS[decision]}».",
                hint="Vælg «optages», eller lad indskrivningsdatoen stå tom.",
            )
        if enrol_on is None:
            raise CaseworkRefused(
                f"Angiv datoen for indskrivningen af {_who(kind, subject)}.",
                code=ErrorCode.VALUE_REQUIRED,
                hint="Eller registrér vurderingen uden indskrivning og indskriv senere.",
            )
        _check_enrol_date(enrol_on, day, kind, subject)
        _check_not_enrolled(session, solution, kind, subject, enrol_on)
    row = SelectionDecision(
        solution_id=solution_id,
        unit=kind.value,
        subject=subject,
        kind=ASSESSMENT,
        decision=decision,
        motivation=motivation,
        development_potential=development_potential,
        note=note,
        event_date=day,
        rule_key=rule[0],
        rule_version=rule[1],
        score=points,
        decided_by=actor,
    )
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
    solution = _solution(session, solution_id)
    kind = _unit(unit)
    subject = _subject(kind, subject)
    actor, basis = _actor(actor), _basis(basis_text)
    note = _free_text(note, "Notatet")
    points = _score(score)
    if on is None:
        raise CaseworkRefused(
            f"Angiv datoen for indskrivningen af {_who(kind, subject)}.",
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
    solution = _solution(session, solution_id)
    kind = _unit(unit)
    subject = _subject(kind, subject)
    actor, basis = _actor(actor), _basis(basis_text)
    if on is None:
        raise CaseworkRefused(
            f"Angiv datoen for udskrivningen af {_who(kind, subject)}.",
            code=ErrorCode.VALUE_REQUIRED,
        )
    _plausible(on, "Udskrivningsdatoen")
    reason = _free_text(reason, "Årsagen") or ""
    if not reason:
        raise CaseworkRefused(
            f"Angiv årsagen til udskrivningen af {_who(kind, subject)}.",
            code=ErrorCode.VALUE_REQUIRED,
            hint="Fx 'mål nået', 'fraflyttet kommunen' eller 'ønsker ikke at deltage'.",
        )
    period = session.scalars(_open_query(solution.id, kind, subject).with_for_update()).first()
    if period is None:
        raise CaseworkRefused(
            f"{_who(kind, subject, capital=True)} er ikke indskrevet i løsningen "
            f"'{solution.name}' og kan derfor ikke udskrives."
        )
    if on < period.enrolled_on:
        raise CaseworkRefused(
            f"Udskrivningsdatoen ({danish_date(on)}) ligger før indskrivningsdatoen "
            f"({danish_date(period.enrolled_on)}).",
            code=ErrorCode.PERIOD_REVERSED,
        )
    period.discharged_on, period.discharge_reason, period.discharged_by = on, reason, actor
    row = SelectionDecision(
        solution_id=solution.id,
        unit=kind.value,
        subject=subject,
        kind=DISCHARGE,
        event_date=on,
        reason=reason,
        rule_key=period.rule_key,
        rule_version=period.rule_version,
        decided_by=actor,
    )
    session.add(row)
    session.flush()
    _audit(session, row, DISCHARGED, basis, enrolment_id=period.id)
    return period


def history(
    session: Session, solution_id: int, unit: str | None = None, subject: str | None = None
) -> list[SelectionDecision]:
    """The decisions for a solution (optionally one unit and subject), in the order recorded."""
    _solution(session, solution_id)
    query = select(SelectionDecision).where(SelectionDecision.solution_id == solution_id)
    if unit is not None:
        query = query.where(SelectionDecision.unit == _unit(unit).value)
    if subject is not None:
        query = query.where(SelectionDecision.subject == subject.strip())
    return list(session.scalars(query.order_by(SelectionDecision.id)))


def enrolments(
    session: Session, solution_id: int, active_on: date | None = None
) -> list[Enrolment]:
    """The solution's enrolment periods (only those running on ``active_on`` when given)."""
    _solution(session, solution_id)
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
    return session.scalars(_open_query(solution_id, _unit(unit), subject.strip())).first()


def latest_assessments(
    session: Session, solution_id: int, unit: str
) -> dict[str, SelectionDecision]:
    """The newest assessment of each assessed subject of the unit (for the candidate list)."""
    query = (
        select(SelectionDecision)
        .where(
            SelectionDecision.solution_id == solution_id,
            SelectionDecision.unit == _unit(unit).value,
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
    row = SelectionDecision(
        solution_id=solution.id,
        unit=kind.value,
        subject=subject,
        kind=ENROLMENT,
        note=note,
        event_date=on,
        rule_key=rule[0],
        rule_version=rule[1],
        score=points,
        decided_by=actor,
    )
    session.add_all([period, row])
    try:
        session.flush()
    except IntegrityError as exc:  # a concurrent enrolment won the race (uq_enrolments_open)
        raise CaseworkRefused(
            f"{_who(kind, subject, capital=True)} er netop blevet indskrevet i løsningen "
            f"'{solution.name}' af en anden.",
            hint="Indlæs siden igen.",
        ) from exc
    _audit(session, row, ENROLLED, basis, enrolment_id=period.id)
    return period


def _open_query(solution_id: int, kind: Unit, subject: str) -> Select[Enrolment]:
    return select(Enrolment).where(
        Enrolment.solution_id == solution_id,
        Enrolment.unit == kind.value,
        Enrolment.subject == subject,
        Enrolment.discharged_on.is_(None),
    )


def _check_not_enrolled(
    session: Session, solution: Solution, kind: Unit, subject: str, on: date
) -> None:
    current = session.scalars(_open_query(solution.id, kind, subject)).first()
    if current is not None:
        raise CaseworkRefused(
            f"{_who(kind, subject, capital=True)} er allerede indskrevet i løsningen "
            f"'{solution.name}' (siden {danish_date(current.enrolled_on)}).",
            hint="Udskriv først, hvis et nyt forløb skal begynde.",
        )
    last = session.scalars(
        select(Enrolment)
        .where(
            Enrolment.solution_id == solution.id,
            Enrolment.unit == kind.value,
            Enrolment.subject == subject,
        )
        .order_by(Enrolment.discharged_on.desc())
    ).first()
    if last is not None and last.discharged_on is not None and on < last.discharged_on:
        raise CaseworkRefused(
            f"{_who(kind, subject, capital=True)} var indskrevet i løsningen til "
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
            f"{_who(kind, subject, capital=True)} kan ikke indskrives i løsningen "
            f"'{solution.name}': der er ikke registreret en faglig vurdering{since}.",
            hint="Registrér først den faglige vurdering (motivation, udviklingspotentiale, "
            "beslutning).",
        )
    if latest.decision != ACCEPTED:
        raise CaseworkRefused(
            f"{_who(kind, subject, capital=True)} kan ikke indskrives i løsningen "
            f"'{solution.name}': den seneste faglige vurdering "
            f"({danish_date(latest.event_date)}) lyder på "
            f"'{DECISIONS.get(latest.decision or '', latest.decision)}'.",
            hint="Registrér en ny vurdering, hvis kandidaten nu skal optages.",
        )
    return latest


EARLIEST_DAY = date(2000, 1, 1)  # no cross-cutting solution records anything before this


def _plausible(day: date, what: str, *, ahead_days: int = 366) -> date:
    """Refuse a date that must be a typing error: before 2000, or further ahead than
    ``ahead_days`` (0: not in the future). Decisions cannot be corrected once written."""
    latest = date.fromordinal(today().toordinal() + ahead_days)
    if day < EARLIEST_DAY:
        when = "før år 2000"
    elif day > latest and not ahead_days:
        when = "i fremtiden"
    elif day > latest:
        when = f"for langt ude i fremtiden (senest {danish_date(latest)})"
    else:
        return day
    raise CaseworkRefused(
        f"{what} ({danish_date(day)}) ligger {when}.",
        code=ErrorCode.DATE_INVALID,
        hint="Tjek årstallet; en registrering kan ikke rettes bagefter.",
    )


def _check_enrol_date(on: date, assessed: date, kind: Unit, subject: str) -> None:
    _plausible(on, "Indskrivningsdatoen")
    if on < assessed:
        raise CaseworkRefused(
            f"Indskrivningen af {_who(kind, subject)} ({danish_date(on)}) kan ikke ligge før "
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


# --- checking the input ----------------------------------------------------------------------


def _solution(session: Session, solution_id: int) -> Solution:
    solution = session.get(Solution, solution_id) if isinstance(solution_id, int) else None
    if solution is None:
        raise NotFound(f"Løsning nr. {solution_id} findes ikke.")
    return solution


def _unit(unit: str | Unit) -> Unit:
    try:
        return Unit(unit)
    except ValueError:
        raise CaseworkRefused(
            f"Ukendt enhed '{unit}'.",
            code=ErrorCode.CHOICE_INVALID,
            hint="Brug citizen (borger) eller family (familie).",
        ) from None


def _subject(kind: Unit, subject: str) -> str:
    text = (subject or "").strip() if isinstance(subject, str) else ""
    if _CPR_IN_TEXT.search(text):
        raise CaseworkRefused(
            "Et CPR-nummer må ikke bruges her.",
            code=ErrorCode.CODE_INVALID,
            hint="Brug borgerens pseudonym eller familiens kode.",
        )
    if kind is Unit.CITIZEN and not _PSEUDONYM.fullmatch(text):
        raise CaseworkRefused(
            f"'{text}' er ikke et borgerpseudonym ({PSEUDONYM_LENGTH} bogstaver a–p).",
            code=ErrorCode.CODE_INVALID,
        )
    if kind is Unit.FAMILY and not 0 < len(text) <= MAX_SUBJECT:
        raise CaseworkRefused(
            f"Angiv familiens kode (højst {MAX_SUBJECT} tegn).", code=ErrorCode.CODE_INVALID
        )
    return text


def _who(kind: Unit, subject: str, capital: bool = False) -> str:
    noun = "borgeren" if kind is Unit.CITIZEN else "familien"
    return f"{noun.capitalize() if capital else noun} {subject}"


def _choice(value: str, allowed: Mapping[str, str], name: str) -> str:
    if value not in allowed:
        raise CaseworkRefused(
            f"Ukendt {name} '{value}'.",
            code=ErrorCode.CHOICE_INVALID,
            hint="Brug en af: " + _choices(allowed) + ".",
        )
    return value


def _choices(allowed: Mapping[str, str]) -> str:
    return ", ".join(f"{code} ({label.lower()})" for code, label in allowed.items())


def _actor(actor: str) -> str:
    name = actor.strip() if isinstance(actor, str) else ""
    if not name:
        raise CaseworkRefused("Angiv, hvem der registrerer.", code=ErrorCode.VALUE_REQUIRED)
    return name[:100]


def _basis(text: str) -> str:
    basis = text.strip() if isinstance(text, str) else ""
    if not basis:
        raise CaseworkRefused(
            "Sagsbehandling kræver et registreret grundlag (samtykke, hjemmel eller væsentlig "
            "interesse); der er ikke angivet noget.",
            code=ErrorCode.ACCESS_REFUSED,
            hint="Registrér grundlaget for udvælgelse til løsningen først.",
        )
    return basis


def _free_text(value: str | None, name: str) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    if _CPR_IN_TEXT.search(text):
        raise CaseworkRefused(
            f"{name} ser ud til at indeholde et CPR-nummer.",
            code=ErrorCode.CODE_INVALID,
            hint="Skriv det uden CPR-nummer; borgeren er identificeret ved sit pseudonym.",
        )
    if len(text) > MAX_TEXT:
        raise CaseworkRefused(f"{name} er for langt (højst {MAX_TEXT:,} tegn).".replace(",", "."))
    return text or None


def _score(score: Decimal | int | float | str | None) -> str | None:
    if score is None or score == "":
        return None
    try:
        number = Decimal(str(score).strip().replace(",", "."))
    except InvalidOperation:
        number = Decimal("NaN")
    if isinstance(score, bool) or not number.is_finite() or len(str(number)) > 40:
        raise CaseworkRefused(f"Scoren '{score}' er ikke et tal.", code=ErrorCode.NUMBER_INVALID)
    return str(number)


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
    rule = _rule(session, key)
    row = _version(session, rule, rule.version if version is None else version)
    if row.data.get("unit") != kind.value:
        raise CaseworkRefused(
            f"Regelsættet '{key}' version {row.version} udvælger "
            f"{'borgere' if row.data.get('unit') == Unit.CITIZEN.value else 'familier'}, ikke "
            f"{'borgere' if kind is Unit.CITIZEN else 'familier'}.",
            code=ErrorCode.CHOICE_INVALID,
        )
    return rule.key, row.version
