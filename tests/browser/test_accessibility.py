"""Every page passes axe-core's WCAG 2.1 A/AA rules, as the role that really sees its content.

Each test walks the pages one role sees (signed out, solution leader, caseworker under the
casework purpose, administrator, analyst), including forms with validation errors, the no-basis
page, the 403 and 404 pages; then a few pages at 400 px width. The failure message lists every
violation: rule, impact, help and the offending nodes.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.conftest import axe_violations, choose_purpose, describe, sign_in

pytestmark = pytest.mark.browser


def _expect() -> Any:
    from playwright.sync_api import expect

    return expect


class Walk:
    """Collects axe violations (and script errors) page by page; asserts once at the end."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.found: dict[str, list[dict[str, Any]]] = {}
        self.walked: list[str] = []

    def check(self, label: str, heading: str | re.Pattern[str]) -> None:
        """Check the page now shown; ``heading`` is its expected h1 (proves the content is there)."""
        _expect()(self.page.get_by_role("heading", level=1)).to_have_text(heading)
        self.walked.append(label)
        violations = axe_violations(self.page)
        if violations:
            self.found[f"{label} ({self.page.url})"] = violations
        errors = [*self.page.errors, *self.page.console_errors]
        if errors:
            self.found[f"{label} ({self.page.url})"] = [
                {"id": "script-error", "impact": "serious", "help": e, "helpUrl": "", "nodes": []}
                for e in errors
            ]
            self.page.errors.clear()
            self.page.console_errors.clear()

    def visit(self, label: str, url: str, heading: str | re.Pattern[str]) -> None:
        self.page.goto(url)
        self.check(label, heading)

    def assert_clean(self) -> None:
        report = "\n".join(f"{page}:\n{describe(v)}" for page, v in self.found.items())
        assert not self.found, f"axe fandt problemer på {len(self.found)} sider:\n{report}"


# A rule set that finds candidates in the mini municipality (5 of its 6 citizens).
ALL_ACTIVE = """\
rule_set: alle_aktive
label: "Alle med en indsats"
unit: citizen
include:
  all:
    - sector_areas: {min: 1}
score:
  weights: {sector_areas: 2, interventions: 1}
"""


def _seed_rule(app: Any) -> None:
    """Store ALL_ACTIVE (saving the same text again changes nothing)."""
    from tvaers.selection import rule_store

    with app.state.sessions() as session:
        rule_store.save_rule(session, ALL_ACTIVE, "test")
        session.commit()


def _solution_id(page: Any, name: str) -> int:
    page.goto("/loesninger")
    href = page.get_by_role("link", name=name, exact=True).get_attribute("href")
    return int(href.rsplit("/", 1)[1])


def test_pages_signed_out(page: Any) -> None:
    walk = Walk(page)
    walk.visit("log ind", "/log-ind", "Log ind")
    page.get_by_label("Brugernavn").fill("leder")
    page.get_by_label("Adgangskode").fill("forkert-adgangskode")
    page.get_by_role("button", name="Log ind").click()
    _expect()(page.get_by_role("alert")).to_contain_text("Forkert brugernavn eller adgangskode")
    walk.check("log ind, mislykket", "Log ind")
    walk.visit("side der ikke findes", "/findes-ikke", "Siden findes ikke.")
    walk.assert_clean()


