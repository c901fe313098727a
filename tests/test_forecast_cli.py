"""``tvaers forecast`` as a user runs it (issue 14): the issue's JSON form on the hand-worked town
of :mod:`tests.test_followup_forecast` (every figure to the øre), the method asked for and the
one chosen (a finance consultant's version, audited; refused for an analyst), a date that is no
month end refused in Danish, the back-test's errors, Excel with figure 6.2, and a solution's
forecast suppressed: a group of three hidden, and in a wider group a type of two citizens hidden
together with another so the total does not give it away."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from tvaers.anchoring import examples
from tvaers.cli import app
from tvaers.core.config import Settings
from tvaers.core.cpr import Pseudonymiser
from tvaers.data.importer import import_folder
from tvaers.store.database import make_engine, sessions, upgrade
from tvaers.store.models import AuditEntry, Enrolment, Solution

from .conftest import TEST_KEY, add_cli_users
from .test_followup_forecast import C1, C2, C3, write_town
from .workbooks import read_workbook

runner = CliRunner()
D = Decimal
SOLUTION = "Fælles om målet"
COPIES = 5  # the hand-worked town five times over: every type behind enough citizens to be shown


def _env(town: Settings) -> dict[str, str]:
    env = {"TVAERS_HOME": str(town.home), "TVAERS_PSEUDONYM_KEY": TEST_KEY,
           "TVAERS_LOG_LEVEL": "WARNING", "TVAERS_USER": ""}  # fmt: skip
    if town.database_url:
        env["TVAERS_DATABASE_URL"] = town.database_url
    return env


def tvaers(town: Settings, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), env=_env(town))


def exact(text: str) -> Any:
    return json.loads(text, parse_float=Decimal, parse_int=Decimal)


def enrol(settings: Settings, cprs: list[str]) -> None:
    engine = make_engine(settings.store_url)
    pseudonyms = Pseudonymiser(settings.key_bytes)
    with sessions(engine)() as session:
        examples.load(session)
        session.flush()
        solution = session.scalars(select(Solution).where(Solution.name == SOLUTION)).one()
        for cpr in cprs:
            session.add(Enrolment(solution_id=solution.id, unit="citizen",
                                  subject=pseudonyms.pseudonym(cpr), enrolled_on=date(2025, 1, 1),
                                  enrolled_by="solution-leader"))  # fmt: skip
        session.commit()
    engine.dispose()


@pytest.fixture
def town(settings: Settings, tmp_path: Path) -> Settings:
    upgrade(make_engine(settings.store_url))
    import_folder(write_town(tmp_path / "data", COPIES), settings, user="test")
    add_cli_users(settings)
    return settings


def _rows(found: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(r["sector_area"], r["intervention"]): r for r in found["rows"]}


def test_the_issues_json_to_the_ore(town: Settings) -> None:
    result = tvaers(town, "forecast", "--as-of", "2025-08-31", "--format", "json",
                    "--user", "finance-consultant")  # fmt: skip
    assert result.exit_code == 0, result.output
    found = exact(result.stdout)
    assert (found["as_of"], found["year"], found["months_elapsed"]) == ("2025-08-31", 2025, 8)
    rows = _rows(found)
    # five times the docstring's amounts; the rest rounded once: 43.333.335 øre × 4 / 8 =
    # 21.666.667,5 → half to even 21.666.668 (not 5 × 4.333.334)
    assert rows[("employment", "JOB")] == {
        "sector_area": "employment", "intervention": "JOB", "realised": D("433333.35"),
        "forecast_rest": D("216666.68"), "year_end": D("650000.03"), "last_year": D("480000.00"),
        "method": "run_rate",
    }  # fmt: skip
    assert rows[("children", "")]["year_end"] == D("45000.00")
    assert found["total"]["year_end"] == D("1445000.03")
    seasonal = exact(tvaers(town, "forecast", "--as-of", "31-08-2025", "--method", "seasonal",
                            "--format", "json", "--user", "finance-consultant").stdout)  # fmt: skip
    assert _rows(seasonal)[("employment", "JOB")]["year_end"] == D("650000.02")


def test_a_date_that_is_no_month_end_is_refused(town: Settings) -> None:
    result = tvaers(town, "forecast", "--as-of", "2025-08-30", "--user", "finance-consultant")
    assert result.exit_code == 1
    said = " ".join(result.output.split())
    assert "ikke en månedsafslutning" in said and "2025-08-31" in said
    later = tvaers(town, "forecast", "--as-of", "2026-01-31", "--user", "finance-consultant")
    assert later.exit_code == 1
    assert "Data dækker ikke 31.01.2026" in " ".join(later.output.split())
    bad = tvaers(town, "forecast", "--method", "gæt", "--user", "finance-consultant")
    assert bad.exit_code == 1 and "prognosemetode" in bad.output


def test_choosing_a_method_as_a_finance_consultant_only(town: Settings) -> None:
    refused = tvaers(town, "forecast", "choose", "--area", "children", "--intervention", "FAM",
                     "--method", "commitments", "--user", "analyst")  # fmt: skip
    assert refused.exit_code == 1 and "Afvist" in refused.output
    done = tvaers(town, "forecast", "choose", "--area", "children", "--intervention", "FAM",
                  "--method", "commitments", "--note", "mindst fejl", "--user",
                  "finance-consultant")  # fmt: skip
    assert done.exit_code == 0, done.output
    found = exact(tvaers(town, "forecast", "--as-of", "2025-03-31", "--format", "json",
                         "--user", "analyst").stdout)  # fmt: skip
    fam = _rows(found)[("children", "FAM")]
    assert (fam["method"], fam["year_end"]) == ("commitments", D("500000.00"))
    assert _rows(found)[("employment", "JOB")]["method"] == "run_rate"
    listed = exact(tvaers(town, "forecast", "methods", "--format", "json", "--user",
                          "analyst").stdout)["choices"]  # fmt: skip
    assert [(c["method"], c["version"], c["changed_by"]) for c in listed] == [
        ("commitments", 1, "finance-consultant")
    ]
    engine = make_engine(town.store_url)
    with sessions(engine)() as session:
        actions = session.scalars(select(AuditEntry.action)).all()
    engine.dispose()
    assert "prognosemetode_valgt" in actions


def test_backtest_errors_and_excel(town: Settings, tmp_path: Path) -> None:
    result = tvaers(town, "forecast", "backtest", "--year", "2025", "--format", "json",
                    "--user", "analyst")  # fmt: skip
    assert result.exit_code == 0, result.output
    found = exact(result.stdout)
    n = next(r for r in found["rows"] if (r["sector_area"], r["intervention"]) == ("children", ""))
    assert n["mape"] == {"commitments": D("45.45"), "run_rate": D("31.01"),
                         "seasonal": D("31.01"), "last_year": D("36.36")}  # fmt: skip
    assert n["best"] == "run_rate"
    out = tmp_path / "prognose.xlsx"
    written = tvaers(town, "forecast", "--as-of", "2025-08-31", "--format", "xlsx", "--out",
                     str(out), "--user", "analyst")  # fmt: skip
    assert written.exit_code == 0, written.output
    book = read_workbook(str(out), out.read_bytes())
    assert (book.sheets, book.charts, book.problems) == (2, 2, [])
    # figure 6.2: last year 12, this year 8, the forecast 5 months in the table; the chart's
    # block writes every series over the same 12 months
    assert book.months == (12 + 8 + 5) + 3 * 12


def test_a_small_solution_group_is_hidden(town: Settings) -> None:
    enrol(town, [C1, C2, C3])  # three of the fifteen
    found = exact(tvaers(town, "forecast", "--as-of", "2025-08-31", "--solution", SOLUTION,
                         "--format", "json", "--user", "analyst").stdout)  # fmt: skip
    assert found["rows"] == [] and "færre end 5" in found["note"]
    assert found["total"]["year_end"] is None


def test_a_type_of_few_citizens_is_hidden_in_the_books_too(
    settings: Settings, tmp_path: Path
) -> None:
    """The town once: employment's JOB has C1's spend and C2's commitment behind it (two
    citizens; as of March C2 has only the commitment, which counts), children's FAM C3 and C2;
    the shared cost N none — the books' own, shown."""
    upgrade(make_engine(settings.store_url))
    import_folder(write_town(tmp_path / "data"), settings, user="test")
    add_cli_users(settings)
    found = exact(tvaers(settings, "forecast", "--as-of", "2025-03-31", "--format", "json",
                         "--user", "finance-consultant").stdout)  # fmt: skip
    rows = _rows(found)
    for key in (("employment", "JOB"), ("children", "FAM")):
        assert rows[key]["year_end"] is None and "færre end 5" in rows[key]["note"], key
    assert rows[("children", "")]["year_end"] == D("12000.00")
    assert found["total"]["year_end"] is None  # three citizens in all


