"""Who grants and who pays through the command line (issue 12): VIVE's tables 4.1 and 4.2 as
``tvaers placement classify|list`` give them, exact splits by ``tvaers key split`` (examples and
a property), the competence plan's routing, and a grant's way from proposal to approval with
four eyes on the mini municipality — acting as real users, refused without one or under the
statistical purpose."""

from __future__ import annotations

import json
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from sqlalchemy import select
from typer.testing import CliRunner

from tvaers.anchoring import examples
from tvaers.cli import app
from tvaers.core.config import Settings
from tvaers.core.cpr import Pseudonymiser
from tvaers.core.money import format_dkk
from tvaers.data.importer import import_folder
from tvaers.principles import service
from tvaers.store.database import make_engine, sessions, upgrade
from tvaers.store.models import AuditEntry
from tvaers.store.models_principles import Grant

from .conftest import CLI_USERS, FIXTURES, TEST_KEY, add_cli_users, record_selection_basis
from .workbooks import read_workbook

runner = CliRunner()
FURESOE = "Tværgående løsning i Furesø"
CPR = "1503851236"  # the mini municipality's father, born 1985
CITIZEN = Pseudonymiser(TEST_KEY.encode()).pseudonym(CPR)

# VIVE table 4.1, rows = payment, columns = granting (DOMAIN.md §3.4), written out by hand:
# (paying, granting, classification)
TABLE_4_1 = [
    ("solution", "solution", "samlet"),
    ("solution", "shared", "delvist samlet"),
    ("solution", "areas", "adskilt"),
    ("shared", "solution", "delvist samlet"),
    ("shared", "shared", "delvist samlet"),
    ("shared", "areas", "delvist samlet"),
    ("areas", "solution", "adskilt"),
    ("areas", "shared", "delvist samlet"),
    ("areas", "areas", "samlet"),
]
# VIVE table 4.2: (solution, intervention type, granting, paying, classification); the seeds'
# in_solution/sector_areas are stored as solution/areas
TABLE_4_2 = {
    ("Fælles om målet", "", "areas", "areas", "samlet"),  # Albertslund (expected)
    ("Job og Familie", "familiebehandling", "solution", "solution", "samlet"),  # Assens
    ("Job og Familie", "dyrere indsatser", "shared", "areas", "delvist samlet"),
    (FURESOE, "", "solution", "areas", "adskilt"),
    ("Tværgående løsning i Helsingør", 'udgiftsposter "inde"', "solution", "solution", "samlet"),
    ("Tværgående løsning i Helsingør", 'udgiftsposter "ude"', "solution", "areas", "adskilt"),
    ("Familieplanen", "", "areas", "areas", "samlet"),  # Høje-Taastrup
}


def _env(town: Settings) -> dict[str, str]:
    env = {"TVAERS_HOME": str(town.home), "TVAERS_PSEUDONYM_KEY": TEST_KEY,
           "TVAERS_LOG_LEVEL": "WARNING", "TVAERS_USER": ""}  # fmt: skip
    if town.database_url:
        env["TVAERS_DATABASE_URL"] = town.database_url
    return env


def tvaers(town: Settings, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), env=_env(town))


def said(result) -> str:  # type: ignore[no-untyped-def]
    """What the command wrote (standard output and error), with Rich's line wrapping undone."""
    return " ".join(result.output.split())


def _prepared(settings: Settings) -> Settings:
    """The mini municipality, the five example solutions with their placements (table 4.2),
    a user per role and a selection basis for Furesø's solution."""
    import_folder(FIXTURES / "mini", settings, user="test")
    engine = make_engine(settings.store_url)
    upgrade(engine)
    with sessions(engine)() as session:
        examples.load(session)
        session.flush()
        service.load_example_placements(session)
        session.commit()
    engine.dispose()
    add_cli_users(settings)
    record_selection_basis(settings, FURESOE)
    return settings


