"""Screenshots of Tværs' main pages for the documentation (docs/screenshots/).

Starts the app on 127.0.0.1 with a synthetic M-municipality (63,000 citizens: Helsingør's size, the
one `tvaers demo` builds, large enough that few cells of a target group are hidden), VIVE's
example solutions and one user per role, then drives Debian's Chromium (in Danish, with the
chromium-l10n package) through the pages a user meets: sign-in, front page, solutions, a
solution, its reflection questions, its version history after an edit, focus point 4, the data
overview with its chart, a citizen (casework purpose, recorded basis), the users and the audit
log for that citizen; then the resource draw and focus point 2: the draw overview, the
target-group rule sets, Furesø's rule set in figures, a «Hvad nu hvis?» variant, and - as a
caseworker under the casework purpose, after recording the selection basis through its form -
the candidates for the Furesø solution, one candidate with the assessment form, and the enrolled
after accepting and enrolling that candidate; then the rule builder (a new rule set and Furesø's),
the page that says figures are being computed, and - once the demo has enrolled Furesø's target
group in the solution - the solution's economy, its enrolled sorted by draw since enrolment, and
a family's resource draw; then focus point 4, who grants and who pays, on the plan, placements,
keys and grants the demo's next step adds: the placements of Assens' solution in VIVE's table
4.1, the competence plan with a grant routed by its calculator, the proposal form filled in by
the solution leader, an approved grant's approvals and commitments split by Assens' key, the
children's area chief's inbox, the distribution keys with their effect, who pays for the
solution's enrolled, and its capacity-limited interventions (scripts/screenshots_grants.py);
then focus point 5, budgets and redistribution, on what the demo's budget step records
(scripts/screenshots_budget.py): the children's area chief's budget overview, their area and the
frames, a requirement split by every rule, Albertslund's settlement and one from the data, the
pilot evaluation, the example investment case and the budget assumptions; then focus point 6
(scripts/screenshots_followup.py): Furesø's figure 6.2 for its enrolled group and the back-test
of the forecast methods. Every picture is 1280 px wide.

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots] [--citizens 63000]
        [--from 33]   # only the parts from picture 33 on (for trying out a part)
"""

from __future__ import annotations

import argparse
import importlib
import re
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import screenshots_budget
import screenshots_followup
import screenshots_grants
from screenshots_common import (
    ECONOMY_SOLUTION,
    HEIGHT,
    ROOT,
    WIDTH,
    casework,
    live,
    sign_in,
    sign_out,
    solution_href,
)
from screenshots_common import shoot as _shoot

DANISH_CHROMIUM = Path("/usr/lib/chromium/locales/da.pak")  # Debian's chromium-l10n

# (file, Danish caption) in the order of the README.
PICTURES: list[tuple[str, str]] = [
    ("01-log-ind.png", "Log ind (lokal bruger; OpenID Connect når det er sat op)."),
    ("02-forside.png", "Forsiden: de seks fokuspunkter og løsningernes status pr. fokuspunkt."),
    ("03-loesninger.png", "Listen over tværgående løsninger, med hentning som Excel."),
    ("04-loesning-furesoe.png", "En løsning (eksemplet fra Furesø): status og oplysninger."),
    ("05-refleksion.png", "Refleksionsspørgsmålene for en løsning, fokuspunkt for fokuspunkt."),
    ("06-versionshistorik.png", "Versionshistorikken efter en redigering: hvem, hvornår, hvad."),
    ("07-fokuspunkt-4.png", "Fokuspunkt 4: spørgsmålene og alle løsningers svar."),
    ("08-data.png", "Indlæste data: driftsudgifter pr. sektorområde som diagram og tabel."),
    ("09-borger.png", "En borger under sagsbehandlingsformål med registreret grundlag."),
    ("10-brugere.png", "Administration af brugere."),
    ("11-log-for-borger.png", "Indsigt i log: hvem har set borgerens oplysninger og hvorfor."),
    ("12-ressourcetraek.png", "Ressourcetræk: udgift og dækning pr. sektorområde (statistik)."),
    ("13-maalgrupper.png", "Målgrupper: regelsættene fra KL og Furesø med versioner og YAML."),
    (
        "14-maalgruppe-furesoe.png",
        "Furesøs målgruppe i tal: størrelse, udgift pr. sektorområde, tragt og kriterier.",
    ),
    ("15-hvad-nu-hvis.png", "«Hvad nu hvis?»: en variant med en højere mindste score."),
    (
        "16-kandidater.png",
        "Kandidater til Furesø-løsningen under sagsbehandlingsformål med registreret grundlag.",
    ),
    ("17-kandidat.png", "En kandidat: scorens sammensætning, data bag udvælgelsen og vurdering."),
    ("18-indskrevne.png", "Løsningens indskrevne efter vurdering og indskrivning."),
    ("19-regelbygger-ny.png", "Regelbyggeren: et nyt regelsæt som felter og valg, med antal."),
    ("20-regelbygger-furesoe.png", "Furesøs regelsæt i regelbyggeren: betingelser og undtagelser."),
    ("21-beregnes.png", "Siden, mens tallene beregnes: den viser dem af sig selv, når de er klar."),
    ("22-loesning-oekonomi.png", "En løsnings økonomi: nulpunkt og træk siden indskrivning."),
    ("23-indskrevne-sorteret.png", "De indskrevne sorteret efter træk siden indskrivning."),
    ("24-familie.png", "En families ressourcetræk: hvem betaler, medlemmerne og indsatserne."),
    *screenshots_grants.PICTURES,  # 25-32: focus point 4
    *screenshots_budget.PICTURES,  # 33-42: focus point 5
    *screenshots_followup.PICTURES,  # 43-: focus point 6
]


