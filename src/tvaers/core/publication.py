"""The publication model: every table and chart a feature publishes is declared once, here-shaped,
and rendered by the shells — HTML (the page), Excel (one workbook, native charts), CSV and JSON
(the command line) are renderers of the same :class:`DataTable`.

A table carries its Danish title, its columns (glossary key, Danish heading, kind: how a number
is formatted), its rows (already suppressed by the service), its notes and, where a person would
rather look than read, a :class:`Chart`. A chart is declared by what it shows (which field is the
category, which the value), not how it is drawn: the web draws it with Vega-Lite, Excel as a
native chart over the chart's own figures.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from tvaers.core.money import format_dkk
from tvaers.core.periods import Month, danish_date, local_time

Kind = Literal[
    "text", "int", "money", "millions", "decimal", "date", "datetime", "share", "bool", "month",
    "checkbox",
]  # fmt: skip
# millions: an amount where øre are noise, shown «38,54 mio. kr.» (exact in Excel); checkbox:
# a tick box in Excel (a list to tick off), left out of the page
MONTH_TEXT = re.compile(r"\d{4}-\d{2}")  # a month column's value: ``2025-03``; a total is text
ChartKind = Literal["bar", "lorenz", "timeline", "lines", "ordered"]
KIND_OF_KEY = {"month": "month"}
"""Glossary keys that are of one kind wherever they appear: a table made from rows
(:meth:`DataTable.of`, the command line's) writes a ``month`` as a date in Excel, as the web
does."""


@dataclass(frozen=True)
class Column:
    key: str  # the glossary's English name: the CSV/JSON column
    label: str  # the Danish heading: the page and Excel
    kind: str = "text"  # one of Kind


@dataclass
class Chart:
    """What a chart shows; ``rows`` hold its figures (suppressed like the table they go with).

    * ``bar``: one horizontal bar per ``category`` with length ``value`` (sorted by value);
    * ``lorenz``: one line per ``series`` through (``category``, ``value``) points, shares 0..1,
      with the line of equality;
    * ``timeline``: one bar per ``category`` from ``value`` (start, ISO date) to ``end``,
      coloured by ``series``;
    * ``lines``: one line per ``series`` through (``category``: a month ``YYYY-MM``, ``value``),
      and where ``reference`` is given, that field as a dashed level line of the series;
    * ``ordered``: one line per ``series`` through ``category`` values in the rows' own order
      (years of an investment case, success rates), with a line at 0 (the break-even).
    """

    kind: ChartKind
    title: str
    rows: list[dict[str, Any]]
    category: str
    value: str
    category_title: str
    value_title: str
    series: str | None = None
    end: str | None = None
    decimals: int = 0  # of the value axis (bar)
    reference: str | None = None  # a level per series to compare with (lines)
    series_title: str = "Sektorområde"  # what a series is (lines: tooltip, Excel heading)


@dataclass
class DataTable:
    title: str
    columns: list[Column]
    rows: Any  # a list of dicts, or an Arrow table for person-level extracts (CSV streams it)
    filename: str = "tabel"
    notes: list[str] = field(default_factory=list)
    caption: str = ""
    chart: Chart | None = None
    name: str = ""  # the JSON key, Excel sheet and CSV file suffix on the command line

    def cell(self, row: Mapping[str, Any], column: Column) -> str:
        return display(row.get(column.key), column.kind)

    def records(self) -> list[dict[str, Any]]:
        """The rows as dicts (an Arrow table converted)."""
        if hasattr(self.rows, "to_pylist"):
            found: list[dict[str, Any]] = self.rows.to_pylist()
            return found
        return [dict(row) for row in self.rows]

    @classmethod
    def of(
        cls,
        name: str,
        rows: Any,
        title: str = "",
        labels: Mapping[str, str] | None = None,
        notes: Sequence[str] = (),
        chart: Chart | None = None,
    ) -> DataTable:
        """A table whose columns are its rows' keys (in order of first appearance), headed by
        ``labels`` (the glossary's Danish names) where they have one, of the kind
        :data:`KIND_OF_KEY` gives their key (else text: Excel writes the values as they are)."""
        labels = labels or {}
        keys = _keys(rows)
        return cls(
            title=title,
            columns=[
                Column(key, labels.get(key, key), KIND_OF_KEY.get(key, "text")) for key in keys
            ],
            rows=rows,
            filename=name,
            notes=list(notes),
            chart=chart,
            name=name,
        )


def _keys(rows: Any) -> list[str]:
    if hasattr(rows, "column_names"):
        return list(rows.column_names)
    names: dict[str, None] = {}
    for row in rows:
        names.update(dict.fromkeys(row))
    return list(names)


def display(value: Any, kind: str = "text") -> str:
    """A value as a Danish reader expects it."""
    if value is None or value == "":
        return "—"
    if kind == "money" and isinstance(value, Decimal | int | float):
        return format_dkk(Decimal(str(value)))
    if kind == "millions" and isinstance(value, Decimal | int | float):
        millions = (Decimal(str(value)) / 1_000_000).quantize(Decimal("0.01")) + 0  # no «-0,00»
        text = f"{millions:,.2f}"
        return text.replace(",", "X").replace(".", ",").replace("X", ".") + " mio. kr."
    if kind == "share" and isinstance(value, float | Decimal):
        return f"{float(value):.1%}".replace(".", ",")
    if kind == "int" and isinstance(value, int):
        return f"{value:,}".replace(",", ".")
    if kind == "decimal" and isinstance(value, Decimal | int | float):
        text = f"{Decimal(str(value)).normalize():,f}"
        return text.replace(",", "X").replace(".", ",").replace("X", ".")
    if kind == "bool":
        return "Ja" if value else "Nej"
    if kind == "month" and isinstance(value, str) and MONTH_TEXT.fullmatch(value):
        return Month.parse(value).danish()
    if isinstance(value, datetime):
        moment = local_time(value)
        return f"{danish_date(moment.date())} kl. {moment:%H.%M}"
    if isinstance(value, date):
        return danish_date(value)
    return str(value)
