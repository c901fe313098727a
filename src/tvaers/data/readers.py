"""Read the municipality's files into Arrow tables of text, with the row number a user sees.

Every reader returns a :class:`RawTable`: every column as text (so validation is one code path
for CSV, Excel and Parquet; only a Parquet column already in its contract column's type stays
in it, :mod:`tvaers.data.parquet`), a ``_row`` column with the row number as in Excel (header =
row 1), the file's number style, and the problems found while reading. Values are parsed and checked
afterwards, set-based, by :mod:`tvaers.data.validation`.
"""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from tvaers.core.errors import ErrorCode, Issue
from tvaers.data.contracts import Contract

ROW = "_row"
CSV_SUFFIXES = (".csv", ".txt")
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
PARQUET_SUFFIXES = (".parquet", ".pq")
SUFFIXES = CSV_SUFFIXES + EXCEL_SUFFIXES + PARQUET_SUFFIXES
_CHUNK = 1 << 24


class NumberStyle(StrEnum):
    INTERNATIONAL = "international"  # 1234.50, comma-separated CSV
    DANISH = "danish"  # 1.234,50, semicolon-separated CSV
    TYPED = "typed"  # numbers arrive as numbers (Excel, Parquet)


@dataclass
class RawTable:
    path: Path
    table: pa.Table | None
    style: NumberStyle
    encoding: str = ""
    issues: list[Issue] = field(default_factory=list)
    integer_columns: frozenset[str] = frozenset()  # typed sources: columns stored as integers
    native: frozenset[str] = frozenset()  # Parquet: columns kept in their own type (not text)
    headers: list[str] = field(default_factory=list)  # the file's own header texts
    sheet: str = ""  # a workbook of several sheets: the one that was read
    sheets: tuple[str, ...] = ()  # ... and all of them

    def __post_init__(self) -> None:
        """Columns are renamed c0, c1, ... so that any header text is safe in SQL."""
        if self.table is not None and not self.headers:
            self.headers = [n for n in self.table.column_names if n != ROW]
            safe = [f"c{i}" for i in range(len(self.headers))]
            self.integer_columns = frozenset(
                safe[i] for i, h in enumerate(self.headers) if h in self.integer_columns
            )
            self.native = frozenset(safe[i] for i, h in enumerate(self.headers) if h in self.native)
            self.table = self.table.rename_columns([*safe, ROW])

    def column_of(self, header: str) -> str:
        """The safe column name of a header."""
        return f"c{self.headers.index(header)}"


def read_raw(path: Path, contract: Contract | None = None) -> RawTable:
    """Read one file by its suffix; ``contract`` (the table it is for) lets a workbook's sheet
    be chosen by its columns, Excel CPR numbers be repaired, and extra columns be ignored."""
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        return read_csv(path)
    if suffix in EXCEL_SUFFIXES:
        from tvaers.data.excel import read_excel

        return read_excel(path, contract)
    if suffix in PARQUET_SUFFIXES:
        from tvaers.data.parquet import read_parquet

        return read_parquet(path, contract)
    return _failed(
        path,
        ErrorCode.FORMAT_UNKNOWN,
        f"Filtypen '{suffix}' kendes ikke",
        "Gem filen som CSV, Excel (.xlsx) eller Parquet.",
    )


