"""Volume and price through the command line (issue 13, acceptance 2): ``tvaers variance`` with
the four figures gives exactly ``{"variance", "volume", "price"}`` with volume + price = variance
to the øre for any figures, written the Danish or the international way (a property); with
``--year`` every intervention type's variance from the data — the hand-worked municipality of
``test_budget_assumptions`` reproduced to the øre on SQLite and PostgreSQL; ``tvaers assumption
set|list|import`` acting as a real user, refused for others, all or nothing."""

from __future__ import annotations

import json
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from sqlalchemy import select
from typer.testing import CliRunner

from tvaers.cli import app
from tvaers.core.config import Settings
from tvaers.data.importer import import_folder
from tvaers.store.database import make_engine, sessions
from tvaers.store.models import AuditEntry
from tvaers.store.models_budget import BudgetAssumption

from .conftest import TEST_KEY, add_cli_users
from .test_budget_assumptions import FAMILY, SUPPORT, write_town

D = Decimal
runner = CliRunner()
CENT = D("0.01")


def _env(settings: Settings | None) -> dict[str, str]:
    env = {"TVAERS_PSEUDONYM_KEY": TEST_KEY, "TVAERS_LOG_LEVEL": "WARNING", "TVAERS_USER": ""}
    if settings is not None:
        env["TVAERS_HOME"] = str(settings.home)
        if settings.database_url:
            env["TVAERS_DATABASE_URL"] = settings.database_url
    return env


def tvaers(settings: Settings | None, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), env=_env(settings))


def said(result) -> str:  # type: ignore[no-untyped-def]
    return " ".join(result.output.split())


def exact(result) -> dict:  # type: ignore[type-arg, no-untyped-def]
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout, parse_float=Decimal)  # type: ignore[no-any-return]


# --- the pure rule, for any figures ---------------------------------------------------------------


def danish(value: Decimal, places: int) -> str:
    """``1.234.567,8900``: thousands with dots, decimals after a comma."""
    whole, _, fraction = f"{value:.{places}f}".partition(".")
    grouped = f"{int(whole):,}".replace(",", ".")
    return f"{grouped},{fraction}" if places else grouped


def international(value: Decimal, places: int) -> str:
    return f"{value:.{places}f}"  # four or two decimals: never read as a thousands group


units = st.decimals(min_value=0, max_value=1_000_000, places=4, allow_nan=False)
prices = st.decimals(min_value=0, max_value=100_000_000_000, places=2, allow_nan=False)
forms = st.sampled_from([danish, international])


def _round(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_EVEN)


@hsettings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(units, prices, units, prices, forms, forms)
@example(D("10"), D("400000"), D("12.5"), D("410000.50"), danish, international)
@example(D("0.0001"), D("0.01"), D("999999.9999"), D("99999999999.99"), danish, danish)
@example(D("3"), D("280000"), D("2.4986"), D("300164.47"), international, danish)
def test_volume_and_price_sum_to_the_variance_exactly_for_any_figures(
    qb: Decimal,
    pb: Decimal,
    qa: Decimal,
    pa: Decimal,
    unit_form,
    price_form,  # type: ignore[no-untyped-def]
) -> None:
    result = tvaers(
        None,
        "variance",
        "--planned-units", unit_form(qb, 4), "--planned-price", price_form(pb, 2),
        "--actual-units", unit_form(qa, 4), "--actual-price", price_form(pa, 2),
        "--format", "json",
    )  # fmt: skip
    found = exact(result)
    assert set(found) == {"variance", "volume", "price"}
    assert found["volume"] + found["price"] == found["variance"]
    assert found["variance"] == _round(qa * pa) - _round(qb * pb)
    assert found["volume"] == _round((qa - qb) * pb)
    assert abs(found["price"] - (pa - pb) * qa) <= D("0.015")


def test_the_pure_rule_in_words_and_its_danish_errors() -> None:
    text = tvaers(None, "variance", "--planned-units", "10", "--planned-price", "400.000",
                  "--actual-units", "12,5", "--actual-price", "410000.50")  # fmt: skip
    assert text.exit_code == 0
    assert said(text) == (
        "Planlagt 4.000.000,00 kr., faktisk 5.125.006,25 kr.: afvigelsen er 1.125.006,25 kr., "
        "heraf mængdeeffekt 1.000.000,00 kr. og priseffekt 125.006,25 kr."
    )
    missing = tvaers(None, "variance", "--planned-units", "10", "--format", "json")
    assert missing.exit_code == 1 and "Angiv alle fire tal" in said(missing)
    bad = tvaers(None, "variance", "--planned-units", "ti", "--planned-price", "1",
                 "--actual-units", "1", "--actual-price", "1")  # fmt: skip
    assert bad.exit_code == 1 and "--planned-units: «ti» er ikke et tal" in said(bad)
    negative = tvaers(None, "variance", "--planned-units", "1", "--planned-price", "-5",
                      "--actual-units", "1", "--actual-price", "1")  # fmt: skip
    assert negative.exit_code == 1 and "kan ikke være negativ" in said(negative)
    huge = tvaers(None, "variance", "--planned-units", "9" * 29, "--planned-price", "1",
                  "--actual-units", "2", "--actual-price", "3", "--format", "json")  # fmt: skip
    assert huge.exit_code == 1 and "er over 1.000.000 helårspersoner" in said(huge)
    assert isinstance(huge.exception, SystemExit)  # a Danish refusal, not a crash
    price = tvaers(None, "variance", "--planned-units", "1", "--planned-price", "9" * 29,
                   "--actual-units", "2", "--actual-price", "3")  # fmt: skip
    assert price.exit_code == 1 and "--planned-price" in said(price)
    assert "er over 100 mia. kr." in said(price)


