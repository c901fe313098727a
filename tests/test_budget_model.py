"""Focus point 5's pure rules: Albertslund's worked example (DOMAIN.md §3.5), the efficiency
requirement's split by every rule, harvesting up front against as realised, and volume/price —
each exact to the øre, with property tests."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tvaers.budget.model import (
    BudgetError,
    SplitRule,
    compare_harvest,
    compare_rules,
    settle,
    split_requirement,
    variance,
)
from tvaers.principles.model import SOLUTION_BUDGET, shares_of

MIO = Decimal(1_000_000)
# Albertslund's planned model (VIVE figure 5.1; slide 22), mio. kr.
ALBERTSLUND = {
    "sygedagpenge": (Decimal("5.0"), Decimal("8.0")),
    "anbringelse": (Decimal("4.0"), Decimal("3.0")),
    "koersel_ppr": (Decimal("0.0"), Decimal("2.0")),
    "specialundervisning": (Decimal("10.0"), Decimal("5.0")),
    "familiebehandling": (Decimal("2.5"), Decimal("2.0")),
}


def _albertslund(requirement: Decimal = Decimal("1.5")):  # type: ignore[no-untyped-def]
    baseline = {a: (b * MIO).quantize(Decimal("0.01")) for a, (b, _) in ALBERTSLUND.items()}
    actual = {a: (n * MIO).quantize(Decimal("0.01")) for a, (_, n) in ALBERTSLUND.items()}
    return settle(baseline, actual, requirement * MIO)


def test_albertslund_worked_example_ends_at_zero() -> None:
    found = _albertslund()
    assert [a.change / MIO for a in found.areas] == [3, -1, 2, -5, Decimal("-0.5")]
    assert found.total_change == Decimal("-1500000.00")
    # −1.5 − 3.0 + 1.0 − 2.0 + 0.5 + 5.0 = 0: the 1.5 mio. kr. saved exactly meet the requirement
    assert found.cross_cutting_end == 0
    assert found.requirement_met and found.shortfall == 0


def test_a_smaller_saving_leaves_the_line_negative() -> None:
    found = _albertslund(Decimal("2.0"))
    assert found.cross_cutting_end == Decimal("-500000.00")
    assert not found.requirement_met and found.shortfall == Decimal("500000.00")


def test_a_negative_requirement_is_refused_in_danish() -> None:
    with pytest.raises(BudgetError, match="negativt"):
        settle({"a": Decimal(1)}, {"a": Decimal(1)}, Decimal(-1))


AMOUNTS = st.integers(-(10**12), 10**12).map(lambda o: Decimal(o) / 100)
AREAS = st.lists(
    st.sampled_from(["a", "b", "c", "d", "e", "f"]), min_size=1, max_size=6, unique=True
)


@settings(max_examples=300, deadline=None)
@given(data=st.data(), areas=AREAS, requirement=st.integers(0, 10**12))
def test_settlement_balances_exactly(
    data: st.DataObject, areas: list[str], requirement: int
) -> None:
    baseline = {a: data.draw(AMOUNTS) for a in areas}
    actual = {a: data.draw(AMOUNTS) for a in areas}
    found = settle(baseline, actual, Decimal(requirement) / 100)
    assert found.cross_cutting_end + found.total_change == -found.requirement
    assert sum((a.baseline + a.change for a in found.areas), Decimal(0)) == sum(actual.values())


@settings(max_examples=300, deadline=None)
@given(data=st.data(), areas=AREAS, ore=st.integers(0, 10**12))
def test_every_rule_splits_the_requirement_exactly(
    data: st.DataObject, areas: list[str], ore: int
) -> None:
    amount = Decimal(ore) / 100
    weights = {a: Decimal(data.draw(st.integers(0, 10**10))) / 100 for a in areas}
    if not any(weights.values()):
        weights[areas[0]] = Decimal(1)
    shares = shares_of([(a, f"1/{len(areas)}") for a in areas])
    for rule in SplitRule:
        parts = split_requirement(
            amount, rule, baseline=weights, expected_gain=weights, shares=shares
        )
        assert sum(p.amount for p in parts) == amount, rule
        assert all(p.amount >= 0 for p in parts)


def test_rules_side_by_side() -> None:
    baseline = {"children": Decimal("3000000"), "employment": Decimal("1000000")}
    gain = {"children": Decimal("100"), "employment": Decimal("300")}
    shares = shares_of([("children", "50%"), ("employment", "50%")])
    found = compare_rules(
        Decimal("1000000.01"), baseline=baseline, expected_gain=gain, shares=shares
    )
    amounts = {
        r: [(p.sector_area, p.amount) for p in v]
        for r, v in found.items()
        if not isinstance(v, BudgetError)
    }
    assert amounts[SplitRule.BASELINE] == [
        ("children", Decimal("750000.01")),
        ("employment", Decimal("250000.00")),
    ]
    assert amounts[SplitRule.EXPECTED_GAIN] == [
        ("children", Decimal("250000.00")),
        ("employment", Decimal("750000.01")),
    ]
    assert amounts[SplitRule.FIXED] == [
        ("children", Decimal("500000.01")),
        ("employment", Decimal("500000.00")),
    ]
    assert amounts[SplitRule.SOLUTION] == [(SOLUTION_BUDGET, Decimal("1000000.01"))]
    missing = compare_rules(Decimal(10), baseline={"a": Decimal(0)})
    assert isinstance(missing[SplitRule.BASELINE], BudgetError)
    assert "0 for alle" in missing[SplitRule.BASELINE].message


def test_harvest_up_front_puts_the_risk_on_the_areas() -> None:
    found = _albertslund(Decimal("2.0"))
    parts = split_requirement(
        Decimal("2000000"),
        SplitRule.FIXED,
        shares=shares_of([("sygedagpenge", "50%"), ("specialundervisning", "50%")]),
    )
    both = compare_harvest(found, parts)
    rows = {r.sector_area: r for r in both.rows}
    assert rows["sygedagpenge"].upfront_adjustment == Decimal("-1000000.00")
    # 5.0 budget − 1.0 cut − 8.0 spent: the area ends 4.0 mio. kr. short
    assert rows["sygedagpenge"].upfront_balance == Decimal("-4000000.00")
    assert rows["specialundervisning"].upfront_balance == Decimal("4000000.00")
    assert both.upfront_cross_cutting == 0
    assert both.upfront_areas_result + both.upfront_cross_cutting == both.as_realised_cross_cutting


UNITS = st.integers(0, 10**9).map(lambda u: Decimal(u) / 10_000)
PRICES = st.integers(0, 10**11).map(lambda o: Decimal(o) / 100)


@settings(max_examples=500, deadline=None)
@given(qb=UNITS, pb=PRICES, qa=UNITS, pa=PRICES)
def test_volume_and_price_sum_to_the_variance(
    qb: Decimal, pb: Decimal, qa: Decimal, pa: Decimal
) -> None:
    found = variance(qb, pb, qa, pa)
    assert found.volume + found.price == found.variance
    assert found.planned + found.variance == found.actual
    assert abs(found.price - (pa - pb) * qa) <= Decimal("0.015")
    assert found.variance.as_tuple().exponent == -2


def test_variance_by_hand() -> None:
    # planned 10 full-year persons at 500.000 kr.; actual 12 at 450.000 kr.
    found = variance(Decimal(10), Decimal(500000), Decimal(12), Decimal(450000))
    assert (found.variance, found.volume, found.price) == (
        Decimal(400000),
        Decimal(1000000),
        Decimal(-600000),
    )
