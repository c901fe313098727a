"""The monthly report per organisational level (003 §3.1, issue 14), as the publication model's
tables and charts: one function per section, each turning the figures of
:mod:`tvaers.followup.key_figures` (or :mod:`tvaers.followup.caseload`) into a
:class:`~tvaers.core.publication.DataTable` with its chart. The page renders them and its
workbook writes them (one sheet each, the chart native); the command line writes the same
workbook (:func:`tvaers.followup.report_service.monthly_report`).

The levels: (1) the directorate and the politicians (totals, trend, intake and outflow of cases,
budget against actual, cost per citizen); (2) the area chiefs and managers (each area's position
and its deviation from the budget and from last year); (3) the caseworker (their own cases).
Danish texts of the tables live here, beside the figures they head, as the draw's do.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from tvaers.budget.actuals import AreaYear
from tvaers.core.periods import DANISH_MONTHS, Month
from tvaers.core.publication import Chart, Column, DataTable
from tvaers.core.suppression import TABLE_NOTE, TOTAL
from tvaers.followup.caseload import Caseload
from tvaers.followup.key_figures import AreaTotal, CitizenCost, Flow, TrendRow


class Level(StrEnum):
    """The organisational levels (003 §3.1)."""

    DIRECTORATE = "directorate"
    AREA = "area"
    CASEWORKER = "caseworker"


LEVEL_LABELS = {
    Level.DIRECTORATE: "Direktion og politikere",
    Level.AREA: "Områdechefer og ledere",
    Level.CASEWORKER: "Sagsbehandlere",
}
LEVEL_SLUGS = {Level.DIRECTORATE: "direktion", Level.AREA: "omraader",
               Level.CASEWORKER: "sagsbehandler"}  # fmt: skip
"""The level's part of the page's address (``/noegletal/direktion``)."""

KR = "Beløb (kr.)"
AREA = Column("name", "Sektorområde")
NOTE = Column("note", "Bemærkning")
YEAR_END_RUN_RATE = "Forventet årsresultat (fremskrivning)"  # the budget table's run-rate
YEAR_END_CHOSEN = "Forventet årsresultat (valgte metoder)"  # the forecast's chosen methods


def level_of(text: str) -> Level | None:
    """A level from its code (``directorate``) or its address (``direktion``)."""
    value = (text or "").strip().lower()
    for level, slug in LEVEL_SLUGS.items():
        if value in (level.value, slug):
            return level
    return None


def _name(month: Month) -> str:
    return f"{month.year}-{month.month:02d}"


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


# --- totals and trend ----------------------------------------------------------------------------


def totals_table(rows: Sequence[AreaTotal], month: Month) -> DataTable:
    """Each area's expenditure, January to the month, against the same months last year."""
    last = month.year - 1
    columns = [
        AREA, Column("actual", f"Udgift jan.–{DANISH_MONTHS[month.month - 1][:3]}. {month.year}",
                     "money"),
        Column("last_year", f"Samme måneder {last}", "money"),
        Column("change", "Ændring (kr.)", "money"), Column("change_share", "Ændring", "share"),
    ]  # fmt: skip
    shown = [{"name": r.name, "actual": r.actual, "last_year": r.last_year, "change": r.change,
              "change_share": r.change_share} for r in rows]  # fmt: skip
    notes = ["Kommunens driftsudgift (dranst 1, brutto) pr. sektorområde fra finanssystemet, "
             "som budgetsiderne viser den; intet tal her er pr. borger."]  # fmt: skip
    if rows and rows[-1].last_year is None:
        notes.append(f"Data dækker ikke {last}; sammenligningen med sidste år mangler.")
    return DataTable(f"Udgift pr. sektorområde {month.danish()}", columns, shown,
                     f"noegletal-udgift-{_name(month)}", notes, name="udgift")  # fmt: skip


