"""Result goals and progression (issue 14, Furesø) on a small municipality written out here, on
SQLite and PostgreSQL.

The solution's citizens in 2025 (postings January-December, so the period is the whole year):

=====  =========================  ===============================================================
who    enrolled                   outcomes (status on date)
=====  =========================  ===============================================================
C01    2025-01-15, open           benefit 2024-12-01; internship 02-10 and again 06-01; job 09-01
C02    2025-01-15, open           benefit 2024-12-01; internship 02-20; education 10-01
C03    2025-01-15, open           benefit 2024-12-01; internship 03-05; job 10-15
C04    2025-01-15, open           benefit 2024-12-01; internship 03-15; job 11-01
C05    2025-01-15, open           benefit 2024-12-01; internship 04-01; education 12-01
C06    2025-01-15, open           benefit 2024-12-01; internship 04-02
C07    2025-01-15, open           benefit 2024-12-01; internship 2025-01-10 (before enrolment)
C08    2025-01-15, open           benefit and job on 2024-12-01 (before the year)
C09    2025-01-15, open           benefit 2024-12-01
C10    2025-01-15, open           benefit 2024-12-01
C11    2024-06-01 .. 2025-03-31   job 2025-04-15 (after discharge)
C12    2024-01-01 .. 2024-12-31   internship 2025-05-01 (not in the solution in 2025)
C13    2025-11-01, open           (none)
=====  =========================  ===============================================================

The year's group: C01-C11 and C13 = 12 citizens (C12 left before it began); ten more citizens
of the town are never enrolled (so the group is not «everybody but one»).

Internship (first time, within each one's part of the year): C01 (Feb, not again in June), C02
(Feb), C03, C04 (Mar), C05, C06 (Apr) = 6; C07's is before enrolment, C12 is not in the group.
Cumulative: Jan 0, Feb 2, Mar 4, Apr-Dec 6. Job or education: C01 (Sep), C02, C03 (Oct), C04
(Nov), C05 (Dec) = 5; C08's is before the year, C11's after discharge. Cumulative: Sep 1, Oct 3,
Nov 4, Dec 5. Shares of 12: 6/12 = 50,00 %, 5/12 = 41,67 %. Against Furesø's goals: 15 % in job
or education reached (41,67 ≥ 15; 2 needed); 15 in job or education not (5); 50 in internship
is hidden: its six are the five in job or education and C06, one from a set shown before (the
goals are shown in the order of their codes, so job or education comes first).

Furesø's steps (newest status on or before the start / the end of each one's part of the
year; 1 benefit, 2 internship, 3 job or education, 0 none): C01-C05 1 → 3; C06 1 → 2; C07 2 → 2
(the internship of 10 January is before their start, 15 January); C08 3 → 3 (job and benefit
on one day: the higher); C09, C10 1 → 1; C11 0 → 0 (the job came after their end, 31 March);
C13 0 → 0. Forward 6, back 0, steady 6.

The staircase (interventions: A level 2, B level 4, C level 6, M none; highest level running on
the day): C01 B until 2025-03-31 then A: 4 → 2, down; C02 A, and C from 06-01: 2 → 6, up; C03 B
since 2024: 4 → 4; C04 M only: 0 → 0; C05 A from 02-01: 0 → 2, up; C06-C10 nothing: 0 → 0;
C11 C since 2024 (start 1 January, end 31 March): 6 → 6; C13 B from 12-01 (enrolled 11-01):
0 → 4, up. Up 3, down 1, steady 8.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import settings as settings_
from hypothesis import strategies as st
from sqlalchemy import select

from tvaers import access
from tvaers.core.config import Settings
from tvaers.core.cpr import Pseudonymiser
from tvaers.core.errors import AccessRefused
from tvaers.core.suppression import EARLIER_NOTE, TOTAL
from tvaers.data.importer import import_folder
from tvaers.draw.session import opened
from tvaers.followup import goals as goal_store
from tvaers.followup import results
from tvaers.followup.results_model import GoalError
from tvaers.store import users
from tvaers.store.database import make_engine, sessions, upgrade
from tvaers.store.models import AuditEntry, Enrolment, Solution

from .conftest import PASSWORD

CPR = {f"C{i:02d}": f"{i:02d}0180{1000 + i:04d}" for i in range(1, 14)}
OTHERS = [f"{i:02d}0290{2000 + i:04d}" for i in range(1, 11)]  # never enrolled
ENROLMENTS = {
    **{f"C{i:02d}": ("2025-01-15", None) for i in range(1, 11)},
    "C11": ("2024-06-01", "2025-03-31"),
    "C12": ("2024-01-01", "2024-12-31"),
    "C13": ("2025-11-01", None),
}
OUTCOMES = [
    *[(f"C{i:02d}", "2024-12-01", "benefit:kontanthjælp") for i in range(1, 11)],
    ("C01", "2025-02-10", "internship"), ("C01", "2025-06-01", "internship"),
    ("C01", "2025-09-01", "job"), ("C02", "2025-02-20", "internship"),
    ("C02", "2025-10-01", "education"), ("C03", "2025-03-05", "internship"),
    ("C03", "2025-10-15", "job"), ("C04", "2025-03-15", "internship"),
    ("C04", "2025-11-01", "job"), ("C05", "2025-04-01", "internship"),
    ("C05", "2025-12-01", "education"), ("C06", "2025-04-02", "internship"),
    ("C07", "2025-01-10", "internship"), ("C08", "2024-12-01", "job"),
    ("C11", "2025-04-15", "job"), ("C12", "2025-05-01", "internship"),
]  # fmt: skip
ACTIVITIES = [
    ("C01", "B", "2024-06-01", "2025-03-31"), ("C01", "A", "2025-04-01", ""),
    ("C02", "A", "2025-01-01", ""), ("C02", "C", "2025-06-01", ""),
    ("C03", "B", "2024-01-01", ""), ("C04", "M", "2025-01-01", ""),
    ("C05", "A", "2025-02-01", ""), ("C11", "C", "2024-01-01", ""),
    ("C13", "B", "2025-12-01", ""),
]  # fmt: skip
STEPS = {"C01": (1, 3), "C02": (1, 3), "C03": (1, 3), "C04": (1, 3), "C05": (1, 3),
         "C06": (1, 2), "C07": (2, 2), "C08": (3, 3), "C09": (1, 1), "C10": (1, 1),
         "C11": (0, 0), "C13": (0, 0)}  # fmt: skip
LEVELS = {"C01": (4, 2), "C02": (2, 6), "C03": (4, 4), "C04": (0, 0), "C05": (0, 2),
          "C06": (0, 0), "C07": (0, 0), "C08": (0, 0), "C09": (0, 0), "C10": (0, 0),
          "C11": (6, 6), "C13": (0, 4)}  # fmt: skip


def write_town(folder: Path, outcomes: list[tuple[str, str, str]] = OUTCOMES) -> Path:
    """The municipality of the module's docstring, as the files a municipality exports."""
    folder.mkdir(parents=True, exist_ok=True)
    levels = {"A": "2", "B": "4", "C": "6", "M": ""}
    files = {
        "sector_areas.csv": "sector_area,name\nadults,Udsatte voksne\n",
        "accounts.csv": "function_code,sector_area,name\n5.38.38,adults,Støtte\n",
        "interventions.csv": "intervention,name,sector_area,unit,function_code,staircase_level\n"
        + "".join(f"{c},Indsats {c},adults,hour,5.38.38,{lvl}\n" for c, lvl in levels.items()),
        "unit_prices.csv": "intervention,valid_from,price\n"
        + "".join(f"{c},2020-01-01,500.00\n" for c in levels),
        "citizens.csv": "cpr,birth_date\n"
        + "".join(f"{c},19{c[4:6]}-{c[2:4]}-{c[:2]}\n" for c in [*CPR.values(), *OTHERS]),
        "outcomes.csv": "cpr,date,status\n"
        + "".join(f"{CPR[w]},{d},{s}\n" for w, d, s in outcomes),
        "activities.csv": "cpr,intervention,start_date,end_date,units_per_month\n"
        + "".join(f"{CPR[w]},{c},{a},{b},10\n" for w, c, a, b in ACTIVITIES),
        "postings.csv": "posting_id,posting_date,amount,function_code,cpr,intervention,dranst\n"
        + "".join(f"P{m},2025-{m:02d}-28,1000.00,5.38.38,{CPR['C01']},A,1\n"
                  for m in range(1, 13)),
    }  # fmt: skip
    for name, content in files.items():
        (folder / name).write_text(content, "utf-8")
    return folder


