"""The follow-up deadlines' page /opfoelgning/frister (issue 14): counts per team and caseworker for
every role (small counts hidden), the cases under the casework purpose for the citizens with a
basis, audited per citizen; a caseworker without a basis for any of the cases is refused; the
form that records a follow-up keeps what was typed when refused; one workbook."""

from __future__ import annotations

import re
from datetime import date
from io import BytesIO

import pytest
from python_calamine import CalamineWorkbook
from sqlalchemy import select

from tvaers.core.config import Settings
from tvaers.core.cpr import Pseudonymiser
from tvaers.store.models import AuditEntry, LegalBasis
from tvaers.store.models_followup import FollowUp

from .conftest import TEST_KEY, client_for, csrf_of, seeded_app

FAMILY_1, JOBCENTER, LEAP = "1207154007", "1503851236", "1010703344"
PAGE = "/opfoelgning/frister?dato=2025-09-01&fra=2024-03-01&sagsbehandler="


def pseudonym(cpr: str) -> str:
    return Pseudonymiser(TEST_KEY.encode()).pseudonym(cpr)


def _bases(session) -> None:  # type: ignore[no-untyped-def]
    for cpr in (FAMILY_1, JOBCENTER):
        session.add(LegalBasis(citizen=pseudonym(cpr), kind="consent", reference="j.nr. 1",
                               valid_from=date(2024, 1, 1), recorded_by="caseworker"))  # fmt: skip


@pytest.fixture
def app(settings: Settings):  # type: ignore[no-untyped-def]
    found = seeded_app(settings, "followup", _bases)
    yield found
    found.state.engine.dispose()


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_counts_for_everyone_cases_only_under_casework(app) -> None:  # type: ignore[no-untyped-def]
    analyst = client_for(app, "analyst")
    page = analyst.get(PAGE)
    assert page.status_code == 200
    text = _text(page.text)
    assert "Antal pr. sagsbehandler og pr. team" in text and "Familieafdelingen" in text
    assert pseudonym(FAMILY_1) not in page.text and "sagsbehandlingsformål" in text
    caseworker = client_for(app, "caseworker", "casework")
    shown = caseworker.get(PAGE)
    assert shown.status_code == 200
    assert pseudonym(FAMILY_1) in shown.text and pseudonym(JOBCENTER) in shown.text
    assert "Overskredet" in _text(shown.text) and "31. august 2025" in _text(shown.text)
    with app.state.sessions() as session:
        entries = session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    listed = [e for e in entries if e.action == "paa_kandidatliste"]
    assert {e.citizen for e in listed} == {pseudonym(FAMILY_1), pseudonym(JOBCENTER)}
    assert any(e.action == "opfoelgningsfrister_vist" and e.actor == "caseworker" for e in entries)
    workbook = caseworker.get(PAGE + "&format=xlsx")
    assert workbook.status_code == 200
    sheets = CalamineWorkbook.from_filelike(BytesIO(workbook.content)).sheet_names
    assert len(sheets) == 3


def test_a_caseworker_without_a_basis_is_refused(app) -> None:  # type: ignore[no-untyped-def]
    caseworker = client_for(app, "caseworker", "casework")
    refused = caseworker.get(
        "/opfoelgning/frister?dato=2024-06-01&fra=2024-01-01&sagsbehandler=VO03"
    )
    assert refused.status_code == 403 and "grundlag" in _text(refused.text)
    assert pseudonym(LEAP) not in refused.text
    bad = caseworker.get("/opfoelgning/frister?dato=31-02-2025")
    assert bad.status_code == 422 and "«31-02-2025» er ikke en dato" in _text(bad.text)


def test_the_form_keeps_what_was_typed_and_records(app) -> None:  # type: ignore[no-untyped-def]
    assert client_for(app, "analyst").get("/opfoelgning/frister/registrer").status_code == 403
    caseworker = client_for(app, "caseworker", "casework")
    form = caseworker.get(f"/opfoelgning/frister/registrer?borger={pseudonym(FAMILY_1)}"
                          "&indsats=015011&start=2025-05-31")  # fmt: skip
    assert form.status_code == 200 and 'value="2025-05-31"' in form.text
    typed = {"citizen": pseudonym(FAMILY_1), "intervention": "015011", "started_on": "2025-05-31",
             "followed_up_on": "2025-05-30", "form": "phone", "outcome": "adjust",
             "note": "Aftalt ny plan", "csrf_token": csrf_of(caseworker)}  # fmt: skip
    refused = caseworker.post("/opfoelgning/frister/registrer", data=typed)
    assert refused.status_code == 422
    assert "før indsatsen startede" in _text(refused.text)
    assert "Aftalt ny plan" in refused.text and 'value="phone" selected' in refused.text
    done = caseworker.post("/opfoelgning/frister/registrer",
                           data={**typed, "followed_up_on": "31-08-2025"}, follow_redirects=False)  # fmt: skip
    assert done.status_code == 303
    with app.state.sessions() as session:
        row = session.scalars(select(FollowUp)).one()
    assert (row.followed_up_on, row.form, row.outcome) == (date(2025, 8, 31), "phone", "adjust")
    after = caseworker.get(PAGE)
    assert pseudonym(FAMILY_1) not in after.text  # followed up: next due 31 August 2026


def test_a_refusal_tells_nothing_of_whether_the_case_exists(app) -> None:  # type: ignore[no-untyped-def]
    """The reviewer's probe: a caseworker without a basis for the leap-day citizen posts their
    real case (SEL85 from 29 February 2024) and a made-up one; both are refused alike, before
    the case is looked up, and nothing is logged. With a basis a wrong start is still told."""
    caseworker = client_for(app, "caseworker", "casework")
    with app.state.sessions() as session:
        before = len(session.scalars(select(AuditEntry)).all())
    typed = {"citizen": pseudonym(LEAP), "intervention": "SEL85", "followed_up_on": "2024-05-01",
             "form": "meeting", "outcome": "continue", "csrf_token": csrf_of(caseworker)}  # fmt: skip
    answers = [caseworker.post("/opfoelgning/frister/registrer", data={**typed, "started_on": day})
               for day in ("2024-02-29", "2024-03-01")]  # fmt: skip
    assert [a.status_code for a in answers] == [403, 403]
    texts = [_text(a.text) for a in answers]
    assert texts[0] == texts[1] and "ikke registreret et gyldigt grundlag" in texts[0]
    assert "Borgeren har ingen indsats" not in texts[1]
    with app.state.sessions() as session:
        assert len(session.scalars(select(AuditEntry)).all()) == before  # refused: nothing logged
        assert session.scalars(select(FollowUp)).all() == []
    wrong = caseworker.post("/opfoelgning/frister/registrer", data={
        **typed, "citizen": pseudonym(FAMILY_1), "intervention": "015011",
        "started_on": "2025-06-01", "followed_up_on": "2025-08-31"})  # fmt: skip
    assert wrong.status_code == 422 and "Borgeren har ingen indsats 015011" in _text(wrong.text)
