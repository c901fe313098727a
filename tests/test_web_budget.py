"""The budget pages (issue 13): the overview of every area with an area chief's own area first,
the form that changes a budget (budget editors only, what was typed kept on an error), frames
with the overspend flagged and where to cover it, the area chief's view with what a solution
draws on the budget, the area's part of the requirement and the settlement, a solution's own
budget, and every page as Excel."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from tvaers import access
from tvaers.budget import budgets, requirements, settlement
from tvaers.core.config import Settings
from tvaers.core.cpr import Pseudonymiser
from tvaers.store.models import Enrolment, Solution, User

from .conftest import FIXTURES, TEST_KEY, client_for, seeded_app

D = Decimal
SOLUTION = "Fælles om målet"  # Albertslund's
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def seed(session) -> None:  # type: ignore[no-untyped-def]
    """The employment chief; every citizen of the selection fixture enrolled in Albertslund's
    solution from 1 January 2025; budgets for 2025 (employment 1.000 kr.: overspent; children
    10 mio. kr.: underspent), a requirement of 600.000 split in halves on employment and
    children, and a settlement recorded by hand (Albertslund's sickness benefit line 5,0 -> 8,0
    mio. kr. on employment)."""
    chief = session.scalars(select(User).where(User.username == "area-chief")).one()
    chief.sector_area = "employment"
    solution = session.scalars(select(Solution).where(Solution.name == SOLUTION)).one()
    pseudonyms = Pseudonymiser(TEST_KEY.encode())
    cprs = [line.split(",")[0] for line in
            (FIXTURES / "selection" / "citizens.csv").read_text("utf-8").splitlines()[1:]]  # fmt: skip
    for cpr in cprs:
        session.add(Enrolment(solution_id=solution.id, unit="citizen",
                              subject=pseudonyms.pseudonym(cpr), enrolled_on=date(2025, 1, 1),
                              enrolled_by="solution-leader"))  # fmt: skip
    session.flush()
    consultant = access.actor_for(session, "finance-consultant", "statistical")
    budgets.set_budget(session, consultant, 2025, "employment", D("1000.00"), note="Startbudget")
    budgets.set_budget(session, consultant, 2025, "children", D("10000000.00"))
    budgets.set_budget(session, consultant, 2025, "employment", D("400000.00"),
                       solution_id=solution.id, item="Jobkonsulenter", inside=True)  # fmt: skip
    requirements.set_requirement(session, consultant, solution.id, 2025, D("600000.00"), "fixed",
                                 shares=[("employment", "1/2"), ("children", "1/2")])  # fmt: skip
    settlement.record(session, consultant, solution.id, 2025, source="hand", basis="gross",
                      lines=[("employment", D("5000000"), D("8000000")),
                             ("children", D("4000000"), D("3000000"))],
                      requirement=D("1500000"))  # fmt: skip


@pytest.fixture
def app(settings: Settings):  # type: ignore[no-untyped-def]
    found = seeded_app(settings, "selection", extra=seed)
    yield found
    found.state.engine.dispose()


def _solution_id(app) -> int:  # type: ignore[no-untyped-def]
    with app.state.sessions() as session:
        found = session.scalars(select(Solution).where(Solution.name == SOLUTION)).one()
        return found.id


def test_the_area_chief_sees_their_own_area_first_and_what_they_pay_and_get(app) -> None:  # type: ignore[no-untyped-def]
    chief = client_for(app, "area_chief")
    page = chief.get("/budget?aar=2025")
    assert page.status_code == 200
    text = page.text
    link = text.index('href="/budget/employment?aar=2025"')
    assert link < text.index("Budget mod forbrug pr. sektorområde")
    assert "Dit område: Beskæftigelse" in text

    area = chief.get("/budget/employment?aar=2025")
    assert area.status_code == 200, area.text[:400]
    view = area.text
    assert "Budget for Beskæftigelse 2025" in view
    assert "1.000,00 kr." in view  # the budget
    assert "Startbudget" in view  # its version with the note
    # what the solution draws on the budget (its enrolled citizens' draw on employment)
    drawn = view.split('id="traek"')[1].split('id="krav"')[0]
    # all 22 enrolled from 1 January: the year's draw on employment is the area's 417.500,00
    # (15 citizens behind it); no grants commit anything
    row = drawn.split(SOLUTION)[1].split("</tr>")[0]
    assert ">15<" in row and row.count("417.500,00 kr.") == 2 and "0,00 kr." in row
    # the area's half of the 600.000 requirement, and the recorded settlement's line
    required = view.split('id="krav"')[1].split('id="afregning"')[0]
    assert "Faste andele" in required and "300.000,00 kr." in required
    settled = view.split('id="afregning"')[1]
    assert "5.000.000,00 kr." in settled and "3.000.000,00 kr." in settled
    assert "Nej: kravet er ikke indfriet" in settled  # +3,0 −1,0 leaves −3,5 on the line
    # spending anything all year on 1.000 kr.: flagged, outside every frame
    assert "ligger uden for rammerne" in view


def test_a_firm_frame_flags_the_overspend_and_names_the_underspend(app) -> None:  # type: ignore[no-untyped-def]
    admin = client_for(app, "administrator")
    saved = admin.post("/budget/rammer", data={
        "year": "2025", "name": "Det sociale område", "steering": "firm",
        "areas": ["employment", "children"], "note": "Budgetaftale 2025"})  # fmt: skip
    assert saved.status_code == 200 and "er gemt som version 1" in saved.text
    frames = admin.get("/budget/rammer?aar=2025")
    said = " ".join(frames.text.split())
    assert "Beskæftigelse forventer et merforbrug på" in said
    assert "skal dækkes inden for rammen «Det sociale område»" in said
    assert "Mindreforbrug i rammen: Udsatte børn og unge" in said
    refused = admin.post("/budget/rammer", data={"year": "2025", "name": "Anden",
                                                 "steering": "broad", "areas": ["children"]})  # fmt: skip
    assert refused.status_code == 422
    assert "ligger allerede i rammen" in refused.text and 'value="Anden"' in refused.text
    versions = frames.text.split(">Rammernes versioner<")[1].split("</ul>")[0]
    assert "Beskæftigelse, Udsatte børn og unge" in versions and "employment" not in versions
    workbook = admin.get("/budget/rammer?aar=2025&format=xlsx")
    assert workbook.headers["content-type"] == XLSX


def test_only_budget_editors_change_a_budget_and_a_typo_keeps_what_was_typed(app) -> None:  # type: ignore[no-untyped-def]
    for role in ("area_chief", "solution_leader", "caseworker", "analyst"):
        client = client_for(app, role)
        assert client.post("/budget", data={"year": "2025", "area": "employment",
                                            "amount": "5000"}).status_code == 403  # fmt: skip
        assert 'action="/budget"' not in client.get("/budget?aar=2025").text
    consultant = client_for(app, "finance_consultant")
    typo = consultant.post("/budget", data={"year": "2025", "area": "employment",
                                            "amount": "12.5oo", "note": "Tillæg marts"})  # fmt: skip
    assert typo.status_code == 422
    assert "«12.5oo» er ikke et beløb" in typo.text
    assert 'value="12.5oo"' in typo.text and "Tillæg marts" in typo.text
    done = consultant.post("/budget", data={"year": "2025", "area": "employment",
                                            "amount": "12.500,00", "note": "Tillæg marts"})  # fmt: skip
    assert done.status_code == 200 and "Budgettet er gemt: 12.500,00 kr. (version 2)" in done.text
    versions = consultant.get("/budget/employment?aar=2025").text.split('id="versioner"')[1]
    assert versions.index("12.500,00 kr.") < versions.index("1.000,00 kr.")  # newest first
    assert "Tillæg marts" in versions and "finance-consultant" in versions


def test_a_solutions_own_budget_against_what_it_draws(app) -> None:  # type: ignore[no-untyped-def]
    client = client_for(app, "solution_leader")
    page = client.get(f"/budget/loesninger/{_solution_id(app)}?aar=2025")
    assert page.status_code == 200
    own = page.text
    assert "Løsningens eget budget" in own and "400.000,00 kr." in own
    assert "Jobkonsulenter" in own and "Inden for enheden" in own


def test_every_budget_page_is_a_workbook_and_an_unknown_area_is_not_found(app) -> None:  # type: ignore[no-untyped-def]
    client = client_for(app, "analyst")
    for path in ("/budget?aar=2025", "/budget?aar=2025&grundlag=net",
                 "/budget/employment?aar=2025", f"/budget/loesninger/{_solution_id(app)}"):  # fmt: skip
        found = client.get(path + ("&" if "?" in path else "?") + "format=xlsx")
        assert found.status_code == 200 and found.headers["content-type"] == XLSX, path
    assert client.get("/budget/findes-ikke").status_code == 404
    net = client.get("/budget?aar=2025&grundlag=net")
    assert 'value="net" class="form-radio" checked' in net.text


def test_bad_budget_input_is_refused_in_danish_and_keeps_what_was_typed(app) -> None:  # type: ignore[no-untyped-def]
    """Review 5: 30 nines crashed the page or lost the form, an unknown placement saved a cost
    item neither inside nor outside the unit, and a negative budget was saved without a word."""
    consultant = client_for(app, "finance_consultant")
    solution = str(_solution_id(app))
    nines = "9" * 30
    cases = [
        ({"year": "2025", "area": "employment", "amount": nines}, "er større end 100 mia. kr."),
        ({"year": nines, "area": "employment", "amount": "5.000"}, "Vælg et budgetår"),
        ({"year": "2025", "area": "employment", "amount": "-5.000,00"},
         "Et budget kan ikke være negativt"),
        ({"year": "2025", "area": "employment", "amount": "5.000", "solution": solution,
          "item": "a", "placement": "bogus"}, "Postens placering «bogus» findes ikke"),
        ({"year": "2025", "area": "employment", "amount": "5.000", "solution": solution,
          "item": "a", "placement": ""}, "Vælg, om udgiftsposten «a» ligger inden for"),
        ({"year": "2025", "area": "employment", "amount": "5.000", "solution": solution,
          "item": "Borger 150385-1236", "placement": "inside"},
         "Udgiftsposten ser ud til at indeholde et CPR-nummer"),
        ({"year": "2025", "area": "employment", "amount": "5.000", "note": "x" * 4001},
         "Bemærkningen har over 4.000 tegn"),
    ]  # fmt: skip
    with app.state.sessions() as session:
        before = len(budgets.versions(session))
    for data, says in cases:
        refused = consultant.post("/budget", data={**data, "note": data.get("note", "Tillæg")})
        assert refused.status_code == 422, (data, refused.status_code)
        assert says in " ".join(refused.text.split()), data
        assert f'value="{data["amount"]}"' in refused.text  # what was typed is kept
    with app.state.sessions() as session:
        assert len(budgets.versions(session)) == before  # nothing saved


def test_versions_taken_over_from_an_import_never_name_an_operating_system_account(app) -> None:  # type: ignore[no-untyped-def]
    from tvaers.store.models_budget import BudgetVersion

    with app.state.sessions() as session:
        session.add(BudgetVersion(year=2025, sector_area="children", solution_id=None, item="",
                                  amount_ore=100, version=9, source="import", changed_by="root",
                                  note="Fra de indlæste data (budgets)"))  # fmt: skip
        session.commit()
    page = client_for(app, "analyst").get("/budget/children?aar=2025").text
    versions = page.split('id="versioner"')[1]
    assert "Indlæst fra data" in versions and "root" not in versions


def test_refusals_and_flags_read_as_danish_sentences(app) -> None:  # type: ignore[no-untyped-def]
    chief = client_for(app, "area_chief")
    refused = chief.post("/budget", data={"year": "2025", "area": "employment", "amount": "5"})
    assert refused.status_code == 403
    assert "Din rolle er Fagchef" in " ".join(refused.text.split())
    admin = client_for(app, "administrator")
    admin.post("/budget/rammer", data={"year": "2025", "name": "Det sociale område",
                                       "steering": "firm", "areas": ["employment", "children"]})  # fmt: skip
    said = " ".join(admin.get("/budget?aar=2025").text.split())
    assert "Mindreforbrug i rammen: Udsatte børn og unge" in said and "kr.." not in said
    taken = admin.post("/budget/rammer", data={"year": "2025", "name": "Anden",
                                               "steering": "bogus", "areas": ["children"]})  # fmt: skip
    assert taken.status_code == 422
    assert "Vælg bred budgetramme eller håndfast rammestyring" in taken.text
    assert "broad" not in " ".join(taken.text.split()).split("Styringen")[1][:200]
