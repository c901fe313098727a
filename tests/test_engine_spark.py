"""The same figures on DuckDB and on PySpark (``TVAERS_ENGINE=spark``, local mode): the draw,
coverage, concentration, contact points, baseline and a target group's statistics come out
identical — the same rows, the amounts to the øre — on the draw fixture town and on the
synthetic S municipality (issue 15, acceptance 1). One Spark context serves the whole module."""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import ibis
import pyarrow as pa
import pytest

from tvaers.core.config import Settings
from tvaers.core.units import Unit
from tvaers.data.importer import import_folder
from tvaers.data.synth import SIZES, generate
from tvaers.draw import service
from tvaers.draw.model import Member
from tvaers.draw.service_baseline import baseline
from tvaers.draw.service_contacts import contacts, contacts_per_unit
from tvaers.draw.session import Analysis
from tvaers.engine.sketches import portable_sketches, sketches
from tvaers.selection import statistics
from tvaers.selection.evaluation import evaluate
from tvaers.selection.rule_files import ready_made

from .conftest import FIXTURES, TEST_KEY
from .ledgers import fresh_ledger

pytestmark = pytest.mark.spark


def plain(value: Any) -> Any:
    """A figure as plain values to compare: tables and lists of rows as sorted rows (the
    engines need not agree on an order nobody asked for), records as their fields."""
    if isinstance(value, pa.Table):
        value = value.to_pylist()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        items = [plain(v) for v in value]
        if items and all(isinstance(i, dict) for i in items):
            return sorted(items, key=lambda r: sorted((k, repr(v)) for k, v in r.items()))
        return items
    if isinstance(value, Decimal):  # 4800.00 on one engine is 4800.0000 on the other
        return ("kr", value.normalize() if value else Decimal(0))
    return value


def on_both(settings: Settings, figures: Callable[[Analysis], dict[str, Any]]) -> dict[str, Any]:
    """``figures`` of one analysis session on DuckDB and one on Spark, as plain values:
    ``{name: (duckdb's, spark's)}``."""
    found = []
    for engine in ("duckdb", "spark"):
        with service.opened(settings.model_copy(update={"engine": engine})) as analysis:
            found.append(plain(figures(analysis)))
    return {name: (found[0][name], found[1][name]) for name in found[0]}


def same(figures: dict[str, Any], name: str) -> Any:
    duck, spark = figures[name]
    assert spark == duck, name
    return duck


# --- the draw fixture town (6 citizens, January-March 2025) -------------------------------


