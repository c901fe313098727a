"""The web's renderer of a published :class:`~tvaers.core.publication.Chart`: a Vega-Lite spec
for vega-embed (Excel draws the same declaration as a native chart, :mod:`tvaers.reports`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tvaers.core.publication import Chart

DANISH_NUMBER = {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["", " kr."]}
MONTHS = ["januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september",
          "oktober", "november", "december"]  # fmt: skip
DAYS = ["søndag", "mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag"]
DANISH_TIME = {  # d3's time locale: month and day names on time axes in Danish
    "dateTime": "%A den %d. %B %Y %X", "date": "%d-%m-%Y", "time": "%H:%M:%S",
    "periods": ["", ""], "days": DAYS, "shortDays": [d[:3] for d in DAYS],
    "months": MONTHS, "shortMonths": [m[:3] for m in MONTHS],
}  # fmt: skip
CONFIG = {"locale": {"number": DANISH_NUMBER, "time": DANISH_TIME}, "font": "IBM Plex Sans"}


def _spec(
    title: str, height: Any, config: dict[str, Any] | None = None, **body: Any
) -> dict[str, Any]:
    """A chart as wide as its container, with Danish numbers and the design system's font
    (``config`` adds to that); ``body`` is the data, marks and encoding."""
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "title": title,
        "width": "container",
        "height": height,
        **body,
        "config": {**CONFIG, **(config or {})},
    }


def vega_lite(chart: Chart) -> dict[str, Any]:
    """The Vega-Lite spec that draws ``chart`` on the page (Excel draws it natively)."""
    return RENDERERS[chart.kind](chart)


def _bar(chart: Chart) -> dict[str, Any]:
    """A horizontal bar chart, sorted by value; the rows are already suppressed. With a
    ``series``: grouped bars, one per series within each category, in the rows' order.

    Field names must be plain identifiers: Vega-Lite reads a "." in a field as a nested path.
    """
    category, value = chart.category, chart.value
    number = ",.0f" if not chart.decimals else f",.{chart.decimals}~f"
    if chart.series:
        return _grouped_bar(chart, number)
    return _spec(
        chart.title,
        {"step": 28},
        data={"values": chart.rows},
        mark={"type": "bar", "color": "#0059b3"},
        encoding={
            "y": {"field": category, "type": "nominal", "sort": "-x",
                  "title": chart.category_title},
            "x": {"field": value, "type": "quantitative", "title": chart.value_title,
                  "axis": {"format": number, "tickCount": 8}},
            "tooltip": [
                {"field": category, "type": "nominal", "title": chart.category_title},
                {"field": value, "type": "quantitative", "title": chart.value_title,
                 "format": ",.2f"},
            ],
        },
    )  # fmt: skip


def _grouped_bar(chart: Chart, number: str) -> dict[str, Any]:
    """Bars grouped by category, one per ``series`` (e.g. the volume and the price effect of
    each intervention type), coloured by series, categories in the rows' order."""
    category, value, series = chart.category, chart.value, chart.series
    return _spec(
        chart.title,
        {"step": 20},
        data={"values": chart.rows},
        mark={"type": "bar"},
        encoding={
            "y": {"field": category, "type": "nominal", "sort": None,
                  "title": chart.category_title},
            "yOffset": {"field": series, "type": "nominal", "sort": None},
            "color": {"field": series, "type": "nominal", "sort": None,
                      "title": chart.series_title, "scale": {"range": ["#0059b3", "#e0a100"]}},
            "x": {"field": value, "type": "quantitative", "title": chart.value_title,
                  "axis": {"format": number, "tickCount": 8}},
            "tooltip": [
                {"field": category, "type": "nominal", "title": chart.category_title},
                {"field": series, "type": "nominal", "title": chart.series_title},
                {"field": value, "type": "quantitative", "title": chart.value_title,
                 "format": ",.2f"},
            ],
        },
    )  # fmt: skip


def _lorenz(chart: Chart) -> dict[str, Any]:
    """Lorenz curves (``level``, ``population_share``, ``cost_share``, shares 0..1) with the line of
    equality; the points must already respect the small-cell rule (steps of at least 5 units)."""
    axis = {"format": ".0%"}
    return _spec(
        chart.title,
        320,
        layer=[
            {
                "data": {"values": [{"x": 0, "y": 0}, {"x": 1, "y": 1}]},
                "mark": {"type": "line", "color": "#747474", "strokeDash": [4, 4]},
                "encoding": {
                    "x": {"field": "x", "type": "quantitative"},
                    "y": {"field": "y", "type": "quantitative"},
                },
            },
            {
                "data": {"values": chart.rows},
                "mark": {"type": "line", "point": True},
                "encoding": {
                    "x": {
                        "field": chart.category,
                        "type": "quantitative",
                        "title": chart.category_title,
                        "axis": axis,
                        "scale": {"domain": [0, 1]},
                    },
                    "y": {
                        "field": chart.value,
                        "type": "quantitative",
                        "title": chart.value_title,
                        "axis": axis,
                        "scale": {"domain": [0, 1]},
                    },
                    "color": {
                        "field": chart.series,
                        "type": "nominal",
                        "title": "Niveau",
                        "scale": {"range": ["#0059b3", "#b35900"]},
                    },
                    "tooltip": [
                        {"field": chart.series, "type": "nominal", "title": "Niveau"},
                        {
                            "field": chart.category,
                            "type": "quantitative",
                            "title": "Andel af enhederne",
                            "format": ".1%",
                        },
                        {
                            "field": chart.value,
                            "type": "quantitative",
                            "title": "Andel af udgiften",
                            "format": ".1%",
                        },
                    ],
                },
            },
        ],
    )


