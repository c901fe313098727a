"""The total resource draw (issue 4): the municipality's overview (statistical, suppressed) and a
family's draw (person-level: casework purpose, role and a recorded basis; logged once per view).

Both pages sit on :mod:`tvaers.draw.service`; the figures shown are the service's figures. The
overview's published aggregates are cached per loaded import, year and configuration
(:mod:`tvaers.draw.cache`), so a second view does not recompute the attribution.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from itertools import pairwise
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from ibis import _
from ibis.backends.duckdb import Backend
from sqlalchemy.orm import Session

from tvaers import access
from tvaers.access import Actor
from tvaers.core.errors import NoData
from tvaers.core.periods import Month
from tvaers.draw import cache, service
from tvaers.draw.attribution import Attribution, data_span
from tvaers.draw.model import LABELS, SMALL_CELL, TOTAL_AREA, Period, Reason, Unit
from tvaers.web.charts import lorenz_chart, timeline_chart
from tvaers.web.deps import db, render, settings_of, viewer
from tvaers.web.tables import Column, DataTable, excel_response, wants_excel
from tvaers.web.texts import T

router = APIRouter(prefix="/ressourcetraek")

TOTAL_LABEL = "I alt"
SUPPRESSED_NOTE = f"Skjult: færre end {SMALL_CELL} borgere eller familier"


def _label(value: str) -> str:
    return TOTAL_LABEL if value == TOTAL_AREA else value


def _count(value: int | None) -> int | None:
    """A published count; a count of 1-4 never leaves this module (the service already hides
    them; this is the last guard)."""
    if value is not None and 0 < value < SMALL_CELL:
        return None
    return value


def _gini(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(f"{value:.3f}")


def _share(value: float | None) -> float | None:
    """A share between 0 and 1; a rounding residue just outside (-0,0 %) shows as 0 or 1."""
    if value is None:
        return None
    return min(1.0, max(0.0, float(value)))


def _month(value: str) -> str:
    """``2025-03`` as «marts 2025»; the total stays «I alt»."""
    return TOTAL_LABEL if value == TOTAL_AREA else Month.parse(value).danish()


def _period(value: str) -> str:
    """A cached ``2025-01..2025-12`` as «januar – december 2025»."""
    first, _, last = value.partition("..")
    try:
        return str(T.period(Period(Month.parse(first), Month.parse(last or first))))
    except ValueError:
        return value


def _lorenz_at(points: list[list[float]], x: float) -> float | None:
    """The Lorenz curve (straight between its published points) at the share ``x``."""
    for (x0, y0), (x1, y1) in pairwise(points):
        if x0 <= x <= x1:
            return y0 if x1 == x0 else y0 + (y1 - y0) * (x - x0) / (x1 - x0)
    return None


def _without_empty_notes(table: DataTable) -> DataTable:
    """The page's table without the «Bemærkning» column when no row has a note."""
    if any(row.get("note") for row in table.rows):
        return table
    table.columns = [c for c in table.columns if c.key != "note"]
    return table


def _years(backend: Backend) -> list[int]:
    first, last = data_span(backend)
    return list(range(first.year, last.year + 1))


def _choose_year(backend: Backend, year: int | None) -> tuple[int, list[int]]:
    years = _years(backend)
    return (year if year in years else service.latest_full_year(backend)), years


def _area_names(attribution: Attribution) -> dict[str, str]:
    rows = attribution.table("sector_areas").select("sector_area", "name").to_pyarrow()
    return {r["sector_area"]: r["name"] for r in rows.to_pylist()}


# --- the overview -----------------------------------------------------------------------------


@dataclass
class Overview:
    year: int
    period: str
    tables: dict[str, DataTable] = field(default_factory=dict)  # the Excel exports, in full
    page: dict[str, DataTable] = field(default_factory=dict)  # the shorter tables on the page
    lorenz: dict[str, Any] | None = None


OVERVIEW_CACHE = "oversigt"


