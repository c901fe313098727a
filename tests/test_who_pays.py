"""Who pays (issue 12): the draw routed by distribution keys, split exactly, against the Python
reference (``principles.keys`` and ``principles.model.split``), on the hand-made selection
municipality (``tests/fixtures/selection``: 22 citizens, postings January-December 2025) with
the mentor intervention made capacity-limited (3 places). Everyone is enrolled from 1 July 2025,
so the draw since enrolment is July-December."""

from __future__ import annotations

import shutil
from collections import defaultdict
from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import ibis
import pyarrow as pa
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tvaers.core.config import Settings
from tvaers.core.periods import age_on
from tvaers.core.suppression import SMALL_CELL
from tvaers.core.units import TOTAL_AREA, Unit
from tvaers.data.importer import import_folder
from tvaers.draw import cache, solution_economy
from tvaers.draw import service as draw_service
from tvaers.draw.session import opened
from tvaers.draw.solution_economy import Enrolled
from tvaers.principles import model
from tvaers.principles import queries as pq
from tvaers.principles import who_pays as wp
from tvaers.principles.keys import parse_key
from tvaers.store.database import make_engine, sessions, upgrade

from .conftest import FIXTURES, TEST_KEY
from .ledgers import fresh_ledger

D = Decimal
ENROLLED_ON = date(2025, 7, 1)
MENTOR = "017031"
RULES = {
    "rules": [
        {"when": {"legal_basis": "SEL § 52"}, "shares": {"children": "70%", "employment": "30%"}},
        {"when": {"interventions": [MENTOR], "age_to": 44},
         "shares": {"employment": "1/2", "adults": "1/2"}},
        {"when": {"age_from": 45}, "shares": {"health": "1/3", "adults": "1/3",
                                              "employment": "1/3"}},
    ]
}  # fmt: skip


