"""Albertslund's settlement and the efficiency requirements through the command line (issue 13,
acceptance 1): ``tvaers redistribute`` from two files (Danish and international numbers) and
from the data (``--solution``, ``--year``) on the synthetic group of
:mod:`tests.test_budget_settlement`, exactly the worked example; bad files refused in Danish with
file, row and column; ``tvaers requirement set|show|compare`` acting as a real user, audited."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from tvaers.anchoring import examples
from tvaers.cli import app
from tvaers.core.config import Settings
from tvaers.data.importer import import_folder
from tvaers.store.database import make_engine, sessions, upgrade
from tvaers.store.models import AuditEntry, Solution

from .conftest import TEST_KEY, add_cli_users
from .test_budget_settlement import EXAMPLE, MIO, SOLUTION, YEAR, albertslund_data, enrol_all

runner = CliRunner()
D = Decimal
CHANGES = [D("3000000.00"), D("-1000000.00"), D("2000000.00"), D("-5000000.00"),
           D("-500000.00")]  # fmt: skip


def _env(town: Settings) -> dict[str, str]:
    env = {"TVAERS_HOME": str(town.home), "TVAERS_PSEUDONYM_KEY": TEST_KEY,
           "TVAERS_LOG_LEVEL": "WARNING", "TVAERS_USER": ""}  # fmt: skip
    if town.database_url:
        env["TVAERS_DATABASE_URL"] = town.database_url
    return env


def tvaers(town: Settings, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), env=_env(town))


def said(result) -> str:  # type: ignore[no-untyped-def]
    return " ".join(result.output.split())


def exact(text: str) -> Any:
    """The JSON with its numbers as Decimals, as written (1500000.00, never a float)."""
    return json.loads(text, parse_float=Decimal, parse_int=Decimal)


@pytest.fixture
def town(settings: Settings, tmp_path: Path) -> Settings:
    """The synthetic municipality, the example solutions, a user per role, and everyone of the
    group enrolled in Albertslund's solution on 1 January."""
    cprs = albertslund_data(tmp_path / "data")
    import_folder(tmp_path / "data", settings, user="test")
    engine = make_engine(settings.store_url)
    upgrade(engine)
    with sessions(engine)() as session:
        examples.load(session)
        session.flush()
        solution = session.scalars(select(Solution).where(Solution.name == SOLUTION)).one()
        enrol_all(session, solution.id, cprs, settings)
        session.commit()
    engine.dispose()
    add_cli_users(settings)
    return settings


def _files(folder: Path, danish: bool) -> tuple[Path, Path]:
    sep = ";" if danish else ","
    paths = []
    for name, column in (("baseline", 3), ("actual", 4)):
        rows = [f"sector_area{sep}amount"]
        for item in EXAMPLE:
            amount = item[column] * MIO
            text = f"{amount:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")
            rows.append(f"{item[0]}{sep}{text if danish else f'{amount:.2f}'}")
        path = folder / f"{name}-{'dk' if danish else 'int'}.csv"
        path.write_text("\n".join(rows) + "\n", "utf-8")
        paths.append(path)
    return paths[0], paths[1]


def _check_example(document: Any, requirement: Decimal, ordered: bool = True) -> None:
    """The worked example's figures (the files' order; the data's is by area code)."""
    assert list(document) == ["requirement", "areas", "total_change", "cross_cutting_end",
                              "requirement_met"]  # fmt: skip
    assert document["requirement"] == requirement
    areas = document["areas"]
    if ordered:
        assert [a["sector_area"] for a in areas] == [e[0] for e in EXAMPLE]
    assert {a["sector_area"]: a["change"] for a in areas} == dict(
        zip([e[0] for e in EXAMPLE], CHANGES, strict=True)
    )
    assert {a["sector_area"]: (a["baseline"], a["actual"]) for a in areas} == {
        e[0]: (e[3] * MIO, e[4] * MIO) for e in EXAMPLE
    }
    assert document["total_change"] == D("-1500000.00")
    assert document["cross_cutting_end"] == -requirement + D("1500000.00")
    assert document["requirement_met"] is (requirement <= D("1500000"))