def _pick_citizen(folder: Path) -> str:
    """A citizen with a screenful of postings, some activities and an outcome."""
    import duckdb

    con = duckdb.connect()
    try:
        row = con.execute(
            f"""
            WITH p AS (SELECT cpr, count(*) AS n FROM read_csv('{folder}/postings.csv',
                          all_varchar=true) WHERE cpr IS NOT NULL GROUP BY cpr),
                 a AS (SELECT cpr, count(*) AS n FROM read_csv('{folder}/activities.csv',
                          all_varchar=true) GROUP BY cpr),
                 o AS (SELECT cpr, count(*) AS n FROM read_csv('{folder}/outcomes.csv',
                          all_varchar=true) GROUP BY cpr)
            SELECT p.cpr FROM p JOIN a USING (cpr) JOIN o USING (cpr)
            WHERE p.n BETWEEN 4 AND 6 AND a.n BETWEEN 1 AND 2 AND o.n BETWEEN 1 AND 3
            ORDER BY p.cpr LIMIT 1
            """
        ).fetchone()
    finally:
        con.close()
    if row is None:
        raise SystemExit("Fandt ingen passende borger i de syntetiske data")
    return str(row[0])


def _pick_family(folder: Path) -> str:
    """A parent of two or three children with a few activities (the family page's citizen)."""
    import duckdb

    con = duckdb.connect()
    try:
        row = con.execute(
            f"""
            WITH r AS (SELECT cpr, count(*) AS kids FROM read_csv('{folder}/relations.csv',
                          all_varchar=true) WHERE relation = 'parent_of' GROUP BY cpr),
                 a AS (SELECT cpr, count(*) AS n FROM read_csv('{folder}/activities.csv',
                          all_varchar=true) GROUP BY cpr)
            SELECT r.cpr FROM r JOIN a USING (cpr)
            WHERE r.kids BETWEEN 2 AND 3 AND a.n BETWEEN 1 AND 2 ORDER BY r.cpr LIMIT 1
            """
        ).fetchone()
    finally:
        con.close()
    if row is None:
        raise SystemExit("Fandt ingen passende familie i de syntetiske data")
    return str(row[0])


