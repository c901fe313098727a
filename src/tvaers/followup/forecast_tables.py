"""The forecast's and the back-test's tables and charts, declared once (the publication model):
the page, the command's CSV/JSON/Excel and the monthly report render them.

Furesø's figure 6.2 is :func:`months_table`'s chart: this year's spend month by month
(cumulative) to the as-of month, the forecast from there to December, and last year's line for
the same citizens. The forecast's rest is spread over the remaining months in proportion to last
year's amounts in them (evenly when those are not positive), exactly: the line ends at the year
end to the øre.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from tvaers.core.money import from_ore, split_largest_remainder, to_ore
from tvaers.core.publication import Chart, Column, DataTable
from tvaers.followup.forecast_service import Backtest, Forecast, ForecastRow, MonthPoint
from tvaers.followup.model import METHOD_LABELS, METHODS, Method, percent

ZERO = Decimal("0.00")
NO_INTERVENTION = "(uden indsats)"
TOTAL_LABEL = "I alt"
THIS_YEAR, LAST_YEAR, FORECAST = "I år, realiseret", "Sidste år", "Prognose"


def method_label(code: str) -> str:
    return METHOD_LABELS[Method(code)] if code in {m.value for m in METHODS} else "Valgt pr. type"


def _names(row: ForecastRow, areas: Mapping[str, str], items: Mapping[str, str]) -> dict[str, str]:
    if not row.sector_area:
        return {"area_name": TOTAL_LABEL, "intervention_name": ""}
    code = row.intervention
    return {
        "area_name": areas.get(row.sector_area, row.sector_area),
        "intervention_name": (items.get(code, code) if code else NO_INTERVENTION),
    }


def forecast_rows(
    found: Forecast, areas: Mapping[str, str], items: Mapping[str, str]
) -> list[dict[str, Any]]:
    """One row per intervention type and the total, with every method's year end."""
    out = []
    for row in (*found.rows, found.total):
        ends = row.year_ends or {}
        difference = (None if row.year_end is None or row.last_year is None
                      else row.year_end - row.last_year)  # fmt: skip
        out.append({
            "sector_area": row.sector_area, "intervention": row.intervention,
            **_names(row, areas, items), "method": method_label(row.method),
            "realised": row.realised, "forecast_rest": row.forecast_rest,
            "year_end": row.year_end, "last_year": row.last_year, "difference": difference,
            **{f"year_end_{m.value}": ends.get(m.value) for m in METHODS},
            "citizens": row.citizens, "note": row.note or "",
        })  # fmt: skip
    return out


FORECAST_COLUMNS = [
    Column("area_name", "Sektorområde"),
    Column("intervention_name", "Indsatstype"),
    Column("method", "Metode"),
    Column("realised", "Realiseret til dato", "money"),
    Column("forecast_rest", "Prognose for resten af året", "money"),
    Column("year_end", "Forventet årsresultat", "money"),
    Column("last_year", "Sidste år", "money"),
    Column("difference", "Forskel til sidste år", "money"),
    *[Column(f"year_end_{m.value}", f"Årsresultat: {METHOD_LABELS[m]}", "money") for m in METHODS],
    Column("note", "Bemærkning"),
]


def forecast_table(
    found: Forecast, areas: Mapping[str, str], items: Mapping[str, str], notes: list[str]
) -> DataTable:
    rows = forecast_rows(found, areas, items)
    per_area: dict[str, dict[str, Decimal]] = {}
    for row in found.rows:
        if row.year_end is None or row.last_year is None:
            continue
        into = per_area.setdefault(areas.get(row.sector_area, row.sector_area),
                                   {FORECAST: ZERO, LAST_YEAR: ZERO})  # fmt: skip
        into[FORECAST] += row.year_end
        into[LAST_YEAR] += row.last_year
    chart_rows = [{"area": a, "series": s, "amount": float(v)}
                  for a, sums in sorted(per_area.items()) for s, v in sums.items()]  # fmt: skip
    chart = Chart(
        kind="bar", title=f"Forventet årsresultat {found.year} mod sidste år pr. sektorområde",
        rows=chart_rows, category="area", value="amount", category_title="Sektorområde",
        value_title="Kr.", series="series",
    )  # fmt: skip
    return DataTable(
        title=f"Årsprognose pr. {found.as_of.strftime('%d.%m.%Y')}", columns=FORECAST_COLUMNS,
        rows=rows, filename=f"prognose-{found.as_of.isoformat()}", notes=notes, chart=chart,
        name="prognose",
    )  # fmt: skip


