"""The monthly deviations' pages in Chromium (issue 14, 003 §2.3): axe finds nothing on the
statistical table an area chief sees, nor — under the casework purpose — on the drill-down to the
cases of an intervention type, whose rows link there from the table."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.conftest import choose_purpose, sign_in
from tests.browser.test_accessibility import Walk

pytestmark = pytest.mark.browser

TITLE = "Månedlige afvigelser"


def test_the_deviation_pages_pass_axe(new_page: Any) -> None:
    from playwright.sync_api import expect

    page = new_page()
    walk = Walk(page)
    sign_in(page, "area_chief")
    walk.visit("afvigelser", "/opfoelgning/afvigelser", TITLE)
    expect(page.get_by_text("Du arbejder under statistisk formål")).to_be_visible()
    walk.visit("afvigelser, juni netto", "/opfoelgning/afvigelser?year=2025&month=6&basis=net",
               TITLE)  # fmt: skip
    choose_purpose(page, "Sagsbehandlingsformål")
    walk.visit("afvigelser, sagsbehandling", "/opfoelgning/afvigelser?year=2025&month=6", TITLE)
    page.get_by_role("link", name="LAB31").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sager bag afvigelsen LAB31")
    walk.check("afvigelser, sager", re.compile("Sager bag afvigelsen LAB31"))
    walk.assert_clean()
