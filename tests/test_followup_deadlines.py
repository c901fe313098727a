"""Follow-up deadlines (issue 14, acceptance 4): a new grant or activity is followed up within 3
months, then at least yearly; overdue follow-ups appear exactly when due — the day before, on
and after the 3-month and the yearly mark, with starts on month ends (31 January, 31 May,
31 August, 30 November) and in leap years (30 November 2027 → 29 February 2028; a follow-up on
29 February 2028 → 28 February 2029) — through the pure rule and through ``tvaers followup``
end to end on SQLite and PostgreSQL, as a real user with a basis per citizen, audited."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from tvaers.cli import app
from tvaers.core.config import Settings
from tvaers.core.cpr import Pseudonymiser
from tvaers.data.importer import import_folder
from tvaers.followup.deadlines import (
    Deadline,
    FollowUpError,
    Form,
    Outcome,
    add_months,
    check_followup,
    deadline,
)
from tvaers.store.database import make_engine, sessions
from tvaers.store.models import AuditEntry
from tvaers.store.models_followup import FollowUp

from .conftest import FIXTURES, TEST_KEY, add_cli_users

runner = CliRunner()
DAY = timedelta(days=1)

# --- the pure rule ----------------------------------------------------------------------------

FIRST_MARKS = [
    (date(2025, 1, 31), date(2025, 4, 30)),  # April has 30 days: its last
    (date(2025, 5, 31), date(2025, 8, 31)),  # August has 31: the same day
    (date(2025, 8, 31), date(2025, 11, 30)),
    (date(2025, 11, 30), date(2026, 2, 28)),  # not a leap year
    (date(2027, 11, 30), date(2028, 2, 29)),  # a leap year
    (date(2024, 2, 29), date(2024, 5, 29)),
]


@pytest.mark.parametrize(("start", "due"), FIRST_MARKS)
def test_first_follow_up_is_due_three_months_after_the_start(start: date, due: date) -> None:
    assert add_months(start, 3) == due
    before, on, after = due - DAY, due, due + DAY
    for day, overdue in ((before, False), (on, False), (after, True)):
        found = deadline(start, day)
        assert found == Deadline(due, first=True)
        assert found.overdue(day) is overdue
        assert found.days_overdue(day) == (1 if overdue else 0)
    assert deadline(start, start - DAY) is None  # not started yet


@pytest.mark.parametrize(
    ("latest", "due"),
    [
        (date(2028, 2, 29), date(2029, 2, 28)),  # a leap day: the next year's last of February
        (date(2025, 8, 31), date(2026, 8, 31)),
        (date(2026, 1, 31), date(2027, 1, 31)),
    ],
)
def test_then_yearly_after_the_latest_follow_up(latest: date, due: date) -> None:
    start = date(2025, 1, 31)
    assert add_months(latest, 12) == due
    for day, overdue in ((due - DAY, False), (due, False), (due + DAY, True)):
        found = deadline(start, day, latest)
        assert found == Deadline(due, first=False)
        assert found.overdue(day) is overdue


def test_an_early_first_follow_up_starts_the_yearly_rhythm_from_its_day() -> None:
    assert deadline(date(2025, 1, 31), date(2025, 3, 1), date(2025, 2, 15)) == Deadline(
        date(2026, 2, 15), first=False
    )


def test_a_stopped_or_ended_case_has_no_deadline() -> None:
    start = date(2025, 11, 30)
    assert deadline(start, date(2026, 6, 30), ended_on=date(2026, 6, 30)) is not None
    assert deadline(start, date(2026, 7, 1), ended_on=date(2026, 6, 30)) is None
    assert deadline(start, date(2026, 3, 1), date(2026, 2, 1), stopped=True) is None


def test_due_soon_counts_the_due_date() -> None:
    found = Deadline(date(2026, 2, 28), first=True)
    assert found.due_within(date(2026, 1, 29), 30) and not found.due_within(date(2026, 1, 28), 30)
    assert not found.due_within(date(2026, 3, 1), 30)  # overdue, not due


def test_a_follow_up_is_refused_in_danish() -> None:
    start, today = date(2025, 5, 31), date(2025, 9, 1)
    assert check_followup(start, start, today, "Hjemmebesøg", "stop") == (
        Form.HOME_VISIT,
        Outcome.STOP,
    )
    with pytest.raises(FollowUpError, match="fremtiden"):
        check_followup(start, today + DAY, today, "meeting", "continue")
    with pytest.raises(FollowUpError, match="før indsatsen startede"):
        check_followup(start, start - DAY, today, "meeting", "continue")
    with pytest.raises(FollowUpError, match="«brev» er ikke en form"):
        check_followup(start, today, today, "brev", "continue")
    with pytest.raises(FollowUpError, match="«pause» er ikke et udfald"):
        check_followup(start, today, today, "meeting", "pause")


# --- end to end: tvaers followup on both databases --------------------------------------------

JOBCENTER, FAMILY_1, FAMILY_2, CARE, ADULT, LEAP = (
    "1503851236", "1207154007", "0202861118", "0303184012", "2505901122", "1010703344",
)  # fmt: skip
SINCE = "2024-03-01"  # after the leap-day case of the citizen without a basis


@pytest.fixture
def town(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """The follow-up fixture (activities starting on month ends and leap days), the CLI's users,
    bases for every citizen but ``LEAP``; «today» in 2029 so that follow-ups in 2028 can be
    recorded."""
    import_folder(FIXTURES / "followup", settings)
    add_cli_users(settings)
    monkeypatch.setattr("tvaers.core.periods.today", lambda: date(2029, 6, 1))
    for cpr in (JOBCENTER, FAMILY_1, FAMILY_2, CARE, ADULT):
        result = tvaers(settings, "basis", "add", "--citizen", pseudonym(cpr), "--kind",
                        "consent", "--reference", "Samtykke j.nr. 27.00.00-1", "--valid-from",
                        "2024-01-01", "--user", "caseworker")  # fmt: skip
        assert result.exit_code == 0, result.output
    return settings


def pseudonym(cpr: str) -> str:
    return Pseudonymiser(TEST_KEY.encode()).pseudonym(cpr)


def tvaers(settings: Settings, *args: str) -> Any:
    env = {"TVAERS_HOME": str(settings.home), "TVAERS_PSEUDONYM_KEY": TEST_KEY,
           "TVAERS_DATABASE_URL": settings.database_url, "TVAERS_LOG_LEVEL": "WARNING",
           "TVAERS_USER": ""}  # fmt: skip
    return runner.invoke(app, list(args), env=env)


def due(settings: Settings, day: date, *extra: str) -> dict[str, dict[str, Any]]:
    """The cases listed as of ``day`` with nothing «due soon» (``--soon 0``): citizen -> row."""
    result = tvaers(settings, "followup", "due", "--as-of", day.isoformat(), "--since", SINCE,
                    "--soon", "0", "--caseworker", "", "--format", "json", "--user",
                    "caseworker", *extra)  # fmt: skip
    assert result.exit_code == 0, result.output
    return {row["citizen"]: row for row in json.loads(result.stdout)["followups"]}


def record(settings: Settings, cpr: str, intervention: str, start: str, day: str,
           outcome: str = "continue", user: str = "caseworker") -> Any:  # fmt: skip
    return tvaers(settings, "followup", "record", "--citizen", pseudonym(cpr), "--intervention",
                  intervention, "--started-on", start, "--date", day, "--form", "meeting",
                  "--outcome", outcome, "--user", user)  # fmt: skip


def assert_appears_exactly_on(settings: Settings, cpr: str, mark: date, first: bool) -> None:
    """Not listed the day before the mark; listed as due on it; overdue (1 day) after it."""
    who = pseudonym(cpr)
    assert who not in due(settings, mark - DAY)
    on = due(settings, mark)[who]
    assert (on["status"], on["due_on"], on["days_overdue"]) == ("Forfalder", mark.isoformat(), 0)
    after = due(settings, mark + DAY)[who]
    assert (after["status"], after["days_overdue"]) == ("Overskredet", 1)
    assert after["kind"] == ("Første (3 mdr.)" if first else "Årlig")


def test_the_three_month_marks_end_to_end(town: Settings) -> None:
    for cpr, mark in (
        (JOBCENTER, date(2025, 4, 30)),
        (FAMILY_1, date(2025, 8, 31)),
        (FAMILY_2, date(2025, 11, 30)),
        (ADULT, date(2026, 2, 28)),
        (CARE, date(2028, 2, 29)),
    ):
        assert_appears_exactly_on(town, cpr, mark, first=True)


def test_the_yearly_mark_from_a_leap_day_end_to_end(town: Settings) -> None:
    assert record(town, CARE, "015025", "2028-02-29", "2028-02-29").exit_code == 1  # no such case
    done = record(town, CARE, "015025", "2027-11-30", "2028-02-29")
    assert done.exit_code == 0, done.output
    assert "Næste opfølgning senest 28. februar 2029" in " ".join(done.output.split())
    assert pseudonym(CARE) not in due(town, date(2028, 3, 1))  # followed up on the due date
    assert_appears_exactly_on(town, CARE, date(2029, 2, 28), first=False)


def test_a_stop_or_an_end_leaves_no_deadline(town: Settings) -> None:
    assert pseudonym(ADULT) in due(town, date(2026, 6, 30))  # ends that day: still running
    assert pseudonym(ADULT) not in due(town, date(2026, 7, 1))
    assert pseudonym(JOBCENTER) in due(town, date(2025, 6, 1))
    assert record(town, JOBCENTER, "LAB31", "2025-01-31", "2025-05-15", "stop").exit_code == 0
    assert pseudonym(JOBCENTER) not in due(town, date(2025, 6, 1))
    assert pseudonym(JOBCENTER) in due(town, date(2025, 5, 14))  # as of before the stop


def test_recording_is_refused_in_danish_and_append_only(town: Settings) -> None:
    cases = [
        ("2029-06-02", "continue", "fremtiden"),
        ("2025-05-30", "continue", "før indsatsen startede"),
        ("2025-06-30", "pause", "«pause» er ikke et udfald"),
    ]
    for day, outcome, message in cases:
        result = record(town, FAMILY_1, "015011", "2025-05-31", day, outcome)
        assert result.exit_code == 1 and message in " ".join(result.output.split())
    refused = record(town, FAMILY_1, "015011", "2025-05-31", "2025-06-30", user="analyst")
    assert refused.exit_code == 1 and "Afvist" in refused.output
    no_basis = record(town, LEAP, "SEL85", "2024-02-29", "2024-05-01")
    assert no_basis.exit_code == 1 and "grundlag" in refused.output + no_basis.output
    assert record(town, FAMILY_1, "015011", "2025-05-31", "2025-08-31").exit_code == 0
    engine = make_engine(town.store_url)
    with sessions(engine)() as session:
        rows = session.scalars(select(FollowUp)).all()
        assert [(r.followed_up_on, r.caseworker, r.recorded_by) for r in rows] == [
            (date(2025, 8, 31), "BF07", "caseworker")
        ]
        rows[0].note = "ændret"
        with pytest.raises(Exception, match="kun til tilføjelse"):
            session.commit()
    engine.dispose()


def test_the_list_needs_casework_and_a_basis_and_is_audited(town: Settings) -> None:
    args = ("followup", "due", "--as-of", "2025-09-01", "--since", SINCE, "--format", "json")
    analyst = tvaers(town, *args, "--user", "analyst")
    assert analyst.exit_code == 1 and "Afvist" in analyst.output
    statistical = tvaers(town, *args, "--user", "caseworker", "--purpose", "statistical")
    assert statistical.exit_code == 1 and "sagsbehandlingsformål" in statistical.output
    # the leap-day citizen has no basis: the caseworker VO03 sees none of their cases
    alone = tvaers(town, "followup", "due", "--as-of", "2024-06-01", "--since", "2024-01-01",
                   "--caseworker", "VO03", "--format", "json", "--user", "caseworker")  # fmt: skip
    assert alone.exit_code == 1 and "grundlag" in alone.output
    engine = make_engine(town.store_url)
    with sessions(engine)() as session:
        before = session.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc()).limit(1))
    listed = due(town, date(2025, 9, 1))
    assert set(listed) == {pseudonym(FAMILY_1), pseudonym(JOBCENTER)}
    with sessions(engine)() as session:
        entries = session.scalars(select(AuditEntry).where(AuditEntry.id > before)).all()
    engine.dispose()
    assert entries[0].action == "opfoelgningsfrister_eksporteret"
    assert {e.citizen for e in entries[1:]} == set(listed)
    assert all(e.actor == "caseworker" and e.purpose == "casework" for e in entries)
    assert all("Samtykke" in (e.basis or "") for e in entries[1:])


def test_a_caseworker_sees_their_own_cases_by_default(town: Settings) -> None:
    from tvaers.store import users

    engine = make_engine(town.store_url)
    with sessions(engine)() as session:
        users.add(session, "bf07", "Bo Frost", "caseworker", "korrekt-hest-batteri-hæfteklamme")
        session.commit()
    engine.dispose()
    result = tvaers(town, "followup", "due", "--as-of", "2025-12-01", "--since", SINCE,
                    "--format", "json", "--user", "bf07")  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)["followups"]
    assert {r["caseworker"] for r in rows} == {"BF07"} and len(rows) == 2


def test_counts_per_team_are_statistical_and_suppressed(town: Settings, tmp_path: Path) -> None:
    folder = town.home / "konfiguration"
    folder.mkdir(exist_ok=True)
    (folder / "teams.csv").write_text("sagsbehandler;team\nBF07;Team Familie\n")
    result = tvaers(town, "followup", "due", "--as-of", "2026-03-01", "--since", SINCE, "--by",
                    "team", "--format", "json")  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = {r["group"]: r for r in json.loads(result.stdout)["followups_by_team"]}
    assert set(rows) == {"Team Familie", "Jobcenter", "Voksenafdelingen", "I alt"}
    assert rows["Team Familie"]["overdue"] is None  # two cases: hidden
    assert "citizen" not in json.dumps(rows)
    (folder / "teams.csv").write_text("sagsbehandler;team\nBF07\n")
    bad = tvaers(town, "followup", "due", "--by", "team", "--format", "json")
    assert bad.exit_code == 1 and "linje 2" in " ".join(bad.output.split())


def test_an_approved_grant_is_a_case_on_its_solution_basis(town: Settings) -> None:
    """A grant of focus point 4 to the citizen without a basis of their own: shown on the
    solution's selection basis, its team the solution, its caseworker who proposed it; recorded
    on the same basis, with the grant named."""
    from tvaers.store.models import SelectionBasis, Solution
    from tvaers.store.models_principles import Grant

    engine = make_engine(town.store_url)
    with sessions(engine)() as session:
        solution = Solution(name="Unge på tværs", data={})
        session.add(solution)
        session.flush()
        session.add(SelectionBasis(solution_id=solution.id, kind="legal_basis", reference="§ 11 c",
                                   valid_from=date(2025, 1, 1), recorded_by="test"))  # fmt: skip
        session.add(Grant(
            solution_id=solution.id, unit="citizen", subject=pseudonym(LEAP), intervention="MENTOR",
            intervention_name="Mentor", sector_area="employment", granting="solution",
            paying="solution", monthly_ore=0, start_date=date(2025, 11, 30),
            end_date=date(2026, 11, 30), total_ore=0, per_year_ore=0, justification="-",
            expected_effect="-", level="team", level_name="Team", requirements=[], shares=[],
            status="approved", proposed_by="caseworker",
        ))  # fmt: skip
        session.commit()
    engine.dispose()
    who = pseudonym(LEAP)
    assert who not in due(town, date(2026, 2, 27))
    on = due(town, date(2026, 2, 28))[who]
    assert (on["status"], on["team"], on["caseworker"]) == (
        "Forfalder",
        "Unge på tværs",
        "caseworker",
    )
    assert on["basis"] == "Hjemmel i lovgivningen: § 11 c"
    assert due(town, date(2026, 3, 1))[who]["days_overdue"] == 1
    done = record(town, LEAP, "MENTOR", "2025-11-30", "2026-03-02")
    assert done.exit_code == 0, done.output
    assert who not in due(town, date(2026, 3, 3))
    assert who not in due(town, date(2026, 12, 1))  # the grant ended 30 November 2026
    engine = make_engine(town.store_url)
    with sessions(engine)() as session:
        row = session.scalars(select(FollowUp)).one()
        assert row.grant_id is not None and row.caseworker == "caseworker"
    engine.dispose()
