"""What a grant needs to know about its intervention and citizen from the loaded data: the
intervention's name, sector area, unit and legal basis, its unit price on a day, and the
citizen's age — read from the small catalogue tables once per analytics file version."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from tvaers.core.config import Settings
from tvaers.core.errors import NoData
from tvaers.core.periods import age_on
from tvaers.draw.session import Analysis, opened
from tvaers.principles.model import PrinciplesError


@dataclass(frozen=True)
class InterventionFacts:
    code: str
    name: str
    sector_area: str
    unit: str
    legal_basis: str | None
    capacity: int | None
    prices: tuple[tuple[date, Decimal], ...]  # (valid_from, price), oldest first

    def price_on(self, day: date) -> Decimal | None:
        found = [price for since, price in self.prices if since <= day]
        return found[-1] if found else None


@dataclass(frozen=True)
class Catalogue:
    interventions: dict[str, InterventionFacts]
    area_names: dict[str, str]

    def intervention(self, code: str) -> InterventionFacts:
        found = self.interventions.get(code.strip())
        if found is None:
            raise PrinciplesError(
                f"Indsatsen «{code}» findes ikke i kommunens indsatskatalog.",
                hint="Se indsatserne under Data, eller importér kataloget (interventions).",
            )
        return found


def of(analysis: Analysis) -> Catalogue:
    """The intervention catalogue and the area names of the loaded data."""
    rows = analysis.table("interventions").to_pyarrow().to_pylist()
    prices: dict[str, list[tuple[date, Decimal]]] = {}
    for p in analysis.table("unit_prices").order_by("valid_from").to_pyarrow().to_pylist():
        prices.setdefault(p["intervention"], []).append((p["valid_from"], Decimal(p["price"])))
    return Catalogue(
        {
            r["intervention"]: InterventionFacts(
                r["intervention"],
                r["name"],
                r["sector_area"],
                r["unit"],
                r.get("legal_basis"),
                r.get("capacity"),
                tuple(prices.get(r["intervention"], ())),
            )
            for r in rows  # the catalogue: a few dozen interventions
        },
        analysis.area_names,
    )


def loaded(settings: Settings) -> Catalogue:
    """:func:`of` on the home's data; an empty catalogue when nothing is loaded."""
    try:
        with opened(settings) as analysis:
            return of(analysis)
    except NoData:
        return Catalogue({}, {})


def age(settings: Settings, citizen: str, day: date) -> int | None:
    """A citizen's age in whole years on ``day`` (``None`` when the data do not say)."""
    try:
        with opened(settings) as analysis:
            people = analysis.table("citizens")
            rows = people.filter(people.citizen == citizen).select("birth_date").to_pyarrow()
    except NoData:
        return None
    births = [b for b in rows.column("birth_date").to_pylist() if b is not None]
    return age_on(births[0], day) if births else None
