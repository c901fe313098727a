"""Files as municipalities really hand them over (issue 10, medium and low): UTF-16 text, a
workbook with a cover sheet, Excel CPR numbers that lost their leading zero, Parquet amounts with
three decimals, a Parquet list column, and a folder or a symbolic link where a file should be.
Each is either read as the user meant it, or refused in Danish (exit 2) with nothing imported."""

from __future__ import annotations

import datetime as dt
import shutil
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import xlsxwriter
from typer.testing import CliRunner

from tvaers.cli import app
from tvaers.core.config import Settings
from tvaers.core.cpr import Pseudonymiser
from tvaers.core.errors import ImportRejected
from tvaers.data.contracts import CONTRACTS
from tvaers.data.importer import import_folder
from tvaers.data.schema import stored_columns

from .conftest import FIXTURES, TEST_KEY, analytics_rows, snapshot


def _tables(settings: Settings) -> dict[str, list[tuple]]:
    return {
        table: analytics_rows(
            settings, table, ", ".join(f'"{n}"' for n, _ in stored_columns(contract))
        )
        for table, contract in CONTRACTS.items()
    }


@pytest.fixture
def reference(tmp_path: Path) -> dict[str, list[tuple]]:
    """The mini municipality's tables, imported from its UTF-8 CSV files."""
    settings = Settings(home=tmp_path / "reference", pseudonym_key=TEST_KEY)
    import_folder(FIXTURES / "mini", settings)
    return _tables(settings)


def _import_cli(settings: Settings, folder: Path) -> tuple[int, str]:
    env = {"TVAERS_HOME": str(settings.home), "TVAERS_DATABASE_URL": settings.store_url,
           "TVAERS_PSEUDONYM_KEY": TEST_KEY, "COLUMNS": "250"}  # fmt: skip
    result = CliRunner().invoke(app, ["import", str(folder)], env=env)
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def _refused(settings: Settings, folder: Path) -> tuple[str, list]:
    """Import ``folder`` over the mini municipality: refused with exit 2, nothing changes."""
    import_folder(FIXTURES / "mini", settings)
    before = snapshot(settings)
    code, output = _import_cli(settings, folder)
    assert code == 2, output
    assert "Intet er indlæst" in output
    with pytest.raises(ImportRejected) as caught:
        import_folder(folder, settings)
    assert snapshot(settings) == before
    return output, caught.value.issues


# --- UTF-16 ----------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_a_utf16_file_is_read_like_utf8(
    encoding: str, mini: Path, sqlite_settings: Settings, reference: dict
) -> None:
    """Excel's «Unicode-tekst» is UTF-16 with a byte order mark and tabs, numbers written as a
    Danish Excel shows them (15874,00); other programs write it without the mark. Today the
    header was read as garbage: «kolonne mangler» for every column. Now the file is read as what
    it is."""
    postings = (mini / "postings.csv").read_text(encoding="utf-8")
    if encoding == "utf-16":
        lines = [line.split(",") for line in postings.splitlines()]
        for line in lines[1:]:
            line[2] = line[2].replace(".", ",")
        postings = "\r\n".join("\t".join(line) for line in lines) + "\r\n"
    (mini / "postings.csv").write_bytes(postings.encode(encoding))
    citizens = (mini / "citizens.csv").read_text(encoding="utf-8").replace(",", "\t")
    (mini / "citizens.csv").unlink()
    (mini / "citizens.txt").write_bytes(citizens.encode(encoding))
    import_folder(mini, sqlite_settings)
    assert _tables(sqlite_settings) == reference


# --- Excel -----------------------------------------------------------------------------------


def _workbook(path: Path, sheets: dict[str, list[list[object]]]) -> None:
    book = xlsxwriter.Workbook(str(path))
    day = book.add_format({"num_format": "dd-mm-yyyy"})
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        for i, row in enumerate(rows):
            for j, value in enumerate(row):
                if isinstance(value, dt.date):
                    sheet.write_datetime(i, j, dt.datetime(value.year, value.month, value.day), day)
                elif value is not None:
                    sheet.write(i, j, value)
    book.close()


OUTCOMES = [["cpr", "date", "status", "note"],
            ["1503851236", dt.date(2024, 9, 1), "benefit:kontanthjælp", None],
            ["1503851236", dt.date(2025, 4, 1), "internship", "Virksomhedspraktik"],
            ["1010703344", dt.date(2025, 1, 1), "job", None]]  # fmt: skip
COVER = [["Udfald for borgere i tværgående løsninger"], [], ["Udtrukket 3. marts 2026 af KMD"]]