def run(out: Path, citizens: int, seed: int, first: int = 1) -> None:
    """Every picture, or those of the parts from picture ``first`` on (the demo's steps and
    the data are the same; the parts skipped record nothing in the app)."""
    from playwright.sync_api import expect, sync_playwright

    demo: Any = importlib.import_module(
        "tvaers.cli.demo"
    )  # the module; tvaers.cli.demo is a command
    from tvaers.data.synth import generate
    from tvaers.web.app import create_app

    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="tvaers-screenshots-") as scratch:
        started = time.monotonic()
        folder = Path(scratch) / "kommune"
        print(f"Danner en syntetisk kommune med {citizens} borgere …")
        generate(citizens, seed, folder)
        cpr = _pick_citizen(folder)
        settings = live.settings_for(Path(scratch) / "home")
        app = create_app(settings)
        live.seed(app, settings, data=folder)
        print(f"Klar efter {time.monotonic() - started:.0f} s; tager billeder:")

        with live.LiveServer(app) as server, sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=str(live.CHROMIUM),
                # Danish browser: date fields read dd.mm.åååå, as for the users.
                args=[*live.CHROMIUM_ARGS, "--lang=da-DK"],
                env={"LANGUAGE": "da_DK", "LANG": "da_DK.UTF-8"},
            )
            context = browser.new_context(
                base_url=server.url,
                viewport={"width": WIDTH, "height": HEIGHT},
                locale="da-DK",
            )
            context.set_default_timeout(15_000)
            expect.set_options(timeout=15_000)
            page = context.new_page()

            def shoot(
                name: str, start: str | None = None, end: str | None = None, height: int = 0
            ) -> None:
                _shoot(page, out / name, start, end, height)

            if first <= 11:
                solution = _first_pages(page, shoot, settings, cpr)
            else:
                sign_in(page, "solution_leader")
                solution = solution_href(page, "Tværgående løsning i Furesø")
                sign_out(page)
            if first <= 18:
                _focus_point_2(page, shoot, solution)
            if first <= 21:
                _builder_and_waiting(page, shoot, app)
            # The demo's enrolment of Furesø's target group, into another solution than the
            # one a candidate was enrolled in above: a group one citizen off a published one
            # would be hidden (as it should), and the economy page would show nothing. It ends
            # with the demo's focus point 4 (demo_principles: the area chiefs, plan, keys, grants).
            # Its focus point 5 (demo_budget) puts Furesø's requirement, settlement from the
            # data and investment case on that solution too: it holds Furesø's target group.
            demo.DEMO_SOLUTION = ECONOMY_SOLUTION
            screenshots_budget.use_test_users(demo_on=ECONOMY_SOLUTION)
            demo.demo_selection(settings)
            if first <= 24:
                _economy_and_family(page, shoot, _pick_family(folder))
            if first <= 32:
                screenshots_grants.focus_point_4(page, shoot, app)
            if first <= 42:
                screenshots_budget.focus_point_5(page, shoot)
            screenshots_followup.focus_point_6(page, shoot)
            browser.close()
        app.state.engine.dispose()
    _readme(out, citizens, seed)


def _readme(out: Path, citizens: int, seed: int) -> None:
    """docs/screenshots/README.md: every picture with its caption."""
    size = f"{citizens:,}".replace(",", ".")
    readme = [
        "# Skærmbilleder",
        "",
        "Dannet med `.venv/bin/python scripts/screenshots.py` (syntetisk kommune med "
        f"{size} borgere, frø {seed}; 1280 px brede). Kør scriptet igen, når siderne ændres.",
        "",
    ]
    readme += [f"- [`{name}`]({name}): {caption}" for name, caption in PICTURES]
    (out / "README.md").write_text("\n".join(readme) + "\n", encoding="utf-8")
    print(f"Færdig: {len(PICTURES)} billeder i {out}")


def _first_pages(page: Any, shoot: Callable[..., None], settings: Any, cpr: str) -> str:
    """01-11: sign-in, front page, solutions, a solution and its history, focus point 4's
    questions, the data, a citizen, the users and the log; returns the Furesø solution's path."""
    from playwright.sync_api import expect

    page.goto("/log-ind")
    shoot("01-log-ind.png")

    sign_in(page, "solution_leader")
    shoot("02-forside.png")
    page.goto("/loesninger")
    shoot("03-loesninger.png")
    link = page.get_by_role("link", name="Tværgående løsning i Furesø", exact=True)
    solution = str(link.get_attribute("href"))
    page.goto(solution)
    shoot("04-loesning-furesoe.png")
    page.goto(f"{solution}/refleksion")
    shoot("05-refleksion.png")

    # A new solution, made and then edited through the forms, for its version history.
    page.goto("/loesninger/ny")
    page.get_by_label("Navn (skal udfyldes)").fill("Sammen om familien")
    page.get_by_label("Kommune").fill(settings.municipality)
    page.get_by_label("Antal familier (mål)").fill("40")
    page.get_by_role("radio", name="Netværksorganisering").check()
    page.get_by_label("Medarbejdere (type: antal, én pr. linje)").fill("Sagsbehandlere: 3")
    page.get_by_role("button", name="Gem", exact=True).click()
    expect(page.get_by_text("er oprettet")).to_be_visible()
    created = page.url
    page.get_by_role("link", name="Redigér").click()
    page.get_by_label("Antal familier (mål)").fill("55")
    page.get_by_label("Medarbejdere (type: antal, én pr. linje)").fill(
        "Sagsbehandlere: 4\nFamiliebehandlere: 2"
    )
    page.get_by_label("Chefforum mødes").fill("hver 14. dag")
    page.get_by_role("button", name="Gem", exact=True).click()
    expect(page.get_by_text("Ændringerne er gemt.")).to_be_visible()
    page.goto(f"{created}/historik")
    shoot("06-versionshistorik.png")

    page.goto("/fokuspunkter/4")
    shoot("07-fokuspunkt-4.png")
    page.goto("/data")
    expect(page.locator("[data-chart] svg")).to_be_visible()
    shoot("08-data.png")
    sign_out(page)

    sign_in(page, "caseworker")
    casework(page)
    page.goto("/borgere")
    page.get_by_label("CPR-nummer").fill(cpr)
    page.get_by_role("button", name="Slå op").click()
    page.get_by_role("radio", name="Samtykke fra borgeren").check()
    page.get_by_label("Beskrivelse").fill(
        "Samtykke af 3. november 2026, journalnr. 27.24.00-G01-12-26"
    )
    page.get_by_role("button", name="Registrér grundlag").click()
    expect(page.get_by_role("table", name="Posteringer på borgeren")).to_be_visible()
    shoot("09-borger.png")
    sign_out(page)

    sign_in(page, "administrator")
    page.goto("/admin/brugere")
    shoot("10-brugere.png")
    page.goto("/admin/log")
    page.get_by_label("CPR-nummer").fill(cpr)
    page.get_by_role("button", name="Vis log").click()
    expect(page.get_by_role("table", name="Adgang til borgerens oplysninger")).to_be_visible()
    shoot("11-log-for-borger.png")
    sign_out(page)

    return solution


