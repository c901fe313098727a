"""The chain a new user follows in the README, on a fresh home, each step fed with the previous
step's output: synth -> import -> users -> solution examples -> basis -> select --candidates ->
enrol -> enrolments --format csv -> baseline --members that file -> draw --solution."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from typer.testing import CliRunner

from tvaers.cli import app

from .conftest import TEST_KEY

runner = CliRunner()
SOLUTION = "Tværgående løsning i Furesø"
PASSWORD = "et-langt-kodeord-123\n"


def test_the_chain_from_files_to_a_solutions_draw(tmp_path: Path) -> None:
    env = {"TVAERS_HOME": str(tmp_path / "home"), "TVAERS_PSEUDONYM_KEY": TEST_KEY,
           "TVAERS_LOG_LEVEL": "WARNING"}  # fmt: skip

    def tvaers(*args: str, user: str | None = "leder", stdin: str | None = None) -> str:
        result = runner.invoke(
            app, list(args), env={**env, **({"TVAERS_USER": user} if user else {})}, input=stdin
        )
        assert result.exit_code == 0, (args, result.output)
        return result.stdout

    files = tmp_path / "kommune"
    tvaers("synth", "--out", str(files), "--citizens", "8000", user=None)
    tvaers("import", str(files), user=None)
    # the operator creates the first administrator, who creates the solution leader
    tvaers("user", "add", "admin", "--role", "administrator", "--password-stdin", user=None,
           stdin=PASSWORD)  # fmt: skip
    tvaers("user", "add", "leder", "--role", "solution_leader", "--password-stdin",
           "--user", "admin", stdin=PASSWORD)  # fmt: skip
    assert "5 eksempelløsninger er indlæst" in tvaers("solution", "examples")
    added = tvaers("basis", "add", "--solution", SOLUTION, "--kind", "legal_basis",
                   "--reference", "Retssikkerhedslovens § 11 c", "--valid-from", "2026-01-01")  # fmt: skip
    assert "registreret som nr." in added
    candidates = tmp_path / "kandidater.csv"
    tvaers("select", "--rules", "furesoe", "--as-of", "2026-01-31", "--candidates",
           "--solution", SOLUTION, "--purpose", "casework", "--out", str(candidates))  # fmt: skip
    listed = list(csv.DictReader(candidates.open(encoding="utf-8-sig")))
    chosen = [row["citizen"] for row in listed]
    assert len(chosen) >= 5
    # the caseworker can tell who they are: the CPR number from the encrypted identity store
    assert all(len(row["cpr"]) == 11 and row["cpr"][6] == "-" for row in listed)
    for citizen in chosen:
        tvaers("enrol", "--solution", SOLUTION, "--citizen", citizen, "--date", "2026-02-01",
               "--motivation", "high", "--potential", "medium", "--rules", "furesoe")  # fmt: skip
    enrolled = tmp_path / "indskrevne.csv"
    tvaers("enrolments", "--solution", SOLUTION, "--format", "csv", "--out", str(enrolled))
    rows = list(csv.DictReader(enrolled.open(encoding="utf-8-sig")))
    assert sorted(r["subject"] for r in rows) == sorted(chosen)
    baseline = json.loads(tvaers("baseline", "--members", str(enrolled), "--format", "json"))
    # the enrolment date is each member's reference date: the 12 months before February 2026
    total = next(r for r in baseline["baseline"] if r["sector_area"] == "total")
    assert total["units"] == len(chosen)
    same = json.loads(tvaers("baseline", "--solution", SOLUTION, "--format", "json"))
    assert same["baseline"] == baseline["baseline"]
    draw = json.loads(tvaers("draw", "--solution", SOLUTION, "--year", "2026", "--by", "citizen",
                             "--purpose", "casework", "--format", "json"))  # fmt: skip
    assert {r["citizen"] for r in draw["draw"]} <= set(chosen)
    assert min(r["month"] for r in draw["draw"]) >= "2026-02"
    aggregate = json.loads(tvaers("draw", "--solution", SOLUTION, "--year", "2026",
                                  "--format", "json", user=None))  # fmt: skip
    assert aggregate["draw"], "the solution's draw per area and month"
    contacts = json.loads(tvaers("contacts", "--solution", SOLUTION, "--year", "2026", "--by",
                                 "citizen", "--purpose", "casework", "--format", "json"))  # fmt: skip
    assert {r["citizen"] for r in contacts["contacts"]} <= set(chosen)
    few = json.loads(tvaers("concentration", "--solution", SOLUTION, "--year", "2026",
                            "--format", "json", user=None))  # fmt: skip
    everyone = json.loads(tvaers("concentration", "--year", "2026", "--format", "json",
                                 user=None))  # fmt: skip
    assert 0 < few["concentration"][0]["units"] <= len(chosen)
    assert everyone["concentration"][0]["units"] > 10 * len(chosen)
