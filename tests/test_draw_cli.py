"""The five resource-draw commands: formats; person-level rows only for a real user — a
solution's people under casework with the solution's basis, or pseudonymised microdata for the
analyst and the finance consultant — and one audit entry naming that user per run."""

from __future__ import annotations

import json
from decimal import Decimal as D
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from tvaers.cli import app
from tvaers.core.config import Settings
from tvaers.store.database import make_engine, sessions
from tvaers.store.models import AuditEntry

from .conftest import CLI_USERS, TEST_KEY, add_cli_users, record_selection_basis
from .test_draw import CPR, EXPECTED_DRAW, NAME, PSEUDONYM, town_settings

runner = CliRunner()


SOLUTION = "Familier på tværs"
ANALYST = ["--user", CLI_USERS["analyst"]]
CASEWORKER = ["--user", CLI_USERS["caseworker"]]


@pytest.fixture(scope="module")
def town(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The hand-made municipality, one user per role and a solution with anna enrolled from
    1 February 2025 and carl from 1 March 2025 (and a selection basis for it)."""
    from datetime import date

    from tvaers.anchoring import service as solutions
    from tvaers.anchoring.model import SolutionData
    from tvaers.selection import decisions

    settings = town_settings(tmp_path_factory.mktemp("draw_cli"))
    add_cli_users(settings)
    engine = make_engine(settings.store_url)
    with sessions(engine)() as session:
        created = solutions.create(session, SolutionData(name=SOLUTION), "leder")
        session.commit()
        for name, day in (("anna", date(2025, 2, 1)), ("carl", date(2025, 3, 1))):
            decisions.assess(
                session, created.id, "citizen", PSEUDONYM[name], "accepted", "high", "high",
                None, "leder", "test", enrol_on=day, assessed_on=day,
            )  # fmt: skip
        session.commit()
    engine.dispose()
    record_selection_basis(settings, SOLUTION)
    return settings


def tvaers(town: Settings, *args: str):  # type: ignore[no-untyped-def]
    env = {"TVAERS_HOME": str(town.home), "TVAERS_PSEUDONYM_KEY": TEST_KEY,
           "TVAERS_LOG_LEVEL": "WARNING"}  # fmt: skip
    return runner.invoke(app, list(args), env=env)


def audit_entries(town: Settings) -> list[AuditEntry]:
    engine = make_engine(town.store_url)
    try:
        with sessions(engine)() as session:
            query = select(AuditEntry).where(AuditEntry.action.like("cli_%"))
            return list(session.scalars(query.order_by(AuditEntry.id)))
    finally:
        engine.dispose()


def test_coverage_as_csv_json_and_excel(town: Settings, tmp_path: Path) -> None:
    result = tvaers(town, "coverage", "--year", "2025")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("sector_area,name,expenditure,registered,pooled,priced,attributed,"
                               "unattributed,coverage")  # fmt: skip
    assert lines[0].endswith(",citizens,note")
    assert any(line.startswith("total,I alt,412849.75,186500.00,") for line in lines)
    result = tvaers(town, "coverage", "--format", "json")
    rows = json.loads(result.stdout)["coverage"]
    assert rows[-1]["sector_area"] == "total" and rows[-1]["expenditure"] == 412849.75
    out = tmp_path / "dækning.xlsx"
    result = tvaers(town, "coverage", "--format", "xlsx", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert out.stat().st_size > 0
    from python_calamine import CalamineWorkbook

    sheet = CalamineWorkbook.from_path(str(out)).get_sheet_by_name("coverage").to_python()
    assert "sektorområde" in sheet[2] and "dækningsgrad" in sheet[2]


def test_coverage_hides_areas_resting_on_fewer_than_five_citizens(town: Settings) -> None:
    """Every area of the hand-made town rests on 1-4 citizens: no area amount is printed, only
    the total; e.g. not the children's area's 243,000.00 of expenditure."""
    before = len(audit_entries(town))
    result = tvaers(town, "coverage", "--year", "2025", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = {r["sector_area"]: r for r in json.loads(result.stdout)["coverage"]}
    assert set(rows) == {"children", "employment", "adults", "special_education", "total"}
    for area in ("children", "employment", "adults", "special_education"):
        row = rows[area]
        assert row["citizens"] is None and row["note"] == "Skjult: færre end 5 borgere"
        money = ("expenditure", "registered", "pooled", "priced", "attributed", "unattributed",
                 "coverage", "no_pool", "no_activity", "no_price", "priced_difference")  # fmt: skip
        assert all(row[key] is None for key in money), area
    assert rows["total"]["expenditure"] == 412849.75
    assert rows["total"]["citizens"] == 6  # distinct citizens, not the areas' 8 added up
    assert "243000" not in result.stdout
    assert len(audit_entries(town)) == before  # the anonymous output is not person-level


@pytest.mark.parametrize(
    "extra", [[], CASEWORKER, ["--user", "nobody"], ["--user", "laast"],
              ["--user", CLI_USERS["administrator"]]],
)  # fmt: skip
def test_coverage_with_every_amount_is_microdata(town: Settings, extra: list[str]) -> None:
    before = len(audit_entries(town))
    result = tvaers(town, "coverage", "--year", "2025", "--all-amounts", *extra)
    assert result.exit_code == 1
    assert "Afvist" in result.output
    assert "243000" not in result.output
    assert len(audit_entries(town)) == before


def test_coverage_with_every_amount_is_logged_for_the_analyst(town: Settings) -> None:
    before = len(audit_entries(town))
    result = tvaers(town, "coverage", "--year", "2025", "--all-amounts", *ANALYST)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].endswith(",citizens")  # the count the amounts rest on is kept
    assert lines[1] == (
        "children,Udsatte børn og unge,243000.00,100000.00,140000.00,0.00,140000.00,3000.00,"
        "0.9876543209876543,0.00,3000.00,0.00,0.00,2"
    )
    entries = audit_entries(town)
    assert len(entries) == before + 1
    entry = entries[-1]
    assert (entry.actor, entry.action, entry.purpose) == ("analyst", "cli_coverage", "statistical")
    assert entry.detail == {"command": "coverage", "year": 2025, "period": "2025-01..2025-03",
                            "rows": 5, "mikrodata": True}  # fmt: skip


def test_excel_needs_a_file(town: Settings) -> None:
    result = tvaers(town, "coverage", "--format", "xlsx")
    assert result.exit_code == 1
    assert "--out" in result.output


def test_aggregated_draw_needs_no_purpose(town: Settings) -> None:
    result = tvaers(town, "draw", "--year", "2025")
    assert result.exit_code == 0, result.output
    header, *rows = result.stdout.splitlines()
    assert header == "sector_area,month,citizens,registered,attributed,total,note"
    # children in February: two citizens, fewer than five: hidden with its amounts.
    assert "children,2025-02,,,,,Skjult: færre end 5 borgere" in rows
    assert not any(p in result.stdout for p in PSEUDONYM.values())


@pytest.mark.parametrize(
    ("command", "message"),
    [(["draw", "--by", "citizen"], "TVAERS_USER"),
     (["contacts", "--by", "family", "--user", "nobody"], "findes ikke"),
     (["draw", "--by", "citizen", *CASEWORKER], "mikrodata"),
     (["draw", "--by", "citizen", "--purpose", "casework", *CASEWORKER], "--solution"),
     (["draw", "--by", "citizen", "--purpose", "casework", *ANALYST], "statistisk formål"),
     (["draw", "--by", "citizen", "--solution", SOLUTION, *ANALYST], "Din rolle"),
     (["draw", "--by", "citizen", "--solution", SOLUTION, *CASEWORKER], "sagsbehandlingsformål"),
     (["draw", "--by", "citizen", "--solution", SOLUTION, "--purpose", "casework",
       "--basis", "999", *CASEWORKER], "Grundlag nr. 999"),
     (["contacts", "--by", "citizen", "--user", "stoppet"], "deaktiveret")],
)  # fmt: skip
def test_person_level_rows_are_refused_to_the_wrong_user(
    town: Settings, command: list[str], message: str
) -> None:
    before = len(audit_entries(town))
    result = tvaers(town, *command)
    assert result.exit_code == 1
    assert "Afvist" in result.output and message in " ".join(result.output.split())
    assert not any(p in result.output for p in PSEUDONYM.values())
    assert len(audit_entries(town)) == before


def test_person_level_draw_is_microdata_for_the_analyst_and_logged(town: Settings) -> None:
    before = len(audit_entries(town))
    result = tvaers(town, "draw", "--year", "2025", "--by", "citizen", *ANALYST,
                    "--format", "json")  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)["draw"]
    assert len(rows) == len(EXPECTED_DRAW) == 22
    assert {r["citizen"] for r in rows} == set(PSEUDONYM.values())
    assert not any(cpr in result.stdout for cpr in CPR.values())
    entries = audit_entries(town)
    assert len(entries) == before + 1
    entry = entries[-1]
    assert (entry.actor, entry.action, entry.purpose) == ("analyst", "cli_draw", "statistical")
    assert entry.detail is not None
    assert entry.detail["rows"] == 22 and entry.detail["by"] == "citizen"


def test_a_solutions_draw_counts_each_member_from_enrolment(town: Settings) -> None:
    """anna from February, carl from March; nobody else; the caseworker's list is logged with
    the solution's basis, the aggregate needs no user."""
    before = len(audit_entries(town))
    result = tvaers(town, "draw", "--year", "2025", "--by", "citizen", "--solution", SOLUTION,
                    "--purpose", "casework", *CASEWORKER, "--format", "json")  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)["draw"]
    months = {(NAME[r["citizen"]], r["month"][:7]) for r in rows}
    assert {name for name, _ in months} <= {"anna", "carl"}
    assert ("anna", "2025-01") not in months and ("carl", "2025-02") not in months
    expected = {(name, month) for name, _area, month in EXPECTED_DRAW
                if (name == "anna" and month >= "2025-02") or (name == "carl" and month >= "2025-03")}  # fmt: skip
    assert months == expected
    total = sum(D(str(r["total"])) for r in rows)
    assert total == sum(sum(v) for (n, _a, m), v in EXPECTED_DRAW.items() if (n, m) in expected)
    entry = audit_entries(town)[-1]
    assert len(audit_entries(town)) == before + 1
    assert (entry.actor, entry.purpose) == ("caseworker", "casework")
    assert entry.basis is not None and entry.basis.startswith("Samtykke: ")
    aggregate = tvaers(town, "draw", "--year", "2025", "--solution", SOLUTION)
    assert aggregate.exit_code == 0, aggregate.output
    assert "Skjult" in aggregate.stdout  # two members: every cell is a small cell
    assert not any(p in aggregate.stdout for p in PSEUDONYM.values())


