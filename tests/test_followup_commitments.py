"""Commitments at CPR level per month (tvaers.followup.commitments), both sources, to the øre.

The mini municipality gets a ``commitments`` file of its own (four commitments) and two grants in
the store. Each expected amount is worked out by hand below.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import ibis
import pytest

from tvaers.core.config import Settings
from tvaers.core.cpr import Pseudonymiser
from tvaers.core.periods import Period
from tvaers.data.importer import import_folder
from tvaers.draw.session import Analysis, opened
from tvaers.followup.commitments import COLUMNS, committed_months, imported_months
from tvaers.store.database import make_engine, sessions
from tvaers.store.models import Solution
from tvaers.store.models_principles import Grant, GrantCommitment

from .conftest import analytics_rows

COMMITMENTS = """cpr,intervention,start_date,end_date,monthly_amount,units_per_month
0303184012,015025,2025-01-01,2025-03-31,51000.00,
1207154007,015011,2025-02-10,,,20
150385-1236,LAB31,2025-01-31,2025-05-01,1234.57,
2505901122,SEL85,2025-02-22,2025-02-28,10.02,
"""
FIRST_HALF = Period.between(date(2025, 1, 1), date(2025, 6, 30))


def _month(number: int) -> date:
    return date(2025, number, 1)


@pytest.fixture
def loaded(settings: Settings, mini: Path) -> dict[str, str]:
    """The mini municipality with the commitments above and a price rise for family treatment
    (015011) on 1 April 2025; two grants in the store. Returns the names used in the tests."""
    (mini / "commitments.csv").write_text(COMMITMENTS, encoding="utf-8")
    with (mini / "unit_prices.csv").open("a", encoding="utf-8") as prices:
        prices.write("015011,2025-04-01,710.00,leverandørtakst\n")
    import_folder(mini, settings)
    key = Pseudonymiser(settings.key_bytes)
    names = {cpr: key.pseudonym(cpr) for cpr in
             ("0303184012", "1207154007", "1503851236", "2505901122", "0202861118")}  # fmt: skip
    people = dict(analytics_rows(settings, "citizens", "citizen, family"))
    names["family"] = people[names["1503851236"]]
    assert names["family"] and people[names["0202861118"]] == names["family"]
    engine = make_engine(settings.store_url)
    with sessions(engine)() as session:
        solution = Solution(name="Fælles om målet", data={})
        session.add(solution)
        session.flush()
        citizen_grant = _grant(solution.id, "citizen", names["0202861118"], "015011", "children",
                               date(2025, 3, 1))  # fmt: skip
        family_grant = _grant(solution.id, "family", names["family"], "SEL85", "adults",
                              date(2025, 5, 15))  # fmt: skip
        session.add_all([citizen_grant, family_grant])
        session.flush()
        session.add_all(
            [
                # March: 5,000.00 to children; April split 5,000.00 children + 1,000.00
                # employment, then ended at the end of March: -5,000.00 children in April.
                _committed(citizen_grant, _month(3), "children", 500_000),
                _committed(citizen_grant, _month(4), "children", 500_000),
                _committed(citizen_grant, _month(4), "employment", 100_000),
                _committed(citizen_grant, _month(4), "children", -500_000),
                _committed(citizen_grant, _month(7), "children", 500_000),  # after the period
                _committed(family_grant, _month(5), "adults", 123_456),
                _committed(family_grant, _month(6), "adults", 200_000),
            ]
        )
        session.commit()
    engine.dispose()
    return names


def _grant(solution: int, unit: str, subject: str, code: str, area: str, start: date) -> Grant:
    return Grant(
        solution_id=solution, unit=unit, subject=subject, intervention=code,
        intervention_name=code, sector_area=area, granting=area, paying=area, monthly_ore=0,
        start_date=start, end_date=date(2025, 12, 31), total_ore=0, per_year_ore=0,
        justification="-", expected_effect="-", level="team", level_name="Team",
        requirements=[], shares=[[area, "100%"]], status="approved", proposed_by="sagsbehandler",
    )  # fmt: skip


def _committed(grant: Grant, month: date, area: str, ore: int) -> GrantCommitment:
    return GrantCommitment(grant_id=grant.id, month=month, sector_area=area, amount_ore=ore,
                           share="100%")  # fmt: skip


def _rows(settings: Settings, **kwargs: object) -> set[tuple[object, ...]]:
    engine = make_engine(settings.store_url)
    with opened(settings) as analysis, sessions(engine)() as session:
        expr = committed_months(analysis, session, FIRST_HALF, **kwargs)  # type: ignore[arg-type]
        assert tuple(expr.columns) == COLUMNS
        assert str(expr.schema()["amount"]) == "decimal(18, 2)"
        assert str(expr.schema()["month"]) == "date"
        table = analysis.backend.to_pyarrow(expr)
    engine.dispose()
    rows = [tuple(r.values()) for r in table.to_pylist()]
    assert len(rows) == len(set(rows))
    return set(rows)


def _expected(names: dict[str, str]) -> set[tuple[object, ...]]:
    d = Decimal
    placed, treated, mentored, supported = (
        names["0303184012"], names["1207154007"], names["1503851236"], names["2505901122"]
    )  # fmt: skip
    jan, jan31, feb10, feb22 = (
        date(2025, 1, 1),
        date(2025, 1, 31),
        date(2025, 2, 10),
        date(2025, 2, 22),
    )
    return {
        # a monthly amount in whole months, January to March (end 31 March included)
        *((placed, None, "children", "015025", _month(m), d("51000.00"), jan, "import")
          for m in (1, 2, 3)),
        # 20 hours a month from 10 February, open-ended: to June, the period's end.
        # February: 20 x 705.50 = 14,110.00 x 19/28 days = 9,574.642857... -> 9,574.64;
        # March: 14,110.00; April to June at the new price: 20 x 710.00 = 14,200.00
        (treated, None, "children", "015011", _month(2), d("9574.64"), feb10, "import"),
        (treated, None, "children", "015011", _month(3), d("14110.00"), feb10, "import"),
        *((treated, None, "children", "015011", _month(m), d("14200.00"), feb10, "import")
          for m in (4, 5, 6)),
        # from the last day of January to the first of May: 1,234.57 x 1/31 = 39.8248... ->
        # 39.82 in January and in May, the whole amount in February to April
        (mentored, None, "employment", "LAB31", _month(1), d("39.82"), jan31, "import"),
        *((mentored, None, "employment", "LAB31", _month(m), d("1234.57"), jan31, "import")
          for m in (2, 3, 4)),
        (mentored, None, "employment", "LAB31", _month(5), d("39.82"), jan31, "import"),
        # 7 of February's 28 days of 10.02: 1,002 øre / 4 = 250.5 -> 250 (half to even)
        (supported, None, "adults", "SEL85", _month(2), d("2.50"), feb22, "import"),
        # the citizen's grant: March 5,000.00; April's children part ended (sums to 0: left
        # out), the employment part stays; July is outside the period
        (names["0202861118"], None, "children", "015011", _month(3), d("5000.00"),
         date(2025, 3, 1), "grant"),
        (names["0202861118"], None, "employment", "015011", _month(4), d("1000.00"),
         date(2025, 3, 1), "grant"),
        # the family's grant: no citizen, the family code
        (None, names["family"], "adults", "SEL85", _month(5), d("1234.56"), date(2025, 5, 15),
         "grant"),
        (None, names["family"], "adults", "SEL85", _month(6), d("2000.00"), date(2025, 5, 15),
         "grant"),
    }  # fmt: skip


def test_both_sources_per_month_to_the_ore(settings: Settings, loaded: dict[str, str]) -> None:
    assert _rows(settings) == _expected(loaded)


def test_known_by_keeps_what_had_started(settings: Settings, loaded: dict[str, str]) -> None:
    """As of 15 February 2025: the commitments that started on 1 and 31 January and 10 February;
    not the one of 22 February, nor the grants (1 March, 15 May)."""
    rows = _rows(settings, known_by=date(2025, 2, 15))
    assert rows == {r for r in _expected(loaded) if r[6] <= date(2025, 2, 15)}
    assert {r[0] for r in rows} == {loaded[c] for c in ("0303184012", "1207154007", "1503851236")}


def test_citizens_keep_their_own_and_their_familys(
    settings: Settings, loaded: dict[str, str]
) -> None:
    """Two citizens of the family of 150385-1236: their own commitments and the family's grant."""
    wanted = ibis.memtable({"citizen": [loaded["1503851236"], loaded["0202861118"]]})
    rows = _rows(settings, citizens=wanted)
    kept = {loaded["1503851236"], loaded["0202861118"]}
    assert rows == {r for r in _expected(loaded) if r[0] in kept or r[1] == loaded["family"]}
    assert any(r[1] == loaded["family"] for r in rows)


def test_data_imported_before_commitments_were_in_the_contract_have_none() -> None:
    """An analytics file from before the commitments table: no imported commitments, no error."""
    backend = ibis.duckdb.connect()
    backend.raw_sql(
        "CREATE TABLE interventions (intervention VARCHAR, sector_area VARCHAR); "
        "CREATE TABLE unit_prices (intervention VARCHAR, valid_from DATE, price DECIMAL(18,2))"
    )
    expr = imported_months(Analysis(backend), FIRST_HALF)
    assert tuple(expr.columns) == COLUMNS
    assert backend.to_pyarrow(expr).num_rows == 0
