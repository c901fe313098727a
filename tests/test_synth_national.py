"""The national synthetic generator: real municipalities' sizes, one folder each, no citizen twice,
practices that benchmarking can find, children placed in another municipality, reproducible."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from tvaers.cli import app
from tvaers.data.synth.national import choose, generate_national, reference_municipalities, size


def _manifest(out: Path) -> dict[str, dict[str, str]]:
    with open(out / "municipalities.csv", encoding="utf-8") as handle:
        return {row["code"]: row for row in csv.DictReader(handle)}


def _sql(out: Path, query: str) -> list[tuple]:
    con = duckdb.connect()
    for table in ("citizens", "relations", "postings", "activities", "unit_prices"):
        con.execute(
            f"CREATE VIEW {table} AS SELECT * FROM read_parquet('{out}/*/{table}.parquet', "
            "filename = true)"
        )
    return con.execute(query).fetchall()


@pytest.fixture(scope="module")
def everyone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """All 98 municipalities at 1/1000 of their size, made through the command line."""
    out = tmp_path_factory.mktemp("national") / "alle"
    result = CliRunner().invoke(app, ["synth", "--municipalities", "all", "--scale", "0.001",
                                      str(out)])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "98 kommuner" in result.output
    return out


def test_the_reference_list_has_the_98_municipalities_and_denmarks_population() -> None:
    every = reference_municipalities()
    assert len(every) == 98 and len({m.code for m in every}) == 98
    assert all(len(m.code) == 3 for m in every)
    assert {m.region for m in every} == {
        "Hovedstaden", "Sjælland", "Syddanmark", "Midtjylland", "Nordjylland"
    }  # fmt: skip
    assert 5_850_000 < sum(m.population for m in every) < 6_000_000
    by_code = {m.code: m for m in every}
    assert (by_code["101"].name, by_code["101"].population) == ("København", 653_664)
    assert (by_code["190"].name, by_code["190"].population) == ("Furesø", 42_077)


def test_all_municipalities_get_a_folder_each_sized_by_their_population(everyone: Path) -> None:
    folders = sorted(p.name for p in everyone.iterdir() if p.is_dir())
    assert folders == [m.code for m in reference_municipalities()]
    manifest = _manifest(everyone)
    for municipality in reference_municipalities():
        assert int(manifest[municipality.code]["citizens"]) == size(municipality, 0.001)
    assert int(manifest["101"]["citizens"]) == 654  # København: 653,664 / 1000
    assert int(manifest["825"]["citizens"]) == 100  # Læsø: the smallest municipality generated
    # every citizen file holds the folder's own code as acting municipality, every posting the
    # folder's code as paying municipality, and nobody is lost when children are placed elsewhere
    wrong = _sql(
        everyone,
        "SELECT (SELECT count(*) FROM citizens WHERE filename NOT LIKE '%/' || municipality "
        "|| '/citizens.parquet') + (SELECT count(*) FROM postings WHERE filename NOT LIKE "
        "'%/' || municipality || '/postings.parquet'), (SELECT count(*) FROM citizens)",
    )
    assert wrong[0][0] == 0
    assert wrong[0][1] == sum(int(row["citizens"]) for row in manifest.values())


def test_no_cpr_number_is_listed_in_two_municipalities(everyone: Path) -> None:
    [(rows, people)] = _sql(everyone, "SELECT count(*), count(DISTINCT cpr) FROM citizens")
    assert rows == people > 10_000


def test_children_placed_in_another_municipality_are_paid_by_the_first(everyone: Path) -> None:
    """A posting in municipality A's books for a child listed in municipality B's citizens, and
    B holds the child's placement; A does not list the child, but keeps the family's relation."""
    placed = _sql(
        everyone,
        "SELECT p.municipality, c.municipality, c.cpr, "
        "  (SELECT count(*) FROM activities a WHERE a.cpr = c.cpr "
        "   AND a.municipality = c.municipality AND a.intervention LIKE '0150%'), "
        "  c.birth_date "
        "FROM postings p JOIN citizens c ON replace(p.cpr, '-', '') = c.cpr "
        "WHERE p.municipality <> c.municipality GROUP BY ALL",
    )
    assert len({row[2] for row in placed}) >= 3
    for paying, acting, _cpr, placements, birth in placed:
        assert paying != acting and placements >= 1
        assert birth.year >= 2008  # a child (under 18 at the end of October 2026)
    stays = {(row[0], row[2]) for row in placed}
    listed = _sql(everyone, "SELECT municipality, cpr FROM citizens")
    assert not stays & set(listed)
    family = _sql(everyone, "SELECT municipality, related_cpr FROM relations")
    assert stays <= set(family)


def test_practice_differs_between_municipalities_beyond_noise(tmp_path: Path) -> None:
    """The placement rate per 1,000 children follows each municipality's drawn propensity, and
    each municipality's prices its drawn price level."""
    codes = "101,751,851,461,561,630"  # the six largest: enough children to see a rate
    generate_national(codes, 0.03, 5, tmp_path)
    manifest = _manifest(tmp_path)
    rates = dict(
        _sql(
            tmp_path,
            "SELECT c.municipality, 1000.0 * count(DISTINCT a.cpr) FILTER (WHERE a.intervention "
            "  IN ('015025', '015015', '015023', '015008', '015031', '015019', '015030')) "
            "  / count(DISTINCT c.cpr) "
            "FROM citizens c LEFT JOIN activities a ON a.cpr = c.cpr "
            "WHERE c.birth_date > DATE '2008-11-01' AND NOT EXISTS (SELECT 1 FROM relations r "
            "  WHERE r.related_cpr = c.cpr AND r.municipality <> c.municipality) GROUP BY 1",
        )
    )  # the municipality's own children: not those another municipality placed there
    propensity = {code: float(row["placement"]) for code, row in manifest.items()}
    ranked = sorted(propensity, key=propensity.__getitem__)
    low, high = ranked[0], ranked[-1]
    assert propensity[high] / propensity[low] > 1.3  # the seed gives a clear contrast
    assert rates[high] > 1.2 * rates[low]
    observed = sorted(rates, key=rates.__getitem__)
    assert observed[0] in ranked[:2] and observed[-1] in ranked[-2:]
    moved = sum((ranked.index(code) - observed.index(code)) ** 2 for code in ranked)
    assert 1 - 6 * moved / (len(ranked) * (len(ranked) ** 2 - 1)) >= 0.7  # Spearman
    prices = dict(_sql(tmp_path, "SELECT municipality, sum(price) FROM unit_prices GROUP BY 1"))
    for code in propensity:
        level = float(manifest[code]["price_level"]) / float(manifest["101"]["price_level"])
        assert float(prices[code]) / float(prices["101"]) == pytest.approx(level, rel=0.01)


