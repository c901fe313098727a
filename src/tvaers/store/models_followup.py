"""Follow-up (focus point 6, issue 14): the forecast method chosen per intervention type, result
goals per solution and year, and the follow-ups recorded on granted interventions.

Every table is a history the database refuses to change (triggers, as for focus point 5): a
new choice or goal is a new row with the next ``version`` of its key, the newest in force; a
follow-up is a new row, never an edit (a correction is recorded as another follow-up).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from tvaers.store.models import Base, utcnow

APPEND_ONLY = ("forecast_methods", "result_goals", "followups")


class ForecastMethodChoice(Base):
    """One version of the forecast method a municipality chose for an intervention type: a
    sector area and an intervention code (``""``: the area's postings without one). ``method``
    is one of :data:`tvaers.followup.model.METHODS`."""

    __tablename__ = "forecast_methods"
    __table_args__ = (
        UniqueConstraint("sector_area", "intervention", "version", name="uq_forecast_methods"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sector_area: Mapped[str] = mapped_column(String(40))
    intervention: Mapped[str] = mapped_column(String(40), default="")
    method: Mapped[str] = mapped_column(String(20))
    version: Mapped[int] = mapped_column(Integer)
    changed_by: Mapped[str] = mapped_column(String(100))
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    note: Mapped[str] = mapped_column(Text, default="")


class ResultGoal(Base):
    """One version of a solution's result goal for a year (Furesø: 15 % in job or education; 50
    reaching internship, 15 job or education). ``goal`` is the goal's code, ``statuses`` the
    outcome status codes that count as reaching it; the target is a count of citizens
    (``target_count``) or a share of the solution's citizens in ten-thousandths
    (``target_share_e4``: 1500 = 15 %)."""

    __tablename__ = "result_goals"
    __table_args__ = (
        UniqueConstraint("solution_id", "year", "goal", "version", name="uq_result_goals"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    solution_id: Mapped[int] = mapped_column(ForeignKey("solutions.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    goal: Mapped[str] = mapped_column(String(60))
    name: Mapped[str] = mapped_column(Text)
    statuses: Mapped[list[str]] = mapped_column(JSON, default=list)
    target_count: Mapped[int | None] = mapped_column(Integer)
    target_share_e4: Mapped[int | None] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer)
    changed_by: Mapped[str] = mapped_column(String(100))
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    note: Mapped[str] = mapped_column(Text, default="")


class FollowUp(Base):
    """A follow-up recorded on a citizen's granted intervention (003: a new grant within 3
    months, then at least yearly): when, in which form, and the outcome (``continue``,
    ``adjust``, ``reduce``, ``stop``). ``citizen`` is the pseudonym; ``started_on`` the start of
    the grant or activity followed up; ``grant_id`` when it is a grant of focus point 4."""

    __tablename__ = "followups"
    __table_args__ = (Index("ix_followups_case", "citizen", "intervention", "started_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    citizen: Mapped[str] = mapped_column(String(40))
    intervention: Mapped[str] = mapped_column(String(40))
    started_on: Mapped[date] = mapped_column(Date)
    grant_id: Mapped[int | None] = mapped_column(ForeignKey("grants.id"))
    followed_up_on: Mapped[date] = mapped_column(Date)
    form: Mapped[str] = mapped_column(String(20))
    outcome: Mapped[str] = mapped_column(String(10))
    caseworker: Mapped[str] = mapped_column(String(100), default="")
    recorded_by: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    note: Mapped[str] = mapped_column(Text, default="")
