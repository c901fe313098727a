"""The rule builder in Chromium (issue 11 #3): Furesø's rule built from an empty builder by
clicking and typing, saved, and stored as the very rule set Tværs ships (its YAML the canonical
dump of it); the live count follows the form through htmx; axe finds nothing on the builder at
1366 px and at 320 px, and nothing is wider than a 320 px screen."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

import pytest

from tests.browser.conftest import axe_violations, describe, sign_in

pytestmark = pytest.mark.browser
KEY = "furesoe_bygget"


def _expect() -> Any:
    from playwright.sync_api import expect

    return expect


def _add(page: Any, where: str, kind: str) -> Any:
    """Choose ``kind`` under «Ny betingelse» of ``where`` (include, exclude or a group), press
    «Tilføj betingelse», and return the new condition's box (the page comes back with it)."""
    before = page.locator("fieldset.builder-node").count()
    row = page.locator(".builder-add", has=page.locator(f"#{where}-new"))
    row.get_by_label("Ny betingelse").select_option(label=kind)
    row.get_by_role("button", name="Tilføj betingelse").click()
    _expect()(page.locator("fieldset.builder-node")).to_have_count(before + 1)
    return page.locator("fieldset.builder-node").last


def _benefit(page: Any, where: str, types: list[str], months: str = "", max_days: str = "") -> None:
    box = _add(page, where, "Ydelse")
    for name in types:
        box.get_by_label(name, exact=True).check()
    if months:
        box.get_by_label("Inden for (måneder)").fill(months)
    if max_days:
        box.get_by_label("Forløbet varede højst (dage)").fill(max_days)


def _no_problems(page: Any, label: str) -> list[str]:
    found = []
    violations = axe_violations(page)
    if violations:
        found.append(f"{label}:\n{describe(violations)}")
    found += [f"{label}: {e}" for e in [*page.errors, *page.console_errors]]
    return found


def test_build_furesoe_by_clicking(page: Any, app: Any) -> None:
    from tvaers.selection import rule_store
    from tvaers.selection.dump import rule_set_to_yaml
    from tvaers.selection.parse import parse_rule_set
    from tvaers.selection.rule_files import ready_made

    expect = _expect()
    furesoe = replace(ready_made()["furesoe"][0], key=KEY)
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, "analyst")
    page.goto("/maalgrupper")
    page.get_by_role("link", name="Byg et nyt regelsæt").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Byg et nyt regelsæt")
    problems = _no_problems(page, "tom regelbygger")

    page.get_by_label("Kort navn").fill(KEY)
    page.get_by_label("Betegnelse").fill(furesoe.label)
    page.get_by_label("Beskrivelse").fill(furesoe.description)
    page.get_by_label("Kilde").fill(furesoe.source)
    page.get_by_role("radio", name="Borgere").check()
    page.get_by_label("Ser tilbage (måneder)").fill("12")
    page.get_by_role("radio", name="Alle betingelser skal være opfyldt").check()

    _benefit(page, "include", ["Uddannelseshjælp", "Kontanthjælp", "Ressourceforløb",
                               "Ledighedsydelse"])  # fmt: skip
    areas = _add(page, "include", "Antal sektorområder i kontakt")
    expect(page.locator("#antal")).to_contain_text("udfyldt rigtigt")  # the new box is empty
    areas.get_by_label("Mindst").fill("2")
    areas.get_by_label("Mindst").press("Tab")  # a change: htmx counts the group under the form
    expect(page.locator("#antal")).to_contain_text("Borgere i målgruppen")

    page.get_by_role("radio", name="Tages fra, når mindst én undtagelse er opfyldt").check()
    _benefit(page, "exclude", ["Førtidspension"], months="12")
    _benefit(page, "exclude", ["Dagpenge"], months="3")
    _benefit(page, "exclude", ["Sygedagpenge"], months="3", max_days="182")
    # a condition added by mistake goes again
    wrong = _add(page, "exclude", "Alder (år)")
    wrong.get_by_role("button", name=re.compile("^Fjern")).click()
    expect(page.locator("fieldset.builder-node")).to_have_count(5)

    page.get_by_label("Point pr. stk.: sektorområder i kontakt").fill("3")
    page.get_by_label("Point pr. stk.: forskellige indsatser").fill("1")
    page.get_by_label("Point pr. stk.: overlappende indsatser").fill("2")
    page.get_by_label("Mindste score for at høre til målgruppen").fill("7")
    page.get_by_role("button", name="Vis antal", exact=True).click()
    expect(page.locator("#antal")).to_contain_text("Borgere i målgruppen")
    problems += _no_problems(page, "Furesøs regel i regelbyggeren (1366 px)")

    page.get_by_label("Bemærkning til ændringen").fill("Bygget i formularen")
    page.get_by_role("button", name="Gem regelsættet").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(furesoe.label)
    expect(page.locator("main [role=status]")).to_contain_text("gemt som version 1")

    with app.state.sessions() as session:
        text = rule_store.export_rule(session, KEY)
        (version,) = rule_store.rule_versions(session, KEY)
    assert parse_rule_set(text) == furesoe
    assert text == rule_set_to_yaml(furesoe)
    assert version.note == "Bygget i formularen"
    assert not problems, "\n".join(problems)


def test_the_builder_on_a_narrow_screen(new_page: Any) -> None:
    expect = _expect()
    page = new_page(width=320, height=800)
    sign_in(page, "analyst")
    page.goto("/maalgrupper")  # stores the ready-made rule sets
    page.goto("/maalgrupper/furesoe/byg")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Byg reglen")
    problems = _no_problems(page, "regelbygger (320 px)")
    wide = page.evaluate("document.documentElement.scrollWidth")
    # an error at 320 px: the summary and the field's message
    page.locator("#b2-min").fill("to")
    page.get_by_role("button", name="Gem som ny version").click()
    expect(page.locator(".alert-error")).to_contain_text("Skriv et helt tal, fx 2.")
    expect(page.locator("#b2-min")).to_have_value("to")
    problems += _no_problems(page, "regelbygger med fejl (320 px)")
    wide_error = page.evaluate("document.documentElement.scrollWidth")
    assert not problems, "\n".join(problems)
    assert wide <= 320 and wide_error <= 320, (wide, wide_error)
