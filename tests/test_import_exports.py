"""The case systems' exports of commitments (tvaers.data.exports): the two example files in
docs/examples import as commitments, each figure worked out by hand; a bad export is refused with
its own column names and rows, nothing loaded."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tvaers.core.config import Settings
from tvaers.core.cpr import Pseudonymiser, is_valid
from tvaers.core.errors import ErrorCode, ImportRejected
from tvaers.data.exports import PAYMENTS, SERVICES, recognise
from tvaers.data.importer import import_folder
from tvaers.data.readers import RawTable, read_csv

from .conftest import analytics_rows, snapshot

EXAMPLES = Path(__file__).parent.parent / "docs" / "examples"
SERVICES_FILE = EXAMPLES / "disponeringer-ydelsesudtraek.csv"
PAYMENTS_FILE = EXAMPLES / "disponeringer-betalingsudtraek.csv"
COLUMNS = (
    "citizen, intervention, start_date::VARCHAR, end_date::VARCHAR, monthly_amount::VARCHAR, "
    "units_per_month, caseworker"
)


def _imported(settings: Settings, mini: Path, example: Path) -> list[tuple[object, ...]]:
    name = "disponeringer" + example.suffix
    shutil.copy(example, mini / name)
    result = import_folder(mini, settings)
    (read,) = [t.file for t in result.tables if t.table == "commitments"]
    assert read.startswith(name)  # a workbook: «disponeringer.xlsx (arket «Ydelser»)»
    return sorted(analytics_rows(settings, "commitments", COLUMNS), key=lambda r: (r[0], r[2]))


def _people(settings: Settings) -> dict[str, str]:
    key = Pseudonymiser(settings.key_bytes)
    return {cpr: key.pseudonym(cpr) for cpr in
            ("0303184012", "1207154007", "1503851236", "2505901122", "0202861118")}  # fmt: skip


def test_the_examples_are_recognised_and_their_cpr_numbers_are_valid() -> None:
    for path, shape in ((SERVICES_FILE, SERVICES), (PAYMENTS_FILE, PAYMENTS)):
        raw = read_csv(path)
        assert recognise(raw.headers) == shape
        assert raw.table is not None
        cprs = raw.table.column(raw.column_of("CPR-nummer")).to_pylist()
        assert cprs and all(is_valid(c) for c in cprs)


def test_the_services_export_becomes_monthly_commitments(
    sqlite_settings: Settings, mini: Path
) -> None:
    """51.000,00 monthly; 20 x 705,50 monthly = 14.110,00 (Ydelse by its name); 2 x 450,00
    weekly = 900 x 365,25 / 7 / 12 = 3.913,392857… -> 3.913,39; 2.600,00 per day x 30,4375 =
    79.137,50; a one-off 4.250,00 (Beregnet total) in full in its month."""
    rows = _imported(sqlite_settings, mini, SERVICES_FILE)
    p = _people(sqlite_settings)
    expected = [
        (p["0303184012"], "015025", "2025-01-01", "2025-12-31", "51000.00", None, "BF07"),
        (p["1207154007"], "015011", "2025-02-10", None, "14110.00", None, "BF07"),
        (p["1503851236"], "LAB31", "2025-03-01", "2025-06-30", "3913.39", None, "JK01"),
        (p["2505901122"], "SEL85", "2025-04-01", None, "79137.50", None, "VO03"),
        (p["0202861118"], "SEL85", "2025-05-01", "2025-05-31", "4250.00", None, "VO03"),
    ]
    assert rows == sorted(expected, key=lambda r: (r[0], r[2]))


def test_the_payments_export_spreads_the_rest_of_the_year_to_the_ore(
    sqlite_settings: Settings, mini: Path
) -> None:
    """As of 31 October: 102.000,01 over November and December: 51.000,01 and 51.000,00 (the
    øre left over to the earliest month); next year's 612.000,00 is 51.000,00 a month. 28.220,00
    is 14.110,00 in each of the two months. As of 30 September: 1.000,00 over three months is
    333,34 + 333,33 + 333,33; next year's 500,00 is 41,67 in January-August (8 øre left over)
    and 41,66 in September-December. The intervention is the one of the function."""
    rows = _imported(sqlite_settings, mini, PAYMENTS_FILE)
    p = _people(sqlite_settings)
    expected = [
        (p["0303184012"], "015025", "2025-11-01", "2025-11-30", "51000.01", None, "BF07"),
        (p["0303184012"], "015025", "2025-12-01", "2025-12-31", "51000.00", None, "BF07"),
        (p["0303184012"], "015025", "2026-01-01", "2026-12-31", "51000.00", None, "BF07"),
        (p["1207154007"], "015011", "2025-11-01", "2025-12-31", "14110.00", None, "BF07"),
        (p["1503851236"], "LAB31", "2025-10-01", "2025-10-31", "333.34", None, "JK01"),
        (p["1503851236"], "LAB31", "2025-11-01", "2025-12-31", "333.33", None, "JK01"),
        (p["1503851236"], "LAB31", "2026-01-01", "2026-08-31", "41.67", None, "JK01"),
        (p["1503851236"], "LAB31", "2026-09-01", "2026-12-31", "41.66", None, "JK01"),
    ]
    assert rows == sorted(expected, key=lambda r: (r[0], r[2]))
    total = sum(float(r[4]) * _months(r[2], r[3]) for r in rows if r[0] == p["1503851236"])
    assert round(total, 2) == 1500.00  # nothing lost or made in the spreading


def _months(first: object, last: object) -> int:
    a, b = str(first), str(last)
    return (int(b[:4]) - int(a[:4])) * 12 + int(b[5:7]) - int(a[5:7]) + 1


BAD_SERVICES = """CPR-nummer;Ydelse;Ydelse startdato;Ydelse slutdato;Antal;Takst;Frekvens
030318-4012;015025;01-01-2025;;1;51.000,00;Hver anden måned
120715-4007;015011;10-02-2025;;20;705,50;
150385-1236;LAB31;31-02-2025;;2;450,00;Ugentligt
250590-1122;SEL85;01-04-2025;;;-2.600,00;Dagligt
020286-1118;SEL85;01-04-2025;;;;Dagligt
"""


def test_a_bad_services_export_is_refused_by_its_own_columns(
    sqlite_settings: Settings, mini: Path
) -> None:
    import_folder(mini, sqlite_settings)
    before = snapshot(sqlite_settings)
    (mini / "disponeringer.csv").write_text(BAD_SERVICES, encoding="utf-8")
    with pytest.raises(ImportRejected) as caught:
        import_folder(mini, sqlite_settings)
    found = {(i.file, i.row, i.column, i.code, i.message) for i in caught.value.issues}
    assert found == {
        ("disponeringer.csv", 2, "Frekvens", ErrorCode.CHOICE_INVALID, "Frekvensen kendes ikke"),
        ("disponeringer.csv", 3, "Frekvens", ErrorCode.VALUE_REQUIRED,
         "Frekvens skal udfyldes, når Takst er udfyldt"),
        ("disponeringer.csv", 4, "Ydelse startdato", ErrorCode.DATE_INVALID, "Ugyldig dato"),
        ("disponeringer.csv", 5, "Takst", ErrorCode.NUMBER_INVALID,
         "Værdien må ikke være negativ"),
        ("disponeringer.csv", 6, "Takst", ErrorCode.VALUE_REQUIRED,
         "Rækken har hverken Takst eller Pris pr dag/måned"),
    }  # fmt: skip
    assert snapshot(sqlite_settings) == before


BAD_PAYMENTS = """CPR-nummer,Funktion,Indeværende år,Næste år
0303184012,5.57.73,1000.00,
1207154007,5.28.21,1000.00,
010101-0101,5.28.21,1000.00,
"""


def test_a_bad_payments_export_names_its_function_and_cpr_columns(
    sqlite_settings: Settings, mini: Path
) -> None:
    """A function no intervention has (5.57.73, cash benefits) and a citizen not in the citizens
    file, each told in the export's own column."""
    import_folder(mini, sqlite_settings)
    before = snapshot(sqlite_settings)
    (mini / "disponeringer.csv").write_text(BAD_PAYMENTS, encoding="utf-8")
    with pytest.raises(ImportRejected) as caught:
        import_folder(mini, sqlite_settings)
    found = {(i.row, i.column, i.code) for i in caught.value.issues}
    assert found == {(2, "Funktion", ErrorCode.UNKNOWN_INTERVENTION)}
    (mini / "disponeringer.csv").write_text(
        BAD_PAYMENTS.replace("5.57.73", "5.28.22"), encoding="utf-8"
    )
    with pytest.raises(ImportRejected) as caught:
        import_folder(mini, sqlite_settings)
    found = {(i.row, i.column, i.code) for i in caught.value.issues}
    assert found == {(4, "CPR-nummer", ErrorCode.UNKNOWN_CITIZEN)}
    assert all("0101010101" not in i.value for i in caught.value.issues)
    assert snapshot(sqlite_settings) == before


