"""Gross and net of the state (issue 13): booked refunds (dranst 2) split on the draw's lines by
the refund staircase for employment benefits, estimated where none is booked, and per area and
month — worked out by hand, to the øre."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from tvaers.budget import state
from tvaers.core.config import Settings
from tvaers.core.cpr import Pseudonymiser
from tvaers.core.periods import Period
from tvaers.data.importer import import_folder
from tvaers.draw.session import opened

FIXTURES = Path(__file__).parent / "fixtures"
A, B, C = "1503851236", "0202861118", "2505901122"

POSTINGS = ["posting_id,posting_date,amount,function_code,cpr,intervention,dranst,text"]
n = 0


def _post(day: str, amount: str, function: str, cpr: str = "", dranst: int = 1) -> None:
    global n
    n += 1
    POSTINGS.append(f"P{n:04},{day},{amount},{function},{cpr},,{dranst},")


# B has had kontanthjælp since January 2024: every month of 2025 is month 13 or later (20 %).
for month in range(1, 13):
    _post(f"2024-{month:02}-28", "10000.00", "5.57.73", B)
for month in (1, 2, 3):
    _post(f"2025-{month:02}-28", "10000.00", "5.57.73", B)
    # A's spell begins in January 2025: months 1 (80 %), 2 and 3 (40 %).
    _post(f"2025-{month:02}-28", "10000.00", "5.57.73", A)
_post("2025-02-15", "-22000.00", "5.57.73", dranst=2)  # the state's refund booked in 2025
_post("2025-03-15", "1000.00", "5.57.71", C)  # sygedagpenge, month 1, no refund booked: 80 %
_post("2025-04-30", "-500.00", "5.57.73", A)  # a repayment: no refund of its own


@pytest.fixture
def loaded(tmp_path: Path) -> Settings:
    data = tmp_path / "data"
    shutil.copytree(FIXTURES / "mini", data)
    (data / "postings.csv").write_text("\n".join(POSTINGS) + "\n")
    accounts = (data / "accounts.csv").read_text()
    (data / "accounts.csv").write_text(accounts + "5.57.71,employment,Sygedagpenge\n")
    settings = Settings(home=tmp_path / "home", pseudonym_key="test-key-0123456789abcdef0123456789")
    import_folder(data, settings, user="test")
    return settings


def test_refunds_follow_the_staircase_and_reconcile_with_the_books(loaded: Settings) -> None:
    pseudonyms = Pseudonymiser(loaded.key_bytes)
    with opened(loaded) as analysis:
        period = Period.year(2025)
        lines = state.net_lines(analysis, analysis.draw(2025).lines, period)
        rows = (
            lines.order_by(["citizen", "function_code", "month", "amount"]).to_pyarrow().to_pylist()
        )
    got = {
        (r["citizen"], r["function_code"], r["month"].month, r["amount"]): (r["refund"], r["net"])
        for r in rows
    }
    a, b, c = (pseudonyms.pseudonym(x) for x in (A, B, C))
    # weights (kr. × percent): A 10.000×80, 10.000×40, 10.000×40 (the repayment 0); B 3 × 10.000×20;
    # 220 units of 10.000 kr.-percent share 22.000 kr.: 100 kr. per unit.
    assert got[(a, "5.57.73", 1, Decimal("10000.00"))] == (Decimal("8000.00"), Decimal("2000.00"))
    assert got[(a, "5.57.73", 2, Decimal("10000.00"))] == (Decimal("4000.00"), Decimal("6000.00"))
    assert got[(b, "5.57.73", 1, Decimal("10000.00"))] == (Decimal("2000.00"), Decimal("8000.00"))
    assert got[(a, "5.57.73", 4, Decimal("-500.00"))] == (Decimal("0.00"), Decimal("-500.00"))
    # no refund booked on sygedagpenge in 2025: estimated at the staircase's 80 % for month 1
    assert got[(c, "5.57.71", 3, Decimal("1000.00"))] == (Decimal("800.00"), Decimal("200.00"))
    booked = sum(r["refund"] for r in rows if r["function_code"] == "5.57.73")
    assert booked == Decimal("22000.00")


def test_per_area_and_month_gross_refund_net(loaded: Settings) -> None:
    with opened(loaded) as analysis:
        found = state.area_month_refunds(analysis, Period.year(2025)).to_pyarrow().to_pylist()
    february = next(r for r in found if r["sector_area"] == "employment" and r["month"].month == 2)
    assert (february["gross"], february["refund"], february["net"]) == (
        Decimal("20000.00"),
        Decimal("22000.00"),
        Decimal("-2000.00"),
    )
