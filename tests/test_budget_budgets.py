"""Budgets per area and year, frames and budget against actual (issue 13): the imported budgets
taken over as versions (again changes nothing, on SQLite and PostgreSQL), a user's change as a
new version with who and why, audited; a frame's overspend flag and where to cover it under
firm steering by a small hand-worked example; the run-rate year end; the command line."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select
from typer.testing import CliRunner

from tvaers import access
from tvaers.anchoring import examples
from tvaers.budget import budgets, frames
from tvaers.budget.actuals import budget_vs_actual
from tvaers.budget.budgets import Imported
from tvaers.budget.frames import Cover, Flag, Position, Steering, steer
from tvaers.budget.model import BudgetError
from tvaers.budget.state import Basis
from tvaers.cli import app
from tvaers.core.config import Settings
from tvaers.core.errors import AccessRefused
from tvaers.data.importer import import_folder
from tvaers.draw.session import opened
from tvaers.store.database import make_engine, sessions, upgrade
from tvaers.store.models import AuditEntry, Solution
from tvaers.store.models_budget import BudgetVersion

from .conftest import CLI_USERS, FIXTURES, TEST_KEY, add_cli_users

D = Decimal
ALBERTSLUND = "Fælles om målet"


@pytest.fixture
def town(settings: Settings):  # type: ignore[no-untyped-def]
    """The mini municipality (its budgets.csv: three areas and Albertslund's solution on
    children for 2025), the example solutions and a user per role; a session on the store."""
    import_folder(FIXTURES / "mini", settings, user="indlaeser")
    engine = make_engine(settings.store_url)
    upgrade(engine)
    maker = sessions(engine)
    with maker() as session:
        examples.load(session)
        session.commit()
    add_cli_users(settings)
    with maker() as session:
        yield session
    engine.dispose()


def _actor(session, role: str) -> access.Actor:  # type: ignore[no-untyped-def]
    return access.actor_for(session, CLI_USERS[role], "statistical")


def _lines(session) -> dict[tuple, tuple]:  # type: ignore[no-untyped-def]
    return {
        (v.year, v.sector_area, v.solution_id, v.item): (v.amount_ore, v.version, v.source)
        for v in budgets.current(session)
    }


def test_imported_budgets_are_taken_over_once_and_a_change_is_a_new_version(
    settings: Settings, town
) -> None:  # type: ignore[no-untyped-def]
    session = town
    solution = session.scalars(select(Solution).where(Solution.name == ALBERTSLUND)).one()
    taken = budgets.synchronised(settings, session)
    assert (taken.added, taken.unmatched) == (4, ())
    assert _lines(session) == {
        (2025, "employment", None, ""): (100_000_000, 1, "import"),
        (2025, "children", None, ""): (250_000_000, 1, "import"),
        (2025, "adults", None, ""): (80_000_000, 1, "import"),
        (2025, "children", solution.id, ""): (15_000_000, 1, "import"),  # the solution's own
    }
    # «indlaeser» imported the data but is no Tværs user (an operating-system account, say):
    # the versions name the import, never the account
    assert {v.changed_by for v in budgets.versions(session)} == {"import nr. 1"}
    shown = {
        budgets.changed_by_text(v, budgets.usernames(session)) for v in budgets.versions(session)
    }
    assert shown == {"Indlæst fra data (import nr. 1)"}
    before = session.scalars(select(BudgetVersion)).all()
    rows = [Imported(2025, "employment", D("1000000.00"), None),
            Imported(2025, "children", D("2500000.00"), None)]  # fmt: skip
    assert budgets.take_over(session, rows).added == 0  # again: nothing changes
    assert len(session.scalars(select(BudgetVersion)).all()) == len(before)

    # a finance consultant raises children's budget: version 2, with who and why, audited
    consultant = _actor(session, "finance_consultant")
    change = budgets.set_budget(session, consultant, 2025, "children", D("2750000.00"),
                                note="Tillægsbevilling, byrådet 12/3")  # fmt: skip
    assert change.saved and change.version.version == 2
    assert budgets.take_over(session, rows).added == 0  # the unchanged import keeps it
    assert budgets.area_budgets(session, 2025)["children"] == D("2750000.00")
    again = budgets.set_budget(session, consultant, 2025, "children", D("2750000.00"))
    assert not again.saved and again.version.version == 2

    # a changed imported figure becomes version 3 from the import
    changed = [Imported(2025, "children", D("2600000.00"), None)]
    assert budgets.take_over(session, changed).added == 1
    history = budgets.history(session, 2025, "children")
    assert [(v.version, v.source, v.amount_ore) for v in history] == [
        (3, "import", 260_000_000),
        (2, "user", 275_000_000),
        (1, "import", 250_000_000),
    ]
    assert history[1].changed_by == "finance-consultant"
    assert history[1].note == "Tillægsbevilling, byrådet 12/3"
    session.commit()
    logged = session.scalars(select(AuditEntry).where(AuditEntry.action == "budget_sat")).all()
    assert len(logged) == 1 and logged[0].actor == "finance-consultant"
    assert logged[0].detail["before"] == "2500000.00"


def test_an_unknown_solution_in_the_import_is_named_not_taken_over(
    settings: Settings, town
) -> None:  # type: ignore[no-untyped-def]
    rows = [Imported(2025, "children", D("10.00"), "Findes ikke")]
    found = budgets.take_over(town, rows)
    assert (found.added, found.unmatched) == (0, ("Findes ikke",))


def test_a_solutions_cost_items_inside_and_outside_the_unit(settings: Settings, town) -> None:  # type: ignore[no-untyped-def]
    session = town
    solution = session.scalars(select(Solution).where(Solution.name == ALBERTSLUND)).one()
    consultant = _actor(session, "finance_consultant")
    budgets.set_budget(session, consultant, 2026, "children", D("400000"),
                       solution_id=solution.id, item="Familiebehandlere", inside=True)  # fmt: skip
    budgets.set_budget(session, consultant, 2026, "employment", D("120000,00".replace(",", ".")),
                       solution_id=solution.id, item="Mentor", inside=False)  # fmt: skip
    lines = budgets.solution_lines(session, 2026, solution.id)
    assert [(v.sector_area, v.item, v.inside, v.amount_ore) for v in lines] == [
        ("children", "Familiebehandlere", True, 40_000_000),
        ("employment", "Mentor", False, 12_000_000),
    ]
    assert budgets.area_budgets(session, 2026) == {}  # a solution's lines are not the area's


@pytest.mark.parametrize(
    ("kwargs", "says"),
    [
        ({"amount": D("10.005")}, "mere end to decimaler"),
        (
            {"area": "ukendt"},
            "findes ikke i de indlæste data. Vælg et af: Udsatte børn og unge, Voksne",
        ),
        ({"amount": D("-5000.00")}, "Et budget kan ikke være negativt"),
        ({"amount": D("9" * 30)}, "Beløbet er større end 100 mia. kr."),
        ({"item": "Borger 150385-1236"}, "Udgiftsposten ser ud til at indeholde et CPR-nummer"),
        ({"item": "x" * 201}, "Udgiftsposten har over 200 tegn"),
        ({"note": "x" * 4001}, "Bemærkningen har over 4.000 tegn"),
        ({"item": "Mentor"}, "hører til en løsnings eget budget"),
        ({"year": 1850}, "ligger ikke mellem"),
        ({"note": "Borger 150385-1236 flyttet"}, "CPR"),
    ],
)
def test_bad_input_is_refused_in_danish_and_saves_nothing(
    settings: Settings, town, kwargs, says: str
) -> None:  # type: ignore[no-untyped-def]
    session = town
    given = {"year": 2025, "area": "children", "amount": D("1.00"), **kwargs}
    known = {"children": "Udsatte børn og unge", "adults": "Voksne"}
    with pytest.raises(BudgetError, match=says):
        budgets.set_budget(session, _actor(session, "administrator"), given.pop("year"),
                           given.pop("area"), given.pop("amount"), known_areas=known, **given)  # fmt: skip
    assert session.scalars(select(BudgetVersion)).all() == []


def test_a_cost_item_is_inside_or_outside_and_an_area_may_be_named(
    settings: Settings, town
) -> None:  # type: ignore[no-untyped-def]
    session = town
    solution = session.scalars(select(Solution).where(Solution.name == ALBERTSLUND)).one()
    admin, known = _actor(session, "administrator"), {"children": "Udsatte børn og unge"}
    with pytest.raises(BudgetError, match="Vælg, om udgiftsposten «Mentor» ligger inden for"):
        budgets.set_budget(session, admin, 2025, "children", D("1.00"), solution_id=solution.id,
                           item="Mentor", known_areas=known)  # fmt: skip
    assert session.scalars(select(BudgetVersion)).all() == []
    found = budgets.set_budget(session, admin, 2025, "udsatte børn og unge", D("1.00"),
                               known_areas=known)  # fmt: skip
    assert found.version.sector_area == "children"
    for name, says in (("Ramme 150385-1236", "Rammens navn ser ud til at indeholde et CPR"),
                       ("x" * 201, "Rammens navn har over 200 tegn")):  # fmt: skip
        with pytest.raises(BudgetError, match=says):
            frames.set_frame(session, admin, 2025, name, "bred", ["children"], known_areas=known)
    frame, _ = frames.set_frame(session, admin, 2025, "R", "Håndfast", ["children"])
    assert frame.steering == "firm"
    with pytest.raises(BudgetError, match="Udsatte børn og unge ligger allerede i rammen «R»"):
        frames.set_frame(session, admin, 2025, "S", "broad", ["children"], known_areas=known)


def test_only_budget_editors_change_budgets_and_frames(settings: Settings, town) -> None:  # type: ignore[no-untyped-def]
    session = town
    for role in ("area_chief", "solution_leader", "caseworker", "analyst"):
        with pytest.raises(AccessRefused):
            budgets.set_budget(session, _actor(session, role), 2025, "children", D("1.00"))
        with pytest.raises(AccessRefused):
            frames.set_frame(session, _actor(session, role), 2025, "R", "firm", ["children"])
    assert session.scalars(select(BudgetVersion)).all() == []


# --- frames -----------------------------------------------------------------------------------


def test_firm_steering_flags_the_overspend_and_names_where_to_cover_it() -> None:
    """Hand-worked (mio. kr.): the firm frame «Det specialiserede område» holds children
    (budget 10,0, expected 11,2: overspend 1,2), adults (5,0 / 4,5: underspend 0,5) and
    disability (3,0 / 2,8: underspend 0,2). Children's 1,2 must be covered within the frame:
    adults can give 0,5, disability 0,2, and 1,2 − 0,5 − 0,2 = 0,5 cannot be covered there.
    The broad frame «Sundhed og ældre» (health 2,0 / 1,5; elderly 3,0 / 3,2) moves freely:
    health's 0,5 may be moved, the frame as a whole is 0,3 under budget, nothing is flagged.
    Employment (8,0 / 8,3) is in no frame: its 0,3 is for the whole budget."""
    m = D("1000000")
    positions = {a: Position(a, b * m, e * m) for a, b, e in [
        ("children", D("10.0"), D("11.2")), ("adults", D("5.0"), D("4.5")),
        ("disability", D("3.0"), D("2.8")), ("health", D("2.0"), D("1.5")),
        ("elderly", D("3.0"), D("3.2")), ("employment", D("8.0"), D("8.3"))]}  # fmt: skip
    found = steer(
        [("Det specialiserede område", Steering.FIRM, ["children", "adults", "disability"]),
         ("Sundhed og ældre", Steering.BROAD, ["health", "elderly"])],
        positions,
    )  # fmt: skip
    firm, broad = found.frames
    assert firm.flags == (
        Flag("children", "Det specialiserede område", D("1200000.0"),
             (Cover("adults", D("500000.0")), Cover("disability", D("200000.0"))),
             D("500000.0")),
    )  # fmt: skip
    assert firm.movable == ()  # firm: each area's budget holds
    assert broad.flags == ()
    assert broad.movable == (Cover("health", D("500000.0")),)
    assert broad.deviation == D("-300000.0")
    assert found.outside == (Flag("employment", None, D("300000.0"), (), D("300000.0")),)
    assert found.flag_of("adults") is None and found.frame_of("adults") is firm


ore = st.integers(0, 10**12).map(lambda n: D(n) / 100)


@given(st.lists(st.tuples(ore, ore), min_size=1, max_size=8), st.booleans())
def test_a_frame_accounts_for_every_krone_of_its_deviation(
    figures: list[tuple[D, D]], firm: bool
) -> None:
    """Any frame: what its areas may give (the underspends) and what cannot be covered within
    it add up exactly to the overspend whenever the frame as a whole overspends; a broad
    frame's flag is the frame's whole deviation, a firm frame flags every overspending area."""
    areas = {f"a{i}": Position(f"a{i}", b, e) for i, (b, e) in enumerate(figures)}
    steering = Steering.FIRM if firm else Steering.BROAD
    view = steer([("R", steering, list(areas))], areas).frames[0]
    over = sum((p.overspend for p in areas.values()), D(0))
    under = sum((p.underspend for p in areas.values()), D(0))
    assert over - under == view.deviation
    if firm:
        assert [f.sector_area for f in view.flags] == sorted(
            a for a, p in areas.items() if p.overspend > 0)  # fmt: skip
        for flag in view.flags:
            given = sum((c.amount for c in flag.covers), D(0))
            assert given == under and flag.uncovered == max(over - under, D(0))
    else:
        assert sum((c.amount for c in view.movable), D(0)) == under
        assert [f.overspend for f in view.flags] == ([view.deviation] if view.deviation > 0 else [])


def test_a_broad_frame_over_budget_as_a_whole_is_flagged() -> None:
    positions = {"a": Position("a", D("100.00"), D("180.00")),
                 "b": Position("b", D("100.00"), D("50.00"))}  # fmt: skip
    view = steer([("R", Steering.BROAD, ["a", "b"])], positions).frames[0]
    assert view.movable == (Cover("b", D("50.00")),)
    assert view.flags == (Flag("", "R", D("30.00"), (), D("30.00")),)


def test_frames_are_versioned_and_an_area_is_in_one_frame_a_year(settings: Settings, town) -> None:  # type: ignore[no-untyped-def]
    session = town
    admin = _actor(session, "administrator")
    frame, saved = frames.set_frame(session, admin, 2025, "Specialiseret", "firm",
                                    ["children", "adults"], "Budgetaftalen")  # fmt: skip
    assert saved and frame.version == 1
    _, saved = frames.set_frame(
        session, admin, 2025, "Specialiseret", "FIRM", ["adults", "children"]
    )
    assert not saved
    with pytest.raises(BudgetError, match="ligger allerede i rammen «Specialiseret»"):
        frames.set_frame(session, admin, 2025, "Anden", "broad", ["children"])
    with pytest.raises(BudgetError, match=r"Styringen «stram» findes ikke\. Vælg bred budgetramme"):
        frames.set_frame(session, admin, 2025, "Specialiseret", "stram", ["children"])
    frame, saved = frames.set_frame(session, admin, 2025, "Specialiseret", "broad", ["children"])
    assert saved and frame.version == 2
    assert [(f.name, f.steering, f.areas) for f in frames.frames(session, 2025)] == [
        ("Specialiseret", "broad", ["children"])
    ]
    assert [f.version for f in frames.frame_history(session, 2025)] == [2, 1]


# --- budget against actual --------------------------------------------------------------------


def test_run_rate_year_end_from_the_months_with_data(settings: Settings, town) -> None:  # type: ignore[no-untyped-def]
    """The mini municipality's postings cover January and February 2025. Children's operating
    expenditure (dranst 1): January 135.210,55, February 84.210,55; year to date 219.421,10;
    run rate 219.421,10 ÷ 2 × 12 = 1.316.526,60 against the budget 2.500.000,00: an
    underspend of 1.183.473,40; the budget to date is 2.500.000 × 2/12 = 416.666,67."""
    with opened(settings) as analysis:
        found = budget_vs_actual(analysis, 2025, {"children": D("2500000.00")}, Basis.GROSS)
    children = found.area("children")
    assert children is not None
    assert children.months[:3] == (D("135210.55"), D("84210.55"), None)
    assert children.actual_ytd == D("219421.10")
    assert children.year_end == D("1316526.60")
    assert children.deviation == D("-1183473.40") and not children.overspend
    assert children.budget_ytd == D("416666.67")
    employment = found.area("employment")
    assert employment is not None and employment.budget is None  # spent, but no budget given


# --- the command line -------------------------------------------------------------------------

runner = CliRunner()


def _tvaers(settings: Settings, *args: str):  # type: ignore[no-untyped-def]
    env = {"TVAERS_HOME": str(settings.home), "TVAERS_PSEUDONYM_KEY": TEST_KEY,
           "TVAERS_LOG_LEVEL": "WARNING", "TVAERS_USER": ""}  # fmt: skip
    if settings.database_url:
        env["TVAERS_DATABASE_URL"] = settings.database_url
    return runner.invoke(app, list(args), env=env)


def test_budget_and_frame_commands(settings: Settings, town) -> None:  # type: ignore[no-untyped-def]
    listed = _tvaers(settings, "budget", "list", "--year", "2025", "--format", "json")
    assert listed.exit_code == 0, listed.output
    lines = json.loads(listed.stdout)["lines"]
    assert {(r["sector_area"], r["solution"], r["amount"]) for r in lines} == {
        ("adults", None, 800000.0), ("children", None, 2500000.0),
        ("employment", None, 1000000.0), ("children", ALBERTSLUND, 150000.0)}  # fmt: skip

    refused = _tvaers(settings, "budget", "set", "--year", "2025", "--area", "adults",
                      "--amount", "100", "--user", CLI_USERS["area_chief"])  # fmt: skip
    assert refused.exit_code == 1 and "Afvist" in refused.output
    bad = _tvaers(settings, "budget", "set", "--year", "2025", "--area", "adults",
                  "--amount", "1,005", "--user", CLI_USERS["finance_consultant"])  # fmt: skip
    assert bad.exit_code == 1 and "hele øre" in " ".join(bad.output.split())
    # adults: 29.949,75 so far, run rate 179.698,50: an overspend of 79.698,50 on 100.000
    done = _tvaers(settings, "budget", "set", "--year", "2025", "--area", "adults",
                   "--amount", "100.000,00", "--note", "Omplaceret", "--user",
                   CLI_USERS["finance_consultant"])  # fmt: skip
    assert done.exit_code == 0 and "version 2" in done.output
    history = _tvaers(settings, "budget", "history", "--year", "2025", "--area", "adults",
                      "--format", "json")  # fmt: skip
    assert [(v["version"], v["amount"], v["changed_by"]) for v in
            json.loads(history.stdout)["versions"]] == [
        (2, 100000.0, "finance-consultant"), (1, 800000.0, "import nr. 1")]  # fmt: skip

    framed = _tvaers(settings, "frame", "set", "--year", "2025", "--name", "Det sociale",
                     "--steering", "firm", "--area", "adults", "--area", "children",
                     "--user", CLI_USERS["administrator"])  # fmt: skip
    assert framed.exit_code == 0, framed.output
    actual = _tvaers(settings, "budget", "actual", "--year", "2025", "--format", "json")
    found = json.loads(actual.stdout)
    adults = next(a for a in found["areas"] if a["sector_area"] == "adults")
    assert (adults["year_end"], adults["deviation"], adults["overspend"]) == (
        179698.5, 79698.5, True)  # fmt: skip
    # children: 2.500.000 − 1.316.526,60 = 1.183.473,40 to cover it within the frame
    assert found["flags"] == [{"sector_area": "adults", "frame": "Det sociale",
                               "overspend": 79698.5,
                               "covers": [{"sector_area": "children", "amount": 1183473.4}],
                               "uncovered": 0.0}]  # fmt: skip
    text = _tvaers(settings, "frame", "list", "--year", "2025")
    said = " ".join(text.output.split())
    assert "adults forventer et merforbrug på 79.698,50 kr." in said
    assert "mindreforbrug hos children 1.183.473,40 kr." in said


@pytest.mark.parametrize("store_url", ["postgresql"], indirect=True)
def test_two_at_once_take_the_import_over_once(settings: Settings, town) -> None:  # type: ignore[no-untyped-def]
    """Two requests taking the same imported budgets over at the same moment (PostgreSQL, two
    connections): the second waits for the first and then finds nothing to take over."""
    import threading

    from tvaers.budget.actuals import imported_budgets

    with opened(settings) as analysis:
        rows = imported_budgets(analysis)
    engine = make_engine(settings.store_url)
    maker, barrier, added = sessions(engine), threading.Barrier(2), []

    def take() -> None:
        with maker() as session:
            barrier.wait()
            added.append(budgets.take_over(session, rows).added)
            session.commit()

    threads = [threading.Thread(target=take) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    engine.dispose()
    assert sorted(added) == [0, 4]
    town.expire_all()
    assert [v.version for v in budgets.versions(town)] == [1, 1, 1, 1]


def test_a_hidden_month_says_which_figure_is_hidden_and_why() -> None:
    """Review 5: a solution's citizens and paid since enrolment were shown next to «Skjult:
    færre end 5 borgere», which read as a contradiction. The year's sum is the total less the
    months outside the year when those are shown; else the note names the hidden figures."""
    from tvaers.budget.area_view import _year_figures
    from tvaers.principles.who_pays import PayFigures

    def month(m: str, paid: str | None, note: str | None = None) -> PayFigures:
        value = None if paid is None else D(paid)
        return PayFigures("children", "Børn", None, m, None, value, value, value, note)

    total = PayFigures("children", "Børn", None, "I alt", 12, D("900"), D("900"), D("900"), None)
    hidden = month("2025-02", None, "Skjult: færre end 5 borgere")
    year = [month("2025-01", "300"), hidden]
    assert _year_figures(total, year, [month("2024-12", "100")], 2025) == (
        D("800"), D("800"), None)  # fmt: skip
    paid, committed, note = _year_figures(total, year, [month("2024-12", None, "Skjult")], 2025)
    assert (paid, committed) == (None, None)
    assert note == (
        "Betalt og disponeret i 2025 vises ikke, fordi en af årets måneder er skjult (færre end "
        "5 borgere). Borgere og betalt siden indskrivning gælder hele forløbet og vises."
    )
    assert _year_figures(total, [month("2025-01", "300")], [], 2025) == (D("300"), D("300"), None)
