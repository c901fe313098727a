"""The data contract (docs/data-contract.md): one schema per table the municipality hands over.

Pure description, no I/O. The validator turns each :class:`Column` into set-based SQL checks.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from enum import StrEnum


class Kind(StrEnum):
    TEXT = "text"  # free text; CPR-like numbers in it are masked at import
    CODE = "code"  # an identifier: trimmed, kept as text (leading zeros matter)
    DATE = "date"
    AMOUNT = "amount"  # DKK, at most two decimals -> DECIMAL(18,2)
    QUANTITY = "quantity"  # units, at most four decimals -> DECIMAL(18,4)
    INTEGER = "integer"
    CPR = "cpr"  # validated and pseudonymised; never stored in clear
    PERSON_NAME = "person_name"  # a citizen's name: only in the encrypted identity store
    CHOICE = "choice"  # one of ``choices`` (Danish aliases accepted)
    FUNCTION_CODE = "function_code"  # x.xx.xx of the authorised chart of accounts
    ACCOUNT = "account"  # the finance system's account number, 528211003[-...]


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind
    required: bool = False
    aliases: tuple[str, ...] = ()
    choices: dict[str, str] = field(default_factory=dict)  # accepted spelling -> code value
    minimum: int | None = None
    maximum: int | None = None

    @property
    def stored_name(self) -> str:
        """CPR columns are stored as pseudonyms under the glossary's ``citizen`` names."""
        if self.kind is Kind.CPR:
            return "citizen" if self.name == "cpr" else self.name.replace("cpr", "citizen")
        return self.name


@dataclass(frozen=True)
class Reference:
    """``column`` must be a known ``target_column`` of ``target`` (when not empty)."""

    column: str
    target: str
    target_column: str


@dataclass(frozen=True)
class Contract:
    table: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()
    references: tuple[Reference, ...] = ()

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)

    @property
    def required(self) -> list[Column]:
        return [c for c in self.columns if c.required]


UNITS = {
    "day": "day",
    "dag": "day",
    "døgn": "day",
    "doegn": "day",
    "dage": "day",
    "week": "week",
    "uge": "week",
    "month": "month",
    "måned": "month",
    "maaned": "month",
    "md": "month",
    "hour": "hour",
    "time": "hour",
    "timer": "hour",
    "piece": "piece",
    "stk": "piece",
    "styk": "piece",
    "stykpris": "piece",
}
RELATIONS = {
    "parent_of": "parent_of",
    "forælder_til": "parent_of",
    "foraelder_til": "parent_of",
    "forælder": "parent_of",
    "partner_of": "partner_of",
    "partner_til": "partner_of",
    "partner": "partner_of",
    "ægtefælle": "partner_of",
    "samlever": "partner_of",
}

_SECTOR_AREA = Column("sector_area", Kind.CODE, True, ("sektoromraade", "omraade"))
_NAME = Column("name", Kind.TEXT, True, ("navn", "betegnelse"))
_CPR = Column("cpr", Kind.CPR, True, ("cpr_nummer", "cprnr", "personnummer"))
_INTERVENTION = Column("intervention", Kind.CODE, True, ("indsats", "indsatskode", "aktivitet"))
_TO_SECTOR_AREA = Reference("sector_area", "sector_areas", "sector_area")
_TO_ACCOUNT = Reference("function_code", "accounts", "function_code")
_TO_CITIZEN = Reference("cpr", "citizens", "cpr")
_TO_INTERVENTION = Reference("intervention", "interventions", "intervention")

