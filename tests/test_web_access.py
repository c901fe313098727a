"""Who may see what: every route for every role and purpose (the matrix in the README), and
exactly one audit entry for every allowed person-level access."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from tvaers import access
from tvaers.core.cpr import Pseudonymiser
from tvaers.core.periods import today
from tvaers.store.models import AuditEntry, LegalBasis, SelectionBasis

from .conftest import ROLES, TEST_KEY, client_for

ALL = set(ROLES)
EDITORS = {"administrator", "solution_leader", "area_chief", "finance_consultant"}
CASEWORK = {"caseworker", "solution_leader", "area_chief", "finance_consultant"}
ADMIN = {"administrator"}
RULE_EDITORS = EDITORS | {"analyst"}
BASIS_RECORDERS = {"caseworker", "solution_leader", "area_chief"}
GRANT_PROPOSERS = {"caseworker", "solution_leader"}
WITH_BASIS = Pseudonymiser(TEST_KEY.encode()).pseudonym("1503851236")
WITHOUT_BASIS = Pseudonymiser(TEST_KEY.encode()).pseudonym("2505901122")
# a family is named after its first member's pseudonym: here the family of WITH_BASIS
FAMILY_WITH_BASIS = f"F-{Pseudonymiser(TEST_KEY.encode()).pseudonym('0303184012')[:12]}"

# (path, who may see it, needs the casework purpose, is person-level)
MATRIX = [
    ("/", ALL, False, False),
    ("/?format=xlsx", ALL, False, False),
    ("/loesninger", ALL, False, False),
    ("/loesninger?format=xlsx", ALL, False, False),
    ("/loesninger/1", ALL, False, False),
    ("/loesninger/1?format=xlsx", ALL, False, False),
    ("/loesninger/1/historik", ALL, False, False),
    ("/loesninger/1/historik?format=xlsx", ALL, False, False),
    ("/loesninger/1/refleksion", ALL, False, False),
    ("/loesninger/1/refleksion?format=xlsx", ALL, False, False),
    ("/loesninger/1/oekonomi", ALL, False, False),
    # focus point 6 (issue 14): the result goals are for all; each citizen's row is casework
    ("/loesninger/1/resultater", ALL, False, False),
    ("/loesninger/1/resultater?format=xlsx", ALL, False, False),
    ("/loesninger/1/resultater/borgere", CASEWORK, True, False),
    ("/loesninger/1/resultater/borgere?format=xlsx", CASEWORK, True, False),
    ("/fokuspunkter", ALL, False, False),
    ("/fokuspunkter/4", ALL, False, False),
    ("/fokuspunkter/4?format=xlsx", ALL, False, False),
    ("/data", ALL, False, False),
    ("/data?format=xlsx", ALL, False, False),
    ("/ressourcetraek", ALL, False, False),
    ("/ressourcetraek?format=xlsx&table=lorenz", ALL, False, False),
    ("/loesninger/ny", EDITORS, False, False),
    ("/loesninger/1/rediger", EDITORS, False, False),
    ("/borgere", CASEWORK, True, False),
    (f"/borgere/{WITH_BASIS}", CASEWORK, True, True),
    (f"/borgere/{WITH_BASIS}?format=xlsx", CASEWORK, True, True),
    (f"/borgere/{WITHOUT_BASIS}", set(), True, True),
    (f"/ressourcetraek/familie/{FAMILY_WITH_BASIS}", CASEWORK, True, True),
    (f"/ressourcetraek/familie/{FAMILY_WITH_BASIS}?format=xlsx", CASEWORK, True, True),
    (f"/ressourcetraek/familie/F-{WITHOUT_BASIS[:12]}", set(), True, True),
    ("/maalgrupper", ALL, False, False),
    ("/maalgrupper?format=xlsx", ALL, False, False),
    ("/maalgrupper/furesoe", ALL, False, False),
    ("/maalgrupper/furesoe?format=xlsx&table=funnel", ALL, False, False),
    ("/maalgrupper/furesoe/versioner", ALL, False, False),
    ("/maalgrupper/furesoe/versioner?format=xlsx", ALL, False, False),
    ("/maalgrupper/furesoe/yaml", ALL, False, False),
    ("/maalgrupper/ny", RULE_EDITORS, False, False),
    ("/maalgrupper/furesoe/rediger", RULE_EDITORS, False, False),
    ("/maalgrupper/ny/byg", RULE_EDITORS, False, False),
    ("/maalgrupper/furesoe/byg", ALL, False, False),
    # selection for solution 1 (which has a selection basis) and 2 (which has none)
    ("/loesninger/1/udvaelgelse", CASEWORK, True, False),
    ("/loesninger/1/udvaelgelse?regelsaet=furesoe", CASEWORK, True, False),
    ("/loesninger/1/udvaelgelse?regelsaet=furesoe&format=xlsx", CASEWORK, True, False),
    (f"/loesninger/1/udvaelgelse/citizen/{WITH_BASIS}?regelsaet=furesoe", CASEWORK, True, True),
    ("/loesninger/1/indskrevne", CASEWORK, True, False),
    ("/loesninger/1/indskrevne?format=xlsx", CASEWORK, True, False),
    ("/loesninger/1/udvaelgelse/grundlag", BASIS_RECORDERS, True, False),
    ("/loesninger/2/udvaelgelse?regelsaet=furesoe", set(), True, False),
    ("/loesninger/2/indskrevne", set(), True, False),
    # focus point 4 (issue 12): the overviews are for all; grants and the review are casework
    ("/bevillinger", ALL, False, False),
    ("/bevillinger?loesning=1", ALL, False, False),
    ("/bevillinger/ny?loesning=1", GRANT_PROPOSERS, True, False),
    ("/bevillinger/ny?loesning=2", set(), True, False),
    ("/indbakke", ALL, False, False),
    ("/kompetenceplan", ALL, False, False),
    ("/fordelingsnoegler", ALL, False, False),
    ("/fordelingsnoegler?format=xlsx", ALL, False, False),
    # focus point 5 (issue 13): the budget assumptions are for all; the form is for budget editors
    ("/budgetforudsaetninger", ALL, False, False),
    ("/budgetforudsaetninger?format=xlsx", ALL, False, False),
    ("/budgetforudsaetninger?year=2025&basis=net", ALL, False, False),
    # focus point 6 (issue 14): the key figures of levels 1-2 are aggregates for all; the
    # caseworker's level lists their own cases (casework, a basis per citizen)
    ("/noegletal", ALL, False, False),
    ("/noegletal/direktion", ALL, False, False),
    ("/noegletal/direktion?format=xlsx", ALL, False, False),
    ("/noegletal/omraader?aar=2025&maaned=2", ALL, False, False),
    ("/noegletal/omraader?format=xlsx", ALL, False, False),
    # benchmarking across municipalities (issue 15): aggregates for all
    ("/sammenligning", ALL, False, False),
    ("/sammenligning?format=xlsx&kommuner=101,190", ALL, False, False),
    ("/noegletal/sagsbehandler", CASEWORK, True, False),
    ("/noegletal/sagsbehandler?format=xlsx", CASEWORK, True, False),
    # focus point 6 (issue 14): the follow-up deadlines' counts are for all, the cases
    # casework (a basis per citizen), the form for those who record follow-ups (the same
    # roles as record a basis)
    ("/opfoelgning/frister", ALL, False, False),
    ("/opfoelgning/frister?format=xlsx", ALL, False, False),
    ("/opfoelgning/frister/registrer", BASIS_RECORDERS, True, False),
    # focus point 6 (issue 14): the monthly deviations are for all; their cases are casework
    ("/opfoelgning/afvigelser", ALL, False, False),
    ("/opfoelgning/afvigelser?format=xlsx", ALL, False, False),
    ("/opfoelgning/afvigelser?year=2025&month=6&basis=net", ALL, False, False),
    ("/opfoelgning/afvigelser/LAB31", CASEWORK, True, False),
    ("/opfoelgning/afvigelser/LAB31?format=xlsx", CASEWORK, True, False),
    ("/loesninger/1/placering", ALL, False, False),
    ("/loesninger/1/placering?format=xlsx", ALL, False, False),
    ("/loesninger/1/hvem-betaler", ALL, False, False),
    ("/loesninger/1/pilot", ALL, False, False),
    ("/loesninger/1/kapacitet", ALL, False, False),
    ("/loesninger/1/gennemgang", CASEWORK, True, False),
    ("/loesninger/1/gennemgang?format=xlsx", CASEWORK, True, False),
    ("/loesninger/2/gennemgang", set(), True, False),
    # focus point 5 (issue 13): the investment cases are for all; saving one for its editors
    ("/investering", ALL, False, False),
    ("/investering?format=xlsx", ALL, False, False),
    ("/investering/ny", {"finance_consultant", "solution_leader", "analyst"}, False, False),
    # focus point 5 (issue 13): the settlement and the requirement are for all; the forms say
    # who may record (a budget editor)
    ("/loesninger/1/afregning", ALL, False, False),
    ("/loesninger/1/afregning?format=xlsx", ALL, False, False),
    ("/loesninger/1/afregning?aar=2025&grundlag=net", ALL, False, False),
    ("/loesninger/1/afregning/haand", ALL, False, False),
    ("/loesninger/1/effektiviseringskrav", ALL, False, False),
    ("/loesninger/1/effektiviseringskrav?format=xlsx", ALL, False, False),
    # focus point 5 (issue 13): budgets, frames and the area chief's view are for all
    ("/budget", ALL, False, False),
    ("/budget?format=xlsx", ALL, False, False),
    ("/budget?aar=2025&grundlag=net", ALL, False, False),
    ("/budget/rammer", ALL, False, False),
    ("/budget/rammer?format=xlsx", ALL, False, False),
    ("/budget/children", ALL, False, False),
    ("/budget/children?format=xlsx", ALL, False, False),
    ("/budget/loesninger/1", ALL, False, False),
    ("/budget/loesninger/1?format=xlsx", ALL, False, False),
    # focus point 6 (issue 14): the year-end forecast and its back-test are for all; choosing a
    # method is a budget editor's (the form; a post by others is refused)
    ("/prognose", ALL, False, False),
    ("/prognose?format=xlsx", ALL, False, False),
    ("/prognose?loesning=1", ALL, False, False),
    ("/prognose/metoder", ALL, False, False),
    ("/prognose/metoder?format=xlsx", ALL, False, False),
    ("/admin/brugere", ADMIN, False, False),
    ("/admin/brugere?format=xlsx", ADMIN, False, False),
    ("/admin/log", ADMIN, False, False),
    # frozen runs (issue 15): the recorded analysis runs, for the administrator and the analyst
    ("/koersler", {"administrator", "analyst"}, False, False),
    ("/koersler?format=xlsx", {"administrator", "analyst"}, False, False),
]


def _audit_count(app, citizen: str) -> int:
    with app.state.sessions() as session:
        return session.scalar(select(func.count()).where(AuditEntry.citizen == citizen)) or 0


@pytest.fixture
def with_basis(web):
    with web.state.sessions() as session:
        session.add(LegalBasis(citizen=WITH_BASIS, kind="consent", reference="Samtykke 1-3-2025",
                               valid_from=date(2025, 3, 1), recorded_by="test"))  # fmt: skip
        session.add(SelectionBasis(solution_id=1, kind="legal_basis", reference="Rsl. § 11 c",
                                   valid_from=date(2025, 1, 1), recorded_by="test"))  # fmt: skip
        session.commit()
    return web


def test_signed_out_users_are_sent_to_sign_in(web) -> None:
    client = client_for(web)
    for path, *_ in MATRIX:
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/log-ind")


@pytest.mark.parametrize("purpose", ["statistical", "casework"])
@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(with_basis, role: str, purpose: str) -> None:
    app = with_basis
    client = client_for(app, role, purpose)
    casework_now = purpose == "casework" and role in CASEWORK
    for path, allowed, needs_casework, person_level in MATRIX:
        expected = role in allowed and (casework_now or not needs_casework)
        before = _audit_count(app, WITH_BASIS)
        response = client.get(path)
        assert response.status_code == (200 if expected else 403), (role, purpose, path)
        if person_level and WITH_BASIS in path:
            assert _audit_count(app, WITH_BASIS) - before == (1 if expected else 0), path


def test_analyst_and_administrator_never_get_casework(web) -> None:
    for role in ("analyst", "administrator"):
        client = client_for(web, role, "casework")
        page = client.get("/")
        assert 'value="casework" selected' not in page.text
        assert client.get("/borgere").status_code == 403


def test_refusal_says_why_in_danish(with_basis) -> None:
    client = client_for(with_basis, "caseworker")
    page = client.get(f"/borgere/{WITH_BASIS}")
    assert page.status_code == 403
    assert "sagsbehandlingsformål" in page.text
    casework = client_for(with_basis, "caseworker", "casework")
    page = casework.get(f"/borgere/{WITHOUT_BASIS}")
    assert page.status_code == 403 and "grundlag" in page.text


def test_citizen_lookup_records_basis_and_logs_each_view(web) -> None:
    client = client_for(web, "caseworker", "casework")
    found = client.post("/borgere", data={"cpr": "250590-1122"}, follow_redirects=False)
    assert found.status_code == 303 and found.headers["location"] == f"/borgere/{WITHOUT_BASIS}"
    assert "250590" not in found.headers["location"]
    assert client.get(f"/borgere/{WITHOUT_BASIS}").status_code == 403
    recorded = client.post(f"/borgere/{WITHOUT_BASIS}/grundlag", data={
        "kind": "legal_basis", "reference": "Serviceloven § 11, j.nr. 27.12.04-G01-1-25",
        "valid_from": "2025-01-01"})  # fmt: skip
    assert recorded.status_code == 200
    before = _audit_count(web, WITHOUT_BASIS)
    page = client.get(f"/borgere/{WITHOUT_BASIS}")
    assert page.status_code == 200 and "Serviceloven § 11" in page.text
    assert "31.200,00" not in page.text  # unregistered postings are not the citizen's
    assert _audit_count(web, WITHOUT_BASIS) == before + 1
    with web.state.sessions() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.citizen == WITHOUT_BASIS)
                                .order_by(AuditEntry.id.desc())).first()  # fmt: skip
        assert (entry.actor, entry.action, entry.purpose) == (
            "caseworker",
            "borger_vist",
            "casework",
        )
        assert entry.basis.startswith("Hjemmel i lovgivningen: Serviceloven")


def test_administrator_lists_the_log_for_one_citizen(with_basis) -> None:
    client_for(with_basis, "caseworker", "casework").get(f"/borgere/{WITH_BASIS}")
    admin = client_for(with_basis, "administrator")
    page = admin.post("/admin/log", data={"cpr": "150385-1236"})
    assert page.status_code == 200
    assert "Så borgerens oplysninger" in page.text and "caseworker" in page.text
    assert "1236" not in page.text.split("Log for borger")[1][:40]
    excel = admin.post("/admin/log", data={"cpr": "1503851236", "format": "xlsx"})
    assert excel.headers["content-type"].startswith("application/vnd.openxmlformats")


def test_purpose_switch_is_logged(web) -> None:
    client_for(web, "caseworker", "casework")
    with web.state.sessions() as session:
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "formaal_valgt")
        ).first()
        assert entry is not None and entry.purpose == "casework"


def test_switching_purpose_returns_to_the_page_it_was_switched_on(web) -> None:
    """Issue 11 #9: the 403 page says «Skift formål», and the switch went to the front page."""
    client = client_for(web, "caseworker")
    refused = client.get("/borgere/abcdefghijklmnopqrst?aar=2025")
    assert refused.status_code == 403
    assert 'name="next" value="/borgere/abcdefghijklmnopqrst?aar=2025"' in refused.text
    switched = client.post("/formaal", data={"purpose": "casework",
                                             "next": "/borgere/abcdefghijklmnopqrst?aar=2025"},
                           follow_redirects=False)  # fmt: skip
    assert switched.status_code == 303
    assert switched.headers["location"] == "/borgere/abcdefghijklmnopqrst?aar=2025"
    for elsewhere in ("//evil.example/x", "https://evil.example/", "/\\evil.example"):
        away = client.post("/formaal", data={"purpose": "statistical", "next": elsewhere},
                           follow_redirects=False)  # fmt: skip
        assert away.headers["location"] == "/"


