"""Core rules: money splits to the øre, CPR validation and pseudonyms, months."""

from __future__ import annotations

from datetime import UTC, date, datetime, tzinfo
from decimal import Decimal

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tvaers.core import periods
from tvaers.core.cpr import (
    InvalidCpr,
    Pseudonymiser,
    as_letters,
    birth_date,
    birth_date_sql,
    digest_sql,
    is_valid,
    mask,
    pseudonym_sql,
)
from tvaers.core.money import format_dkk, from_ore, kroner, split_largest_remainder, to_ore
from tvaers.core.periods import Month, danish_date, months_between


@given(
    st.integers(min_value=-(10**12), max_value=10**12),
    st.lists(st.integers(min_value=0, max_value=10**9), min_size=1, max_size=30).filter(any),
)
def test_split_sums_exactly_and_is_fair(total: int, weights: list[int]) -> None:
    parts = split_largest_remainder(total, weights)
    assert sum(parts) == total
    weight_sum = sum(weights)
    for part, weight in zip(parts, weights, strict=True):
        exact = Decimal(total) * weight / weight_sum
        assert abs(Decimal(part) - exact) < 1  # never more than one øre from the exact share
        if weight == 0:
            assert part == 0


def test_split_examples() -> None:
    assert split_largest_remainder(100, [1, 1, 1]) == [34, 33, 33]
    assert split_largest_remainder(-100, [1, 1, 1]) == [-34, -33, -33]
    assert split_largest_remainder(1_500_000_00, [3, 1]) == [1_125_000_00, 375_000_00]
    # exact ties: 2 x 4/6 = 1 1/3 and 2 x 1/6 = 1/3 -> remainders 1/3, 1/3, 1/3: first wins
    assert split_largest_remainder(2, [4, 1, 1]) == [2, 0, 0]
    assert split_largest_remainder(1, [Decimal("0.1"), Decimal("0.2"), Decimal("0.7")]) == [0, 0, 1]
    with pytest.raises(ValueError, match="summer til 0"):
        split_largest_remainder(100, [0, 0])


def test_money_is_exact() -> None:
    assert kroner("1234.50") == Decimal("1234.50")
    assert to_ore(Decimal("0.10")) + to_ore(Decimal("0.20")) == to_ore(Decimal("0.30"))
    assert from_ore(-635960) == Decimal("-6359.60")
    assert format_dkk(Decimal("-1234567.5")) == "-1.234.567,50 kr."
    with pytest.raises(ValueError):
        kroner("1.005")


@pytest.mark.parametrize(
    ("cpr", "born"),
    [
        ("0101901234", date(1990, 1, 1)),  # digit 7 = 1: 1900s
        ("010136-4000", date(2036, 1, 1)),  # digit 7 = 4, YY <= 36: 2000s
        ("0101374000", date(1937, 1, 1)),  # digit 7 = 4, YY 37-99: 1900s
        ("0101579000", date(1957, 1, 1)),  # digit 7 = 9, YY 37-57: 1900s
        ("0101575000", date(2057, 1, 1)),  # digit 7 = 5, YY <= 57: 2000s
        ("0101588000", date(1858, 1, 1)),  # digit 7 = 8, YY >= 58: 1800s
        ("2902004000", date(2000, 2, 29)),  # leap day in a leap year
        ("0101160001", date(1916, 1, 1)),  # no modulus-11 requirement
    ],
)
def test_century_rule(cpr: str, born: date) -> None:
    assert birth_date(cpr) == born


@pytest.mark.parametrize(
    "cpr", ["3102901234", "2902011234", "0113901234", "010190123", "01019O1234", ""]
)
def test_invalid_cpr_numbers(cpr: str) -> None:
    assert not is_valid(cpr)
    with pytest.raises(InvalidCpr):
        birth_date(cpr)


cprs = st.builds(
    lambda d, m, y, serial: f"{d:02d}{m:02d}{y:02d}{serial:04d}",
    st.integers(1, 31),
    st.integers(1, 12),
    st.integers(0, 99),
    st.integers(0, 9999),
).filter(is_valid)