CONTRACTS: dict[str, Contract] = {
    c.table: c
    for c in (
        Contract(
            "sector_areas",
            (_SECTOR_AREA, _NAME, Column("budget_holder", Kind.TEXT, aliases=("budgetansvarlig",))),
            key=("sector_area",),
        ),
        Contract(
            "accounts",
            (
                Column("function_code", Kind.FUNCTION_CODE, True, ("funktion", "funktionskode")),
                _SECTOR_AREA,
                Column("name", Kind.TEXT, aliases=("navn", "betegnelse")),
            ),
            key=("function_code",),
            references=(_TO_SECTOR_AREA,),
        ),
        Contract(
            "interventions",
            (
                _INTERVENTION,
                _NAME,
                _SECTOR_AREA,
                Column("unit", Kind.CHOICE, True, ("enhed",), choices=UNITS),
                Column("legal_basis", Kind.TEXT, aliases=("lovgrundlag", "paragraf")),
                Column("function_code", Kind.FUNCTION_CODE, aliases=("funktion", "funktionskode")),
                Column(
                    "staircase_level",
                    Kind.INTEGER,
                    aliases=("trin", "indsatstrappe"),
                    minimum=0,
                    maximum=20,
                ),
                Column("capacity", Kind.INTEGER, aliases=("kapacitet", "pladser"), minimum=0),
            ),
            key=("intervention",),
            references=(
                _TO_SECTOR_AREA,
                _TO_ACCOUNT,
            ),
        ),
        Contract(
            "unit_prices",
            (
                _INTERVENTION,
                Column("valid_from", Kind.DATE, True, ("gyldig_fra", "fra_dato")),
                Column("price", Kind.AMOUNT, True, ("pris", "enhedspris")),
                Column("source", Kind.TEXT, aliases=("kilde",)),
            ),
            key=("intervention", "valid_from"),
            references=(_TO_INTERVENTION,),
        ),
        Contract(
            "citizens",
            (
                _CPR,
                Column("family", Kind.CODE, aliases=("familie", "husstand", "familie_id")),
                Column("birth_date", Kind.DATE, aliases=("foedselsdato",)),
                Column("name", Kind.PERSON_NAME, aliases=("navn", "fulde_navn")),
                # the acting municipality (handlekommune); empty: the importing municipality
                Column("municipality", Kind.CODE, aliases=("kommune", "handlekommune")),
            ),
            key=("cpr",),
        ),
        Contract(
            "relations",
            (
                _CPR,
                Column("related_cpr", Kind.CPR, True, ("relateret_cpr", "relation_cpr")),
                Column("relation", Kind.CHOICE, True, ("relationstype",), choices=RELATIONS),
            ),
            key=("cpr", "related_cpr", "relation"),
            references=(
                _TO_CITIZEN,
                Reference("related_cpr", "citizens", "cpr"),
            ),
        ),
        Contract(
            "postings",
            (
                Column("posting_id", Kind.CODE, True, ("posterings_id", "bilagsnummer", "loebenr")),
                Column("posting_date", Kind.DATE, True, ("bogfoeringsdato", "posteringsdato")),
                Column("amount", Kind.AMOUNT, True, ("beloeb",)),
                Column("function_code", Kind.FUNCTION_CODE, aliases=("funktion", "funktionskode")),
                Column("account", Kind.ACCOUNT, aliases=("konto", "kontonummer", "artskonto")),
                Column("cpr", Kind.CPR, aliases=("cpr_nummer", "cprnr", "personnummer")),
                Column("intervention", Kind.CODE, aliases=("indsats", "indsatskode")),
                Column("cost_centre", Kind.CODE, aliases=("omkostningssted", "cost_center")),
                Column("dranst", Kind.INTEGER, minimum=1, maximum=9),
                Column("grouping", Kind.CODE, aliases=("gruppering",)),
                Column("art", Kind.CODE),
                Column("text", Kind.TEXT, aliases=("tekst", "posteringstekst")),
            ),
            key=("posting_id",),
            references=(
                _TO_ACCOUNT,
                _TO_CITIZEN,
                _TO_INTERVENTION,
            ),
        ),
        Contract(
            "activities",
            (
                _CPR,
                _INTERVENTION,
                Column("start_date", Kind.DATE, True, ("startdato", "start", "fra")),
                Column("end_date", Kind.DATE, aliases=("slutdato", "slut", "til")),
                Column(
                    "units_per_month",
                    Kind.QUANTITY,
                    aliases=("enheder_pr_maaned", "antal_pr_maaned", "timer_pr_maaned"),
                ),
                Column("caseworker", Kind.CODE, aliases=("sagsbehandler",)),
                Column("decided_by", Kind.TEXT, aliases=("bevilget_af", "bevilgende_enhed")),
            ),
            references=(
                _TO_CITIZEN,
                _TO_INTERVENTION,
            ),
        ),
        Contract(
            "commitments",
            (
                _CPR,
                _INTERVENTION,
                Column("start_date", Kind.DATE, True, ("startdato", "start", "fra")),
                Column(
                    "end_date", Kind.DATE, aliases=("slutdato", "slut", "til", "forventet_slut")
                ),
                Column(
                    "monthly_amount",
                    Kind.AMOUNT,
                    aliases=("beloeb_pr_maaned", "maanedligt_beloeb", "pris_pr_maaned"),
                ),
                Column(
                    "units_per_month",
                    Kind.QUANTITY,
                    aliases=("enheder_pr_maaned", "antal_pr_maaned", "timer_pr_maaned"),
                ),
                Column("caseworker", Kind.CODE, aliases=("sagsbehandler",)),
            ),
            references=(
                _TO_CITIZEN,
                _TO_INTERVENTION,
            ),
        ),
        Contract(
            "outcomes",
            (
                _CPR,
                Column("date", Kind.DATE, True, ("dato",)),
                Column("status", Kind.CODE, True, ("udfald",)),
                Column("note", Kind.TEXT, aliases=("bemaerkning",)),
            ),
            references=(_TO_CITIZEN,),
        ),
        Contract(
            "budgets",
            (
                Column(
                    "year", Kind.INTEGER, True, ("aar", "budgetaar"), minimum=1990, maximum=2100
                ),
                _SECTOR_AREA,
                Column("amount", Kind.AMOUNT, True, ("beloeb", "budget")),
                Column("solution", Kind.CODE, aliases=("loesning", "tvaergaaende_loesning")),
            ),
            key=("year", "sector_area", "solution"),
            references=(_TO_SECTOR_AREA,),
        ),
    )
}

# Loading order: a table is loaded after the tables it refers to.
TABLE_ORDER = (
    "sector_areas",
    "accounts",
    "interventions",
    "unit_prices",
    "citizens",
    "relations",
    "postings",
    "activities",
    "commitments",
    "outcomes",
    "budgets",
)


def fold(text: str) -> str:
    """Header matching: lower case, æøå folded, spaces/dashes/dots to underscores."""
    text = text.strip().lstrip("\ufeff").lower()
    text = text.replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = re.sub(r"[^a-z0-9]+", "_", text).strip("_")
    return text


def resolve_headers(contract: Contract, headers: list[str]) -> dict[str, str]:
    """Map contract column names to the file's header names (case-insensitive, with aliases)."""
    folded = {fold(h): h for h in reversed(headers)}  # first occurrence wins
    found: dict[str, str] = {}
    for col in contract.columns:
        for candidate in (col.name, *col.aliases):
            if fold(candidate) in folded:
                found[col.name] = folded[fold(candidate)]
                break
    return found
