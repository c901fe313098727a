"""The five municipalities' solutions from the seeds (VIVE 2018) as example records.

Only what the sources state is recorded; the full source text and references go into the notes,
and the answers the sources give to reflection questions are recorded as answers.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from importlib import resources
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from tvaers.anchoring import service
from tvaers.anchoring.model import OrganisationModel, SolutionData, question
from tvaers.store.models import Solution

ACTOR = "eksempel (VIVE 2018)"


@cache
def records() -> tuple[dict[str, Any], ...]:
    text = (resources.files("tvaers.anchoring") / "example_solutions.yaml").read_text("utf-8")
    return tuple(yaml.safe_load(text)["solutions"])


def _text(value: Any) -> str:
    if isinstance(value, dict):
        return str(value.get("text") or "")
    return "" if value is None else str(value)


def _members(record: dict[str, Any], *roles: str) -> list[str]:
    bodies = (record.get("governance") or {}).get("bodies") or []
    return [
        f"{body['name']}: {member}" if len(roles) > 1 else str(member)
        for body in bodies
        if body.get("role") in roles
        for member in (body.get("members") or [body.get("name")])
    ]


def _iso_date(value: Any) -> date | None:
    """Only a date the source gives exactly ("sommeren 2018" stays in the notes)."""
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


def _inferred(record: dict[str, Any]) -> list[str]:
    """The fields whose value the sources do not state but that are deduced (``inferred``)."""
    return [
        key
        for key in ("organisation_model",)
        if isinstance(record.get(key), dict) and record[key].get("inferred")
    ]


def _target_group(record: dict[str, Any]) -> str:
    """The target group, with its size when the sources count it in citizens (Furesø)."""
    size = _text(record.get("citizens")).strip()
    if size and not size.endswith("."):
        size += "."
    return " ".join(part for part in (_text(record.get("target_group")).strip(), size) if part)


def solution_data(record: dict[str, Any]) -> SolutionData:
    municipality = str(record["municipality"])
    name = record.get("name") or f"Tværgående løsning i {municipality.removesuffix(' Kommune')}"
    families = record.get("families")
    organisation = record.get("organisation_model") or {}
    model = organisation.get("value")
    anchoring = record.get("political_anchoring") or {}
    inferred = " (udledt, ikke angivet i kilderne)" if organisation.get("inferred") else ""
    notes = [
        line
        for line in (
            _text(record.get("status")),
            _text(anchoring),
            f"Organisering{inferred}: "
            + (_text(organisation) or str(organisation.get("note") or "")).strip(),
            "Medarbejdere: " + _text(record.get("staff")),
            "Budgetmodel: " + _text(record.get("budget_model")),
            *("Visitation og betaling: " + _text(p) for p in record.get("principles") or []),
            *(
                "Kompenserende tiltag: " + _text(m)
                for m in record.get("compensating_measures") or []
            ),
            "Kilder: " + "; ".join(record.get("sources") or []),
        )
        if line and not line.endswith(": ")
    ]
    return SolutionData(
        name=str(name),
        municipality=municipality,
        target_group=_target_group(record),
        families=families.get("count") if isinstance(families, dict) else families,
        in_operation=_iso_date(anchoring.get("in_operation_from")),
        steering_group=_members(record, "steering_group"),
        chief_forum=_members(record, "chief_forum", "coordination_group"),
        organisation_model=OrganisationModel(model)
        if model in {"unit", "network", "matrix"}
        else None,
        coordinating_caseworker=model == "network" and "koordinator" in _text(record.get("staff")),
        notes="\n".join(notes),
        inferred=_inferred(record),
    )


def answers(record: dict[str, Any]) -> dict[str, str]:
    """Reflection answers the sources state explicitly (not an inferred value)."""
    out: dict[str, str] = {}
    organisation = record.get("organisation_model") or {}
    if organisation.get("value") and not organisation.get("inferred"):
        out["fp3_organisering"] = organisation["value"]
    budget = (record.get("budget_model") or {}).get("value")
    if budget:
        out["fp5_budgetmodel"] = budget
    principles = record.get("principles") or []
    if len({p.get("granting_authority") for p in principles}) == 1:
        out["fp4_visitation_placering"] = principles[0]["granting_authority"]
    if len({p.get("payment_obligation") for p in principles}) == 1:
        out["fp4_betaling_placering"] = principles[0]["payment_obligation"]
    measures = [m.get("value") for m in record.get("compensating_measures") or []]
    known = [
        m
        for m in measures
        if m in {"amount_ceiling", "coordination_model", "distribution_key", "close_followup"}
    ]
    if known:
        out["fp4_kompenserende_tiltag"] = ",".join(dict.fromkeys(known))
    return {k: v for k, v in out.items() if (q := question(k)) is not None and q.valid(v)}


def load(session: Session) -> int:
    """Create the example solutions not yet present; returns how many were created.

    An example already stored that nobody has changed (every version and answer by the example
    actor) is brought up to date with the shipped data, as a new version by the example actor;
    one a user has changed is left alone."""
    existing = {
        s.name: s for s in session.scalars(select(Solution).where(Solution.example.is_(True)))
    }
    created = 0
    for record in records():
        data = solution_data(record)
        stored = existing.get(data.name)
        if stored is not None:
            if _untouched(session, stored):
                _refresh(session, stored, data, answers(record))
            continue
        solution = service.create(session, data, ACTOR, example=True)
        for key, value in answers(record).items():
            service.answer(session, solution.id, key, value, ACTOR)
        created += 1
    return created


def _untouched(session: Session, solution: Solution) -> bool:
    return all(v.changed_by == ACTOR for v in service.versions(session, solution.id)) and all(
        a.answered_by == ACTOR for a in service.answer_history(session, solution.id)
    )


def _refresh(
    session: Session, solution: Solution, data: SolutionData, shipped: dict[str, str]
) -> None:
    service.update(session, solution.id, data, ACTOR)
    current = service.current_answers(session, solution.id)
    for key in sorted(current.keys() | shipped.keys()):  # an answer no longer shipped is cleared
        service.answer(session, solution.id, key, shipped.get(key, ""), ACTOR)