def pseudonyms(settings: Settings) -> dict[str, str]:
    found = Pseudonymiser(settings.key_bytes)
    return {who: found.pseudonym(cpr) for who, cpr in CPR.items()}


def enrol(settings: Settings, solution_id: int, who: list[str] | None = None) -> None:
    names = pseudonyms(settings)
    engine = make_engine(settings.store_url)
    with sessions(engine)() as session:
        for person in who or list(ENROLMENTS):
            on, off = ENROLMENTS[person]
            session.add(Enrolment(
                solution_id=solution_id, unit="citizen", subject=names[person],
                enrolled_on=date.fromisoformat(on),
                discharged_on=date.fromisoformat(off) if off else None,
                enrolled_by="solution-leader",
            ))  # fmt: skip
        session.commit()
    engine.dispose()


def prepare(
    settings: Settings, folder: Path, outcomes: list[tuple[str, str, str]] = OUTCOMES
) -> int:
    """Import the town, add a user per role and a solution; its id."""
    import_folder(write_town(folder, outcomes), settings, user="test")
    engine = make_engine(settings.store_url)
    upgrade(engine)
    with sessions(engine)() as session:
        for role in ("solution_leader", "caseworker", "analyst"):
            users.add(session, role.replace("_", "-"), role.title(), role, PASSWORD)
        solution = Solution(name="Tværgående løsning i Testby", data={})
        session.add(solution)
        session.commit()
        found = solution.id
    engine.dispose()
    return found


