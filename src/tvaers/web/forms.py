"""Turning form posts into validated domain records, with Danish messages per field."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import ValidationError
from starlette.datastructures import FormData

from tvaers.anchoring.model import SolutionData
from tvaers.core.errors import TvaersError
from tvaers.core.money import format_dkk
from tvaers.core.periods import parse_day, today
from tvaers.web.texts import VALIDATION

LIST_FIELDS = ("steering_group", "chief_forum", "interventions_delivered")
BOOL_FIELDS = ("coordinating_caseworker", "coordinator_may_grant")
# the longest text each field of a solution takes (the form's maxlength), from the model itself
TEXT_LIMITS = {
    name: next((m.max_length for m in info.metadata if hasattr(m, "max_length")), None)
    for name, info in SolutionData.model_fields.items()
    if info.annotation is str
}
DATE_FIELDS = ("political_approval_date", "project_start", "project_end", "in_operation")
OPTIONAL = (
    "families",
    "political_approval_date",
    "project_start",
    "project_end",
    "in_operation",
    "organisation_model",
    "annual_economy",
)


def _danish_amount(text: str) -> str:
    """``6.000.000`` or ``6000000,50`` -> ``6000000.50``; other text is passed through."""
    text = text.replace(" ", "").replace("kr.", "").replace("kr", "")
    if re.fullmatch(r"-?\d{1,3}(\.\d{3})+(,\d+)?|-?\d+(,\d+)?", text):
        return text.replace(".", "").replace(",", ".")
    return text


def solution_from_form(
    form: FormData,
) -> tuple[SolutionData | None, dict[str, Any], dict[str, str]]:
    """(record or None, the values to show again, field -> Danish error)."""
    # browsers send textarea line breaks as CRLF; store LF so an unchanged text stays unchanged
    values: dict[str, Any] = {
        k: str(v).replace("\r\n", "\n") for k, v in form.items() if k != "csrf_token"
    }
    raw: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for key, value in values.items():
        if key in LIST_FIELDS:
            raw[key] = [line for line in value.splitlines() if line.strip()]
        elif key == "staff":
            staff = []
            for line in filter(str.strip, value.splitlines()):
                kind, sep, number = line.rpartition(":")
                try:
                    staff.append(
                        {
                            "staff_type": kind.strip(),
                            "number": Decimal(number.strip().replace(",", ".")),
                        }
                    )
                except InvalidOperation:
                    errors["staff"] = VALIDATION["staff_line"]
                if not sep or not kind.strip():
                    errors["staff"] = VALIDATION["staff_line"]
            raw["staff"] = staff
        elif key in OPTIONAL and not value.strip():
            raw[key] = None
        elif key == "annual_economy":
            raw[key] = _danish_amount(value.strip())
        elif key not in BOOL_FIELDS:
            raw[key] = value
    for key in BOOL_FIELDS:
        raw[key] = key in values
    try:
        data = SolutionData.model_validate(raw)
    except ValidationError as exc:
        for problem in exc.errors():
            field = str(problem["loc"][0]) if problem["loc"] else _field_of(problem)
            message = problem.get("msg", "")
            key = next((k for k in VALIDATION if k in message), problem["type"])
            errors.setdefault(field, VALIDATION.get(key, VALIDATION["default"]))
        return None, values, errors
    if errors:
        return None, values, errors
    return data, values, errors


def _field_of(problem: Any) -> str:
    message = str(problem.get("msg", ""))
    if "project_end_before_start" in message:
        return "project_end"
    if "grant_without_coordinator" in message:
        return "coordinator_may_grant"
    return "name"


def form_values(data: dict[str, Any]) -> dict[str, Any]:
    """A stored solution as the form shows it."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        if key in LIST_FIELDS:
            out[key] = "\n".join(value or [])
        elif key == "staff":
            out[key] = "\n".join(f"{s['staff_type']}: {s['number']}" for s in value or [])
        elif key in BOOL_FIELDS:
            out[key] = bool(value)
        elif key == "annual_economy" and value is not None:
            out[key] = format_dkk(Decimal(str(value)), unit=False)  # as a Dane types it
        elif value is None:
            out[key] = ""
        else:
            out[key] = str(value)
    return out


def form_text(form: FormData, name: str) -> str:
    """A posted text field as typed (line breaks as LF, trimmed); empty when absent."""
    value = form.get(name)
    return str(value).replace("\r\n", "\n").strip() if isinstance(value, str) else ""


def posted(form: FormData) -> dict[str, str]:
    """A form's posted text fields (not the CSRF token), as typed."""
    return {k: form_text(form, k) for k in form if k != "csrf_token"}


def basis_period(values: Mapping[str, str], refusal: type[TvaersError]) -> tuple[date, date | None]:
    """The validity a basis form posted (from, and to or None); ``refusal`` in Danish when a
    date cannot be read."""
    valid_from, valid_to = parse_day(values.get("valid_from")), parse_day(values.get("valid_to"))
    if valid_from is None or (values.get("valid_to") and valid_to is None):
        raise refusal(VALIDATION["date_parsing"])
    return valid_from, valid_to


def basis_timing(valid_from: date, valid_to: date | None) -> str:
    """Whether a recorded basis applies today (``now``), only ``later`` or has ``expired``."""
    now = today()
    if valid_from > now:
        return "later"
    return "expired" if valid_to is not None and valid_to < now else "now"