@pytest.fixture(scope="module")
def town(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("spark_town")
    settings = Settings(home=root / "home", pseudonym_key=TEST_KEY)
    shutil.copytree(FIXTURES / "draw" / "konfiguration", settings.home / "konfiguration")
    import_folder(FIXTURES / "draw", settings, user="test")

    def figures(analysis: Analysis) -> dict[str, Any]:
        draw = analysis.draw()
        rules = analysis.config.overlaps
        people = analysis.table("citizens").select("citizen").to_pyarrow().column(0).to_pylist()
        members = [Member(p, date(2025, 4, 1)) for p in sorted(people)]
        return {
            "lines": draw.lines.to_pyarrow(),
            "unattributed": draw.unattributed.to_pyarrow(),
            "expenditure": draw.expenditure.to_pyarrow(),
            "coverage": service.coverage(draw),
            "by_area": service.draw_by_area(draw),
            "citizens": service.concentration(draw, Unit.CITIZEN),
            "families": service.concentration(draw, Unit.FAMILY),
            "contacts": contacts(draw, rules),
            "contacts_citizen": contacts_per_unit(draw, Unit.CITIZEN, rules),
            "contacts_family": contacts_per_unit(draw, Unit.FAMILY, rules),
            "baseline": baseline(analysis, members, Unit.CITIZEN).rows,
            "sketches": _sketches(analysis),
        }

    return on_both(settings, figures)


def _sketches(analysis: Analysis) -> dict[str, Any]:
    """The sets behind published figures (:mod:`tvaers.engine.sketches`): the engine's own
    way, and on DuckDB the portable expression too — all must be the same sets."""
    people = analysis.table("citizens")
    conditions = {"all": ibis.literal(True), "families": people.family.notnull()}
    found = {"engine": sketches(analysis.backend, people, "citizen", conditions)}
    if analysis.backend.name == "duckdb":
        found["portable"] = portable_sketches(people, "citizen", conditions)
    return {
        way: {name: [[int(v) for v in part] for part in dataclasses.astuple(sketch)]
              for name, sketch in sets.items()}
        for way, sets in found.items()
    }  # fmt: skip


def test_the_sets_behind_published_figures_are_the_same(town: dict[str, Any]) -> None:
    duck, spark = town["sketches"]
    assert duck["portable"] == duck["engine"]
    assert spark["engine"] == duck["engine"]
    assert sum(duck["engine"]["all"][0]) == 6


def test_the_draw_lines_are_the_same_to_the_ore(town: dict[str, Any]) -> None:
    lines = same(town, "lines")
    assert len(lines) > 20
    assert {r["method"] for r in lines} >= {"registered", "priced"}


def test_unattributed_and_expenditure_are_the_same(town: dict[str, Any]) -> None:
    assert same(town, "unattributed")
    assert same(town, "expenditure")


def test_coverage_and_the_draw_by_area_are_the_same(town: dict[str, Any]) -> None:
    assert any(r["sector_area"] == "total" for r in same(town, "coverage"))
    assert same(town, "by_area")


def test_concentration_is_the_same_for_citizens_and_families(town: dict[str, Any]) -> None:
    assert same(town, "citizens")
    assert same(town, "families")


def test_contact_points_and_overlaps_are_the_same(town: dict[str, Any]) -> None:
    assert same(town, "contacts")
    assert len(same(town, "contacts_citizen")) == 6
    assert same(town, "contacts_family")


def test_the_baseline_is_the_same(town: dict[str, Any]) -> None:
    assert any(r["total"] for r in same(town, "baseline"))


# --- the synthetic S municipality ----------------------------------------------------------


@pytest.fixture(scope="module")
def municipality(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("spark_s")
    generate(SIZES["S"], 1, root / "data")
    settings = Settings(home=root / "home", pseudonym_key=TEST_KEY)
    import_folder(root / "data", settings, user="test")
    rule = ready_made()["furesoe"][0]

    def figures(analysis: Analysis) -> dict[str, Any]:
        draw = analysis.draw(2025)
        lines = draw.lines
        ledger = fresh_ledger(root / "store" / analysis.backend.name)
        return {
            "totals": lines.group_by("sector_area", "method")
            .aggregate(amount=lines.amount.sum(), rows=lines.count())
            .to_pyarrow(),
            "coverage": service.coverage(draw),
            "by_area": service.draw_by_area(draw),
            "citizens": service.concentration(draw, Unit.CITIZEN),
            "families": service.concentration(draw, Unit.FAMILY),
            "selection": statistics.summary(evaluate(analysis, rule), ledger),
        }

    return on_both(settings, figures)


def test_on_s_the_draw_coverage_and_concentration_are_the_same(
    municipality: dict[str, Any],
) -> None:
    assert sum(r["rows"] for r in same(municipality, "totals")) > 40_000  # 51,074 on S
    for name in ("coverage", "by_area", "citizens", "families"):
        assert same(municipality, name)


def test_on_s_a_ready_made_target_group_has_the_same_statistics(
    municipality: dict[str, Any],
) -> None:
    summary = same(municipality, "selection")
    assert summary["units"] and summary["units"] > 30


def test_spark_gets_the_same_memory_setting_as_duckdb() -> None:
    """Spark's own default heap (1 GB) fails a national year; TVAERS_MEMORY_LIMIT sizes both."""
    from tvaers.engine.spark import driver_memory

    ram = 24 * 2**30
    assert driver_memory("60%", ram) == "14745m"
    assert driver_memory("8GB", ram) == driver_memory("8GiB", ram) == "8192m"
    assert driver_memory("512MB", ram) == "1024m"  # never below Spark's own default


# --- benchmarking across random synthetic municipalities ------------------------------------


@pytest.fixture(scope="module")
def municipalities(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Three municipalities drawn at random (a fixed seed: the same three each run) from the 98,
    generated at 1 % of their population and imported as a national installation."""
    import random

    from tvaers.benchmarking.service import benchmark
    from tvaers.data.synth.national import generate_national, reference_municipalities

    root = tmp_path_factory.mktemp("spark_national")
    codes = sorted(random.Random(15).sample(sorted(m.code for m in reference_municipalities()), 3))
    generate_national(",".join(codes), 0.01, 1, root / "data")
    settings = Settings(home=root / "home", pseudonym_key=TEST_KEY, installation="national")
    for code in codes:  # ascending: a placement goes to a lower code (docs/national.md)
        import_folder(root / "data" / code, settings, user="test", municipality=code)

    def figures(analysis: Analysis) -> dict[str, Any]:
        draw = analysis.draw(2025)
        ledger = fresh_ledger(root / "store" / analysis.backend.name)
        found = benchmark(analysis, ledger, 2025, "000")
        return {
            "codes": codes,
            "coverage": service.coverage(draw),
            "citizens": service.concentration(draw, Unit.CITIZEN),
            "rows": found.rows,
            "groups": found.groups,
            "combinations": found.combinations,
            # the order too (a list of lists keeps it): a frozen run replays byte for byte
            "order": [[r["municipality"], r["combination"]] for r in found.combinations],
        }

    return on_both(settings, figures)


def test_benchmarking_figures_are_the_same_on_random_municipalities(
    municipalities: dict[str, Any],
) -> None:
    codes = same(municipalities, "codes")
    rows = same(municipalities, "rows")
    assert {r["municipality"] for r in rows} >= set(codes)
    assert any(r["per_citizen"] for r in rows) and any(r["expected"] for r in rows)
    for name in ("coverage", "citizens", "groups", "combinations", "order"):
        assert same(municipalities, name)
