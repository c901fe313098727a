"""What is loaded, in a few figures: citizens, families, expenditure per sector area."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import ibis
from ibis import _
from ibis.backends.duckdb import Backend


@dataclass(frozen=True)
class AreaExpenditure:
    sector_area: str
    name: str
    expenditure: Decimal
    registered: Decimal

    @property
    def registered_share(self) -> float:
        return float(self.registered / self.expenditure) if self.expenditure else 0.0


@dataclass(frozen=True)
class Summary:
    citizens: int
    families: int
    first_day: object
    last_day: object
    areas: list[AreaExpenditure]

    @property
    def expenditure(self) -> Decimal:
        return sum((a.expenditure for a in self.areas), Decimal(0))

    @property
    def registered(self) -> Decimal:
        return sum((a.registered for a in self.areas), Decimal(0))

    @property
    def registered_share(self) -> float:
        return float(self.registered / self.expenditure) if self.expenditure else 0.0


def expenditure_by_area(backend: Backend, year: int | None = None) -> ibis.Table:
    """Operating expenditure (dranst 1) per sector area, with the CPR-registered part."""
    postings = backend.table("postings").filter(_.dranst == 1)
    if year is not None:
        postings = postings.filter(_.posting_date.year() == year)
    accounts = backend.table("accounts").select("function_code", "sector_area")
    areas = backend.table("sector_areas").select("sector_area", "name")
    booked = (
        postings.join(accounts, "function_code")
        .group_by("sector_area")
        .aggregate(
            expenditure=_.amount.sum(),
            registered=_.amount.sum(where=_.citizen.notnull()),
        )
    )
    return (
        areas.left_join(booked, "sector_area")
        .select(
            "sector_area",
            "name",
            expenditure=_.expenditure.fill_null(0),
            registered=_.registered.fill_null(0),
        )
        .order_by(ibis.desc("expenditure"))
    )


def summarise(backend: Backend, year: int | None = None) -> Summary:
    citizens = backend.table("citizens")
    counts = (
        citizens.aggregate(n=_.count(), families=_.family.nunique()).to_pyarrow().to_pylist()[0]
    )
    postings = backend.table("postings")
    if year is not None:
        postings = postings.filter(_.posting_date.year() == year)
    span = postings.aggregate(first=_.posting_date.min(), last=_.posting_date.max())
    period = span.to_pyarrow().to_pylist()[0]
    rows = expenditure_by_area(backend, year).to_pyarrow().to_pylist()
    areas = [
        AreaExpenditure(
            r["sector_area"], r["name"], Decimal(r["expenditure"]), Decimal(r["registered"])
        )
        for r in rows
    ]
    return Summary(counts["n"], counts["families"], period["first"], period["last"], areas)