def test_a_workbook_with_a_cover_sheet_is_read_from_the_sheet_with_the_columns(
    mini: Path, sqlite_settings: Settings, reference: dict
) -> None:
    """Today the first sheet (a cover page) was read and every column was «missing», without a
    word about which sheet was read. Now the sheet with the contract's columns is read, and the
    import says which."""
    (mini / "outcomes.csv").unlink()
    _workbook(mini / "outcomes.xlsx", {"Forside": COVER, "Udfald": OUTCOMES, "Noter": COVER})
    code, output = _import_cli(sqlite_settings, mini)
    assert code == 0, output
    assert "outcomes.xlsx" in output and "arket «Udfald»" in output
    assert _tables(sqlite_settings) == reference


def test_a_workbook_without_the_columns_says_which_sheets_were_read(
    mini: Path, settings: Settings
) -> None:
    (mini / "outcomes.csv").unlink()
    _workbook(mini / "outcomes.xlsx", {"Forside": COVER, "Ark2": [["a", "b"], [1, 2]]})
    output, issues = _refused(settings, mini)
    missing = [i for i in issues if i.code == "kolonne_mangler"]
    assert {i.column for i in missing} == {"cpr", "date", "status"}
    assert all(i.file == "outcomes.xlsx" for i in missing)
    assert "«Forside»" in missing[0].message and "«Ark2»" in missing[0].hint
    assert "«Forside»" in output


def test_excel_cpr_numbers_that_lost_their_leading_zero_are_repaired(
    mini: Path, sqlite_settings: Settings, reference: dict
) -> None:
    """Excel keeps 0202861118 typed as a number as 202861118; the Parquet reader already put the
    zero back for integers, the Excel reader refused it as «CPR-nummeret skal være 10 cifre». A
    CPR number typed as text with nine digits is still a typing error."""
    (mini / "citizens.csv").unlink()
    cprs = ["1503851236", "0202861118", "1207154007", "0303184012", "2505901122", "1010703344"]
    births = [dt.date(1985, 3, 15), None, None, None, dt.date(1990, 5, 25), None]
    rows: list[list[object]] = [["cpr", "birth_date"]]
    rows += [[int(c), b] for c, b in zip(cprs, births, strict=True)]
    rows[1][0] = "150385-1236"  # a text cell among numbers
    _workbook(mini / "citizens.xlsx", {"Borgere": rows})
    import_folder(mini, sqlite_settings)
    assert _tables(sqlite_settings) == reference
    p = Pseudonymiser(TEST_KEY.encode())
    assert (p.pseudonym("0202861118"),) in analytics_rows(sqlite_settings, "citizens", "citizen")


def test_an_excel_cpr_typed_as_text_with_nine_digits_is_still_refused(
    mini: Path, settings: Settings
) -> None:
    (mini / "citizens.csv").unlink()
    rows: list[list[object]] = [["cpr"], *[[c] for c in ("1503851236", "0202861118",
                                "1207154007", "0303184012", "2505901122", "1010703344")]]  # fmt: skip
    rows.append(["202861119"])  # text, nine digits: a typing error, not a lost zero
    _workbook(mini / "citizens.xlsx", {"Borgere": rows})
    _, issues = _refused(settings, mini)
    issue = next(i for i in issues if i.code == "cpr_ugyldigt")
    assert (issue.file, issue.row, issue.column) == ("citizens.xlsx", 8, "cpr")


# --- Parquet ---------------------------------------------------------------------------------


def _postings_parquet(folder: Path, amount: pa.DataType, change: str | None = None) -> None:
    import csv

    path = folder / "postings.csv"
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    path.unlink()
    values = [Decimal(r["amount"]) for r in rows]
    if change:
        values[6] = Decimal(change)  # P0007, row 8
    columns = {name: pa.array([r[name] or None for r in rows], pa.string()) for name in rows[0]}
    columns["amount"] = pa.array(
        [float(v) for v in values] if pa.types.is_floating(amount) else values, amount
    )
    columns["posting_date"] = pa.array(
        [dt.date.fromisoformat(r["posting_date"]) for r in rows], pa.date32()
    )
    pq.write_table(pa.table(columns), folder / "postings.parquet")


def test_parquet_amounts_with_a_zero_third_decimal_are_accepted(
    mini: Path, sqlite_settings: Settings, reference: dict
) -> None:
    """A finance system's decimal(15,3) gave «Tallet har flere decimaler end øre» for 15874.000."""
    _postings_parquet(mini, pa.decimal128(15, 3))
    import_folder(mini, sqlite_settings)
    assert _tables(sqlite_settings) == reference


def test_parquet_amounts_with_a_third_decimal_are_refused(mini: Path, settings: Settings) -> None:
    _postings_parquet(mini, pa.decimal128(15, 3), change="22000.005")
    _, issues = _refused(settings, mini)
    issue = next(i for i in issues if i.code == "beloeb_oere")
    assert (issue.file, issue.row, issue.column, issue.value) == (
        "postings.parquet",
        8,
        "amount",
        "22000.005",
    )
    assert "øre" in issue.message


