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


def solution_data(record: dict[str, Any]) -> SolutionData:
    municipality = str(record["municipality"])
    name = record.get("name") or f"Tværgående løsning i {municipality.removesuffix(' Kommune')}"
    families = record.get("families")
    model = (record.get("organisation_model") or {}).get("value")
    anchoring = record.get("political_anchoring") or {}
    notes = [
        line
        for line in (
            _text(record.get("status")),
            _text(anchoring),
            "Organisering: " + _text(record.get("organisation_model")),
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
        target_group=_text(record.get("target_group")),
        families=families.get("count") if isinstance(families, dict) else families,
        in_operation=_iso_date(anchoring.get("in_operation_from")),
        steering_group=_members(record, "steering_group"),
        chief_forum=_members(record, "chief_forum", "coordination_group"),
        organisation_model=OrganisationModel(model)
        if model in {"unit", "network", "matrix"}
        else None,
        coordinating_caseworker=model == "network" and "koordinator" in _text(record.get("staff")),
        notes="\n".join(notes),
    )


def answers(record: dict[str, Any]) -> dict[str, str]:
    """Reflection answers the sources state explicitly."""
    out: dict[str, str] = {}
    model = (record.get("organisation_model") or {}).get("value")
    if model:
        out["fp3_organisering"] = model
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
    """Create the example solutions not yet present; returns how many were created."""
    existing = set(session.scalars(select(Solution.name).where(Solution.example.is_(True))))
    created = 0
    for record in records():
        data = solution_data(record)
        if data.name in existing:
            continue
        solution = service.create(session, data, ACTOR, example=True)
        for key, value in answers(record).items():
            service.answer(session, solution.id, key, value, ACTOR)
        created += 1
    return created
