"""The pilot evaluation's page in Chromium (issue 13): on a small synthetic municipality (1,500
citizens, 60 enrolled in solution 1 in the first half of 2025) an area chief opens the pilot,
sees the estimates' chart drawn and the tables, chooses exact strata and net of the state in the
form, and is told in Danish when the address asks for a method that does not exist; axe finds
nothing on any of it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser import live
from tests.browser.conftest import TIMEOUT_MS, _console, sign_in
from tests.browser.test_accessibility import Walk
from tests.test_web_pilot import SOLUTION, _enrol

pytestmark = pytest.mark.browser
HEADING = "Pilotevaluering: Fælles om målet"


@pytest.fixture(scope="module")
def pilot_server(
    tmp_path_factory: pytest.TempPathFactory, browser: Any
) -> Iterator[live.LiveServer]:
    from tvaers.data.synth import generate
    from tvaers.web.app import create_app

    root: Path = tmp_path_factory.mktemp("pilot_browser")
    generate(1_500, 11, root / "data")
    settings = live.settings_for(root / "home").model_copy(update={"page_wait": 120.0})
    app = create_app(settings)
    live.seed(app, settings, root / "data")
    _enrol(app, 60)
    with live.LiveServer(app) as running:
        yield running
    app.state.engine.dispose()


@pytest.fixture
def pilot_page(browser: Any, pilot_server: live.LiveServer) -> Iterator[Any]:
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT_MS)
    context = browser.new_context(base_url=pilot_server.url, viewport={"width": 1280,
                                  "height": 900}, locale="da-DK")  # fmt: skip
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.errors = []
    page.console_errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on("console", lambda message: _console(page, message))
    yield page
    context.close()


def test_the_pilot_page_passes_axe(pilot_page: Any) -> None:
    from playwright.sync_api import expect

    page, walk = pilot_page, Walk(pilot_page)
    sign_in(page, "area_chief")
    page.goto(f"/loesninger/{SOLUTION}")
    page.get_by_role("link", name="Pilotevaluering: effekt mod en sammenligningsgruppe").click()
    walk.check("pilotevaluering", HEADING)
    expect(page.locator('[data-chart="chart-pilot"] svg')).to_have_count(1)
    expect(
        page.get_by_role("heading", name="Anslået effekt pr. sektorområde (Brutto)")
    ).to_be_visible()
    expect(page.get_by_role("heading", name="Balance før og efter matchning")).to_be_visible()
    page.get_by_label("Eksakte strata").check()
    page.get_by_label("Netto af staten").check()
    page.get_by_role("button", name="Vis").click()
    expect(
        page.get_by_role("heading", name="Anslået effekt pr. sektorområde (Netto af staten)")
    ).to_be_visible()
    expect(page.get_by_label("Eksakte strata")).to_be_checked()
    walk.check("pilotevaluering, strata og netto", HEADING)
    page.goto(f"/loesninger/{SOLUTION}/pilot?method=tilfaeldig")
    expect(page.get_by_role("alert")).to_contain_text("Vælg en af metoderne")
    walk.check("pilotevaluering, ukendt metode", HEADING)
    walk.assert_clean()
