"""The resource draw on the synthetic S municipality (27,500 citizens, seed 1), year 2025:
KL's stylised facts come out, and the books reconcile to the øre; the ready-made target groups
find their citizens there."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path

import pytest

from tvaers.core.config import Settings
from tvaers.core.units import Unit
from tvaers.data.importer import import_folder
from tvaers.data.synth import SIZES, generate
from tvaers.draw import service
from tvaers.draw.attribution import Attribution
from tvaers.selection.evaluation import evaluate
from tvaers.selection.rule_files import ready_made

from .conftest import TEST_KEY
from .test_draw_properties import pool_breaches, reconciliation_gaps

YEAR = 2025


@pytest.fixture(scope="module")
def municipality(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    root = tmp_path_factory.mktemp("draw_synth")
    generate(SIZES["S"], 1, root / "data")
    settings = Settings(home=root / "home", pseudonym_key=TEST_KEY)
    import_folder(root / "data", settings, user="test")
    return settings


@pytest.fixture(scope="module")
def attribution(municipality: Settings) -> Iterator[Attribution]:
    with service.opened(municipality, service.DrawConfig()) as analysis:
        yield analysis.draw(YEAR)


def test_coverage_is_80_to_90_percent(attribution: Attribution) -> None:
    total = service.coverage(attribution)[-1]
    assert total["sector_area"] == "total"
    assert 0.80 <= total["coverage"] <= 0.90, total
    assert (
        total["registered"] + total["attributed"] + total["unattributed"] == (total["expenditure"])
    )


def test_the_most_expensive_one_percent_use_a_quarter_to_a_third(attribution: Attribution) -> None:
    c = service.concentration(attribution, Unit.CITIZEN)
    assert c.units == SIZES["S"]
    assert c.top_1_share is not None and 0.25 <= c.top_1_share <= 0.35, c.top_1_share
    assert c.top_3_share is not None and 0.40 <= c.top_3_share <= 0.55, c.top_3_share
    assert c.top_1_share < c.top_3_share < (c.top_10_share or 0) <= 1
    assert c.gini is not None and 0 < c.gini < 1
    # Citizens are ranked from the cheapest, so each step of the Lorenz curve rises at least as
    # steeply as the one before (convex); a citizen whose repayments of last year's benefit
    # exceed this year's draw starts it just below zero, as a Lorenz curve with negative values
    # does, and it never rises above the diagonal.
    assert len(c.lorenz) == 101 and c.lorenz[0] == (0.0, 0.0)
    slopes = [(y1 - y0) / (x1 - x0) for (x0, y0), (x1, y1) in pairwise(c.lorenz)]
    assert all(b >= a - 1e-9 for a, b in pairwise(slopes))
    assert all(y <= x + 1e-9 for x, y in c.lorenz)
    assert min(y for _, y in c.lorenz) > -0.001
    assert c.lorenz[-1] == (1.0, pytest.approx(1.0))


def test_the_books_reconcile_to_the_ore(attribution: Attribution) -> None:
    assert reconciliation_gaps(attribution) == []
    assert pool_breaches(attribution) == []


def test_the_default_overlap_rules_find_real_overlaps(attribution: Attribution) -> None:
    overlaps = {r["rule"]: r for r in service.contacts(attribution)["overlaps"]}
    mentor = overlaps["mentor_support_contact"]
    assert mentor["citizens"] is not None and mentor["citizens"] >= 5, mentor
    assert mentor["citizens_cost"] > 0


def test_the_demo_figures_are_the_service_figures(municipality: Settings) -> None:
    figures = service.key_figures(municipality, YEAR)
    assert figures.year == YEAR
    assert figures.coverage is not None and 0.80 <= figures.coverage <= 0.90
    assert figures.top_1_share is not None and 0.25 <= figures.top_1_share <= 0.35


def test_without_a_year_the_demo_takes_the_last_full_year(municipality: Settings) -> None:
    with service.opened(municipality) as analysis:
        assert analysis.span.latest_full_year == 2025  # data run to 31 October 2026


def test_draw_rows_per_family_sum_to_the_citizens(attribution: Attribution, tmp_path: Path) -> None:
    citizens = service.draw_rows(attribution, Unit.CITIZEN, ordered=False)
    families = service.draw_rows(attribution, Unit.FAMILY, ordered=False)
    assert sum(citizens["total"].to_pylist()) == sum(families["total"].to_pylist())
    assert families.num_rows < citizens.num_rows


def test_published_coverage_hides_only_areas_resting_on_few_citizens(
    attribution: Attribution,
) -> None:
    """On a realistic municipality every area rests on many citizens: nothing is hidden, and the
    published figures are exactly the unsuppressed ones."""
    from tvaers.draw import service

    published = service.coverage_published(attribution)
    plain = service.coverage(attribution)
    assert all(row["citizens"] >= 5 for row in published)
    for shown, full in zip(published, plain, strict=True):
        assert shown["note"] is None
        assert {k: v for k, v in shown.items() if k not in ("citizens", "note")} == full


def test_every_ready_made_target_group_has_members_in_the_synthetic_municipality(
    municipality: Settings,
) -> None:
    """The demo shows KL's and Furesø's target groups: the synthetic municipality carries the
    combinations they look for (mentor with social-service support, transfer income with
    rehabilitation and home nursing, families with at least 7 interventions at once in two or
    more sector areas, …), so no ready-made group comes out empty."""
    sizes = {}
    with service.opened(municipality) as analysis:
        for key, (rule, _text) in ready_made().items():
            evaluation = evaluate(analysis, rule)
            units = evaluation.units
            sizes[key] = units.filter(units.in_group).count().to_pyarrow().as_py()
    assert len(sizes) == 7
    assert all(size >= 3 for size in sizes.values()), sizes
    assert sizes["furesoe"] > 30, sizes
    # KL (2017) §3.1, "2 og 3 forvaltninger" and "mindst 7-8 ydelser på samme tid": about one
    # family per 1,000 citizens in the year before the reference date (25 on S, seed 1).
    assert 15 <= sizes["kl_familier_med_mange_ydelser"] <= 40, sizes


def test_the_command_lines_excel_draws_the_pages_charts_natively(
    municipality: Settings, tmp_path: Path
) -> None:
    """`tvaers concentration` and `tvaers select` as Excel carry the Lorenz curve and the bar
    chart of the group's sector areas that the web pages draw: native charts over the chart's
    own figures beside the table, declared once (tvaers.draw.charts, tvaers.selection.charts)."""
    import zipfile

    from python_calamine import CalamineWorkbook

    from .test_draw_cli import tvaers

    curve, group = tmp_path / "koncentration.xlsx", tmp_path / "gruppe.xlsx"
    made = tvaers(municipality, "concentration", "--year", "2025", "--out", str(curve))
    assert made.exit_code == 0, made.output
    made = tvaers(municipality, "select", "--rules", "furesoe", "--out", str(group))
    assert made.exit_code == 0, made.output
    with zipfile.ZipFile(curve) as book:
        lorenz = book.read("xl/charts/chart1.xml").decode()
    assert "<c:scatterChart>" in lorenz and "Lorenzkurve" in lorenz
    with zipfile.ZipFile(group) as book:
        bars = book.read("xl/charts/chart1.xml").decode()
    assert "<c:barChart>" in bars and "Udgift pr. sektorområde" in bars
    # the drawn figures are cells a reader can check: the curve's points beside its table
    sheet = CalamineWorkbook.from_path(str(curve)).get_sheet_by_name("lorenz").to_python()
    heading = next(i for i, row in enumerate(sheet) if "Diagrammets tal" in row)
    column = sheet[heading].index("Diagrammets tal")
    points = [row[column : column + 3] for row in sheet[heading + 2 :] if row[column] == "Borgere"]
    with service.opened(municipality) as analysis:
        published = service.concentration(analysis.draw(2025), Unit.CITIZEN).lorenz
    drawn = [value for _level, x, y in points for value in (x, y)]
    # a rounding residue just below 0 (negative attributed amounts) is drawn as 0, as on the page
    expected = [min(1.0, max(0.0, value)) for point in published for value in point]
    assert drawn == pytest.approx(expected)
    assert points[-1][1:] == [1.0, 1.0]
