"""A solution's people in the draw: each enrolled citizen — every member of an enrolled family —
counted from the month of enrolment through the month of discharge (``tvaers draw --solution``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import date
from typing import NamedTuple

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from tvaers.draw.attribution import Attribution, materialise


class Enrolled(NamedTuple):
    """One enrolment period: ``unit`` is citizen or family, ``subject`` its pseudonym/code."""

    unit: str
    subject: str
    enrolled_on: date
    discharged_on: date | None


def _month(day: date | None) -> date | None:
    return None if day is None else day.replace(day=1)


def members_table(backend: ibis.BaseBackend, periods: Sequence[Enrolled]) -> ir.Table:
    """``citizen, first_month, last_month`` (null: still enrolled) for the enrolment periods."""
    periods_table = ibis.memtable(
        pa.table(
            {
                "unit": pa.array([p.unit for p in periods], pa.string()),
                "subject": pa.array([p.subject for p in periods], pa.string()),
                "first_month": pa.array([_month(p.enrolled_on) for p in periods], pa.date32()),
                "last_month": pa.array([_month(p.discharged_on) for p in periods], pa.date32()),
            }
        )
    )
    citizens = backend.table("citizens")
    own = periods_table.filter(periods_table.unit == "citizen").select(
        citizen=periods_table.subject, first_month="first_month", last_month="last_month"
    )
    families = periods_table.filter(periods_table.unit == "family")
    members = families.join(citizens, families.subject == citizens.family).select(
        citizen=citizens.citizen.cast("string"),
        first_month=families.first_month,
        last_month=families.last_month,
    )
    return own.union(members)


def restrict(attribution: Attribution, members: ir.Table) -> Attribution:
    """The attribution limited to the members' months of enrolment (set-based, one join)."""
    lines = attribution.lines
    kept = (
        lines.join(members, lines.citizen == members.citizen)
        .filter(
            lines.month >= members.first_month,
            members.last_month.isnull() | (lines.month <= members.last_month),
        )
        .select(*lines.columns)
    )
    restricted = materialise(attribution.backend, "members_lines", kept)
    kept_members = materialise(attribution.backend, "members", members)
    return dataclasses.replace(attribution, lines=restricted, members=kept_members)
