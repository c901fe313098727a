"""Browser tests: a live Tværs server (uvicorn in a thread) and Chromium driven by Playwright.

The server is started once per test session with a temporary home, one user per role (password
``live.PASSWORD``), VIVE's example solutions and the hand-made mini municipality. Chromium is
Debian's ``/usr/bin/chromium`` (Playwright's own browser download is not used). Without it the
tests are skipped, unless ``TVAERS_REQUIRE_BROWSER=1`` (set by CI): then they fail.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser import live

TIMEOUT_MS = 15_000


def pytest_configure(config: pytest.Config) -> None:
    # Harmless when pyproject.toml registers the marker too; needed under --strict-markers if not.
    config.addinivalue_line("markers", "browser: drives Chromium against a live server")


def _require_browser() -> None:
    if live.CHROMIUM.exists():
        return
    reason = f"Chromium findes ikke på {live.CHROMIUM} (apt-get install -y chromium)"
    if os.environ.get("TVAERS_REQUIRE_BROWSER") == "1":
        pytest.fail(f"Browsertest kræves (TVAERS_REQUIRE_BROWSER=1): {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The app with a temporary home, seeded: users, example solutions, the mini municipality."""
    from tvaers.web.app import create_app

    home = tmp_path_factory.mktemp("browser") / "home"
    settings = live.settings_for(home)
    application = create_app(settings)
    live.seed(application, settings)
    yield application
    application.state.engine.dispose()


@pytest.fixture(scope="session")
def server(request: pytest.FixtureRequest) -> Iterator[live.LiveServer]:
    """The live server's base URL is ``server.url``."""
    _require_browser()
    with live.LiveServer(request.getfixturevalue("app")) as running:
        yield running


@pytest.fixture(scope="session")
def playwright_driver() -> Iterator[Any]:
    """Playwright, once per session: its sync API cannot be started twice in one process, so
    a module with a server of its own launches its Chromium from this one too."""
    from playwright.sync_api import sync_playwright

    _require_browser()
    with sync_playwright() as driver:
        yield driver


def launch(driver: Any) -> Any:
    """A Chromium as every browser test uses it."""
    return driver.chromium.launch(
        executable_path=str(live.CHROMIUM), args=live.CHROMIUM_ARGS, timeout=30_000
    )


@pytest.fixture(scope="session")
def browser(server: live.LiveServer, playwright_driver: Any) -> Iterator[Any]:
    chromium = launch(playwright_driver)
    yield chromium
    chromium.close()


@pytest.fixture
def new_page(browser: Any, server: live.LiveServer) -> Iterator[Callable[..., Any]]:
    """``new_page(width=1280)``: a page in a fresh browser context (own cookies)."""
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT_MS)
    contexts = []

    def make(width: int = 1280, height: int = 900) -> Any:
        context = browser.new_context(
            base_url=server.url,
            viewport={"width": width, "height": height},
            locale="da-DK",
            accept_downloads=True,
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        # Script errors and console errors (a CSP refusal shows up there) for the tests to check.
        page.errors = []  # type: ignore[attr-defined]
        page.console_errors = []  # type: ignore[attr-defined]
        page.on("pageerror", lambda error: page.errors.append(str(error)))  # type: ignore[attr-defined]
        page.on("console", lambda message: _console(page, message))
        return page

    yield make
    for context in contexts:
        context.close()


def _console(page: Any, message: Any) -> None:
    # A page answered with 401/403/404/422 is logged as a failed load; that is no script error.
    if message.type == "error" and not message.text.startswith("Failed to load resource"):
        page.console_errors.append(f"{message.text} ({page.url})")


@pytest.fixture
def page(new_page: Callable[..., Any]) -> Any:
    return new_page()


def sign_in(page: Any, role: str) -> Any:
    """Sign in through the sign-in form as the seeded user with ``role``."""
    from playwright.sync_api import expect

    person = live.PEOPLE[role]
    page.goto("/log-ind")
    page.get_by_label("Brugernavn").fill(person.username)
    page.get_by_label("Adgangskode").fill(live.PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    expect(page.locator(".portal-user .user")).to_contain_text(person.full_name)
    return page


def choose_purpose(page: Any, label: str) -> None:
    """Switch purpose with the selector in the header (``label`` is the Danish option text).

    Returns when the answer is shown: the switch, or its refusal, is always a one-off message.
    """
    from playwright.sync_api import expect

    page.get_by_role("combobox", name="Formål", exact=True).select_option(label=label)
    page.get_by_role("button", name="Skift formål").click()
    expect(page.locator("main [role=status]")).to_contain_text(re.compile("formål"))


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Run axe-core (WCAG 2.0/2.1 A and AA) on the page; returns the violations."""
    # From the app's own static files: the page's CSP (script-src 'self') refuses inline scripts,
    # which is what add_script_tag(path=...) would insert.
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(url=live.AXE_URL)
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {runOnly: {type: "tag",
                values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                helpUrl: v.helpUrl, nodes: v.nodes.map(n => ({target: n.target,
                summary: n.failureSummary, html: n.html}))}));
        }"""
    )
    return list(result)


def describe(violations: list[dict[str, Any]]) -> str:
    """Violations as a reader wants them: rule, impact, help, and each offending node."""
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']}  <{v['helpUrl']}>")
        for node in v["nodes"][:10]:
            summary = re.sub(r"\s+", " ", node.get("summary") or "").strip()
            lines.append(f"    {json.dumps(node['target'], ensure_ascii=False)}: {summary}")
            lines.append(f"      {node['html'][:200]}")
        if len(v["nodes"]) > 10:
            lines.append(f"    … og {len(v['nodes']) - 10} til")
    return "\n".join(lines)


@pytest.fixture(scope="session")
def downloads(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("downloads")
