"""Grants (bevillinger): proposed for a citizen or family enrolled in a solution, routed by the
competence plan to the lowest level whose ceiling covers them, approved by that level and — where
the solution grants what a sector area pays and the area's part is above the agreed ceiling —
by the paying area's chief as well; rejected, withdrawn or ended with a reason.

Rules kept here, whatever the channel (web or command line):

* four eyes: the proposer never decides their own grant;
* a decision is final: a grant's decisions are append-only records, a change is a new grant
  (``replaces``), and KL's network rules of the plan apply to it;
* two people deciding the same requirement at once: the grant's row is locked while deciding
  (``SELECT … FOR UPDATE`` on PostgreSQL), a unique index allows one decision per requirement and
  the grant's ``row_version`` must be the one read — the second gets :class:`GrantConflict`;
* an approved grant becomes its commitments: the monthly amounts from start to expected end,
  split exactly on the paying areas by the key version named on the grant;
* every step is person-level: casework purpose and the solution's selection basis, one audit
  entry through :func:`tvaers.access.solution`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tvaers import access
from tvaers.access import Actor
from tvaers.core.access import GRANT_PROPOSERS, Role
from tvaers.core.money import TWO_PLACES, from_ore, kroner, to_ore
from tvaers.core.periods import danish_date
from tvaers.principles.catalogue import Catalogue
from tvaers.principles.grant_decisions import approve_by_rule, audit, decision
from tvaers.principles.model import (
    SOLUTION_BUDGET,
    GrantCost,
    GrantStatus,
    Place,
    PrinciplesError,
    Share,
    monthly_amounts,
    separated,
    shares_of,
    split,
)
from tvaers.principles.plan import CompetencePlan
from tvaers.principles.service import checked_text, current_plan, key_named, placements
from tvaers.selection.decisions import current_enrolment
from tvaers.store.models_principles import (
    DistributionKeyVersion,
    Grant,
    Placement,
)


@dataclass(frozen=True)
class Proposal:
    """What a proposer fills in. Price: ``units_per_month`` × the intervention's unit price on
    the start day, or a ``monthly_amount``; payer: a distribution ``key`` (its version in force
    on the start day), or one ``paying_area`` (default: the intervention's own area)."""

    solution_id: int
    unit: str  # citizen or family
    subject: str  # the citizen's pseudonym or the family's code
    intervention: str
    start: date
    end: date  # expected end
    justification: str
    expected_effect: str
    units_per_month: Decimal | None = None
    monthly_amount: Decimal | None = None
    key: str | None = None
    paying_area: str | None = None
    placement_id: int | None = None
    replaces: int | None = None
    basis_id: int | None = None


def _placement(session: Session, proposal: Proposal, code: str) -> Placement | None:
    found = placements(session, proposal.solution_id)
    if proposal.placement_id is not None:
        chosen = [p for p in found if p.id == proposal.placement_id]
        if not chosen:
            raise PrinciplesError(
                f"Placering nr. {proposal.placement_id} hører ikke til løsningen."
            )
        return chosen[0]
    named = [p for p in found if code in (p.interventions or [])]
    general = [p for p in found if not p.interventions and not p.intervention_type]
    if named or general:
        return (named or general)[0]
    return found[0] if len(found) == 1 else None


def _monthly(proposal: Proposal, catalogue: Catalogue) -> tuple[Decimal, Decimal | None]:
    """The monthly amount and the unit price it was computed from (``None``: an amount)."""
    facts = catalogue.intervention(proposal.intervention)
    if proposal.monthly_amount is not None:
        return kroner(proposal.monthly_amount), None
    if proposal.units_per_month is None:
        raise PrinciplesError(
            "Angiv enten antal enheder pr. måned (prisen hentes fra enhedspriserne) eller et "
            "beløb pr. måned."
        )
    price = facts.price_on(proposal.start)
    if price is None:
        raise PrinciplesError(
            f"Indsatsen {facts.name} har ingen enhedspris gældende {danish_date(proposal.start)}.",
            hint="Angiv et beløb pr. måned, eller importér enhedspriser (unit_prices).",
        )
    monthly = (proposal.units_per_month * price).quantize(TWO_PLACES, rounding=ROUND_HALF_EVEN)
    return monthly, price


def _payers(
    session: Session, proposal: Proposal, catalogue: Catalogue, paying: Place, age: int | None
) -> tuple[tuple[Share, ...], DistributionKeyVersion | None]:
    facts = catalogue.intervention(proposal.intervention)
    if proposal.key:
        version = _version_in_force(session, proposal.key, proposal.start)
        from tvaers.principles.keys import parse_key

        shares = parse_key(version.data).shares_for(facts.code, facts.legal_basis, age)
        if shares is not None:
            return shares, version
    area = proposal.paying_area or (
        SOLUTION_BUDGET if paying is Place.SOLUTION and not proposal.key else facts.sector_area
    )
    known = {*catalogue.area_names, SOLUTION_BUDGET}
    if catalogue.area_names and area not in known:
        raise PrinciplesError(f"Sektorområdet «{area}» findes ikke i kommunens data.")
    return shares_of([(area, "100%")]), None


def _version_in_force(session: Session, key: str, day: date) -> DistributionKeyVersion:
    stored = key_named(session, key)
    found = session.scalars(
        select(DistributionKeyVersion)
        .where(
            DistributionKeyVersion.key_id == stored.id,
            DistributionKeyVersion.status == "approved",
            DistributionKeyVersion.valid_from <= day,
            (DistributionKeyVersion.valid_to.is_(None)) | (DistributionKeyVersion.valid_to >= day),
        )
        .order_by(DistributionKeyVersion.version.desc())
    ).first()
    if found is None:
        raise PrinciplesError(
            f"Fordelingsnøglen «{key}» har ingen godkendt version, der gælder {danish_date(day)}.",
            hint="Koordinationsgruppen godkender nøgler med: tvaers key approve",
        )
    return found


def _requirements(
    plan: CompetencePlan,
    cost: GrantCost,
    granting: Place,
    paying: Place,
    parts: Sequence[tuple[str, Decimal]],
    area_names: dict[str, str],
) -> list[dict[str, Any]]:
    level = plan.route(cost)
    found: list[dict[str, Any]] = [
        {
            "key": f"level:{level.key}",
            "label": level.name,
            "roles": [r.value for r in level.roles],
            "area": None,
        }
    ]
    if separated(granting, paying):
        for area, amount in parts:  # the paying areas: a handful
            if area != SOLUTION_BUDGET and plan.needs_area_approval(amount, area):
                found.append(
                    {
                        "key": f"area:{area}",
                        "label": f"Fagchef for {area_names.get(area, area)}",
                        "roles": [Role.AREA_CHIEF.value],
                        "area": area,
                    }
                )
    return found


def _replacement(
    session: Session, proposal: Proposal, plan: CompetencePlan, monthly: Decimal
) -> bool:
    """KL's rules for a grant that replaces another; ``True`` when it may be approved without
    the plan's levels (an increase within the plan's percentage)."""
    if proposal.replaces is None:
        return False
    old = session.get(Grant, proposal.replaces)
    if old is None or old.solution_id != proposal.solution_id or old.subject != proposal.subject:
        raise PrinciplesError(
            f"Bevilling nr. {proposal.replaces} er ikke en bevilling til samme borger eller "
            "familie i løsningen."
        )
    if old.status != GrantStatus.APPROVED:
        raise PrinciplesError(f"Bevilling nr. {old.id} er ikke bevilget og kan ikke afløses.")
    current = from_ore(old.monthly_ore)
    if plan.replacement_at_most_replaced and monthly > current:
        raise PrinciplesError(
            f"Et nyt tilbud må højst koste det, det afløser ({current} kr. pr. måned); "
            f"dette koster {monthly} kr. (kompetenceplanens regel).",
            hint="Indstil tilbuddet som en ny bevilling uden at afløse den gamle.",
        )
    return not plan.increase_needs_approval(monthly, current)


def _checked(session: Session, actor: Actor, proposal: Proposal) -> tuple[int, CompetencePlan]:
    """The checks before any work: role, basis, enrolment, the texts, a plan to route by."""
    access.require_role(actor, GRANT_PROPOSERS, "At indstille en bevilling")
    access.solution_gate(session, actor, proposal.solution_id, proposal.basis_id)
    if current_enrolment(session, proposal.solution_id, proposal.unit, proposal.subject) is None:
        raise PrinciplesError("Borgeren eller familien er ikke indskrevet i løsningen.")
    justification = checked_text(proposal.justification, "Den faglige begrundelse")
    if not justification or not checked_text(proposal.expected_effect, "Den forventede effekt"):
        raise PrinciplesError(
            "Skriv den faglige begrundelse og den forventede effekt: visitationsudvalget "
            "vejer prisen mod effekten."
        )
    if proposal.end < proposal.start:
        raise PrinciplesError("Bevillingen slutter før den starter: ret perioden.")
    current = current_plan(session)
    if current is None:
        raise PrinciplesError(
            "Der er ingen kompetenceplan endnu.",
            hint="Importér kommunens plan: tvaers plan import FIL",
        )
    return current[0].version, current[1]


def propose(
    session: Session,
    actor: Actor,
    catalogue: Catalogue,
    proposal: Proposal,
    age: int | None = None,
) -> Grant:
    """Record a proposed grant, routed by the current competence plan; ``age``: the citizen's on
    the start day (for a key with age rules)."""
    plan_version, plan = _checked(session, actor, proposal)
    facts = catalogue.intervention(proposal.intervention)
    monthly, price = _monthly(proposal, catalogue)
    cost = GrantCost.of(
        monthly_amounts(proposal.start, proposal.end, monthly), facts.code, facts.sector_area
    )
    placement = _placement(session, proposal, facts.code)
    granting = Place(placement.granting) if placement else Place.AREAS
    paying = Place(placement.paying) if placement else Place.AREAS
    shares, version = _payers(session, proposal, catalogue, paying, age)
    parts = [(p.sector_area, p.amount) for p in split(cost.total, shares)]
    automatic = _replacement(session, proposal, plan, monthly)
    requirements = (
        []
        if automatic
        else _requirements(plan, cost, granting, paying, parts, catalogue.area_names)
    )
    level = plan.route(cost)
    grant = Grant(
        solution_id=proposal.solution_id, unit=proposal.unit, subject=proposal.subject,
        intervention=facts.code, intervention_name=facts.name, sector_area=facts.sector_area,
        placement_id=placement.id if placement else None, granting=granting.value,
        paying=paying.value,
        units_per_month=str(proposal.units_per_month) if price is not None else None,
        unit_price_ore=to_ore(price) if price is not None else None,
        monthly_ore=to_ore(monthly), start_date=proposal.start, end_date=proposal.end,
        total_ore=to_ore(cost.total), per_year_ore=to_ore(cost.per_year),
        justification=proposal.justification.strip(),
        expected_effect=proposal.expected_effect.strip(), plan_version=plan_version,
        level=level.key, level_name=level.name, requirements=requirements,
        paying_area=shares[0].sector_area if version is None else None,
        shares=[[s.sector_area, s.text] for s in shares],
        key_version_id=version.id if version else None, replaces_grant_id=proposal.replaces,
        status=GrantStatus.PROPOSED.value, proposed_by=actor.username,
    )  # fmt: skip
    session.add(grant)
    session.flush()
    decision(session, grant, "proposal", None, actor, proposal.justification)
    extra = {"total": str(cost.total), "level": level.key,
             "requirements": [r["key"] for r in requirements]}  # fmt: skip
    audit(session, actor, grant, "bevilling_indstillet", extra)
    if automatic:
        reason = "Stigning inden for kompetenceplanens procentgrænse."
        approve_by_rule(session, grant, actor, reason)
    return grant
