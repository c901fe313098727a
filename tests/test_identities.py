"""Who a pseudonym is: the clear CPR number and name live only in the encrypted identity store,
with its own key; a caseworker with a basis for the citizen sees them, one audit entry per
reveal; every other combination is refused and logs nothing; no other file under TVAERS_HOME
holds a clear CPR number or a name (a scan)."""

from __future__ import annotations

import csv
import shutil
import stat
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from tvaers.cli import app
from tvaers.core.config import Settings
from tvaers.core.errors import ConfigError
from tvaers.data.importer import import_folder
from tvaers.store.database import make_engine, sessions
from tvaers.store.identities import identities
from tvaers.store.models import AuditEntry

from .conftest import CLI_USERS, FIXTURES, ROLES, TEST_KEY, add_cli_users
from .test_selection_engine import CPR, PSEUDONYM

runner = CliRunner()
NAMES = {name: f"{name.title()} Testesen" for name in CPR}


@pytest.fixture(scope="module")
def town(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The selection fixture with a name column added to the citizens file."""
    folder = tmp_path_factory.mktemp("files") / "kommune"
    shutil.copytree(FIXTURES / "selection", folder)
    source = next(p for p in folder.iterdir() if p.stem in ("citizens", "borgere"))
    with source.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    number_of = {cpr: name for name, cpr in CPR.items()}
    with source.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, [*rows[0].keys(), "navn"])
        writer.writeheader()
        for row in rows:
            writer.writerow({**row, "navn": NAMES.get(number_of.get(row["cpr"], ""), "")})
    settings = Settings(home=tmp_path_factory.mktemp("identities") / "home",
                        pseudonym_key=TEST_KEY)  # fmt: skip
    import_folder(folder, settings, user="test")
    add_cli_users(settings)
    return settings


def tvaers(town: Settings, *args: str):  # type: ignore[no-untyped-def]
    env = {"TVAERS_HOME": str(town.home), "TVAERS_PSEUDONYM_KEY": TEST_KEY,
           "TVAERS_LOG_LEVEL": "WARNING"}  # fmt: skip
    return runner.invoke(app, list(args), env=env)


def reveals(town: Settings) -> list[AuditEntry]:
    engine = make_engine(town.store_url)
    try:
        with sessions(engine)() as session:
            query = select(AuditEntry).where(AuditEntry.action == "cpr_vist")
            return list(session.scalars(query.order_by(AuditEntry.id)))
    finally:
        engine.dispose()


def test_no_clear_cpr_number_or_name_outside_the_encrypted_store(town: Settings) -> None:
    assert town.identity_path.exists()
    assert stat.S_IMODE(town.identity_path.stat().st_mode) == 0o600
    assert stat.S_IMODE(town.home.stat().st_mode) == 0o700
    assert town.home not in town.keys_dir.parents  # the keys are not in the data folder
    secrets = {town.identity_path}
    clear = [*CPR.values(), *(f"{c[:6]}-{c[6:]}" for c in CPR.values()), *NAMES.values()]
    for path in town.home.rglob("*"):
        if path.is_file() and path not in secrets:
            data = path.read_bytes()
            found = [c for c in clear if c.encode() in data]
            assert not found, (path, found[:3])
    sealed = town.identity_path.read_bytes()
    assert not any(c.encode() in sealed for c in clear)  # encrypted, not just compressed


def test_the_store_opens_with_its_own_key_only(town: Settings) -> None:
    found = identities(town.identity_key_bytes, town.identity_path, [PSEUDONYM["anna"]])
    assert found[PSEUDONYM["anna"]].cpr == CPR["anna"]
    assert found[PSEUDONYM["anna"]].name == NAMES["anna"]
    with pytest.raises(ConfigError, match="kan ikke åbnes"):
        identities(bytes(32), town.identity_path, [PSEUDONYM["anna"]])
    assert town.identity_key_bytes != town.key_bytes[:32]


@pytest.mark.parametrize("role", ROLES)
def test_a_reveal_needs_casework_and_a_basis_and_is_logged_once(town: Settings, role: str) -> None:
    user = CLI_USERS[role]
    name = ("bo", "dina", "erik", "frida", "gustav", "hans")[ROLES.index(role)]
    citizen = PSEUDONYM[name]
    before = len(reveals(town))
    without = tvaers(town, "reveal", "--citizen", citizen, "--user", user)
    assert without.exit_code == 1 and CPR[name][:6] not in without.output
    assert len(reveals(town)) == before
    may = role in {"caseworker", "solution_leader", "area_chief"}
    added = tvaers(town, "basis", "add", "--citizen", citizen, "--kind", "consent",
                   "--reference", f"Samtykke, j.nr. {role}", "--valid-from", "2025-01-01",
                   "--user", user)  # fmt: skip
    assert added.exit_code == (0 if may else 1), added.output
    if not may:  # record one as a caseworker, so only the role can be what refuses
        tvaers(town, "basis", "add", "--citizen", citizen, "--kind", "consent", "--reference",
               "Samtykke", "--valid-from", "2025-01-01", "--user", "caseworker")  # fmt: skip
    shown = tvaers(town, "reveal", "--citizen", citizen, "--user", user)
    allowed = role in {"caseworker", "solution_leader", "area_chief", "finance_consultant"}
    assert shown.exit_code == (0 if allowed else 1), shown.output
    assert (f"{CPR[name][:6]}-{CPR[name][6:]}" in shown.output) is allowed
    assert (NAMES[name] in shown.output) is allowed
    logged = reveals(town)[before:]
    assert len(logged) == (1 if allowed else 0)
    if allowed:
        assert (logged[0].actor, logged[0].citizen, logged[0].purpose) == (
            user,
            citizen,
            "casework",
        )
        assert CPR[name] not in str(logged[0].detail) and NAMES[name] not in str(logged[0].detail)


def test_the_web_shows_the_identity_on_request_and_logs_it(town: Settings, tmp_path: Path) -> None:
    from tvaers.web.app import create_app

    from .conftest import client_for

    tvaers(town, "basis", "add", "--citizen", PSEUDONYM["carl"], "--kind", "consent",
           "--reference", "Samtykke", "--valid-from", "2025-01-01", "--user", "caseworker")  # fmt: skip
    web = create_app(town)
    client = client_for(web, "caseworker", "casework")
    before = len(reveals(town))
    page = client.get(f"/borgere/{PSEUDONYM['carl']}")
    assert page.status_code == 200 and CPR["carl"][:6] not in page.text
    assert len(reveals(town)) == before
    shown = client.get(f"/borgere/{PSEUDONYM['carl']}?identitet=1")
    assert shown.status_code == 200
    assert f"{CPR['carl'][:6]}-{CPR['carl'][6:]}" in shown.text and NAMES["carl"] in shown.text
    assert len(reveals(town)) == before + 1
    analyst = client_for(web, "analyst", "statistical")
    assert analyst.get(f"/borgere/{PSEUDONYM['carl']}?identitet=1").status_code == 403
    assert len(reveals(town)) == before + 1


def test_a_basis_that_names_a_cpr_number_is_refused_before_anything_is_logged(
    town: Settings,
) -> None:
    """Issue 10 #3c, the bad input: a basis reference carrying a CPR number (in any written
    form) would sit in the append-only audit log forever; it is refused, nothing is stored. So
    is a basis for a pseudonym nobody in the data has."""
    engine = make_engine(town.store_url)
    try:
        with sessions(engine)() as session:
            before = len(list(session.scalars(select(AuditEntry))))
        citizen = PSEUDONYM["anna"]
        nobody = tvaers(town, "basis", "add", "--citizen", "a" * 20, "--kind", "consent",
                        "--reference", "Samtykke", "--valid-from", "2025-01-01",
                        "--user", "caseworker")  # fmt: skip
        assert nobody.exit_code == 1 and "findes ikke i de indlæste" in nobody.output
        for reference in ("Samtykke fra borgeren 080284-3151", "Samtykke, bilag_0802843151.pdf"):
            added = tvaers(town, "basis", "add", "--citizen", citizen, "--kind", "consent",
                           "--reference", reference, "--valid-from", "2025-01-01",
                           "--user", "caseworker")  # fmt: skip
            assert added.exit_code == 1 and "CPR-nummer" in added.output, added.output
        with sessions(engine)() as session:
            entries = list(session.scalars(select(AuditEntry)))
        assert len(entries) == before
        assert not any("3151" in f"{e.basis} {e.detail}" for e in entries)
    finally:
        engine.dispose()