@pytest.mark.parametrize("danish", [True, False])
def test_the_worked_example_from_files(town: Settings, tmp_path: Path, danish: bool) -> None:
    baseline, actual = _files(tmp_path, danish)
    found = tvaers(town, "redistribute", "--baseline", str(baseline), "--actual", str(actual),
                   "--requirement", "1.500.000,00", "--format", "json")  # fmt: skip
    assert found.exit_code == 0, found.output
    assert '"requirement": 1500000.00' in found.output  # an exact JSON number
    _check_example(exact(found.output), D("1500000.00"))
    short = tvaers(town, "redistribute", "--baseline", str(baseline), "--actual", str(actual),
                   "--requirement", "2000000")  # fmt: skip
    assert short.exit_code == 0, short.output
    assert "Kravet er ikke indfriet: der mangler 500.000,00 kr." in said(short)
    assert "ender på -500.000,00 kr." in said(short)


def test_a_bad_file_says_where(town: Settings, tmp_path: Path) -> None:
    baseline, actual = _files(tmp_path, True)
    bad = tmp_path / "bad.csv"
    bad.write_text("sector_area;amount\nsygedagpenge;5.000.000,00\nanbringelse;fire mio\n")
    found = tvaers(town, "redistribute", "--baseline", str(bad), "--actual", str(actual),
                   "--requirement", "1500000", "--format", "json")  # fmt: skip
    assert found.exit_code == 1 and found.stdout == ""
    text = said(found)
    assert "bad.csv, række 3, kolonne amount" in text and "«fire mio» er ikke et beløb" in text
    head = tmp_path / "head.csv"
    head.write_text("område,beløb\nx,1\n")
    found = tvaers(town, "redistribute", "--baseline", str(head), "--actual", str(actual),
                   "--requirement", "1500000")  # fmt: skip
    assert found.exit_code == 1 and "række 1" in said(found) and "sector_area,amount" in said(found)
    found = tvaers(town, "redistribute", "--baseline", str(baseline), "--requirement", "1")
    assert found.exit_code == 1 and "--actual" in said(found)


def test_a_cpr_number_in_a_file_is_refused_without_being_repeated(
    town: Settings, tmp_path: Path
) -> None:
    _baseline, actual = _files(tmp_path, True)
    for row in ("070263-0488;5.000.000,00", "sygedagpenge;0702630488x"):
        bad = tmp_path / "cpr.csv"
        bad.write_text(f"sector_area;amount\n{row}\n")
        found = tvaers(town, "redistribute", "--baseline", str(bad), "--actual", str(actual),
                       "--requirement", "1")  # fmt: skip
        assert found.exit_code == 1, found.output
        assert "0488" not in said(found) and "cpr.csv, række 2" in said(found)


def test_the_worked_example_from_the_data(town: Settings) -> None:
    anonymous = tvaers(town, "redistribute", "--solution", SOLUTION, "--year", str(YEAR))
    assert anonymous.exit_code == 1 and "--user" in said(anonymous)
    found = tvaers(town, "redistribute", "--solution", SOLUTION, "--year", str(YEAR),
                   "--requirement", "1500000", "--format", "json", "--user", "analyst")  # fmt: skip
    assert found.exit_code == 0, found.output
    _check_example(exact(found.output), D("1500000.00"), ordered=False)
    # the requirement stored for the year is the one used when none is given
    stored = tvaers(town, "requirement", "set", "--solution", SOLUTION, "--year", str(YEAR),
                    "--amount", "2.000.000", "--rule", "fixed", "--share", "sygedagpenge=1/4",
                    "--share", "specialundervisning=75%", "--user", "finance-consultant")  # fmt: skip
    assert stored.exit_code == 0, stored.output
    assert "version 1" in said(stored)
    found = tvaers(town, "redistribute", "--solution", SOLUTION, "--year", str(YEAR),
                   "--format", "json", "--user", "area-chief")  # fmt: skip
    assert found.exit_code == 0, found.output
    _check_example(exact(found.output), D("2000000.00"), ordered=False)
    text = tvaers(town, "redistribute", "--solution", SOLUTION, "--year", str(YEAR),
                  "--user", "analyst")  # fmt: skip
    assert "Kravet er ikke indfriet: der mangler 500.000,00 kr." in said(text)


