"""Native Excel charts for a published :class:`~tvaers.core.publication.Chart`.

The chart's own figures are written beside the table (under «Diagrammets tal»), and the chart
refers to those cells, so a reader can see, sort and reuse exactly what is drawn; nothing is an
image. Bars are sorted like the page's, Lorenz curves get the line of equality, a timeline is a
Gantt chart (an invisible bar up to the start, a visible one for the duration).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from tvaers.core.publication import Chart

BLUE, ORANGE, GREY = "#0059b3", "#b35900", "#747474"
COLOURS = (BLUE, ORANGE, "#008a3e", "#7f3f98", "#a0005a", "#4d4d4d")
HEADING = "Diagrammets tal"


def insert_chart(workbook: Any, ws: Any, chart: Chart, column: int, row: int) -> None:
    """Write ``chart``'s figures from (``row``, ``column``) and place the chart beside them."""
    if not chart.rows:
        return
    draw, widths = DRAWERS[chart.kind]
    bold = workbook.add_format({"bold": True})
    ws.write_string(row, column, HEADING, bold)
    for offset, width in enumerate(widths):
        ws.set_column(column + offset, column + offset, width)
    native, _last = draw(workbook, ws, chart, column, row + 1)
    native.set_title({"name": chart.title, "name_font": {"size": 12}})
    bars = len(chart.rows) if chart.kind not in ("lorenz", "lines", "ordered") else 8
    native.set_size({"width": 720, "height": min(900, max(360, 28 * bars + 120))})
    ws.insert_chart(row, column + len(widths) + 1, native)


def _bar(workbook: Any, ws: Any, chart: Chart, col: int, top: int) -> tuple[Any, int]:
    if chart.series:
        return _grouped_bar(workbook, ws, chart, col, top)
    rows = sorted(chart.rows, key=lambda r: float(r[chart.value] or 0))  # Excel draws bottom-up
    ws.write_row(top, col, [chart.category_title, chart.value_title])
    number = workbook.add_format({"num_format": _number_format(chart.decimals)})
    for i, r in enumerate(rows, start=1):
        ws.write(top + i, col, str(r[chart.category]))
        ws.write_number(top + i, col + 1, float(r[chart.value]), number)
    last = top + len(rows)
    native = workbook.add_chart({"type": "bar"})
    native.add_series(
        {
            "name": chart.value_title,
            "categories": [ws.name, top + 1, col, last, col],
            "values": [ws.name, top + 1, col + 1, last, col + 1],
            "fill": {"color": BLUE},
            "border": {"none": True},
        }
    )
    native.set_x_axis({"name": chart.value_title, "num_format": _number_format(chart.decimals)})
    native.set_y_axis({"name": chart.category_title})
    native.set_legend({"none": True})
    return native, last


def _grouped_bar(workbook: Any, ws: Any, chart: Chart, col: int, top: int) -> tuple[Any, int]:
    """Categories down, one column and one native series per ``series`` (grouped bars)."""
    series = list(dict.fromkeys(str(r[chart.series]) for r in chart.rows))  # type: ignore[index]
    categories = list(dict.fromkeys(str(r[chart.category]) for r in chart.rows))
    values = {(str(r[chart.category]), str(r[chart.series])): r[chart.value] for r in chart.rows}  # type: ignore[index]
    ws.write_row(top, col, [chart.category_title, *series])
    number = workbook.add_format({"num_format": _number_format(chart.decimals)})
    for i, name in enumerate(reversed(categories), start=1):  # Excel draws bottom-up
        ws.write(top + i, col, name)
        for j, s in enumerate(series, start=1):
            found = values.get((name, s))
            if found is not None:
                ws.write_number(top + i, col + j, float(found), number)
    last = top + len(categories)
    native = workbook.add_chart({"type": "bar"})
    for j, name in enumerate(series, start=1):
        native.add_series({
            "name": name,
            "categories": [ws.name, top + 1, col, last, col],
            "values": [ws.name, top + 1, col + j, last, col + j],
            "fill": {"color": BLUE if j == 1 else "#E0A100"},
            "border": {"none": True},
        })  # fmt: skip
    native.set_x_axis({"name": chart.value_title, "num_format": _number_format(chart.decimals)})
    native.set_y_axis({"name": chart.category_title})
    native.set_legend({"position": "bottom"})
    return native, last


