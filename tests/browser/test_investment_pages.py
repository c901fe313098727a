"""The investment case's pages in Chromium (issue 13): an analyst adds a line, types a bad
amount and is told in Danish with what was typed kept, corrects it and saves; the case's page
draws both charts and says when the case pays back; axe finds nothing on the list, the form (empty,
with its error) and the case."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.conftest import sign_in
from tests.browser.test_accessibility import Walk

pytestmark = pytest.mark.browser

LINES = [  # (area, year, kind, amount, refund share)
    ("solution", "1", "cost", "1.000.000", ""),
    ("children", "1", "cost", "250.000", ""),
    ("employment", "2", "gain", "1.400.000", "50%"),
    ("adults", "2", "gain", "tusind", ""),
]


def test_investment_pages_pass_axe(new_page: Any) -> None:
    from playwright.sync_api import expect

    page = new_page()
    walk = Walk(page)
    sign_in(page, "analyst")
    walk.visit("investeringscaser", "/investering", "Investeringscaser")
    page.get_by_role("link", name="Ny investeringscase").click()
    walk.check("ny investeringscase", "Ny investeringscase")
    page.get_by_label("Casens navn").fill("Familier i centrum, browser")
    page.get_by_label("Første år (kalenderår)").fill("2027")
    page.get_by_label("Antal år").fill("2")
    page.get_by_role("button", name="Tilføj linje").click()
    expect(page.locator('input[name="line_amount"]')).to_have_count(4)
    expect(page.get_by_label("Casens navn")).to_have_value("Familier i centrum, browser")
    for n, (area, year, kind, amount, share) in enumerate(LINES, start=1):
        page.get_by_label(f"Sektorområde, linje {n}", exact=True).fill(area)
        page.get_by_label(f"År, linje {n}", exact=True).fill(year)
        page.get_by_label(f"Udgift eller gevinst, linje {n}", exact=True).select_option(kind)
        page.get_by_label(f"Beløb (kr.), linje {n}", exact=True).fill(amount)
        page.get_by_label(f"Refusionsandel, linje {n}", exact=True).fill(share)
    page.get_by_role("button", name="Beregn og gem").click()
    expect(page.get_by_role("alert")).to_contain_text("Linje 4, feltet «Beløb (kr.)»: «tusind»")
    expect(page.get_by_label("Beløb (kr.), linje 4", exact=True)).to_have_value("tusind")
    walk.check("ny investeringscase, fejl", "Ny investeringscase")
    page.get_by_label("Beløb (kr.), linje 4", exact=True).fill("300.000")
    page.get_by_role("button", name="Beregn og gem").click()
    walk.check("investeringscase", "Familier i centrum, browser")
    # gross: −1.250.000 in 2027; 2028: (1.400.000 + 300.000) × 60 % = 1.020.000, ÷ 1,04 =
    # 980.769,23: not paid back (−269.230,77); net: 1.400.000 × 60 % × 50 % = 420.000 + 180.000
    expect(page.get_by_text(re.compile("Casen er ikke tjent hjem inden for 2 år"))).to_have_count(2)
    expect(page.locator("[data-chart] svg")).to_have_count(2)
    walk.check("investeringscase med diagrammer", "Familier i centrum, browser")
    walk.visit("investeringscaser med en case", "/investering", "Investeringscaser")
    walk.assert_clean()