def _services_from_csv(
    settings: Settings, mini: Path, tmp_path: Path
) -> tuple[list[tuple[object, ...]], RawTable]:
    """The commitments the services export gives as CSV (in a home of its own), and its rows."""
    reference = _imported(
        Settings(home=tmp_path / "csv", pseudonym_key=settings.pseudonym_key),
        _copy_of_mini(mini, tmp_path / "mini_csv"),
        SERVICES_FILE,
    )
    raw = read_csv(SERVICES_FILE)
    assert raw.table is not None
    return reference, raw


def test_the_services_export_as_excel_gives_the_same_commitments(
    sqlite_settings: Settings, mini: Path, tmp_path: Path
) -> None:
    """The same export saved from Excel: real numbers and dates, CPR numbers as numbers (the
    leading zero lost), the sheet after a cover sheet."""
    import datetime as dt

    import xlsxwriter

    reference, raw = _services_from_csv(sqlite_settings, mini, tmp_path)
    assert raw.table is not None
    book = xlsxwriter.Workbook(str(mini / "disponeringer.xlsx"))
    book.add_worksheet("Forside").write(0, 0, "Udtræk fra sagssystemet")
    sheet = book.add_worksheet("Ydelser")
    day = book.add_format({"num_format": "dd-mm-yyyy"})
    sheet.write_row(0, 0, raw.headers)
    for number, row in enumerate(raw.table.drop_columns(["_row"]).to_pylist(), start=1):
        for column, (header, text) in enumerate(zip(raw.headers, row.values(), strict=True)):
            if not text:
                continue
            if header == "CPR-nummer":
                sheet.write_number(number, column, int(text.replace("-", "")))
            elif header.startswith("Ydelse ") and "dato" in header:
                sheet.write_datetime(number, column, dt.datetime.strptime(text, "%d-%m-%Y"), day)
            elif header in ("Antal", "Takst", "Pris pr dag/måned", "Beregnet total"):
                sheet.write_number(number, column, float(text.replace(".", "").replace(",", ".")))
            else:
                sheet.write_string(number, column, text)
    book.close()
    shutil.copy(mini / "disponeringer.xlsx", tmp_path / "kopi.xlsx")
    (mini / "disponeringer.xlsx").unlink()
    assert _imported(sqlite_settings, mini, tmp_path / "kopi.xlsx") == reference


