"""The total resource draw (issue 4): the municipality's overview (statistical, suppressed) and a
family's draw (person-level: casework purpose, role and a recorded basis; logged once per view).

The figures come from the draw package: :func:`tvaers.draw.overview.overview` (published
aggregates, cached per loaded import, year and configuration) and
:func:`tvaers.draw.family.opened`. This module only turns them into Danish tables and charts.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from tvaers import access
from tvaers.core.errors import NoData
from tvaers.core.publication import Chart, Column, DataTable
from tvaers.core.suppression import SMALL_CELL, hidden_note
from tvaers.core.units import TOTAL_AREA, Unit
from tvaers.draw import charts
from tvaers.draw import family as family_service
from tvaers.draw import overview as overview_service
from tvaers.draw.family import ADULT_AGE, FamilyDraw
from tvaers.draw.model import LABELS, Reason
from tvaers.draw.overview import PublishedOverview
from tvaers.web import progress
from tvaers.web.deps import DbSession, Viewer, render, settings_of
from tvaers.web.tables import (
    AREA,
    NOTE,
    REGISTERED,
    excel_download,
    wants_excel,
)
from tvaers.web.texts import T

router = APIRouter(prefix="/ressourcetraek")

TOTAL_LABEL = "I alt"
LEVEL = Column("level", "Niveau")  # citizens or families


def _label(value: str) -> str:
    return TOTAL_LABEL if value == TOTAL_AREA else value


def _gini(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(f"{value:.3f}")


def _share(value: float | None) -> float | None:
    """A share between 0 and 1; a rounding residue just outside (-0,0 %) shows as 0 or 1."""
    if value is None:
        return None
    return min(1.0, max(0.0, float(value)))


def _without_empty_notes(table: DataTable) -> DataTable:
    """The page's table without the «Bemærkning» column when no row has a note."""
    if any(row.get("note") for row in table.rows):
        return table
    table.columns = [c for c in table.columns if c.key != "note"]
    return table


# --- the overview -----------------------------------------------------------------------------


@dataclass
class OverviewPage:
    year: int
    period: str
    tables: dict[str, DataTable] = field(default_factory=dict)  # the Excel exports, in full
    page: dict[str, DataTable] = field(default_factory=dict)  # the shorter tables on the page
    lorenz: Chart | None = None


def overview_tables(figures: PublishedOverview, year: int) -> OverviewPage:
    """Every table of the overview page and its Excel files, from the published aggregates."""
    result = OverviewPage(year=year, period=T.period(figures.period))
    _coverage_tables(result, figures)
    _area_tables(result, figures)
    _concentration_tables(result, figures)
    _lorenz_tables(result, figures)
    _contact_tables(result, figures)
    return result


def _coverage_tables(result: OverviewPage, figures: PublishedOverview) -> None:
    year, reasons, rows = result.year, [r.value for r in Reason], list(figures.coverage)
    full = DataTable(
        title=f"{T.draw['coverage']} {year}",
        columns=[
            AREA,
            Column("expenditure", "Udgift", "money"),
            REGISTERED,
            Column("pooled", "Fordelt pulje", "money"),
            Column("priced", "Beregnet (pris × enheder)", "money"),
            Column("attributed", "Individfordelt i alt", "money"),
            Column("unattributed", "Ikke fordelt", "money"),
            Column("coverage", "Dækningsgrad", "share"),
            *(Column(r, LABELS[r].capitalize(), "money") for r in reasons),
            Column("citizens", "Borgere med henført udgift", "int"),
            NOTE,
        ],
        rows=rows,
        filename=f"ressourcetraek-daekning-{year}",
        notes=[T.draw["coverage_hint"]],
    )
    result.tables["coverage"] = full
    # The page shows the main columns of the full table (Excel has them all), shorter headed.
    short = {"attributed": "Individfordelt", "citizens": "Borgere"}
    compact = ("name", "expenditure", "registered", "attributed", "unattributed", "coverage",
               "citizens", "note")  # fmt: skip
    result.page["coverage"] = _without_empty_notes(
        DataTable(
            title=full.title,
            columns=[
                replace(c, label=short.get(c.key, c.label))
                for c in full.columns
                if c.key in compact
            ],
            rows=full.rows,
            filename=full.filename,
            notes=[T.draw["coverage_hint"], T.draw["coverage_excel"]],
        )
    )
    # "Ikke fordelt" by reason: the areas with an unattributed amount, the reasons that occur
    total_row = next((r for r in rows if r["sector_area"] == TOTAL_AREA), None)
    present = [r for r in reasons if total_row is None or (total_row.get(r) or 0) != 0]
    result.tables["unattributed"] = _without_empty_notes(
        DataTable(
            title=f"{T.draw['unattributed']} {year}",
            columns=[
                AREA,
                *(Column(r, T.draw_reasons[r], "money") for r in present),
                Column("unattributed", "Ikke fordelt i alt", "money"),
                NOTE,
            ],
            rows=[
                r
                for r in rows
                if r["unattributed"] is None
                or r["unattributed"] != 0
                or r["sector_area"] == TOTAL_AREA
            ],
            filename=f"ressourcetraek-ikke-fordelt-{year}",
            notes=[T.draw["unattributed_hint"]],
        )
    )


