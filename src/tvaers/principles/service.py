"""Focus point 4's records besides the grants (:mod:`tvaers.principles.grants`): placements per
solution and intervention type, the competence plan's versions, distribution keys proposed and
approved, and the places a solution has agreed in capacity-limited interventions.

Every change goes through :mod:`tvaers.access` (the role, and one audit entry naming the real
user); none of these is person-level. Keys are proposed by the solution (a solution leader or a
finance consultant) and approved by the coordination group (an area chief other than the one who
proposed it); a version is final once decided, a change is a new version.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from tvaers import access
from tvaers.access import Actor
from tvaers.anchoring.examples import ACTOR as EXAMPLE_ACTOR
from tvaers.anchoring.examples import records, solution_data
from tvaers.core.access import (
    KEY_APPROVERS,
    KEY_PROPOSERS,
    PLAN_EDITORS,
    SOLUTION_EDITORS,
)
from tvaers.core.errors import CaseworkRefused
from tvaers.core.periods import danish_date, local_time
from tvaers.principles.keys import KeyDefinition, key_mapping, parse_key
from tvaers.principles.model import Place, PrinciplesError, classify, parse_place
from tvaers.principles.plan import CompetencePlan, parse_plan, plan_mapping, plan_of
from tvaers.selection.inputs import free_text
from tvaers.store.models import Solution
from tvaers.store.models_principles import (
    CapacityShare,
    CompetencePlanVersion,
    DistributionKey,
    DistributionKeyVersion,
    Placement,
)


def checked_text(value: str | None, name: str) -> str:
    """Text a user typed (a justification, a reason, a note), refused in Danish when it holds
    a CPR-like number or is too long — the selection's rule for free text
    (:func:`tvaers.selection.inputs.free_text`)."""
    try:
        return free_text(value, name) or ""
    except CaseworkRefused as exc:
        raise PrinciplesError(exc.message, hint=exc.hint) from None


# --- placements -------------------------------------------------------------------------------


def placements(session: Session, solution_id: int) -> list[Placement]:
    query = select(Placement).where(Placement.solution_id == solution_id)
    return list(session.scalars(query.order_by(Placement.intervention_type, Placement.id)))


def set_placement(
    session: Session,
    actor: Actor | None,
    solution_id: int,
    intervention_type: str,
    granting: str | Place,
    paying: str | Place,
    *,
    interventions: Sequence[str] = (),
    note: str | None = None,
    expected: bool = False,
    source: str | None = None,
) -> Placement:
    """Set (or change) where the solution's granting authority and payment obligation sit for an
    intervention type (empty: all its interventions). ``actor`` ``None``: the shipped examples."""
    if actor is not None:
        access.require_role(actor, SOLUTION_EDITORS, "At placere visitation og betaling")
    if session.get(Solution, solution_id) is None:
        raise PrinciplesError(f"Løsning nr. {solution_id} findes ikke.")
    place_g, place_p = parse_place(granting, "visitationen"), parse_place(paying, "betalingen")
    kind = intervention_type.strip()
    found = session.scalars(
        select(Placement).where(
            Placement.solution_id == solution_id, Placement.intervention_type == kind
        )
    ).first()
    who = actor.username if actor else EXAMPLE_ACTOR
    if found is None:
        found = Placement(solution_id=solution_id, intervention_type=kind, set_by=who)
        session.add(found)
    before = {"granting": found.granting, "paying": found.paying}
    found.granting, found.paying = place_g.value, place_p.value
    found.interventions = [c.strip() for c in interventions if c.strip()]
    found.note, found.expected, found.source, found.set_by = (
        checked_text(note, "Bemærkningen") or None,
        expected,
        source,
        who,
    )
    session.flush()
    if actor is not None:
        access.record(
            session,
            actor,
            "placering_sat",
            detail={
                "solution_id": solution_id,
                "intervention_type": kind,
                "before": before,
                "granting": place_g.value,
                "paying": place_p.value,
                "classification": classify(place_g, place_p).value,
            },
        )
    return found


def load_example_placements(session: Session) -> int:
    """Table 4.2: the five example solutions' placements as structured records (seven rows:
    Assens and Helsingør have two). Those a user has changed are left alone."""
    names = {s.name: s.id for s in session.scalars(select(Solution).where(Solution.example))}
    count = 0
    for record in records():
        solution_id = names.get(solution_data(record).name)
        if solution_id is None:
            continue
        for principle in record.get("principles") or []:  # one to two per solution
            kind = principle.get("intervention_type") or ""
            current = session.scalars(
                select(Placement).where(
                    Placement.solution_id == solution_id, Placement.intervention_type == kind
                )
            ).first()
            if current is not None and current.set_by != EXAMPLE_ACTOR:
                continue
            set_placement(
                session, None, solution_id, kind, principle["granting_authority"],
                principle["payment_obligation"], note=principle.get("text"),
                expected=bool(principle.get("expected")), source=principle.get("source"),
            )  # fmt: skip
            count += 1
    return count


# --- the competence plan ----------------------------------------------------------------------


def current_plan(session: Session) -> tuple[CompetencePlanVersion, CompetencePlan] | None:
    """The newest version of the competence plan and its rules (``None``: none imported)."""
    found = session.scalars(
        select(CompetencePlanVersion).order_by(CompetencePlanVersion.version.desc())
    ).first()
    return (found, parse_plan_data(found.data)) if found else None


def parse_plan_data(data: dict[str, Any]) -> CompetencePlan:
    return plan_of(data, "den gemte kompetenceplan")


def plan_versions(session: Session) -> list[CompetencePlanVersion]:
    query = select(CompetencePlanVersion).order_by(CompetencePlanVersion.version.desc())
    return list(session.scalars(query))


def import_plan(
    session: Session, actor: Actor | None, text: str, note: str = "", source: str = "filen"
) -> CompetencePlanVersion:
    """A new version of the competence plan from its YAML (``actor`` ``None``: the demo's
    preset); refused in Danish when the YAML is not a valid plan. The same text as the current
    version saves nothing new."""
    if actor is not None:
        access.require_role(actor, PLAN_EDITORS, "At ændre kompetenceplanen")
    plan = parse_plan(text, source)
    current = current_plan(session)
    if current is not None and current[0].text == text:
        return current[0]
    latest = session.scalar(select(func.max(CompetencePlanVersion.version))) or 0
    version = CompetencePlanVersion(
        version=latest + 1,
        name=plan.name,
        valid_from=plan.valid_from,
        data=plan_mapping(plan),
        text=text,
        changed_by=actor.username if actor else "demo",
        note=note,
    )
    session.add(version)
    session.flush()
    if actor is not None:
        access.record(
            session,
            actor,
            "kompetenceplan_importeret",
            detail={"version": version.version, "name": plan.name, "note": note},
        )
    return version


# --- distribution keys ------------------------------------------------------------------------


@dataclass(frozen=True)
class KeyVersionFacts:
    """An approved key version as plain values (for the analytics, in another thread)."""

    id: int
    key: str
    version: int
    valid_from: date
    valid_to: date | None
    definition: KeyDefinition


def keys(session: Session, solution_id: int | None = None) -> list[DistributionKey]:
    query = select(DistributionKey).order_by(DistributionKey.key)
    if solution_id is not None:
        query = query.where(DistributionKey.solution_id == solution_id)
    return list(session.scalars(query))


def key_versions(session: Session, key_id: int) -> list[DistributionKeyVersion]:
    query = select(DistributionKeyVersion).where(DistributionKeyVersion.key_id == key_id)
    return list(session.scalars(query.order_by(DistributionKeyVersion.version.desc())))


def key_named(session: Session, key: str) -> DistributionKey:
    found = session.scalars(select(DistributionKey).where(DistributionKey.key == key)).first()
    if found is None:
        raise PrinciplesError(
            f"Fordelingsnøglen «{key}» findes ikke.", hint="Se nøglerne med: tvaers key list"
        )
    return found


def propose_key(
    session: Session,
    actor: Actor | None,
    key: str,
    content: dict[str, Any],
    justification: str,
    valid_from: date,
    *,
    valid_to: date | None = None,
    name: str | None = None,
    solution_id: int | None = None,
) -> DistributionKeyVersion:
    """A new version of a key (the key is made when new), proposed with its justification."""
    if actor is not None:
        access.require_role(actor, KEY_PROPOSERS, "At foreslå en fordelingsnøgle")
    definition = parse_key(content)
    justification = checked_text(justification, "Begrundelsen")
    if not justification:
        raise PrinciplesError(
            "Skriv den faglige begrundelse for nøglen: koordinationsgruppen godkender på den."
        )
    if valid_to is not None and valid_to < valid_from:
        raise PrinciplesError("Nøglen kan ikke gælde til en dato før den gælder fra.")
    stored = session.scalars(select(DistributionKey).where(DistributionKey.key == key)).first()
    if stored is None:
        stored = DistributionKey(key=key, name=name or key, solution_id=solution_id)
        session.add(stored)
        session.flush()
    latest = session.scalar(
        select(func.max(DistributionKeyVersion.version)).where(
            DistributionKeyVersion.key_id == stored.id
        )
    )
    version = DistributionKeyVersion(
        key_id=stored.id,
        version=(latest or 0) + 1,
        data=key_mapping(definition),
        justification=justification.strip(),
        valid_from=valid_from,
        valid_to=valid_to,
        status="proposed",
        proposed_by=actor.username if actor else "demo",
    )
    session.add(version)
    session.flush()
    if actor is not None:
        access.record(
            session,
            actor,
            "fordelingsnoegle_foreslaaet",
            detail={
                "key": key,
                "version": version.version,
                "content": version.data,
                "valid_from": str(valid_from),
                "valid_to": str(valid_to) if valid_to else None,
            },
        )
    return version


def decide_key(
    session: Session, actor: Actor, key: str, version: int, approve: bool, reason: str = ""
) -> DistributionKeyVersion:
    """The coordination group's decision on a proposed key version: an area chief who did not
    propose it; a version already decided (by someone else at the same time) is refused."""
    access.require_role(actor, KEY_APPROVERS, "At godkende en fordelingsnøgle")
    reason = checked_text(reason, "Begrundelsen")
    stored = key_named(session, key)
    found = session.scalars(
        select(DistributionKeyVersion)
        .where(
            DistributionKeyVersion.key_id == stored.id, DistributionKeyVersion.version == version
        )
        .with_for_update()
    ).first()
    if found is None:
        raise PrinciplesError(f"Nøglen «{key}» har ingen version {version}.")
    if found.proposed_by == actor.username:
        raise PrinciplesError("Den, der har foreslået nøglen, kan ikke selv godkende den.")
    if found.status != "proposed":
        raise PrinciplesError(_decided_text(found))
    status = "approved" if approve else "rejected"
    done = session.execute(
        update(DistributionKeyVersion)
        .where(DistributionKeyVersion.id == found.id, DistributionKeyVersion.status == "proposed")
        .values(
            status=status,
            decided_by=actor.username,
            decided_at=func.now(),
            decision_reason=reason or None,
        )
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:  # type: ignore[attr-defined]
        session.refresh(found)
        raise PrinciplesError(_decided_text(found))
    session.refresh(found)
    access.record(
        session,
        actor,
        f"fordelingsnoegle_{'godkendt' if approve else 'afvist'}",
        detail={"key": key, "version": version, "reason": reason},
    )
    return found


def _decided_text(found: DistributionKeyVersion) -> str:
    word = "godkendt" if found.status == "approved" else "afvist"
    when = f" {danish_date(local_time(found.decided_at).date())}" if found.decided_at else ""
    return f"Versionen er allerede {word} af {found.decided_by}{when}; intet er ændret."


def approved_versions(session: Session, solution_id: int) -> list[KeyVersionFacts]:
    """The solution's approved key versions (any validity), oldest key first."""
    rows = session.execute(
        select(DistributionKey.key, DistributionKeyVersion)
        .join(DistributionKeyVersion, DistributionKeyVersion.key_id == DistributionKey.id)
        .where(
            DistributionKey.solution_id == solution_id, DistributionKeyVersion.status == "approved"
        )
        .order_by(DistributionKey.id, DistributionKeyVersion.version)
    ).all()
    return [
        KeyVersionFacts(v.id, k, v.version, v.valid_from, v.valid_to, parse_key(v.data))
        for k, v in rows
    ]


