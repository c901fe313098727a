"""``tvaers report monthly`` (issue 14, 003 §3.1): the level's monthly report as one workbook with
the page's native charts, acting as a real user; the caseworker's own cases only under casework;
bad options refused in Danish before anything is written. On the hand-made town of
``tests/test_followup_key_figures``, both databases."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from tests.conftest import FIXTURES, TEST_KEY, add_cli_users
from tests.test_web_key_figures import workbook_chart_titles
from tests.workbooks import read_workbook
from tvaers.cli import app
from tvaers.core.config import Settings
from tvaers.data.importer import import_folder

runner = CliRunner()


def tvaers(settings: Settings, *args: str):  # type: ignore[no-untyped-def]
    env = {"TVAERS_PSEUDONYM_KEY": TEST_KEY, "TVAERS_LOG_LEVEL": "WARNING", "TVAERS_USER": "",
           "TVAERS_HOME": str(settings.home)}  # fmt: skip
    if settings.database_url:
        env["TVAERS_DATABASE_URL"] = settings.database_url
    return runner.invoke(app, list(args), env=env)


def test_the_monthly_report_as_a_workbook_with_its_charts(
    settings: Settings, tmp_path: Path
) -> None:
    import_folder(FIXTURES / "key_figures", settings)
    add_cli_users(settings)
    out = tmp_path / "rapport.xlsx"
    done = tvaers(settings, "report", "monthly", "--level", "directorate", "--year", "2025",
                  "--month", "3", "--out", str(out), "--user", "analyst")  # fmt: skip
    assert done.exit_code == 0, done.output
    assert "Nøgletal: Direktion og politikere, marts 2025" in done.output
    book = read_workbook("cli", out.read_bytes())
    assert book.problems == []
    assert book.sheets == 7  # udgift, udvikling, tilgang, indskrivning, budget, pr_borger, prognose
    assert "Udgift pr. måned 2025 og 2024" in workbook_chart_titles(out.read_bytes())
    as_json = tvaers(settings, "report", "monthly", "--level", "area", "--year", "2025",
                     "--month", "2", "--format", "json", "--user", "area-chief")  # fmt: skip
    assert as_json.exit_code == 0, as_json.output
    found = json.loads(as_json.stdout)
    assert found["budget"][-1]["name"] == "I alt"


def test_refusals_in_danish(settings: Settings, tmp_path: Path) -> None:
    import_folder(FIXTURES / "key_figures", settings)
    add_cli_users(settings)
    out = tmp_path / "sager.xlsx"
    refused = tvaers(settings, "report", "monthly", "--level", "caseworker", "--out", str(out),
                     "--user", "caseworker")  # fmt: skip
    assert refused.exit_code == 1
    assert "Afvist:" in refused.output and not out.exists()
    allowed = tvaers(settings, "report", "monthly", "--level", "caseworker", "--out", str(out),
                     "--purpose", "casework", "--user", "caseworker")  # fmt: skip
    assert allowed.exit_code == 0, allowed.output
    unknown = tvaers(settings, "report", "monthly", "--level", "borgmester", "--user", "analyst")
    assert unknown.exit_code == 1 and "Niveauet «borgmester» findes ikke" in unknown.output
    half = tvaers(settings, "report", "monthly", "--level", "area", "--year", "2025",
                  "--user", "analyst")  # fmt: skip
    assert half.exit_code == 1 and "Angiv både --year og --month" in half.output
    outside = tvaers(settings, "report", "monthly", "--level", "area", "--year", "2026",
                     "--month", "1", "--format", "json", "--user", "analyst")  # fmt: skip
    assert outside.exit_code == 1 and "Data dækker ikke januar 2026" in outside.output