def trend_table(rows: Sequence[TrendRow], month: Month) -> DataTable:
    """The municipality's expenditure month by month, this year and last, with the lines."""
    this, last = str(month.year), str(month.year - 1)
    columns = [Column("month_name", "Måned i året"), Column("this_year", this, "money"),
               Column("last_year", last, "money")]  # fmt: skip
    shown = [{"month_name": r.name, "this_year": r.this_year, "last_year": r.last_year}
             for r in rows]  # fmt: skip
    points = [
        {"month_name": r.name, "year": year, "amount": _float(value)}
        for year, attribute in ((last, "last_year"), (this, "this_year"))
        for r in rows
        if (value := getattr(r, attribute)) is not None
    ]
    table = DataTable(f"Udvikling måned for måned {this} mod {last}", columns, shown,
                      f"noegletal-udvikling-{_name(month)}", name="udvikling")  # fmt: skip
    if points:
        table.chart = Chart("ordered", f"Udgift pr. måned {this} og {last}", points,
                            "month_name", "amount", "Måned i året", KR, series="year",
                            series_title="År")  # fmt: skip
    return table


# --- budget against actual -----------------------------------------------------------------------


def budget_table(areas: Sequence[AreaYear], total: AreaYear, month: Month) -> DataTable:
    """Each area's budget, its actual to the month, the budget to the month and the run-rate
    year end with its deviation (positive: an overspend), and the bars of budget and year end."""
    columns = [
        AREA, Column("budget", "Budget", "money"), Column("actual", "Forbrug til dato", "money"),
        Column("budget_ytd", "Budget til dato", "money"),
        Column("year_end", YEAR_END_RUN_RATE, "money"),
        Column("deviation", "Forventet afvigelse", "money"),
        Column("used_share", "Forbrugt af budget", "share"),
    ]  # fmt: skip
    shown = [{"name": a.name, "budget": a.budget, "actual": a.actual_ytd,
              "budget_ytd": a.budget_ytd, "year_end": a.year_end, "deviation": a.deviation,
              "used_share": a.used_share} for a in (*areas, total)]  # fmt: skip
    bars = [
        {"name": a.name, "figure": figure, "amount": float(value)}
        for a in areas if a.budget is not None and a.year_end is not None
        for figure, value in (("Budget", a.budget), (YEAR_END_RUN_RATE, a.year_end))
    ]  # fmt: skip
    notes = [f"{YEAR_END_RUN_RATE}: forbruget til dato divideret med månederne med data gange "
             "12, afrundet til øre for hvert sektorområde og for «I alt» for sig. En positiv "
             "afvigelse er et forventet merforbrug.",
             f"Prognosen viser «{YEAR_END_CHOSEN}» med hver indsatstypes valgte metode; dens "
             "fremskrivning afrunder resten af året pr. indsatstype og lægger sammen, så den kan "
             "afvige med få øre fra tallet her."]  # fmt: skip
    table = DataTable(f"Budget mod forbrug {month.danish()}", columns, shown,
                      f"noegletal-budget-{_name(month)}", notes, name="budget")  # fmt: skip
    if bars:
        table.chart = Chart("bar", f"Budget og forventet årsresultat {month.year}", bars,
                            "name", "amount", "Sektorområde", KR, series="figure",
                            series_title="Tal")  # fmt: skip
    return table


# --- cost per citizen, intake and outflow --------------------------------------------------------


def cost_table(rows: Sequence[CitizenCost], month: Month) -> DataTable:
    columns = [AREA, Column("citizens", "Borgere med træk", "int"),
               Column("draw", "Ressourcetræk", "money"),
               Column("per_citizen", "Træk pr. borger", "money"), NOTE]  # fmt: skip
    shown = [{"name": TOTAL if r.sector_area == TOTAL else r.name, "citizens": r.citizens,
              "draw": r.draw, "per_citizen": r.per_citizen, "note": r.note}
             for r in rows]  # fmt: skip
    notes = [
        "Ressourcetrækket (CPR-registreret og individfordelt) fra januar til og med "
        f"{month.danish()} divideret med de borgere, der har træk på området.",
        TABLE_NOTE,
    ]
    return DataTable(f"Udgift pr. borger {month.danish()}", columns, shown,
                     f"noegletal-pr-borger-{_name(month)}", notes, name="pr_borger")  # fmt: skip


@dataclass(frozen=True)
class FlowTexts:
    """What a flow table counts: its title, name, headings and the bars' series."""

    title: str
    name: str
    started_citizens: str
    started: str
    ended_citizens: str
    ended: str
    series: tuple[str, str]
    chart: str


