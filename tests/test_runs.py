"""Frozen runs (issue 15): an analysis command records what it read and the digest of what it
wrote; ``tvaers runs replay`` gives the same bytes again or names the input that has changed —
a re-imported table with its batches, a configuration file, the code — on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from tvaers.cli import app
from tvaers.core.config import Settings
from tvaers.data.importer import import_folder
from tvaers.runs import inputs
from tvaers.store.database import make_engine

from .conftest import FIXTURES, TEST_KEY

runner = CliRunner()
CODE = {"version": "0.1.0", "commit": "a" * 40}
REAL_CODE_VERSION = inputs.code_version


@pytest.fixture(autouse=True)
def fixed_code(monkeypatch: pytest.MonkeyPatch) -> None:
    """The code version as one commit: other work may commit to the checkout during a test."""
    monkeypatch.setattr(inputs, "code_version", lambda: dict(CODE))


@pytest.fixture
def town(settings: Settings, tmp_path: Path) -> tuple[Settings, Path]:
    """The hand-made municipality imported (batch 1) with its configuration, and a writable
    copy of its files for re-imports."""
    folder = tmp_path / "filer"
    shutil.copytree(FIXTURES / "draw", folder)
    import_folder(folder, settings, user="test")
    shutil.copytree(folder / "konfiguration", settings.home / "konfiguration")
    return settings, folder


def tvaers(settings: Settings, *args: str):  # type: ignore[no-untyped-def]
    env = {"TVAERS_HOME": str(settings.home), "TVAERS_PSEUDONYM_KEY": TEST_KEY,
           "TVAERS_DATABASE_URL": settings.store_url, "TVAERS_LOG_LEVEL": "WARNING",
           "COLUMNS": "250"}  # fmt: skip
    return runner.invoke(app, list(args), env=env)


def shown(settings: Settings, run: int) -> dict:  # type: ignore[type-arg]
    result = tvaers(settings, "runs", "show", str(run), "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_a_draw_is_recorded_with_its_inputs_and_replays_byte_for_byte(
    town: tuple[Settings, Path],
) -> None:
    settings, folder = town
    result = tvaers(settings, "draw", "--year", "2025", "--format", "json")
    assert result.exit_code == 0, result.output
    run = shown(settings, 1)
    assert run["command"] == "draw"
    assert run["arguments"] == ["draw", "--year", "2025", "--format", "json"]
    assert run["output_sha256"] == hashlib.sha256(result.stdout.encode()).hexdigest()
    assert run["output_bytes"] == len(result.stdout.encode())
    postings = run["inputs"]["batches"]["postings"]
    assert postings["batch"] == 1 and postings["file"] == "postings.csv"
    assert postings["sha256"] == hashlib.sha256((folder / "postings.csv").read_bytes()).hexdigest()
    assert postings["rows"] == 27
    config = (folder / "konfiguration" / "individfordeling.csv").read_bytes()
    assert run["inputs"]["configuration"] == {
        "konfiguration/individfordeling.csv": hashlib.sha256(config).hexdigest()
    }
    assert run["inputs"]["code"] == CODE

    listed = tvaers(settings, "runs", "list")
    assert listed.exit_code == 0, listed.output
    assert "draw --year 2025" in listed.stdout and "indlæsning 1" in listed.stdout

    replayed = tvaers(settings, "runs", "replay", "1")
    assert replayed.exit_code == 0, replayed.output
    assert "byte for byte det samme" in replayed.stdout
    assert "ændret" not in replayed.stdout
    # the replay is not a run of its own, and it wrote nothing to the screen but its verdict
    assert "draw" not in replayed.stdout
    assert tvaers(settings, "runs", "show", "2").exit_code == 1


def test_a_file_written_with_out_replays_byte_for_byte(
    town: tuple[Settings, Path], tmp_path: Path
) -> None:
    settings, _ = town
    out = tmp_path / "ud" / "daekning.csv"
    assert tvaers(settings, "coverage", "--year", "2025", "--out", str(out)).exit_code == 0
    run = shown(settings, 1)
    assert run["outputs"] == [{"name": "daekning.csv", "bytes": out.stat().st_size,
                               "sha256": hashlib.sha256(out.read_bytes()).hexdigest()}]  # fmt: skip
    before = out.read_bytes()
    replayed = tvaers(settings, "runs", "replay", "1")
    assert replayed.exit_code == 0, replayed.output
    assert out.read_bytes() == before  # the replay writes elsewhere, never over the user's file
    again = tmp_path / "igen.csv"
    assert tvaers(settings, "runs", "replay", "1", "--out", str(again)).exit_code == 0
    assert again.read_bytes() == before  # the same figures again, when asked for


def test_an_excel_workbook_replays_byte_for_byte(
    town: tuple[Settings, Path], tmp_path: Path
) -> None:
    """A workbook carries its creation time: the replay writes the recorded run's."""
    settings, _ = town
    out = tmp_path / "koncentration.xlsx"
    assert tvaers(settings, "concentration", "--year", "2025", "--out", str(out)).exit_code == 0
    assert shown(settings, 1)["output_sha256"] == hashlib.sha256(out.read_bytes()).hexdigest()
    replayed = tvaers(settings, "runs", "replay", "1")
    assert replayed.exit_code == 0, replayed.output
    assert "byte for byte det samme" in replayed.stdout


