"""What every part of scripts/screenshots.py shares: the picture's size, taking a picture, and
signing in, out and under the casework purpose as the users of tests/browser/live.py."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # for tests.browser.live: the same server the browser tests use

from tests.browser import live  # noqa: E402

WIDTH, HEIGHT = 1280, 860
FULL_PAGE_UP_TO = 2000  # px: shorter pages are shot whole, longer ones one screen high
MAX_BYTES = 400_000
ECONOMY_SOLUTION = "Job og Familie"  # the example solution the demo's group is enrolled in
# An element's top and bottom in the page (for a clip of a long page).
BOX = "e => { const r = e.getBoundingClientRect(); return [r.top + scrollY, r.bottom + scrollY]; }"


def shoot(
    page: Any, path: Path, start: str | None = None, end: str | None = None, height: int = 0
) -> None:
    """The page: whole when short, else one screen; or from the element ``start`` (a
    selector; the top if None) down to the last element ``end``, or ``height`` px, when a long
    page's point is further down."""
    page.evaluate("document.fonts.ready")
    page.evaluate("document.activeElement?.blur()")  # no focus ring from the last field filled
    total = page.evaluate("document.documentElement.scrollHeight")
    if start is None and end is None and not height:
        page.screenshot(path=str(path), full_page=total <= FULL_PAGE_UP_TO, animations="disabled")
    else:
        top = 0 if start is None else max(0, int(page.locator(start).first.evaluate(BOX)[0]) - 24)
        bottom = top + height if height else total
        if end is not None:
            bottom = int(page.locator(end).last.evaluate(BOX)[1]) + 12
        clip = {"x": 0, "y": top, "width": WIDTH, "height": min(bottom, total) - top}
        page.screenshot(path=str(path), full_page=True, clip=clip, animations="disabled")
    size = path.stat().st_size
    print(f"  {path.name}: {size // 1000} kB{' (for stor!)' if size > MAX_BYTES else ''}")


def sign_in(page: Any, role: str) -> None:
    person = live.PEOPLE[role]
    page.goto("/log-ind")
    page.get_by_label("Brugernavn").fill(person.username)
    page.get_by_label("Adgangskode").fill(live.PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    page.locator(".portal-user .user").wait_for()


def sign_out(page: Any) -> None:
    page.get_by_role("button", name="Log ud").click()
    page.wait_for_url(re.compile(r"/log-ind$"))


def casework(page: Any) -> None:
    """Switch the signed-in user to the casework purpose with the header's form."""
    from playwright.sync_api import expect

    page.get_by_role("combobox", name="Formål", exact=True).select_option(
        label="Sagsbehandlingsformål"
    )
    page.get_by_role("button", name="Skift formål").click()
    expect(page.get_by_text("Du arbejder nu under sagsbehandlingsformål.")).to_be_visible()


def solution_href(page: Any, name: str) -> str:
    """The path of the example solution called ``name`` (from the list of solutions)."""
    page.goto("/loesninger")
    return str(page.get_by_role("link", name=name, exact=True).get_attribute("href"))