CASES = FlowTexts("Tilgang og afgang af sager", "tilgang", "Borgere, ny indsats",
                  "Påbegyndte indsatser", "Borgere, afsluttet indsats", "Afsluttede indsatser",
                  ("Ny indsats", "Afsluttet indsats"),
                  "Borgere med ny og afsluttet indsats")  # fmt: skip
ENROLMENTS = FlowTexts("Ind- og udskrivning i de tværgående løsninger", "indskrivning",
                       "Borgere/familier indskrevet", "Indskrivninger",
                       "Borgere/familier udskrevet", "Udskrivninger", ("Indskrevet", "Udskrevet"),
                       "Indskrevne og udskrevne i løsningerne")  # fmt: skip


def flow_table(rows: Sequence[Flow], month: Month, texts: FlowTexts = CASES) -> DataTable:
    """Per month who started and who ended (an activity, an enrolment), with the grouped bars."""
    columns = [
        Column("month", "Måned", "month"), Column("started_citizens", texts.started_citizens,
                                                  "int"),
        Column("started", texts.started, "int"),
        Column("ended_citizens", texts.ended_citizens, "int"),
        Column("ended", texts.ended, "int"), NOTE,
    ]  # fmt: skip
    shown = [{"month": r.month, "started_citizens": r.started_citizens, "started": r.started,
              "ended_citizens": r.ended_citizens, "ended": r.ended,
              "note": r.started_note or r.ended_note} for r in rows]  # fmt: skip
    bars = [
        {"month_name": DANISH_MONTHS[int(r.month[5:]) - 1], "flow": label, "citizens": value}
        for r in rows if r.month != TOTAL
        for label, value in zip(texts.series, (r.started_citizens, r.ended_citizens), strict=True)
        if value is not None
    ]  # fmt: skip
    table = DataTable(f"{texts.title} {month.year}", columns, shown,
                      f"noegletal-{texts.name}-{_name(month)}", [TABLE_NOTE],
                      name=texts.name)  # fmt: skip
    if bars and any(b["citizens"] for b in bars):
        table.chart = Chart("bar", f"{texts.chart} {month.year}", bars, "month_name",
                            "citizens", "Måned i året", "Antal", series="flow",
                            series_title="Bevægelse")  # fmt: skip
    return table


# --- the caseworker's cases ----------------------------------------------------------------------


def cases_table(found: Caseload) -> DataTable:
    columns = [
        Column("citizen", "Borger (pseudonym)"), Column("intervention", "Indsats"),
        Column("name", "Indsatsens navn"), Column("start_date", "Start", "date"),
        Column("end_date", "Slut", "date"), Column("new", "Ny i måneden", "bool"),
        Column("ending", "Afsluttet i måneden", "bool"),
    ]  # fmt: skip
    shown: list[dict[str, Any]] = [
        {"citizen": c.citizen, "intervention": c.intervention, "name": c.name,
         "start_date": c.start_date, "end_date": c.end_date, "new": c.new, "ending": c.ending}
        for c in found.cases
    ]  # fmt: skip
    notes = [f"Dine sager: aktiviteter med sagsbehandler «{found.code}», åbne i "
             f"{found.month.danish()}. Hver visning logges."]  # fmt: skip
    if found.without_basis:
        notes.append(f"{found.without_basis} borger(e) vises ikke, fordi der ikke er "
                     "registreret et gældende grundlag for dem. Registrér grundlaget under "
                     "Borgere.")  # fmt: skip
    table = DataTable(f"Mine sager {found.month.danish()}", columns, shown,
                      f"noegletal-mine-sager-{_name(found.month)}", notes,
                      name="sager")  # fmt: skip
    points = [{"month_name": DANISH_MONTHS[int(m[5:]) - 1], "series": "Åbne sager",
               "open": n} for m, n in found.per_month]  # fmt: skip
    if points:
        table.chart = Chart("ordered", f"Mine åbne sager pr. måned {found.month.year}", points,
                            "month_name", "open", "Måned i året", "Sager", series="series",
                            series_title="Sager")  # fmt: skip
    return table
