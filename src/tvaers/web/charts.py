"""Vega-Lite specs: one definition for the page (vega-embed) and for Excel/reports (PNG)."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

DANISH_NUMBER = {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["", " kr."]}
CONFIG = {"locale": {"number": DANISH_NUMBER}, "font": "IBM Plex Sans"}


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


def bar_chart(
    rows: list[dict[str, Any]],
    category: str,
    value: str,
    *,
    title: str,
    category_title: str,
    value_title: str,
) -> dict[str, Any]:
    """A horizontal bar chart, sorted by value; ``rows`` must already be suppressed.

    Field names must be plain identifiers: Vega-Lite reads a "." in a field as a nested path.
    """
    return _spec(
        title,
        {"step": 28},
        data={"values": rows},
        mark={"type": "bar", "color": "#0059b3"},
        encoding={
            "y": {"field": category, "type": "nominal", "sort": "-x", "title": category_title},
            "x": {
                "field": value,
                "type": "quantitative",
                "title": value_title,
                "axis": {"format": ",.0f"},
            },
            "tooltip": [
                {"field": category, "type": "nominal", "title": category_title},
                {"field": value, "type": "quantitative", "title": value_title, "format": ",.2f"},
            ],
        },
    )


def lorenz_chart(rows: list[dict[str, Any]], *, title: str) -> dict[str, Any]:
    """Lorenz curves (``level``, ``population_share``, ``cost_share``, shares 0..1) with the line of
    equality; the points must already respect the small-cell rule (steps of at least 5 units)."""
    axis = {"format": ".0%"}
    return _spec(
        title,
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
                "data": {"values": rows},
                "mark": {"type": "line", "point": True},
                "encoding": {
                    "x": {
                        "field": "population_share",
                        "type": "quantitative",
                        "title": "Andel af enhederne (billigste først)",
                        "axis": axis,
                        "scale": {"domain": [0, 1]},
                    },
                    "y": {
                        "field": "cost_share",
                        "type": "quantitative",
                        "title": "Andel af udgiften",
                        "axis": axis,
                        "scale": {"domain": [0, 1]},
                    },
                    "color": {
                        "field": "level",
                        "type": "nominal",
                        "title": "Niveau",
                        "scale": {"range": ["#0059b3", "#b35900"]},
                    },
                    "tooltip": [
                        {"field": "level", "type": "nominal", "title": "Niveau"},
                        {
                            "field": "population_share",
                            "type": "quantitative",
                            "title": "Andel af enhederne",
                            "format": ".1%",
                        },
                        {
                            "field": "cost_share",
                            "type": "quantitative",
                            "title": "Andel af udgiften",
                            "format": ".1%",
                        },
                    ],
                },
            },
        ],
    )


def timeline_chart(rows: list[dict[str, Any]], *, title: str) -> dict[str, Any]:
    """A Gantt chart of activities: ``label`` (one bar per row), ``member``, ``start`` and ``end``
    as ISO dates (``end`` inclusive; an ongoing activity ends where the period ends)."""
    return _spec(
        title,
        {"step": 28},
        config={"axis": {"labelLimit": 320}},
        data={"values": rows},
        mark={"type": "bar", "cornerRadius": 2},
        encoding={
            "y": {"field": "label", "type": "nominal", "title": "Borger og indsats", "sort": None},
            "x": {"field": "start", "type": "temporal", "title": "Periode"},
            "x2": {"field": "end"},
            "color": {"field": "member", "type": "nominal", "title": "Borger"},
            "tooltip": [
                {"field": "member", "type": "nominal", "title": "Borger"},
                {"field": "intervention", "type": "nominal", "title": "Indsats"},
                {"field": "start", "type": "temporal", "title": "Start", "format": "%d-%m-%Y"},
                {"field": "end", "type": "temporal", "title": "Slut", "format": "%d-%m-%Y"},
            ],
        },
    )


def png(spec: dict[str, Any], width: int = 720) -> bytes:
    """The same chart as PNG for Excel and reports (vl-convert, no browser, no network)."""
    fixed = {**spec, "width": width} if spec.get("width") == "container" else spec
    return _render(json.dumps(fixed, sort_keys=True, default=str))


@lru_cache(maxsize=64)
def _render(spec_json: str) -> bytes:
    import vl_convert

    return bytes(vl_convert.vegalite_to_png(json.loads(spec_json), scale=2))