@pytest.fixture
def town(settings: Settings, tmp_path: Path) -> tuple[Settings, int]:
    solution_id = prepare(settings, tmp_path / "data")
    enrol(settings, solution_id)
    return settings, solution_id


def set_furesoe(settings: Settings, solution_id: int) -> None:
    engine = make_engine(settings.store_url)
    with sessions(engine)() as session:
        actor = access.actor_for(session, "solution-leader", "statistical")
        goal_store.set_presets(session, actor, solution_id, 2025)
        session.commit()
    engine.dispose()


def _periods(settings: Settings, solution_id: int) -> list[Enrolment]:
    engine = make_engine(settings.store_url)
    with sessions(engine)() as session:
        found = list(session.scalars(select(Enrolment).where(
            Enrolment.solution_id == solution_id)))  # fmt: skip
        session.expunge_all()
    engine.dispose()
    return found


def test_each_citizen_reaches_moves_and_steps_exactly_as_worked_out(
    town: tuple[Settings, int],
) -> None:
    settings, solution_id = town
    set_furesoe(settings, solution_id)
    names = {p: w for w, p in pseudonyms(settings).items()}
    engine = make_engine(settings.store_url)
    with sessions(engine)() as session:
        specs = [results.spec_of(r) for r in goal_store.current(session, solution_id, 2025)]
    engine.dispose()
    with opened(settings) as analysis:
        rows = results.citizen_rows(analysis, _periods(settings, solution_id), specs, 2025)
    by = {names[r["citizen"]]: r for r in rows}
    assert sorted(by) == sorted(STEPS)  # C12 is not in 2025's group
    assert {w: (r["step_start"], r["step_end"]) for w, r in by.items()} == STEPS
    assert {w: (r["level_start"], r["level_end"]) for w, r in by.items()} == LEVELS
    assert (by["C11"]["start"], by["C11"]["stop"]) == (date(2025, 1, 1), date(2025, 3, 31))
    assert (by["C01"]["start"], by["C13"]["stop"]) == (date(2025, 1, 15), date(2025, 12, 31))
    directions = [r["level_direction"] for r in rows]
    assert (directions.count("up"), directions.count("down"), directions.count("steady")) == (
        3, 1, 8)  # fmt: skip
    internship = {w: r["reached"]["praktik"] for w, r in by.items() if r["reached"]["praktik"]}
    assert internship == {"C01": date(2025, 2, 10), "C02": date(2025, 2, 20),
                          "C03": date(2025, 3, 5), "C04": date(2025, 3, 15),
                          "C05": date(2025, 4, 1), "C06": date(2025, 4, 2)}  # fmt: skip
    job = {w for w, r in by.items() if r["reached"]["job_uddannelse"]}
    assert job == {"C01", "C02", "C03", "C04", "C05"}