# --- capacity ---------------------------------------------------------------------------------


def set_capacity_share(
    session: Session, actor: Actor | None, solution_id: int, intervention: str, places: int
) -> CapacityShare:
    """The places in a capacity-limited intervention the solution has agreed with its owner."""
    if actor is not None:
        access.require_role(actor, SOLUTION_EDITORS, "At aftale pladser")
    if places < 0:
        raise PrinciplesError("Antallet af aftalte pladser kan ikke være negativt.")
    found = session.scalars(
        select(CapacityShare).where(
            CapacityShare.solution_id == solution_id, CapacityShare.intervention == intervention
        )
    ).first()
    who = actor.username if actor else "demo"
    if found is None:
        found = CapacityShare(solution_id=solution_id, intervention=intervention, set_by=who)
        session.add(found)
    found.places, found.set_by = places, who
    session.flush()
    if actor is not None:
        access.record(
            session,
            actor,
            "kapacitetsandel_sat",
            detail={"solution_id": solution_id, "intervention": intervention, "places": places},
        )
    return found


def capacity_shares(session: Session, solution_id: int) -> dict[str, int]:
    query = select(CapacityShare).where(CapacityShare.solution_id == solution_id)
    return {c.intervention: c.places for c in session.scalars(query)}


def preset_plan_text() -> str:
    """The shipped example competence plan (``presets/kompetenceplan.yaml``)."""
    from importlib import resources

    return (
        resources.files("tvaers.principles")
        .joinpath("presets", "kompetenceplan.yaml")
        .read_text("utf-8")
    )
