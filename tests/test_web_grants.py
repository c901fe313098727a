"""The grant pages (issue 12, focus point 4) against the real app over the mini municipality:
the solution leader proposes grants to citizens enrolled in Furesø's solution (the solution
grants, the sector areas pay: table 4.2), the example competence plan routes them, the paying
areas' chiefs find them in their inboxes and decide them; four eyes, a decision made first by
somebody else, the statistical purpose, typed values kept on an error, and every page's Excel.

The example plan: 306.000 kr. of foster care (children) goes to the grant committee and needs
the children's chief (over 150.000 kr.); 108.000 kr. of mentoring (employment) goes to the
committee and needs the employment chief (over 100.000 kr.); 15.600 kr. of support (adults)
stays with the caseworker alone; 126.990 kr. of family treatment (children) goes to the
committee, under the children's chief's ceiling.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from fastapi import FastAPI
from sqlalchemy import func, select

from tvaers import access
from tvaers.core.cpr import Pseudonymiser
from tvaers.principles import grant_decisions, service
from tvaers.selection import bases, decisions
from tvaers.store import users
from tvaers.store.models import AuditEntry, Solution, User
from tvaers.store.models_principles import Grant, GrantCommitment

from .conftest import PASSWORD, TEST_KEY, client_for, seeded_app
from .workbooks import read_workbook

FURESOE = "Tværgående løsning i Furesø"
PSEUDONYM = Pseudonymiser(TEST_KEY.encode()).pseudonym
ANNA, BO, CLARA = PSEUDONYM("1503851236"), PSEUDONYM("0202861118"), PSEUDONYM("2505901122")
FOSTER = {"intervention": "015025", "units_per_month": "1"}  # 51.000 kr. a month: 306.000
MENTOR = {"intervention": "LAB31", "units_per_month": "40"}  # 18.000 kr. a month: 108.000
SUPPORT = {"intervention": "SEL85", "units_per_month": "5"}  # 2.600 kr. a month: 15.600
TREATMENT = {"intervention": "015011", "units_per_month": "30"}  # 21.165 kr.: 126.990


def _furesoe(session) -> int:  # type: ignore[no-untyped-def]
    return session.scalars(select(Solution.id).where(Solution.name == FURESOE)).one()


def _seed(session) -> None:  # type: ignore[no-untyped-def]
    """The example plan and placements, Furesø's selection basis and three citizens enrolled,
    the area chief tied to children and a second chief for employment."""
    service.import_plan(session, None, service.preset_plan_text())
    service.load_example_placements(session)
    solution = _furesoe(session)
    placed = [(p.granting, p.paying) for p in service.placements(session, solution)]
    assert placed == [("solution", "areas")]  # table 4.2: Furesø grants, the areas pay
    bases.record_selection_basis(session, solution, "legal_basis", "Rsl. § 11 c, j.nr. 1-25",
                                 date(2025, 1, 1), "solution-leader")  # fmt: skip
    for subject in (ANNA, BO, CLARA):
        decisions.assess(session, solution, "citizen", subject, "accepted", "high", "high", None,
                         "solution-leader", "Rsl. § 11 c", enrol_on=date(2025, 3, 1),
                         assessed_on=date(2025, 3, 1))  # fmt: skip
    chief = session.scalars(select(User).where(User.username == "area-chief")).one()
    chief.sector_area = "children"
    users.add(session, "job-chief", "Jobchef", "area_chief", PASSWORD, sector_area="employment")


@pytest.fixture
def web(settings):
    app = seeded_app(settings, "mini", _seed)
    yield app
    app.state.engine.dispose()


@pytest.fixture
def solution(web: FastAPI) -> int:
    with web.state.sessions() as session:
        return _furesoe(session)


def _leader(app: FastAPI):  # type: ignore[no-untyped-def]
    return client_for(app, "solution_leader", "casework")


def _chief(app: FastAPI, username: str = "area-chief"):  # type: ignore[no-untyped-def]
    if username == "area-chief":
        return client_for(app, "area_chief", "casework")
    client = client_for(app)
    page = client.get("/log-ind")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    signed = client.post("/log-ind", data={"username": username, "password": PASSWORD,
                                           "csrf_token": token, "next": "/"})  # fmt: skip
    client.headers["X-CSRF-Token"] = re.search(r'name="csrf-token" content="([^"]+)"',
                                               signed.text).group(1)  # fmt: skip
    client.post("/formaal", data={"purpose": "casework"})
    return client


def _form(subject: str, **fields: str) -> dict[str, str]:
    return {"subject": f"citizen:{subject}", "start": "2026-01-01", "end": "2026-06-30",
            "justification": "Faglig vurdering fra teammødet", "units_per_month": "",
            "expected_effect": "Stabil skolegang inden for et halvt år", "payer": "",
            **fields}  # fmt: skip


def _propose(client, solution: int, subject: str, fields: dict[str, str]) -> int:  # type: ignore[no-untyped-def]
    answer = client.post(f"/bevillinger/ny?loesning={solution}", data=_form(subject, **fields),
                         follow_redirects=False)  # fmt: skip
    assert answer.status_code == 303, answer.text[:3000]
    return int(answer.headers["location"].rsplit("/", 1)[1])


def _grant(app: FastAPI, grant_id: int) -> Grant:
    with app.state.sessions() as session:
        found = session.get(Grant, grant_id)
        session.expunge(found)
        return found


def _table(page: str, caption: str) -> str:
    """The HTML of the table with the caption (starting with ``caption``)."""
    found = re.search(r"<table[^>]*>\s*<caption>" + re.escape(caption) + r".*?</table>", page,
                      re.S)  # fmt: skip
    assert found, f"no table «{caption}»"
    return found.group(0)


def _grant_links(html: str) -> set[int]:
    return {int(n) for n in re.findall(r'href="/bevillinger/(\d+)"', html)}


def test_a_proposal_is_routed_to_the_lowest_covering_level(web: FastAPI, solution: int) -> None:
    leader = _leader(web)
    form = leader.get(f"/bevillinger/ny?loesning={solution}")
    assert form.status_code == 200
    assert ANNA in form.text and "Plejefamilie (015025)" in form.text
    assert "51.000,00 kr. pr. måned" in form.text  # the unit and today's price
    foster = _propose(leader, solution, ANNA, FOSTER)
    page = leader.get(f"/bevillinger/{foster}")
    level = "er indstillet og gået til «Visitationsudvalget (ugentligt)»"
    assert f"Bevilling nr. {foster} {level}" in page.text  # fmt: skip
    assert "Fagchef for Udsatte børn og unge" in page.text
    assert "306.000,00 kr." in page.text and "750.000,00 kr. i alt" in page.text
    grant = _grant(web, foster)
    assert grant.level == "committee"
    assert [r["key"] for r in grant.requirements] == ["level:committee", "area:children"]
    support = _grant(web, _propose(leader, solution, BO, SUPPORT))
    assert (support.level, [r["key"] for r in support.requirements]) == (
        "caseworker", ["level:caseworker"])  # fmt: skip
    listed = leader.get(f"/bevillinger?loesning={solution}&status=proposed")
    assert _grant_links(_table(listed.text, "Bevillinger: ")) == {foster, support.id}
    assert "Afventer" in listed.text and "25.000,00 kr." in listed.text


def test_four_eyes_the_proposer_cannot_decide_on_the_page(web: FastAPI, solution: int) -> None:
    leader = _leader(web)
    grant = _propose(leader, solution, BO, SUPPORT)  # the caseworker level: the leader's own
    page = leader.get(f"/bevillinger/{grant}")
    assert "Afgør bevillingen" not in page.text and "fire øjne" in page.text
    refused = leader.post(f"/bevillinger/{grant}/afgoer",
                          data={"krav": "level:caseworker", "decision": "approve"})  # fmt: skip
    assert refused.status_code == 422
    assert "kan ikke afgøre den (fire øjne)" in refused.text
    assert _grant(web, grant).status == "proposed"
    caseworker = client_for(web, "caseworker", "casework")
    done = caseworker.post(f"/bevillinger/{grant}/afgoer", follow_redirects=False,
                           data={"krav": "level:caseworker", "decision": "approve"})  # fmt: skip
    assert done.status_code == 303
    assert _grant(web, grant).status == "approved"


def test_the_paying_chief_approves_and_another_rejects(web: FastAPI, solution: int) -> None:
    leader = _leader(web)
    foster = _propose(leader, solution, ANNA, FOSTER)
    mentor = _propose(leader, solution, CLARA, MENTOR)
    chief = _chief(web)
    page = chief.get(f"/bevillinger/{foster}")
    assert "Afgør bevillingen" in page.text
    approved = chief.post(
        f"/bevillinger/{foster}/afgoer",
        follow_redirects=False,
        data={"krav": ["level:committee", "area:children"], "decision": "approve", "reason": "Ok"},
    )
    assert approved.status_code == 303
    shown = chief.get(f"/bevillinger/{foster}")
    assert "Bevillingen er nu bevilget" in shown.text
    assert _grant(web, foster).status == "approved"
    with web.state.sessions() as session:
        total = session.scalar(select(func.sum(GrantCommitment.amount_ore))
                               .where(GrantCommitment.grant_id == foster))  # fmt: skip
    assert total == 306_000_00
    job = _chief(web, "job-chief")
    refused = job.post(f"/bevillinger/{mentor}/afgoer", data={"krav": "area:employment",
                                                             "decision": "reject"})  # fmt: skip
    assert refused.status_code == 422 and "Skriv begrundelsen for afslaget" in refused.text
    assert re.search(r'value="area:employment" class="form-checkbox" checked', refused.text)
    rejected = job.post(
        f"/bevillinger/{mentor}/afgoer",
        follow_redirects=False,
        data={
            "krav": "area:employment",
            "decision": "reject",
            "reason": "Mentor findes i forvejen",
        },
    )
    assert rejected.status_code == 303
    grant = _grant(web, mentor)
    assert (grant.status, grant.status_reason) == ("rejected", "Mentor findes i forvejen")
    assert "Mentor findes i forvejen" in job.get(f"/bevillinger/{mentor}").text


def test_the_inbox_lists_exactly_the_grants_waiting_for_the_chiefs_area(
    web: FastAPI, solution: int
) -> None:
    leader = _leader(web)
    foster = _propose(leader, solution, ANNA, FOSTER)
    mentor = _propose(leader, solution, CLARA, MENTOR)
    support = _propose(leader, solution, BO, SUPPORT)
    children = _chief(web).get("/indbakke")
    assert children.status_code == 200 and "Dit sektorområde: Udsatte børn og unge" in children.text
    assert _grant_links(_table(children.text, "Godkendelser for dit sektorområde")) == {foster}
    assert _grant_links(_table(children.text, "Afgørelser på et niveau")) == {foster, mentor}
    employment = _chief(web, "job-chief").get("/indbakke")
    assert _grant_links(_table(employment.text, "Godkendelser for dit sektorområde")) == {mentor}
    assert support not in _grant_links(employment.text)
    caseworker = client_for(web, "caseworker", "casework").get("/indbakke")
    assert _grant_links(_table(caseworker.text, "Afgørelser på et niveau")) == {support}
    # approved: gone from the inbox, committed on the children's budget per month
    _chief(web).post(
        f"/bevillinger/{foster}/afgoer",
        data={"krav": ["level:committee", "area:children"], "decision": "approve"},
    )
    after = _chief(web).get("/indbakke")
    assert foster not in _grant_links(_table(after.text, "Godkendelser for dit sektorområde"))
    committed = _table(after.text, "Forpligtet på dit budget")
    assert committed.count("51.000,00 kr.") == 6 and "januar 2026" in committed
    assert 'data-chart="chart-committed"' in after.text
    assert _grant_links(_table(after.text, "Bevillinger over loftet")) == {foster}


def test_the_statistical_purpose_sees_no_citizen(web: FastAPI, solution: int) -> None:
    leader = _leader(web)
    foster = _propose(leader, solution, ANNA, FOSTER)
    _chief(web).post(
        f"/bevillinger/{foster}/afgoer",
        data={"krav": ["level:committee", "area:children"], "decision": "approve"},
    )
    for role in ("solution_leader", "area_chief", "finance_consultant", "analyst"):
        client = client_for(web, role)
        for path in (f"/bevillinger?loesning={solution}", "/bevillinger", "/indbakke",
                     "/kompetenceplan"):  # fmt: skip
            page = client.get(path)
            assert page.status_code == 200, (role, path)
            assert ANNA not in page.text, (role, path)
        assert client.get(f"/bevillinger/{foster}").status_code == 403
        assert client.get(f"/bevillinger/ny?loesning={solution}").status_code == 403
    inbox = client_for(web, "area_chief").get("/indbakke")
    assert "Under statistisk formål vises kun de månedlige summer" in inbox.text
    committed = _table(inbox.text, "Forpligtet på dit budget")
    assert "51.000,00" not in committed and "Skjult: færre end 5" in committed


def test_a_view_is_logged_once_for_the_citizen(web: FastAPI, solution: int) -> None:
    leader = _leader(web)
    foster = _propose(leader, solution, ANNA, FOSTER)

    def seen() -> int:
        with web.state.sessions() as session:
            return (
                session.scalar(
                    select(func.count()).where(
                        AuditEntry.citizen == ANNA, AuditEntry.action == "bevilling_vist"
                    )
                )
                or 0
            )

    before = seen()
    leader.get(f"/bevillinger/{foster}")
    assert seen() == before + 1


def test_typed_values_are_kept_on_an_error(web: FastAPI, solution: int) -> None:
    leader = _leader(web)
    form = _form(ANNA, **MENTOR, justification="", expected_effect="Fast tilknytning til job")
    page = leader.post(f"/bevillinger/ny?loesning={solution}", data=form)
    assert page.status_code == 422
    assert 'id="justification-error"' in page.text
    assert 'value="40"' in page.text and "Fast tilknytning til job" in page.text
    assert re.search(r'<option value="LAB31" selected>', page.text)
    assert re.search(rf'<option value="citizen:{ANNA}" selected>', page.text)
    wrong = leader.post(f"/bevillinger/ny?loesning={solution}",
                        data=_form(ANNA, **MENTOR, start="2026-06-01", end="2026-01-01"))  # fmt: skip
    assert wrong.status_code == 422 and "Slutdatoen ligger før startdatoen" in wrong.text
    with web.state.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Grant)) == 0


def test_a_decision_made_first_by_someone_else_is_told_and_nothing_is_lost(
    web: FastAPI, solution: int
) -> None:
    leader = _leader(web)
    grant = _propose(leader, solution, ANNA, TREATMENT)  # the committee, no area's approval
    chief = _chief(web)
    assert "Afgør bevillingen" in chief.get(f"/bevillinger/{grant}").text
    with web.state.sessions() as session:  # the employment chief decides first
        other = access.actor_for(session, "job-chief", "casework")
        grant_decisions.decide(session, other, grant, True, "Godkendt på mødet")
        session.commit()
    late = chief.post(
        f"/bevillinger/{grant}/afgoer",
        data={"krav": "level:committee", "decision": "approve", "reason": "Min vurdering"},
    )
    assert late.status_code == 409
    assert "En anden har afgjort bevillingen før dig" in late.text
    assert "af job-chief" in late.text and "«Min vurdering»" in late.text
    assert _grant(web, grant).status == "approved"


def test_withdraw_and_end(web: FastAPI, solution: int) -> None:
    leader = _leader(web)
    foster = _propose(leader, solution, ANNA, FOSTER)
    mentor = _propose(leader, solution, CLARA, MENTOR)
    assert leader.post(f"/bevillinger/{mentor}/traek-tilbage", follow_redirects=False,
                       data={"withdraw_reason": "Fejl i indstillingen"}).status_code == 303  # fmt: skip
    assert _grant(web, mentor).status == "withdrawn"
    _chief(web).post(
        f"/bevillinger/{foster}/afgoer",
        data={"krav": ["level:committee", "area:children"], "decision": "approve"},
    )
    missing = leader.post(f"/bevillinger/{foster}/afslut", data={"ended_on": "31-13-2026",
                                                                 "end_reason": "Flyttet"})  # fmt: skip
    assert missing.status_code == 422 and "Flyttet" in missing.text
    ended = leader.post(f"/bevillinger/{foster}/afslut", follow_redirects=False,
                        data={"ended_on": "2026-03-31", "end_reason": "Flyttet"})  # fmt: skip
    assert ended.status_code == 303
    page = leader.get(f"/bevillinger/{foster}")
    assert "Afsluttet" in page.text and "153.000,00 kr." in page.text  # three months


def test_the_competence_plan_page(web: FastAPI) -> None:
    consultant = client_for(web, "finance_consultant")
    page = consultant.get("/kompetenceplan")
    assert page.status_code == 200
    assert "Koordinationsgruppen af fagchefer" in _table(page.text, "Niveauer og lofter")
    asked = consultant.get("/kompetenceplan?beregn=1&intervention=015025&monthly_amount=51.000"
                           "&start=2026-01-01&end=2026-06-30&paying=children")  # fmt: skip
    assert "går til «Visitationsudvalget (ugentligt)»" in asked.text
    assert "skal fagchefen for Udsatte børn og unge også godkende" in asked.text
    bad = consultant.get("/kompetenceplan?beregn=1&intervention=015025&monthly_amount=x"
                         "&start=2026-01-01&end=2026-06-30")  # fmt: skip
    assert bad.status_code == 422 and 'value="x"' in bad.text
    text = service.preset_plan_text().replace("total: 25000", "total: 30000")
    broken = consultant.post("/kompetenceplan/importer",
                             files={"fil": ("", b"", "application/yaml")},
                             data={"text": "levels: [", "note": "Prøve"})  # fmt: skip
    assert (
        broken.status_code == 422 and "levels: [" in broken.text and 'value="Prøve"' in broken.text
    )
    saved = consultant.post(
        "/kompetenceplan/importer",
        files={"fil": ("", b"", "application/yaml")},
        data={"text": text, "note": "Byrådet 2026"},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    assert "version 2" in consultant.get("/kompetenceplan").text
    assert consultant.get("/kompetenceplan/yaml").text == text
    refused = client_for(web, "caseworker").post("/kompetenceplan/importer",
                                                  files={"fil": ("", b"", "application/yaml")},
                                                  data={"text": text})  # fmt: skip
    assert refused.status_code == 403


def test_the_excel_of_each_page_opens(web: FastAPI, solution: int) -> None:
    leader = _leader(web)
    foster = _propose(leader, solution, ANNA, FOSTER)
    chief = _chief(web)
    chief.post(
        f"/bevillinger/{foster}/afgoer",
        data={"krav": ["level:committee", "area:children"], "decision": "approve"},
    )
    for client, path in ((leader, f"/bevillinger?loesning={solution}&format=xlsx"),
                         (leader, "/bevillinger?format=xlsx"),
                         (leader, f"/bevillinger/{foster}?format=xlsx"),
                         (chief, "/indbakke?format=xlsx"),
                         (client_for(web, "area_chief"), "/indbakke?format=xlsx"),
                         (leader, "/kompetenceplan?format=xlsx")):  # fmt: skip
        answer = client.get(path)
        assert answer.status_code == 200, path
        book = read_workbook(path, answer.content)
        assert not book.problems, (path, book.problems)
        assert book.sheets >= 1
    assert read_workbook("", chief.get("/indbakke?format=xlsx").content).charts == 1


def test_a_statistical_total_counts_each_citizen_once(settings) -> None:  # type: ignore[no-untyped-def]
    """Four citizens committed for six months are four behind the total, not 24: hidden. Six
    are shown; a seventh a visit later would give the seventh's amounts away: hidden too."""
    from tvaers.principles import published
    from tvaers.principles.inbox import CommittedMonth
    from tvaers.store.database import open_store
    from tvaers.web.pages.grants_tables import committed_table

    sessions = open_store(settings.store_url)

    def shown(count: int) -> list[object]:
        people = {("citizen", f"c{n}") for n in range(count)}
        rows = [CommittedMonth(date(2026, m, 1), 1, "Løsningen", "children", 51_000_00 * count,
                               count, count) for m in range(1, 7)]  # fmt: skip
        subjects = {(f"2026-{m:02d}", "Løsningen"): people for m in range(1, 7)}
        table = published.committed_table(sessions, "fagchef", "children", rows, subjects)
        return [r["amount"] for r in committed_table(rows, False, table).rows]

    assert shown(4) == [None] * 7  # six months and the total
    assert shown(6) == [Decimal("306000.00")] * 6 + [Decimal("1836000.00")]
    assert shown(7) == [None] * 7  # one more than shown before: the difference is one person