def test_requirements_as_a_real_user(town: Settings) -> None:
    refused = tvaers(town, "requirement", "set", "--solution", SOLUTION, "--year", str(YEAR),
                     "--amount", "1500000", "--rule", "solution", "--user", "area-chief")  # fmt: skip
    assert refused.exit_code == 1 and "Afvist" in said(refused)
    bad = tvaers(town, "requirement", "set", "--solution", SOLUTION, "--year", str(YEAR),
                 "--amount", "1500000", "--rule", "fixed", "--share", "koersel=1/3",
                 "--user", "finance-consultant")  # fmt: skip
    assert bad.exit_code == 1 and "100 %" in said(bad)
    ok = tvaers(town, "requirement", "set", "--solution", SOLUTION, "--year", str(YEAR),
                "--amount", "1.500.000,00", "--rule", "baseline", "--gain", "anbringelse=1",
                "--gain", "specialundervisning=3", "--user", "finance-consultant")  # fmt: skip
    assert ok.exit_code == 0, ok.output
    shown = tvaers(town, "requirement", "show", "--solution", SOLUTION, "--year", str(YEAR),
                   "--format", "json")  # fmt: skip
    document = exact(shown.output)
    assert document["amount"] == D("1500000.00") and document["rule"] == "baseline"
    assert document["changed_by"] == "finance-consultant"
    compared = tvaers(town, "requirement", "compare", "--solution", SOLUTION, "--year",
                      str(YEAR), "--format", "json", "--user", "analyst")  # fmt: skip
    assert compared.exit_code == 0, compared.output
    rules = exact(compared.output)["rules"]
    by_baseline = {p["sector_area"]: p["amount"] for p in rules["baseline"]["parts"]}
    # the group's baseline: 5 + 4 + 0 + 10 + 2.5 = 21.5 mio. kr.; 1.5 mio. split by it
    assert by_baseline["specialundervisning"] == D("697674.42")
    assert sum(by_baseline.values()) == D("1500000.00")
    assert by_baseline["koersel"] == 0
    gains = {p["sector_area"]: p["amount"] for p in rules["expected_gain"]["parts"]}
    assert gains == {"anbringelse": D("375000.00"), "specialundervisning": D("1125000.00")}
    assert "error" in rules["fixed"] and rules["solution"]["parts"][0]["amount"] == D("1500000.00")
    engine = make_engine(town.store_url)
    with engine.connect() as conn:
        logged = conn.execute(select(AuditEntry.actor, AuditEntry.action).where(
            AuditEntry.action == "effektiviseringskrav_sat")).all()  # fmt: skip
    engine.dispose()
    assert logged == [("finance-consultant", "effektiviseringskrav_sat")]


def test_an_amount_too_large_is_refused_in_danish(town: Settings, tmp_path: Path) -> None:
    """32 digits cannot be put in øre at all: said in Danish (exit 1), never a traceback."""
    baseline, actual = _files(tmp_path, True)
    huge = "9" * 32
    big = tmp_path / "big.csv"
    big.write_text(f"sector_area;amount\nsygedagpenge;{huge}\n")
    found = tvaers(town, "redistribute", "--baseline", str(big), "--actual", str(actual),
                   "--requirement", "1500000")  # fmt: skip
    assert found.exit_code == 1 and isinstance(found.exception, SystemExit), found.output
    assert "big.csv, række 2, kolonne amount" in said(found)
    assert "er større end 100 mia. kr." in said(found)
    found = tvaers(town, "redistribute", "--baseline", str(baseline), "--actual", str(actual),
                   "--requirement", huge)  # fmt: skip
    assert found.exit_code == 1 and isinstance(found.exception, SystemExit), found.output
    assert f"--requirement: beløbet «{huge}» er større end 100 mia. kr." in said(found)
