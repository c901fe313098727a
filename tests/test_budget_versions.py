"""Two users saving the same record at the same moment (focus point 5's versioned tables): both
compute the same next version; the database keeps the first and the second is told in Danish,
with nothing of it kept — on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tvaers.budget.model import BudgetError
from tvaers.budget.versions import add_version, newest_per, next_version
from tvaers.core.config import Settings
from tvaers.core.errors import ErrorCode
from tvaers.store.database import make_engine, sessions, upgrade
from tvaers.store.models_budget import BudgetFrame, InvestmentCase


def _case(version: int, who: str) -> InvestmentCase:
    return InvestmentCase(name="Familier i centrum", data={"by": who}, version=version,
                          changed_by=who, note="")  # fmt: skip


def test_the_second_of_two_simultaneous_saves_is_refused(settings: Settings) -> None:
    engine = make_engine(settings.store_url)
    upgrade(engine)
    made = sessions(engine)
    try:
        with made() as first, made() as second:
            one = next_version(first, InvestmentCase, name="Familier i centrum")
            two = next_version(second, InvestmentCase, name="Familier i centrum")
            assert one == two == 1
            add_version(first, _case(one, "a"), "casen")
            first.commit()
            with pytest.raises(BudgetError) as refused:
                add_version(second, _case(two, "b"), "casen")
            assert refused.value.code is ErrorCode.DECIDED_ELSEWHERE
            assert "samtidig med dig; din ændring er ikke gemt" in refused.value.message
            second.commit()  # the caller's transaction goes on: nothing of b is in it
        with made() as session:
            kept = session.scalars(select(InvestmentCase)).all()
            assert [(c.version, c.data) for c in kept] == [(1, {"by": "a"})]
            assert next_version(session, InvestmentCase, name="Familier i centrum") == 2
    finally:
        engine.dispose()


def test_newest_per_key(settings: Settings) -> None:
    engine = make_engine(settings.store_url)
    upgrade(engine)
    try:
        with sessions(engine)() as session:
            for year, name, version, areas in ((2026, "A", 1, ["x"]), (2026, "A", 2, ["y"]),
                                               (2026, "B", 1, ["z"]), (2027, "A", 3, ["w"])):  # fmt: skip
                add_version(session, BudgetFrame(year=year, name=name, steering="firm",
                                                 areas=areas, version=version, changed_by="t",
                                                 note=""), "rammen")  # fmt: skip
            found = newest_per(session, BudgetFrame, ["name"], BudgetFrame.year == 2026)
            assert sorted((f.name, f.areas) for f in found) == [("A", ["y"]), ("B", ["z"])]
            assert session.scalar(select(func.count()).select_from(BudgetFrame)) == 4
    finally:
        engine.dispose()
