"""The monthly deviations' tables and charts, declared once (the publication model): the page
``/opfoelgning/afvigelser``, ``tvaers deviations`` (CSV, JSON, Excel with native charts) and the
monthly report per level render them.

* :func:`deviation_table`: per intervention type as of the month end, statistical (small cells
  hidden), with the bar chart of each type's volume and price effect to date;
* :func:`case_table`: the cases of one type that explain its deviation, ranked (person-level:
  only the cases the user may see), with the bar chart of the largest contributions.
"""

from __future__ import annotations

from typing import Any

from tvaers.budget.state import BASIS_LABELS, Basis
from tvaers.core.periods import Month
from tvaers.core.publication import Chart, Column, DataTable
from tvaers.core.suppression import TOTAL
from tvaers.followup.deviation_cases import Cases
from tvaers.followup.deviations import Deviations

TOTAL_LABEL = "I alt"
VOLUME, PRICE = "Mængdeeffekt", "Priseffekt"
CHART_CASES = 15  # the cases drawn in the chart: the largest contributions
NOTE = Column("note", "Bemærkning")

DEVIATION_COLUMNS = [
    Column("intervention", "Indsats"), Column("name", "Navn"),
    Column("citizens", "Borgere", "int"),
    Column("planned_units", "Planlagte helårspersoner (år)", "decimal"),
    Column("planned_price", "Planlagt gennemsnitspris", "money"),
    Column("planned", "Planlagt til dato", "money"),
    Column("actual_units", "Helårspersoner til dato", "decimal"),
    Column("actual_price", "Gennemsnitspris", "money"),
    Column("actual", "Forbrug til dato", "money"),
    Column("variance", "Afvigelse til dato", "money"),
    Column("volume", VOLUME, "money"), Column("price", PRICE, "money"),
    Column("projected_units", "Helårspersoner, fremskrevet", "decimal"),
    Column("projected", "Forbrug, fremskrevet til året", "money"),
    Column("projected_variance", "Afvigelse, fremskrevet", "money"),
    Column("projected_volume", "Mængdeeffekt, fremskrevet", "money"),
    Column("projected_price", "Priseffekt, fremskrevet", "money"), NOTE,
]  # fmt: skip
CASE_COLUMNS = [
    Column("rank", "Nr.", "int"), Column("citizen", "Borger (pseudonym)"),
    Column("caseworker", "Sagsbehandler"), Column("days", "Dage", "int"),
    Column("units", "Helårspersoner", "decimal"), Column("spend", "Forbrug", "money"),
    Column("price", "Pris pr. helårsperson", "money"),
    Column("price_difference", "Over/under planlagt pris", "money"),
    Column("planned_share", "Andel af planlagt", "money"),
    Column("volume", VOLUME, "money"), Column("price_effect", PRICE, "money"),
    Column("contribution", "Bidrag til afvigelsen", "money"),
]  # fmt: skip
NOTES = [
    "Til dato: årets måneder til og med den valgte måned. Planlagt til dato er årets "
    "budgetforudsætning i forhold til periodens dage. Fremskrevet: periodens gennemsnit af "
    "borgere og periodens pris regnet op til hele året.",
    "Mængdeeffekt + priseffekt = afvigelsen, og planlagt + afvigelse = forbruget, præcist på øren.",
]
CASE_NOTES = [
    "Bidrag = sagens forbrug − dens andel af det planlagte (fordelt efter dage). Sagernes bidrag "
    "giver tilsammen indsatstypens afvigelse til dato præcist på øren: mængdeeffekten fordelt "
    "efter dage, og priseffekten som sagens forbrug mod den planlagte pris.",
]


def period_label(found: Deviations | Cases) -> str:
    basis = BASIS_LABELS[Basis(found.basis)].lower()
    return f"januar til og med {Month(found.year, found.month).danish()} ({basis})"