def test_a_new_offer_replaces_an_approved_one_by_kl_rules(web: FastAPI, solution: int) -> None:
    """KL's rule in the plan: an increase of at most 10 % of the current offer needs no new
    approval; the form offers the solution's approved grants to replace."""
    leader = _leader(web)
    first = _propose(leader, solution, BO, SUPPORT)
    caseworker = client_for(web, "caseworker", "casework")
    caseworker.post(f"/bevillinger/{first}/afgoer",
                    data={"krav": "level:caseworker", "decision": "approve"})  # fmt: skip
    assert _grant(web, first).status == "approved"
    form = leader.get(f"/bevillinger/ny?loesning={solution}")
    assert f'<option value="{first}">Nr. {first}: ' in form.text
    monthly = _grant(web, first).monthly_ore
    more = f"{monthly * 105 // 10000},{monthly * 105 // 100 % 100:02d}"  # 5 % more a month
    fields = {**SUPPORT, "units_per_month": "", "monthly_amount": more, "replaces": str(first)}
    second = _grant(web, _propose(leader, solution, BO, fields))
    assert (second.status, second.replaces_grant_id, second.requirements) == (
        "approved", first, [])  # fmt: skip
    refused = leader.post(f"/bevillinger/ny?loesning={solution}",
                          data=_form(BO, **{**fields, "replaces": "x"}))  # fmt: skip
    assert refused.status_code == 422 and "Vælg en bevilling fra listen" in refused.text
