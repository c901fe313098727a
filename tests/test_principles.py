"""Who grants and who pays (issue 12) through the library: VIVE's tables 4.1 and 4.2, the
competence plan's routing (property tests), exact splits, and a grant's way from proposal to
commitment on the mini municipality — on SQLite and PostgreSQL (the ``settings`` fixture)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from sqlalchemy import select

from tvaers.core.access import Role
from tvaers.core.money import from_ore
from tvaers.principles import service
from tvaers.principles.model import (
    Classification,
    GrantCost,
    Place,
    PrinciplesError,
    classify,
    shares_of,
    split,
)
from tvaers.principles.plan import Ceiling, CompetencePlan, Level, parse_plan
from tvaers.store.models import Solution

from .conftest import seeded_app

S, SH, A = Place.SOLUTION, Place.SHARED, Place.AREAS
SAMLET, DELVIST, ADSKILT = "samlet", "delvist samlet", "adskilt"
# VIVE table 4.1, rows = payment, columns = granting (DOMAIN.md §3.4), written out by hand
TABLE_4_1 = [
    (S, S, SAMLET), (S, SH, DELVIST), (S, A, ADSKILT),
    (SH, S, DELVIST), (SH, SH, DELVIST), (SH, A, DELVIST),
    (A, S, ADSKILT), (A, SH, DELVIST), (A, A, SAMLET),
]  # fmt: skip
# VIVE table 4.2, the seven rows of the five municipalities: (solution, type, granting, paying)
TABLE_4_2 = {
    ("Fælles om målet", "", "areas", "areas", SAMLET),  # Albertslund (expected)
    ("Job og Familie", "familiebehandling", "solution", "solution", SAMLET),  # Assens
    ("Job og Familie", "dyrere indsatser", "shared", "areas", DELVIST),  # Assens, with a key
    ("Tværgående løsning i Furesø", "", "solution", "areas", ADSKILT),
    ("Tværgående løsning i Helsingør", 'udgiftsposter "inde"', "solution", "solution", SAMLET),
    ("Tværgående løsning i Helsingør", 'udgiftsposter "ude"', "solution", "areas", ADSKILT),
    ("Familieplanen", "", "areas", "areas", SAMLET),  # Høje-Taastrup
}


@pytest.mark.parametrize(("paying", "granting", "expected"), TABLE_4_1)
def test_table_4_1_all_nine_cells(paying: Place, granting: Place, expected: str) -> None:
    assert classify(granting, paying) == Classification(expected)
    assert classify(granting.value, paying.value).value == expected


def test_a_place_that_is_not_one_of_the_three_is_refused_in_danish() -> None:
    with pytest.raises(PrinciplesError, match="ikke en gyldig værdi for visitationen"):
        classify("kommunen", "areas")


def test_table_4_2_seven_placements_of_the_five_municipalities(settings) -> None:
    app = seeded_app(settings)
    with app.state.sessions() as session:
        assert service.load_example_placements(session) == 7
        session.commit()

        def rows() -> set[tuple[str, str, str, str, str]]:
            found = set()
            for solution in session.scalars(select(Solution).where(Solution.example)):
                for p in service.placements(session, solution.id):
                    found.add((solution.name, p.intervention_type, p.granting, p.paying,
                               classify(p.granting, p.paying).value))  # fmt: skip
            return found

        assert rows() == TABLE_4_2
        assert service.load_example_placements(session) == 7  # again: the same seven rows
        assert rows() == TABLE_4_2
    app.state.engine.dispose()


# --- the competence plan's routing ------------------------------------------------------------

amounts = st.integers(min_value=0, max_value=10_000_000).map(lambda n: Decimal(n) / 100)


@st.composite
def plans(draw: st.DrawFn) -> CompetencePlan:
    """Three to five levels with rising whole-period ceilings (some with a yearly one too),
    the last without a ceiling."""
    count = draw(st.integers(3, 5))
    tops = sorted(draw(st.lists(amounts, min_size=count - 1, max_size=count - 1, unique=True)))
    levels = []
    for i, top in enumerate(tops):
        per_year = draw(st.one_of(st.none(), st.just(top), amounts))
        levels.append(Level(f"l{i}", f"Niveau {i}", (Role.CASEWORKER,),
                            (Ceiling(total=top, per_year=per_year),)))  # fmt: skip
    levels.append(Level("top", "Øverst", (Role.AREA_CHIEF,), unlimited=True))
    return CompetencePlan("Test", date(2026, 1, 1), tuple(levels))


@hsettings(max_examples=300)
@given(plan=plans(), total=amounts, per_year=amounts)
def test_every_grant_goes_to_the_lowest_level_whose_ceiling_covers_it(
    plan: CompetencePlan, total: Decimal, per_year: Decimal
) -> None:
    cost = GrantCost(total, min(per_year, total), "015011", "children")
    level = plan.route(cost)
    position = plan.levels.index(level)
    assert level.covers(cost)
    assert not any(lower.covers(cost) for lower in plan.levels[:position])


@hsettings(max_examples=200)
@given(plan=plans(), index=st.integers(0, 3))
def test_a_grant_exactly_at_a_ceiling_stays_at_that_level(plan: CompetencePlan, index: int) -> None:
    level = plan.levels[min(index, len(plan.levels) - 2)]
    ceiling = level.ceilings[0]
    assert ceiling.total is not None
    per_year = ceiling.total if ceiling.per_year is None else min(ceiling.per_year, ceiling.total)
    cost = GrantCost(ceiling.total, per_year, "015011", "children")
    routed = plan.route(cost)
    assert plan.levels.index(routed) <= plan.levels.index(level)
    assert routed.covers(cost)
    above = GrantCost(ceiling.total + Decimal("0.01"), per_year, "015011", "children")
    assert not level.covers(above)


def test_the_most_specific_ceiling_decides_and_the_preset_routes_as_written() -> None:
    plan = parse_plan(service.preset_plan_text())
    assert plan.route(GrantCost(Decimal(25000), Decimal(25000), "X", "adults")).key == "caseworker"
    assert plan.route(GrantCost(Decimal("25000.01"), Decimal(1), "X", "adults")).key == "team"
    # 400.000 in a year is above the committee's general 300.000, within its 500.000 for children
    assert plan.route(GrantCost(Decimal(600000), Decimal(400000), "X", "children")).key == (
        "committee"
    )
    assert plan.route(GrantCost(Decimal(600000), Decimal(400000), "X", "adults")).key == (
        "centre_chief"
    )
    assert plan.route(GrantCost(Decimal(9_000_000), Decimal(1), "X", "adults")).key == (
        "coordination_group"
    )


# --- exact splits -----------------------------------------------------------------------------

share_lists = st.lists(st.integers(1, 1000), min_size=1, max_size=6)


@hsettings(max_examples=400)
@given(ore=st.integers(-(10**12), 10**12), weights=share_lists)
def test_every_split_sums_to_the_amount_to_the_ore(ore: int, weights: list[int]) -> None:
    total = sum(weights)
    shares = shares_of((f"a{i}", f"{w}/{total}") for i, w in enumerate(weights))
    amount = from_ore(ore)
    parts = split(amount, shares)
    assert sum(p.amount for p in parts) == amount
    for part, weight in zip(parts, weights, strict=True):
        exact = Fraction(ore, 100) * Fraction(weight, total)
        assert abs(Fraction(part.amount) - exact) < Fraction(1, 100)
        assert part.amount == 0 or (part.amount > 0) == (ore > 0)


@given(weights=share_lists, extra=st.integers(1, 50))
def test_shares_not_summing_to_100_percent_are_refused_in_danish(
    weights: list[int], extra: int
) -> None:
    total = sum(weights)
    with pytest.raises(PrinciplesError, match=r"summer til .* %, ikke 100 %"):
        shares_of((f"a{i}", f"{w}/{total + extra}") for i, w in enumerate(weights))


def test_percentages_and_fractions_and_ties_go_to_the_first_area() -> None:
    thirds = shares_of([("a", "1/3"), ("b", "1/3"), ("c", "1/3")])
    assert [p.amount for p in split(Decimal("100.00"), thirds)] == [
        Decimal("33.34"), Decimal("33.33"), Decimal("33.33")]  # fmt: skip
    assert [p.amount for p in split(Decimal("-0.02"), thirds)] == [
        Decimal("-0.01"), Decimal("-0.01"), Decimal("0.00")]  # fmt: skip
    mixed = shares_of([("a", "33,5 %"), ("b", "66.5%")])
    assert [p.amount for p in split(Decimal("1000.00"), mixed)] == [
        Decimal("335.00"), Decimal("665.00")]  # fmt: skip
    with pytest.raises(PrinciplesError, match="kan ikke læses"):
        shares_of([("a", "0.5"), ("b", "0.5")])


def test_grants_subjects_are_sketched_as_the_engine_sketches_citizens() -> None:
    """The operational store's sets (a grant's citizens and families) and the analytics' sets
    are remembered with the same fingerprints: the rule across requests compares them alike."""
    import ibis

    from tvaers.core.sketch import Sketch
    from tvaers.engine.sketches import sketches

    keys = [f"citizen:{i:04d}" for i in range(300)] + ["family:F-æøå"]
    con = ibis.duckdb.connect()
    con.con.execute("CREATE TABLE units (k VARCHAR)")
    con.con.executemany("INSERT INTO units VALUES (?)", [[k] for k in keys])
    units = con.table("units")
    engine = sketches(con, units, "k", {"all": units.k.notnull()})["all"]
    assert Sketch.of_keys(keys).fingerprint == engine.fingerprint
    assert Sketch.of_keys(keys[:-1]).fingerprint != engine.fingerprint