def _area_tables(result: OverviewPage, figures: PublishedOverview) -> None:
    year, names = result.year, figures.names
    rows = [
        {
            **r,
            "name": names.get(r["sector_area"], _label(r["sector_area"])),
            "month": TOTAL_LABEL if r["month"] == TOTAL_AREA else r["month"],
        }
        for r in figures.area_month
    ]
    month_columns = [
        Column("citizens", "Borgere", "int"),
        REGISTERED,
        Column("attributed", "Individfordelt", "money"),
        Column("total", "I alt", "money"),
        NOTE,
    ]
    notes = [T.draw["area_month_hint"], T.suppressed_note]
    result.tables["area_month"] = DataTable(
        title=f"{T.draw['area_month']} {year}",
        columns=[AREA, Column("month", "Måned", "month"), *month_columns],
        rows=rows,
        filename=f"ressourcetraek-omraade-maaned-{year}",
        notes=list(notes),
    )
    result.page["area_total"] = _without_empty_notes(
        DataTable(
            title=f"{T.draw['area_total']} {year}",
            columns=[AREA, *month_columns],
            rows=[r for r in rows if r["month"] == TOTAL_LABEL],
            filename=f"ressourcetraek-omraade-maaned-{year}",
            notes=list(notes),
        )
    )


def _concentration_tables(result: OverviewPage, figures: PublishedOverview) -> None:
    year = result.year
    rows: list[dict[str, Any]] = []
    by_areas: list[dict[str, Any]] = []
    for unit in Unit:  # citizen and family
        c, level = figures.concentration[unit], T.levels[unit.value]
        rows.append(
            {
                "level": level,
                "units": c.units,
                "total": c.total,
                "top_1_share": _share(c.top_1_share),
                "top_3_share": _share(c.top_3_share),
                "top_10_share": _share(c.top_10_share),
                "gini": _gini(c.gini),
                "note": None if c.units is not None else hidden_note(),
            }
        )
        by_areas += [
            {"level": level, "areas": _label(r["areas"]), "units": r["units"], "cost": r["cost"],
             "share": _share(r["share"]), "note": r["note"]}
            for r in c.by_areas
        ]  # fmt: skip
    result.tables["concentration"] = DataTable(
        title=f"{T.draw['concentration']} {year}",
        columns=[
            LEVEL,
            Column("units", "Antal i kommunen", "int"),
            Column("total", "Udgift i alt", "money"),
            Column("top_1_share", "Andel, dyreste 1\u00a0%", "share"),
            Column("top_3_share", "Andel, dyreste 3\u00a0%", "share"),
            Column("top_10_share", "Andel, dyreste 10\u00a0%", "share"),
            Column("gini", "Gini", "decimal"),
            NOTE,
        ],
        rows=rows,
        filename=f"ressourcetraek-koncentration-{year}",
        notes=[
            T.draw["concentration_hint"],
            f"En andel er skjult (—), når den ville beskrive færre end {SMALL_CELL} borgere "
            "eller familier.",
        ],
    )
    result.tables["by_areas"] = DataTable(
        title=f"{T.draw['by_areas']} {year}",
        columns=[
            LEVEL,
            Column("areas", "Antal sektorområder"),
            Column("units", "Antal", "int"),
            Column("cost", "Udgift", "money"),
            Column("share", "Andel af udgiften", "share"),
            NOTE,
        ],
        rows=by_areas,
        filename=f"ressourcetraek-antal-omraader-{year}",
        notes=[T.suppressed_note],
    )