def _published(settings: Settings, solution_id: int, user: str = "analyst") -> results.Results:
    engine = make_engine(settings.store_url)
    try:
        return results.goal_attainment(settings, sessions(engine), solution_id, 2025, user)
    finally:
        engine.dispose()


def test_the_published_goals_shares_and_months_against_furesoes_targets(
    town: tuple[Settings, int],
) -> None:
    settings, solution_id = town
    set_furesoe(settings, solution_id)
    found = _published(settings, solution_id)
    assert found.citizens == 12 and found.note is None
    goals = {g.goal: g for g in found.goals}
    share = goals["job_uddannelse_andel"]
    assert (share.reached, share.share, share.target_share, share.needed, share.attained) == (
        5, Decimal("41.67"), Decimal(15), 2, True)  # fmt: skip
    # internship's six are job or education's five and C06: shown beside them, they would tell
    # that exactly one reached internship but not job or education
    assert (goals["praktik"].reached, goals["praktik"].share, goals["praktik"].attained,
            goals["praktik"].note) == (None, None, None, EARLIER_NOTE)  # fmt: skip
    assert (goals["job_uddannelse"].reached, goals["job_uddannelse"].target_count,
            goals["job_uddannelse"].attained) == (5, 15, False)  # fmt: skip
    months = {(m.goal, m.month): m.reached for m in found.months}
    assert [months[("praktik", f"2025-{m:02d}")] for m in range(1, 13)] == [
        0, *[None] * 11]  # 2 and 4: fewer than five; 6: one from the five  # fmt: skip
    assert [months[("job_uddannelse", f"2025-{m:02d}")] for m in range(8, 13)] == [
        0, None, None, None, 5]  # fmt: skip
    # a second look (any user) shows the same: the same sets
    assert _published(settings, solution_id, "solution-leader") == found


def test_the_flows_are_suppressed_and_the_directions_with_them(
    town: tuple[Settings, int],
) -> None:
    settings, solution_id = town
    found = _published(settings, solution_id)
    assert found.goals == () and found.citizens == 12  # no goals yet: the flows all the same
    steps = {(f.start, f.end): f.citizens for f in found.flows if f.kind == results.STEPS}
    assert (steps[("1", TOTAL)], steps[(TOTAL, "3")], steps[(TOTAL, TOTAL)]) == (8, 6, 12)
    assert steps[("0", "3")] == 0  # an empty cell says nothing
    assert steps[("1", "2")] is None and steps[("3", "3")] is None  # one citizen each
    # 1 -> 3 (five) is hidden too: else 3 -> 3 would follow from the column's 6
    assert steps[("1", "3")] is None
    stairs = {(f.start, f.end): f.citizens for f in found.flows if f.kind == results.STAIRCASE}
    assert (stairs[("0", "0")], stairs[("0", TOTAL)], stairs[(TOTAL, "0")]) == (6, 8, 6)
    assert stairs[("4", "2")] is None and stairs[("0", "6")] == 0
    moves = {(m.kind, m.direction): m.citizens for m in found.movements}
    # the staircase: up 3 and down 1 are hidden, steady 8 shown (its hidden cells 4 -> 4 and
    # 6 -> 6 stay two unknowns); in the steps, up and steady would solve 1 -> 2 and 1 -> 3 with
    # the flow table, so both are hidden, and nobody moved down (0 is shown)
    assert moves == {
        ("trappe", "up"): None,
        ("trappe", "down"): None,
        ("trappe", "steady"): 8,
        ("trin", "up"): None,
        ("trin", "down"): 0,
        ("trin", "steady"): None,
    }


