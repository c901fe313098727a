"""Focus point 4's pages (issue 12) against the real app, on SQLite and PostgreSQL: VIVE's
tables 4.1 and 4.2 on the five example solutions' pages, placements set through the form, the
coordination group's keys (propose, refuse shares that are not 100 %, approve; never one's own
proposal; a decision already made), the "who pays" draw reconciling with the booked draw, the
capacity warning, the twice-yearly review under the casework purpose only (logged per listed
citizen), and every new page's Excel read back as an economist would meet it."""

from __future__ import annotations

import html
import io
import re
from datetime import date
from decimal import Decimal

import pytest
from fastapi import FastAPI
from sqlalchemy import select, update

from tvaers.core.cpr import Pseudonymiser
from tvaers.core.units import TOTAL_AREA
from tvaers.draw import service as draw_service
from tvaers.principles import service, solution_figures, who_pays
from tvaers.principles.model import TABLE_4_1
from tvaers.selection import decisions
from tvaers.store.models import AuditEntry, Solution, User
from tvaers.store.models_principles import DistributionKeyVersion

from .conftest import TEST_KEY, client_for, seeded_app
from .test_principles import TABLE_4_2
from .workbooks import read_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ENROLLED_ON = date(2025, 7, 1)
ANNA = Pseudonymiser(TEST_KEY.encode()).pseudonym("0101851001")  # tests/fixtures/selection
SHARES = {"employment": "1/2", "adults": "1/2"}


def _ids(app: FastAPI) -> dict[str, int]:
    with app.state.sessions() as session:
        return {s.name: s.id for s in session.scalars(select(Solution))}


def _enrol_everyone(app: FastAPI, solution_id: int, on: date) -> list[str]:
    """Every citizen of the loaded municipality enrolled in the solution from ``on``."""
    with draw_service.opened(app.state.settings) as analysis:
        people = sorted(analysis.table("citizens").citizen.to_pyarrow().to_pylist())
    with app.state.sessions() as session:
        for subject in people:
            decisions.assess(session, solution_id, "citizen", subject, "accepted", "high", "high",
                             None, "caseworker", "Hjemmel", enrol_on=on, assessed_on=on)  # fmt: skip
        session.commit()
    return people


def _excel(client, url: str) -> None:  # type: ignore[no-untyped-def]
    """The page's workbook opens and reads back clean (tests/workbooks.py)."""
    got = client.get(url + ("&" if "?" in url else "?") + "format=xlsx")
    assert got.status_code == 200, got.text[:1000]
    assert got.headers["content-type"] == XLSX
    book = read_workbook(url, got.content)
    assert book.sheets >= 1 and not book.problems, book.problems


def _text(page: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def _entries(app: FastAPI, *actions: str) -> list[AuditEntry]:
    with app.state.sessions() as session:
        query = select(AuditEntry).where(AuditEntry.action.in_(actions)).order_by(AuditEntry.id)
        return list(session.scalars(query))


@pytest.fixture
def mini(settings):
    """The mini municipality with the five example solutions' placements (table 4.2)."""
    app = seeded_app(settings, extra=service.load_example_placements)
    yield app
    app.state.engine.dispose()


@pytest.fixture
def group(settings):
    """The selection municipality (22 citizens), everyone enrolled in Furesø's solution from
    1 July 2025."""
    app = seeded_app(settings, "selection", extra=service.load_example_placements)
    _enrol_everyone(app, _ids(app)["Tværgående løsning i Furesø"], ENROLLED_ON)
    yield app
    app.state.engine.dispose()


# --- placements and tables 4.1/4.2 ------------------------------------------------------------

PLACES = {
    "solution": "I tværgående løsning",
    "shared": "Delt mellem tværgående løsning og sektorområder",
    "areas": "Opdelt på sektorområder",
}
ROW = re.compile(r"<tr>(.*?)</tr>", re.S)


def _placement_rows(html: str) -> set[tuple[str, ...]]:
    """The placements table's (type, granting, paying, classification) as the page shows them."""
    table = html[html.index("<caption>Visitation og betaling pr. indsatstype") :]
    body = table[table.index("<tbody>") : table.index("</tbody>")]
    rows = set()
    for row in ROW.findall(body):
        cells = [_text(c).strip() for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)]
        rows.add((cells[0], cells[2], cells[3], cells[4]))
    return rows