def _lorenz_tables(result: OverviewPage, figures: PublishedOverview) -> None:
    """The Lorenz curves in full (Excel, chart) and in steps of 10 % (the page)."""
    year = result.year
    curves = {T.levels[u.value]: figures.concentration[u].lorenz for u in Unit}
    rows = charts.lorenz_rows(curves)
    steps: list[dict[str, Any]] = [{"population_share": k / 10} for k in range(11)]
    for unit in Unit:
        c = figures.concentration[unit]
        if len(c.lorenz) > 1:
            for k, row in enumerate(steps):
                row[unit.value] = _share(c.lorenz_at(k / 10))
    population = Column("population_share", "Andel af enhederne (billigste først)", "share")
    lorenz = DataTable(
        title=f"{T.draw['lorenz']} {year}",
        columns=[
            LEVEL,
            population,
            Column("cost_share", "Andel af udgiften", "share"),
        ],
        rows=rows,
        filename=f"ressourcetraek-lorenz-{year}",
        notes=[f"Kurven har højst 100 trin på mindst {SMALL_CELL} borgere eller familier."],
    )
    result.lorenz = lorenz.chart = charts.lorenz(rows, f"{T.draw['lorenz']} {year}")
    result.tables["lorenz"] = lorenz
    result.page["lorenz"] = DataTable(
        title=f"{T.draw['lorenz']} {year}, trin på 10\u00a0%",
        columns=[
            population,
            *(
                Column(u.value, f"Andel af udgiften, {T.levels[u.value].lower()}", "share")
                for u in Unit
            ),
        ],
        rows=steps if rows else [],
        filename=lorenz.filename,
        notes=[T.draw["lorenz_hint"]],
    )


def _contact_tables(result: OverviewPage, figures: PublishedOverview) -> None:
    year = result.year
    result.tables["contacts"] = DataTable(
        title=f"{T.draw['contacts']} {year}",
        columns=[
            LEVEL,
            Column("measure", "Mål"),
            Column("group", "Antal kontaktpunkter"),
            Column("units", "Borgere/familier", "int"),
            NOTE,
        ],
        rows=[
            {
                "level": T.levels[r["level"]],
                "measure": T.contact_measures.get(r["measure"], r["measure"]),
                "group": _label(r["group"]),
                "units": r["units"],
                "note": r["note"],
            }
            for r in figures.contacts
        ],
        filename=f"ressourcetraek-kontaktpunkter-{year}",
        notes=[T.draw["contacts_hint"], T.suppressed_note],
    )
    result.tables["overlaps"] = DataTable(
        title=f"{T.draw['overlaps']} {year}",
        columns=[
            Column("label", "Overlap"),
            Column("citizens", "Borgere", "int"),
            Column("citizens_cost", "Udgift i overlap, borgere", "money"),
            Column("families", "Familier", "int"),
            Column("families_cost", "Udgift i overlap, familier", "money"),
            NOTE,
        ],
        rows=list(figures.overlaps),
        filename=f"ressourcetraek-overlap-{year}",
        notes=[
            "Udgiften i overlap er trækket på reglens indsatser i de måneder, overlappet berører.",
            T.suppressed_note,
        ],
    )


@router.get("", response_class=HTMLResponse)
def overview(request: Request, who: Viewer, year: int | None = None) -> Response:
    settings = settings_of(request)
    try:
        found = progress.computed(
            request, who, ("ressourcetraek", year), T.draw["title"],
            lambda: overview_service.overview(settings, year),
            overview_service.cached_overview(settings, year),
        )  # fmt: skip
    except NoData:
        return render(request, "draw/overview.html", who, figures=None, years=[], year=None)
    if isinstance(found, Response):
        return found
    figures = overview_tables(found.figures, found.year)
    if wants_excel(request):
        return excel_download(request, figures.tables, "coverage", f"ressourcetraek-{found.year}")
    return render(
        request, "draw/overview.html", who, figures=figures, years=found.years, year=found.year
    )


# --- a family ---------------------------------------------------------------------------------


@dataclass
class FamilyPage:
    family: str
    period: str
    members: tuple[str, ...]
    total: Decimal
    tables: dict[str, DataTable]
    timeline: Chart | None