# --- from the data ------------------------------------------------------------------------------


@pytest.fixture
def town(settings: Settings, tmp_path: Path) -> Settings:
    import_folder(write_town(tmp_path / "data"), settings, user="test")
    add_cli_users(settings)
    return settings


def _rows(found: dict) -> dict[str, dict]:  # type: ignore[type-arg]
    return {r["intervention"]: r for r in found["rows"]}


def test_the_hand_worked_example_through_the_command_line(town: Settings) -> None:
    user = ("--user", "finance-consultant")
    for code, units, price in ((FAMILY, "3", "280.000,00"), (SUPPORT, "4,5", "100000.00")):
        done = tvaers(town, "assumption", "set", "--year", "2025", "--intervention", code,
                      "--units", units, "--price", price, *user)  # fmt: skip
        assert done.exit_code == 0 and "gemt som version 1" in said(done), done.output
    net = tvaers(town, "assumption", "set", "--year", "2025", "--intervention", FAMILY,
                 "--units", "3", "--price", "250000", "--basis", "net", *user)  # fmt: skip
    assert net.exit_code == 0, net.output
    gross = exact(tvaers(town, "variance", "--year", "2025", "--format", "json"))
    assert (gross["first_day"], gross["last_day"]) == ("2025-01-01", "2025-12-31")
    keys = ("planned_units", "planned_price", "actual_units", "actual_price", "variance",
            "volume", "price")  # fmt: skip
    rows = _rows(gross)
    assert [rows[FAMILY][k] for k in keys] == [D("3.0000"), D("280000.00"), D("2.4986"),
                                               D("300164.47"), D("-90000.00"),
                                               D("-140383.56"), D("50383.56")]  # fmt: skip
    assert [rows[SUPPORT][k] for k in keys] == [D("4.5000"), D("100000.00"), D("5.0000"),
                                                D("96000.00"), D("30000.00"), D("50000.00"),
                                                D("-20000.00")]  # fmt: skip
    assert rows[FAMILY]["name"] == "Familiebehandling"
    total = gross["total"]
    assert (total["variance"], total["volume"], total["price"]) == (
        D("-60000.00"), D("-90383.56"), D("30383.56"))  # fmt: skip
    one = exact(tvaers(town, "variance", "--year", "2025", "--intervention", FAMILY,
                       "--basis", "net", "--format", "json"))  # fmt: skip
    assert list(_rows(one)) == [FAMILY] and "total" not in one
    assert [one["rows"][0][k] for k in ("actual_price", "variance", "volume", "price")] == [
        D("270148.03"), D("-75000.00"), D("-125342.47"), D("50342.47")]  # fmt: skip
    words = tvaers(town, "variance", "--year", "2025")  # 80 columns: sentences, never a cut number
    assert words.exit_code == 0
    assert (
        "015011 Familiebehandling: planlagt 3,0000 helårspersoner à 280.000,00 kr. = 840.000,00 "
        "kr.; faktisk 2,4986 helårspersoner à 300.164,47 kr. = 750.000,00 kr.; afvigelse "
        "-90.000,00 kr. (mængdeeffekt -140.383,56 kr., priseffekt 50.383,56 kr.)."
    ) in said(words)


def test_assumptions_are_imported_listed_and_refused_for_others(
    town: Settings, tmp_path: Path
) -> None:
    plan = tmp_path / "plan.csv"
    plan.write_text(f"intervention;units;price\n{FAMILY};3;280.000,00\n{SUPPORT};4,5;100.000\n")
    refused = tvaers(town, "assumption", "import", str(plan), "--year", "2025",
                     "--user", "area-chief")  # fmt: skip
    assert refused.exit_code == 1 and "Afvist" in said(refused)
    wrong = tmp_path / "wrong.csv"
    wrong.write_text(f"intervention,units,price\n{FAMILY},3,280000\nUKENDT,1,1\n")
    bad = tvaers(town, "assumption", "import", str(wrong), "--year", "2025",
                 "--user", "finance-consultant")  # fmt: skip
    assert bad.exit_code == 1 and "Linje 3: Indsatsen «UKENDT» findes ikke" in said(bad)
    engine = make_engine(town.store_url)
    with sessions(engine)() as session:
        assert session.scalars(select(BudgetAssumption)).all() == []  # all or nothing
    done = tvaers(town, "assumption", "import", str(plan), "--year", "2025",
                  "--user", "finance-consultant")  # fmt: skip
    assert done.exit_code == 0 and "2 gemt som ny version, 0 uændrede" in said(done)
    listed = exact(tvaers(town, "assumption", "list", "--year", "2025", "--format", "json"))
    rows = {r["intervention"]: r for r in listed["assumptions"]}
    assert rows[FAMILY]["planned"] == D("840000.00") and rows[SUPPORT]["units"] == D("4.5")
    assert rows[FAMILY]["changed_by"] == "finance-consultant" and rows[FAMILY]["in_force"]
    with sessions(engine)() as session:
        entries = session.scalars(select(AuditEntry).where(
            AuditEntry.action == "budgetforudsaetninger_importeret")).all()  # fmt: skip
        assert [e.actor for e in entries] == ["finance-consultant"]
    engine.dispose()