MARKED = re.compile(r'<td data-cell="(\w+)-(\w+)"( data-marked="true")?>(.*?)</td>')


def _grid(html: str) -> dict[tuple[str, str], tuple[bool, str]]:
    """Table 4.1 as the page shows it: (paying, granting) -> (marked, the cell's text)."""
    table = html[html.index('id="tabel-4-1"') :]
    table = table[: table.index("</table>")]
    return {(p, g): (bool(m), _text(cell).strip()) for p, g, m, cell in MARKED.findall(table)}


def test_the_seven_placements_of_table_4_2_on_the_five_example_solutions(mini: FastAPI) -> None:
    ids = _ids(mini)
    client = client_for(mini, "caseworker")
    labels = {"samlet": "Samlet", "delvist samlet": "Delvist samlet", "adskilt": "Adskilt"}
    for name in {row[0] for row in TABLE_4_2}:
        rows = {r for r in TABLE_4_2 if r[0] == name}
        for url in (f"/loesninger/{ids[name]}", f"/loesninger/{ids[name]}/placering"):
            page = client.get(url)
            assert page.status_code == 200, page.text[:1000]
            grid = _grid(page.text)
            # the 3x3 table: every cell with VIVE's classification (rows payment, columns granting)
            assert len(grid) == 9
            for (paying, granting), classification in TABLE_4_1.items():
                assert grid[(paying.value, granting.value)][1].startswith(
                    labels[classification.value]
                )
            # exactly this solution's cells are marked, in words, with the intervention type
            marked = {cell: text for cell, (on, text) in grid.items() if on}
            assert set(marked) == {(paying, granting) for _, _, granting, paying, _ in rows}
            for _, kind, granting, paying, classification in rows:
                text = marked[(paying, granting)]
                assert text.startswith(labels[classification])
                assert f"Denne løsning: {kind or 'Alle løsningens indsatser'}" in text
            # the placements table: granting and paying in Danish, and the classification
            assert _placement_rows(page.text) == {
                (kind or "Alle løsningens indsatser", PLACES[granting], PLACES[paying],
                 labels[classification])
                for _, kind, granting, paying, classification in rows
            }  # fmt: skip
    albertslund = client.get(f"/loesninger/{ids['Fælles om målet']}").text
    assert "Denne løsning: Alle løsningens indsatser (forventet)" in albertslund
    _excel(client, f"/loesninger/{ids['Job og Familie']}/placering")


def test_a_placement_is_set_and_changed_through_the_form(mini: FastAPI) -> None:
    solution = _ids(mini)["Familieplanen"]
    url = f"/loesninger/{solution}/placering"
    leader = client_for(mini, "solution_leader")
    # a place left out: refused in Danish, the typed values kept
    refused = leader.post(url, data={"intervention_type": "mentor", "granting": "solution",
                                     "interventions": "017031", "note": "Min note"})  # fmt: skip
    assert refused.status_code == 422
    assert "Vælg både hvor visitationskompetencen og hvor betalingsforpligtelsen" in refused.text
    assert 'value="mentor"' in refused.text and 'value="017031"' in refused.text
    assert (
        'id="granting-solution" type="radio" name="granting" value="solution" class="form-radio" checked'
        in refused.text
    )
    assert "Min note</textarea>" in refused.text
    saved = leader.post(url, data={"intervention_type": "mentor", "granting": "solution",
                                   "paying": "areas", "interventions": "017031"},
                        follow_redirects=True)  # fmt: skip
    assert saved.status_code == 200 and "Placeringen for «mentor» er gemt: adskilt." in saved.text
    assert _grid(saved.text)[("areas", "solution")] == (True, "Adskilt Denne løsning: mentor")
    # changed: the same type again
    leader.post(url, data={"intervention_type": "mentor", "granting": "areas", "paying": "areas"})
    page = leader.get(url)
    assert _grid(page.text)[("areas", "solution")][0] is False
    assert "Denne løsning: mentor" in _grid(page.text)[("areas", "areas")][1]
    # the form shows the placement to change
    change = leader.get(f"{url}?indsatstype=mentor")
    assert (
        'id="paying-areas" type="radio" name="paying" value="areas" class="form-radio" checked'
        in change.text
    )
    assert len(_entries(mini, "placering_sat")) == 2
    # a caseworker sees the placements but may not set them
    caseworker = client_for(mini, "caseworker")
    assert 'action="/loesninger/' not in caseworker.get(url).text
    assert caseworker.post(url, data={"intervention_type": "x", "granting": "solution",
                                      "paying": "solution"}).status_code == 403  # fmt: skip


