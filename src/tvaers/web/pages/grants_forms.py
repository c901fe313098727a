"""The grant pages' forms read into the services' inputs, with a Danish message per field. The
values stay as typed, for the page to show again when something is wrong."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from tvaers.core.periods import parse_day
from tvaers.principles.grants import Proposal
from tvaers.selection.inputs import MAX_TEXT
from tvaers.web.texts import VALIDATION

LONGEST_YEARS = 10  # a grant runs for at most ten years; a longer period is several grants
MESSAGES = {
    "subject": "Vælg en borger eller familie.",
    "intervention": "Vælg en indsats.",
    "price": "Udfyld enten enheder pr. måned eller beløbet pr. måned.",
    "both": "Udfyld kun ét af felterne: enheder pr. måned eller beløb pr. måned.",
    "units": "Skriv et antal større end 0, fx 12 eller 7,5.",
    "amount": "Skriv et beløb større end 0 med højst to decimaler, fx 18.500 eller 18500,50.",
    "reversed": "Slutdatoen ligger før startdatoen.",
    "too_long": f"En bevilling løber højst {LONGEST_YEARS} år; en længere periode er flere "
    "bevillinger.",
    "text_too_long": f"Teksten er for lang (højst {MAX_TEXT:,} tegn).".replace(",", "."),
    "payer": "Vælg en betaler fra listen.",
    "replaces": "Vælg en bevilling fra listen, eller ingen.",
}


def danish_decimal(text: str | None, places: int | None = None) -> Decimal | None:
    """``18.500``, ``18500,50`` or ``7,5`` as a positive number (``None``: empty); ``ValueError``
    when it is no such number (or has more than ``places`` decimals)."""
    raw = (text or "").replace(" ", "").replace("\u00a0", "").removesuffix("kr.").strip()
    if not raw:
        return None
    if re.fullmatch(r"\d{1,3}(\.\d{3})+(,\d+)?", raw):
        raw = raw.replace(".", "")
    try:
        value = Decimal(raw.replace(",", "."))
    except InvalidOperation:
        raise ValueError(raw) from None
    exponent = value.as_tuple().exponent
    too_fine = places is not None and isinstance(exponent, int) and -exponent > places
    if not value.is_finite() or value <= 0 or too_fine:
        raise ValueError(raw)
    return value


def _dates(values: Mapping[str, str], errors: dict[str, str], first: str, last: str) -> None:
    start, end = parse_day(values.get(first)), parse_day(values.get(last))
    for name, day in ((first, start), (last, end)):
        if day is None:
            errors[name] = VALIDATION["date_parsing"]
    if start and end and end < start:
        errors[last] = MESSAGES["reversed"]
    elif start and end and end > date(start.year + LONGEST_YEARS, start.month, 1):
        errors[last] = MESSAGES["too_long"]


def _texts(values: Mapping[str, str], errors: dict[str, str], *names: str) -> None:
    for name in names:
        text = values.get(name, "")
        if not text:
            errors[name] = VALIDATION["missing"]
        elif len(text) > MAX_TEXT:
            errors[name] = MESSAGES["text_too_long"]


def _price(values: Mapping[str, str], errors: dict[str, str]) -> tuple[Decimal | None, ...]:
    units = amount = None
    try:
        units = danish_decimal(values.get("units_per_month"), 4)
    except ValueError:
        errors["units_per_month"] = MESSAGES["units"]
    try:
        amount = danish_decimal(values.get("monthly_amount"), 2)
    except ValueError:
        errors["monthly_amount"] = MESSAGES["amount"]
    if not errors and units is None and amount is None:
        errors["units_per_month"] = MESSAGES["price"]
    elif units is not None and amount is not None:
        errors["monthly_amount"] = MESSAGES["both"]
    return units, amount


def read_proposal(
    values: Mapping[str, str], solution_id: int, payers: Mapping[str, str]
) -> tuple[Proposal | None, dict[str, str]]:
    """The proposal the form posted (``None`` and the errors, field by field, if any);
    ``payers``: the payer choices the form offered (value -> label)."""
    errors: dict[str, str] = {}
    unit, _, subject = values.get("subject", "").partition(":")
    if unit not in ("citizen", "family") or not subject:
        errors["subject"] = MESSAGES["subject"]
    if not values.get("intervention"):
        errors["intervention"] = MESSAGES["intervention"]
    units, amount = _price(values, errors)
    _dates(values, errors, "start", "end")
    _texts(values, errors, "justification", "expected_effect")
    payer = values.get("payer", "")
    if payer and payer not in payers:
        errors["payer"] = MESSAGES["payer"]
    replaces = values.get("replaces", "").strip()
    if replaces and not replaces.isdigit():
        errors["replaces"] = MESSAGES["replaces"]
    if errors:
        return None, errors
    kind, _, code = payer.partition(":")
    return Proposal(
        solution_id=solution_id, unit=unit, subject=subject,
        intervention=values["intervention"], start=parse_day(values["start"]) or date.min,
        end=parse_day(values["end"]) or date.min, justification=values["justification"],
        expected_effect=values["expected_effect"], units_per_month=units, monthly_amount=amount,
        key=code if kind == "key" else None, paying_area=code if kind == "area" else None,
        replaces=int(replaces) if replaces else None,
    ), errors  # fmt: skip


@dataclass(frozen=True)
class RouteQuestion:
    """The routing calculator's question: an intervention at a monthly amount over a period,
    and the paying area if the solution grants what an area pays."""

    intervention: str
    monthly: Decimal
    start: date
    end: date
    paying: str


def read_route(values: Mapping[str, str]) -> tuple[RouteQuestion | None, dict[str, str]]:
    errors: dict[str, str] = {}
    if not values.get("intervention"):
        errors["intervention"] = MESSAGES["intervention"]
    monthly = None
    try:
        monthly = danish_decimal(values.get("monthly_amount"), 2)
    except ValueError:
        errors["monthly_amount"] = MESSAGES["amount"]
    if monthly is None and "monthly_amount" not in errors:
        errors["monthly_amount"] = VALIDATION["missing"]
    _dates(values, errors, "start", "end")
    if errors or monthly is None:
        return None, errors
    start, end = parse_day(values["start"]), parse_day(values["end"])
    assert start is not None and end is not None  # checked by _dates
    question = RouteQuestion(values["intervention"], monthly, start, end, values.get("paying", ""))
    return question, errors


def read_end(values: Mapping[str, str]) -> tuple[date | None, dict[str, str]]:
    """The end form: the day the grant ends (and a reason, which the service requires)."""
    errors: dict[str, str] = {}
    day = parse_day(values.get("ended_on"))
    if day is None:
        errors["ended_on"] = VALIDATION["date_parsing"]
    if len(values.get("end_reason", "")) > MAX_TEXT:
        errors["end_reason"] = MESSAGES["text_too_long"]
    return day, errors