def test_the_same_seed_gives_the_same_files(tmp_path: Path) -> None:
    def digest(out: Path) -> dict[str, str]:
        return {
            str(p.relative_to(out)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(out.rglob("*.*"))
        }

    first, again, other = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    for seed, out in ((7, first), (7, again), (8, other)):
        generate_national("6", 0.002, seed, out)
    assert digest(first) == digest(again)
    assert digest(first) != digest(other)
    assert [m.code for m in choose("6")] == sorted(p.name for p in first.iterdir() if p.is_dir())


def test_a_wrong_choice_is_refused_in_danish() -> None:
    for spec in ("0", "99", "tre", "101,999"):
        with pytest.raises(ValueError, match=r"kommune|--municipalities"):
            choose(spec)


def test_a_birth_day_whose_numbers_are_all_given_moves_people_a_day() -> None:
    """7,000 people born on one day (a day has 6,000 numbers in the 2000s, 3,000 per sex) all
    get a valid, unique number that matches their (possibly moved) birth day."""
    from datetime import date

    import numpy as np

    from tvaers.data.synth.population import cpr_numbers
    from tvaers.data.synth.timeline import day

    birth = np.full(7_000, day(date(2008, 10, 31)), dtype=np.int64)
    female = np.arange(7_000) % 2 == 0
    numbers = cpr_numbers(np.random.default_rng(1), birth, female).to_pylist()
    assert len(set(numbers)) == 7_000
    moved = birth < day(date(2008, 10, 31))
    assert 1_000 <= moved.sum() < 2_000 and birth.min() >= day(date(2008, 10, 30))
    assert [n[:6] for n in numbers] == [
        date.fromordinal(date(1970, 1, 1).toordinal() + int(b)).strftime("%d%m%y") for b in birth
    ]
