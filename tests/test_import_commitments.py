"""The ``commitments`` table of the data contract: validated like every other table, all or
nothing, pseudonymised at the import boundary, and a re-import changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from tvaers.core.config import Settings
from tvaers.core.cpr import Pseudonymiser
from tvaers.core.errors import ErrorCode, ImportRejected
from tvaers.data.importer import import_folder

from .conftest import analytics_rows, snapshot

GOOD = """cpr;indsats;startdato;slutdato;beløb pr. måned;antal pr. måned;sagsbehandler
030318-4012;015025;01-01-2025;31-12-2025;51.000,00;;BF07
1207154007;015011;10-02-2025;;;20;BF07
"""


def test_commitments_are_imported_pseudonymised_and_reimport_changes_nothing(
    sqlite_settings: Settings, mini: Path
) -> None:
    """A Danish Excel CSV with Danish headers: amounts and units as written, CPR numbers only as
    pseudonyms; the same folder again is no new batch and changes no row."""
    (mini / "disponeringer.csv").write_text(GOOD, encoding="cp1252")
    first = import_folder(mini, sqlite_settings)
    assert {(t.table, t.rows) for t in first.tables if t.table == "commitments"} == {
        ("commitments", 2)
    }
    key = Pseudonymiser(sqlite_settings.key_bytes)
    rows = analytics_rows(
        sqlite_settings,
        "commitments",
        "citizen, intervention, start_date::VARCHAR, end_date::VARCHAR, "
        "monthly_amount::VARCHAR, units_per_month::VARCHAR, caseworker",
    )
    assert sorted(rows) == sorted(
        [
            (key.pseudonym("0303184012"), "015025", "2025-01-01", "2025-12-31", "51000.00", None,
             "BF07"),
            (key.pseudonym("1207154007"), "015011", "2025-02-10", None, None, "20.0000", "BF07"),
        ]
    )  # fmt: skip
    before = snapshot(sqlite_settings)
    again = import_folder(mini, sqlite_settings)
    assert again.batch_id is None and not again.changed
    assert snapshot(sqlite_settings) == before


BAD = """cpr,intervention,start_date,end_date,monthly_amount,units_per_month
0303184012,015025,2025-03-01,2025-02-28,51000.00,
1207154007,015011,2025-02-10,,,
1207154007,015011,2025-02-10,,100.00,20
0303184012,NOPE,2025-01-01,,100.00,
0101010101,015025,2025-01-01,,100.00,
0303184012,015025,2025-01-01,,-5.00,
"""


def test_bad_commitments_are_refused_in_danish_and_nothing_is_loaded(
    sqlite_settings: Settings, mini: Path
) -> None:
    import_folder(mini, sqlite_settings)
    before = snapshot(sqlite_settings)
    (mini / "commitments.csv").write_text(BAD, encoding="utf-8")
    with pytest.raises(ImportRejected) as caught:
        import_folder(mini, sqlite_settings)
    found = {(i.file, i.row, i.column, i.code) for i in caught.value.issues}
    assert found == {
        ("commitments.csv", 2, "end_date", ErrorCode.PERIOD_REVERSED),
        ("commitments.csv", 3, "monthly_amount", ErrorCode.VALUE_REQUIRED),
        ("commitments.csv", 4, "units_per_month", ErrorCode.CODE_INVALID),
        ("commitments.csv", 5, "intervention", ErrorCode.UNKNOWN_INTERVENTION),
        ("commitments.csv", 6, "cpr", ErrorCode.UNKNOWN_CITIZEN),
        ("commitments.csv", 7, "monthly_amount", ErrorCode.NUMBER_INVALID),
    }
    messages = {i.row: i.message for i in caught.value.issues}
    assert messages[2] == "Disponeringen slutter, før den starter"
    assert messages[3] == "Disponeringen har hverken beløb pr. måned eller enheder pr. måned"
    assert messages[4] == "Disponeringen har både beløb pr. måned og enheder pr. måned"
    assert messages[7] == "En disponering kan ikke være negativ"
    assert all("0101010101" not in i.value for i in caught.value.issues)  # masked: 010101-****
    assert snapshot(sqlite_settings) == before


def test_a_commitments_file_without_amount_or_units_is_refused(
    sqlite_settings: Settings, mini: Path
) -> None:
    (mini / "commitments.csv").write_text(
        "cpr,intervention,start_date\n0303184012,015025,2025-01-01\n", encoding="utf-8"
    )
    with pytest.raises(ImportRejected) as caught:
        import_folder(mini, sqlite_settings)
    (issue,) = caught.value.issues
    assert (issue.row, issue.code) == (1, ErrorCode.COLUMN_MISSING)
    assert "'monthly_amount' eller 'units_per_month'" in issue.message