def _lorenz(workbook: Any, ws: Any, chart: Chart, col: int, top: int) -> tuple[Any, int]:
    share = workbook.add_format({"num_format": "0.0%"})
    series = chart.series or ""
    ws.write_row(top, col, ["Kurve", chart.category_title, chart.value_title])
    line = top
    blocks: list[tuple[str, int, int]] = [("Lighedslinje", line + 1, line + 2)]
    for x in (0.0, 1.0):
        line += 1
        ws.write_row(line, col, ["Lighedslinje"])
        ws.write_number(line, col + 1, x, share)
        ws.write_number(line, col + 2, x, share)
    levels = list(dict.fromkeys(str(r.get(series, "")) for r in chart.rows))
    for level in levels:
        points = sorted(
            (r for r in chart.rows if str(r.get(series, "")) == level),
            key=lambda r: float(r[chart.category]),
        )
        first = line + 1
        for r in points:
            line += 1
            ws.write(line, col, level)
            ws.write_number(line, col + 1, float(r[chart.category]), share)
            ws.write_number(line, col + 2, float(r[chart.value]), share)
        blocks.append((level, first, line))
    native = workbook.add_chart({"type": "scatter", "subtype": "straight_with_markers"})
    for number, (name, first, last) in enumerate(blocks):
        colour = GREY if number == 0 else COLOURS[(number - 1) % len(COLOURS)]
        native.add_series(
            {
                "name": name,
                "categories": [ws.name, first, col + 1, last, col + 1],
                "values": [ws.name, first, col + 2, last, col + 2],
                "line": {"color": colour, "dash_type": "dash" if number == 0 else "solid"},
                "marker": {"type": "none" if number == 0 else "circle", "size": 4,
                           "fill": {"color": colour}, "border": {"color": colour}},
            }
        )  # fmt: skip
    axis = {"min": 0, "max": 1, "num_format": "0%", "major_gridlines": {"visible": True}}
    native.set_x_axis({"name": chart.category_title, **axis})
    native.set_y_axis({"name": chart.value_title, **axis})
    native.set_legend({"position": "bottom"})
    return native, line


def _timeline(workbook: Any, ws: Any, chart: Chart, col: int, top: int) -> tuple[Any, int]:
    day = workbook.add_format({"num_format": "dd-mm-yyyy"})
    ws.write_row(top, col, [chart.category_title, "Start", "Slut", "Dage"])
    starts = []
    for i, r in enumerate(chart.rows, start=1):
        start, end = _day(r[chart.value]), _day(r[chart.end or chart.value])
        starts.append(start)
        ws.write(top + i, col, str(r[chart.category]))
        ws.write_datetime(top + i, col + 1, datetime(start.year, start.month, start.day), day)
        ws.write_datetime(top + i, col + 2, datetime(end.year, end.month, end.day), day)
        ws.write_number(top + i, col + 3, (end - start).days + 1)
    last = top + len(chart.rows)
    native = workbook.add_chart({"type": "bar", "subtype": "stacked"})
    categories = [ws.name, top + 1, col, last, col]
    native.add_series(
        {"name": "Start", "categories": categories, "values": [ws.name, top + 1, col + 1, last,
         col + 1], "fill": {"none": True}, "border": {"none": True}}
    )  # fmt: skip
    native.add_series(
        {"name": chart.value_title, "categories": categories,
         "values": [ws.name, top + 1, col + 3, last, col + 3], "fill": {"color": BLUE}}
    )  # fmt: skip
    earliest = min(starts)
    native.set_x_axis(
        {"name": chart.value_title, "num_format": "mm-yyyy", "date_axis": False,
         "min": (earliest - date(1899, 12, 30)).days}
    )  # fmt: skip
    native.set_y_axis({"name": chart.category_title, "reverse": True, "crossing": "max"})
    native.set_legend({"none": True})
    return native, last