def _focus_point_2(page: Any, shoot: Callable[..., None], solution: str) -> None:
    """12-18: the resource draw and target groups (statistics), then the casework."""
    from playwright.sync_api import expect

    sign_in(page, "finance_consultant")
    page.goto("/ressourcetraek")
    expect(page.get_by_role("table").first).to_be_visible()
    shoot("12-ressourcetraek.png")
    for _ in range(60):  # the groups' sizes are warmed after the start: wait for them
        page.goto("/maalgrupper")
        page.wait_for_load_state("networkidle")
        if not page.get_by_role("cell", name="beregnes", exact=True).count():
            break
        time.sleep(3)
    shoot("13-maalgrupper.png")
    page.get_by_role("link", name=re.compile(r"^Furesø:")).click()
    expect(page.locator("[data-chart] svg")).to_be_visible()
    shoot(
        "14-maalgruppe-furesoe.png",
        start="#tal",
        end='[aria-label="Hvad betyder hvert kriterium?"] + .form-hint',
    )

    # «Hvad nu hvis?»: the stored rule with a higher minimum score, through the page's form.
    area = page.get_by_label("Regelsættet i YAML")
    text = area.input_value()
    assert "  min: 7\n" in text, "Furesøs regelsæt har ikke længere en mindste score på 7"
    area.fill(text.replace("  min: 7\n", "  min: 8\n"))
    page.get_by_role("button", name="Beregn variant").click()
    expect(page.get_by_role("table", name=re.compile("^Grundregel og variant"))).to_be_visible()
    shoot(
        "15-hvad-nu-hvis.png", start="#variant", end='[aria-label^="Overlap mellem"] + .form-hint'
    )
    sign_out(page)

    # The casework: a caseworker switches purpose, records the basis for the solution, finds
    # the candidates, assesses the first one and enrols him.
    sign_in(page, "caseworker")
    casework(page)
    page.goto(solution)
    page.get_by_role("link", name="Udvælgelse af kandidater").first.click()
    page.get_by_role("link", name="Registrér grundlaget for udvælgelse").click()
    page.get_by_role("radio", name="Hjemmel i lovgivningen").check()
    page.get_by_label("Beskrivelse").fill(
        "Retssikkerhedslovens § 11 c og borgerens samtykke ved optagelse, j.nr. 27.24.00-A00-3-26"
    )
    page.get_by_label("Gyldigt fra").fill("2026-11-01")
    page.get_by_role("button", name="Registrér grundlag").click()
    expect(page.get_by_text("Grundlaget for udvælgelse er registreret.")).to_be_visible()
    page.get_by_label("Regelsæt").select_option(value="furesoe")
    page.get_by_role("button", name="Find kandidater").click()
    listed = page.get_by_role("table", name=re.compile("^Kandidater: Furesø"))
    expect(listed).to_be_visible()
    shoot("16-kandidater.png", height=1500)

    listed.locator("tbody tr").first.get_by_role("link").click()
    expect(page.get_by_role("heading", name="Faglig vurdering")).to_be_visible()
    # The assessment as the caseworker fills it in, shown before it is registered.
    page.get_by_role("radio", name="Optages").check()
    page.get_by_role("group", name="Motivation").get_by_role("radio", name="Høj").check()
    page.get_by_role("group", name="Udviklingspotentiale").get_by_role(
        "radio", name="Middel"
    ).check()
    page.get_by_label("Notat", exact=True).fill(
        "Samtale 2. november 2026: motiveret for et praktikforløb; koordineres med bostøtten."
    )
    page.get_by_label("Vurderingens dato").fill("2026-11-02")
    page.get_by_label("Indskrives fra (kun ved «optages»)").fill("2026-11-09")
    shoot("17-kandidat.png", end="main form")
    page.get_by_role("button", name="Registrér vurdering").click()
    expect(page.get_by_text("kandidaten er indskrevet fra 9. november 2026")).to_be_visible()
    page.get_by_role("link", name="Indskrevne").first.click()
    expect(page.get_by_role("table", name=re.compile("^Indskrevne"))).to_be_visible()
    shoot("18-indskrevne.png", end='[aria-label^="Beslutninger"] + .form-hint')
    sign_out(page)


