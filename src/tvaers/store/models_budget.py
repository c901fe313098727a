"""Budgets and redistribution (focus point 5, issue 13): budgets per sector area and year (and a
solution's own budget and cost items), budget frames, efficiency requirements, settlements,
budget assumptions and investment cases.

Every table is a history: a change is a new row with the next ``version`` of its key, the
newest version is in force, and the database refuses UPDATE, DELETE and TRUNCATE (triggers, as
for the grants' decisions). Money is whole øre (``BigInteger``); full-year persons are whole
ten-thousandths (``units_e4``), exact on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
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

APPEND_ONLY = (
    "budget_versions",
    "budget_frames",
    "efficiency_requirements",
    "settlements",
    "budget_assumptions",
    "investment_cases",
)


class BudgetVersion(Base):
    """One version of a budget line: a sector area's budget for a year, or (``solution_id``) a
    solution's own budget, optionally a cost item of it (``item``, Helsingør's items inside and
    outside the unit: ``inside``). ``source`` is ``import`` (from the loaded ``budgets`` table)
    or ``user``."""

    __tablename__ = "budget_versions"
    __table_args__ = (
        Index("ix_budget_versions_line", "year", "sector_area", "solution_id", "item"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    sector_area: Mapped[str] = mapped_column(String(40))
    solution_id: Mapped[int | None] = mapped_column(ForeignKey("solutions.id"))
    item: Mapped[str] = mapped_column(String(200), default="")
    inside: Mapped[bool | None] = mapped_column(default=None)  # inside the unit (Helsingør)
    amount_ore: Mapped[int] = mapped_column(BigInteger)
    version: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(10), default="user")
    changed_by: Mapped[str] = mapped_column(String(100))
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    note: Mapped[str] = mapped_column(Text, default="")


class BudgetFrame(Base):
    """One version of a budget frame (003 §1): the sector areas whose budgets form one frame
    for a year, steered ``broad`` (money may move freely within the frame) or ``firm`` (each
    area's budget is fixed; an overspend must be covered within the frame)."""

    __tablename__ = "budget_frames"
    __table_args__ = (UniqueConstraint("year", "name", "version", name="uq_budget_frames_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    name: Mapped[str] = mapped_column(String(200))
    steering: Mapped[str] = mapped_column(String(10))
    areas: Mapped[list[str]] = mapped_column(JSON, default=list)
    version: Mapped[int] = mapped_column(Integer)
    changed_by: Mapped[str] = mapped_column(String(100))
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    note: Mapped[str] = mapped_column(Text, default="")


class EfficiencyRequirement(Base):
    """One version of a solution's efficiency requirement for a year: the amount, the rule that
    splits it on the areas (:class:`tvaers.budget.model.SplitRule`), the rule's inputs
    (``inputs``: expected gain in øre or fixed shares per area) and the harvesting."""

    __tablename__ = "efficiency_requirements"
    __table_args__ = (
        Index("ix_efficiency_requirements_key", "solution_id", "year"),
        UniqueConstraint(
            "solution_id", "year", "version", name="uq_efficiency_requirements_version"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    solution_id: Mapped[int] = mapped_column(ForeignKey("solutions.id"))
    year: Mapped[int] = mapped_column(Integer)
    amount_ore: Mapped[int] = mapped_column(BigInteger)
    rule: Mapped[str] = mapped_column(String(20))
    inputs: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    harvest: Mapped[str] = mapped_column(String(20), default="as_realised")
    version: Mapped[int] = mapped_column(Integer)
    changed_by: Mapped[str] = mapped_column(String(100))
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    note: Mapped[str] = mapped_column(Text, default="")


class SettlementRecord(Base):
    """A recorded year-end settlement of a solution (Albertslund): per area the baseline and the
    actual in øre (``lines``), from the data (``source`` ``data``, gross or net of the state) or
    entered by hand; the newest version for a solution and year is the one in force."""

    __tablename__ = "settlements"
    __table_args__ = (
        Index("ix_settlements_key", "solution_id", "year"),
        UniqueConstraint("solution_id", "year", "version", name="uq_settlements_version"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    solution_id: Mapped[int] = mapped_column(ForeignKey("solutions.id"))
    year: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(10))
    basis: Mapped[str] = mapped_column(String(10), default="gross")  # gross | net
    requirement_ore: Mapped[int] = mapped_column(BigInteger)
    lines: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    version: Mapped[int] = mapped_column(Integer)
    changed_by: Mapped[str] = mapped_column(String(100))
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    note: Mapped[str] = mapped_column(Text, default="")


class BudgetAssumption(Base):
    """One version of a budget assumption (003 §2.1): planned full-year persons × planned
    average price for an intervention type and year, on a basis (``gross``, or ``net`` of the
    state's refunds: the price the municipality's own budget bears)."""

    __tablename__ = "budget_assumptions"
    __table_args__ = (
        Index("ix_budget_assumptions_key", "year", "intervention"),
        UniqueConstraint(
            "year", "intervention", "basis", "version", name="uq_budget_assumptions_version"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    intervention: Mapped[str] = mapped_column(String(40))
    basis: Mapped[str] = mapped_column(String(10), default="gross")  # gross | net
    units_e4: Mapped[int] = mapped_column(BigInteger)  # full-year persons × 10,000
    price_ore: Mapped[int] = mapped_column(BigInteger)  # average price per full-year person
    version: Mapped[int] = mapped_column(Integer)
    changed_by: Mapped[str] = mapped_column(String(100))
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    note: Mapped[str] = mapped_column(Text, default="")


class InvestmentCase(Base):
    """One version of an investment case (``data``: years, costs and gains per area and year,
    discount rate, success rate), optionally of a solution."""

    __tablename__ = "investment_cases"
    __table_args__ = (
        Index("ix_investment_cases_key", "name"),
        UniqueConstraint("name", "version", name="uq_investment_cases_version"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    solution_id: Mapped[int | None] = mapped_column(ForeignKey("solutions.id"))
    name: Mapped[str] = mapped_column(String(200))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    version: Mapped[int] = mapped_column(Integer)
    changed_by: Mapped[str] = mapped_column(String(100))
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    note: Mapped[str] = mapped_column(Text, default="")
