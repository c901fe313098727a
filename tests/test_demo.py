"""The main job: ``tvaers demo`` builds, imports, prints the key figures and enrols Furesø's
target group — and a second run enrols nobody twice."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import func, select
from typer.testing import CliRunner

from tvaers.cli import app
from tvaers.core.config import Settings
from tvaers.store.database import make_engine, sessions
from tvaers.store.models import Enrolment, SelectionDecision, Solution
from tvaers.store.models_budget import (
    BudgetFrame,
    EfficiencyRequirement,
    InvestmentCase,
    SettlementRecord,
)
from tvaers.store.models_followup import ForecastMethodChoice, ResultGoal
from tvaers.store.models_principles import Grant

from .conftest import TEST_KEY
from .workbooks import read_workbook

runner = CliRunner()


def test_demo_prints_the_figures_and_enrols_once(tmp_path: Path) -> None:
    env = {"TVAERS_HOME": str(tmp_path), "TVAERS_PSEUDONYM_KEY": TEST_KEY,
           "TVAERS_LOG_LEVEL": "WARNING"}  # fmt: skip
    first = runner.invoke(app, ["demo", "--no-serve", "--citizens", "8000"], env=env)
    assert first.exit_code == 0, first.output
    printed = " ".join(first.output.split())  # the console wraps long lines
    assert re.search(r"Ressourcetræk 2025: \d+,\d % af driftsudgiften er fordelt", printed)
    found = re.search(
        r"Furesøs målgruppe pr\. 31\. januar 2026: (\d+) borgere med et ressourcetræk på "
        r"([\d.]+,\d\d) kr\. i februar 2025 – januar 2026\. (\d+) er indskrevet",
        printed,
    )
    assert found, printed
    group, enrolled = int(found.group(1)), int(found.group(3))
    assert group >= 5 and enrolled == group
    grants = re.search(r"Bevillinger i demoen: (\d+) på tværs af de fem løsninger — (\d+) bevilget",
                       printed)  # fmt: skip
    assert re.search(r"i alt [\d.]+,\d\d kr\. — stemmer til øren\.", printed), printed
    assert grants and int(grants.group(1)) >= 24 and int(grants.group(2)) >= 15, printed
    # focus point 5: Albertslund's planned model meets its requirement exactly; Furesø is
    # settled from the data, net of the state, with a statement either way
    assert ("Albertslund: Kravet er indfriet: områderne har samlet sparet 1.500.000,00 kr., "
            "præcis kravet på 1.500.000,00 kr.") in printed, printed  # fmt: skip
    assert re.search(r"Furesø 2026 fra data \(netto\): Kravet er (ikke )?indfriet", printed)
    assert re.search(r"Investeringscasen «.+»: nutidsværdi netto -?[\d.]+,\d\d kr\.", printed)
    # focus point 6: methods chosen from the back-test, Furesø's figures 6.2 and II, a workbook
    chosen = re.search(r"Prognosemetoder: (\d+) indsatstyper fik metoden med mindst fejl", printed)
    assert chosen and int(chosen.group(1)) > 0, printed
    assert re.search(
        rf"Furesøs figur 6\.2 — de {group} indskrevne borgeres forbrug 2026: realiseret "
        r"[\d.]+,\d\d kr\. til 31\.10\.2026, forventet årsresultat [\d.]+,\d\d kr\. mod "
        r"[\d.]+,\d\d kr\. sidste år", printed)  # fmt: skip
    for goal in ("15 % i job eller uddannelse", "50 i praktik", "15 i job eller uddannelse"):
        assert re.search(rf"Furesøs figur II — {goal}: (\d+|\(skjult\))", printed), goal
    book = read_workbook("opfoelgning", (tmp_path / "demo" / "opfoelgning.xlsx").read_bytes())
    assert book.sheets == 4 and book.charts == 4 and not book.problems, book
    second = runner.invoke(app, ["demo", "--no-serve", "--citizens", "8000"], env=env)
    assert second.exit_code == 0, second.output
    again = " ".join(second.output.split())
    assert "(0 nye i denne kørsel)" in again
    assert "Demoens bevillinger findes allerede; ingen nye." in again
    assert "Prognosemetoder: 0 indsatstyper fik" in again
    engine = make_engine(Settings(home=tmp_path, pseudonym_key=TEST_KEY).store_url)
    try:
        with sessions(engine)() as session:
            furesoe = select(Solution.id).where(Solution.name == "Tværgående løsning i Furesø")
            assert session.scalar(select(func.count()).select_from(Enrolment).where(
                Enrolment.solution_id.in_(furesoe))) == group  # fmt: skip
            kinds = session.scalars(select(SelectionDecision.kind).where(
                SelectionDecision.solution_id.in_(furesoe))).all()  # fmt: skip
            assert kinds.count("assessment") == kinds.count("enrolment") == group
            assert session.scalar(select(func.count()).select_from(Grant)) == int(grants.group(1))
            for table, count in ((BudgetFrame, 2), (EfficiencyRequirement, 2),
                                 (SettlementRecord, 2), (InvestmentCase, 1), (ResultGoal, 3),
                                 (ForecastMethodChoice, int(chosen.group(1)))):  # fmt: skip
                assert session.scalar(select(func.count()).select_from(table)) == count, table
    finally:
        engine.dispose()