def read_ahead(files: list[tuple[Path, Contract]]) -> Iterator[RawTable]:
    """:func:`read_raw` of each file in turn, the next one read in a thread while the caller
    checks this one (reading and decoding leave a core idle while DuckDB checks; at most two
    files are in memory at once)."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="tvaers-read") as pool:
        pending = [pool.submit(read_raw, path, contract) for path, contract in files[:1]]
        for i in range(len(files)):
            raw = pending.pop().result()
            if i + 1 < len(files):
                pending.append(pool.submit(read_raw, *files[i + 1]))
            yield raw


def not_a_file(path: Path) -> Issue | None:
    """The problem with a folder entry named like a table that is no plain file: a symbolic link
    (never followed: it may point anywhere, such as /etc/passwd), a folder, or anything else."""
    if path.is_symlink():
        message = f"'{path.name}' er en genvej (et symbolsk link), ikke en fil"
        hint = "Læg en kopi af selve filen i mappen; Tværs følger ikke links."
    elif path.is_dir():
        message = f"'{path.name}' er en mappe, ikke en fil"
        hint = "Læg filen med tabellens data i mappen under dette navn, eller omdøb mappen."
    elif not path.is_file():
        message = f"'{path.name}' er ikke en almindelig fil"
        hint = "Læg en almindelig fil (CSV, Excel eller Parquet) i mappen under dette navn."
    else:
        return None
    return _file_issue(path, ErrorCode.FILE_UNREADABLE, message, hint)


def _file_issue(path: Path, code: ErrorCode, message: str, hint: str) -> Issue:
    """A problem with the file as a whole (row 0, no column)."""
    return Issue(path.name, 0, "", "", code, message, hint)


def _failed(
    path: Path, code: ErrorCode, message: str, hint: str, style: NumberStyle = NumberStyle.TYPED
) -> RawTable:
    return RawTable(path, None, style, issues=[_file_issue(path, code, message, hint)])


def _no_rows(path: Path, rows: int, message: str, hint: str) -> list[Issue]:
    """The issue of a file with a header and no rows; none when it has rows."""
    return [] if rows else [_file_issue(path, ErrorCode.FILE_EMPTY, message, hint)]


def _unreadable(path: Path, what: str, exc: Exception, hint: str) -> RawTable:
    """A file the library cannot open (``what``: 'Excel-filen', …), with its complaint."""
    return _failed(
        path, ErrorCode.FILE_UNREADABLE, f"{what} kan ikke læses ({str(exc)[:120]})", hint
    )


def _utf16(head: bytes) -> str | None:
    """The UTF-16 codec of a file beginning with ``head``: by its byte order mark (Excel's
    «Unicode-tekst»), or, without one, by the zero byte in every other place that ASCII text
    such as a header row has in UTF-16. None for a file that is not UTF-16."""
    if head[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        return "utf-16"
    sample = head[: len(head) // 2 * 2]
    pairs = len(sample) // 2
    if pairs < 2:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if odd >= 0.9 * pairs and even == 0:
        return "utf-16-le"
    if even >= 0.9 * pairs and odd == 0:
        return "utf-16-be"
    return None


def detect_encoding(path: Path) -> str:
    """UTF-16 (:func:`_utf16`); else UTF-8 (with or without BOM) when the whole file decodes as
    UTF-8, else Windows-1252."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as handle:
        utf16 = _utf16(handle.read(64))
        if utf16:
            return utf16
        handle.seek(0)
        head = handle.read(3)
        bom = head == codecs.BOM_UTF8
        data = b"" if bom else head
        try:
            while True:
                decoder.decode(data)
                data = handle.read(_CHUNK)
                if not data:
                    decoder.decode(b"", final=True)
                    break
        except UnicodeDecodeError:
            return "cp1252"
    return "utf-8-sig" if bom else "utf-8"


_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]+")


def _has_utf8_letters(path: Path) -> bool:
    """Whether the file holds a UTF-8 multi-byte sequence anywhere (one scan in C, by chunk;
    a chunk carries the previous one's last bytes, so no sequence is split)."""
    tail = b""
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(_CHUNK), b""):
            if _UTF8_MULTIBYTE.search(tail + chunk):
                return True
            tail = chunk[-3:]
    return False


def mixed_encoding_row(path: Path) -> int | None:
    """For a file that is not UTF-8 throughout: the first row (header = 1) that is not UTF-8
    when other rows are UTF-8 with Danish letters — a file pasted together from two exports,
    which read as Windows-1252 would turn «æ» into «Ã¦» without a word. None otherwise."""
    if not _has_utf8_letters(path):  # most such files are Windows-1252 throughout
        return None
    utf8_seen, first_bad = False, None
    with path.open("rb") as handle:
        for number, line in enumerate(handle, start=1):  # only when UTF-8 failed: rare
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                first_bad = first_bad or number
                continue
            utf8_seen = utf8_seen or bool(_UTF8_MULTIBYTE.search(line))
    return first_bad if utf8_seen else None


def _header_line(path: Path, encoding: str) -> str:
    with path.open("r", encoding=encoding, errors="replace", newline="") as handle:
        for line in handle:
            if line.strip():
                return line.rstrip("\r\n")
    return ""


def _split_header(line: str, delimiter: str) -> list[str]:
    return [h.strip() for h in next(csv.reader([line], delimiter=delimiter))]