@pytest.fixture(scope="module")
def town(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    home = tmp_path_factory.mktemp("principles_cli") / "home"
    return _prepared(Settings(home=home, pseudonym_key=TEST_KEY))


# --- tables 4.1 and 4.2 -----------------------------------------------------------------------


@pytest.mark.parametrize(("paying", "granting", "expected"), TABLE_4_1)
def test_table_4_1_every_cell_through_the_command(
    town: Settings, paying: str, granting: str, expected: str
) -> None:
    result = tvaers(town, "placement", "classify", "--granting", granting, "--paying", paying,
                    "--format", "json")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "granting": granting,
        "paying": paying,
        "classification": expected,
    }


def test_classify_speaks_danish_and_refuses_a_wrong_place(town: Settings) -> None:
    text = tvaers(town, "placement", "classify", "--granting", "solution", "--paying", "areas")
    assert text.exit_code == 0 and "adskilt" in said(text) and "tabel 4.1" in said(text)
    seeds = tvaers(town, "placement", "classify", "--granting", "in_solution",
                   "--paying", "sector_areas", "--format", "json")  # fmt: skip
    assert json.loads(seeds.stdout)["classification"] == "adskilt"
    wrong = tvaers(town, "placement", "classify", "--granting", "kommunen", "--paying", "areas")
    assert wrong.exit_code == 1
    assert "ikke en gyldig værdi for visitationen" in said(wrong)


def test_table_4_2_seven_placements_of_the_five_municipalities(town: Settings) -> None:
    result = tvaers(town, "placement", "list", "--format", "json")
    assert result.exit_code == 0, result.output
    # the examples' rows (another test here sets a placement of its own)
    rows = [r for r in json.loads(result.stdout)["placements"] if r["set_by"] == examples.ACTOR]
    found = {(r["solution"], r["intervention_type"], r["granting"], r["paying"],
              r["classification"]) for r in rows}  # fmt: skip
    assert len(rows) == 7 and found == TABLE_4_2
    expected = {r["solution"] for r in rows if r["expected"]}
    assert expected == {"Fælles om målet"}  # Albertslund's model was planned, not in operation
    one = tvaers(town, "placement", "list", "--solution", "Job og Familie", "--format", "json")
    assert {r["intervention_type"] for r in json.loads(one.stdout)["placements"]} == {
        "familiebehandling",
        "dyrere indsatser",
    }


def test_setting_a_placement_needs_a_user_who_may_edit_solutions(town: Settings) -> None:
    args = ["placement", "set", "--solution", "Familieplanen", "--type", "mentor",
            "--granting", "solution", "--paying", "areas", "--interventions", "LAB31"]  # fmt: skip
    nobody = tvaers(town, *args)
    assert nobody.exit_code == 1 and "Afvist" in said(nobody)
    caseworker = tvaers(town, *args, "--user", CLI_USERS["caseworker"])
    assert caseworker.exit_code == 1 and "kræver en af rollerne" in said(caseworker)
    leader = tvaers(town, *args, "--user", CLI_USERS["solution_leader"])
    assert leader.exit_code == 0, leader.output
    assert "adskilt" in said(leader)
    listed = json.loads(tvaers(town, "placement", "list", "--solution", "Familieplanen",
                               "--format", "json").stdout)["placements"]  # fmt: skip
    mentor = [r for r in listed if r["intervention_type"] == "mentor"]
    assert mentor[0]["interventions"] == "LAB31" and mentor[0]["set_by"] == "solution-leader"


# --- key split --------------------------------------------------------------------------------


def split(town: Settings, amount: str, *shares: str):  # type: ignore[no-untyped-def]
    args = ["key", "split", "--amount", amount, "--format", "json"]
    for share in shares:
        args += ["--share", share]
    return tvaers(town, *args)


def parts_of(result) -> tuple[Decimal, list[tuple[str, str, Decimal]]]:  # type: ignore[no-untyped-def]
    found = json.loads(result.stdout, parse_float=Decimal, parse_int=Decimal)
    assert set(found) == {"amount", "parts"}
    return found["amount"], [(p["sector_area"], p["share"], p["amount"]) for p in found["parts"]]


def test_a_hundred_kroner_by_thirds(town: Settings) -> None:
    result = split(town, "100", "children=1/3", "adults=1/3", "employment=1/3")
    assert result.exit_code == 0, result.output
    amount, parts = parts_of(result)
    assert amount == 100
    assert parts == [("children", "1/3", Decimal("33.34")), ("adults", "1/3", Decimal("33.33")),
                     ("employment", "1/3", Decimal("33.33"))]  # fmt: skip