def test_a_group_of_fewer_than_five_and_one_close_to_a_group_shown_are_hidden(
    settings: Settings, tmp_path: Path
) -> None:
    solution_id = prepare(settings, tmp_path / "data")
    enrol(settings, solution_id, ["C01", "C02", "C03", "C04"])
    small = _published(settings, solution_id)
    assert small.citizens is None and small.goals == () and "færre end 5" in (small.note or "")
    enrol(settings, solution_id, [f"C{i:02d}" for i in range(5, 11)])
    ten = _published(settings, solution_id)
    assert ten.citizens == 10
    enrol(settings, solution_id, ["C13"])
    eleven = _published(settings, solution_id)  # one citizen from the ten shown
    assert eleven.citizens is None and eleven.note == EARLIER_NOTE and eleven.flows == ()


def _set_goals(settings: Settings, solution_id: int, *goals: tuple[str, str]) -> None:
    engine = make_engine(settings.store_url)
    with sessions(engine)() as session:
        leader = access.actor_for(session, "solution-leader", "statistical")
        for code, statuses in goals:
            goal_store.set_goal(session, leader, solution_id, 2025, code, code, statuses,
                                count="10")  # fmt: skip
        session.commit()
    engine.dispose()


def test_goals_whose_sets_differ_by_one_to_four_citizens_are_not_both_shown(
    settings: Settings, tmp_path: Path
) -> None:
    """The reviewer's differencing: a goal of overlapping statuses beside one shown before.
    Besides the town's outcomes, C06-C10 start a course on 1 May 2025 (five, none of them in
    job or education)."""
    course = [(f"C{i:02d}", "2025-05-01", "course") for i in range(6, 11)]
    solution_id = prepare(settings, tmp_path / "data", [*OUTCOMES, *course])
    enrol(settings, solution_id)
    # job or education {C01-C05}, the same under another goal, and the course {C06-C10}
    _set_goals(settings, solution_id, ("a_job", "job, education"),
               ("b_job_igen", "education, job"), ("c_kursus", "course"))  # fmt: skip
    first = {g.goal: (g.reached, g.note) for g in _published(settings, solution_id).goals}
    # equal sets reveal nothing; sets ten apart neither
    assert first == {"a_job": (5, None), "b_job_igen": (5, None), "c_kursus": (5, None)}
    # internship {C01-C06}: one from job or education's five, shown before under another goal
    _set_goals(settings, solution_id, ("d_praktik", "internship"))
    second = {g.goal: (g.reached, g.note) for g in _published(settings, solution_id).goals}
    assert second == {**first, "d_praktik": (None, EARLIER_NOTE)}
    months = {m.month: m.reached for m in _published(settings, solution_id).months
              if m.goal == "d_praktik"}  # fmt: skip
    assert set(months.values()) == {0, None}  # no month's six shown either