WIDE = [f"{d:02d}0180{1000 + d:04d}" for d in range(10, 20)]  # ten more citizens


def _wide_town(folder: Path) -> Path:
    write_town(folder)
    cit = (folder / "citizens.csv").read_text("utf-8")
    cit += "".join(f"{c},1980-01-{c[:2]}\n" for c in WIDE)
    (folder / "citizens.csv").write_text(cit, "utf-8")
    lines = (folder / "postings.csv").read_text("utf-8").splitlines()
    n = 900
    for i, cpr in enumerate(WIDE):
        code, function = (("JOB", "5.68.90") if i < 6 else ("FAM", "5.28.21") if i < 8
                          else ("JOB", "5.68.90"))  # fmt: skip
        for year in (2024, 2025):
            for month in range(1, 13):
                n += 1
                day = date(year + (month == 12), month % 12 + 1, 1).toordinal() - 1
                lines.append(f"P{n},{date.fromordinal(day)},1000.00,{function},{cpr},{code},1")
    (folder / "postings.csv").write_text("\n".join(lines) + "\n", "utf-8")
    return folder


def test_a_type_of_two_is_hidden_with_another(settings: Settings, tmp_path: Path) -> None:
    upgrade(make_engine(settings.store_url))
    import_folder(_wide_town(tmp_path / "data"), settings, user="test")
    add_cli_users(settings)
    enrol(settings, WIDE)
    found = exact(tvaers(settings, "forecast", "--as-of", "2025-08-31", "--solution", SOLUTION,
                         "--format", "json", "--user", "analyst").stdout)  # fmt: skip
    rows = _rows(found)
    assert rows[("children", "FAM")]["year_end"] is None  # two citizens
    assert "færre end 5" in rows[("children", "FAM")]["note"]
    hidden = [k for k, r in rows.items() if r["year_end"] is None]
    assert len(hidden) >= 2  # the total minus the shown cannot give FAM away
    assert found["total"]["year_end"] == D("120000.00")  # ten citizens x 12.000,00