def published(attribution: Attribution, config: service.DrawConfig) -> dict[str, Any]:
    """Everything the overview shows, as the service publishes it: suppressed aggregates, with
    codes rather than Danish labels. This (and nothing person-level) is what the cache holds."""
    concentration: dict[str, Any] = {}
    for unit in Unit:  # citizen and family
        c = service.concentration(attribution, unit)
        units = _count(c.units)
        concentration[unit.value] = {
            "units": units,
            "total": c.total if units is not None else None,
            "top_1_share": c.top_1_share,
            "top_3_share": c.top_3_share,
            "top_10_share": c.top_10_share,
            "gini": c.gini,
            "lorenz": [[x, y] for x, y in c.lorenz],  # at most 101 points
            "by_areas": [dict(r, units=_count(r["units"])) for r in c.by_areas],
        }
    found = service.contacts(attribution, config.overlaps)
    return {
        "period": str(attribution.period),
        "names": _area_names(attribution),
        "coverage": [
            dict(r, citizens=_count(r["citizens"])) for r in service.coverage_published(attribution)
        ],
        "area_month": [
            dict(r, citizens=_count(r["citizens"])) for r in service.draw_by_area(attribution)
        ],
        "concentration": concentration,
        "contacts": [dict(r, units=_count(r["units"])) for r in found["distribution"]],
        "overlaps": [
            dict(r, citizens=_count(r["citizens"]), families=_count(r["families"]))
            for r in found["overlaps"]
        ],
    }


def overview_figures(attribution: Attribution, year: int, config: service.DrawConfig) -> Overview:
    """Every table of the overview page, computed now (the page itself reads the cache)."""
    return overview_from(published(attribution, config), year)


