"""The page of the form that proposes a grant (:mod:`.grants`): the solution's enrolled citizens
and families to choose from, the intervention catalogue with each unit and today's price, the
payers (an approved key, an area, the solution's own budget) and the solution's placement of
granting and paying. Person-level: shown only through :func:`tvaers.access.solution`, which logs
it (and refuses without the casework purpose or the solution's selection basis)."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from tvaers import access
from tvaers.access import Actor
from tvaers.core.money import format_dkk, from_ore
from tvaers.core.periods import danish_date, today
from tvaers.principles import catalogue, inbox, service
from tvaers.principles.catalogue import Catalogue
from tvaers.principles.model import SOLUTION_BUDGET
from tvaers.selection import decisions
from tvaers.store.models import Solution
from tvaers.web.deps import render, settings_of
from tvaers.web.pages.grants_tables import area_name, placement_text, subject_text
from tvaers.web.texts_grants import GRANTS as G
from tvaers.web.texts_grants import UNIT_LABELS

Choices = list[tuple[str, str]]  # (value, label) of a select


def subject_choices(session: Session, solution: Solution) -> Choices:
    """The citizens and families enrolled in the solution now (an open period)."""
    return [
        (f"{p.unit}:{p.subject}",
         f"{subject_text(p.unit, p.subject)} (indskrevet {danish_date(p.enrolled_on)})")
        for p in decisions.enrolments(session, solution.id)
        if p.discharged_on is None
    ]  # fmt: skip


def intervention_choices(known: Catalogue) -> Choices:
    """Every intervention of the catalogue: name, code, area, and today's price per unit."""
    day = today()
    found = []
    for code, facts in sorted(known.interventions.items(), key=lambda kv: kv[1].name):
        price = facts.price_on(day)
        unit = UNIT_LABELS.get(facts.unit, facts.unit)
        priced = (G["price_per"].format(price=format_dkk(price), unit=unit)
                  if price is not None else G["no_price"])  # fmt: skip
        area = area_name(facts.sector_area, known.area_names)
        found.append((code, f"{facts.name} ({code}) – {area} – {priced}"))
    return found


def payer_choices(session: Session, solution: Solution, known: Catalogue) -> Choices:
    """Who may pay: the intervention's own area (no choice), one of the solution's keys, an
    area, or the solution's own budget."""
    found = [("", G["payer_default"])]
    found += [(f"key:{k.key}", G["payer_key"].format(name=k.name))
              for k in service.keys(session, solution.id)]  # fmt: skip
    found += [(f"area:{code}", G["payer_area"].format(name=name))
              for code, name in known.area_names.items()]  # fmt: skip
    found.append((f"area:{SOLUTION_BUDGET}", G["payer_solution"]))
    return found


def replaceable_choices(session: Session, solution: Solution) -> Choices:
    """The solution's approved grants a new offer may replace (KL's rules in the plan)."""
    found = [("", G["replaces_none"])]
    found += [
        (str(g.id), G["replaces_choice"].format(
            id=g.id, name=g.intervention_name, subject=subject_text(g.unit, g.subject),
            monthly=format_dkk(from_ore(g.monthly_ore))))
        for g in inbox.grants(session, solution.id, "approved")
    ]  # fmt: skip
    return found


def placements_of(session: Session, solution: Solution) -> list[str]:
    """The solution's placements of granting and paying, in Danish."""
    return [
        f"{p.intervention_type or G['applies_all']}: {placement_text(p.granting, p.paying)}"
        for p in service.placements(session, solution.id)
    ]


def form_page(
    request: Request,
    session: Session,
    who: Actor,
    solution: Solution,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    error: str | None = None,
    known: Catalogue | None = None,
) -> Response:
    """The form (again, with ``values`` as typed and the ``errors`` per field or the service's
    ``error``); one audit entry for the view of the solution's enrolled it offers."""
    subjects = subject_choices(session, solution)
    basis = access.solution(session, who, solution.id, "bevilling_formular_vist",
                            detail={"enrolled": len(subjects)})  # fmt: skip
    known = known if known is not None else catalogue.loaded(settings_of(request))
    context: dict[str, Any] = {
        "solution": solution, "basis": basis, "subjects": subjects,
        "interventions": intervention_choices(known),
        "payers": payer_choices(session, solution, known),
        "replaceable": replaceable_choices(session, solution),
        "placements": placements_of(session, solution),
        "has_plan": service.current_plan(session) is not None,
        "values": values or {}, "errors": errors or {}, "error": error,
    }  # fmt: skip
    return render(request, "grants/new.html", who, status_code=422 if errors or error else 200,
                  **context)  # fmt: skip
