"""``tvaers select|enrol|discharge|enrolments`` and ``tvaers rules``: statistics without
identities by default, candidates only under the casework purpose with a basis (logged), rules
round-trip through the database, and enrolment is dated, audited and refused when wrong."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from tvaers.anchoring import examples
from tvaers.cli import app
from tvaers.core.config import Settings
from tvaers.data.importer import import_folder
from tvaers.selection.rule_files import ready_made
from tvaers.store.database import make_engine, sessions, upgrade
from tvaers.store.models import AuditEntry, Enrolment, SelectionDecision

from .conftest import CLI_USERS, FIXTURES, TEST_KEY, add_cli_users, record_selection_basis
from .test_selection_engine import CPR, EXPECTED, PSEUDONYM

runner = CliRunner()
SOLUTION = "Tværgående løsning i Furesø"
BASIS = "Samtykke af 1. december 2025, j.nr. 27.00.00-A00-1-25"
CASEWORKER = ["--user", CLI_USERS["caseworker"]]
ANALYST = ["--user", CLI_USERS["analyst"]]


@pytest.fixture(scope="module")
def town(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    settings = Settings(home=tmp_path_factory.mktemp("select_cli") / "home", pseudonym_key=TEST_KEY)
    import_folder(FIXTURES / "selection", settings, user="test")
    engine = make_engine(settings.store_url)
    upgrade(engine)
    with sessions(engine)() as session:
        examples.load(session)
        session.commit()
    engine.dispose()
    add_cli_users(settings)
    record_selection_basis(settings, SOLUTION)
    return settings


def tvaers(town: Settings, *args: str):  # type: ignore[no-untyped-def]
    env = {"TVAERS_HOME": str(town.home), "TVAERS_PSEUDONYM_KEY": TEST_KEY,
           "TVAERS_LOG_LEVEL": "WARNING"}  # fmt: skip
    return runner.invoke(app, list(args), env=env)


def rows_of(town: Settings, model: type) -> list:  # type: ignore[type-arg]
    engine = make_engine(town.store_url)
    try:
        with sessions(engine)() as session:
            return list(session.scalars(select(model).order_by(model.id)))
    finally:
        engine.dispose()


def test_select_gives_statistics_without_identities(town: Settings) -> None:
    result = tvaers(town, "select", "--rules", "kl_mentor_og_stoettekontaktperson",
                    "--format", "json")  # fmt: skip
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    head = found["summary"][0]
    assert head["population"] == 22 and head["as_of"] == "2025-12-31"
    assert head["units"] == 5  # anna, carl, dina, gustav, hans: five, so published
    assert {"funnel", "what_if", "cost_by_area", "by_areas", "by_age", "by_benefit"} <= set(found)
    assert not any(p in result.stdout for p in PSEUDONYM.values())


def test_a_small_group_is_hidden(town: Settings) -> None:
    result = tvaers(town, "select", "--rules", "kl_misbrug_og_overfoerselsindkomst",
                    "--format", "json")  # fmt: skip
    assert result.exit_code == 0, result.output
    head = json.loads(result.stdout)["summary"][0]
    assert head["units"] is None and head["cost"] is None and head["note"]
    assert PSEUDONYM["hans"] not in result.stdout


def test_candidates_are_refused_without_casework_and_basis(town: Settings) -> None:
    before = len(rows_of(town, AuditEntry))
    for extra, message in (
        ([], "kandidatliste"),
        (["--solution", SOLUTION], "TVAERS_USER"),
        (["--solution", SOLUTION, "--purpose", "casework", "--user", "nobody"], "findes ikke"),
        (["--solution", SOLUTION, "--purpose", "casework", "--user", "analyst"], "analytiker"),
        (["--solution", SOLUTION, *CASEWORKER], "sagsbehandlingsformål"),
        (["--solution", SOLUTION, "--purpose", "casework", "--user", "laast"], "spærret"),
        (["--solution", SOLUTION, "--purpose", "casework", "--basis", "999", *CASEWORKER],
         "Grundlag nr. 999"),
    ):  # fmt: skip
        result = tvaers(town, "select", "--rules", "furesoe", "--candidates", *extra)
        assert result.exit_code == 1, (extra, result.output)
        assert "Afvist" in result.output and message in said(result), (extra, result.output)
        assert PSEUDONYM["anna"] not in result.output
    assert len(rows_of(town, AuditEntry)) == before


def test_candidates_under_casework_are_the_group_ranked_and_logged(town: Settings) -> None:
    result = tvaers(town, "select", "--rules", "kl_mentor_og_stoettekontaktperson",
                    "--candidates", "--purpose", "casework", "--solution", SOLUTION,
                    *CASEWORKER, "--format", "json")  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)["candidates"]
    expected = {PSEUDONYM[n] for n in EXPECTED["kl_mentor_og_stoettekontaktperson"]}
    assert {r["citizen"] for r in rows} == expected
    assert [r["rank"] for r in rows] == list(range(1, len(rows) + 1))
    assert [float(r["score"]) for r in rows] == sorted((float(r["score"]) for r in rows),
                                                       reverse=True)  # fmt: skip
    entry = [e for e in rows_of(town, AuditEntry) if e.action == "cli_select"][-1]
    assert entry.actor == "caseworker" and entry.purpose == "casework"
    assert entry.basis == f"Samtykke: {BASIS}"
    assert entry.detail is not None and entry.detail["candidates"] == len(expected)
    assert entry.detail["rule"] == "kl_mentor_og_stoettekontaktperson"
    listed = [e for e in rows_of(town, AuditEntry) if e.action == "paa_kandidatliste"]
    assert {e.citizen for e in listed} == expected and len(listed) == len(expected)
    assert all(e.actor == "caseworker" and e.detail["list"] == "cli_select" for e in listed)


def test_rules_round_trip_and_malformed_rules_are_refused(town: Settings, tmp_path: Path) -> None:
    text = ready_made()["kl_udsatte_unge"][1].replace("kl_udsatte_unge", "unge_18_25")
    text = text.replace("min: 17, max: 25", "min: 18, max: 25")
    source = tmp_path / "unge.yaml"
    source.write_text("# Vores egen variant\n" + text, "utf-8")
    result = tvaers(town, "rules", "import", str(source), "--note", "fra 18 år", *ANALYST)
    assert result.exit_code == 0, result.output
    assert "version 1" in result.output
    again = tvaers(town, "rules", "import", str(source), *ANALYST)
    assert "uændret" in again.output and "version 1" in again.output  # no new version
    exported = tmp_path / "ud.yaml"
    result = tvaers(town, "rules", "export", "unge_18_25", "--out", str(exported))
    assert result.exit_code == 0, result.output
    assert exported.read_bytes() == source.read_bytes()
    listed = tvaers(town, "rules", "list")
    assert "unge_18_25" in listed.output and "furesoe" in listed.output
    broken = tmp_path / "fejl.yaml"
    broken.write_text(text.replace("min: 18, max: 25", "min: 25, max: 18"), "utf-8")
    result = tvaers(town, "rules", "import", str(broken), *ANALYST)
    assert result.exit_code == 1
    assert "include.all[0].age" in result.output and "større end" in result.output
    # a file given to select is read directly, with the same checks
    result = tvaers(town, "select", "--rules", str(broken))
    assert result.exit_code == 1 and "include.all[0].age" in result.output


def test_enrol_and_discharge_are_dated_audited_and_checked(town: Settings) -> None:
    tvaers(town, "rules", "list")  # loads the ready-made rule sets, whatever ran before
    enrol = tvaers(town, "enrol", "--solution", SOLUTION, "--cpr", CPR["anna"],
                   "--date", "2026-01-05", "--assessed-on", "2026-01-02",
                   "--motivation", "high", "--potential", "medium", "--rules", "furesoe",
                   *CASEWORKER)  # fmt: skip
    assert enrol.exit_code == 0, enrol.output
    assert CPR["anna"] not in "".join(str(r.__dict__) for r in rows_of(town, AuditEntry))
    twice = tvaers(town, "enrol", "--solution", SOLUTION, "--citizen", PSEUDONYM["anna"],
                   "--date", "2026-01-06", "--without-assessment", *CASEWORKER)  # fmt: skip
    assert twice.exit_code == 1 and "allerede" in twice.output
    listed = tvaers(town, "enrolments", "--solution", SOLUTION, *CASEWORKER,
                    "--format", "json")  # fmt: skip
    assert listed.exit_code == 0, listed.output
    rows = json.loads(listed.stdout)["enrolments"]
    assert [(r["subject"], r["enrolled_on"]) for r in rows] == [(PSEUDONYM["anna"], "2026-01-05")]
    for who in ([], ["--user", "analyst"], ["--user", "stoppet"]):
        refused = tvaers(town, "enrolments", "--solution", SOLUTION, *who)
        assert refused.exit_code == 1 and PSEUDONYM["anna"] not in refused.output
    early = tvaers(town, "discharge", "--solution", SOLUTION, "--citizen", PSEUDONYM["anna"],
                   "--date", "2026-01-01", "--reason", "i job", *CASEWORKER)  # fmt: skip
    assert early.exit_code == 1  # before the enrolment date
    done = tvaers(town, "discharge", "--solution", SOLUTION, "--citizen", PSEUDONYM["anna"],
                  "--date", "2026-06-30", "--reason", "i job", *CASEWORKER)  # fmt: skip
    assert done.exit_code == 0, done.output
    (enrolment,) = rows_of(town, Enrolment)
    assert enrolment.discharged_on.isoformat() == "2026-06-30"
    assert enrolment.discharge_reason == "i job" and enrolment.rule_key == "furesoe"
    kinds = [d.kind for d in rows_of(town, SelectionDecision)]
    assert kinds == ["assessment", "enrolment", "discharge"]
    actions = [e.action for e in rows_of(town, AuditEntry) if e.citizen == PSEUDONYM["anna"]]
    assert {"kandidat_vurderet", "indskrevet_i_loesning", "udskrevet_af_loesning"} <= set(actions)
    unknown = tvaers(town, "enrol", "--solution", "Findes ikke", "--citizen", PSEUDONYM["bo"],
                     "--date", "2026-01-05", "--without-assessment", *CASEWORKER)  # fmt: skip
    assert unknown.exit_code == 1 and "findes ikke" in unknown.output
    bad_cpr = tvaers(town, "enrol", "--solution", SOLUTION, "--cpr", "3213001234",
                     "--date", "2026-01-05", "--without-assessment", *CASEWORKER)  # fmt: skip
    assert bad_cpr.exit_code == 1 and "--cpr" in bad_cpr.output


def said(result) -> str:  # type: ignore[no-untyped-def]
    """The output as one line (the console wraps long messages)."""
    return " ".join(result.output.split())


def test_bad_input_gets_a_danish_message_and_nothing_half_done(
    town: Settings, tmp_path: Path
) -> None:
    """What a consultant types wrong: a rule file saved as ANSI in Notepad (read), a folder,
    an output file that cannot be written, a purpose that does not exist, a person or a date
    that cannot be right. A Danish message, no traceback, nothing logged or written."""
    ansi = tmp_path / "ansi.yaml"
    ansi.write_bytes(
        ready_made()["furesoe"][1].replace("rule_set: furesoe", "rule_set: ansi").encode("cp1252")
    )
    read = tvaers(town, "select", "--rules", str(ansi), "--format", "json")
    assert read.exit_code == 0, read.output
    assert json.loads(read.stdout)["summary"][0]["label"].startswith("Furesø")
    binary = tmp_path / "billede.yaml"
    binary.write_bytes(b"\x89PNG\x00\x00")
    for args, message in (
        (["select", "--rules", str(tmp_path)], "er en mappe"),
        (["select", "--rules", ""], "Angiv et regelsæt"),
        (["rules", "import", str(binary), *ANALYST], "ikke en tekstfil"),
        (["rules", "import", str(binary), *CASEWORKER], "At gemme regelsæt kræver"),
        (["select", "--rules", "furesoe", "--purpose", "foo"], "Formålet 'foo' findes ikke"),
    ):
        result = tvaers(town, *args)
        assert result.exit_code == 1 and message in said(result), (args, result.output)
        assert result.exception is None or isinstance(result.exception, SystemExit)
    before = len(rows_of(town, AuditEntry))
    candidates = ["select", "--rules", "furesoe", "--candidates", "--purpose", "casework",
                  "--solution", SOLUTION, *CASEWORKER]  # fmt: skip
    for out, message in (
        ([], "Excel skal skrives til en fil"),
        (["--out", str(tmp_path)], "er en mappe"),
        (["--out", str(ansi / "x.csv")], "er en fil, ikke en mappe"),
        (["--out", str(tmp_path / "k.csv"), "--format", "xlsx"], "passer ikke til filen"),
    ):
        fmt = [] if "--format" in out else ["--format", "xlsx"] if not out else []
        result = tvaers(town, *candidates, *fmt, *out)
        assert result.exit_code == 1 and message in said(result), (out, result.output)
        assert not isinstance(result.exception, (OSError, ValueError))
    assert len(rows_of(town, AuditEntry)) == before  # nothing shown, nothing logged
    assert not (tmp_path / "k.csv").exists()
    # the file's extension chooses the format when --format is left out
    excel = tmp_path / "ud" / "gruppe.xlsx"
    made = tvaers(town, "select", "--rules", "furesoe", "--out", str(excel))
    assert made.exit_code == 0, made.output
    assert excel.read_bytes()[:2] == b"PK"  # a real workbook, not CSV text
    # a look-back window the data cut short is said, not silently used
    early = tvaers(town, "select", "--rules", "furesoe", "--as-of", "2025-03-31")
    assert early.exit_code == 0 and "Data dækker kun 3 af de 12 måneder" in said(early)
    refused = tvaers(town, "select", "--rules", "furesoe", "--candidates")
    assert "--solution" in said(refused) and "--by" not in said(refused)
    # a person not in the data, and dates that must be typing errors, are not enrolled
    decisions = len(rows_of(town, SelectionDecision))
    for subject, day, message in (
        (["--citizen", "a" * 20], "2026-01-05", "findes ikke i de indlæste data"),
        (["--family", "99999999"], "2026-01-05", "findes ikke i de indlæste data"),
        (["--citizen", PSEUDONYM["bo"]], "1900-01-01", "før år 2000"),
        (["--citizen", PSEUDONYM["bo"]], "2099-12-31", "i fremtiden"),
    ):
        result = tvaers(town, "enrol", "--solution", SOLUTION, *subject, "--date", day,
                        "--assessed-on", "2025-12-01", "--without-assessment",
                        *CASEWORKER)  # fmt: skip
        assert result.exit_code == 1 and message in said(result), (subject, result.output)
    assert len(rows_of(town, SelectionDecision)) == decisions