def test_goals_are_versions_set_by_solution_editors_refused_in_danish_and_audited(
    town: tuple[Settings, int],
) -> None:
    settings, solution_id = town
    engine = make_engine(settings.store_url)
    with sessions(engine)() as session:
        leader = access.actor_for(session, "solution-leader", "statistical")
        first = goal_store.set_goal(session, leader, solution_id, "2025", "praktik",
                                    "50 i praktik", "internship", count="50")  # fmt: skip
        same = goal_store.set_goal(session, leader, solution_id, 2025, "praktik", "50 i praktik",
                                   ["internship"], count=50)  # fmt: skip
        second = goal_store.set_goal(session, leader, solution_id, 2025, "praktik",
                                     "40 i praktik", "internship", count="40")  # fmt: skip
        session.commit()
        assert (first.changed, same.changed, second.changed) == (True, False, True)
        assert [(r.version, r.target_count) for r in goal_store.current(
            session, solution_id, 2025)] == [(2, 40)]  # fmt: skip
        entries = session.scalars(select(AuditEntry).where(
            AuditEntry.action == goal_store.ACTION)).all()  # fmt: skip
        assert [e.actor for e in entries] == ["solution-leader"] * 2
        for bad, message in (({"count": "50", "share": "15"}, "enten et antal"),
                             ({"share": "150"}, "mellem 0 og 100"),
                             ({"count": "fem"}, "ikke et helt antal")):  # fmt: skip
            with pytest.raises(GoalError, match=message):
                goal_store.set_goal(session, leader, solution_id, 2025, "x", "X", "job", **bad)
        with pytest.raises(GoalError, match="findes ikke i de indlæste udfald"):
            goal_store.set_goal(session, leader, solution_id, 2025, "x", "X", "arbejde",
                                count="1", known={"job"})  # fmt: skip
        caseworker = access.actor_for(session, "caseworker", "statistical")
        with pytest.raises(AccessRefused):
            goal_store.set_goal(session, caseworker, solution_id, 2025, "x", "X", "job",
                                count="1")  # fmt: skip
    engine.dispose()


@settings_(max_examples=150, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=12), min_size=9, max_size=9))
def test_no_hidden_flow_cell_follows_from_the_shown_cells_and_directions(cells: list[int]) -> None:
    """Any 3 × 3 flow table: each shown direction is its region's sum, and no hidden cell can
    be solved from the table's lines together with the shown directions' lines."""
    from tvaers.core.suppression import SuppressedTable, recoverable_cells
    from tvaers.followup.results_flows import DIRECTION, _region, _together
    from tvaers.followup.results_model import Direction

    counts = {(str(a), str(b)): cells[3 * i + j]
              for i, a in enumerate((0, 2, 4)) for j, b in enumerate((0, 2, 4))}  # fmt: skip
    moved = {d: sum(n for k, n in counts.items() if _region(k) is d) for d in Direction}
    table, ways = _together(counts, [], moved, [])
    lines, shown = list(table.lines), dict(table.cells)
    for d in Direction:
        cell = ways.cell(d.value)
        if cell.published:
            assert cell.count == moved[d]
            members = tuple(k for k in table.cells if _region(k) is d)
            shown[(DIRECTION, d.value)] = cell
            lines.append((members, (DIRECTION, d.value)))
    assert not recoverable_cells(SuppressedTable(table.axes, shown, tuple(lines)))


def test_the_published_figures_are_cached_until_the_goals_change(
    town: tuple[Settings, int],
) -> None:
    from tvaers.draw import cache

    settings, solution_id = town
    _set_goals(settings, solution_id, ("a_job", "job, education"))
    first = _published(settings, solution_id)
    entries = sorted(cache.folder(settings).glob(f"{results.RESULTS_KIND}-*.json"))
    assert len(entries) == 1  # the published figures, no citizen's row
    assert "citizen" not in entries[0].read_text("utf-8").replace('"citizens"', "")
    entries[0].write_text(entries[0].read_text("utf-8").replace(
        '"reached": 5', '"reached": 7'), "utf-8")  # fmt: skip
    again = _published(settings, solution_id, "solution-leader")
    assert [g.reached for g in again.goals] == [7]  # read from the entry, not computed again
    entries[0].unlink()
    assert _published(settings, solution_id) == first  # computed again: the same figures
    _set_goals(settings, solution_id, ("b_praktik", "internship"))
    changed = _published(settings, solution_id)
    assert [(g.goal, g.reached) for g in changed.goals] == [("a_job", 5), ("b_praktik", None)]
    assert len(list(cache.folder(settings).glob(f"{results.RESULTS_KIND}-*.json"))) == 2
