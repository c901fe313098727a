"""Focus points 1 and 3: a solution's anchoring and organisation, and the reflection questions.

Pure rules and types (pydantic for validation); no I/O except reading the packaged YAML.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Any

import yaml
from pydantic import BaseModel, Field, field_validator, model_validator

EARLIEST, LATEST = date(1990, 1, 1), date(2100, 12, 31)  # a solution's dates, within reason
MAX_ECONOMY = Decimal("100000000000")  # 100 mia. kr.: more than any municipality's budget


class OrganisationModel(StrEnum):
    UNIT = "unit"  # særskilt enhed
    NETWORK = "network"  # netværksorganisering
    MATRIX = "matrix"


class StaffGroup(BaseModel):
    staff_type: str = Field(min_length=1, max_length=100)
    number: Decimal = Field(ge=0, le=10_000)


class SolutionData(BaseModel):
    """Everything recorded about a solution's anchoring (focus point 1) and organisation (3)."""

    name: str = Field(min_length=1, max_length=200)
    municipality: str = Field(default="", max_length=100)
    target_group: str = Field(default="", max_length=4000)
    families: int | None = Field(default=None, ge=0, le=100_000)
    strategy: str = Field(default="", max_length=4000)
    political_approval_date: date | None = None
    political_approval_body: str = Field(default="", max_length=200)
    project_start: date | None = None
    project_end: date | None = None
    in_operation: date | None = None
    directorate_owner: str = Field(default="", max_length=200)
    steering_group: list[str] = Field(default_factory=list)
    chief_forum: list[str] = Field(default_factory=list)
    chief_forum_cadence: str = Field(default="", max_length=200)
    organisation_model: OrganisationModel | None = None
    staff: list[StaffGroup] = Field(default_factory=list)
    interventions_delivered: list[str] = Field(default_factory=list)
    coordinating_caseworker: bool = False
    coordinator_may_grant: bool = False
    annual_economy: Decimal | None = Field(
        default=None, ge=0, le=MAX_ECONOMY, decimal_places=2, allow_inf_nan=False
    )
    notes: str = Field(default="", max_length=8000)
    # Fields whose value is deduced from the sources, not stated in them (the examples from
    # VIVE 2018): shown marked as inferred until someone changes the value.
    inferred: list[str] = Field(default_factory=list, max_length=30)

    @field_validator("name", "municipality", "target_group", "strategy", "notes", mode="before")
    @classmethod
    def _strip(cls, value: Any) -> Any:
        """Trimmed before the length rules: a name of spaces is no name."""
        return value.strip() if isinstance(value, str) else value

    @field_validator("political_approval_date", "project_start", "project_end", "in_operation")
    @classmethod
    def _plausible(cls, value: date | None) -> date | None:
        if value is not None and not EARLIEST <= value <= LATEST:
            raise ValueError("date_out_of_range")
        return value

    @field_validator("steering_group", "chief_forum", "interventions_delivered")
    @classmethod
    def _clean_list(cls, values: list[str]) -> list[str]:
        return [v.strip() for v in values if v.strip()]

    @field_validator("inferred")
    @classmethod
    def _known_fields(cls, values: list[str]) -> list[str]:
        unknown = [v for v in values if v not in cls.model_fields or v == "inferred"]
        if unknown:
            raise ValueError(f"unknown_field: {', '.join(unknown)}")
        return list(dict.fromkeys(values))

    @model_validator(mode="after")
    def _periods(self) -> SolutionData:
        if self.project_start and self.project_end and self.project_end < self.project_start:
            raise ValueError("project_end_before_start")
        if self.coordinator_may_grant and not self.coordinating_caseworker:
            raise ValueError("grant_without_coordinator")
        return self

    def stored(self) -> dict[str, Any]:
        """JSON-safe form for the database."""
        return self.model_dump(mode="json")


def changes(old: dict[str, Any] | None, new: dict[str, Any]) -> dict[str, list[Any]]:
    """Field -> [old value, new value] for every field that differs (all fields when new). A
    field the old version did not have yet (stored before it existed) and that is empty now is
    no change."""
    before = old or {}
    return {
        key: [before.get(key), value]
        for key, value in new.items()
        if before.get(key) != value
        and not ((old is None or key not in before) and value in (None, "", [], False))
    }


class Choice(BaseModel):
    value: str
    label: str
    source: str = ""


class Question(BaseModel):
    """A reflection question; ``choice`` answers are stable values the system can configure by."""

    key: str
    text: str
    kind: str = "text"
    multiple: bool = False
    choices: list[Choice] = Field(default_factory=list)
    source: str = ""

    def valid(self, answer: str) -> bool:
        """Free text always; a choice answer only with known values (comma-separated if many)."""
        if self.kind != "choice" or not answer:
            return True
        values = answer.split(",") if self.multiple else [answer]
        known = {c.value for c in self.choices}
        return all(v in known for v in values)

    def shown(self, answer: str) -> str:
        """The answer as the user reads it: choice values as their Danish labels."""
        if self.kind != "choice" or not answer:
            return answer
        labels = {c.value: c.label for c in self.choices}
        return ", ".join(labels.get(v, v) for v in answer.split(","))


class FocusPoint(BaseModel):
    number: int
    title: str
    summary: str = ""
    questions: list[Question]


@cache
def focus_points() -> tuple[FocusPoint, ...]:
    """The six focus points with their reflection questions (seed 000, VIVE 2018)."""
    text = (resources.files("tvaers.anchoring") / "reflection_questions.yaml").read_text("utf-8")
    raw = yaml.safe_load(text)
    items = raw["focus_points"] if isinstance(raw, dict) else raw
    return tuple(FocusPoint.model_validate(item) for item in items)


def question(key: str) -> Question | None:
    for point in focus_points():
        for q in point.questions:
            if q.key == key:
                return q
    return None


class FocusStatus(BaseModel):
    number: int
    title: str
    answered: int
    total: int

    @property
    def done(self) -> bool:
        return self.total > 0 and self.answered == self.total


def status(answers: dict[str, str]) -> list[FocusStatus]:
    """Per focus point: how many of its questions have a (non-empty) current answer."""
    return [
        FocusStatus(
            number=p.number,
            title=p.title,
            answered=sum(1 for q in p.questions if answers.get(q.key, "").strip()),
            total=len(p.questions),
        )
        for p in focus_points()
    ]