def _builder_and_waiting(page: Any, shoot: Callable[..., None], app: Any) -> None:
    """19-21: the rule builder, empty and with Furesø's rule set; a page while it computes."""
    from playwright.sync_api import expect

    sign_in(page, "finance_consultant")
    page.goto("/maalgrupper/ny/byg")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    shoot("19-regelbygger-ny.png", height=1600)
    page.goto("/maalgrupper/furesoe/byg")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    shoot("20-regelbygger-furesoe.png", height=1900)
    # Furesø's figures on a date nobody has asked for, with no patience: the waiting page
    settings = app.state.settings
    app.state.settings = settings.model_copy(update={"page_wait": 0.0})
    try:
        page.goto("/maalgrupper/furesoe?dato=2026-06-30")
        expect(page.get_by_text("Tallene beregnes")).to_be_visible()
        shoot("21-beregnes.png")
    finally:
        app.state.settings = settings
    sign_out(page)


def _economy_and_family(page: Any, shoot: Callable[..., None], cpr: str) -> None:
    """22-24: the solution's economy, its enrolled by draw since enrolment, a family's draw."""
    from playwright.sync_api import expect

    sign_in(page, "caseworker")
    page.goto("/loesninger")
    solution = page.get_by_role("link", name=ECONOMY_SOLUTION, exact=True).get_attribute("href")
    page.goto(f"{solution}/oekonomi")
    expect(page.locator("[data-chart] svg").first).to_be_visible()
    shoot("22-loesning-oekonomi.png", height=1900)
    casework(page)
    page.goto(f"{solution}/indskrevne?sorter=traek&orden=faldende")
    expect(page.get_by_role("table", name=re.compile("^Indskrevne"))).to_be_visible()
    shoot("23-indskrevne-sorteret.png", height=1500)
    page.goto("/borgere")
    page.get_by_label("CPR-nummer").fill(cpr)
    page.get_by_role("button", name="Slå op").click()
    page.get_by_role("radio", name="Samtykke fra borgeren").check()
    page.get_by_label("Beskrivelse").fill("Samtykke af 1. december 2026, j.nr. 27.24.00-G01-14-26")
    page.get_by_role("button", name="Registrér grundlag").click()
    page.get_by_role("link", name="Se familiens ressourcetræk").click()
    expect(page.locator("[data-chart] svg")).to_be_visible()
    shoot("24-familie.png", height=1900)
    sign_out(page)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--citizens", type=int, default=63_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--from",
        dest="first",
        type=int,
        default=1,
        help="tag kun billederne fra delen med dette nummer (fx 33: fokuspunkt 5)",
    )
    args = parser.parse_args()
    if not live.CHROMIUM.exists():
        raise SystemExit(f"Chromium findes ikke på {live.CHROMIUM} (apt-get install -y chromium)")
    if not DANISH_CHROMIUM.exists():
        print(
            "Bemærk: Chromium har ikke dansk sprog (apt-get install -y chromium-l10n); "
            "datofelter og filvælgere vises da på engelsk."
        )
    run(args.out, args.citizens, args.seed, args.first)


if __name__ == "__main__":
    main()