def test_one_negative_ore_keeps_its_sign(town: Settings) -> None:
    amount, parts = parts_of(split(town, "-0.01", "children=1/3", "adults=1/3", "health=1/3"))
    assert amount == Decimal("-0.01")
    assert [p[2] for p in parts] == [Decimal("-0.01"), Decimal(0), Decimal(0)]


def test_percentages_and_a_danish_amount(town: Settings) -> None:
    amount, parts = parts_of(split(town, "1.234,57", "children=33.5%", "adults=66,5%"))
    assert amount == Decimal("1234.57")
    # 413,58095 and 820,98905: the øre left over goes to the larger remainder (adults)
    assert parts == [("children", "33.5%", Decimal("413.58")),
                     ("adults", "66,5%", Decimal("820.99"))]  # fmt: skip
    assert sum(p[2] for p in parts) == amount


def test_shares_not_summing_to_100_are_refused_in_danish(town: Settings) -> None:
    result = split(town, "100", "children=99%")
    assert result.exit_code == 1
    assert "summer til 99 %, ikke 100 %" in said(result)
    assert result.stdout == ""
    for bad in (["children=1/2", "adults=1/2", "health=1/2"], ["children"], ["children=x"]):
        refused = split(town, "100", *bad)
        assert refused.exit_code == 1 and "Fejl" in said(refused), bad
    assert split(town, "12,345", "children=100%").exit_code == 1  # finer than an øre


@st.composite
def shares(draw: st.DrawFn) -> list[str]:
    weights = draw(st.lists(st.integers(1, 1000), min_size=1, max_size=6))
    total = sum(weights)
    as_percent = draw(st.booleans()) and all((100 * w) % total == 0 for w in weights)
    return [
        f"area{i}={Fraction(100 * w, total)}%" if as_percent else f"area{i}={w}/{total}"
        for i, w in enumerate(weights)
    ]


@hsettings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ore=st.integers(-(10**13), 10**13), given_shares=shares(), danish=st.booleans())
def test_every_split_sums_to_the_amount(
    town: Settings, ore: int, given_shares: list[str], danish: bool
) -> None:
    amount = Decimal(ore) / 100
    text = format_dkk(amount, unit=False) if danish else f"{amount:.2f}"  # 1.234,56 or 1234.56
    result = split(town, text, *given_shares)
    assert result.exit_code == 0, result.output
    total, parts = parts_of(result)
    assert total == amount
    assert sum(p[2] for p in parts) == amount  # exact to the øre
    assert [p[0] for p in parts] == [s.split("=")[0] for s in given_shares]
    assert all(p[2] == 0 or (p[2] < 0) == (amount < 0) for p in parts)


# --- distribution keys ------------------------------------------------------------------------


def test_a_key_is_proposed_by_the_solution_and_approved_by_an_area_chief(
    town: Settings, tmp_path: Path
) -> None:
    leader, chief = CLI_USERS["solution_leader"], CLI_USERS["area_chief"]
    propose = ["key", "propose", "familiebehandling", "--solution", FURESOE, "--share",
               "children=1/2", "--share", "adults=50%", "--justification",
               "Familiebehandlingen hjælper både børn og forældre", "--valid-from", "01-01-2026"]  # fmt: skip
    wrong = tvaers(town, *propose[:-2], "--valid-from", "2026-01-01", "--share", "health=1/3",
                   "--user", leader)  # fmt: skip
    assert wrong.exit_code == 1 and "ikke 100 %" in said(wrong)
    assert tvaers(town, *propose, "--user", leader).exit_code == 0
    self_approval = tvaers(town, "key", "approve", "familiebehandling", "--version", "1",
                           "--user", leader)  # fmt: skip
    assert self_approval.exit_code == 1 and "Afvist" in said(self_approval)
    approved = tvaers(town, "key", "approve", "familiebehandling", "--version", "1", "--user",
                      chief)  # fmt: skip
    assert approved.exit_code == 0 and "godkendt" in said(approved), approved.output
    again = tvaers(town, "key", "reject", "familiebehandling", "--version", "1", "--reason",
                   "Nej", "--user", chief)  # fmt: skip
    assert again.exit_code == 1 and "allerede godkendt" in said(again)
    listed = json.loads(tvaers(town, "key", "list", "--format", "json").stdout)["keys"]
    mine = [k for k in listed if k["key"] == "familiebehandling"]
    assert [(k["version"], k["status"], k["shares"], k["solution"], k["valid_from"],
             k["decided_by"]) for k in mine] == [
        (1, "approved", "children 1/2, adults 50%", FURESOE, "2026-01-01", chief)]  # fmt: skip
    for what in ("key", "placement"):
        out = tmp_path / f"{what}.xlsx"
        assert tvaers(town, what, "list", "--out", str(out)).exit_code == 0
        book = read_workbook(f"{what} list", out.read_bytes())
        assert book.sheets == 1 and not book.problems, book.problems