# --- distribution keys ------------------------------------------------------------------------


def test_keys_are_proposed_approved_and_never_by_the_proposer(group: FastAPI) -> None:
    furesoe = _ids(group)["Tværgående løsning i Furesø"]
    leader = client_for(group, "solution_leader")
    form = {"key": "furesoe-delt", "name": "Furesø: deling", "solution_id": str(furesoe),
            "shares": "employment=50%\nadults=40 %", "justification": "Fagligt skøn",
            "valid_from": "2025-01-01"}  # fmt: skip
    refused = leader.post("/fordelingsnoegler", data=form)
    assert refused.status_code == 422
    assert "Andelene summer til 90 %, ikke 100 %" in refused.text
    assert 'value="furesoe-delt"' in refused.text and "adults=40 %</textarea>" in refused.text
    assert "Fagligt skøn</textarea>" in refused.text
    with group.state.sessions() as session:
        assert session.scalar(select(DistributionKeyVersion.id)) is None
    form["shares"] = "employment=1/2\nadults=50%"
    proposed = leader.post("/fordelingsnoegler", data=form, follow_redirects=True)
    assert "Version 1 af nøglen «furesoe-delt» er foreslået" in proposed.text
    assert "Beskæftigelse 1/2, Udsatte voksne og handicap 50%" in _text(proposed.text)
    # the proposer becomes an area chief: still may not approve their own proposal
    with group.state.sessions() as session:
        session.execute(update(User).where(User.username == "solution-leader")
                        .values(role="area_chief"))  # fmt: skip
        session.commit()
    own = client_for(group, "solution_leader")
    assert "Du har selv foreslået versionen" in own.get("/fordelingsnoegler").text
    decision = {"key": "furesoe-delt", "version": "1", "decision": "approve"}
    mine = own.post("/fordelingsnoegler/beslutning", data=decision)
    assert mine.status_code == 409
    assert "Den, der har foreslået nøglen, kan ikke selv godkende den." in mine.text
    # a finance consultant may propose but not approve
    assert client_for(group, "finance_consultant").post(
        "/fordelingsnoegler/beslutning", data=decision).status_code == 403  # fmt: skip
    chief = client_for(group, "area_chief")
    approved = chief.post("/fordelingsnoegler/beslutning", data={**decision, "reason": "Enige"},
                          follow_redirects=True)  # fmt: skip
    assert "Version 1 af nøglen «furesoe-delt» er godkendt." in approved.text
    listing = _text(approved.text)
    assert "Godkendt" in listing and "area-chief" in listing and "Enige" in listing
    # decided already (by someone else at the same moment, say): a Danish message, no change
    again = chief.post("/fordelingsnoegler/beslutning", data={**decision, "decision": "reject"})
    assert again.status_code == 409
    assert "Versionen er allerede godkendt af area-chief" in again.text
    assert [e.action for e in _entries(group, "fordelingsnoegle_foreslaaet",
            "fordelingsnoegle_godkendt", "fordelingsnoegle_afvist")] == [
        "fordelingsnoegle_foreslaaet", "fordelingsnoegle_godkendt"]  # fmt: skip
    # the key's effect: Furesø's draw split by it, per area next to where it was booked
    effect = chief.get("/fordelingsnoegler")
    table = _text(effect.text[effect.text.index("Virkningen af fordelingsnøglerne") :])
    assert "furesoe-delt Tværgående løsning i Furesø I alt" in table
    _excel(chief, "/fordelingsnoegler")