def test_parquet_amounts_as_floating_point_import_like_the_text(
    mini: Path, sqlite_settings: Settings, reference: dict
) -> None:
    """Typed columns are checked in their own type (no detour through text): a double 1234.56
    is 1234.56 kr., to the øre, as in the CSV."""
    _postings_parquet(mini, pa.float64())
    import_folder(mini, sqlite_settings)
    assert _tables(sqlite_settings) == reference


def test_typed_parquet_values_are_checked_in_their_own_type(mini: Path, settings: Settings) -> None:
    """A floating-point amount with a third decimal, a date before 1850 and an integer out of
    range are refused with the row, the column and the value, as they are in a CSV file."""
    _postings_parquet(mini, pa.float64(), change="22000.005")
    table = pq.read_table(mini / "postings.parquet")
    dates = table.column("posting_date").to_pylist()
    dates[2] = dt.date(1799, 1, 1)  # row 4
    dranst = [1] * table.num_rows
    dranst[4] = 12  # row 6: «dranst» is 1-9
    table = table.set_column(
        table.column_names.index("posting_date"), "posting_date", pa.array(dates, pa.date32())
    ).append_column("dranst", pa.array(dranst, pa.int8()))
    pq.write_table(table, mini / "postings.parquet")
    _, issues = _refused(settings, mini)
    found = {(i.code, i.row, i.column, i.value) for i in issues}
    assert ("beloeb_oere", 8, "amount", "22000.005") in found
    assert ("dato_ugyldig", 4, "posting_date", "1799-01-01") in found
    assert ("heltal_ugyldigt", 6, "dranst", "12") in found


def test_a_parquet_list_column_is_refused_in_danish(mini: Path, settings: Settings) -> None:
    """A list where one value was expected gave a Python traceback and exit code 1."""
    (mini / "budgets.csv").unlink()
    pq.write_table(
        pa.table({"year": [2025, 2025], "sector_area": [["employment"], ["children", "adults"]],
                  "amount": pa.array([Decimal(1000), Decimal(2000)], pa.decimal128(18, 2))}),
        mini / "budgets.parquet",
    )  # fmt: skip
    output, issues = _refused(settings, mini)
    issue = next(i for i in issues if i.file == "budgets.parquet")
    assert issue.column == "sector_area" and "liste" in issue.message
    assert "budgets.parquet" in output and "sector_area" in output


def test_an_extra_parquet_list_column_is_ignored_like_any_extra_column(
    mini: Path, sqlite_settings: Settings, reference: dict
) -> None:
    (mini / "budgets.csv").unlink()
    pq.write_table(
        pa.table({"year": [2025] * 4,
                  "sector_area": ["employment", "children", "adults", "children"],
                  "amount": pa.array([Decimal(v) for v in ("1000000.00", "2500000.00",
                                                          "800000.00", "150000.00")],
                                     pa.decimal128(18, 2)),
                  "solution": [None, None, None, "Fælles om målet"],
                  "tags": [["a"], [], None, ["b", "c"]]}),
        mini / "budgets.parquet",
    )  # fmt: skip
    import_folder(mini, sqlite_settings)
    assert _tables(sqlite_settings) == reference


# --- not a file ------------------------------------------------------------------------------


def test_a_folder_named_like_a_table_is_refused(mini: Path, settings: Settings) -> None:
    """A folder called postings.csv was skipped without a word: the import went ahead without
    the postings the user thought were in it."""
    (mini / "postings.csv").unlink()
    (mini / "postings.csv").mkdir()
    output, issues = _refused(settings, mini)
    issue = next(i for i in issues if i.file == "postings.csv")
    assert issue.code == "fil_ulaeselig" and "mappe" in issue.message
    assert "postings.csv" in output


@pytest.mark.parametrize("target", ["/etc/passwd", "elsewhere"])
def test_a_symbolic_link_is_refused_and_not_followed(
    target: str, mini: Path, settings: Settings, tmp_path: Path
) -> None:
    """A link named postings.csv was followed: to /etc/passwd, whose lines were echoed in the
    error list. A link is refused whatever it points to; nothing behind it is read."""
    if target == "elsewhere":
        shutil.copy(mini / "postings.csv", tmp_path / "elsewhere.csv")
        target = str(tmp_path / "elsewhere.csv")
    (mini / "postings.csv").unlink()
    (mini / "postings.csv").symlink_to(target)
    output, issues = _refused(settings, mini)
    issue = next(i for i in issues if i.file == "postings.csv")
    assert issue.code == "fil_ulaeselig" and "link" in issue.message
    assert "root:" not in output and "P0001" not in output
