"""Collecting validation problems: every problem counted, a readable number of each kind listed."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from tvaers.core import cpr
from tvaers.core.errors import ErrorCode, Issue

PER_KIND = 25  # rows shown per file, column and kind of problem


def redact(text: str) -> str:
    """Hide the serial of anything that looks like a CPR number: reports must not spread them."""
    return cpr.redact(text)


@dataclass
class IssueSink:
    issues: list[Issue] = field(default_factory=list)
    counts: Counter[tuple[str, str, ErrorCode]] = field(default_factory=Counter)

    def add(self, issue: Issue, count: int = 1) -> None:
        """Record ``count`` problems of this kind; list this one if the kind is not full."""
        kind = (issue.file, issue.column, issue.code)
        if self.counts[kind] < PER_KIND:
            self.issues.append(
                Issue(
                    issue.file,
                    issue.row,
                    issue.column,
                    redact(issue.value)[:80],
                    issue.code,
                    issue.message,
                    issue.hint,
                )
            )
        self.counts[kind] += count

    def add_unlisted(self, file: str, column: str, code: ErrorCode, count: int) -> None:
        """Count problems that a capped query did not return row by row."""
        if count > 0:
            self.counts[(file, column, code)] += count

    def extend(self, issues: list[Issue]) -> None:
        for issue in issues:
            self.add(issue)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def hidden(self) -> dict[tuple[str, str, ErrorCode], int]:
        """How many problems of each kind are counted but not listed."""
        return {k: n - PER_KIND for k, n in self.counts.items() if n > PER_KIND}

    def __bool__(self) -> bool:
        return self.total > 0
