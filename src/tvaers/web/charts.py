"""Vega-Lite specs: one definition for the page (vega-embed) and for Excel/reports (PNG)."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

DANISH_NUMBER = {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["", " kr."]}


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
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "title": title,
        "width": "container",
        "height": {"step": 28},
        "data": {"values": rows},
        "mark": {"type": "bar", "color": "#0059b3"},
        "encoding": {
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
        "config": {"locale": {"number": DANISH_NUMBER}, "font": "IBM Plex Sans"},
    }


def png(spec: dict[str, Any], width: int = 720) -> bytes:
    """The same chart as PNG for Excel and reports (vl-convert, no browser, no network)."""
    fixed = {**spec, "width": width} if spec.get("width") == "container" else spec
    return _render(json.dumps(fixed, sort_keys=True, default=str))


@lru_cache(maxsize=64)
def _render(spec_json: str) -> bytes:
    import vl_convert

    return bytes(vl_convert.vegalite_to_png(json.loads(spec_json), scale=2))