def test_after_a_reimport_of_changed_postings_the_replay_names_the_table_and_batches(
    town: tuple[Settings, Path],
) -> None:
    settings, folder = town
    assert tvaers(settings, "draw", "--year", "2025", "--format", "json").exit_code == 0
    old = hashlib.sha256((folder / "postings.csv").read_bytes()).hexdigest()
    postings = folder / "postings.csv"
    postings.write_text(postings.read_text().replace("16500.00", "17500.00", 1))
    new = hashlib.sha256(postings.read_bytes()).hexdigest()
    assert import_folder(folder, settings, user="test").batch_id == 2

    replayed = tvaers(settings, "runs", "replay", "1")
    assert replayed.exit_code == 1, replayed.output
    said = " ".join(replayed.stdout.split())
    assert (
        f"Tabellen postings er genindlæst: kørsel 1 brugte indlæsning 1 (postings.csv, sha256 "
        f"{old[:12]}…), nu indlæsning 2 (postings.csv, sha256 {new[:12]}…)."
    ) in said
    assert "Tabellen citizens" not in said  # an unchanged file is not re-imported, nor named
    assert "uddata er anderledes" in said


def test_a_changed_configuration_file_is_named(town: tuple[Settings, Path]) -> None:
    settings, _ = town
    assert tvaers(settings, "coverage", "--year", "2025", "--format", "json").exit_code == 0
    (settings.home / "konfiguration" / "individfordeling.csv").write_text("function_code,method\n")

    replayed = tvaers(settings, "runs", "replay", "1")
    said = " ".join(replayed.stdout.split())
    assert "Konfigurationsfilen konfiguration/individfordeling.csv er ændret siden kørsel 1" in said
    assert "Tabellen" not in said
    # 5.38.53 is no longer priced: its expenditure is attributed otherwise, the output differs
    assert replayed.exit_code == 1, replayed.output
    assert "uddata er anderledes" in said