# --- who pays ---------------------------------------------------------------------------------


def _approve(app: FastAPI, solution_id: int) -> None:
    """A key splitting employment and adults half and half, approved."""
    from tvaers.access import actor_for

    with app.state.sessions() as session:
        leader = actor_for(session, "solution-leader", "statistical")
        chief = actor_for(session, "area-chief", "statistical")
        service.propose_key(session, leader, "halv", {"shares": SHARES}, "Halvt hver",
                            date(2025, 1, 1), solution_id=solution_id)  # fmt: skip
        service.decide_key(session, chief, "halv", 1, True)
        session.commit()


def test_who_pays_reconciles_with_the_booked_draw(group: FastAPI) -> None:
    furesoe = _ids(group)["Tværgående løsning i Furesø"]
    _approve(group, furesoe)
    client = client_for(group, "finance_consultant")
    page = client.get(f"/loesninger/{furesoe}/hvem-betaler")
    assert page.status_code == 200, page.text[:2000]
    assert "Anvendte godkendte nøgleversioner: 1." in page.text
    assert 'data-chart="chart-who-pays"' in page.text
    # the unsuppressed totals: Σ paid over the paying areas == Σ booked == the group's draw
    with group.state.sessions() as session:
        found = solution_figures.inputs(session, furesoe)
    with draw_service.opened(group.state.settings) as analysis:
        totals = who_pays.reconcile(analysis, found.periods, found.keys)
    assert totals.balanced and totals.draw > 0
    assert sum(totals.paid_by_area.values(), Decimal(0)) == totals.booked == totals.draw
    # the key is fixed: every booked krone, whatever its area, is paid half by each of the two
    assert set(totals.paid_by_area) == {"employment", "adults"}
    employment, adults = totals.paid_by_area["employment"], totals.paid_by_area["adults"]
    # (a line's odd øre goes to the area listed first: employment gets at most one per line)
    assert Decimal(0) <= employment - adults <= Decimal("1.00") and totals.keyed == totals.draw
    # the page's «I alt»: what is paid equals what is booked, and is the group's draw
    total = f"{totals.draw:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")
    assert (
        f"Summen over de betalende sektorområder er {total} kr., det samme som det bogførte, {total} kr."
        in _text(page.text)
    )
    figures = who_pays.cached_who_pays(group.state.settings, found.periods, found.keys,
                                       found.commitments)  # fmt: skip
    assert figures is not None and figures.key_versions
    whole = {(r.sector_area, r.month): r for r in figures.rows}
    assert whole[(TOTAL_AREA, TOTAL_AREA)].paid == whole[(TOTAL_AREA, TOTAL_AREA)].booked
    assert whole[(TOTAL_AREA, TOTAL_AREA)].paid == totals.draw
    assert whole[("employment", TOTAL_AREA)].paid == employment
    _excel(client, f"/loesninger/{furesoe}/hvem-betaler")


# --- capacity ---------------------------------------------------------------------------------