# --- the competence plan ----------------------------------------------------------------------


def test_route_needs_a_plan_then_goes_to_the_lowest_covering_level(town: Settings) -> None:
    preset = tvaers(town, "plan", "preset")
    assert preset.exit_code == 0 and "levels:" in preset.stdout
    none = tvaers(town, "plan", "route", "--amount", "100", "--format", "json")
    assert none.exit_code == 1 and "ingen kompetenceplan" in said(none)  # none imported here
    file = town.home / "plan.yaml"
    file.write_text(preset.stdout, encoding="utf-8")
    at = tvaers(
        town, "plan", "route", "--amount", "25.000", "--file", str(file), "--format", "json"
    )
    above = tvaers(town, "plan", "route", "--amount", "25000.01", "--file", str(file),
                   "--format", "json")  # fmt: skip
    assert at.exit_code == 0 and above.exit_code == 0, at.output + above.output
    assert json.loads(at.stdout)["level"] == "caseworker"  # ceilings are inclusive
    assert json.loads(above.stdout)["level"] != "caseworker"
    separated = json.loads(tvaers(town, "plan", "route", "--amount", "1.000.000", "--file",
                                  str(file), "--separated", "--format", "json").stdout)  # fmt: skip
    assert separated["area_approval"] is True and separated["separated"] is True


# --- a grant through the command line ---------------------------------------------------------


@pytest.fixture
def mini_town(settings: Settings) -> Settings:
    """The mini municipality on SQLite and PostgreSQL (the ``settings`` fixture's two stores)."""
    return _prepared(settings)


