"""Who grants and who pays (focus point 4, issue 12): placements, the competence plan's versions,
distribution keys and their versions, grants with their decisions and commitments, and the
solutions' agreed places in capacity-limited interventions.

Money is whole øre (``BigInteger``): exact on SQLite and PostgreSQL alike. The decisions and the
commitments are append-only (database triggers refuse UPDATE, DELETE and TRUNCATE): a grant's
current status is on the grant, its history in the decisions, and a change is a new decision.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Mapped, mapped_column

from tvaers.store.models import Base, utcnow

PLACES = "('solution', 'shared', 'areas')"


class Placement(Base):
    """Where a solution's granting authority and payment obligation sit for an intervention type
    (``intervention_type`` empty: all its interventions), VIVE table 4.1/4.2."""

    __tablename__ = "placements"
    __table_args__ = (
        UniqueConstraint("solution_id", "intervention_type", name="uq_placements_type"),
        CheckConstraint(f"granting IN {PLACES} AND paying IN {PLACES}", name="ck_placements_place"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    solution_id: Mapped[int] = mapped_column(ForeignKey("solutions.id"), index=True)
    intervention_type: Mapped[str] = mapped_column(String(200), default="")
    interventions: Mapped[list[str]] = mapped_column(JSON, default=list)  # codes it covers
    granting: Mapped[str] = mapped_column(String(10))
    paying: Mapped[str] = mapped_column(String(10))
    expected: Mapped[bool] = mapped_column(default=False)  # planned, not yet in operation
    note: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(Text)
    set_by: Mapped[str] = mapped_column(String(100))
    set_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CompetencePlanVersion(Base):
    """Every saved version of the competence plan (principles.plan), the newest in force."""

    __tablename__ = "competence_plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(Integer, unique=True)
    name: Mapped[str] = mapped_column(Text)
    valid_from: Mapped[date] = mapped_column(Date)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)  # principles.plan.plan_mapping
    text: Mapped[str] = mapped_column(Text)  # the YAML as imported
    changed_by: Mapped[str] = mapped_column(String(100))
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    note: Mapped[str] = mapped_column(Text, default="")


class DistributionKey(Base):
    """A distribution key of a solution; its content is in its versions."""

    __tablename__ = "distribution_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(Text)
    solution_id: Mapped[int | None] = mapped_column(ForeignKey("solutions.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class DistributionKeyVersion(Base):
    """A version of a key: proposed by the solution with a justification, approved (or rejected)
    by the coordination group; in force from ``valid_from`` to ``valid_to`` once approved."""

    __tablename__ = "distribution_key_versions"
    __table_args__ = (
        UniqueConstraint("key_id", "version", name="uq_distribution_key_versions"),
        CheckConstraint(
            "status IN ('proposed', 'approved', 'rejected')", name="ck_key_versions_status"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key_id: Mapped[int] = mapped_column(ForeignKey("distribution_keys.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)  # principles.keys.key_mapping
    justification: Mapped[str] = mapped_column(Text)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default="proposed")
    proposed_by: Mapped[str] = mapped_column(String(100))
    proposed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    decided_by: Mapped[str | None] = mapped_column(String(100))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decision_reason: Mapped[str | None] = mapped_column(Text)


class Grant(Base):
    """A grant (bevilling): who, which intervention, what it costs per month and in all, who
    proposed it, the level it was routed to and the approvals it needs, who pays and by which
    key version, and its status. ``row_version`` guards a decision against a concurrent one."""

    __tablename__ = "grants"
    __table_args__ = (
        CheckConstraint("unit IN ('citizen', 'family')", name="ck_grants_unit"),
        CheckConstraint(
            "status IN ('proposed', 'approved', 'rejected', 'withdrawn', 'ended')",
            name="ck_grants_status",
        ),
        CheckConstraint("end_date >= start_date", name="ck_grants_period"),
        Index("ix_grants_subject", "unit", "subject"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    solution_id: Mapped[int] = mapped_column(ForeignKey("solutions.id"), index=True)
    unit: Mapped[str] = mapped_column(String(10))
    subject: Mapped[str] = mapped_column(String(40))  # citizen pseudonym or family code
    intervention: Mapped[str] = mapped_column(String(40))
    intervention_name: Mapped[str] = mapped_column(Text)
    sector_area: Mapped[str] = mapped_column(String(40))  # the intervention's area
    placement_id: Mapped[int | None] = mapped_column(ForeignKey("placements.id"))
    granting: Mapped[str] = mapped_column(String(10))
    paying: Mapped[str] = mapped_column(String(10))
    units_per_month: Mapped[str | None] = mapped_column(String(40))  # exact decimal as text
    unit_price_ore: Mapped[int | None] = mapped_column(BigInteger)
    monthly_ore: Mapped[int] = mapped_column(BigInteger)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)  # expected end
    total_ore: Mapped[int] = mapped_column(BigInteger)
    per_year_ore: Mapped[int] = mapped_column(BigInteger)
    justification: Mapped[str] = mapped_column(Text)
    expected_effect: Mapped[str] = mapped_column(Text)
    plan_version: Mapped[int | None] = mapped_column(Integer)
    level: Mapped[str] = mapped_column(String(60))
    level_name: Mapped[str] = mapped_column(Text)
    requirements: Mapped[list[dict[str, Any]]] = mapped_column(JSON)  # {key, label, roles, area}
    paying_area: Mapped[str | None] = mapped_column(String(40))  # one payer, when no key
    shares: Mapped[list[list[str]]] = mapped_column(JSON)  # [[area, share text]], as split
    key_version_id: Mapped[int | None] = mapped_column(ForeignKey("distribution_key_versions.id"))
    replaces_grant_id: Mapped[int | None] = mapped_column(ForeignKey("grants.id"))
    status: Mapped[str] = mapped_column(String(10), default="proposed")
    status_reason: Mapped[str | None] = mapped_column(Text)
    ended_on: Mapped[date | None] = mapped_column(Date)
    proposed_by: Mapped[str] = mapped_column(String(100))
    proposed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    row_version: Mapped[int] = mapped_column(Integer, default=1)


class GrantDecision(Base):
    """Append-only: every step of a grant — proposal, approval or rejection of one requirement,
    withdrawal, end — with who, in which role, why and when. At most one decision per grant and
    requirement (a unique index: a second chief deciding the same thing at once is refused)."""

    __tablename__ = "grant_decisions"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('proposal', 'approval', 'rejection', 'withdrawal', 'end')",
            name="ck_grant_decisions_kind",
        ),
        Index(
            "uq_grant_decisions_requirement",
            "grant_id",
            "requirement",
            unique=True,
            sqlite_where=sql_text("requirement IS NOT NULL"),
            postgresql_where=sql_text("requirement IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    grant_id: Mapped[int] = mapped_column(ForeignKey("grants.id"), index=True)
    kind: Mapped[str] = mapped_column(String(12))
    requirement: Mapped[str | None] = mapped_column(String(60))  # level:<key> or area:<code>
    decided_by: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class GrantCommitment(Base):
    """Append-only: an approved grant's commitment per month and paying area, split by the key
    version named (``share``: that area's share as the key gives it). Ending a grant early adds
    the negative difference for the months it no longer covers."""

    __tablename__ = "grant_commitments"
    __table_args__ = (Index("ix_grant_commitments_area_month", "sector_area", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    grant_id: Mapped[int] = mapped_column(ForeignKey("grants.id"), index=True)
    month: Mapped[date] = mapped_column(Date)  # the month's first day
    sector_area: Mapped[str] = mapped_column(String(40))
    amount_ore: Mapped[int] = mapped_column(BigInteger)
    share: Mapped[str] = mapped_column(String(20))
    key_version_id: Mapped[int | None] = mapped_column(ForeignKey("distribution_key_versions.id"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CapacityShare(Base):
    """The places in a capacity-limited intervention a solution has agreed with the owning area."""

    __tablename__ = "capacity_shares"
    __table_args__ = (UniqueConstraint("solution_id", "intervention", name="uq_capacity_shares"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    solution_id: Mapped[int] = mapped_column(ForeignKey("solutions.id"), index=True)
    intervention: Mapped[str] = mapped_column(String(40))
    places: Mapped[int] = mapped_column(Integer)
    set_by: Mapped[str] = mapped_column(String(100))
    set_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
