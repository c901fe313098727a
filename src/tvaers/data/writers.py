"""Write an Arrow table as a municipality would export it: CSV, Danish Excel CSV, Parquet or XLSX.

``csv``     comma-separated, ``.`` decimals, ISO dates, UTF-8.
``csv-dk``  Danish Excel style: ``;`` separator, ``,`` decimals, ``.`` thousands separators on
            money (decimal columns), dates ``31-03-2025``, encoded as Windows-1252.
``parquet`` typed as the table is typed (dates date32, money decimal128(18,2), strings).
``xlsx``    one sheet with a header row, real Excel dates and numbers; only for small tables.

Everything but XLSX is vectorised with ``pyarrow.compute``: no Python loop over rows.
"""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

FORMATS: dict[str, str] = {"csv": ".csv", "csv-dk": ".csv", "parquet": ".parquet", "xlsx": ".xlsx"}
DANISH_ENCODING = "cp1252"
XLSX_MAX_ROWS = 1_048_575  # one row is the header
_CHUNK_ROWS = 250_000
_XLSX_CREATED = datetime(2024, 1, 1)


def extension(fmt: str) -> str:
    """The file extension (with dot) for a format; raises ``ValueError`` for an unknown one."""
    try:
        return FORMATS[fmt]
    except KeyError:
        known = ", ".join(FORMATS)
        raise ValueError(f"Ukendt filformat {fmt!r}; vælg et af: {known}") from None


def write_table(table: pa.Table, folder: Path, name: str, fmt: str) -> Path:
    """Write ``table`` to ``folder/<name>.<ext>`` in format ``fmt`` and return the path."""
    path = Path(folder) / f"{name}{extension(fmt)}"
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        _write_csv(table, path, delimiter=",", encoding="utf-8")
    elif fmt == "csv-dk":
        _write_csv(danish_text_columns(table), path, delimiter=";", encoding=DANISH_ENCODING)
    elif fmt == "parquet":
        pq.write_table(table, path, compression="zstd")
    else:
        _write_xlsx(table, path, sheet=name)
    return path


# --- CSV -------------------------------------------------------------------------------------


def _needs_quoting(table: pa.Table, delimiter: str) -> bool:
    """True when some text value holds the delimiter, a quote or a line break."""
    pattern = f'[{delimiter}"\\r\\n]'
    for column in table.columns:
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            hits = pc.any(pc.match_substring_regex(column, pattern)).as_py()
            if hits:
                return True
    return False


def _write_csv(table: pa.Table, path: Path, delimiter: str, encoding: str) -> None:
    # Quote only when a value needs it, as spreadsheet exports do; Arrow then quotes all text.
    quoting = "needed" if _needs_quoting(table, delimiter) else "none"
    plain_names = not any(ch in name for name in table.column_names for ch in f'{delimiter}"\r\n')
    with path.open("wb") as out:
        if plain_names:
            out.write((delimiter.join(table.column_names) + "\n").encode(encoding))
        # Chunk by chunk, so that a large table is never held as text in memory at once.
        for offset in range(0, max(table.num_rows, 1), _CHUNK_ROWS):
            options = pacsv.WriteOptions(
                delimiter=delimiter,
                quoting_style=quoting,
                include_header=offset == 0 and not plain_names,
            )
            buffer = io.BytesIO()
            pacsv.write_csv(table.slice(offset, _CHUNK_ROWS), buffer, options)
            data = buffer.getvalue()
            out.write(data if encoding == "utf-8" else data.decode("utf-8").encode(encoding))


def danish_number(values: pa.Array | pa.ChunkedArray, thousands: bool = True) -> pa.Array:
    """Decimal (or integer) values as Danish text: ``-1234567.5`` -> ``-1.234.567,50``.

    Exact for decimals: the digits come from Arrow's decimal-to-text cast, not from floats.
    """
    text = pc.cast(values, pa.string())
    parts = pc.extract_regex(text, r"^(?P<sign>-?)(?P<whole>\d+)(?P<point>\.?)(?P<fraction>\d*)$")
    whole = pc.struct_field(parts, "whole")
    if thousands:
        # Group from the right: reverse, put a dot after every three digits, drop a trailing dot.
        grouped = pc.replace_substring_regex(pc.utf8_reverse(whole), r"(\d{3})", r"\1.")
        whole = pc.utf8_reverse(pc.utf8_rtrim(grouped, "."))
    comma = pc.replace_substring(pc.struct_field(parts, "point"), ".", ",")
    result = pc.binary_join_element_wise(
        pc.struct_field(parts, "sign"), whole, comma, pc.struct_field(parts, "fraction"), ""
    )
    return pc.if_else(pc.is_null(text), pa.scalar(None, pa.string()), result)


def danish_text_columns(table: pa.Table) -> pa.Table:
    """Render decimals, floats and dates the Danish way; other columns are kept as they are."""
    columns = []
    for column in table.columns:
        kind = column.type
        if pa.types.is_decimal(kind):
            columns.append(danish_number(column, thousands=True))
        elif pa.types.is_floating(kind):
            columns.append(pc.replace_substring(pc.cast(column, pa.string()), ".", ","))
        elif pa.types.is_date(kind) or pa.types.is_timestamp(kind):
            columns.append(pc.strftime(column, format="%d-%m-%Y"))
        else:
            columns.append(column)
    return pa.table(columns, names=table.column_names)


# --- XLSX ------------------------------------------------------------------------------------


def _write_xlsx(table: pa.Table, path: Path, sheet: str) -> None:
    import xlsxwriter

    if table.num_rows > XLSX_MAX_ROWS:
        raise ValueError(
            f"Tabellen {sheet!r} har {table.num_rows:,} rækker; Excel kan højst have "
            f"{XLSX_MAX_ROWS:,}. Brug csv eller parquet."
        )
    workbook = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
    workbook.set_properties({"created": _XLSX_CREATED})  # the same bytes for the same table
    try:
        header = workbook.add_format({"bold": True})
        date_format = workbook.add_format({"num_format": "dd-mm-yyyy"})
        money_format = workbook.add_format({"num_format": "#,##0.00"})
        worksheet = workbook.add_worksheet(sheet[:31])
        worksheet.write_row(0, 0, table.column_names, header)
        for index, column in enumerate(table.columns):
            kind = column.type
            cell_format = None
            values = column.to_pylist()
            if pa.types.is_date(kind):
                cell_format = date_format
                worksheet.set_column(index, index, 11)
            elif pa.types.is_decimal(kind):
                cell_format = money_format
                values = [None if v is None else float(v) for v in values]
                worksheet.set_column(index, index, 14)
            for row, value in enumerate(values, start=1):
                if value is None:
                    continue
                if cell_format is date_format:
                    worksheet.write_datetime(row, index, value, cell_format)
                elif isinstance(value, str):
                    worksheet.write_string(row, index, value)
                else:
                    worksheet.write(row, index, value, cell_format)
        worksheet.freeze_panes(1, 0)
    finally:
        workbook.close()
