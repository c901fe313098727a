"""Reading an Excel file back as an economist would meet it: one workbook (the parts and
python-calamine, the reader the project uses), months as real dates shown «mmm yyyy» under a
«Måned» heading, no month, date or «3 af 12» written as text, native charts over the sheet's
cells (``xl/charts/chart*.xml``) and no pictures (``xl/media/``). Used by the web's crawl
(``test_excel_every_page``) and the command line's files (``test_cli_excel``)."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass, field
from datetime import date

from python_calamine import CalamineWorkbook

SHOWN = 8  # problems told per workbook
MONTH_HEADINGS = {"måned"}
MONTH_NAMES = "januar|februar|marts|april|maj|juni|juli|august|september|oktober|november|december"
AS_TEXT = {  # a value Excel should hold as a number or a date, written as text
    "a month": re.compile(r"\d{4}-\d{2}"),
    "a Danish month": re.compile(rf"({MONTH_NAMES}) \d{{4}}", re.IGNORECASE),
    "a date": re.compile(r"\d{4}-\d{2}-\d{2}|\d{2}-\d{2}-\d{4}"),
    "a count «n af m»": re.compile(r"\d+ af \d+"),
}


@dataclass
class Book:
    """What one download held."""

    url: str
    sheets: int = 0
    charts: int = 0
    months: int = 0  # month cells that are dates
    name: str = ""  # the file name it came as
    problems: list[str] = field(default_factory=list)


def read_workbook(url: str, content: bytes) -> Book:
    """Read one download or file back and note what is wrong with it."""
    book = Book(url)
    problems = book.problems
    try:
        parts = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile:
        problems.append("not one xlsx file")
        return book
    names = parts.namelist()
    if "xl/workbook.xml" not in names:
        problems.append("no workbook in the file")
        return book
    pictures = [n for n in names if n.startswith("xl/media/")]
    if pictures:
        problems.append(f"pictures, not native charts: {pictures}")
    charts = [n for n in names if re.fullmatch(r"xl/charts/chart\d+\.xml", n)]
    for part in charts:
        text = parts.read(part).decode()
        if "<c:ser>" not in text or "<c:f>" not in text:
            problems.append(f"{part} draws no series over the sheet's cells")
    book.charts = len(charts)
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
    formats = _number_formats(parts)
    book.sheets = len(workbook.sheet_names)
    for name in workbook.sheet_names:
        _check_sheet(workbook.get_sheet_by_name(name), formats.get(name, {}), book)
    if len(problems) > SHOWN:  # one wrong column is enough to read about
        problems[SHOWN:] = [f"… and {len(problems) - SHOWN} more"]
    return book


def _number_formats(parts: zipfile.ZipFile) -> dict[str, dict[tuple[int, int], str]]:
    """Each sheet's cells' number formats, (row, column) from 0, read from the parts (calamine
    gives the values, not how they are shown)."""
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    rel = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    styles = ET.fromstring(parts.read("xl/styles.xml"))
    codes = {f.get("numFmtId"): f.get("formatCode", "") for f in styles.iterfind(".//m:numFmt", ns)}
    shown = [codes.get(xf.get("numFmtId"), f"builtin {xf.get('numFmtId')}")
             for xf in styles.iterfind("m:cellXfs/m:xf", ns)]  # fmt: skip
    rels = ET.fromstring(parts.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels}
    found = {}
    for sheet in ET.fromstring(parts.read("xl/workbook.xml")).iterfind(".//m:sheet", ns):
        cells = {}
        part = "xl/" + targets[sheet.get(rel)].removeprefix("/xl/")
        for c in ET.fromstring(parts.read(part)).iterfind(".//m:c", ns):
            letters, number = re.fullmatch(r"([A-Z]+)(\d+)", c.get("r", "")).groups()
            column = 0
            for letter in letters:
                column = column * 26 + ord(letter) - 64
            cells[(int(number) - 1, column - 1)] = shown[int(c.get("s", "0"))]
        found[sheet.get("name", "")] = cells
    return found


def _check_sheet(sheet, formats: dict[tuple[int, int], str], book: Book) -> None:  # type: ignore[no-untyped-def]
    grid = sheet.to_python(skip_empty_area=False)  # from A1
    cells = {(i, j): v for i, row in enumerate(grid) for j, v in enumerate(row)}
    month_columns: dict[int, int] = {}  # column -> heading row
    for (r, c), value in sorted(cells.items()):
        if isinstance(value, str):
            if value.strip().lower() in MONTH_HEADINGS:
                month_columns[c] = r
                continue
            for what, pattern in AS_TEXT.items():
                if pattern.fullmatch(value.strip()):
                    book.problems.append(f"{sheet.name}!{_cell(r, c)}: {what} as text {value!r}")
    for column, heading in month_columns.items():
        dates = 0
        for r in range(heading + 1, max(r for r, _ in cells) + 1):
            value = cells.get((r, column), "")
            if value == "" or (isinstance(value, str) and not re.search(r"\d", value)):
                continue  # empty, or a total's «I alt»
            shown = formats.get((r, column), "")
            if isinstance(value, date) and "mmm" in shown and value.day == 1:
                dates += 1
            else:
                book.problems.append(f"{sheet.name}!{_cell(r, column)}: month column holds "
                                     f"{value!r} shown {shown!r}")  # fmt: skip
        if not dates:
            book.problems.append(f"{sheet.name}: the month column at {_cell(heading, column)} "
                                 "has no dates")  # fmt: skip
        book.months += dates


def _cell(row: int, column: int) -> str:
    letters = ""
    column += 1
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return f"{letters}{row + 1}"