@settings(deadline=None)  # the first DuckDB connection of a process may take longer than 200 ms
@given(st.lists(cprs, min_size=1, max_size=20))
def test_sql_matches_python_for_birth_dates_and_pseudonyms(numbers: list[str]) -> None:
    p = Pseudonymiser(b"a secret key of sufficient length")
    con = duckdb.connect()
    rows = con.execute(
        f"SELECT x, {birth_date_sql('x')}, {pseudonym_sql('x')} FROM unnest(?) t(x)",
        [*p.sql_parameters(), numbers],
    ).fetchall()
    for number, born, pseudonym in rows:
        assert born == birth_date(number)
        assert pseudonym == p.pseudonym(number)
        assert pseudonym.isalpha() and len(pseudonym) == 20


@settings(deadline=None)
@given(st.lists(cprs, min_size=1, max_size=20), st.integers(0, 3))
def test_digests_written_as_letters_are_the_pseudonyms(numbers: list[str], cut: int) -> None:
    """The import's way (DuckDB's digests, their letters in one pass over the column's bytes,
    also of a column in pieces) gives each number's pseudonym, as the Python does."""
    import pyarrow as pa

    p = Pseudonymiser(b"a secret key of sufficient length")
    digests = (
        duckdb.connect()
        .sql(
            f"SELECT {digest_sql('x')} AS d FROM unnest(?) t(x)",
            params=[*p.sql_parameters(), numbers],
        )
        .to_arrow_table()
        .column("d")
    )
    cut = min(cut, len(digests))
    pieces = pa.chunked_array([digests.slice(0, cut), digests.slice(cut)], pa.string())
    for column in (digests, pieces):
        assert as_letters(column).to_pylist() == [p.pseudonym(n) for n in numbers]
    assert as_letters(pa.array([None, "0af9"], pa.string())).to_pylist() == [None, "akpj"]


def test_pseudonyms_are_keyed_and_stable() -> None:
    a, b = Pseudonymiser(b"key one, long enough"), Pseudonymiser(b"key two, long enough")
    assert a.pseudonym("010190-1234") == a.pseudonym("0101901234")
    assert a.pseudonym("0101901234") != b.pseudonym("0101901234")
    assert mask("0101901234") == "010190-****"


def test_months() -> None:
    assert str(Month(2025, 12).next()) == "2026-01"
    assert Month(2024, 2).days == 29
    assert [str(m) for m in months_between(date(2024, 11, 15), date(2025, 2, 1))] == [
        "2024-11", "2024-12", "2025-01", "2025-02",
    ]  # fmt: skip
    assert Month(2025, 3).danish() == "marts 2025"


def test_today_is_the_danish_date_when_the_server_runs_on_utc(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """At 23:30 UTC on 29 November it is already 30 November in Denmark: a selection basis
    valid from today must count from the Danish date."""

    class LateEvening(datetime):
        @classmethod
        def now(cls, tz: tzinfo | None = None) -> LateEvening:
            moment = datetime(2026, 11, 29, 23, 30, tzinfo=UTC)
            found = moment.astimezone(tz) if tz is not None else moment.replace(tzinfo=None)
            return cls.fromtimestamp(found.timestamp(), found.tzinfo)

    monkeypatch.setattr(periods, "datetime", LateEvening)
    assert periods.today() == date(2026, 11, 30)
    assert danish_date(periods.today()) == "30. november 2026"
    assert danish_date(date(2026, 2, 1)) == "1. februar 2026"


def test_a_typed_cpr_number_born_in_the_future_is_refused() -> None:
    """Issue 10 (low): 0101304000 decodes to 1 January 2030 by the century rule; as a number
    somebody types (web, command line) it is refused, like at import."""
    from tvaers.core.cpr import InvalidCpr, birth_date, checked, is_valid

    assert birth_date("0101304000").year == 2030  # the century rule itself is unchanged
    with pytest.raises(InvalidCpr, match="i fremtiden"):
        checked("0101304000")
    assert not is_valid("010130-4000") and is_valid("150385-1236")