def read_csv(path: Path) -> RawTable:
    """CSV, international (``,`` and ``.``) or Danish Excel style (``;``, ``,`` decimals)."""
    if path.stat().st_size == 0 or not path.read_bytes()[:65536].strip(b"\xef\xbb\xbf \r\n\t"):
        return _failed(
            path,
            ErrorCode.FILE_EMPTY,
            "Filen er tom",
            "Eksportér filen igen med overskriftsrække og data.",
            NumberStyle.INTERNATIONAL,
        )
    encoding = detect_encoding(path)
    mixed = mixed_encoding_row(path) if encoding == "cp1252" else None
    if mixed is not None:
        message = "Filen blander tegnsæt: denne række er ikke UTF-8 som resten af filen"
        hint = "Gem hele filen som UTF-8 (eller hele som Windows-1252) og indlæs igen."
        issue = Issue(path.name, mixed, "", "", ErrorCode.ENCODING, message, hint)
        return RawTable(path, None, NumberStyle.INTERNATIONAL, issues=[issue])
    header = _header_line(path, encoding)
    counts = {d: header.count(d) for d in (";", ",", "\t")}
    delimiter = max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","
    style = NumberStyle.DANISH if delimiter == ";" else NumberStyle.INTERNATIONAL
    if delimiter == "\t":  # Excel's «Unicode-tekst» writes numbers as the user's Excel shows them
        style = _tab_style(path, encoding)
    headers = _split_header(header, delimiter)
    issues = _header_issues(path, headers)
    if issues:
        return RawTable(path, None, style, encoding, issues)
    skipped: list[int] = []
    on_invalid = _wrong_width(path, issues, skipped)

    try:
        table = pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(
                encoding=encoding,
                use_threads=False,
                block_size=_CHUNK,
                column_names=headers,
                skip_rows=1 + _blank_lines_before_header(path, encoding),
            ),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter,
                newlines_in_values=True,
                invalid_row_handler=on_invalid,
                ignore_empty_lines=True,
            ),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(headers, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
        code = (
            ErrorCode.ENCODING if isinstance(exc, UnicodeDecodeError) else ErrorCode.FILE_TRUNCATED
        )
        return _failed(
            path,
            code,
            f"Filen kan ikke læses som CSV ({str(exc)[:120]})",
            "Filen er måske afkortet eller har et uafsluttet anførselstegn; eksportér den igen.",
            style,
        )
    if table.num_rows == 0 and not skipped:
        issues.append(
            _file_issue(
                path,
                ErrorCode.FILE_EMPTY,
                "Filen har en overskriftsrække, men ingen data",
                "Eksportér filen igen med data.",
            )
        )
    rows = _row_numbers(table.num_rows, skipped)
    return RawTable(path, table.append_column(ROW, _int64(rows)), style, encoding, issues)


def _header_issues(path: Path, headers: list[str]) -> list[Issue]:
    """An empty or repeated column name in the header row (nothing can be read then)."""
    dupes = sorted({h for h in headers if headers.count(h) > 1})
    if not dupes and all(h.strip() for h in headers):
        return []
    return [
        Issue(
            path.name,
            1,
            name,
            "",
            ErrorCode.COLUMN_DUPLICATE,
            "Overskriftsrækken har en tom eller gentaget kolonne",
            "Giv hver kolonne et entydigt navn.",
        )
        for name in dupes or [""]
    ]


def _wrong_width(
    path: Path, issues: list[Issue], skipped: list[int]
) -> Callable[[pacsv.InvalidRow], str]:
    """Arrow's handler for a row of the wrong width: note it (the first 1,000) and skip it."""

    def on_invalid(row: pacsv.InvalidRow) -> str:
        number = row.number or 0
        skipped.append(number)
        if len(issues) < 1000:
            issues.append(
                Issue(
                    path.name,
                    number,
                    "",
                    row.text[:60],
                    ErrorCode.ROW_WIDTH,
                    f"Rækken har {row.actual_columns} felter, men overskriften har "
                    f"{row.expected_columns}",
                    "Filen kan være afkortet eller have et skilletegn for meget; "
                    "tjek rækken i Excel.",
                )
            )
        return "skip"

    return on_invalid


_DANISH_DECIMAL = re.compile(r"(?:^|\t)-?(?:\d{1,3}(?:\.\d{3})+|\d+),\d+(?:\t|$)")
_DOT_DECIMAL = re.compile(r"(?:^|\t)-?\d+\.\d{1,2}(?:\t|$)")


def _tab_style(path: Path, encoding: str) -> NumberStyle:
    """The number style of a tab-separated file, from its first 200 lines: Danish when numbers
    are written ``1.234,50`` or ``1234,50`` and none ``1234.50``; international otherwise."""
    with path.open("r", encoding=encoding, errors="replace", newline="") as handle:
        lines = [line.rstrip("\r\n") for _, line in zip(range(200), handle, strict=False)]
    danish = any(_DANISH_DECIMAL.search(line) for line in lines)
    dotted = any(_DOT_DECIMAL.search(line) for line in lines)
    return NumberStyle.DANISH if danish and not dotted else NumberStyle.INTERNATIONAL


def _blank_lines_before_header(path: Path, encoding: str) -> int:
    count = 0
    with path.open("r", encoding=encoding, errors="replace", newline="") as handle:
        for line in handle:
            if line.strip():
                return count
            count += 1
    return count


def _row_numbers(n: int, skipped: list[int]) -> np.ndarray:
    """Excel row numbers of the ``n`` kept records (header = row 1; skipped rows keep theirs)."""
    rows = np.arange(2, n + 2, dtype=np.int64)
    if skipped:
        gaps = np.sort(np.asarray(skipped, dtype=np.int64))
        # the k-th kept record moves down by the number of skipped rows at or before its place
        rows = rows + np.searchsorted(gaps - np.arange(len(gaps)), rows, side="right")
    return rows


def _int64(numbers: np.ndarray) -> pa.Array:
    """An Arrow column of row numbers on numpy's buffer: ``pa.array`` of numpy (or Python)
    values imports pandas, 0.3 s at the first file a process reads."""
    numbers = np.ascontiguousarray(numbers, dtype=np.int64)
    return pa.Array.from_buffers(pa.int64(), len(numbers), [None, pa.py_buffer(numbers)])