def test_a_solution_over_its_agreed_places_is_warned_and_so_is_the_owner(mini: FastAPI) -> None:
    furesoe = _ids(mini)["Tværgående løsning i Furesø"]
    _enrol_everyone(mini, furesoe, date(2025, 1, 1))  # two of them in family treatment
    url = f"/loesninger/{furesoe}/kapacitet"
    leader = client_for(mini, "solution_leader")
    page = leader.get(url)
    assert page.status_code == 200, page.text[:2000]
    text = _text(page.text)
    assert "Advarsler om kapacitet" in text
    assert "«Tværgående løsning i Furesø» har brugt flere pladser i «Familiebehandling»" in text
    assert "end de 0 aftalte i 2 måneder, senest februar 2025" in text
    assert 'data-chart="chart-capacity"' in page.text
    # the owning area sees the same warning (the inbox's service call and include)
    with mini.state.sessions() as session:
        found = solution_figures.warnings(mini.state.settings, session, area="children")
        assert [(w.solution_id, w.intervention, w.months) for w in found] == [
            (furesoe, "015011", ("2025-01", "2025-02"))]  # fmt: skip
        assert solution_figures.warnings(mini.state.settings, session, area="adults") == []
        chief = session.scalars(select(User).where(User.username == "area-chief")).one()
        chief.sector_area = "children"
        session.commit()
    owner = client_for(mini, "area_chief")
    inbox = _text(owner.get("/indbakke").text)
    assert "har brugt flere pladser i «Familiebehandling» (Udsatte børn og unge)" in inbox
    # agreed places: a number, else refused in Danish with the typed value kept
    refused = leader.post(url, data={"intervention": "015011", "places": "to"})
    assert (
        refused.status_code == 422 and "Skriv antallet af pladser som et helt tal" in refused.text
    )
    assert 'value="to"' in refused.text
    agreed = leader.post(url, data={"intervention": "015011", "places": "2"},
                         follow_redirects=True)  # fmt: skip
    assert "Løsningen har nu 2 aftalte pladser i indsatsen 015011." in agreed.text
    assert "Advarsler om kapacitet" not in agreed.text
    assert "Advarsler om kapacitet" not in owner.get("/indbakke").text  # and not for the owner
    assert client_for(mini, "caseworker").post(
        url, data={"intervention": "015011", "places": "9"}).status_code == 403  # fmt: skip
    _excel(leader, url)


# --- the twice-yearly review ------------------------------------------------------------------


def test_the_review_is_casework_and_logged_per_listed_citizen(group: FastAPI) -> None:
    furesoe = _ids(group)["Tværgående løsning i Furesø"]
    url = f"/loesninger/{furesoe}/gennemgang"
    statistical = client_for(group, "caseworker")
    assert statistical.get(url).status_code == 403
    assert client_for(group, "analyst").get(url).status_code == 403
    caseworker = client_for(group, "caseworker", "casework")
    no_basis = caseworker.get(url)
    assert no_basis.status_code == 403 and "grundlag" in no_basis.text
    assert not _entries(group, "gennemgang_vist", "gennemgang_eksporteret", "paa_kandidatliste")
    recorded = caseworker.post(
        f"/loesninger/{furesoe}/udvaelgelse/grundlag",
        data={"kind": "legal_basis", "reference": "Retssikkerhedslovens § 11 c, j.nr. 1-25",
              "valid_from": "2025-01-01"},
        follow_redirects=False,
    )  # fmt: skip
    assert recorded.status_code == 303
    page = caseworker.get(url)
    assert page.status_code == 200, page.text[:2000]
    text = _text(page.text)
    assert "2. halvår 2025" in text and "Visningen er logget" in text
    # anna's cash benefit of December 2025, booked on her, in the half-year after enrolment
    assert f"{ANNA} {ANNA} 31. december 2025 R03 Beskæftigelse 5.57.73" in text
    assert "Kontanthjælp juni" not in text  # before enrolment (and the first half)
    first = caseworker.get(f"{url}?halvaar=2025-1")  # enrolled from July: no case then
    assert "Ingen af løsningens sager var indskrevet i halvåret." in first.text
    views = _entries(group, "gennemgang_vist")
    assert len(views) == 2 and views[0].detail["half"] == "2025-2"
    listed = [e for e in _entries(group, "paa_kandidatliste")
              if e.detail.get("list") == "gennemgang_vist"]  # fmt: skip
    assert len(listed) == 22 and ANNA in {e.citizen for e in listed}  # the second half only
    _excel(caseworker, url)
    assert len(_entries(group, "gennemgang_eksporteret")) == 1
    book = caseworker.get(f"{url}?format=xlsx&halvaar=2025-2")
    from python_calamine import CalamineWorkbook

    workbook = CalamineWorkbook.from_filelike(io.BytesIO(book.content))
    postings = workbook.get_sheet_by_name(workbook.sheet_names[1]).to_python()
    header = next(i for i, row in enumerate(postings) if "Afstemt" in row)
    column = postings[header].index("Afstemt")
    assert {row[column] for row in postings[header + 1 :]} == {False}  # a tick box each
