"""The follow-up deadlines' page in Chromium (issue 14): axe finds nothing on the counts per team
and caseworker (statistical), on the caseworker's own list under casework, nor on the form that
records a follow-up, refused with what was typed kept."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import choose_purpose, sign_in
from tests.browser.test_accessibility import Walk

pytestmark = pytest.mark.browser

TITLE = "Opfølgningsfrister"
FORM = "Registrér en opfølgning"


def test_the_deadlines_page_and_form_pass_axe(new_page: Any) -> None:
    from playwright.sync_api import expect

    page = new_page()
    walk = Walk(page)
    sign_in(page, "caseworker")
    walk.visit("opfølgningsfrister, statistisk", "/opfoelgning/frister?fra=2023-01-01", TITLE)
    expect(page.get_by_role("table", name=TITLE + " pr. team", exact=False)).to_be_visible()
    choose_purpose(page, "Sagsbehandlingsformål")
    walk.visit("opfølgningsfrister, egne sager", "/opfoelgning/frister", TITLE)
    walk.visit("opfølgning, formular", "/opfoelgning/frister/registrer?indsats=015011", FORM)
    page.get_by_label("Borger (pseudonym)").fill("abcdefghijklmnopqrst")
    page.get_by_label("Indsatsens startdato").fill("2025-02-01")
    page.get_by_label("Opfølgningens dato").fill("31-12-2099")
    page.get_by_label("Bemærkning").fill("Aftalt ny plan")
    page.get_by_role("button", name="Registrér opfølgningen").click()
    expect(page.get_by_role("alert")).to_contain_text("fremtiden")
    expect(page.get_by_label("Bemærkning")).to_have_value("Aftalt ny plan")
    walk.check("opfølgning, afvist", FORM)
    walk.assert_clean()