def test_changed_code_with_the_same_output_is_said_with_its_own_exit_code(
    town: tuple[Settings, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    settings, _ = town
    assert tvaers(settings, "concentration", "--year", "2025", "--format", "json").exit_code == 0
    monkeypatch.setattr(inputs, "code_version", lambda: {"version": "0.2.0"})

    replayed = tvaers(settings, "runs", "replay", "1")
    said = " ".join(replayed.stdout.split())
    assert replayed.exit_code == 3, replayed.output
    assert (
        "Programmet er ændret: kørsel 1 brugte tvaers 0.1.0 (commit aaaaaaaaaaaa), nu tvaers "
        "0.2.0." in said
    )
    assert "byte for byte det samme" in said


def test_a_run_that_does_not_exist_is_refused_in_danish(town: tuple[Settings, Path]) -> None:
    settings, _ = town
    for command in ("show", "replay"):
        result = tvaers(settings, "runs", command, "7")
        assert result.exit_code == 1
        assert "Der er ingen kørsel nr. 7" in result.output
    assert "Der er ingen kørsler endnu" in tvaers(settings, "runs", "list").stdout


def test_runs_are_append_only(town: tuple[Settings, Path]) -> None:
    settings, _ = town
    assert tvaers(settings, "coverage", "--year", "2025", "--format", "json").exit_code == 0
    engine = make_engine(settings.store_url)
    try:
        for statement in (
            "UPDATE analysis_runs SET output_sha256 = 'x'",
            "DELETE FROM analysis_runs",
        ):
            with pytest.raises(Exception, match="kun til tilføjelse"), engine.begin() as conn:
                conn.execute(text(statement))
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM analysis_runs")).scalar() == 1
    finally:
        engine.dispose()


def test_the_code_version_is_the_installed_package_and_its_commit() -> None:
    from importlib import metadata

    found = REAL_CODE_VERSION()  # the autouse fixture patched the module's name
    assert found["version"] == metadata.version("tvaers")
    assert len(found.get("commit", "a" * 40)) == 40


def test_a_selection_and_a_forecast_replay_byte_for_byte(town: tuple[Settings, Path]) -> None:
    from .conftest import add_cli_users

    settings, _ = town
    add_cli_users(settings)
    rules = ("select", "--rules", "kl_mentor_og_stoettekontaktperson", "--as-of", "2025-12-31",
             "--format", "json")  # fmt: skip
    forecast = ("forecast", "--as-of", "2025-03-31", "--format", "json", "--user",
                "finance-consultant")  # fmt: skip
    for number, command in enumerate((rules, forecast), start=1):
        result = tvaers(settings, *command)
        assert result.exit_code == 0, result.output
        run = shown(settings, number)
        assert run["arguments"] == list(command)
        assert run["output_sha256"] == hashlib.sha256(result.stdout.encode()).hexdigest()
        replayed = tvaers(settings, "runs", "replay", str(number))
        assert replayed.exit_code == 0, replayed.output
        assert "byte for byte det samme" in replayed.stdout
    assert set(shown(settings, 1)["inputs"]["store"]) >= {"target_group_rule_versions"}
    assert set(shown(settings, 2)["inputs"]["store"]) >= {"forecast_methods", "grants"}


def test_a_benchmark_replays_byte_for_byte(town: tuple[Settings, Path]) -> None:
    """Issue 15's benchmark across municipalities is an analysis run like the others."""
    from .conftest import add_cli_users

    settings, _ = town
    add_cli_users(settings)
    command = ("benchmark", "--year", "2025", "--format", "json", "--user", "analyst")
    result = tvaers(settings, *command)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)
    run = shown(settings, 1)
    assert run["arguments"] == list(command)
    assert run["output_sha256"] == hashlib.sha256(result.stdout.encode()).hexdigest()
    replayed = tvaers(settings, "runs", "replay", "1")
    assert replayed.exit_code == 0, replayed.output
    assert "byte for byte det samme" in replayed.stdout


def test_the_runs_page_lists_the_runs_for_the_administrator_and_the_analyst(
    settings: Settings,
) -> None:
    from .conftest import client_for, seeded_app

    app = seeded_app(settings)
    try:
        assert tvaers(settings, "coverage", "--format", "json").exit_code == 0
        page = client_for(app, "analyst").get("/koersler")
        assert page.status_code == 200
        assert "tvaers coverage --format json" in page.text
        assert "tvaers 0.1.0 (commit aaaaaaaaaaaa)" in page.text
        assert client_for(app, "administrator").get("/koersler?format=xlsx").status_code == 200
        assert client_for(app, "caseworker").get("/koersler").status_code == 403
    finally:
        app.state.engine.dispose()
