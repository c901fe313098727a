"""A file that has been read and parsed for an import (:mod:`tvaers.data.validation`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tvaers.data.contracts import Contract
from tvaers.data.readers import NumberStyle


@dataclass
class Staged:
    """A file that has been read and parsed; ``typed`` holds its rows in stored form."""

    contract: Contract
    path: Path
    sha256: str
    style: NumberStyle
    headers: dict[str, str]  # contract column -> header in the file
    rows: int
    sheet: str = ""  # a workbook of several sheets: the one that was read

    @property
    def source(self) -> str:
        """The file as the user is told it was read: ``postings.xlsx (arket «Data»)``."""
        return f"{self.path.name} (arket «{self.sheet}»)" if self.sheet else self.path.name

    @property
    def table(self) -> str:
        return self.contract.table

    @property
    def parsed(self) -> str:
        return f"parsed_{self.table}"

    @property
    def typed(self) -> str:
        return f"typed_{self.table}"

    def header(self, column: str) -> str:
        return self.headers.get(column, column)
