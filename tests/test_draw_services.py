"""The draw's use cases behind the pages, on the hand-made municipality of :mod:`.test_draw`:
the reference facts (span, year, as-of date), the overview's published document, one family's
draw and what is loaded."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from tvaers.core.config import Settings
from tvaers.core.errors import NoData
from tvaers.core.suppression import SMALL_CELL
from tvaers.core.units import TOTAL_AREA, Unit
from tvaers.draw import cache, family, loaded, overview, reference, service
from tvaers.store.database import make_engine, sessions, upgrade

from .conftest import TEST_KEY
from .test_draw import PSEUDONYM, town_settings

D = Decimal


@pytest.fixture(scope="module")
def town(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return town_settings(tmp_path_factory.mktemp("draw_services"))


def test_span_years_and_the_as_of_date(town: Settings) -> None:
    with service.opened(town) as analysis:
        span = analysis.span
        assert (span.first, span.last) == (date(2025, 1, 20), date(2025, 3, 31))
        assert span.years == (2025,) and span.latest_full_year == 2025
        assert span.choose_year(1999) == reference.YearChoice(2025, (2025,))
        assert analysis.as_of(None) == reference.AsOf(span.last, span)
        assert analysis.as_of("28-02-2025").day == date(2025, 2, 28)
        garbled = analysis.as_of("31-13-2025")
        assert garbled.day == span.last and "kunne ikke læses" in (garbled.error or "")
        outside = analysis.as_of("2024-12-31")
        assert outside.day == span.last and "skal ligge mellem 20-01-2025" in (outside.error or "")
        assert analysis.area_names["children"]


def test_a_full_year_needs_december() -> None:
    assert reference.DataSpan(date(2024, 1, 1), date(2025, 3, 31)).latest_full_year == 2024
    assert reference.DataSpan(date(2025, 1, 1), date(2025, 3, 31)).latest_full_year == 2025


def test_the_overview_is_published_and_cached_as_one_document(town: Settings) -> None:
    found = overview.overview(town, 2025)
    assert found.year == 2025 and found.years == (2025,)
    figures = found.figures
    assert str(figures.period) == "2025-01..2025-03"
    assert figures.coverage[-1]["sector_area"] == TOTAL_AREA
    counts = [r["citizens"] for r in figures.coverage + figures.area_month]
    counts += [r["units"] for r in figures.contacts]
    assert all(c is None or c == 0 or c >= SMALL_CELL for c in counts)
    # six citizens: their concentration is published; four families are not
    assert figures.concentration[Unit.CITIZEN].units == 6
    assert figures.concentration[Unit.FAMILY].units is None
    assert figures.concentration[Unit.FAMILY].total is None
    assert figures.concentration[Unit.CITIZEN].lorenz_at(0.0) == 0.0
    assert figures.concentration[Unit.CITIZEN].lorenz_at(1.0) == pytest.approx(1.0)
    # the document on disk is the one the page reads, and reads back as the same figures
    (entry,) = cache.folder(town).glob(f"{overview.OVERVIEW_CACHE}-*.json")
    stored = cache.loads(entry.read_text("utf-8"))
    assert overview.PublishedOverview.from_document(stored) == figures
    assert figures.document() == stored
    assert not any(p in entry.read_text("utf-8") for p in PSEUDONYM.values())


def test_a_family_adds_up_its_members_and_areas(town: Settings) -> None:
    members = sorted([PSEUDONYM["anna"], PSEUDONYM["bo"]])
    with family.opened(town, "F1") as view:
        assert view.members == tuple(members)
        draw = view.draw(2025)
    assert draw.year == 2025 and draw.years == (2025,) and str(draw.period) == "2025-01..2025-03"
    assert list(draw.member_totals) == members
    assert sum(draw.member_totals.values()) == draw.total.total
    assert sum((a.total for a in draw.areas), D(0)) == draw.total.total
    assert [a.total for a in draw.areas] == sorted((a.total for a in draw.areas), reverse=True)
    children = next(a for a in draw.areas if a.sector_area == "children")
    feb = [m for m in draw.months if m.sector_area == "children" and m.month == "2025-02"]
    assert sum((m.total for m in feb), D(0)) == D("74361.94")  # as in test_draw
    assert children.name != "children"  # the Danish name
    assert {a.citizen for a in draw.activities} <= set(members)
    ongoing = [a for a in draw.activities if a.ongoing]
    assert all(a.shown_end == max(date(2025, 3, 31), a.start_date) for a in ongoing)
    with family.opened(town, "F-x") as nobody:
        assert nobody.members == ()


def test_what_is_loaded(town: Settings, tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'drift.sqlite'}")
    upgrade(engine)
    try:
        with sessions(engine)() as session:
            found = loaded.loaded(town, session, None)
            empty = loaded.loaded(
                Settings(home=tmp_path / "empty", pseudonym_key=TEST_KEY), session, None
            )
    finally:
        engine.dispose()
    assert found.years == (2025,) and found.year == 2025 and found.areas is not None
    assert found.areas[-1].name == "I alt" and {t.table_name for t in found.tables} >= {"postings"}
    # six citizens: an area with 1-4 of them is hidden, amounts and all; one with none is shown
    assert all(a.citizens in (None, 0) or a.citizens >= SMALL_CELL for a in found.areas)
    assert any(a.citizens is None and a.expenditure is None for a in found.areas)
    assert any(a.citizens == 0 and a.expenditure for a in found.areas)
    assert (empty.years, empty.year, empty.areas, empty.tables) == ((), None, None, ())
    with pytest.raises(NoData):
        overview.overview(Settings(home=tmp_path / "empty", pseudonym_key=TEST_KEY))


def test_a_small_groups_concentration_hides_its_size_and_total(town: Settings) -> None:
    """`tvaers concentration --solution` for a solution of two: no count, no amount (the same
    rule the web overview applies, now in the service the CLI calls too)."""
    from tvaers.draw.members import Enrolled, members_table, restrict

    two = [Enrolled("citizen", PSEUDONYM[n], date(2025, 1, 1), None) for n in ("anna", "bo")]
    with service.opened(town) as analysis:
        everyone = analysis.draw(2025)
        few = service.concentration(restrict(everyone, members_table(analysis.backend, two)))
        assert (few.units, few.total, few.gini, few.top_1_share) == (None, None, None, None)
        assert few.lorenz == [(0.0, 0.0)]
        assert all(r["units"] is None or r["units"] == 0 for r in few.by_areas)
        whole = service.concentration(everyone)
    assert whole.units is not None and whole.units >= SMALL_CELL and whole.total


def test_the_analysis_session_attributes_a_period_once(town: Settings) -> None:
    """The overview, the family page and a selection of the same year share one attribution in
    a session; another configuration or period is attributed anew."""
    with service.opened(town) as analysis:
        year = analysis.draw(2025)
        assert analysis.draw(2025) is year
        assert analysis.attribution(analysis.period(2025)) is year
        assert analysis.draw(None) is year  # all loaded data is the same three months
        assert analysis.period(2025) == year.period  # clipped to the data: Jan-Mar 2025
        assert str(year.period) == "2025-01..2025-03"
    with service.opened(town) as other:
        assert other.draw(2025) is not year  # a new session computes afresh
        assert other.draw(2025).period == year.period
