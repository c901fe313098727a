"""The municipality's catalogue: sector areas, accounts, interventions, benefits and unit prices.

Sector areas and the chart-of-accounts mapping come from the shipped defaults in
``tvaers/data/reference``. The children's intervention codes and names (``015011``
Familiebehandling, ``015025`` Plejefamilier, ...) are taken from the OS2bos project's activity
list (Ballerup/Magenta, Mozilla Public License 2.0); the other codes are invented in the same
style (``016...`` adults, ``017...`` employment, ``018...`` health, ``019...`` special education).
Prices are 2024 levels from the reference facts (FLIS, providers' published rates) or plausible
own prices; they rise by 2-3 % on 1 January each year.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources

import numpy as np
import pyarrow as pa

from tvaers.data.synth.timeline import IntArray, date_column, day, money_column

PRICE_BASE_FROM = date(2015, 1, 1)
PRICE_BASE_FACTOR = 0.87  # the 2015 price level relative to 2024


@dataclass(frozen=True)
class Intervention:
    code: str
    name: str
    area: str
    unit: str  # day, week, month, hour, piece
    legal_basis: str
    function: str
    price: int  # DKK per unit, 2024 level
    own: bool  # delivered by the municipality's own unit: unregistered, pooled running costs
    source: str
    staircase: int | None = None
    capacity_limited: bool = False
    grouping: str = "001"
    decided_by: str = ""


@dataclass(frozen=True)
class Benefit:
    key: str  # outcome status is ``benefit:<key>``
    name: str
    function: str
    grouping: str
    monthly: int  # DKK per month, 2024 level, without children (or the maximum)
    monthly_with_children: int
    refunded: bool = True  # the state refunds part of it (dranst 2)
    art: str = "5.2"  # transfers to persons


@dataclass(frozen=True)
class OwnUnit:
    """An own unit whose running costs are booked on one function, unregistered."""

    function: str
    name: str
    cost_centre: str
    overhead: float  # running costs relative to the priced activity on the function


@dataclass(frozen=True)
class GeneralCost:
    """Costs with no activity behind them (open offers, general prevention, co-financing)."""

    function: str
    text: str
    cost_centre: str
    per_citizen: int  # DKK per citizen per year, 2024 level
    art: str


_C, _A, _E, _H, _S = "children", "adults", "employment", "health", "special_education"
_FAM, _FAM_V = "Familieafdelingen, myndighed", "Visitationsudvalget, Børn og Familie"
_VOKSEN, _VOKSEN_V = "Voksenmyndigheden", "Visitationsudvalget, Social og Handicap"
_JOB, _VISIT, _PPR = "Jobcenter, Ydelse og Indsats", "Visitationen, Sundhed og Omsorg", "PPR"

INTERVENTIONS: tuple[Intervention, ...] = (
    # Udsatte børn og unge (codes and names from OS2bos)
    Intervention("015016", "Konsulentbistand efter § 11", _C, "hour", "SEL § 11, stk. 3, nr. 1",
                 "5.28.21", 688, True, "egen pris", 2, False, "017", _FAM),
    Intervention("015011", "Familiebehandling", _C, "hour", "SEL § 52, stk. 3, nr. 3",
                 "5.28.21", 688, True, "egen pris", 3, True, "003", _FAM),
    Intervention("015017", "Kontaktperson", _C, "hour", "SEL § 52, stk. 3, nr. 6",
                 "5.28.21", 600, False, "leverandørtakst", 3, False, "007", _FAM),
    Intervention("015023", "Netværksplejefamilier", _C, "month", "SEL § 52, stk. 3, nr. 7",
                 "5.28.22", 24_000, False, "egen pris", 4, False, "005", _FAM_V),
    Intervention("015025", "Plejefamilier, vederlag", _C, "month", "SEL § 52, stk. 3, nr. 7",
                 "5.28.22", 51_000, False, "FLIS", 5, False, "002", _FAM_V),
    Intervention("015015", "Kommunale plejefamilier, vederlag", _C, "month",
                 "SEL § 52, stk. 3, nr. 7", "5.28.22", 62_000, False, "egen pris", 5, False,
                 "004", _FAM_V),
    Intervention("015019", "Kost- og efterskoler", _C, "month", "SEL § 52, stk. 3, nr. 7",
                 "5.28.20", 19_000, False, "leverandørtakst", 5, False, "004", _FAM_V),
    Intervention("015031", "Soc.pæd. opholdssteder", _C, "day", "SEL § 52, stk. 3, nr. 7",
                 "5.28.20", 2_600, False, "leverandørtakst", 6, False, "003", _FAM_V),
    Intervention("015008", "Døgninstitutioner vedr. sociale adfærdsproblemer", _C, "day",
                 "SEL § 52, stk. 3, nr. 7", "5.28.23", 3_600, False, "leverandørtakst", 6,
                 False, "002", _FAM_V),
    Intervention("015030", "Sikrede institutioner, opholdsbetaling", _C, "day", "SEL § 63",
                 "5.28.24", 7_900, False, "leverandørtakst", 6, False, "001", _FAM_V),
    # Udsatte voksne og handicap (staircase: the adults' intervention staircase, 2-6)
    Intervention("016099", "Støtte- og kontaktperson (§ 99)", _A, "hour", "SEL § 99",
                 "5.38.53", 480, True, "egen pris", 2, False, "001", _VOKSEN),
    Intervention("016085", "Socialpædagogisk støtte (§ 85)", _A, "hour", "SEL § 85",
                 "5.38.38", 520, True, "egen pris", 3, False, "003", _VOKSEN),
    Intervention("016086", "Socialpædagogisk støtte i botilbudslignende tilbud (§ 85)", _A,
                 "hour", "SEL § 85", "5.38.38", 520, True, "egen pris", 5, True, "004",
                 _VOKSEN_V),
    Intervention("016101", "Ambulant stofmisbrugsbehandling (§ 101)", _A, "month", "SEL § 101",
                 "5.38.45", 6_800, True, "egen pris", 3, False, "001", _VOKSEN),
    Intervention("016102", "Døgnbehandling for stofmisbrug (§ 101)", _A, "month", "SEL § 101",
                 "5.38.45", 40_800, False, "leverandørtakst", 5, False, "002", _VOKSEN_V),
    Intervention("016110", "Forsorgshjem (§ 110)", _A, "day", "SEL § 110", "5.38.42", 1_450,
                 True, "egen pris", 4, True, "001", _VOKSEN),
    Intervention("016107", "Midlertidigt botilbud (§ 107)", _A, "day", "SEL § 107", "5.38.52",
                 2_150, True, "egen pris", 5, True, "001", _VOKSEN_V),
    Intervention("016108", "Længerevarende botilbud (§ 108), eget tilbud", _A, "day",
                 "SEL § 108", "5.38.50", 2_500, True, "egen pris", 6, True, "001", _VOKSEN_V),
    Intervention("016208", "Længerevarende botilbud (§ 108), købt plads", _A, "day",
                 "SEL § 108", "5.38.50", 2_900, False, "leverandørtakst", 6, False, "002",
                 _VOKSEN_V),
    # Beskæftigelse
    Intervention("017031", "Mentorstøtte (LAB § 31)", _E, "hour", "LAB § 31", "5.68.90", 450,
                 True, "egen pris", None, False, "001", _JOB),
    Intervention("017042", "Virksomhedspraktik (LAB § 42)", _E, "week", "LAB § 42", "5.68.90",
                 1_150, True, "egen pris", None, False, "002", _JOB),
    Intervention("017051", "Løntilskud (LAB § 51)", _E, "month", "LAB § 51", "5.68.94",
                 14_200, False, "egen pris", None, False, "001", _JOB),
    # Sundhed og ældre
    Intervention("018083", "Personlig og praktisk hjælp (SEL § 83)", _H, "hour", "SEL § 83",
                 "5.30.26", 455, True, "egen pris", None, False, "001", _VISIT),
    Intervention("018138", "Hjemmesygepleje", _H, "hour", "Sundhedsloven § 138", "4.62.84",
                 560, True, "egen pris", None, False, "001", _VISIT),
    Intervention("018140", "Genoptræning efter sundhedsloven", _H, "piece", "Sundhedsloven § 140",
                 "4.62.82", 430, True, "egen pris", None, False, "001", _VISIT),
    # Specialundervisning og PPR
    Intervention("019012", "PPR-vurdering", _S, "piece", "Folkeskoleloven § 12", "3.22.07",
                 16_500, True, "egen pris", None, False, "001", _PPR),
    Intervention("019020", "Specialskole, kommunal", _S, "month", "Folkeskoleloven § 20, stk. 2",
                 "3.22.08", 25_000, True, "egen pris", None, True, "001", _PPR),
    Intervention("019021", "Specialklasse", _S, "month", "Folkeskoleloven § 20, stk. 2",
                 "3.22.08", 21_000, True, "egen pris", None, True, "002", _PPR),
    Intervention("019022", "Specialundervisning i regionalt tilbud", _S, "month",
                 "Folkeskoleloven § 20, stk. 3", "3.22.05", 46_000, False, "leverandørtakst",
                 None, False, "001", _PPR),
    Intervention("019026", "Befordring til specialundervisning", _S, "piece",
                 "Folkeskoleloven § 26", "3.22.06", 230, True, "kontraktpris", None, False,
                 "001", _PPR),
)  # fmt: skip

BENEFITS: tuple[Benefit, ...] = (
    Benefit("førtidspension", "Førtidspension", "5.48.67", "001", 20_300, 20_300),
    Benefit("kontanthjælp", "Kontanthjælp", "5.57.73", "007", 12_420, 16_500),
    Benefit("uddannelseshjælp", "Uddannelseshjælp", "5.57.73", "008", 6_800, 12_420),
    Benefit("sygedagpenge", "Sygedagpenge", "5.57.71", "001", 20_150, 20_150),
    Benefit("ressourceforløb", "Ressourceforløbsydelse", "5.58.82", "003", 12_420, 16_500),
    Benefit("ledighedsydelse", "Ledighedsydelse", "5.58.83", "001", 17_800, 17_800),
    Benefit("merudgifter", "Merudgifter til børn (SEL § 41)", "5.57.72", "009", 3_500, 3_500,
            refunded=False),
    # The municipality's co-financing of an insured person's dagpenge, charged per person:
    # the maximum rate times the municipal share, which grows with the weeks on support.
    Benefit("dagpenge", "Medfinansiering af dagpenge", "5.57.78", "001", 19_730, 19_730,
            refunded=False, art="4.6"),
)  # fmt: skip

OWN_UNITS: tuple[OwnUnit, ...] = (
    OwnUnit("5.28.21", "Familiehuset", "42100", 1.6),
    OwnUnit("5.38.38", "Bostøtten", "43100", 1.5),
    OwnUnit("5.38.53", "Bostøtten, kontaktpersoner", "43110", 1.4),
    OwnUnit("5.38.45", "Rusmiddelcentret", "43200", 1.6),
    OwnUnit("5.38.42", "Forsorgshjemmet Nørrevang", "43500", 1.4),
    OwnUnit("5.38.52", "Botilbuddet Egely", "43300", 1.3),
    OwnUnit("5.38.50", "Bofællesskabet Lindely", "43400", 1.3),
    OwnUnit("5.68.90", "Jobcentret, virksomhedsservice og mentorer", "41200", 3.0),
    OwnUnit("5.30.26", "Hjemmeplejen", "44000", 1.4),
    OwnUnit("4.62.84", "Hjemmesygeplejen", "44100", 1.5),
    OwnUnit("4.62.82", "Træningscentret", "44200", 1.5),
    OwnUnit("3.22.07", "PPR", "45000", 2.5),
    OwnUnit("3.22.08", "Specialskolen Kastanjen", "45100", 1.4),
    OwnUnit("3.22.06", "Kørselskontoret", "45200", 1.1),
)

GENERAL_COSTS: tuple[GeneralCost, ...] = (
    GeneralCost("5.68.91", "Aktivering af forsikrede ledige", "41300", 1_250, "4.0"),
    GeneralCost("5.38.59", "Værestedet Broen, aktivitets- og samværstilbud", "43600", 1_050, "1.1"),
    GeneralCost("4.62.88", "Sundhedscentret, forebyggelse", "44300", 850, "1.1"),
    GeneralCost("3.22.16", "Tidlig specialpædagogisk indsats", "45400", 550, "1.1"),
)

# Cost centres of the authorities that pay registered benefits and purchases, per sector area.
AUTHORITY_COST_CENTRE = {_E: "41000", _C: "42000", _A: "43000", _H: "44000", _S: "45300"}


def _reference_rows(name: str) -> list[dict[str, str]]:
    text = resources.files("tvaers.data").joinpath("reference", name).read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


@cache
def function_areas() -> dict[str, str]:
    """Function code -> sector area, from the shipped chart-of-accounts mapping."""
    return {row["function_code"]: row["sector_area"] for row in _reference_rows("accounts.csv")}


def sector_areas_table() -> pa.Table:
    rows = _reference_rows("sector_areas.csv")
    return pa.table(
        {key: [row[key] for row in rows] for key in ("sector_area", "name", "budget_holder")}
    )


def accounts_table() -> pa.Table:
    rows = _reference_rows("accounts.csv")
    return pa.table(
        {key: [row[key] for row in rows] for key in ("function_code", "sector_area", "name")}
    )


def interventions_table(capacity: dict[str, int]) -> pa.Table:
    items = INTERVENTIONS
    return pa.table(
        {
            "intervention": [i.code for i in items],
            "name": [i.name for i in items],
            "sector_area": [i.area for i in items],
            "unit": [i.unit for i in items],
            "legal_basis": [i.legal_basis for i in items],
            "function_code": [i.function for i in items],
            "staircase_level": pa.array([i.staircase for i in items], pa.int8()),
            "capacity": pa.array([capacity.get(i.code) for i in items], pa.int32()),
        }
    )


@dataclass(frozen=True)
class PriceList:
    """Prices in øre per intervention (rows, catalogue order) and year (columns)."""

    years: list[int]  # the first column is the base level valid from 2015
    ore: IntArray  # shape (interventions, 1 + len(years))

    def lookup(self, intervention: IntArray, year: IntArray) -> IntArray:
        """The price valid in ``year`` (base level before the first year)."""
        column = np.clip(year - self.years[0] + 1, 0, len(self.years))
        return np.asarray(self.ore[intervention, column], dtype=np.int64)

    def table(self) -> pa.Table:
        n, k = self.ore.shape
        valid_from = np.array(
            [day(PRICE_BASE_FROM)] + [day(date(y, 1, 1)) for y in self.years], dtype=np.int64
        )
        sources = [i.source for i in INTERVENTIONS]
        return pa.table(
            {
                "intervention": pa.array(np.repeat([i.code for i in INTERVENTIONS], k)),
                "valid_from": date_column(np.tile(valid_from, n)),
                "price": money_column(self.ore.reshape(-1)),
                "source": pa.array(np.repeat(sources, k)),
            }
        )


def price_list(rng: np.random.Generator, years: list[int]) -> PriceList:
    """Whole-krone prices: the 2015 base, the 2024 level, then +2-3 % on each 1 January."""
    base_2024 = np.array([i.price for i in INTERVENTIONS], dtype=float)
    columns = [np.round(base_2024 * PRICE_BASE_FACTOR)]
    level = base_2024
    for year in years:
        if year > 2024:
            level = level * (1.0 + rng.uniform(0.02, 0.03, level.size))
        columns.append(np.round(level if year >= 2024 else base_2024 * PRICE_BASE_FACTOR))
    ore = (np.stack(columns, axis=1) * 100).astype(np.int64)
    return PriceList(years=years, ore=ore)


def benefit_rates(years: list[int]) -> tuple[IntArray, IntArray]:
    """Monthly benefit rates in øre per benefit and year: (without children, with children)."""
    index = np.array([1.025 ** max(y - 2024, 0) for y in years])
    plain = np.array([b.monthly for b in BENEFITS], dtype=float)[:, None] * index[None, :]
    kids = np.array([b.monthly_with_children for b in BENEFITS], dtype=float)[:, None] * index
    return (np.round(plain) * 100).astype(np.int64), (np.round(kids) * 100).astype(np.int64)


def intervention_index(code: str) -> int:
    for position, item in enumerate(INTERVENTIONS):
        if item.code == code:
            return position
    raise KeyError(code)


def benefit_index(key: str) -> int:
    for position, item in enumerate(BENEFITS):
        if item.key == key:
            return position
    raise KeyError(key)