@pytest.mark.parametrize(
    ("valid_from", "valid_to", "said"),
    [
        ("2999-01-01", "", "for langt ude i fremtiden"),
        ("1999-12-31", "", "ligger før år 2000"),
        ("2025-03-01", "2025-02-01", "kan ikke udløbe"),
        ("2025-03-01", "2099-01-01", "højst 10 år"),
        ("", "", "Skriv en gyldig dato"),
        ("31-02-2025", "", "Skriv en gyldig dato"),
    ],
)
def test_the_citizen_basis_form_refuses_dates_that_cannot_be_meant_and_keeps_the_text(
    web, valid_from: str, valid_to: str, said: str
) -> None:
    """Issue 11 #8: «gyldigt fra» 2999-01-01 and «til» before «fra» were accepted, and a mistake
    was shown in a green success box with the text lost."""
    client = client_for(web, "caseworker", "casework")
    reference = "Samtykke givet på mødet, j.nr. 27.12.04-G01-1-25 — tekst der skal blive stående"
    answer = client.post(f"/borgere/{WITHOUT_BASIS}/grundlag", data={
        "kind": "consent", "reference": reference, "valid_from": valid_from,
        "valid_to": valid_to})  # fmt: skip
    assert answer.status_code == 422
    assert "alert-error" in answer.text and "alert-success" not in answer.text
    assert said in " ".join(answer.text.split())
    assert reference in answer.text  # what was typed is kept
    assert 'value="consent" class="form-radio" checked' in answer.text
    with web.state.sessions() as session:
        assert access.citizen_bases(session, WITHOUT_BASIS) == []


def test_a_basis_that_starts_later_says_so_instead_of_registered_above_a_refusal(web) -> None:
    client = client_for(web, "caseworker", "casework")
    later = (today() + timedelta(days=30)).isoformat()
    page = client.post(f"/borgere/{WITHOUT_BASIS}/grundlag", data={
        "kind": "consent", "reference": "Samtykke, j.nr. 1", "valid_from": later})  # fmt: skip
    assert page.status_code == 403  # the citizen page, still without a basis in force today
    assert "gælder først fra" in page.text and "Grundlaget er registreret." not in page.text