def path(points: tuple[MonthPoint, ...], m: int, year_end: Decimal) -> dict[int, Decimal]:
    """The forecast's cumulative line from month ``m`` (the realised) to December (the year
    end), the rest spread as the module's docstring says."""
    realised = sum((p.current or ZERO for p in points if p.month <= m), ZERO)
    rest = to_ore(year_end - realised)
    later = [p for p in points if p.month > m]
    weights = [max(to_ore(p.last), 0) for p in later]
    if not any(weights):
        weights = [1] * len(later)
    parts = split_largest_remainder(rest, weights) if later else []
    line, running = {m: realised}, realised
    for p, part in zip(later, parts, strict=True):
        running += from_ore(part)
        line[p.month] = running
    return line


def months_table(found: Forecast) -> DataTable:
    """Furesø's figure 6.2: cumulative spend this year, the forecast and last year."""
    year, m = found.year, found.months_elapsed
    rows: list[dict[str, Any]] = []
    if found.months and found.total.year_end is not None:
        forecast = path(found.months, m, found.total.year_end)
        this, last = ZERO, ZERO
        for p in found.months:
            this, last = this + (p.current or ZERO), last + p.last
            month = f"{year}-{p.month:02d}"
            rows.append({"month": month, "series": LAST_YEAR, "amount": last})
            if p.current is not None:
                rows.append({"month": month, "series": THIS_YEAR, "amount": this})
            if p.month in forecast:
                rows.append({"month": month, "series": FORECAST, "amount": forecast[p.month]})
    drawn = [{**r, "amount": float(r["amount"])} for r in rows]  # the drawing needs no øre
    chart = Chart(
        kind="lines", title=f"Forbrug {year} akkumuleret: realiseret, prognose og sidste år",
        rows=drawn, category="month", value="amount", category_title="Måned",
        value_title="Kr. (akkumuleret)", series="series", series_title="Serie",
    )  # fmt: skip
    return DataTable(
        title="Forbrug måned for måned (akkumuleret)",
        columns=[Column("month", "Måned", "month"), Column("series", "Serie"),
                 Column("amount", "Kr. (akkumuleret)", "money")],
        rows=rows, filename=f"prognose-maaneder-{found.as_of.isoformat()}", chart=chart,
        name="maaneder",
    )  # fmt: skip


def backtest_rows(
    found: Backtest, areas: Mapping[str, str], items: Mapping[str, str]
) -> list[dict[str, Any]]:
    out = []
    for row in (*found.rows, found.total):
        errors = row.errors or {}
        names = (_names(ForecastRow(row.sector_area, row.intervention, row.chosen, *[None] * 6),
                        areas, items))  # fmt: skip
        out.append({
            "sector_area": row.sector_area, "intervention": row.intervention, **names,
            "actual": row.actual,
            **{f"error_{m.value}": percent(errors.get(m.value)) for m in METHODS},
            "best": method_label(row.best) if row.best else "",
            "chosen": method_label(row.chosen), "note": row.note or "",
        })  # fmt: skip
    return out


def backtest_table(
    found: Backtest, areas: Mapping[str, str], items: Mapping[str, str], notes: list[str]
) -> DataTable:
    rows = backtest_rows(found, areas, items)
    total = rows[-1]
    chart_rows = [{"method": METHOD_LABELS[m], "error": float(total[f"error_{m.value}"])}
                  for m in METHODS if total[f"error_{m.value}"] is not None]  # fmt: skip
    chart = Chart(
        kind="bar", title=f"Gennemsnitlig fejl i procent pr. metode, {found.year} i alt",
        rows=chart_rows, category="method", value="error", category_title="Metode",
        value_title="Fejl (%)", decimals=1,
    )  # fmt: skip
    return DataTable(
        title=f"Tilbagetest af prognosemetoderne på {found.year}",
        columns=[
            Column("area_name", "Sektorområde"), Column("intervention_name", "Indsatstype"),
            Column("actual", "Faktisk årsresultat", "money"),
            *[Column(f"error_{m.value}", f"Fejl: {METHOD_LABELS[m]} (%)", "decimal")
              for m in METHODS],
            Column("best", "Mindste fejl"), Column("chosen", "Valgt metode"),
            Column("note", "Bemærkning"),
        ],
        rows=rows, filename=f"prognose-tilbagetest-{found.year}", notes=notes, chart=chart,
        name="tilbagetest",
    )  # fmt: skip
