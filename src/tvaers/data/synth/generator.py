"""Orchestration: ``generate()`` builds a synthetic municipality and writes one file per table."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import numpy as np
import pyarrow as pa

from tvaers.data.contracts import TABLE_ORDER
from tvaers.data.synth.catalogue import (
    accounts_table,
    benefit_rates,
    function_areas,
    interventions_table,
    price_list,
    sector_areas_table,
)
from tvaers.data.synth.commitments import commitments_table
from tvaers.data.synth.ledger import (
    Ledger,
    benefit_payments,
    general_costs,
    own_unit_costs,
    postings_table,
    registered_purchases,
)
from tvaers.data.synth.outcomes import outcomes_table
from tvaers.data.synth.population import citizens_table, generate_population, relations_table
from tvaers.data.synth.practice import Practice
from tvaers.data.synth.programmes import generate_spells
from tvaers.data.synth.services import (
    AREAS,
    activities_table,
    capacities,
    price_months,
    service_spells,
)
from tvaers.data.synth.timeline import Window, money_column, string_column, year_of
from tvaers.data.writers import write_table

SIZES: dict[str, int] = {"S": 27_500, "M": 63_000, "L": 650_000}
FIRST_DAY = date(2024, 1, 1)
DEFAULT_AS_OF = date(2026, 10, 31)
TABLES = TABLE_ORDER  # every contract table, in loading order
Progress = Callable[[str, float], None]
Finish = Callable[[dict[str, pa.Table]], dict[str, pa.Table]]


@dataclass(frozen=True)
class SynthSummary:
    """What ``generate()`` made."""

    citizens: int
    families: int
    rows: dict[str, int]
    total_expenditure: Decimal  # dranst 1, the whole period
    registered_share: float  # CPR-registered share of the expenditure
    first_day: date
    as_of: date
    files: tuple[Path, ...]


def _budgets(rng: np.random.Generator, ledger: Ledger, window: Window) -> pa.Table:
    """Appropriations per year and area: the year's expenditure (a partial year scaled to a
    whole one) within +-5 %, rounded to thousands of kroner."""
    parts = ledger.parts
    dranst = np.concatenate([p["dranst"] for p in parts])
    function = np.concatenate([p["function"] for p in parts])[dranst == 1]
    amount = np.concatenate([p["amount"] for p in parts])[dranst == 1]
    year = year_of(np.concatenate([p["date"] for p in parts])[dranst == 1])
    areas = function_areas()
    area_of_function = np.array([AREAS.index(areas[f]) for f in ledger.functions.values])
    years = window.years
    key = (year - years[0]) * len(AREAS) + area_of_function[function]
    spent = np.bincount(key, amount.astype(float), len(years) * len(AREAS)).reshape(
        len(years), len(AREAS)
    )
    months_in_year = np.bincount(window.months // 12 + 1970 - years[0], minlength=len(years))
    full_year = spent * (12.0 / np.maximum(months_in_year, 1))[:, None]
    budget = full_year * (1.0 + rng.uniform(-0.045, 0.045, full_year.shape))
    ore = (np.round(budget / 100_000.0) * 100_000).astype(np.int64)
    return pa.table(
        {
            "year": pa.array(np.repeat(years, len(AREAS)).astype(np.int16)),
            "sector_area": string_column(list(AREAS), np.tile(np.arange(len(AREAS)), len(years))),
            "amount": money_column(ore.reshape(-1)),
        }
    )


def _expenditure(ledger: Ledger) -> tuple[int, int]:
    """Total and CPR-registered dranst-1 expenditure in øre."""
    total = registered = 0
    for p in ledger.parts:
        operations = p["dranst"] == 1
        total += int(p["amount"][operations].sum())
        registered += int(p["amount"][operations & (p["person"] >= 0)].sum())
    return total, registered


def generate(
    citizens: int,
    seed: int,
    out: Path,
    fmt: str = "csv",
    as_of: date = DEFAULT_AS_OF,
    progress: Progress | None = None,
    practice: Practice | None = None,
    taken_cpr: np.ndarray | None = None,
    finish: Finish | None = None,
) -> SynthSummary:
    """Generate a synthetic municipality of ``citizens`` people and write its tables to ``out``.

    The data cover 1 January 2024 through ``as_of``. The same seed and size give the same files.
    ``progress(step, fraction)`` is called between steps with a Danish step name. For the
    national generator: ``practice`` is the municipality's practice (default: the calibrated
    one), ``taken_cpr`` the sorted CPR numbers (as integers) other municipalities have given,
    and ``finish`` changes the tables just before they are written.
    """
    if citizens < 100:
        raise ValueError("En syntetisk kommune skal have mindst 100 borgere")
    report = progress or (lambda step, fraction: None)
    window = Window.of(FIRST_DAY, as_of)
    seeds = np.random.SeedSequence(seed).spawn(12)  # the 12th (commitments) came last
    streams = [np.random.default_rng(s) for s in seeds[:10]]

    report("Danner borgere og familier", 0.0)
    practice = practice or Practice()
    population = generate_population(streams[0], citizens, window.as_of, taken_cpr)
    report("Fordeler ydelser og indsatser", 0.10)
    spells = generate_spells(seeds[10], population, window, practice.factors())
    activities = service_spells(spells)
    prices = practice.priced(price_list(streams[2], window.years))
    priced = price_months(activities, prices, window)

    report("Danner posteringer", 0.25)
    ledger = Ledger(window)
    registered_purchases(ledger, priced)
    benefit_payments(ledger, streams[3], population, spells, benefit_rates(window.years),
                     window.years)  # fmt: skip
    own_unit_costs(ledger, streams[4], priced)
    general_costs(ledger, streams[5], citizens)

    report("Danner tabeller", 0.40)
    tables: dict[str, pa.Table] = {
        "sector_areas": sector_areas_table(),
        "accounts": accounts_table(),
        "interventions": interventions_table(capacities(activities, window)),
        "unit_prices": prices.table(),
        "citizens": citizens_table(population),
        "relations": relations_table(population),
        "postings": postings_table(ledger, streams[6], population),
        "activities": activities_table(streams[7], population, activities, window),
        "commitments": commitments_table(
            np.random.default_rng(seeds[11]), population, activities, prices, window
        ),
        "outcomes": outcomes_table(streams[8], population, spells, window),
        "budgets": _budgets(streams[9], ledger, window),
    }
    total, registered = _expenditure(ledger)
    del ledger, priced, spells
    if finish is not None:
        tables = finish(tables)

    files = []
    for number, name in enumerate(TABLES):
        report(f"Skriver {name}", 0.45 + 0.55 * number / len(TABLES))
        files.append(write_table(tables[name], out, name, fmt))
    report("Færdig", 1.0)
    return SynthSummary(
        citizens=citizens,
        families=population.families,
        rows={name: tables[name].num_rows for name in TABLES},
        total_expenditure=Decimal(total).scaleb(-2),
        registered_share=registered / total if total else 0.0,
        first_day=FIRST_DAY,
        as_of=as_of,
        files=tuple(files),
    )