def type_rows(found: Deviations) -> list[dict[str, Any]]:
    rows = []
    for r in (*found.rows, found.total):  # the intervention types: dozens
        total = r.intervention == TOTAL
        rows.append({
            "intervention": TOTAL_LABEL if total else r.intervention,
            "name": "" if total else r.name, "citizens": r.citizens,
            "planned_units": r.planned_units, "planned_price": r.planned_price,
            "planned": r.planned, "actual_units": r.actual_units,
            "actual_price": r.actual_price, "actual": r.actual, "variance": r.variance,
            "volume": r.volume, "price": r.price, "projected_units": r.projected_units,
            "projected": r.projected, "projected_variance": r.projected_variance,
            "projected_volume": r.projected_volume, "projected_price": r.projected_price,
            "note": r.note or "",
        })  # fmt: skip
    return rows


def effect_chart(found: Deviations) -> Chart | None:
    """Bars per type with an assumption: its volume and its price effect to date (hidden
    types left out)."""
    rows = []
    for r in found.rows:  # the intervention types: dozens
        if r.volume is None or r.price is None or r.planned_units is None:
            continue
        label = f"{r.intervention} {r.name}".strip()
        rows.append({"intervention": label, "effect": VOLUME, "amount": float(r.volume)})
        rows.append({"intervention": label, "effect": PRICE, "amount": float(r.price)})
    if not rows:
        return None
    return Chart(
        "bar", f"Afvigelse til dato pr. indsatstype: mængde og pris, {period_label(found)}",
        rows, "intervention", "amount", "Indsatstype", "Kr.", series="effect",
        series_title="Effekt",
    )  # fmt: skip


def deviation_table(found: Deviations) -> DataTable:
    name = f"afvigelser-{found.year}-{found.month:02d}-{found.basis}"
    table = DataTable(
        f"Afvigelser fra budgetforudsætningerne, {period_label(found)}", DEVIATION_COLUMNS,
        type_rows(found), name, list(NOTES), name="afvigelser",
    )  # fmt: skip
    table.chart = effect_chart(found)
    return table


def case_rows(found: Cases) -> list[dict[str, Any]]:
    return [
        {
            "rank": c.rank,
            "citizen": c.citizen,
            "caseworker": c.caseworker or "",
            "days": c.days,
            "units": c.units,
            "spend": c.spend,
            "price": c.price,
            "price_difference": c.price_difference,
            "planned_share": c.planned_share,
            "volume": c.volume,
            "price_effect": c.price_effect,
            "contribution": c.contribution,
        }
        for c in found.cases  # the cases shown: a type's few hundred at most
    ]


def case_chart(found: Cases) -> Chart | None:
    rows = []
    for c in found.cases[:CHART_CASES]:
        label = f"{c.rank}. {c.citizen[:8]}"
        rows.append({"case": label, "effect": VOLUME, "amount": float(c.volume)})
        rows.append({"case": label, "effect": PRICE, "amount": float(c.price_effect)})
    if not rows:
        return None
    return Chart(
        "bar", f"De {min(len(found.cases), CHART_CASES)} sager med størst bidrag",
        rows, "case", "amount", "Sag (nr. og pseudonym)", "Kr.", series="effect",
        series_title="Effekt",
    )  # fmt: skip


def case_table(found: Cases) -> DataTable:
    row = found.row
    title = f"Sager bag afvigelsen for {row.intervention} {row.name}".strip()
    notes = list(CASE_NOTES)
    if found.without_basis:
        notes.append(
            f"{found.without_basis} sager vises ikke, fordi der ikke er registreret et gyldigt "
            "grundlag for borgeren."
        )
    name = f"afvigelser-sager-{row.intervention}-{found.year}-{found.month:02d}"
    table = DataTable(f"{title}, {period_label(found)}", CASE_COLUMNS, case_rows(found), name,
                      notes, name="sager")  # fmt: skip
    table.chart = case_chart(found)
    return table
