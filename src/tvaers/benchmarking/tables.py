"""Benchmarking's tables and charts for the publication model (:mod:`tvaers.core.publication`):
the overview per municipality, one table with its bar chart per key figure, the target groups
and the area combinations — the page, the workbook and ``tvaers benchmark`` render the same."""

from __future__ import annotations

from typing import Any

from tvaers.benchmarking.service import Benchmark
from tvaers.core.publication import Chart, Column, DataTable
from tvaers.core.suppression import TABLE_NOTE, TOTAL

RANK_NOTE = (
    "Placering: 1 er den højeste værdi i sammenligningsgruppen; for forskellen mellem faktisk "
    "og forventet udgift er 1 den laveste (mest under det forventede)."
)
EXPECTED_NOTE = (
    "Forventet udgift: hvad kommunen ville have brugt, hvis hver af dens borgere kostede "
    "landsgennemsnittet for borgere med samme aldersgruppe, familietype og ydelse "
    "(indirekte standardisering)."
)
COVERAGE_NOTE = (
    "Dækningsgrad: kommunens borgeres træk (registreret og fordelt) i forhold til kommunens "
    "driftsudgifter (dranst 1), som kommunen har betalt."
)
# key, Danish name, kind, chart value title, decimals of the axis
FIGURES: tuple[tuple[str, str, str, int], ...] = (
    ("coverage", "Dækningsgrad", "share", 2),
    ("top_1_share", "Andel af trækket, dyreste 1 %", "share", 2),
    ("top_3_share", "Andel af trækket, dyreste 3 %", "share", 2),
    ("top_10_share", "Andel af trækket, dyreste 10 %", "share", 2),
    ("two_plus_share", "Andel borgere i 2+ områder", "share", 2),
    ("three_plus_share", "Andel borgere i 3+ områder", "share", 2),
    ("per_citizen", "Træk pr. borger (kr.)", "money", 0),
    ("difference_share", "Faktisk i forhold til forventet udgift", "share", 2),
)
RANK_OF = {key: f"{key}_rank" for key, *_ in FIGURES} | {"difference_share": "difference_rank"}


def overview_table(found: Benchmark) -> DataTable:
    columns = [
        Column("municipality", "Kommunekode"), Column("name", "Kommune"),
        Column("peer_group", "Sammenligningsgruppe"), Column("citizens", "Borgere", "int"),
        Column("expenditure", "Driftsudgifter", "money"),
        Column("drawn", "Borgernes træk", "money"),
        Column("coverage", "Dækningsgrad", "share"),
        Column("top_1_share", "Dyreste 1 %", "share"),
        Column("top_3_share", "Dyreste 3 %", "share"),
        Column("top_10_share", "Dyreste 10 %", "share"),
        Column("two_plus", "Borgere i 2+ områder", "int"),
        Column("two_plus_share", "Andel i 2+ områder", "share"),
        Column("three_plus", "Borgere i 3+ områder", "int"),
        Column("three_plus_share", "Andel i 3+ områder", "share"),
        Column("per_citizen", "Træk pr. borger", "money"),
        Column("expected", "Forventet udgift", "money"), Column("total", "Faktisk udgift", "money"),
        Column("difference", "Faktisk − forventet", "money"),
        Column("difference_share", "Forskel i procent af forventet", "share"),
        Column("difference_rank", "Placering (forskel)", "int"),
        Column("note", "Bemærkning"),
    ]  # fmt: skip
    return DataTable(
        title=f"Nøgletal pr. kommune {found.year}", columns=columns, rows=found.rows,
        filename=f"sammenligning-{found.year}", name="kommuner",
        notes=[TABLE_NOTE, COVERAGE_NOTE, EXPECTED_NOTE, RANK_NOTE],
    )  # fmt: skip


def figure_table(found: Benchmark, key: str, label: str, kind: str, decimals: int) -> DataTable:
    """One key figure per municipality, its rank in the peer group and its bar chart."""
    rank = RANK_OF[key]
    rows: list[dict[str, Any]] = [
        {"municipality": r["municipality"], "name": r["name"], "peer_group": r["peer_group"],
         key: r[key], rank: r.get(rank)}
        for r in found.rows if r["municipality"] != TOTAL
    ]  # fmt: skip
    chart_rows = [
        {"name": r["name"], "value": float(r[key]) * (100 if kind == "share" else 1)}
        for r in rows if r[key] is not None
    ]  # fmt: skip
    chart = Chart(
        "bar", f"{label} {found.year}", chart_rows, "name", "value", "Kommune",
        f"{label} (%)" if kind == "share" else label, decimals=decimals,
    )  # fmt: skip
    return DataTable(
        title=f"{label} {found.year}",
        columns=[
            Column("municipality", "Kommunekode"),
            Column("name", "Kommune"),
            Column("peer_group", "Sammenligningsgruppe"),
            Column(key, label, kind),
            Column(rank, "Placering i gruppen", "int"),
        ],
        rows=rows,
        filename=f"sammenligning-{key}-{found.year}",
        name=key,
        chart=chart if chart_rows else None,  # every municipality's figure hidden: no chart
        notes=[RANK_NOTE],
    )


def groups_table(found: Benchmark) -> DataTable:
    chart_rows = [
        {"name": r["name"], "group": r["group"], "value": float(r["per_citizen"])}
        for r in found.groups if r["per_citizen"] is not None and r["municipality"] != TOTAL
    ]  # fmt: skip
    chart = Chart("bar", f"Træk pr. borger i de færdige målgrupper {found.year}", chart_rows,
                  "name", "value", "Kommune", "Træk pr. borger (kr.)", series="group",
                  series_title="Målgruppe")  # fmt: skip
    return DataTable(
        title=f"Træk pr. borger i de færdige målgrupper {found.year}",
        columns=[
            Column("group", "Målgruppe"),
            Column("municipality", "Kommunekode"),
            Column("name", "Kommune"),
            Column("citizens", "Borgere i målgruppen", "int"),
            Column("per_citizen", "Træk pr. borger", "money"),
            Column("note", "Bemærkning"),
        ],
        rows=found.groups,
        filename=f"sammenligning-maalgrupper-{found.year}",
        name="maalgrupper",
        chart=chart if chart_rows else None,
        notes=[TABLE_NOTE],
    )


def combinations_table(found: Benchmark) -> DataTable:
    return DataTable(
        title=f"Gennemsnitligt træk efter kombination af sektorområder {found.year}",
        columns=[
            Column("municipality", "Kommunekode"),
            Column("name", "Kommune"),
            Column("combination", "Sektorområder"),
            Column("citizens", "Borgere", "int"),
            Column("average", "Gennemsnitligt træk", "money"),
            Column("note", "Bemærkning"),
        ],
        rows=found.combinations,
        filename=f"sammenligning-kombinationer-{found.year}",
        name="kombinationer",
        notes=[TABLE_NOTE],
    )


def tables(found: Benchmark) -> list[DataTable]:
    """Every table of the benchmark, in page order."""
    return [
        overview_table(found),
        *(
            figure_table(found, key, label, kind, decimals)
            for key, label, kind, decimals in FIGURES
        ),
        groups_table(found),
        combinations_table(found),
    ]
