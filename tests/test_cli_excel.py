"""The command line's Excel (issue 11 #7): every command that writes a workbook (``--out
FIL.xlsx``, and ``tvaers import --report``) writes one workbook whose months are real dates shown
«mmm yyyy», whose counts and dates are not text, and whose charts are native — the same as the
web's downloads, read back the same way (:mod:`tests.workbooks`). Over the hand-made selection
municipality with every citizen enrolled in Furesø's solution from 1 July 2025."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from tvaers.anchoring import examples
from tvaers.cli import app
from tvaers.core.config import Settings
from tvaers.data.importer import import_folder
from tvaers.store.database import make_engine, sessions, upgrade
from tvaers.store.models import Solution

from .conftest import CLI_USERS, FIXTURES, TEST_KEY, add_cli_users, record_selection_basis
from .test_web_selection import ALL_ACTIVE
from .workbooks import read_workbook

runner = CliRunner()
SOLUTION = "Tværgående løsning i Furesø"
ENROLLED_ON = date(2025, 7, 1)
ANALYST = ("--user", CLI_USERS["analyst"])
CASEWORKER = ("--user", CLI_USERS["caseworker"])


@pytest.fixture(scope="module")
def town(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, int]:
    """The selection municipality, one user per role, everyone enrolled in Furesø's solution
    from 1 July 2025 and a selection basis for it (its number is returned)."""
    from tvaers.draw import service
    from tvaers.selection import decisions

    settings = Settings(home=tmp_path_factory.mktemp("cli_excel") / "home", pseudonym_key=TEST_KEY)
    import_folder(FIXTURES / "selection", settings, user="test")
    engine = make_engine(settings.store_url)
    upgrade(engine)
    with service.opened(settings) as analysis:
        citizens = analysis.table("citizens").citizen.to_pyarrow().to_pylist()
    with sessions(engine)() as session:
        examples.load(session)
        session.commit()
        solution = session.scalars(select(Solution).where(Solution.name == SOLUTION)).one().id
        for subject in sorted(citizens):
            decisions.assess(session, solution, "citizen", subject, "accepted", "high", "high",
                             None, "test", "Hjemmel", enrol_on=ENROLLED_ON,
                             assessed_on=ENROLLED_ON)  # fmt: skip
        session.commit()
    engine.dispose()
    add_cli_users(settings)
    return settings, record_selection_basis(settings, SOLUTION)


def tvaers(settings: Settings, *args: str):  # type: ignore[no-untyped-def]
    env = {"TVAERS_HOME": str(settings.home), "TVAERS_PSEUDONYM_KEY": TEST_KEY,
           "TVAERS_LOG_LEVEL": "WARNING"}  # fmt: skip
    return runner.invoke(app, list(args), env=env)


def _commands(basis: int, rules: Path) -> list[tuple[tuple[str, ...], int, bool]]:
    """Each command that writes Excel: its arguments, how many of its tables have a chart, and
    whether it has a month column."""
    casework = ("--purpose", "casework", "--basis", str(basis), *CASEWORKER)
    candidates = ("--candidates", "--solution", SOLUTION, *casework)
    return [
        (("summary", "--year", "2025"), 1, False),
        (("draw", "--year", "2025"), 0, True),
        (("draw", "--year", "2025", "--by", "citizen", *ANALYST), 0, True),
        (("draw", "--solution", SOLUTION, "--by", "citizen", *casework), 0, True),
        (("coverage", "--year", "2025"), 0, False),
        (("coverage", "--year", "2025", "--all-amounts", *ANALYST), 0, False),
        (("concentration", "--year", "2025"), 1, False),
        (("concentration", "--solution", SOLUTION), 1, False),
        (("contacts", "--year", "2025"), 0, False),
        (("contacts", "--year", "2025", "--by", "family", *ANALYST), 0, False),
        (("baseline", "--solution", SOLUTION), 0, False),
        (("baseline", "--solution", SOLUTION, "--by", "citizen", *casework), 0, False),
        (("select", "--rules", str(rules)), 1, False),
        (("select", "--rules", "furesoe", *candidates), 0, False),
        (("enrolments", "--solution", SOLUTION, *casework), 0, False),
    ]


def test_every_command_writes_one_workbook_with_dates_and_native_charts(
    town: tuple[Settings, int], tmp_path: Path
) -> None:
    settings, basis = town
    rules = tmp_path / "alle_aktive.yaml"
    rules.write_text(ALL_ACTIVE, encoding="utf-8")
    problems, checked = [], []
    for number, (args, charts, months) in enumerate(_commands(basis, rules)):
        out = tmp_path / f"{number:02d}-{args[0]}.xlsx"
        result = tvaers(settings, *args, "--out", str(out))
        assert result.exit_code == 0, (args, result.output)
        assert [p.name for p in tmp_path.glob(f"{number:02d}-*")] == [out.name], args  # one file
        book = read_workbook(" ".join(args), out.read_bytes())
        checked.append(f"{book.url}: {book.sheets} sheets, {book.charts} charts, "
                       f"{book.months} month dates")  # fmt: skip
        problems += [f"{book.url}: {p}" for p in book.problems]
        if book.charts != charts:
            problems.append(f"{book.url}: {book.charts} native charts, {charts} expected")
        if months and not book.months:
            problems.append(f"{book.url}: no month as a date")
    print("\n" + "\n".join(checked))
    assert not problems, "\n".join(problems)
    assert len(checked) == 15


def test_the_refused_imports_report_is_a_workbook_too(tmp_path: Path) -> None:
    folder = tmp_path / "kommune"
    shutil.copytree(FIXTURES / "selection", folder)
    citizens = folder / "citizens.csv"
    lines = citizens.read_text(encoding="utf-8").splitlines()
    citizens.write_text("\n".join([lines[0], "ikke,et,cpr-nummer", *lines[1:]]) + "\n", "utf-8")
    settings = Settings(home=tmp_path / "home", pseudonym_key=TEST_KEY)
    report = tmp_path / "rapport.xlsx"
    result = tvaers(settings, "import", str(folder), "--report", str(report))
    assert result.exit_code != 0 and report.is_file(), result.output
    book = read_workbook("import --report", report.read_bytes())
    assert book.sheets == 1 and not book.problems, book.problems
