"""The draw's charts, declared once (:class:`~tvaers.core.publication.Chart`): the web draws them
with Vega-Lite, every Excel workbook (page download or ``tvaers … --format xlsx``) natively."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from tvaers.core.publication import Chart

POPULATION = "Andel af enhederne (billigste først)"
COST = "Andel af udgiften"


def lorenz_rows(curves: Mapping[str, Sequence[tuple[float, float]]]) -> list[dict[str, Any]]:
    """``level, population_share, cost_share`` for every curve with more than its origin (each
    point a step of at least five units, as the service published it)."""
    return [
        {"level": level, "population_share": _share(x), "cost_share": _share(y)}
        for level, points in curves.items()
        if len(points) > 1
        for x, y in points
    ]


def _share(value: float) -> float:
    """A share between 0 and 1 (a rounding residue just outside shows as 0 or 1)."""
    return min(1.0, max(0.0, float(value)))


def lorenz(rows: list[dict[str, Any]], title: str) -> Chart | None:
    """The Lorenz curves of :func:`lorenz_rows` with the line of equality; None without rows."""
    if not rows:
        return None
    return Chart(
        "lorenz", title, rows, "population_share", "cost_share", POPULATION, COST, series="level"
    )


def timeline(rows: list[dict[str, Any]], title: str) -> Chart | None:
    """Activities over time: ``label`` (member and intervention), ``member``, ``intervention``,
    ``start`` and ``end`` (ISO dates); None without rows."""
    if not rows:
        return None
    return Chart(
        "timeline", title, rows, "label", "start", "Borger og indsats", "Periode",
        series="member", end="end",
    )  # fmt: skip


def area_bars(rows: list[dict[str, Any]], title: str, decimals: int = 0) -> Chart | None:
    """Millions of kroner per sector area (``name``, ``millions``), published areas only."""
    if not rows:
        return None
    return Chart(
        "bar", title, rows, "name", "millions", "Sektorområde", "Mio. kr.", decimals=decimals
    )


def monthly_lines(rows: list[dict[str, Any]], title: str, value_title: str) -> Chart | None:
    """Per sector area (``name``) and month (``month``, ``YYYY-MM``) a ``value`` with the
    area's ``reference`` level (e.g. its baseline) to compare with; None without rows."""
    if not rows:
        return None
    return Chart(
        "lines", title, rows, "month", "value", "Måned", value_title,
        series="name", reference="reference",
    )  # fmt: skip
