"""Screenshots of Tværs' main pages for the documentation (docs/screenshots/).

Starts the app on 127.0.0.1 with a synthetic S-municipality (27,500 citizens), VIVE's example
solutions and one user per role, then drives Debian's Chromium through the pages a user meets:
sign-in, front page, solutions, a solution, its reflection questions, its version history after
an edit, focus point 4, the data overview with its chart, a citizen (casework purpose, recorded
basis), the users and the audit log for that citizen. Every picture is 1280 px wide.

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots] [--citizens 27500]
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # for tests.browser.live: the same server the browser tests use

from tests.browser import live  # noqa: E402

WIDTH, HEIGHT = 1280, 860
FULL_PAGE_UP_TO = 2000  # px: shorter pages are shot whole, longer ones one screen high
MAX_BYTES = 400_000

# (file, Danish caption) in the order of the README.
PICTURES = [
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


def _shoot(page: Any, path: Path) -> None:
    page.evaluate("document.fonts.ready")
    height = page.evaluate("document.documentElement.scrollHeight")
    page.screenshot(path=str(path), full_page=height <= FULL_PAGE_UP_TO, animations="disabled")
    size = path.stat().st_size
    print(f"  {path.name}: {size // 1000} kB{' (for stor!)' if size > MAX_BYTES else ''}")


def _sign_in(page: Any, role: str) -> None:
    person = live.PEOPLE[role]
    page.goto("/log-ind")
    page.get_by_label("Brugernavn").fill(person.username)
    page.get_by_label("Adgangskode").fill(live.PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    page.locator(".portal-user .user").wait_for()


def _sign_out(page: Any) -> None:
    page.get_by_role("button", name="Log ud").click()
    page.wait_for_url(re.compile(r"/log-ind$"))


def run(out: Path, citizens: int, seed: int) -> None:
    from playwright.sync_api import expect, sync_playwright

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
            browser = p.chromium.launch(executable_path=str(live.CHROMIUM), args=live.CHROMIUM_ARGS)
            context = browser.new_context(
                base_url=server.url,
                viewport={"width": WIDTH, "height": HEIGHT},
                locale="da-DK",
            )
            context.set_default_timeout(15_000)
            expect.set_options(timeout=15_000)
            page = context.new_page()
            shoot: Callable[[str], None] = lambda name: _shoot(page, out / name)  # noqa: E731

            page.goto("/log-ind")
            shoot("01-log-ind.png")

            _sign_in(page, "solution_leader")
            shoot("02-forside.png")
            page.goto("/loesninger")
            shoot("03-loesninger.png")
            link = page.get_by_role("link", name="Tværgående løsning i Furesø", exact=True)
            solution = link.get_attribute("href")
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
            _sign_out(page)

            _sign_in(page, "caseworker")
            page.get_by_role("combobox", name="Formål", exact=True).select_option(
                label="Sagsbehandlingsformål"
            )
            page.get_by_role("button", name="Skift formål").click()
            expect(page.get_by_text("Du arbejder nu under sagsbehandlingsformål.")).to_be_visible()
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
            _sign_out(page)

            _sign_in(page, "administrator")
            page.goto("/admin/brugere")
            shoot("10-brugere.png")
            page.goto("/admin/log")
            page.get_by_label("CPR-nummer").fill(cpr)
            page.get_by_role("button", name="Vis log").click()
            expect(
                page.get_by_role("table", name="Adgang til borgerens oplysninger")
            ).to_be_visible()
            shoot("11-log-for-borger.png")
            browser.close()
        app.state.engine.dispose()

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--citizens", type=int, default=27_500)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if not live.CHROMIUM.exists():
        raise SystemExit(f"Chromium findes ikke på {live.CHROMIUM} (apt-get install -y chromium)")
    run(args.out, args.citizens, args.seed)


if __name__ == "__main__":
    main()
