"""The access matrix of the README on the command line, as ``test_web_access.py`` checks it for
the pages: every person-level or deciding command, for every role x purpose, with and without a
recorded basis, gives the answer the web gives; an unknown, locked or deactivated user is
refused; every allowed person-level run writes exactly one audit entry naming the real user."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from tvaers.anchoring import examples
from tvaers.cli import app
from tvaers.core.config import Settings
from tvaers.data.importer import import_folder
from tvaers.store.database import make_engine, sessions, upgrade
from tvaers.store.models import AuditEntry

from .conftest import (
    CLI_USERS,
    FIXTURES,
    ROLES,
    TEST_KEY,
    add_cli_users,
    record_selection_basis,
)
from .test_selection_engine import PSEUDONYM
from .test_web_access import BASIS_RECORDERS, CASEWORK, RULE_EDITORS

runner = CliRunner()
WITH_BASIS = "Tværgående løsning i Furesø"
WITHOUT_BASIS = "Tværgående løsning i Helsingør"
MICRODATA = {"analyst", "finance_consultant"}  # the CLI's decision, in docs/cli.md
PURPOSES = ("statistical", "casework")

# (name, arguments, roles allowed, needs the casework purpose, needs the statistical purpose)
COMMANDS = [
    ("candidates", ["select", "--rules", "furesoe", "--candidates", "--solution", WITH_BASIS],
     CASEWORK, True, False),
    ("candidates without basis", ["select", "--rules", "furesoe", "--candidates", "--solution",
                                  WITHOUT_BASIS], set(), True, False),
    ("enrolled", ["enrolments", "--solution", WITH_BASIS], CASEWORK, True, False),
    ("enrolled without basis", ["enrolments", "--solution", WITHOUT_BASIS], set(), True, False),
    ("a solution's draw", ["draw", "--by", "citizen", "--solution", WITH_BASIS], CASEWORK, True,
     False),
    ("microdata", ["draw", "--by", "citizen"], MICRODATA, False, True),
    ("microdata contacts", ["contacts", "--by", "family"], MICRODATA, False, True),
    ("bases of a solution", ["basis", "list", "--solution", WITH_BASIS], CASEWORK, True, False),
]  # fmt: skip


@pytest.fixture(scope="module")
def town(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    settings = Settings(home=tmp_path_factory.mktemp("cli_access") / "home", pseudonym_key=TEST_KEY)
    import_folder(FIXTURES / "selection", settings, user="test")
    engine = make_engine(settings.store_url)
    upgrade(engine)
    with sessions(engine)() as session:
        examples.load(session)
        session.commit()
    engine.dispose()
    add_cli_users(settings)
    record_selection_basis(settings, WITH_BASIS)
    return settings


def tvaers(town: Settings, *args: str):  # type: ignore[no-untyped-def]
    env = {"TVAERS_HOME": str(town.home), "TVAERS_PSEUDONYM_KEY": TEST_KEY,
           "TVAERS_LOG_LEVEL": "WARNING"}  # fmt: skip
    return runner.invoke(app, list(args), env=env)


def entries(town: Settings) -> list[AuditEntry]:
    engine = make_engine(town.store_url)
    try:
        with sessions(engine)() as session:
            return list(session.scalars(select(AuditEntry).order_by(AuditEntry.id)))
    finally:
        engine.dispose()


def expected(role: str, purpose: str, allowed: set[str], casework: bool, statistical: bool) -> bool:
    """The web's rule: the role is allowed and the purpose is one the role may use and the
    action needs (a role outside CASEWORK never gets the casework purpose)."""
    if purpose == "casework" and role not in CASEWORK:
        return False
    return (
        role in allowed
        and (purpose == "casework" or not casework)
        and (purpose == "statistical" or not statistical)
    )


@pytest.mark.parametrize("purpose", PURPOSES)
@pytest.mark.parametrize("role", ROLES)
def test_cli_access_matrix(town: Settings, role: str, purpose: str) -> None:
    user = CLI_USERS[role]
    for name, args, allowed, casework, statistical in COMMANDS:
        before = entries(town)
        result = tvaers(town, *args, "--purpose", purpose, "--user", user, "--format", "json") \
            if args[0] != "basis" else tvaers(town, *args, "--user", user)  # fmt: skip
        allow = expected(role, purpose, allowed, casework, statistical)
        if args[0] == "basis":  # the list of bases always works under casework
            allow = role in CASEWORK
        assert result.exit_code == (0 if allow else 1), (name, role, purpose, result.output)
        new = entries(town)[len(before) :]
        if not allow:
            assert "Afvist" in result.output, (name, role, purpose, result.output)
            assert new == [], (name, role, purpose)
            assert not any(p in result.output for p in PSEUDONYM.values())
            continue
        runs = [e for e in new if e.action not in ("paa_kandidatliste", "cpr_vist")]
        listed = [e.citizen for e in new if e.action == "paa_kandidatliste"]
        revealed = [e.citizen for e in new if e.action == "cpr_vist"]
        assert sorted(revealed) == (sorted(listed) if args[0] == "select" else [])
        if args[0] == "basis":  # the bases of a solution name nobody: nothing to log
            assert runs == [], (name, role, purpose)
            continue
        assert len(runs) == 1, (name, role, purpose, [e.action for e in new])
        assert all(e.actor == user for e in new), (name, role, purpose)
        assert runs[0].purpose == ("casework" if casework or args[0] == "basis" else purpose)


@pytest.mark.parametrize("role", ROLES)
def test_deciding_commands_follow_the_matrix(town: Settings, role: str) -> None:
    """Enrolment (casework with the solution's basis), a selection basis (those who record
    bases), a rule set (rule editors) and user administration (the administrator)."""
    user = CLI_USERS[role]
    subject = {"caseworker": "anna", "solution_leader": "bo", "area_chief": "carl",
               "finance_consultant": "dina"}.get(role, "erik")  # fmt: skip
    enrol = tvaers(town, "enrol", "--solution", WITH_BASIS, "--citizen", PSEUDONYM[subject],
                   "--date", "2026-01-05", "--without-assessment", "--user", user)  # fmt: skip
    assert enrol.exit_code == (0 if role in CASEWORK else 1), (role, enrol.output)
    basis = tvaers(town, "basis", "add", "--solution", WITHOUT_BASIS, "--kind", "consent",
                   "--reference", f"j.nr. {role}", "--valid-from", "2026-01-01",
                   "--user", user)  # fmt: skip
    assert basis.exit_code == (0 if role in BASIS_RECORDERS else 1), (role, basis.output)
    rule = FIXTURES.parent.parent / "src" / "tvaers" / "selection" / "rulesets" / "furesoe.yaml"
    rules = tvaers(town, "rules", "import", str(rule), "--user", user)
    assert rules.exit_code == (0 if role in RULE_EDITORS else 1), (role, rules.output)
    account = runner.invoke(
        app, ["user", "add", f"ny-{role}", "--role", "analyst", "--password-stdin", "--user", user],
        input="et-langt-kodeord-123\n",
        env={"TVAERS_HOME": str(town.home), "TVAERS_PSEUDONYM_KEY": TEST_KEY},
    )  # fmt: skip
    assert account.exit_code == (0 if role == "administrator" else 1), (role, account.output)
    if role in CASEWORK:  # the decisions are logged in the real user's name
        decisions = {"kandidat_vurderet", "indskrevet_i_loesning"}
        mine = [e for e in entries(town)
                if e.citizen == PSEUDONYM[subject] and e.action in decisions]  # fmt: skip
        assert {e.actor for e in mine} == {user}
        assert {e.action for e in mine} == decisions


@pytest.mark.parametrize(
    ("user", "message"),
    [("nobody", "findes ikke"), ("laast", "spærret"), ("stoppet", "deaktiveret"),
     ("", "TVAERS_USER")],
)  # fmt: skip
def test_unknown_locked_and_deactivated_users_are_refused(
    town: Settings, user: str, message: str
) -> None:
    before = len(entries(town))
    for args in (["select", "--rules", "furesoe", "--candidates", "--solution", WITH_BASIS,
                  "--purpose", "casework"], ["enrolments", "--solution", WITH_BASIS],
                 ["draw", "--by", "citizen"]):  # fmt: skip
        result = tvaers(town, *args, *(["--user", user] if user else []))
        assert result.exit_code == 1 and "Afvist" in result.output, (args, result.output)
        assert message in " ".join(result.output.split()), (args, result.output)
        assert not any(p in result.output for p in PSEUDONYM.values())
    assert len(entries(town)) == before


def test_the_user_can_come_from_the_environment(town: Settings) -> None:
    env = {"TVAERS_HOME": str(town.home), "TVAERS_PSEUDONYM_KEY": TEST_KEY,
           "TVAERS_LOG_LEVEL": "WARNING", "TVAERS_USER": CLI_USERS["solution_leader"]}  # fmt: skip
    result = runner.invoke(app, ["enrolments", "--solution", WITH_BASIS], env=env)
    assert result.exit_code == 0, result.output
    assert entries(town)[-1].actor == CLI_USERS["solution_leader"]
