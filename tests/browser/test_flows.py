"""The acceptance flows, as a user does them in the browser."""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Any

import pytest
from python_calamine import CalamineWorkbook

from tests.browser.conftest import choose_purpose, sign_in
from tvaers.anchoring.model import focus_points

pytestmark = pytest.mark.browser


def _expect() -> Any:
    from playwright.sync_api import expect

    return expect


def _excel_rows(path: Path) -> list[list[Any]]:
    workbook = CalamineWorkbook.from_path(str(path))
    return workbook.get_sheet_by_index(0).to_python()


def _menu(page: Any) -> Any:
    return page.get_by_role("navigation", name="Hovedmenu", exact=True)


def _flash(page: Any) -> Any:
    return page.locator("main [role=status]")


def test_solution_leader_creates_edits_reflects_exports_and_signs_out(
    page: Any, downloads: Path
) -> None:
    expect = _expect()
    name = f"Familier i fokus {uuid.uuid4().hex[:6]}"
    sign_in(page, "solution_leader")

    # Create a solution through the form.
    _menu(page).get_by_role("link", name="Tværgående løsninger").click()
    page.get_by_role("link", name="Opret løsning").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Opret løsning")
    page.get_by_label("Navn (skal udfyldes)").fill(name)
    page.get_by_label("Kommune").fill("Demokommune")
    page.get_by_label("Målgruppe").fill("Familier med sager i mindst to sektorområder")
    page.get_by_label("Antal familier (mål)").fill("40")
    page.get_by_label("Politisk godkendt (dato)").fill("2025-03-01")
    page.get_by_role("radio", name="Netværksorganisering").check()
    page.get_by_label("Medarbejdere (type: antal, én pr. linje)").fill(
        "Sagsbehandlere: 4\nFamiliebehandlere: 2"
    )
    page.get_by_label("Koordinerende sagsbehandler/familiekontaktperson").check()
    page.get_by_role("button", name="Gem", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    expect(_flash(page)).to_contain_text(f"Løsningen «{name}» er oprettet.")
    facts = page.get_by_role("table", name=name)
    expect(facts.get_by_role("row", name=re.compile("Organisering"))).to_contain_text(
        "Netværksorganisering"
    )
    expect(facts.get_by_role("row", name=re.compile("Medarbejdere"))).to_contain_text(
        "Sagsbehandlere: 4; Familiebehandlere: 2"
    )
    expect(page.get_by_text("Version 1,")).to_be_visible()
    solution_url = page.url

    # Edit one field; the version history shows who changed what.
    page.get_by_role("link", name="Redigér").click()
    expect(page.get_by_label("Antal familier (mål)")).to_have_value("40")
    expect(page.get_by_role("radio", name="Netværksorganisering")).to_be_checked()
    page.get_by_label("Antal familier (mål)").fill("55")
    page.get_by_role("button", name="Gem", exact=True).click()
    expect(_flash(page)).to_have_text("Ændringerne er gemt.")
    expect(page.get_by_text("Version 2,")).to_be_visible()

    page.get_by_role("link", name="Versionshistorik").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Versionshistorik")
    history = page.get_by_role("table", name=f"Versionshistorik: {name}")
    # Match the new value as a whole cell: a timestamp such as "kl. 03:55" in
    # version 1's row must not count as the value 55.
    change = (
        history.get_by_role("row")
        .filter(has_text="Antal familier (mål)")
        .filter(has=page.get_by_role("cell", name="55", exact=True))
    )
    expect(change).to_have_count(1)
    cells = change.get_by_role("cell")
    expect(cells.nth(0)).to_have_text("2")
    expect(cells.nth(2)).to_have_text("leder")
    expect(cells.nth(4)).to_have_text("40")
    expect(cells.nth(5)).to_have_text("55")

    # Answer a text and a choice question of focus point 1; the badge changes.
    page.goto(solution_url)
    total = len(focus_points()[0].questions)
    status_1 = page.locator("main li").filter(has_text="1. Organisatorisk forankring")
    expect(status_1.locator(".badge")).to_have_text(f"0 af {total} besvaret")
    page.get_by_role("link", name="Refleksionsspørgsmål").click()
    section = page.locator("#fp1")
    section.get_by_label("Kan den tværgående løsning kobles til en overordnet strategi").fill(
        "Ja, til den tværgående børne- og ungepolitik."
    )
    section.get_by_role(
        "group", name="Skal der etableres et tværgående forum for fagchefer?"
    ).get_by_label("Ja").check()
    section.get_by_role("button", name="Gem svar til fokuspunkt 1").click()
    expect(_flash(page)).to_have_text("2 svar er gemt.")
    expect(page.locator("#fp1 h2 .badge")).to_have_text(f"2 af {total} besvaret")
    expect(page.get_by_role("table", name="Alle svar, nyeste først")).to_contain_text(
        "tværgående børne- og ungepolitik"
    )
    page.get_by_role("link", name=name).click()
    expect(status_1.locator(".badge")).to_have_text(f"2 af {total} besvaret")
    expect(status_1.locator(".badge")).to_have_class(re.compile("badge-info"))

    # Download the solutions list as Excel; it holds the new solution.
    _menu(page).get_by_role("link", name="Tværgående løsninger").click()
    with page.expect_download() as info:
        page.get_by_role("link", name="Hent som Excel: Tværgående løsninger").click()
    download = info.value
    assert download.suggested_filename == "tvaergaaende-loesninger.xlsx"
    saved = downloads / f"{uuid.uuid4().hex}.xlsx"
    download.save_as(saved)
    rows = _excel_rows(saved)
    header = next(r for r in rows if "Navn" in r)
    ours = next(r for r in rows if name in r)
    assert ours[header.index("Organisering")] == "Netværksorganisering"
    assert ours[header.index("Familier")] == 55
    assert ours[header.index("Version")] == 2
    assert any("Job og Familie" in r for r in rows)

    # Sign out; the pages need signing in again.
    page.get_by_role("button", name="Log ud").click()
    expect(page).to_have_url(re.compile(r"/log-ind$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Log ind")
    page.goto("/loesninger")
    expect(page).to_have_url(re.compile(r"/log-ind\?next=/loesninger$"))
    assert page.errors == []


def test_caseworker_looks_up_a_citizen_with_a_recorded_basis(page: Any) -> None:
    expect = _expect()
    sign_in(page, "caseworker")
    expect(_menu(page).get_by_role("link", name="Borgeropslag")).to_have_count(0)

    choose_purpose(page, "Sagsbehandlingsformål")
    expect(_flash(page)).to_have_text("Du arbejder nu under sagsbehandlingsformål.")
    expect(page.locator("footer")).to_contain_text("Formål: Sagsbehandlingsformål")

    _menu(page).get_by_role("link", name="Borgeropslag").click()
    page.get_by_label("CPR-nummer").fill("150385-1236")
    page.get_by_role("button", name="Slå op").click()

    # No basis yet: nothing shown, a form to record one.
    expect(page.get_by_role("heading", level=1)).to_have_text("Der mangler et grundlag")
    expect(page.get_by_role("table")).to_have_count(0)
    assert "1503851236" not in page.url and "150385" not in page.url
    page.get_by_role("radio", name="Samtykke fra borgeren").check()
    page.get_by_label("Beskrivelse").fill(
        "Samtykke af 1. marts 2025, journalnr. 27.24.00-G01-12-25"
    )
    page.get_by_role("button", name="Registrér grundlag").click()

    expect(_flash(page)).to_have_text("Grundlaget er registreret.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Borger ")
    expect(page.get_by_text("Visningen er logget.")).to_be_visible()
    expect(page.get_by_text("Samtykke af 1. marts 2025")).to_be_visible()
    postings = page.get_by_role("table", name="Posteringer på borgeren")
    expect(postings).to_contain_text("Kontanthjælp januar")
    expect(postings).to_contain_text("15.874,00")
    expect(postings).to_contain_text("Statsrefusion 40 %")
    expect(postings.get_by_role("row")).to_have_count(1 + 3)
    outcomes = page.get_by_role("heading", name="Beskæftigelsesstatus").locator("+ ul")
    expect(outcomes).to_contain_text("Ydelse: kontanthjælp")
    expect(outcomes).to_contain_text("Virksomhedspraktik")
    assert page.errors == []


def test_analyst_cannot_choose_the_casework_purpose(page: Any) -> None:
    expect = _expect()
    sign_in(page, "analyst")
    # the purpose is shown, not offered: the analyst has only the statistical purpose
    expect(page.get_by_role("combobox", name="Formål", exact=True)).to_have_count(0)
    expect(page.locator(".purpose-form").first).to_contain_text("Formål: Statistisk formål")
    expect(page.locator("footer")).to_contain_text("Formål: Statistisk formål")
    # a forged choice is still refused by the server
    page.evaluate(
        """() => { const f = document.createElement('form'); f.method = 'post';
        f.action = '/formaal'; for (const [k, v] of [['purpose', 'casework'],
        ['csrf_token', document.querySelector('input[name=csrf_token]').value]]) {
        const i = document.createElement('input'); i.type = 'hidden'; i.name = k; i.value = v;
        f.appendChild(i); } document.body.appendChild(f); f.submit(); }"""
    )
    expect(_flash(page)).to_have_text(
        "Rollen Analytiker kan ikke arbejde under sagsbehandlingsformål."
    )
    menu = _menu(page)
    expect(menu.get_by_role("link", name="Borgeropslag")).to_have_count(0)

    page.goto("/borgere")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ingen adgang")
    expect(page.get_by_role("alert")).to_contain_text(
        "Din rolle giver ikke adgang til oplysninger om enkelte borgere."
    )


def test_a_solution_named_like_a_script_is_shown_as_text(page: Any) -> None:
    expect = _expect()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    name = f"<script>alert(1)</script> {uuid.uuid4().hex[:4]}"
    sign_in(page, "solution_leader")
    page.goto("/loesninger/ny")
    page.get_by_label("Navn (skal udfyldes)").fill(name)
    page.get_by_label("Noter").fill('<img src=x onerror="alert(2)">')
    page.get_by_role("button", name="Gem", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    expect(_flash(page)).to_contain_text(name)
    expect(page.get_by_text('<img src=x onerror="alert(2)">')).to_be_visible()
    for url in ("/", "/fokuspunkter/1", "/loesninger"):
        page.goto(url)
        expect(page.get_by_role("link", name=name)).to_be_visible()
    page.get_by_role("link", name=name).click()
    page.get_by_role("link", name="Versionshistorik").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Versionshistorik")
    assert page.locator("main script").count() == 0
    assert page.locator("main img").count() == 0
    assert dialogs == []
    assert page.errors == []


def test_an_edit_records_only_the_field_that_was_changed(page: Any) -> None:
    """The example solutions have notes over several lines; saving one field changes only it."""
    expect = _expect()
    sign_in(page, "solution_leader")
    page.goto("/loesninger")
    page.get_by_role("link", name="Fælles om målet", exact=True).click()
    page.get_by_role("link", name="Redigér").click()
    page.get_by_label("Chefforum mødes").fill("hver 14. dag")
    page.get_by_role("button", name="Gem", exact=True).click()
    expect(_flash(page)).to_have_text("Ændringerne er gemt.")
    page.get_by_role("link", name="Versionshistorik").click()
    newest = (
        page.get_by_role("table")
        .get_by_role("row")
        .filter(has=page.get_by_role("cell", name="2", exact=True))
    )
    expect(newest.first).to_contain_text("Chefforum mødes")
    assert newest.all_inner_texts() == [newest.first.inner_text()], newest.all_inner_texts()