def _copy_of_mini(mini: Path, to: Path) -> Path:
    shutil.copytree(mini, to)
    return to


def test_the_services_export_as_typed_parquet_gives_the_same_commitments(
    sqlite_settings: Settings, mini: Path, tmp_path: Path
) -> None:
    """The same export as Parquet with real dates and numbers (the finance and case systems'
    Parquet is typed)."""
    import datetime as dt

    import pyarrow as pa
    import pyarrow.parquet as pq

    reference, raw = _services_from_csv(sqlite_settings, mini, tmp_path)
    assert raw.table is not None
    columns = {}
    for header in raw.headers:
        texts = [t or None for t in raw.table.column(raw.column_of(header)).to_pylist()]
        if header.startswith("Ydelse ") and "dato" in header:
            days = [dt.datetime.strptime(t, "%d-%m-%Y").date() if t else None for t in texts]
            columns[header] = pa.array(days, pa.date32())
        elif header in ("Antal", "Takst", "Pris pr dag/måned", "Beregnet total"):
            numbers = [float(t.replace(".", "").replace(",", ".")) if t else None for t in texts]
            columns[header] = pa.array(numbers, pa.float64())
        else:
            columns[header] = pa.array(texts, pa.string())
    pq.write_table(pa.table(columns), tmp_path / "kopi.parquet")
    assert _imported(sqlite_settings, mini, tmp_path / "kopi.parquet") == reference