def test_concentration_writes_figures_lorenz_and_areas(town: Settings, tmp_path: Path) -> None:
    out = tmp_path / "koncentration.csv"
    result = tvaers(town, "concentration", "--by", "family", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert out.read_text().splitlines()[0] == (
        "unit,units,total,top_1_share,top_3_share,top_10_share,gini"
    )
    # four families are a small cell: neither their count nor their total is shown
    assert out.read_text().splitlines()[1] == "family,,,,,,"
    by_citizen = tvaers(town, "concentration", "--by", "citizen").stdout.splitlines()
    assert by_citizen[1].startswith("citizen,6,387972.33,")
    assert (tmp_path / "koncentration-lorenz.csv").exists()
    assert (tmp_path / "koncentration-by_areas.csv").exists()
    stdout = tvaers(town, "concentration", "--format", "json").stdout
    assert set(json.loads(stdout)) == {"concentration", "lorenz", "by_areas"}


def test_contacts_aggregated_and_per_citizen(town: Settings, tmp_path: Path) -> None:
    result = tvaers(town, "contacts")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("level,measure,group,units,note\n")
    assert "\n# overlaps\nrule,label,citizens,citizens_cost,families,families_cost,note\n" in (
        result.stdout
    )
    out = tmp_path / "kontakt.xlsx"
    result = tvaers(town, "contacts", "--by", "citizen", *ANALYST, "--format", "xlsx",
                    "--out", str(out))  # fmt: skip
    assert result.exit_code == 0, result.output
    assert audit_entries(town)[-1].action == "cli_contacts"


def test_baseline_from_a_file_of_cpr_numbers(town: Settings, tmp_path: Path) -> None:
    members = tmp_path / "gruppe.csv"
    members.write_text(f"cpr;reference_date\n{CPR['carl']};01-04-2025\n{CPR['dina']};2025-03-01\n")
    result = tvaers(town, "baseline", "--members", str(members), "--format", "json")
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    assert set(found) == {"baseline", "archetypes", "comparison"}
    result = tvaers(town, "baseline", "--members", str(members), "--by", "citizen", *ANALYST,
                    "--format", "json")  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)["members"]
    assert {(r["citizen"], r["sector_area"], r["total"]) for r in rows} == {
        (PSEUDONYM["carl"], "employment", 22914.29), (PSEUDONYM["carl"], "adults", 7122.58),
        (PSEUDONYM["dina"], "children", 5638.06),
        (PSEUDONYM["dina"], "special_education", 4600.0),
    }  # fmt: skip
    assert audit_entries(town)[-1].action == "cli_baseline"


def test_baseline_refuses_a_bad_cpr_number(town: Settings, tmp_path: Path) -> None:
    members = tmp_path / "gruppe.csv"
    members.write_text("cpr\n3213991234\n")
    result = tvaers(town, "baseline", "--members", str(members), "--year", "2025")
    assert result.exit_code == 1
    assert "række 2" in result.output