def _timeline(chart: Chart) -> dict[str, Any]:
    """A Gantt chart: one bar per ``category`` from ``value`` to ``end`` (ISO dates, ``end``
    inclusive; an ongoing activity ends where the period ends), coloured by ``series``."""
    return _spec(
        chart.title,
        {"step": 28},
        data={"values": chart.rows},
        mark={"type": "bar", "cornerRadius": 2},
        encoding={
            # the bars' labels name member and intervention: no axis title to collide with them;
            # on a phone they are cut shorter (the whole label is in the tooltip and the table)
            "y": {"field": chart.category, "type": "nominal", "title": None, "sort": None,
                  "axis": {"labelLimit": {"expr": "containerSize()[0] < 480 ? 110 : 320"}}},
            # a tick a month, each month once, labels that would overlap left out
            "x": {"field": chart.value, "type": "temporal", "title": chart.value_title,
                  "axis": {"format": "%b %Y", "labelAngle": 0, "labelOverlap": "greedy",
                           "labelFlush": True, "tickCount": {"interval": "month", "step": 1}}},
            "x2": {"field": chart.end},
            # the legend below, so that the bars keep the width on a phone
            "color": {"field": chart.series, "type": "nominal", "title": "Borger",
                      "legend": {"orient": "bottom", "direction": "vertical"}},
            "tooltip": [
                {"field": chart.series, "type": "nominal", "title": "Borger"},
                {"field": "intervention", "type": "nominal", "title": "Indsats"},
                {"field": chart.value, "type": "temporal", "title": "Start", "format": "%d-%m-%Y"},
                {"field": chart.end, "type": "temporal", "title": "Slut", "format": "%d-%m-%Y"},
            ],
        },
    )  # fmt: skip


def _lines(chart: Chart) -> dict[str, Any]:
    """One line per ``series`` over the months (``category``: ``YYYY-MM``), and its
    ``reference`` as a dashed level line in the same colour; the legend below, so that the
    chart keeps its width on a phone."""
    series, value, reference = chart.series or "", chart.value, chart.reference or chart.value
    rows = [{**r, "day": f"{r[chart.category]}-01"} for r in chart.rows]
    money = {"format": ",.0f"}
    colour = {
        "field": series,
        "type": "nominal",
        "title": None,
        "legend": {"orient": "bottom", "direction": "vertical", "labelLimit": 280},
    }
    x = {
        "field": "day",
        "type": "temporal",
        "title": chart.category_title,
        "axis": {"format": "%b %Y", "labelAngle": 0, "tickCount": 6},
    }
    tooltip = [
        {"field": series, "type": "nominal", "title": chart.series_title},
        {"field": "day", "type": "temporal", "title": "Måned", "format": "%B %Y"},
        {"field": value, "type": "quantitative", "title": chart.value_title, "format": ",.2f"},
    ]
    if chart.reference:
        tooltip.append(
            {"field": reference, "type": "quantitative", "title": "Nulpunkt", "format": ",.2f"}
        )
    return _spec(
        chart.title,
        280,
        data={"values": rows},
        layer=[
            {"mark": {"type": "line", "point": True},
             "encoding": {"x": x, "y": {"field": value, "type": "quantitative",
                                        "title": chart.value_title, "axis": money},
                          "color": colour, "tooltip": tooltip}},
            *([{"transform": [{"filter": {"field": reference, "valid": True}}],
                "mark": {"type": "line", "strokeDash": [4, 4], "opacity": 0.8},
                "encoding": {"x": x, "y": {"field": reference, "type": "quantitative"},
                             "color": colour, "detail": {"field": series}}}]
              if chart.reference else []),
        ],
    )  # fmt: skip


def _ordered(chart: Chart) -> dict[str, Any]:
    """One line per ``series`` through the categories in the rows' order (years, success
    rates), a grey rule at 0 (where a case breaks even); the legend below."""
    series = chart.series or ""
    order = list(dict.fromkeys(str(r[chart.category]) for r in chart.rows))
    rows = [{**r, chart.category: str(r[chart.category])} for r in chart.rows]
    x = {
        "field": chart.category,
        "type": "ordinal",
        "sort": order,
        "title": chart.category_title,
        "axis": {"labelAngle": 0},
    }
    colour = {
        "field": series,
        "type": "nominal",
        "title": None,
        "legend": {"orient": "bottom", "direction": "vertical", "labelLimit": 280},
    }
    tooltip = [
        {"field": series, "type": "nominal", "title": chart.series_title},
        {"field": chart.category, "type": "nominal", "title": chart.category_title},
        {
            "field": chart.value,
            "type": "quantitative",
            "title": chart.value_title,
            "format": ",.2f",
        },
    ]
    return _spec(
        chart.title,
        280,
        layer=[
            {"data": {"values": [{"zero": 0}]},
             "mark": {"type": "rule", "color": "#747474", "strokeDash": [4, 4]},
             "encoding": {"y": {"field": "zero", "type": "quantitative"}}},
            {"data": {"values": rows}, "mark": {"type": "line", "point": True},
             "encoding": {"x": x, "y": {"field": chart.value, "type": "quantitative",
                                        "title": chart.value_title, "axis": {"format": ",.0f"}},
                          "color": colour, "tooltip": tooltip}},
        ],
    )  # fmt: skip


RENDERERS: dict[str, Callable[[Chart], dict[str, Any]]] = {
    "bar": _bar,
    "lorenz": _lorenz,
    "timeline": _timeline,
    "lines": _lines,
    "ordered": _ordered,
}
