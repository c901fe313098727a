"""Bad input: ``tvaers import`` refuses, says where (file, row, column) and changes nothing."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tvaers.cli import app
from tvaers.core.config import Settings
from tvaers.core.errors import ImportRejected
from tvaers.data.importer import import_folder

from .conftest import FIXTURES, TEST_KEY, snapshot


def _edit(name: str, old: str, new: str) -> Callable[[Path], None]:
    def apply(folder: Path) -> None:
        path = folder / name
        raw = path.read_bytes()
        try:
            text, encoding = raw.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            text, encoding = raw.decode("cp1252"), "cp1252"
        assert old in text, f"{old!r} findes ikke i {name}"
        path.write_bytes(text.replace(old, new, 1).encode(encoding))

    return apply


def _append(name: str, line: str) -> Callable[[Path], None]:
    def apply(folder: Path) -> None:
        with (folder / name).open("a", encoding="utf-8") as handle:
            handle.write(line + "\n")

    return apply


def _append_bytes(name: str, data: bytes) -> Callable[[Path], None]:
    def apply(folder: Path) -> None:
        with (folder / name).open("ab") as handle:
            handle.write(data)

    return apply


def _write(name: str, data: bytes) -> Callable[[Path], None]:
    def apply(folder: Path) -> None:
        (folder / name).write_bytes(data)

    return apply


def _truncate(name: str, marker: bytes) -> Callable[[Path], None]:
    """Cut the file right after ``marker``, as an interrupted export would."""

    def apply(folder: Path) -> None:
        path = folder / name
        data = path.read_bytes()
        path.write_bytes(data[: data.index(marker) + len(marker)])

    return apply


def _drop_column(name: str, column: str) -> Callable[[Path], None]:
    def apply(folder: Path) -> None:
        import csv

        path = folder / name
        rows = list(csv.reader(path.open(encoding="utf-8")))
        i = rows[0].index(column)
        with path.open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows([r[:i] + r[i + 1 :] for r in rows])

    return apply


def _copy_as(source: str, target: str) -> Callable[[Path], None]:
    def apply(folder: Path) -> None:
        shutil.copy(folder / source, folder / target)

    return apply


@dataclass(frozen=True)
class Defect:
    id: str
    apply: Callable[[Path], None]
    file: str
    row: int  # 0: the file as a whole
    column: str
    code: str
    base: str = "mini"


DEFECTS = [
    Defect("wrong-date", _edit("postings.csv", "P0002,2025-02-28", "P0002,2025-02-30"),
           "postings.csv", 3, "posting_date", "dato_ugyldig"),
    Defect("cpr-impossible-date", _append("citizens.csv", "3102901234,"),
           "citizens.csv", 8, "cpr", "cpr_ugyldigt"),
    # issue 10 (low): 0101304000 is born 1 January 2030 by the seventh digit: not yet born
    Defect("cpr-born-in-the-future", _append("citizens.csv", "0101304000,"),
           "citizens.csv", 8, "cpr", "cpr_ugyldigt"),
    Defect("cpr-wrong-length", _edit("activities.csv", "2505901122,SEL85", "250590112,SEL85"),
           "activities.csv", 6, "cpr", "cpr_ugyldigt"),
    Defect("duplicate-posting-id",
           _append("postings.csv", "P0004,2025-03-31,100.00,5.28.21,,,1,Dublet"),
           "postings.csv", 11, "posting_id", "dublet_noegle"),
    # issue 10 (medium): one posting of 15 nines overflowed the draw's split (DECIMAL(18))
    Defect("amount-beyond-any-budget",
           _edit("postings.csv", "P0005,2025-01-31,84210.55", "P0005,2025-01-31,999999999999999.99"),
           "postings.csv", 6, "amount", "tal_ugyldigt"),
    # issue 10 (medium): a UTF-8 file with one Windows-1252 line was read as Windows-1252 («Ã¦»)
    Defect("mixed-encodings",
           _append_bytes("postings.csv", "P0099,2025-02-28,100.00,5.28.21,,,1,Bostøtte\n".encode("cp1252")),
           "postings.csv", 11, "", "tegnsaet"),
    Defect("unknown-function-code", _edit("postings.csv", "22000.00,5.68.90", "22000.00,5.99.99"),
           "postings.csv", 8, "function_code", "ukendt_funktion"),
    Defect("amount-not-a-number", _edit("postings.csv", "31200.00", "31200 kr"),
           "postings.csv", 10, "amount", "tal_ugyldigt"),
    Defect("amount-three-decimals", _edit("postings.csv", "22000.00", "22000.005"),
           "postings.csv", 8, "amount", "beloeb_oere"),
    Defect("danish-csv-with-dot-decimal", _edit("posteringer.csv", "31.200,00", "31200.00"),
           "posteringer.csv", 10, "Beløb", "talformat_blandet", base="mini_dk"),
    Defect("international-csv-with-comma-decimal",
           _edit("postings.csv", "P0007,2025-01-31,22000.00", 'P0007,2025-01-31,"22000,00"'),
           "postings.csv", 8, "amount", "talformat_blandet"),
    Defect("missing-required-column", _drop_column("postings.csv", "amount"),
           "postings.csv", 1, "amount", "kolonne_mangler"),
    Defect("empty-file", _write("citizens.csv", b""), "citizens.csv", 0, "", "fil_tom"),
    Defect("header-only-file", _write("outcomes.csv", b"cpr,date,status,note\n"),
           "outcomes.csv", 0, "", "fil_tom"),
    Defect("truncated-file", _truncate("postings.csv", b"P0009,2025-02-28,312"), "postings.csv", 10, "",
           "raekke_bredde"),
    Defect("unterminated-quote", _append("activities.csv", '1010703344,SEL85,"2025-01-01'),
           "activities.csv", 7, "", "raekke_bredde"),
    Defect("unknown-sector-area", _edit("accounts.csv", "5.38.38,adults", "5.38.38,voksne"),
           "accounts.csv", 6, "sector_area", "ukendt_sektoromraade"),
    Defect("activity-ends-before-start", _edit("activities.csv", "2025-01-10,2025-12-31", "2025-01-10,2024-12-31"),
           "activities.csv", 6, "end_date", "periode_omvendt"),
    Defect("no-price-where-used", _edit("unit_prices.csv", "SEL85,2020-01-01", "SEL85,2025-06-01"),
           "activities.csv", 6, "intervention", "pris_mangler"),
    Defect("unknown-intervention", _edit("activities.csv", "1503851236,LAB31", "1503851236,LAB99"),
           "activities.csv", 2, "intervention", "ukendt_indsats"),
    Defect("hourly-without-units", _edit("activities.csv", "2025-01-10,2025-12-31,30", "2025-01-10,2025-12-31,"),
           "activities.csv", 6, "units_per_month", "enheder_mangler"),
    Defect("unit-not-allowed", _edit("interventions.csv", "Plejefamilie,children,month", "Plejefamilie,children,kvartal"),
           "interventions.csv", 3, "unit", "vaerdi_ikke_tilladt"),
    Defect("unknown-citizen", _edit("postings.csv", "P0004,2025-01-31,51000.00,5.28.22,0303184012", "P0004,2025-01-31,51000.00,5.28.22,0404184012"),
           "postings.csv", 5, "cpr", "ukendt_borger"),
    Defect("negative-price", _edit("unit_prices.csv", "LAB31,2020-01-01,450.00", "LAB31,2020-01-01,-450.00"),
           "unit_prices.csv", 5, "price", "tal_ugyldigt"),
    Defect("year-not-integer", _edit("budgets.csv", "2025,adults", "tjue,adults"),
           "budgets.csv", 4, "year", "heltal_ugyldigt"),
    Defect("two-files-for-one-table", _copy_as("postings.csv", "posteringer.csv"),
           "postings.csv", 0, "", "fil_dublet"),
    Defect("damaged-excel", _write("outcomes.xlsx", b"PK\x03\x04 not really a workbook"),
           "outcomes.xlsx", 0, "", "fil_ulaeselig"),
    Defect("damaged-parquet", _write("budgets.parquet", b"PAR1 broken"),
           "budgets.parquet", 0, "", "fil_ulaeselig"),
    Defect("required-value-empty", _edit("postings.csv", "P0009,2025-02-28", "P0009,"),
           "postings.csv", 10, "posting_date", "vaerdi_mangler"),
]  # fmt: skip


def _prepare(defect: Defect, tmp_path: Path) -> Path:
    folder = tmp_path / "bad"
    shutil.copytree(FIXTURES / defect.base, folder)
    if defect.id in ("damaged-excel",):
        (folder / "outcomes.csv").unlink()
    if defect.id in ("damaged-parquet",):
        (folder / "budgets.csv").unlink()
    defect.apply(folder)
    return folder


def _run(settings: Settings, folder: Path) -> tuple[int, str]:
    env = {
        "TVAERS_HOME": str(settings.home), "TVAERS_DATABASE_URL": settings.database_url,
        "TVAERS_PSEUDONYM_KEY": TEST_KEY, "COLUMNS": "250",
    }  # fmt: skip
    result = CliRunner().invoke(app, ["import", str(folder)], env=env)
    return result.exit_code, result.output


@pytest.mark.parametrize("defect", DEFECTS, ids=[d.id for d in DEFECTS])
def test_defect_is_refused_with_its_place_and_nothing_changes(
    defect: Defect, settings: Settings, tmp_path: Path
) -> None:
    import_folder(FIXTURES / defect.base, settings)
    before = snapshot(settings)
    folder = _prepare(defect, tmp_path)
    code, output = _run(settings, folder)
    assert code == 2, output
    assert "Intet er indlæst" in output
    with pytest.raises(ImportRejected) as caught:
        import_folder(folder, settings)
    issue = next(i for i in caught.value.issues if i.code == defect.code)
    assert (issue.file, issue.row, issue.column) == (defect.file, defect.row, defect.column)
    line = next(x for x in output.splitlines() if defect.file in x and (issue.message[:30] in x))
    if defect.row:
        assert f" {defect.row} " in line
    if defect.column:
        assert defect.column in line
    assert snapshot(settings) == before


def test_refused_first_import_leaves_no_data(settings: Settings, tmp_path: Path) -> None:
    folder = _prepare(DEFECTS[0], tmp_path)
    before = snapshot(settings)
    code, _ = _run(settings, folder)
    assert code == 2
    after = snapshot(settings)
    assert {k: v for k, v in after.items() if k.startswith("store.")} == {
        k: v for k, v in before.items() if k.startswith("store.")
    } or all(v == after["store.users"] for k, v in after.items() if k.startswith("store."))
    # the import worked on a copy that never took the file's place: there is no analytics file
    assert not list(settings.home.glob("analyse.duckdb*"))


def test_report_is_written_to_excel(sqlite_settings: Settings, tmp_path: Path) -> None:
    from python_calamine import CalamineWorkbook

    folder = _prepare(DEFECTS[0], tmp_path)
    report = tmp_path / "rapport.xlsx"
    env = {"TVAERS_HOME": str(sqlite_settings.home), "TVAERS_PSEUDONYM_KEY": TEST_KEY}
    result = CliRunner().invoke(app, ["import", str(folder), "--report", str(report)], env=env)
    assert result.exit_code == 2
    rows = CalamineWorkbook.from_path(str(report)).get_sheet_by_index(0).to_python()
    flat = [[str(v) for v in r] for r in rows]
    assert any(
        r[:3] == ["postings.csv", "3", "posting_date"]
        or r[:3] == ["postings.csv", "3.0", "posting_date"]
        for r in flat
    )


def test_a_short_pseudonym_key_is_said_in_danish_not_a_traceback(tmp_path: Path) -> None:
    """Issue 10 (low): TVAERS_PSEUDONYM_KEY=abc gave a Python traceback; nothing is imported."""
    env = {"TVAERS_HOME": str(tmp_path / "home"), "TVAERS_PSEUDONYM_KEY": "abc", "COLUMNS": "250"}
    result = CliRunner().invoke(app, ["import", str(FIXTURES / "mini")], env=env)
    assert result.exit_code != 0 and "TVAERS_PSEUDONYM_KEY er for kort" in result.output
    assert "Traceback" not in result.output and not isinstance(result.exception, ValueError)
    assert not (tmp_path / "home" / "analyse.duckdb").exists()
