"""Key figures per organisational level (issue 14, 003 §3.1) on a hand-made municipality
(``tests/fixtures/key_figures``), worked by hand:

* 12 citizens; citizens 1-6 draw 1.000 kr. a month on employment (Mentor) in January-March 2024
  and 1.200 kr. in January-March 2025; citizens 7-12 draw 2.000 kr. a month on children
  (Familiebehandling) in January-March 2025. The data end in March 2025.
* Activities: citizens 7-12 start Familiebehandling on 10 January 2025 (caseworker BF07), 7-11
  end it on 31 March; citizen 12 starts a second one on 15 March; citizens 1-5 start Mentor on
  1 February 2025 (JK01), after one that ended on 31 December 2024; citizen 6's Mentor runs
  since 2024.
* Budgets 2025: employment 100.000 kr., children 120.000 kr.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest
from fastapi import FastAPI

from tests.conftest import seeded_app
from tvaers.access import actor_for
from tvaers.core.config import Settings
from tvaers.core.errors import AccessRefused, NoData
from tvaers.core.periods import Month
from tvaers.core.suppression import TOTAL
from tvaers.draw.session import opened
from tvaers.followup import key_figures as kf
from tvaers.followup.report import Level
from tvaers.followup.report_service import budget_position, monthly_report
from tvaers.store.models import AuditEntry, LegalBasis
from tvaers.store.publications import publishing

MARCH = Month(2025, 3)
CPRS = [f"{d:02d}0385{1000 + d}" for d in range(1, 13)]


@pytest.fixture
def town(settings: Settings) -> Iterator[FastAPI]:
    app = seeded_app(settings, "key_figures")
    yield app
    app.state.engine.dispose()


def test_totals_against_last_year_and_the_trend(town: FastAPI, settings: Settings) -> None:
    with opened(settings) as analysis:
        assert kf.latest_month(analysis) == MARCH
        totals = {r.sector_area: r for r in kf.area_totals(analysis, MARCH)}
        trend = kf.trend(analysis, MARCH)
        february = kf.area_totals(analysis, Month(2025, 2))
    employment = totals["employment"]
    assert employment.name == "Beskæftigelse"
    assert employment.actual == Decimal("21600.00")  # 6 x 1.200 x 3
    assert employment.last_year == Decimal("18000.00")  # 6 x 1.000 x 3
    assert employment.change == Decimal("3600.00")
    assert employment.change_share == pytest.approx(0.2)
    children = totals["children"]
    assert (children.actual, children.last_year, children.change_share) == (
        Decimal("36000.00"), Decimal("0.00"), None)  # fmt: skip
    assert (totals[TOTAL].actual, totals[TOTAL].last_year) == (Decimal("57600.00"),
                                                              Decimal("18000.00"))  # fmt: skip
    assert february[-1].actual == Decimal("38400.00")  # January and February only
    assert [(r.name, r.this_year, r.last_year) for r in trend[:4]] == [
        ("januar", Decimal("19200.00"), Decimal("6000.00")),
        ("februar", Decimal("19200.00"), Decimal("6000.00")),
        ("marts", Decimal("19200.00"), Decimal("6000.00")),
        ("april", None, Decimal("0.00")),  # last April is in the data: nothing spent
    ]
    assert len(trend) == 12


def test_cost_per_citizen_and_intake_and_outflow(town: FastAPI, settings: Settings) -> None:
    sessions = town.state.sessions
    with opened(settings) as analysis:
        cost = publishing(sessions, "test", None,
                          lambda ledger: kf.cost_per_citizen(analysis, MARCH, ledger))  # fmt: skip
        flow = publishing(sessions, "test", None,
                          lambda ledger: kf.intake_outflow(analysis, MARCH, ledger))  # fmt: skip
    by_area = {r.sector_area: r for r in cost}
    assert (by_area["employment"].citizens, by_area["employment"].draw) == (6, Decimal("21600.00"))
    assert by_area["employment"].per_citizen == Decimal("3600.00")
    assert by_area["children"].per_citizen == Decimal("6000.00")
    assert (by_area[TOTAL].citizens, by_area[TOTAL].per_citizen) == (12, Decimal("4800.00"))
    months = {r.month: r for r in flow}
    assert (months["2025-01"].started_citizens, months["2025-01"].started) == (6, 6)
    # March: one citizen (12) starts a second activity: hidden, and February with it (the line
    # of months would otherwise give it away); five citizens end theirs
    assert months["2025-03"].started_citizens is None
    assert months["2025-03"].started_note == "Skjult: færre end 5 borgere"
    assert months["2025-02"].started_citizens is None
    assert (months["2025-03"].ended_citizens, months["2025-03"].ended) == (5, 5)
    assert months["2025-01"].ended_citizens == 0
    # in all: 11 distinct citizens started 12 activities; 5 ended 5
    assert (months[TOTAL].started_citizens, months[TOTAL].started) == (11, 12)
    assert (months[TOTAL].ended_citizens, months[TOTAL].ended) == (5, 5)


def test_the_budget_as_of_the_month(town: FastAPI, settings: Settings) -> None:
    with town.state.sessions() as session, opened(settings) as analysis:
        areas, total = budget_position(analysis, settings, session, MARCH)
        february, _ = budget_position(analysis, settings, session, Month(2025, 2))
    children = next(a for a in areas if a.sector_area == "children")
    assert (children.budget, children.actual_ytd, children.budget_ytd) == (
        Decimal("120000.00"), Decimal("36000.00"), Decimal("30000.00"))  # fmt: skip
    assert (children.year_end, children.deviation) == (Decimal("144000.00"), Decimal("24000.00"))
    employment = next(a for a in areas if a.sector_area == "employment")
    assert (employment.year_end, employment.deviation) == (Decimal("86400.00"),
                                                           Decimal("-13600.00"))  # fmt: skip
    assert (total.name, total.budget, total.actual_ytd) == ("I alt", Decimal("220000.00"),
                                                           Decimal("57600.00"))  # fmt: skip
    in_february = next(a for a in february if a.sector_area == "children")
    assert (in_february.actual_ytd, in_february.covered) == (Decimal("24000.00"), 2)


def test_a_month_outside_the_data_is_refused_in_danish(town: FastAPI, settings: Settings) -> None:
    with opened(settings) as analysis:
        with pytest.raises(NoData, match="Data dækker ikke april 2025"):
            kf.checked_month(analysis, 2025, 4)
        with pytest.raises(NoData, match="Måned 13 findes ikke"):
            kf.checked_month(analysis, 2025, 13)
        assert kf.checked_month(analysis, 2024, 6) == Month(2024, 6)


def test_a_caseworker_sees_only_their_own_cases_with_a_basis(town: FastAPI,
                                                            settings: Settings) -> None:  # fmt: skip
    from tests.conftest import PASSWORD
    from tvaers.store import users

    pseudonym = _pseudonyms(settings)
    with town.state.sessions() as session:
        users.add(session, "bf07", "Bente Familierådgiver", "caseworker", PASSWORD)
        for number in (7, 8, 9, 12):
            session.add(LegalBasis(citizen=pseudonym[number], kind="consent", reference="j.nr. 1",
                                   valid_from=date(2025, 1, 1), recorded_by="bf07"))  # fmt: skip
        session.commit()
        statistical = actor_for(session, "bf07", "statistical")
        with pytest.raises(AccessRefused):
            monthly_report(settings, town.state.sessions, session, statistical, Level.CASEWORKER)
        actor = actor_for(session, "bf07", "casework")
        report = monthly_report(settings, town.state.sessions, session, actor, Level.CASEWORKER)
        session.commit()
        logged = session.query(AuditEntry).filter(AuditEntry.actor == "bf07").all()
        other = actor_for(session, "caseworker", "casework")
        theirs = monthly_report(settings, town.state.sessions, session, other, Level.CASEWORKER)
    table, due = report.tables
    rows = table.records()
    # open in March: 7-12's Familiebehandling and 12's second; 10 and 11 have no basis
    assert sorted((r["citizen"], r["new"], r["ending"]) for r in rows) == sorted([
        (pseudonym[7], False, True), (pseudonym[8], False, True), (pseudonym[9], False, True),
        (pseudonym[12], False, False), (pseudonym[12], True, False),
    ])  # fmt: skip
    assert [r["start_date"] for r in rows] == [date(2025, 1, 10)] * 4 + [date(2025, 3, 15)]
    assert any("2 borger(e) vises ikke" in note for note in table.notes)
    listed = {e.citizen for e in logged if e.citizen}
    assert listed == {pseudonym[7], pseudonym[8], pseudonym[9], pseudonym[12]}
    assert table.chart is not None
    # their deadlines at the month's end: the first follow-up of 7, 8, 9 and 12's activity from
    # 10 January is due on 10 April (12's from 15 March only in June: not yet)
    assert sorted((r["citizen"], r["due_on"], r["status"]) for r in due.records()) == sorted(
        (pseudonym[n], date(2025, 4, 10), "Forfalder") for n in (7, 8, 9, 12)
    )
    assert [p["open"] for p in table.chart.rows] == [6, 6, 7]  # January, February, March
    assert [t.records() for t in theirs.tables] == [[], []]  # no cases, no deadlines
    assert theirs.tables[0].records() == []  # «caseworker» has no cases in the data


def _pseudonyms(settings: Settings) -> dict[int, str]:
    from tvaers.core.cpr import Pseudonymiser

    maker = Pseudonymiser(settings.key_bytes)
    return {n: maker.pseudonym(cpr) for n, cpr in enumerate(CPRS, start=1)}


def test_every_level_has_its_tables_and_charts(town: FastAPI, settings: Settings) -> None:
    with town.state.sessions() as session:
        analyst = actor_for(session, "analyst", "statistical")
        top = monthly_report(settings, town.state.sessions, session, analyst, Level.DIRECTORATE)
        area = monthly_report(settings, town.state.sessions, session, analyst, Level.AREA, 2025, 2)
    # no solution has citizens enrolled, so no result goals; the forecast of the whole areas last
    assert [t.name for t in top.tables] == ["udgift", "udvikling", "tilgang", "indskrivning",
                                            "budget", "pr_borger", "prognose"]  # fmt: skip
    assert [t.chart.kind for t in top.tables if t.chart] == ["ordered", "bar", "bar", "bar"]
    assert top.title == "Nøgletal: Direktion og politikere, marts 2025"
    assert [t.name for t in area.tables] == ["budget", "afvigelser", "udgift", "pr_borger",
                                             "followups_by_team", "prognose"]  # fmt: skip
    assert area.month == Month(2025, 2)


def test_the_directorate_sees_each_solutions_result_goals(
    town: FastAPI, settings: Settings
) -> None:
    """The twelve citizens enrolled in a solution with Furesø's three goals for 2025: its goals
    table (figure II) is in the directorate's report, after the totals and the trend."""
    from sqlalchemy import select

    from tvaers.followup import goals
    from tvaers.store.models import Enrolment, Solution

    pseudonym = _pseudonyms(settings)
    with town.state.sessions() as session:
        solution = session.scalars(select(Solution).order_by(Solution.id)).first()
        assert solution is not None
        for citizen in pseudonym.values():
            session.add(Enrolment(solution_id=solution.id, unit="citizen", subject=citizen,
                                  enrolled_on=date(2025, 1, 1), enrolled_by="solution-leader"))  # fmt: skip
        leader = actor_for(session, "solution-leader", "statistical")
        goals.set_presets(session, leader, solution.id, 2025)
        session.commit()
        analyst = actor_for(session, "analyst", "statistical")
        report = monthly_report(settings, town.state.sessions, session, analyst, Level.DIRECTORATE)
        name = solution.name
    names = [t.name for t in report.tables]
    assert names[:3] == ["udgift", "udvikling", f"maal_{solution.id}"]
    table = report.tables[2]
    assert table.title == f"Resultatmål 2025: {name}"
    assert len(table.records()) == 3  # Furesø's three goals
    flow = {r["month"]: r for r in report.tables[names.index("indskrivning")].records()}
    # twelve enrolled in January, none discharged; February and March published as 0
    assert (flow["2025-01"]["started_citizens"], flow["2025-01"]["started"]) == (12, 12)
    assert [flow[m]["started_citizens"] for m in ("2025-02", "2025-03")] == [0, 0]
    assert flow[TOTAL]["started_citizens"] == 12 and flow[TOTAL]["ended_citizens"] == 0
