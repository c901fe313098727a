"""An investment case as the municipality writes it (YAML, or the page's form) and as it is
stored: read, checked with a Danish error naming the line and the field, and written back.

```yaml
name: Familier i centrum
first_year: 2027           # optional: the calendar year of year 1
years: 3
discount_rate: 4%
success_rate: 60%
citizens: 40               # optional: needed to use measured effects per citizen
lines:
  - {sector_area: solution, year: 1, cost: 1.000.000}
  - {sector_area: employment, year: 2, gain: 400000, refund_share: 50%}
```

Every scalar is read as text (YAML's own numbers would read the Danish ``1.200`` as 1.2):
amounts Danish (``1.234,56``) or international (``1234.56``; ``1.234`` is Danish, one thousand
two hundred and thirty-four), whole øre; rates and shares ``4%``, ``4,5 %`` or ``1/2``.
Pure: no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

import yaml

from tvaers.budget.investment import Case, CaseError, CaseLine, Kind

MAX_YEARS = 30
MAX_AMOUNT = Decimal(100_000_000_000)  # kr.
AREA_LENGTH = 40  # the store's sector_area columns
NAME_LENGTH = 200  # investment_cases.name
FIELDS = {"name", "first_year", "years", "discount_rate", "success_rate", "citizens", "lines"}
LINE_FIELDS = {"sector_area", "year", "cost", "gain", "refund_share"}
_NUMBER = re.compile(r"-?\d{1,3}(\.\d{3})+(,\d+)?|-?\d+(,\d+)?")
_INTERNATIONAL = re.compile(r"-?\d+\.\d+")
_PERCENT = re.compile(r"(\d+(?:[.,]\d+)?)\s*%")
_FRACTION = re.compile(r"(\d+)\s*/\s*(\d+)")
_SHARE = re.compile(r"0([.,]\d+)?")


def parse_case_text(text: str, source: str = "filen") -> Case:
    """A case from its YAML; refused in Danish when it cannot be read or is not a case."""
    try:
        raw = yaml.load(text, Loader=yaml.BaseLoader)  # BaseLoader: every scalar as text
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (linje {mark.line + 1})" if mark is not None else ""
        raise CaseError(
            f"{source} kan ikke læses som YAML{where}.",
            hint="Se eksemplet: tvaers invest preset.",
        ) from None
    if not isinstance(raw, dict):
        raise CaseError(f"{source} er ikke en investeringscase: der mangler felterne name, "
                        "years, discount_rate, success_rate og lines.")  # fmt: skip
    return parse_case_mapping(raw)


def parse_case_mapping(raw: Mapping[str, Any]) -> Case:
    """A case from a mapping of texts (the YAML, the form, the store)."""
    unknown = sorted(str(k) for k in raw if k not in FIELDS)
    if unknown:
        raise CaseError(
            f"Casen har ukendte felter: {', '.join(unknown)}.",
            field=unknown[0],
            hint=f"Tilladte felter: {', '.join(sorted(FIELDS))}.",
        )
    name = _text(raw.get("name"))
    if not name or len(name) > NAME_LENGTH:
        raise CaseError(f"Feltet «name» skal udfyldes med casens navn (højst {NAME_LENGTH} "
                        "tegn).", field="name")  # fmt: skip
    years = _integer(raw.get("years"), "years", "Antal år", 1, MAX_YEARS)
    first = raw.get("first_year")
    first_year = _integer(first, "first_year", "Første år", 2000, 2100) if _text(first) else None
    citizens = raw.get("citizens")
    people = _integer(citizens, "citizens", "Antal borgere", 0, 10_000_000) if _text(citizens) \
        else None  # fmt: skip
    discount = parse_rate(raw.get("discount_rate"), "discount_rate", "Diskonteringsrenten")
    success = parse_rate(raw.get("success_rate"), "success_rate", "Succesraten")
    given = raw.get("lines")
    if not isinstance(given, list) or not given:
        raise CaseError("Casen har ingen linjer: angiv mindst én udgift eller gevinst under "
                        "«lines».", field="lines")  # fmt: skip
    lines = tuple(_line(item, n, years) for n, item in enumerate(given, start=1))
    return Case(name, years, discount, success, lines, first_year, people)


def _line(item: Any, number: int, years: int) -> CaseLine:
    where = f"Linje {number}"
    if not isinstance(item, dict):
        raise CaseError(f"{where} er ikke en linje med sector_area, year og cost eller gain.",
                        field=f"lines.{number}")  # fmt: skip
    unknown = sorted(str(k) for k in item if k not in LINE_FIELDS)
    if unknown:
        comma = any(k.isdigit() for k in unknown)  # {cost: 150.000,50}: YAML split it at «,»
        raise CaseError(
            f"{where} har ukendte felter: {', '.join(unknown)}.",
            field=f"lines.{number}.{unknown[0]}",
            hint="Et beløb med decimalkomma skal stå i anførselstegn inden for {…}, fx cost: "
            '"150.000,50".'
            if comma
            else f"Tilladte felter: {', '.join(sorted(LINE_FIELDS))}.",
        )
    area = _text(item.get("sector_area"))
    if not area or len(area) > AREA_LENGTH or not re.fullmatch(r"[\w.-]+", area):
        raise CaseError(
            f"{where}, feltet «sector_area»: angiv sektorområdets kode (fx employment).",
            field=f"lines.{number}.sector_area",
        )
    year = _integer(item.get("year"), f"lines.{number}.year", f"{where}, feltet «year»", 1, years)
    kinds: list[Kind] = [k for k in ("cost", "gain") if _text(item.get(k))]
    if len(kinds) != 1:
        raise CaseError(
            f"{where} skal have præcis ét af felterne «cost» (en udgift) og «gain» (en "
            "forventet gevinst).",
            field=f"lines.{number}.cost",
        )
    kind = kinds[0]
    amount = parse_amount(item.get(kind), f"lines.{number}.{kind}", f"{where}, feltet «{kind}»")
    share = Fraction(0)
    if _text(item.get("refund_share")):
        share = parse_rate(item.get("refund_share"), f"lines.{number}.refund_share",
                           f"{where}, feltet «refund_share»")  # fmt: skip
    return CaseLine(area, year, kind, amount, share)


def _text(value: Any) -> str:
    return "" if value is None or isinstance(value, list | dict) else str(value).strip()


def _integer(value: Any, field: str, what: str, low: int, high: int) -> int:
    text = _text(value)
    if not re.fullmatch(r"-?\d+", text) or not low <= int(text) <= high:
        raise CaseError(f"{what}: «{text}» skal være et helt tal fra {low} til {high}.",
                        field=field)  # fmt: skip
    return int(text)


def parse_amount(value: Any, field: str, what: str) -> Decimal:
    """A positive amount in kroner, whole øre, Danish or international."""
    text = _text(value).replace(" ", "").replace("kr.", "").replace("kr", "")
    number: Decimal | None = None
    try:
        if _NUMBER.fullmatch(text):
            number = Decimal(text.replace(".", "").replace(",", "."))
        elif _INTERNATIONAL.fullmatch(text):
            number = Decimal(text)
    except InvalidOperation:
        number = None
    if number is None:
        raise CaseError(f"{what}: «{_text(value)}» er ikke et beløb.", field=field,
                        hint="Skriv fx 1.234,56 eller 1234.56.")  # fmt: skip
    if number < 0 or number > MAX_AMOUNT:
        raise CaseError(f"{what}: beløbet skal ligge mellem 0 og 100 mia. kr. (fik "
                        f"«{_text(value)}»).", field=field,
                        hint="En besparelse skrives som en positiv gevinst.")  # fmt: skip
    if number != number.quantize(Decimal("0.01")):
        raise CaseError(f"{what}: «{_text(value)}» har mere end to decimaler; skriv hele øre.",
                        field=field)  # fmt: skip
    return number.quantize(Decimal("0.01"))


def parse_rate(value: Any, field: str, what: str) -> Fraction:
    """A rate or share from 0 % to 100 %: ``4%``, ``4,5 %`` or ``1/2``, exactly."""
    text = _text(value)
    found: Fraction | None = None
    if match := _PERCENT.fullmatch(text):
        found = Fraction(Decimal(match.group(1).replace(",", "."))) / 100
    elif (match := _FRACTION.fullmatch(text)) and int(match.group(2)):
        found = Fraction(int(match.group(1)), int(match.group(2)))
    elif _SHARE.fullmatch(text):  # a share of one: 0, 0,25 or 0.25 (a bare 1 could mean 1 %)
        found = Fraction(Decimal(text.replace(",", ".")))
    if found is None or found > 1:
        raise CaseError(f"{what}: «{text}» skal være en procent fra 0 % til 100 % (fx 4% eller "
                        "4,5 %), en brøk (fx 1/2) eller en andel fra 0 til 1 (fx 0,25).",
                        field=field)  # fmt: skip
    return found


# --- written back --------------------------------------------------------------------------------


def rate_text(rate: Fraction) -> str:
    """``Fraction(9, 200)`` → ``4.5%``; a rate with no finite percent stays a fraction."""
    percent = rate * 100
    value = Decimal(percent.numerator) / Decimal(percent.denominator)
    if Fraction(value) == percent:
        return f"{value.normalize():f}%"
    return f"{rate.numerator}/{rate.denominator}"


def case_mapping(case: Case) -> dict[str, Any]:
    """The case as texts (stored as JSON, written as YAML); measured lines are not part of
    it (they are computed when the case is shown)."""
    found: dict[str, Any] = {"name": case.name}
    if case.first_year is not None:
        found["first_year"] = str(case.first_year)
    found.update(years=str(case.years), discount_rate=rate_text(case.discount_rate),
                 success_rate=rate_text(case.success_rate))  # fmt: skip
    if case.citizens is not None:
        found["citizens"] = str(case.citizens)
    lines = []
    for line in case.lines:
        item = {"sector_area": line.sector_area, "year": str(line.year),
                line.kind: f"{line.amount:f}"}  # fmt: skip
        if line.refund_share:
            item["refund_share"] = rate_text(line.refund_share)
        lines.append(item)
    found["lines"] = lines
    return found


def case_yaml(case: Case) -> str:
    """The case as YAML that :func:`parse_case_text` reads back to the same case."""
    text: str = yaml.safe_dump(case_mapping(case), allow_unicode=True, sort_keys=False)
    return text