@pytest.fixture(scope="module")
def town(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The selection municipality with the mentor intervention capacity-limited (3 places)."""
    tmp = tmp_path_factory.mktemp("who_pays")
    data = tmp / "data"
    shutil.copytree(FIXTURES / "selection", data)
    path = data / "interventions.csv"
    head, *rows = path.read_text("utf-8").splitlines()
    marked = [f"{r},{3 if r.startswith(MENTOR) else ''}" for r in rows]
    path.write_text("\n".join([f"{head},capacity", *marked]) + "\n", "utf-8")
    settings = Settings(home=tmp / "home", pseudonym_key=TEST_KEY)
    import_folder(data, settings, user="test")
    return settings


@pytest.fixture(scope="module")
def people(town: Settings) -> list[dict[str, Any]]:
    with opened(town) as analysis:
        found = analysis.table("citizens").select("citizen", "family", "birth_date")
        return sorted(found.to_pyarrow().to_pylist(), key=lambda r: r["citizen"])


@pytest.fixture(scope="module")
def everyone(people: list[dict[str, Any]]) -> tuple[Enrolled, ...]:
    """Every citizen enrolled alone from 1 July 2025."""
    return tuple(
        Enrolled(i, "citizen", p["citizen"], ENROLLED_ON, None) for i, p in enumerate(people, 1)
    )


def version(
    id: int, data: dict[str, Any], status: str = "approved", valid_from: date = date(2025, 1, 1),
    valid_to: date | None = None,
) -> wp.KeyVersion:  # fmt: skip
    return wp.KeyVersion(id, valid_from, valid_to, status, data)


# --- the split, for any amount and any shares -------------------------------------------------


def _engine_split(amounts: list[int], pairs: list[tuple[str, str]]) -> dict[int, dict[str, D]]:
    """Each amount (øre) as a line of its own citizen, split by the fixed key ``pairs``."""
    definition = parse_key({"shares": dict(pairs)})
    rules = pq.key_rules_table([(1, date(2000, 1, 1), None, definition)])
    count = len(amounts)
    lines = ibis.memtable(pa.table({
        "citizen": [f"c{i}" for i in range(count)],
        "sector_area": ["booked"] * count,
        "month": pa.array([date(2025, 1, 1)] * count, pa.date32()),
        "intervention": pa.array([None] * count, pa.string()),
        "amount": pa.array([D(a) / 100 for a in amounts], pa.decimal128(18, 2)),
    }))  # fmt: skip
    citizens = ibis.memtable(pa.table({"citizen": pa.array([], pa.string()),
                                       "birth_date": pa.array([], pa.date32())}))  # fmt: skip
    interventions = ibis.memtable(pa.table({"intervention": pa.array([], pa.string()),
                                            "legal_basis": pa.array([], pa.string())}))  # fmt: skip
    found: dict[int, dict[str, D]] = defaultdict(dict)
    for r in pq.who_pays(lines, citizens, interventions, rules).to_pyarrow().to_pylist():
        assert r["key_version_id"] == 1 and r["share"] == dict(pairs)[r["paying_area"]]
        found[int(r["citizen"][1:])][r["paying_area"]] = r["amount"]
    return found


shares = st.lists(st.integers(0, 1000), min_size=1, max_size=6).filter(lambda w: sum(w) > 0)
ore = st.one_of(st.sampled_from([0, 1, -1, 2, -2, 99, -100]), st.integers(-(10**15), 10**15))


@settings(max_examples=60, deadline=None)
@given(amounts=st.lists(ore, min_size=1, max_size=12), weights=shares, percent=st.booleans())
@example(amounts=[1, -1, 2], weights=[1, 1, 1], percent=False)  # ties: the area listed first
def test_the_engine_splits_as_the_python_reference(
    amounts: list[int], weights: list[int], percent: bool
) -> None:
    total = sum(weights)
    texts = [f"{w}/{total}" for w in weights]
    if percent and all(Fraction(w * 100, total).denominator == 1 for w in weights):
        texts = [f"{w * 100 // total}%" for w in weights]
    pairs = [(f"a{i}", t) for i, t in enumerate(texts)]
    found = _engine_split(amounts, pairs)
    reference = model.shares_of(pairs)
    for i, amount in enumerate(amounts):
        line = D(amount) / 100
        if amount == 0:  # nothing to pay: no rows
            assert i not in found
            continue
        expected = {p.sector_area: p.amount for p in model.split(line, reference)}
        assert found[i] == expected
        assert sum(found[i].values(), D(0)) == line


def test_ties_go_to_the_area_listed_first() -> None:
    found = _engine_split([1, 2, -1], [("b", "1/3"), ("a", "1/3"), ("c", "1/3")])
    assert found[0] == {"b": D("0.01"), "a": D("0.00"), "c": D("0.00")}
    assert found[1] == {"b": D("0.01"), "a": D("0.01"), "c": D("0.00")}
    assert found[2] == {"b": D("-0.01"), "a": D("0.00"), "c": D("0.00")}


# --- routing on the real draw -----------------------------------------------------------------


def _reference(
    town: Settings, people: list[dict[str, Any]], versions: list[wp.KeyVersion]
) -> dict[tuple, dict[str, tuple[D, int | None, str | None]]]:
    """The Python reference: the draw since enrolment per citizen, month, booked area and
    intervention (the attribution's person-level lines), each split by the first rule of the
    approved versions in force on the month's first day that matches it."""
    with opened(town) as analysis:
        lines = analysis.draw(2025).lines.to_pyarrow().to_pylist()
        bases = {r["intervention"]: r["legal_basis"]
                 for r in analysis.table("interventions").to_pyarrow().to_pylist()}  # fmt: skip
    born = {p["citizen"]: p["birth_date"] for p in people}
    summed: dict[tuple, D] = defaultdict(D)
    for r in lines:
        if r["month"] >= ENROLLED_ON:
            summed[(r["citizen"], r["month"], r["sector_area"], r["intervention"])] += r["amount"]
    expected = {}
    for (citizen, month, area, intervention), amount in summed.items():
        if amount == 0:
            continue
        birth = born[citizen]
        age = age_on(birth, month) if birth else None
        found: tuple[Any, ...] | None = None
        for v in versions:
            in_force = v.valid_from <= month and (v.valid_to is None or month <= v.valid_to)
            if v.status != "approved" or not in_force:
                continue
            chosen = parse_key(v.data).shares_for(intervention, bases.get(intervention), age)
            if chosen is not None:
                found = (v.id, chosen)
                break
        key = (citizen, month, area, intervention)
        if found is None:
            expected[key] = {area: (amount, None, None)}
        else:
            expected[key] = {p.sector_area: (p.amount, found[0], p.share.text)
                             for p in model.split(amount, found[1])}  # fmt: skip
    return expected


def _engine(
    town: Settings, periods: tuple[Enrolled, ...], versions: list[wp.KeyVersion]
) -> dict[tuple, dict[str, tuple[D, int | None, str | None]]]:
    with opened(town) as analysis:
        rows = wp.paid_rows(analysis, periods, versions).to_pylist()
    found: dict[tuple, dict[str, tuple[D, int | None, str | None]]] = defaultdict(dict)
    for r in rows:
        key = (r["citizen"], r["month"], r["booked_area"], r["intervention"])
        assert r["paying_area"] not in found[key]
        found[key][r["paying_area"]] = (r["amount"], r["key_version_id"], r["share"])
    return dict(found)


def test_a_key_with_rules_routes_lines_as_the_reference_says(
    town: Settings, people: list[dict[str, Any]], everyone: tuple[Enrolled, ...]
) -> None:
    versions = [version(7, RULES)]
    found = _engine(town, everyone, versions)
    assert found == _reference(town, people, versions)
    # every rule was used, and some lines matched none (they stay where they were booked)
    shares = {tuple(sorted((a, s) for a, (_, _, s) in parts.items())) for parts in found.values()}
    assert (("children", "70%"), ("employment", "30%")) in shares
    assert (("adults", "1/2"), ("employment", "1/2")) in shares
    assert (("adults", "1/3"), ("employment", "1/3"), ("health", "1/3")) in shares
    unmatched = [k for k, parts in found.items() if next(iter(parts.values()))[1] is None]
    assert unmatched and all(len(found[k]) == 1 and k[2] in found[k] for k in unmatched)
    # every split row keeps the version that made it; each line adds up to the øre
    for parts in found.values():
        versions_of = {v for _, v, _ in parts.values()}
        assert versions_of in ({7}, {None})
        assert all((s is None) == (v is None) for _, v, s in parts.values())
        assert sum((a for a, _, _ in parts.values()), D(0)) != 0


def test_the_first_matching_version_in_force_on_the_first_day_decides(
    town: Settings, people: list[dict[str, Any]], everyone: tuple[Enrolled, ...]
) -> None:
    adults = {"rules": [{"when": {"age_from": 18}, "shares": {"adults": "1/1"}}]}
    everything = {"shares": {"employment": "1/4", "children": "3/4"}}
    versions = [
        version(11, adults, valid_to=date(2025, 9, 30)),  # July-September
        version(12, RULES, valid_from=date(2025, 10, 1)),  # October on
        version(13, everything),  # whatever the others leave
    ]
    found = _engine(town, everyone, versions)
    assert found == _reference(town, people, versions)
    used = defaultdict(set)
    for (_, month, _, _), parts in found.items():
        used[month.month].update(v for _, v, _ in parts.values())
    assert used[7] <= {11, 13} and 11 in used[7] and 12 not in used[9]
    assert used[12] <= {12, 13} and {12, 13} <= used[12]
    assert not any(None in v for v in used.values())  # the catch-all leaves nothing unrouted


def test_a_version_not_in_force_is_not_applied(
    town: Settings, people: list[dict[str, Any]], everyone: tuple[Enrolled, ...]
) -> None:
    everything = {"shares": {"children": "1/1"}}
    versions = [
        version(21, everything, status="proposed"),
        version(22, everything, status="rejected"),
        version(23, everything, valid_to=date(2025, 6, 30)),  # ended before the enrolments
        version(24, everything, valid_from=date(2026, 1, 1)),  # starts after the data
        version(25, everything, valid_from=date(2025, 12, 2)),  # not on December's first day
    ]
    found = _engine(town, everyone, versions)
    assert found == _reference(town, people, versions)
    assert all(v is None for parts in found.values() for _, v, _ in parts.values())
    with opened(town) as analysis:
        totals = wp.reconcile(analysis, everyone, versions)
    assert totals.keyed == 0 and totals.paid_by_area == totals.booked_by_area
    # from December's first day it applies, to December's lines only
    versions.append(version(26, everything, valid_from=date(2025, 12, 1)))
    found = _engine(town, everyone, versions)
    assert found == _reference(town, people, versions)
    keyed = {k[1] for k, parts in found.items() if any(v for _, v, _ in parts.values())}
    assert keyed == {date(2025, 12, 1)}


def test_paid_and_booked_add_up_to_the_groups_draw_to_the_ore(
    town: Settings, everyone: tuple[Enrolled, ...], tmp_path: Path
) -> None:
    with opened(town) as analysis:
        rows = draw_service.draw_rows(analysis.draw(2025), Unit.CITIZEN).to_pylist()
        totals = wp.reconcile(analysis, everyone, [version(7, RULES)])
        economy = solution_economy.economy(analysis, everyone, fresh_ledger(tmp_path))
    since = sum((D(r["total"]) for r in rows if r["month"] >= "2025-07"), D(0))
    group = next(a for a in economy.areas if a.sector_area == TOTAL_AREA)
    assert totals.balanced and totals.draw == totals.booked == totals.paid == since == group.since
    assert sum(totals.paid_by_area.values(), D(0)) == since
    # the keys moved money between areas, and every area's booking is the economy's
    assert totals.keyed > 0 and totals.paid_by_area != totals.booked_by_area
    shown = {a.sector_area: a.since for a in economy.areas if a.since is not None}
    assert all(totals.booked_by_area[a] == v for a, v in shown.items() if a != TOTAL_AREA)


# --- the statistical view ---------------------------------------------------------------------


def _commitments(people: list[dict[str, Any]]) -> list[wp.Commitment]:
    """Six citizens with 1.000 kr. on children in December; a family's grant on adults."""
    found = [wp.Commitment(i, "citizen", p["citizen"], date(2025, 12, 1), "children", 100_000, 7)
             for i, p in enumerate(people[:6], 1)]  # fmt: skip
    family = next(p["family"] for p in people if p["family"])
    found.append(wp.Commitment(9, "family", family, date(2026, 2, 1), "adults", 250_050, None))
    return found


def test_the_view_is_suppressed_and_adds_up(
    town: Settings, people: list[dict[str, Any]], everyone: tuple[Enrolled, ...], tmp_path: Path
) -> None:
    commitments = _commitments(people)
    with opened(town) as analysis:
        view = wp.who_pays(analysis, everyone, [version(7, RULES)], commitments,
                           fresh_ledger(tmp_path))  # fmt: skip
        totals = wp.reconcile(analysis, everyone, [version(7, RULES)])
    assert view.members == len(people) and view.key_versions == (7,)
    assert str(view.period) == "2025-07..2026-02"  # since enrolment, and the commitments
    assert all(r.citizens is None or r.citizens == 0 or r.citizens >= SMALL_CELL
               for r in view.rows)  # fmt: skip
    assert all((r.citizens is None) == (r.committed is None) == (r.note is not None)
               for r in view.rows)  # fmt: skip
    # after the data's last month (December 2025) nothing is booked or paid yet: blank, not 0 kr.
    ahead = [r for r in view.rows if r.month in ("2026-01", "2026-02")]
    assert ahead and all(r.paid is None and r.booked is None for r in ahead)
    cell = {(r.sector_area, r.month): r for r in view.rows}
    whole = cell[(TOTAL_AREA, TOTAL_AREA)]
    assert whole.booked == whole.paid == totals.draw
    assert whole.committed == D("1000") * 6 + D("2500.50")
    expected: dict[tuple[str, str], D] = defaultdict(D)
    for c in commitments:
        expected[(c.sector_area, c.month.strftime("%Y-%m"))] += D(c.amount_ore) / 100
    for (area, month), shown in cell.items():  # every cell shown has its commitments
        if shown.committed is not None and TOTAL_AREA not in (area, month):
            assert shown.committed == expected.get((area, month), D(0))
    for area, paid in totals.paid_by_area.items():  # each area's total, where shown
        shown = cell[(area, TOTAL_AREA)]
        assert shown.paid in (None, paid)
        assert shown.booked in (None, totals.booked_by_area.get(area, D(0)))
    # a month after the data: only the family's commitment, its members counted (hidden)
    february = cell[("adults", "2026-02")]
    assert february.booked is None and february.note is not None


def test_a_small_group_is_hidden_whole(
    town: Settings, everyone: tuple[Enrolled, ...], tmp_path: Path
) -> None:
    with opened(town) as analysis:
        view = wp.who_pays(analysis, everyone[:3], [version(7, RULES)], [],
                           fresh_ledger(tmp_path))  # fmt: skip
    assert view.members is None and view.rows == () and "færre end 5" in (view.note or "")


def test_the_view_is_published_once_and_cached(
    town: Settings, people: list[dict[str, Any]], everyone: tuple[Enrolled, ...], tmp_path: Path
) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'drift.sqlite'}")
    upgrade(engine)
    factory = sessions(engine)
    keys, commitments = [version(7, RULES, status="proposed")], _commitments(people)
    assert wp.cached_who_pays(town, everyone, keys, commitments) is None
    first = wp.published(town, factory, everyone, keys, commitments, "test", None)
    assert first.key_versions == ()  # proposed: not applied
    assert wp.cached_who_pays(town, everyone, keys, commitments) == first
    assert list(cache.folder(town).glob(f"{wp.CACHE_KIND}-*.json"))
    # approving the version changes the figures: a new entry, not the old one
    approved = [version(7, RULES)]
    assert wp.cached_who_pays(town, everyone, approved, commitments) is None
    second = wp.published(town, factory, everyone, approved, commitments, "test", None)
    assert second.key_versions == (7,) and second != first
    text = "".join(p.read_text("utf-8") for p in cache.folder(town).glob("*.json"))
    assert not any(p["citizen"] in text for p in people)
    engine.dispose()


# --- capacity ---------------------------------------------------------------------------------


def test_a_capacity_warning_when_the_solution_uses_more_than_agreed(
    town: Settings, everyone: tuple[Enrolled, ...]
) -> None:
    with opened(town) as analysis:
        agreed = wp.capacity_view(analysis, everyone, {MENTOR: 7})
        fewer = wp.capacity_view(analysis, everyone, {MENTOR: 6})
        none = wp.capacity_view(analysis, everyone, {})
        uses = analysis.table("activities").filter(ibis._.intervention == MENTOR)
        users = set(uses.citizen.to_pyarrow().to_pylist())
        others = tuple(p for p in everyone if p.subject not in users)
        outside = wp.capacity_view(analysis, others, {MENTOR: 7})
    assert [(c.intervention, c.month) for c in agreed] == [
        (MENTOR, f"2025-{m:02d}") for m in range(7, 13)
    ]
    first = agreed[0]
    assert (first.sector_area, first.area_name, first.places) == ("employment", "Beskæftigelse", 3)
    december = {c.month: c for c in agreed}["2025-12"]
    assert december.solution == 7 and december.others == 0 and not december.over
    assert not any(c.over for c in agreed)
    assert [c.over for c in fewer] == [c.solution is not None and c.solution > 6 for c in fewer]
    assert any(c.over for c in fewer)
    # nothing agreed: any use is over, hidden counts (1-4) too: the warning is on true counts
    assert all(c.over for c in none)
    assert any(c.solution is None and c.note for c in none)
    # the same places used by citizens outside the solution: others, no warning
    december = {c.month: c for c in outside}["2025-12"]
    assert december.solution == 0 and december.others == 7 and not december.over
