"""The target group's chart, declared once for the page and every Excel workbook."""

from __future__ import annotations

from tvaers.core.publication import Chart
from tvaers.core.units import TOTAL_AREA
from tvaers.draw import charts
from tvaers.selection.statistics import Summary


def area_chart(summary: Summary) -> Chart | None:
    """The group's cost per sector area in millions (published areas only; a hidden area is
    not drawn), or None when every area is hidden."""
    rows = [
        {"name": r["name"], "millions": round(float(r["cost"]) / 1_000_000, 2)}
        for r in summary.cost_by_area
        if r["sector_area"] != TOTAL_AREA and r["cost"] is not None
    ]
    title = f"Udgift pr. sektorområde {summary.window.danish()} (mio. kr.)"
    return charts.area_bars(rows, title, decimals=1)  # a group's millions are few