def _lines(workbook: Any, ws: Any, chart: Chart, col: int, top: int) -> tuple[Any, int]:
    """A block of months (real dates, «mmm yyyy») per series with its value and reference; a
    hidden cell stays empty (a gap in the line). Every series has the same months."""
    month = workbook.add_format({"num_format": "mmm yyyy"})
    number = workbook.add_format({"num_format": "#,##0.00"})
    series = chart.series or ""
    names = list(dict.fromkeys(str(r[series]) for r in chart.rows))
    months = sorted({str(r[chart.category]) for r in chart.rows})
    found = {(str(r[series]), str(r[chart.category])): r for r in chart.rows}
    headings = [chart.series_title, chart.category_title, chart.value_title]
    ws.write_row(top, col, [*headings, "Nulpunkt"] if chart.reference else headings)
    native = workbook.add_chart({"type": "line"})
    line = top
    for j, name in enumerate(names):
        first = line + 1
        for text in months:
            line += 1
            day, row = _day(f"{text}-01"), found.get((name, text), {})
            ws.write(line, col, name)
            ws.write_datetime(line, col + 1, datetime(day.year, day.month, 1), month)
            for k, key in enumerate((chart.value, chart.reference)):
                if key and row.get(key) is not None:
                    ws.write_number(line, col + 2 + k, float(row[key]), number)
        colour = COLOURS[j % len(COLOURS)]
        for k in range(2 if chart.reference else 1):
            native.add_series(
                {"name": name if not k else f"{name}, nulpunkt",
                 "categories": [ws.name, first, col + 1, line, col + 1],
                 "values": [ws.name, first, col + 2 + k, line, col + 2 + k],
                 "line": {"color": colour, "dash_type": "dash" if k else "solid"},
                 "marker": {"type": "none" if k else "circle", "size": 4,
                            "fill": {"color": colour}, "border": {"color": colour}}}
            )  # fmt: skip
    native.set_x_axis({"name": chart.category_title, "date_axis": True, "num_format": "mmm yyyy"})
    native.set_y_axis({"name": chart.value_title, "num_format": "#,##0",
                       "major_gridlines": {"visible": True}})  # fmt: skip
    native.set_legend({"position": "bottom"})
    return native, line


def _ordered(workbook: Any, ws: Any, chart: Chart, col: int, top: int) -> tuple[Any, int]:
    """A block per series of (category, value) in the rows' order: a line chart whose
    categories are text (years, success rates)."""
    number = workbook.add_format({"num_format": "#,##0.00"})
    series = chart.series or ""
    names = list(dict.fromkeys(str(r[series]) for r in chart.rows))
    ws.write_row(top, col, [chart.series_title, chart.category_title, chart.value_title])
    native = workbook.add_chart({"type": "line"})
    line = top
    for j, name in enumerate(names):
        first = line + 1
        for r in (r for r in chart.rows if str(r[series]) == name):
            line += 1
            ws.write_string(line, col, name)
            ws.write_string(line, col + 1, str(r[chart.category]))
            ws.write_number(line, col + 2, float(r[chart.value]), number)
        colour = COLOURS[j % len(COLOURS)]
        native.add_series(
            {"name": name, "categories": [ws.name, first, col + 1, line, col + 1],
             "values": [ws.name, first, col + 2, line, col + 2], "line": {"color": colour},
             "marker": {"type": "circle", "size": 4, "fill": {"color": colour},
                        "border": {"color": colour}}}
        )  # fmt: skip
    native.set_x_axis({"name": chart.category_title})
    native.set_y_axis({"name": chart.value_title, "num_format": "#,##0",
                       "major_gridlines": {"visible": True}})  # fmt: skip
    native.set_legend({"position": "bottom"})
    return native, line


def _day(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _number_format(decimals: int) -> str:
    return "#,##0" + ("." + "0" * decimals if decimals else "")


Drawer = Callable[[Any, Any, Chart, int, int], tuple[Any, int]]
DRAWERS: dict[str, tuple[Drawer, tuple[int, ...]]] = {  # how to draw; widths of the figures
    "bar": (_bar, (30, 12)),
    "lorenz": (_lorenz, (14, 16, 16)),
    "timeline": (_timeline, (40, 12, 12, 8)),
    "lines": (_lines, (28, 12, 16, 14)),
    "ordered": (_ordered, (28, 14, 16)),
}