def family_tables(draw: FamilyDraw) -> FamilyPage:
    """The family page's tables (each also an Excel file) and its timeline."""
    year, short = draw.year, draw.family[:14]
    money_columns = [
        REGISTERED,
        Column("pooled", "Fordelt pulje", "money"),
        Column("priced", "Beregnet", "money"),
        Column("attributed", "Individfordelt", "money"),
        Column("total", "I alt", "money"),
    ]
    citizen = Column("citizen", "Borger (pseudonym)")
    tables = {
        "members": DataTable(
            title=f"{T.draw['members']} {year}",
            columns=[
                citizen,
                Column("age", "Alder", "int"),
                Column("adult", "Voksen/barn"),
                Column("total", "I alt", "money"),
            ],
            rows=[_member_row(draw, m) for m in draw.members]
            + [{"citizen": TOTAL_LABEL, "total": draw.total.total}],
            filename=f"familie-{short}-medlemmer-{year}",
        ),
        "family": DataTable(
            title=f"{T.draw['family_total']} {year}",
            columns=[AREA, Column("holder", "Budgetansvarlig"), *money_columns],
            rows=[
                *(dict(asdict(a), holder=draw.holders.get(a.sector_area)) for a in draw.areas),
                dict(asdict(draw.total), name=TOTAL_LABEL),
            ],
            filename=f"familie-{short}-omraader-{year}",
        ),
        "draw": DataTable(
            title=f"{T.draw['member_draw']} {year}",
            columns=[
                citizen,
                AREA,
                Column("month", "Måned", "month"),
                *money_columns,
            ],
            rows=[asdict(r) for r in draw.months],
            filename=f"familie-{short}-traek-{year}",
        ),
        "activities": DataTable(
            title=T.draw["activities"],
            columns=[
                citizen,
                Column("intervention", "Indsats"),
                Column("name", "Navn"),
                Column("area", "Sektorområde"),
                Column("start_date", "Start", "date"),
                Column("end_shown", "Slut", "date"),
                Column("caseworker", "Sagsbehandler"),
                Column("decided_by", "Bevilget af"),
            ],
            rows=[
                dict(asdict(a), end_shown=T.draw["ongoing"] if a.ongoing else a.end_date)
                for a in draw.activities
            ],
            filename=f"familie-{short}-indsatser",
        ),
    }
    first, last = date(year, 1, 1), date(year, 12, 31)  # the chart shows the chosen year
    timeline_rows = [
        {
            "label": f"{a.citizen[:8]} · {a.name or a.intervention}",
            "member": a.citizen[:8],
            "intervention": a.name or a.intervention,
            "start": max(a.start_date, first).isoformat(),
            "end": min(a.shown_end, last).isoformat(),
        }
        for a in draw.activities
        if a.start_date <= last and a.shown_end >= first
    ]
    timeline = charts.timeline(timeline_rows, T.draw["timeline"])
    tables["activities"].chart = timeline
    return FamilyPage(
        draw.family, T.period(draw.period), draw.members, draw.total.total, tables, timeline
    )


def _member_row(draw: FamilyDraw, member: str) -> dict[str, Any]:
    """A member with age and adult or child at the period's end (18 years: adult)."""
    age = draw.ages.get(member)
    adult = None if age is None else ("Voksen" if age >= ADULT_AGE else "Barn")
    return {"citizen": member, "age": age, "adult": adult, "total": draw.member_totals[member]}


@router.get("/familie/{family}", response_class=HTMLResponse)
def family_page(
    request: Request, family: str, who: Viewer, session: DbSession, year: int | None = None
) -> Response:
    export = wants_excel(request)
    try:
        with family_service.opened(settings_of(request), family) as view:
            members = list(view.members)
            # a basis for one member makes the view lawful; the entry names that member. A code
            # that is no family is refused as a family without a basis is (403, not 404), so
            # the answer does not tell which family codes exist
            action = "familie_traek_eksporteret" if export else "familie_traek_vist"
            basis, holder = access.family(session, who, members, action, {"familie": family})
            found = view.draw(year)
    except NoData as exc:
        raise HTTPException(404) from exc
    figures = family_tables(found)
    if export:  # the whole page as one workbook, or the one table ?table= names
        name = f"familie-{found.family[:14]}-{found.year}"
        return excel_download(request, figures.tables, "draw", name)
    return render(
        request,
        "draw/family.html",
        who,
        figures=figures,
        basis=basis,
        holder=holder,
        years=found.years,
        year=found.year,
    )