def test_pages_of_a_solution_leader(page: Any) -> None:
    expect = _expect()
    walk = Walk(page)
    sign_in(page, "solution_leader")
    walk.check("forside", "Tværgående løsninger – økonomi og styring")
    walk.visit("løsninger", "/loesninger", "Tværgående løsninger")
    expect(page.get_by_role("table", name="Tværgående løsninger")).to_contain_text("Job og Familie")
    walk.visit("ny løsning", "/loesninger/ny", "Opret løsning")

    # The empty form, sent as a browser without client-side validation would send it.
    page.locator("main form").evaluate("form => form.noValidate = true")
    page.get_by_role("button", name="Gem", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("Ret fejlene herunder.")
    walk.check("ny løsning, tom formular", "Opret løsning")
    page.get_by_label("Navn (skal udfyldes)").fill("Fejlfyldt løsning")
    page.get_by_label("Projektperiode fra").fill("2025-06-01")
    page.get_by_label("Projektperiode til").fill("2025-01-01")
    page.get_by_label("Medarbejdere (type: antal, én pr. linje)").fill("Sagsbehandlere fire")
    page.get_by_label("Koordinatoren har visitationskompetence").check()
    page.get_by_role("button", name="Gem", exact=True).click()
    expect(page.locator("#staff-error")).to_contain_text("Skriv hver linje som «type: antal»")
    # The error summary follows the form's order, and every link leads to its field.
    summary = page.get_by_role("alert").get_by_role("link")
    expect(summary).to_have_text(
        [re.compile("^Projektperiode til: "), re.compile("^Medarbejdere .*: Skriv hver linje")]
    )
    for href in summary.evaluate_all("links => links.map(a => a.getAttribute('href'))"):
        expect(page.locator(href)).to_have_count(1)
    walk.check("ny løsning, ugyldige felter", "Opret løsning")

    solution = _solution_id(page, "Tværgående løsning i Furesø")
    walk.visit("løsning", f"/loesninger/{solution}", "Tværgående løsning i Furesø")
    walk.visit("redigér løsning", f"/loesninger/{solution}/rediger", re.compile("^Redigér: "))
    walk.visit("versionshistorik", f"/loesninger/{solution}/historik", "Versionshistorik")
    expect(page.get_by_role("table").get_by_role("row")).not_to_have_count(2)
    walk.visit("refleksionsspørgsmål", f"/loesninger/{solution}/refleksion", "Refleksionsspørgsmål")
    walk.visit("fokuspunkter", "/fokuspunkter", "VIVEs seks fokuspunkter")
    for number in range(1, 7):
        walk.visit(f"fokuspunkt {number}", f"/fokuspunkter/{number}", re.compile(f"^{number}\\. "))
    walk.visit("data", "/data", "Indlæste data")
    expect(page.locator("[data-chart] svg")).to_be_visible()
    walk.check("data med diagram", "Indlæste data")
    walk.visit("ressourcetræk", "/ressourcetraek", "Ressourcetræk")
    expect(page.get_by_role("table", name=re.compile("^Udgift og dækning"))).to_be_visible()
    expect(page.locator("[data-chart] svg")).to_be_visible()
    walk.check("ressourcetræk med diagram", "Ressourcetræk")
    walk.visit("løsning findes ikke", "/loesninger/999999", "Siden findes ikke.")
    walk.visit("ingen adgang (403)", "/admin/brugere", "Ingen adgang")
    walk.assert_clean()


def test_pages_of_a_caseworker_under_the_casework_purpose(page: Any) -> None:
    expect = _expect()
    walk = Walk(page)
    sign_in(page, "caseworker")
    choose_purpose(page, "Sagsbehandlingsformål")
    walk.check("forside, sagsbehandlingsformål", "Tværgående løsninger – økonomi og styring")
    walk.visit("borgeropslag", "/borgere", "Borgeropslag")
    page.get_by_label("CPR-nummer").fill("12345")
    page.get_by_role("button", name="Slå op").click()
    expect(page.locator("#cpr-error")).to_be_visible()
    walk.check("borgeropslag, ugyldigt CPR", "Borgeropslag")

    page.get_by_label("CPR-nummer").fill("120715-4007")
    page.get_by_role("button", name="Slå op").click()
    walk.check("borger uden grundlag", "Der mangler et grundlag")
    page.get_by_role("radio", name="Hjemmel i lovgivningen").check()
    page.get_by_label("Beskrivelse").fill("Servicelovens § 50, journalnr. 27.00.00-A00-1-25")
    page.get_by_role("button", name="Registrér grundlag").click()
    expect(page.get_by_role("table", name="Posteringer på borgeren")).to_be_visible()
    walk.check("borger med grundlag", re.compile("^Borger "))
    page.get_by_role("link", name="Se familiens ressourcetræk").click()
    expect(page.get_by_role("table", name=re.compile("^Ressourcetræk pr. borger"))).to_be_visible()
    expect(page.locator("[data-chart] svg")).to_be_visible()
    walk.check("familiens ressourcetræk", "Familiens ressourcetræk")
    walk.assert_clean()


def test_selection_pages_of_a_solution_leader(page: Any, app: Any) -> None:
    """The target groups: list, statistical view, what-if, edit with an error, versions."""
    expect = _expect()
    _seed_rule(app)
    walk = Walk(page)
    sign_in(page, "solution_leader")
    walk.visit("målgrupper", "/maalgrupper", "Målgrupper")
    expect(page.get_by_role("table", name="Regelsæt")).to_contain_text("Furesø")
    page.get_by_text("Hvorfor kan jeg ikke se, hvem der er i målgruppen?").click()
    expect(page.get_by_text("Kandidater findes i stedet på ny")).to_be_visible()
    walk.check("målgrupper, forklaring åben", "Målgrupper")
    walk.visit("ny målgruppe", "/maalgrupper/ny", "Nyt regelsæt")
    label = "KL: udsatte unge 17–25 år"
    walk.visit("målgruppe (statistik)", "/maalgrupper/kl_udsatte_unge", label)
    expect(page.get_by_role("table", name=re.compile("^Målgruppens størrelse"))).to_be_visible()
    walk.visit("målgruppe med tal", "/maalgrupper/alle_aktive", "Alle med en indsats")
    expect(page.get_by_role("table", name=re.compile("^Hvad betyder"))).to_be_visible()
    yaml = page.get_by_label("Regelsættet i YAML")
    yaml.fill(ALL_ACTIVE.replace("{min: 1}", "{min: 2}"))
    page.get_by_role("button", name="Beregn variant").click()
    expect(page.get_by_role("table", name=re.compile("^Grundregel og variant"))).to_be_visible()
    walk.check("hvad nu hvis", "Alle med en indsats")
    page.get_by_label("Regelsættet i YAML").fill(ALL_ACTIVE.replace("{min: 1}", "{min: x}"))
    page.get_by_role("button", name="Beregn variant").click()
    expect(page.get_by_role("alert")).to_contain_text("include.all[0].sector_areas.min")
    walk.check("hvad nu hvis, fejl", "Alle med en indsats")
    walk.visit("redigér målgruppe", "/maalgrupper/furesoe/rediger", re.compile("^Redigér: "))
    text = page.get_by_label("Regelsættet i YAML").input_value()
    page.get_by_label("Regelsættet i YAML").fill(text.replace("min: 2", "min: -2"))
    page.get_by_role("button", name="Gem", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("include.all[1].sector_areas.min")
    walk.check("redigér målgruppe, fejl", re.compile("^Redigér: "))
    walk.visit("versioner", "/maalgrupper/furesoe/versioner", "Versionshistorik")
    walk.assert_clean()


def test_yaml_import_with_an_error_in_the_browser(page: Any) -> None:
    """A file upload as a browser sends it (multipart, the CSRF token in the form)."""
    expect = _expect()
    walk = Walk(page)
    sign_in(page, "solution_leader")
    walk.visit("målgrupper", "/maalgrupper", "Målgrupper")
    page.get_by_label("YAML-fil med et regelsæt").set_input_files(
        files=[{"name": "fejl.yaml", "mimeType": "application/yaml",
                "buffer": b"rule_set: fejl\nlabel: Fejl\ninclude: {all: []}\n"}]
    )  # fmt: skip
    page.get_by_role("button", name="Importér").click()
    expect(page.get_by_role("alert")).to_contain_text("include.all")
    walk.check("målgrupper, import med fejl", "Målgrupper")
    walk.assert_clean()


def test_selection_casework_of_a_caseworker(page: Any, app: Any) -> None:
    """Per solution: refused without a basis, the basis, candidates, one candidate, enrolled."""
    expect = _expect()
    _seed_rule(app)
    walk = Walk(page)
    sign_in(page, "caseworker")
    choose_purpose(page, "Sagsbehandlingsformål")
    solution = _solution_id(page, "Familieplanen")
    walk.visit("løsning med udvælgelse", f"/loesninger/{solution}", "Familieplanen")
    page.get_by_role("link", name="Udvælgelse af kandidater").click()
    walk.check("udvælgelse uden grundlag (403)", "Ingen adgang")
    page.get_by_role("link", name="Registrér grundlaget for udvælgelse").click()
    walk.check("grundlag for udvælgelse", "Grundlag for udvælgelse")
    page.locator("main form").evaluate("form => form.noValidate = true")
    page.get_by_role("button", name="Registrér grundlag").click()
    expect(page.get_by_role("alert")).to_contain_text("Beskriv grundlaget")
    walk.check("grundlag for udvælgelse, fejl", "Grundlag for udvælgelse")
    page.get_by_label("Beskrivelse").fill("Retssikkerhedslovens § 11 c, j.nr. 27.00.00-A00-1-25")
    page.get_by_role("button", name="Registrér grundlag").click()
    walk.check("udvælgelse, vælg regelsæt", "Udvælgelse af kandidater")
    page.get_by_label("Regelsæt").select_option(label="Alle med en indsats (borgere)")
    page.get_by_role("button", name="Find kandidater").click()
    candidates = page.get_by_role("table", name=re.compile("^Kandidater: "))
    expect(candidates).to_be_visible()
    walk.check("kandidatliste", "Udvælgelse af kandidater")
    candidates.get_by_role("link").first.click()
    expect(page.get_by_role("table", name="Scorens sammensætning")).to_be_visible()
    walk.check("kandidat", re.compile("^Borger "))
    page.get_by_role("radio", name="Afvises").check()
    page.get_by_label("Indskrives fra (kun ved «optages»)").fill("2025-03-01")
    page.get_by_role("button", name="Registrér vurdering").click()
    expect(page.get_by_role("alert")).to_contain_text("kan kun indskrives")
    walk.check("kandidat, fejl i vurdering", re.compile("^Borger "))
    page.get_by_role("radio", name="Optages").check()
    page.get_by_label("Vurderingens dato").fill("2025-03-01")
    page.get_by_label("Indskrives fra (kun ved «optages»)").fill("2025-03-01")
    page.get_by_role("button", name="Registrér vurdering").click()
    expect(page.locator("main [role=status]")).to_contain_text("indskrevet")
    walk.check("kandidat, vurderet", re.compile("^Borger "))
    page.get_by_role("navigation", name="Brødkrumme").get_by_role(
        "link", name="Familieplanen"
    ).click()
    page.get_by_role("link", name="Indskrevne").click()
    expect(page.get_by_role("table", name=re.compile("^Indskrevne: "))).to_be_visible()
    walk.check("indskrevne", "Indskrevne")
    page.get_by_role("checkbox", name=re.compile("^Vælg ")).first.check()
    page.get_by_label(re.compile("^Udskrivningsdato")).fill("2025-01-01")
    page.get_by_label(re.compile("^Årsag")).fill("Mål nået")
    page.get_by_role("button", name="Udskriv de valgte").click()
    expect(page.get_by_role("alert")).to_contain_text("før indskrivningsdatoen")
    expect(page.get_by_role("checkbox", name=re.compile("^Vælg ")).first).to_be_checked()
    walk.check("indskrevne, fejl i udskrivning", "Indskrevne")
    walk.assert_clean()


def test_pages_of_an_administrator(page: Any) -> None:
    expect = _expect()
    walk = Walk(page)
    sign_in(page, "administrator")
    walk.visit("brugere", "/admin/brugere", "Brugere")
    expect(page.get_by_role("table", name="Brugere")).to_contain_text("sagsbehandler")
    page.get_by_label("Brugernavn").fill("ny.bruger")
    page.get_by_label("Navn", exact=True).fill("Ny Bruger")
    page.get_by_label("Adgangskode").fill("kort")
    page.locator("main form").last.evaluate("form => form.noValidate = true")
    page.get_by_role("button", name="Opret bruger").click()
    expect(page.get_by_role("alert")).to_contain_text("mindst 12 tegn")
    walk.check("brugere, fejl", "Brugere")
    walk.visit("indsigt i log", "/admin/log", "Indsigt i log")
    page.get_by_label("CPR-nummer").fill("0000000000")
    page.get_by_role("button", name="Vis log").click()
    expect(page.locator("#cpr-error")).to_be_visible()
    walk.check("indsigt i log, ugyldigt CPR", "Indsigt i log")
    page.get_by_label("CPR-nummer").fill("1503851236")
    page.get_by_role("button", name="Vis log").click()
    expect(page.get_by_role("table", name="Adgang til borgerens oplysninger")).to_be_visible()
    walk.check("indsigt i log for en borger", "Indsigt i log")
    walk.assert_clean()


def test_pages_of_an_analyst(page: Any) -> None:
    walk = Walk(page)
    sign_in(page, "analyst")
    walk.check("forside, analytiker (formålet vist, ikke valgbart)",
               "Tværgående løsninger – økonomi og styring")  # fmt: skip
    walk.visit("borgeropslag (403)", "/borgere", "Ingen adgang")
    walk.visit("målgruppe, analytiker", "/maalgrupper/furesoe", re.compile("^Furesø: "))
    solution = _solution_id(page, "Job og Familie")
    walk.visit("kandidater (403)", f"/loesninger/{solution}/udvaelgelse", "Ingen adgang")
    _expect()(page.get_by_role("alert")).to_contain_text("Statistiske resultater må aldrig")
    walk.assert_clean()


@pytest.mark.parametrize("role", ["solution_leader"])
def test_mobile_width(new_page: Any, role: str) -> None:
    """At 400 px: no violations, nothing wider than the screen, the menu opens."""
    expect = _expect()
    page = new_page(width=400, height=800)
    walk = Walk(page)
    walk.visit("log ind (mobil)", "/log-ind", "Log ind")
    sign_in(page, role)
    solution = _solution_id(page, "Job og Familie")
    pages = [
        ("forside (mobil)", "/", "Tværgående løsninger – økonomi og styring"),
        ("løsninger (mobil)", "/loesninger", "Tværgående løsninger"),
        ("løsning (mobil)", f"/loesninger/{solution}", "Job og Familie"),
        ("ny løsning (mobil)", "/loesninger/ny", "Opret løsning"),
        ("refleksion (mobil)", f"/loesninger/{solution}/refleksion", "Refleksionsspørgsmål"),
        ("data (mobil)", "/data", "Indlæste data"),
        ("ressourcetræk (mobil)", "/ressourcetraek", "Ressourcetræk"),
        ("målgrupper (mobil)", "/maalgrupper", "Målgrupper"),
        ("målgruppe (mobil)", "/maalgrupper/furesoe", re.compile("^Furesø: ")),
    ]
    too_wide = []
    for label, url, heading in pages:
        walk.visit(label, url, heading)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 400:
            too_wide.append(f"{label}: {width} px")
    page.goto("/")
    page.get_by_role("button", name="Menu").click()
    drawer = page.get_by_role("dialog", name="Menu")
    expect(drawer).to_be_visible()
    expect(drawer.get_by_role("link", name="Tværgående løsninger")).to_be_visible()
    # On a phone the header's purpose switch and sign-out live in the menu.
    expect(drawer.get_by_role("combobox", name="Formål")).to_be_visible()
    expect(drawer.get_by_role("button", name="Log ud")).to_be_visible()
    walk.check("menu åben (mobil)", "Tværgående løsninger – økonomi og styring")
    drawer.get_by_role("combobox", name="Formål").select_option(label="Sagsbehandlingsformål")
    drawer.get_by_role("button", name="Skift formål").click()
    expect(page.locator("main [role=status]")).to_have_text(
        "Du arbejder nu under sagsbehandlingsformål."
    )
    page.get_by_role("button", name="Menu").click()
    page.get_by_role("dialog", name="Menu").get_by_role("button", name="Log ud").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log ind")
    walk.assert_clean()
    assert not too_wide, "Siden er bredere end skærmen: " + ", ".join(too_wide)


def test_axe_really_runs_and_reports(page: Any) -> None:
    """Guard against a silent pass: an image without alt text added to the page is reported."""
    page.goto("/log-ind")
    page.evaluate(
        """() => { const img = document.createElement("img"); img.src = "/static/favicon.svg";
                   document.querySelector("main").appendChild(img); }"""
    )
    violations = axe_violations(page)
    assert [v["id"] for v in violations] == ["image-alt"], describe(violations)
    assert "image-alt (critical)" in describe(violations)


def _enrol_hundred(app: Any, solution: int) -> None:
    """100 citizens enrolled in ``solution`` (the mini municipality's 6 and 94 the data do not
    hold) with a selection basis, written straight to the store."""
    from datetime import date

    from tvaers.draw import service as draw_service
    from tvaers.selection import bases, decisions

    with draw_service.opened(app.state.settings) as analysis:
        known = sorted(analysis.table("citizens").citizen.to_pyarrow().to_pylist())
    letters = "abcdefghijklmnop"  # a pseudonym: 20 letters a-p
    made = ("".join(letters[int(c, 16)] for c in f"{n:020x}") for n in range(100 - len(known)))
    subjects = [*known, *made]
    with app.state.sessions() as session:
        if decisions.enrolments(session, solution):
            return
        bases.record_selection_basis(session, solution, "legal_basis", "Servicelovens § 11",
                                     date(2024, 1, 1), "leder")  # fmt: skip
        for subject in subjects:
            decisions.assess(session, solution, "citizen", subject, "accepted", "high", "high",
                             None, "leder", "Servicelovens § 11", enrol_on=date(2025, 3, 1),
                             assessed_on=date(2025, 3, 1))  # fmt: skip
        session.commit()


@pytest.mark.parametrize("width", [1366, 320])
def test_a_solutions_economy_and_its_hundred_enrolled(new_page: Any, app: Any, width: int) -> None:
    """Issue 11 #4 and #6: the economy page and the enrolled list of a solution with 100
    members, at 1366 and 320 px: axe finds nothing, nothing wider than the screen at 320 px."""
    expect = _expect()
    page = new_page(width=width, height=900)
    walk = Walk(page)
    sign_in(page, "solution_leader")
    solution = _solution_id(page, "Job og Familie")
    _enrol_hundred(app, solution)
    walk.visit("løsning", f"/loesninger/{solution}", "Job og Familie")
    page.get_by_role("link", name="Løsningens økonomi").click()
    expect(page.get_by_role("table", name=re.compile("^Nulpunkt og træk"))).to_be_visible()
    walk.check("løsningens økonomi", re.compile("^Økonomi: "))
    too_wide = []
    if width < 400 and page.evaluate("document.documentElement.scrollWidth") > width:
        too_wide.append("økonomi")
    if width < 400:  # on a phone the purpose switch lives in the menu
        page.get_by_role("button", name="Menu").click()
        drawer = page.get_by_role("dialog", name="Menu")
        drawer.get_by_role("combobox", name="Formål").select_option(label="Sagsbehandlingsformål")
        drawer.get_by_role("button", name="Skift formål").click()
        expect(page.locator("main [role=status]")).to_contain_text("formål")
    else:
        choose_purpose(page, "Sagsbehandlingsformål")
    walk.visit("indskrevne (100)", f"/loesninger/{solution}/indskrevne", "Indskrevne")
    expect(page.get_by_text("100 forløb fundet; side 1 af 4")).to_be_visible()
    expect(page.get_by_role("columnheader", name="Nulpunkt (12 mdr. før)")).to_be_visible()
    if width < 400 and page.evaluate("document.documentElement.scrollWidth") > width:
        too_wide.append("indskrevne")
    # sorted by the draw since enrolment, largest first: the header's link, twice
    draw = re.compile("^Træk siden indskrivning")
    page.get_by_role("link", name=draw).click()
    expect(page.get_by_role("columnheader", name=draw)).to_have_attribute("aria-sort", "ascending")
    page.get_by_role("link", name=draw).click()
    expect(page.get_by_role("columnheader", name=draw)).to_have_attribute("aria-sort", "descending")
    expect(page.get_by_text("100 forløb fundet; side 1 af 4")).to_be_visible()
    walk.check("indskrevne sorteret", "Indskrevne")
    if width < 400 and page.evaluate("document.documentElement.scrollWidth") > width:
        too_wide.append("indskrevne sorteret")
    walk.assert_clean()
    assert not too_wide, f"Bredere end skærmen ved {width} px: {too_wide}"