def test_a_grant_from_proposal_to_approval_with_four_eyes(mini_town: Settings) -> None:
    town = mini_town
    consultant, caseworker = CLI_USERS["finance_consultant"], CLI_USERS["caseworker"]
    leader = CLI_USERS["solution_leader"]
    refused = tvaers(town, "plan", "preset", "--import", "--user", caseworker)
    assert refused.exit_code == 1 and "Afvist" in said(refused)
    imported = tvaers(town, "plan", "preset", "--import", "--user", consultant)
    assert imported.exit_code == 0 and "version 1" in said(imported), imported.output
    again = tvaers(town, "plan", "preset", "--import", "--user", consultant)
    assert "uændret" in said(again)
    enrolled = tvaers(town, "enrol", "--solution", FURESOE, "--citizen", CITIZEN, "--date",
                      "2026-01-15", "--without-assessment", "--user", caseworker)  # fmt: skip
    assert enrolled.exit_code == 0, enrolled.output
    proposed = tvaers(
        town, "grant", "propose", "--solution", FURESOE, "--citizen", CITIZEN,
        "--intervention", "015011", "--start", "01-02-2026", "--end", "2026-03-31",
        "--units", "10", "--justification", "Familien har brug for familiebehandling",
        "--effect", "Bedre trivsel for børnene", "--user", caseworker,
    )  # fmt: skip
    assert proposed.exit_code == 0, proposed.output
    assert "Bevilling nr. 1" in said(proposed) and "14.110,00 kr. i alt" in said(proposed)
    own = tvaers(town, "grant", "approve", "1", "--user", caseworker)
    assert own.exit_code == 1 and "fire øjne" in said(own)
    listed = json.loads(tvaers(town, "grant", "list", "--format", "json", "--user",
                               leader).stdout)["grants"]  # fmt: skip
    assert [(g["id"], g["status"], g["subject"]) for g in listed] == [(1, "proposed", CITIZEN)]
    route = json.loads(tvaers(town, "plan", "route", "--amount", "14110", "--area", "children",
                              "--format", "json").stdout)  # fmt: skip
    assert listed[0]["level"] == route["level_name"] and route["plan_version"] == 1
    for who, ids in ((leader, [1]), (caseworker, [])):  # never one's own in the inbox
        waiting = tvaers(town, "grant", "list", "--waiting", "--format", "json", "--user", who)
        assert [g["id"] for g in json.loads(waiting.stdout)["grants"]] == ids, who
    approved = tvaers(town, "grant", "approve", "1", "--user", leader)
    assert approved.exit_code == 0 and "bevilget" in said(approved), approved.output
    twice = tvaers(town, "grant", "approve", "1", "--user", leader)
    assert twice.exit_code == 1 and "kan ikke afgøres igen" in said(twice)
    shown = json.loads(tvaers(town, "grant", "list", "--status", "approved", "--format", "json",
                              "--user", leader).stdout)["grants"]  # fmt: skip
    assert len(shown) == 1 and shown[0]["status"] == "approved"
    assert Decimal(str(shown[0]["total"])) == Decimal("14110.00")
    assert shown[0]["payers"] == "children 100%" and shown[0]["proposed_by"] == caseworker
    out = town.home / "bevillinger.xlsx"
    assert tvaers(town, "grant", "list", "--out", str(out), "--user", leader).exit_code == 0
    book = read_workbook("grant list", out.read_bytes())
    assert book.sheets == 1 and not book.problems, book.problems
    # one audit entry per decision, naming the real user, the citizen and the purpose
    actions = [(e.action, e.actor, e.citizen, e.purpose) for e in _audit(town)
               if e.action.startswith("bevilling")]  # fmt: skip
    assert actions == [("bevilling_indstillet", caseworker, CITIZEN, "casework"),
                       ("bevilling_godkendt", leader, CITIZEN, "casework")]  # fmt: skip


def test_grants_are_refused_without_a_user_or_under_the_statistical_purpose(
    town: Settings,
) -> None:
    args = ["grant", "propose", "--solution", FURESOE, "--citizen", CITIZEN, "--intervention",
            "015011", "--start", "2026-02-01", "--end", "2026-02-28", "--monthly", "1.000",
            "--justification", "x", "--effect", "y"]  # fmt: skip
    nobody = tvaers(town, *args)
    assert nobody.exit_code == 1 and "Angiv hvem du er" in said(nobody)
    statistical = tvaers(town, *args, "--purpose", "statistical", "--user",
                         CLI_USERS["caseworker"])  # fmt: skip
    assert statistical.exit_code == 1 and "sagsbehandlingsformål" in said(statistical)
    analyst = tvaers(town, *args, "--user", CLI_USERS["analyst"])
    assert analyst.exit_code == 1 and "Afvist" in said(analyst)
    for listing in (["grant", "list"], ["grant", "list", "--purpose", "statistical", "--user",
                                        CLI_USERS["solution_leader"]]):  # fmt: skip
        refused = tvaers(town, *listing)
        assert refused.exit_code == 1 and "Afvist" in said(refused), listing
    assert tvaers(town, "grant", "approve", "1", "--purpose", "statistical", "--user",
                  CLI_USERS["solution_leader"]).exit_code == 1  # fmt: skip
    assert _grants(town) == []  # nothing was recorded


def _audit(town: Settings) -> list[AuditEntry]:
    engine = make_engine(town.store_url)
    try:
        with sessions(engine)() as session:
            return list(session.scalars(select(AuditEntry).order_by(AuditEntry.id)))
    finally:
        engine.dispose()


def _grants(town: Settings) -> list[Grant]:
    engine = make_engine(town.store_url)
    try:
        with sessions(engine)() as session:
            return list(session.scalars(select(Grant)))
    finally:
        engine.dispose()