def overview_from(figures: dict[str, Any], year: int) -> Overview:
    """Every table of the overview page from the published aggregates (:func:`published`)."""
    names: dict[str, str] = figures["names"]
    result = Overview(year=year, period=_period(figures["period"]))
    reasons = [r.value for r in Reason]
    full = DataTable(
        title=f"{T.draw['coverage']} {year}",
        columns=[
            Column("name", "Sektorområde"),
            Column("expenditure", "Udgift", "money"),
            Column("registered", "CPR-registreret", "money"),
            Column("pooled", "Fordelt pulje", "money"),
            Column("priced", "Beregnet (pris × enheder)", "money"),
            Column("attributed", "Individfordelt i alt", "money"),
            Column("unattributed", "Ikke fordelt", "money"),
            Column("coverage", "Dækningsgrad", "share"),
            *(Column(r, LABELS[r].capitalize(), "money") for r in reasons),
            Column("citizens", "Borgere med henført udgift", "int"),
            Column("note", "Bemærkning"),
        ],
        rows=figures["coverage"],
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
    total_row = next((r for r in figures["coverage"] if r["sector_area"] == TOTAL_AREA), None)
    present = [r for r in reasons if total_row is None or (total_row.get(r) or 0) != 0]
    result.tables["unattributed"] = _without_empty_notes(
        DataTable(
            title=f"{T.draw['unattributed']} {year}",
            columns=[
                Column("name", "Sektorområde"),
                *(Column(r, T.draw_reasons[r], "money") for r in present),
                Column("unattributed", "Ikke fordelt i alt", "money"),
                Column("note", "Bemærkning"),
            ],
            rows=[
                r
                for r in figures["coverage"]
                if r["unattributed"] is None
                or r["unattributed"] != 0
                or r["sector_area"] == TOTAL_AREA
            ],
            filename=f"ressourcetraek-ikke-fordelt-{year}",
            notes=[T.draw["unattributed_hint"]],
        )
    )
    area_rows = [
        {
            **r,
            "name": names.get(r["sector_area"], _label(r["sector_area"])),
            "month": _month(r["month"]),
        }
        for r in figures["area_month"]
    ]
    month_columns = [
        Column("citizens", "Borgere", "int"),
        Column("registered", "CPR-registreret", "money"),
        Column("attributed", "Individfordelt", "money"),
        Column("total", "I alt", "money"),
        Column("note", "Bemærkning"),
    ]
    result.tables["area_month"] = DataTable(
        title=f"{T.draw['area_month']} {year}",
        columns=[Column("name", "Sektorområde"), Column("month", "Måned"), *month_columns],
        rows=area_rows,
        filename=f"ressourcetraek-omraade-maaned-{year}",
        notes=[T.draw["area_month_hint"], T.suppressed_note],
    )
    result.page["area_total"] = _without_empty_notes(
        DataTable(
            title=f"{T.draw['area_total']} {year}",
            columns=[Column("name", "Sektorområde"), *month_columns],
            rows=[r for r in area_rows if r["month"] == TOTAL_LABEL],
            filename=f"ressourcetraek-omraade-maaned-{year}",
            notes=[T.draw["area_month_hint"], T.suppressed_note],
        )
    )
    concentration_rows: list[dict[str, Any]] = []
    lorenz_rows: list[dict[str, Any]] = []
    lorenz_short: list[dict[str, Any]] = [{"population_share": k / 10} for k in range(11)]
    by_areas_rows: list[dict[str, Any]] = []
    for unit in Unit:  # citizen and family
        c = figures["concentration"][unit.value]
        level = T.levels[unit.value]
        concentration_rows.append(
            {
                "level": level,
                "units": c["units"],
                "total": c["total"],
                "top_1_share": _share(c["top_1_share"]),
                "top_3_share": _share(c["top_3_share"]),
                "top_10_share": _share(c["top_10_share"]),
                "gini": _gini(c["gini"]),
                "note": None if c["units"] is not None else SUPPRESSED_NOTE,
            }
        )
        if len(c["lorenz"]) > 1:
            lorenz_rows += [
                {"level": level, "population_share": _share(x), "cost_share": _share(y)}
                for x, y in c["lorenz"]
            ]
            for k, row in enumerate(lorenz_short):
                row[unit.value] = _share(_lorenz_at(c["lorenz"], k / 10))
        by_areas_rows += [
            {
                "level": level,
                "areas": _label(r["areas"]),
                "units": r["units"],
                "cost": r["cost"],
                "share": _share(r["share"]),
                "note": r["note"],
            }
            for r in c["by_areas"]
        ]
    result.tables["concentration"] = DataTable(
        title=f"{T.draw['concentration']} {year}",
        columns=[
            Column("level", "Niveau"),
            Column("units", "Antal i kommunen", "int"),
            Column("total", "Udgift i alt", "money"),
            Column("top_1_share", "Andel, dyreste 1\u00a0%", "share"),
            Column("top_3_share", "Andel, dyreste 3\u00a0%", "share"),
            Column("top_10_share", "Andel, dyreste 10\u00a0%", "share"),
            Column("gini", "Gini", "decimal"),
            Column("note", "Bemærkning"),
        ],
        rows=concentration_rows,
        filename=f"ressourcetraek-koncentration-{year}",
        notes=[
            T.draw["concentration_hint"],
            f"En andel er skjult (—), når den ville beskrive færre end {SMALL_CELL} borgere "
            "eller familier.",
        ],
    )
    lorenz = DataTable(
        title=f"{T.draw['lorenz']} {year}",
        columns=[
            Column("level", "Niveau"),
            Column("population_share", "Andel af enhederne (billigste først)", "share"),
            Column("cost_share", "Andel af udgiften", "share"),
        ],
        rows=lorenz_rows,
        filename=f"ressourcetraek-lorenz-{year}",
        notes=[f"Kurven har højst 100 trin på mindst {SMALL_CELL} borgere eller familier."],
    )
    if lorenz_rows:
        result.lorenz = lorenz_chart(lorenz_rows, title=f"{T.draw['lorenz']} {year}")
        lorenz.chart = result.lorenz
    result.tables["lorenz"] = lorenz
    result.page["lorenz"] = DataTable(
        title=f"{T.draw['lorenz']} {year}, trin på 10\u00a0%",
        columns=[
            Column("population_share", "Andel af enhederne (billigste først)", "share"),
            Column(
                Unit.CITIZEN.value, f"Andel af udgiften, {T.levels['citizen'].lower()}", "share"
            ),
            Column(Unit.FAMILY.value, f"Andel af udgiften, {T.levels['family'].lower()}", "share"),
        ],
        rows=lorenz_short if lorenz_rows else [],
        filename=lorenz.filename,
        notes=[T.draw["lorenz_hint"]],
    )
    result.tables["by_areas"] = DataTable(
        title=f"{T.draw['by_areas']} {year}",
        columns=[
            Column("level", "Niveau"),
            Column("areas", "Antal sektorområder"),
            Column("units", "Antal", "int"),
            Column("cost", "Udgift", "money"),
            Column("share", "Andel af udgiften", "share"),
            Column("note", "Bemærkning"),
        ],
        rows=by_areas_rows,
        filename=f"ressourcetraek-antal-omraader-{year}",
        notes=[T.suppressed_note],
    )
    result.tables["contacts"] = DataTable(
        title=f"{T.draw['contacts']} {year}",
        columns=[
            Column("level", "Niveau"),
            Column("measure", "Mål"),
            Column("group", "Antal kontaktpunkter"),
            Column("units", "Borgere/familier", "int"),
            Column("note", "Bemærkning"),
        ],
        rows=[
            {
                "level": T.levels[r["level"]],
                "measure": T.contact_measures.get(r["measure"], r["measure"]),
                "group": _label(r["group"]),
                "units": r["units"],
                "note": r["note"],
            }
            for r in figures["contacts"]
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
            Column("note", "Bemærkning"),
        ],
        rows=figures["overlaps"],
        filename=f"ressourcetraek-overlap-{year}",
        notes=[
            "Udgiften i overlap er trækket på reglens indsatser i de måneder, overlappet berører.",
            T.suppressed_note,
        ],
    )
    return result


@router.get("", response_class=HTMLResponse)
def overview(request: Request, year: int | None = None, who: Actor = Depends(viewer)) -> Response:
    settings = settings_of(request)
    try:
        with service.session(settings) as backend:
            chosen, years = _choose_year(backend, year)
            config = service.load_config(settings)
            document = cache.cached(
                settings,
                backend,
                OVERVIEW_CACHE,
                chosen,
                cache.config_fingerprint(config.attribution, config.overlaps),
                lambda: published(service.run(backend, chosen, config), config),
            )
        figures = overview_from(document, chosen)
    except NoData:
        return render(request, "draw/overview.html", who, figures=None, years=[], year=None)
    if wants_excel(request):
        table = figures.tables.get(request.query_params.get("table", "coverage"))
        if table is None:
            raise HTTPException(404)
        return excel_response(table)
    return render(
        request, "draw/overview.html", who, figures=figures, years=years, year=figures.year
    )


# --- a family ---------------------------------------------------------------------------------


def _members(backend: Backend, family: str) -> list[dict[str, Any]]:
    citizens = backend.table("citizens")
    return list(
        citizens.filter(citizens.family == family)
        .select("citizen", "birth_date")
        .order_by("citizen")
        .to_pyarrow()
        .to_pylist()
    )


def _activities(backend: Backend, members: list[str], last: date) -> list[dict[str, Any]]:
    acts = backend.table("activities")
    interventions = backend.table("interventions").select(
        iv="intervention", iv_name="name", iv_area="sector_area"
    )
    joined = (
        acts.filter(acts.citizen.isin(members))
        .left_join(interventions, acts.intervention == interventions.iv)
        .select(
            "citizen",
            "intervention",
            "start_date",
            "end_date",
            "caseworker",
            "decided_by",
            name=_.iv_name,
            sector_area=_.iv_area,
        )
        .order_by(["citizen", "start_date", "intervention"])
    )
    rows = list(joined.to_pyarrow().to_pylist())
    for row in rows:
        row["ongoing"] = row["end_date"] is None
        row["shown_end"] = row["end_date"] or max(last, row["start_date"])
    return rows


@dataclass
class FamilyDraw:
    family: str
    year: int
    period: str
    members: list[str]
    tables: dict[str, DataTable]
    timeline: dict[str, Any] | None
    total: Decimal


def family_figures(
    backend: Backend, attribution: Attribution, family: str, members: list[str], year: int
) -> FamilyDraw:
    names = _area_names(attribution)
    member_rows = service.draw_rows(attribution, Unit.CITIZEN, only=members).to_pylist()
    for row in member_rows:
        row["name"] = names.get(row["sector_area"], row["sector_area"])
    family_rows = service.draw_rows(attribution, Unit.FAMILY, only=[family]).to_pylist()
    per_area: dict[str, dict[str, Any]] = {}
    money = ("registered", "pooled", "priced", "attributed", "total")
    for row in family_rows:  # a few areas x months
        area = per_area.setdefault(
            row["sector_area"],
            {"name": names.get(row["sector_area"], row["sector_area"])}
            | {m: Decimal("0.00") for m in money},
        )
        for m in money:
            area[m] += row[m]
    grand: dict[str, Any] = {"name": TOTAL_LABEL} | {
        m: sum((a[m] for a in per_area.values()), Decimal("0.00")) for m in money
    }
    per_member = {m: Decimal("0.00") for m in members}
    for row in member_rows:
        per_member[row["citizen"]] += row["total"]
    money_columns = [
        Column("registered", "CPR-registreret", "money"),
        Column("pooled", "Fordelt pulje", "money"),
        Column("priced", "Beregnet", "money"),
        Column("attributed", "Individfordelt", "money"),
        Column("total", "I alt", "money"),
    ]
    short = family[:14]
    tables = {
        "members": DataTable(
            title=f"{T.draw['members']} {year}",
            columns=[Column("citizen", "Borger (pseudonym)"), Column("total", "I alt", "money")],
            rows=[{"citizen": m, "total": per_member[m]} for m in members]
            + [{"citizen": TOTAL_LABEL, "total": grand["total"]}],
            filename=f"familie-{short}-medlemmer-{year}",
        ),
        "family": DataTable(
            title=f"{T.draw['family_total']} {year}",
            columns=[Column("name", "Sektorområde"), *money_columns],
            rows=[*sorted(per_area.values(), key=lambda a: -a["total"]), grand],
            filename=f"familie-{short}-omraader-{year}",
        ),
        "draw": DataTable(
            title=f"{T.draw['member_draw']} {year}",
            columns=[
                Column("citizen", "Borger (pseudonym)"),
                Column("name", "Sektorområde"),
                Column("month", "Måned"),
                *money_columns,
            ],
            rows=member_rows,
            filename=f"familie-{short}-traek-{year}",
        ),
    }
    _, last = data_span(backend)
    activities = _activities(backend, members, last)
    for row in activities:
        row["area"] = names.get(row["sector_area"], row["sector_area"])
        row["end_shown"] = T.draw["ongoing"] if row["ongoing"] else row["end_date"]
    tables["activities"] = DataTable(
        title=T.draw["activities"],
        columns=[
            Column("citizen", "Borger (pseudonym)"),
            Column("intervention", "Indsats"),
            Column("name", "Navn"),
            Column("area", "Sektorområde"),
            Column("start_date", "Start", "date"),
            Column("end_shown", "Slut", "date"),
            Column("caseworker", "Sagsbehandler"),
            Column("decided_by", "Bevilget af"),
        ],
        rows=activities,
        filename=f"familie-{short}-indsatser",
    )
    timeline_rows = [
        {
            "label": f"{r['citizen'][:8]} · {r['name'] or r['intervention']}",
            "member": r["citizen"][:8],
            "intervention": r["name"] or r["intervention"],
            "start": r["start_date"].isoformat(),
            "end": r["shown_end"].isoformat(),
        }
        for r in activities
    ]
    timeline = timeline_chart(timeline_rows, title=T.draw["timeline"]) if timeline_rows else None
    tables["activities"].chart = timeline
    return FamilyDraw(
        family=family,
        year=year,
        period=str(attribution.period),
        members=members,
        tables=tables,
        timeline=timeline,
        total=grand["total"],
    )


@router.get("/familie/{family}", response_class=HTMLResponse)
def family_page(
    request: Request,
    family: str,
    year: int | None = None,
    who: Actor = Depends(viewer),
    session: Session = Depends(db, scope="function"),
) -> Response:
    settings = settings_of(request)
    export = wants_excel(request)
    try:
        with service.session(settings) as backend:
            members = [m["citizen"] for m in _members(backend, family)]
            if not members:
                access.require_casework(who)
                raise HTTPException(404)
            # a basis for one member makes the view lawful; the entry names that member
            action = "familie_traek_eksporteret" if export else "familie_traek_vist"
            table_key = request.query_params.get("table", "draw") if export else None
            basis, holder = access.family(session, who, members, action, {"familie": family})
            chosen, years = _choose_year(backend, year)
            config = service.load_config(settings)
            attribution = service.run(backend, chosen, config)
            figures = family_figures(backend, attribution, family, members, chosen)
    except NoData as exc:
        raise HTTPException(404) from exc
    if export:
        table = figures.tables.get(table_key or "draw", figures.tables["draw"])
        return excel_response(table)
    return render(
        request,
        "draw/family.html",
        who,
        figures=figures,
        basis=basis,
        holder=holder,
        years=years,
        year=chosen,
    )
