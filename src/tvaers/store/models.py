"""The operational database: municipalities, import batches, users, the audit log and casework.

Changes to these models need an Alembic migration in ``migrations/versions`` with a docstring
that says why.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy import text as sql_text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    pass


class Municipality(Base):
    __tablename__ = "municipalities"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    code: Mapped[str | None] = mapped_column(String(3))  # kommunenummer, e.g. 165
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ImportBatch(Base):
    """A numbered import: which files, their checksums and row counts, by whom, how it ended."""

    __tablename__ = "import_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipalities.id"))
    source: Mapped[str] = mapped_column(Text)
    user_name: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20))  # loading, loaded, failed
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    tables: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    note: Mapped[str | None] = mapped_column(Text)


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(40))
    sector_area: Mapped[str | None] = mapped_column(String(40))  # an area chief's area
    password_hash: Mapped[str | None] = mapped_column(String(300))
    active: Mapped[bool] = mapped_column(default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class WebSession(Base):
    """A signed-in browser session; the cookie carries only the token (issue 10 #6)."""

    __tablename__ = "web_sessions"
    __table_args__ = (Index("ix_web_sessions_user_open", "user_id", "ended_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    ended_reason: Mapped[str | None] = mapped_column(String(40))


class AuditEntry(Base):
    """Append-only (database triggers refuse UPDATE and DELETE) and hash-chained: who did what,
    to whom, why."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(100))
    citizen: Mapped[str | None] = mapped_column(String(40), index=True)  # pseudonym only
    purpose: Mapped[str | None] = mapped_column(String(20))
    basis: Mapped[str | None] = mapped_column(Text)
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    prev_hash: Mapped[str | None] = mapped_column(String(64))  # see store.audit_chain
    hash: Mapped[str | None] = mapped_column(String(64))


class AuditCheckpoint(Base):
    """Retention's mark in the audit log: entries up to ``upto_id`` were removed at the end of
    their period; the chain continues from ``upto_hash``. Append-only, and the database accepts
    one only for an entry older than 180 days."""

    __tablename__ = "audit_checkpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    upto_id: Mapped[int] = mapped_column(Integer)
    upto_hash: Mapped[str] = mapped_column(String(64))
    removed: Mapped[int] = mapped_column(Integer)
    actor: Mapped[str] = mapped_column(String(100))


class RecordedBasis:
    """The columns of a recorded basis (consent, legal basis or overriding interest): its kind
    and reference, the days it is in force, who recorded it and when, and its withdrawal.
    Shared by :class:`LegalBasis` and :class:`SelectionBasis` (after their id and owner)."""

    kind: Mapped[str] = mapped_column(String(30))  # consent, legal_basis, overriding_interest
    reference: Mapped[str] = mapped_column(Text)  # e.g. "Samtykke af 1. marts 2025, j.nr. …"
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    recorded_by: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class LegalBasis(RecordedBasis, Base):
    """The recorded basis for casework access to one citizen's data (DOMAIN.md §3.7)."""

    __tablename__ = "legal_bases"

    id: Mapped[int] = mapped_column(primary_key=True)
    citizen: Mapped[str] = mapped_column(String(40), index=True)  # pseudonym only


class Solution(Base):
    """A cross-cutting solution; ``data`` is the current version (anchoring.model.SolutionData)."""

    __tablename__ = "solutions"

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipalities.id"))
    name: Mapped[str] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(Integer, default=1)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    example: Mapped[bool] = mapped_column(default=False)  # loaded from the seeds by the demo
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SolutionVersion(Base):
    """Every saved version of a solution: the full record, what changed, who, when."""

    __tablename__ = "solution_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    solution_id: Mapped[int] = mapped_column(ForeignKey("solutions.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    changes: Mapped[dict[str, Any]] = mapped_column(JSON)  # field -> [old, new]
    changed_by: Mapped[str] = mapped_column(String(100))
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ReflectionAnswer(Base):
    """An answer to a reflection question; every answer is kept, the newest is current."""

    __tablename__ = "reflection_answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    solution_id: Mapped[int] = mapped_column(ForeignKey("solutions.id"), index=True)
    question: Mapped[str] = mapped_column(String(80))
    answer: Mapped[str] = mapped_column(Text)
    answered_by: Mapped[str] = mapped_column(String(100))
    answered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


# --- selection (issue 5): target-group rules, selection bases and the casework records -------


class TargetGroupRule(Base):
    """A target-group rule set (selection.model.RuleSet); ``version`` is the current version."""

    __tablename__ = "target_group_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(60), unique=True)  # the rule set's ``rule_set``
    label: Mapped[str] = mapped_column(Text)
    unit: Mapped[str] = mapped_column(String(10))  # citizen, family
    version: Mapped[int] = mapped_column(Integer, default=1)
    ready_made: Mapped[bool] = mapped_column(default=False)  # shipped from the seeds
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class TargetGroupRuleVersion(Base):
    """Every saved version of a rule set: the YAML exactly as given and its canonical form."""

    __tablename__ = "target_group_rule_versions"
    __table_args__ = (UniqueConstraint("rule_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    rule_id: Mapped[int] = mapped_column(ForeignKey("target_group_rules.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)  # exported byte for byte
    data: Mapped[dict[str, Any]] = mapped_column(JSON)  # selection.model.rule_set_to_mapping
    changed_by: Mapped[str] = mapped_column(String(100))
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    note: Mapped[str] = mapped_column(Text, default="")


class SelectionBasis(RecordedBasis, Base):
    """The recorded basis for screening candidates for one solution (DOMAIN.md §3.7).

    A candidate list covers many citizens, so its basis is recorded per solution, e.g. a legal
    basis ('Retssikkerhedslovens § 11 c …') or the solution's consent process.
    """

    __tablename__ = "selection_bases"

    id: Mapped[int] = mapped_column(primary_key=True)
    solution_id: Mapped[int] = mapped_column(ForeignKey("solutions.id"), index=True)


def _unit_check(table: str) -> CheckConstraint:
    """The table's ``unit`` is a citizen or a family (named as in the migration)."""
    return CheckConstraint("unit IN ('citizen', 'family')", name=f"ck_{table}_unit")


class SelectionDecision(Base):
    """Append-only (database triggers refuse UPDATE and DELETE): every professional assessment,
    enrolment and discharge of a citizen or family for a solution, in the order recorded."""

    __tablename__ = "selection_decisions"
    __table_args__ = (
        _unit_check("selection_decisions"),
        CheckConstraint(
            "kind IN ('assessment', 'enrolment', 'discharge')", name="ck_selection_decisions_kind"
        ),
        CheckConstraint(
            "decision IS NULL OR decision IN ('accepted', 'rejected', 'postponed')",
            name="ck_selection_decisions_decision",
        ),
        Index("ix_selection_decisions_subject", "solution_id", "unit", "subject"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    solution_id: Mapped[int] = mapped_column(ForeignKey("solutions.id"), index=True)
    unit: Mapped[str] = mapped_column(String(10))  # citizen, family
    subject: Mapped[str] = mapped_column(String(40))  # citizen pseudonym or family code
    kind: Mapped[str] = mapped_column(String(20))  # assessment, enrolment, discharge
    decision: Mapped[str | None] = mapped_column(String(20))  # accepted, rejected, postponed
    motivation: Mapped[str | None] = mapped_column(String(10))  # high, medium, low, unknown
    development_potential: Mapped[str | None] = mapped_column(String(10))
    note: Mapped[str | None] = mapped_column(Text)
    event_date: Mapped[date] = mapped_column(Date)
    reason: Mapped[str | None] = mapped_column(Text)  # the reason for a discharge
    rule_key: Mapped[str | None] = mapped_column(String(60))  # the rule version behind the
    rule_version: Mapped[int | None] = mapped_column(Integer)  # candidate, when known
    score: Mapped[str | None] = mapped_column(String(40))  # exact decimal as text
    decided_by: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Enrolment(Base):
    """A period in a solution from enrolment to discharge (open while ``discharged_on`` is null).

    At most one open enrolment per solution, unit and subject (a partial unique index); a new
    enrolment after a discharge is a new row.
    """

    __tablename__ = "enrolments"
    __table_args__ = (
        _unit_check("enrolments"),
        CheckConstraint(
            "discharged_on IS NULL OR discharged_on >= enrolled_on", name="ck_enrolments_period"
        ),
        Index(
            "uq_enrolments_open",
            "solution_id",
            "unit",
            "subject",
            unique=True,
            sqlite_where=sql_text("discharged_on IS NULL"),
            postgresql_where=sql_text("discharged_on IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    solution_id: Mapped[int] = mapped_column(ForeignKey("solutions.id"), index=True)
    unit: Mapped[str] = mapped_column(String(10))
    subject: Mapped[str] = mapped_column(String(40))
    enrolled_on: Mapped[date] = mapped_column(Date)
    discharged_on: Mapped[date | None] = mapped_column(Date)
    discharge_reason: Mapped[str | None] = mapped_column(Text)
    rule_key: Mapped[str | None] = mapped_column(String(60))
    rule_version: Mapped[int | None] = mapped_column(Integer)
    enrolled_by: Mapped[str] = mapped_column(String(100))
    discharged_by: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PublishedSet(Base):
    """The set of units behind a published statistical figure, as a sketch
    (:mod:`tvaers.core.sketch`): a later figure whose set differs from it by 1-4 units is hidden
    (issue 10 #1, docs/undertrykkelse.md). No pseudonym is kept, only sums of hashes of them."""

    __tablename__ = "published_sets"
    __table_args__ = (
        UniqueConstraint("purpose", "kind", "fingerprint", name="uq_published_sets_fingerprint"),
        Index("ix_published_sets_size", "purpose", "kind", "size"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    purpose: Mapped[str] = mapped_column(String(20))  # statistical
    kind: Mapped[str] = mapped_column(String(80))  # citizen, family or citizen:<area>
    size: Mapped[int] = mapped_column(Integer)
    fingerprint: Mapped[str] = mapped_column(String(64))  # SHA-256 of the sketch
    sketch: Mapped[bytes] = mapped_column(LargeBinary)
    context: Mapped[str] = mapped_column(String(200))  # e.g. "målgruppe furesoe"
    published_by: Mapped[str | None] = mapped_column(String(100))  # None: the command line
    published_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
