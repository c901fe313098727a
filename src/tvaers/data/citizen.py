"""One citizen's loaded data, as the citizen page shows it: family and birth date, postings,
activities and outcomes. Person-level: the caller has passed :func:`tvaers.access.person`."""

from __future__ import annotations

from typing import Any

from tvaers.core.config import Settings
from tvaers.engine.reader import reader

QUERIES = {
    "citizen": "SELECT family, birth_date FROM citizens WHERE citizen = ?",
    "postings": "SELECT posting_date, amount, function_code, intervention, text FROM postings "
    "WHERE citizen = ? ORDER BY posting_date",
    "activities": "SELECT a.intervention, i.name, a.start_date, a.end_date, a.units_per_month, "
    "a.decided_by FROM activities a LEFT JOIN interventions i USING (intervention) "
    "WHERE a.citizen = ? ORDER BY a.start_date",
    "outcomes": "SELECT date, status, note FROM outcomes WHERE citizen = ? ORDER BY date",
}


def citizen_data(settings: Settings, citizen: str) -> dict[str, list[dict[str, Any]]]:
    """The citizen's rows per table (none for a table not loaded yet), over one read-only
    connection to the analytics file."""
    with reader(settings) as rows:
        return {name: rows(sql, [citizen]) for name, sql in QUERIES.items()}


def is_loaded(settings: Settings, citizen: str) -> bool:
    """Whether the citizen (pseudonym) is among the loaded citizens."""
    with reader(settings) as rows:
        return bool(rows(QUERIES["citizen"], [citizen]))
