"""Ibis expressions behind one family's draw (:mod:`tvaers.draw.family`): its members and their
activities. Person-level; only the family view runs them, after the access check."""

from __future__ import annotations

from collections.abc import Sequence

import ibis.expr.types as ir
from ibis import _


def members(citizens: ir.Table, family: str) -> ir.Table:
    """The family's members (``citizen``, ``birth_date``), ordered."""
    found = citizens.filter(citizens.family == family)
    return found.select("citizen", "birth_date").order_by("citizen")


def activities(activities: ir.Table, interventions: ir.Table, citizens: Sequence[str]) -> ir.Table:
    """The citizens' activities with the intervention's name and sector area, ordered by
    citizen, start and intervention."""
    named = interventions.select(iv="intervention", iv_name="name", iv_area="sector_area")
    return (
        activities.filter(activities.citizen.isin(list(citizens)))
        .left_join(named, activities.intervention == named.iv)
        .select(
            "citizen",
            "intervention",
            "start_date",
            "end_date",
            "caseworker",
            "decided_by",
            name=_.iv_name,
            sector_area=_.iv_area,
        )
        .order_by(["citizen", "start_date", "intervention"])
    )
