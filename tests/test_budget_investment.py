"""The investment case (issue 13, acceptance 3): a hand-worked three-year case with two paying
and three gaining areas, reproduced exactly through the model and through ``tvaers invest run``;
the rules for success rate, refunds, discounting and rounding; measured effects replacing
assumptions; the YAML's Danish errors; property tests that the tables add up to the øre; and
saving, listing and showing cases as a real user, audited."""

from __future__ import annotations

import itertools
import json
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from typer.testing import CliRunner

from tvaers.budget.investment import (
    Case,
    CaseError,
    CaseLine,
    MeasuredGain,
    break_even_text,
    evaluate,
    outcome,
    payback_text,
    return_text,
    with_measured,
)
from tvaers.budget.investment_input import case_yaml, parse_case_text
from tvaers.cli import app
from tvaers.core.config import Settings
from tvaers.store.database import make_engine, sessions
from tvaers.store.models import AuditEntry
from tvaers.store.models_budget import InvestmentCase

from .conftest import add_cli_users
from .test_principles_cli import _env

runner = CliRunner()
D = Decimal

# --- acceptance 3: the hand-worked case -------------------------------------------------------
#
# Three years (2027-2029), discount rate 4 %, success rate 60 %.
# Two paying areas: the solution's own budget and children (udsatte børn og unge).
# Three gaining areas: employment (sickness benefit: the state refunds 50 %), special education
# (no refund) and adults (the state refunds 25 %).
HAND_WORKED = """\
name: Tre år, to betalende og tre gevinstområder
first_year: 2027
years: 3
discount_rate: 4%
success_rate: 60%
lines:
  - {sector_area: solution, year: 1, cost: 1.000.000}
  - {sector_area: solution, year: 2, cost: 600.000}
  - {sector_area: solution, year: 3, cost: 300000}
  - {sector_area: children, year: 1, cost: "250.000,00"}
  - {sector_area: children, year: 2, cost: 150.000}
  - {sector_area: employment, year: 2, gain: 400.000, refund_share: 50%}
  - {sector_area: employment, year: 3, gain: 900.000, refund_share: 1/2}
  - {sector_area: special_education, year: 1, gain: 100.000}
  - {sector_area: special_education, year: 2, gain: 800.000}
  - {sector_area: special_education, year: 3, gain: 1.200.000}
  - {sector_area: adults, year: 2, gain: 250.000, refund_share: 25%}
  - {sector_area: adults, year: 3, gain: 500000.00, refund_share: 25 %}
"""
# Expected gains = gain × 60 %:
#   employment         year 2: 400.000 × 0,6 = 240.000     year 3: 900.000 × 0,6 = 540.000
#   special_education  year 1: 100.000 × 0,6 =  60.000; year 2: 480.000; year 3: 720.000
#   adults             year 2: 250.000 × 0,6 = 150.000     year 3: 500.000 × 0,6 = 300.000
# Net of the state (amount − refund):
#   employment 50 %:   240.000 − 120.000 = 120.000;        540.000 − 270.000 = 270.000
#   adults 25 %:       150.000 −  37.500 = 112.500;        300.000 −  75.000 = 225.000
# Nominal net per area and year (gain − cost), gross | net where they differ:
NOMINAL = {  # (area, year): (gross, net)
    ("solution", 1): ("-1000000", "-1000000"),
    ("solution", 2): ("-600000", "-600000"),
    ("solution", 3): ("-300000", "-300000"),
    ("children", 1): ("-250000", "-250000"),
    ("children", 2): ("-150000", "-150000"),
    ("children", 3): ("0", "0"),
    ("employment", 1): ("0", "0"),
    ("employment", 2): ("240000", "120000"),
    ("employment", 3): ("540000", "270000"),
    ("special_education", 1): ("60000", "60000"),
    ("special_education", 2): ("480000", "480000"),
    ("special_education", 3): ("720000", "720000"),
    ("adults", 1): ("0", "0"),
    ("adults", 2): ("150000", "112500"),
    ("adults", 3): ("300000", "225000"),
}
# Discounting: year 1 × 1; year 2 ÷ 1,04; year 3 ÷ 1,0816 (= 1,04²); each cell's cost and gain
# rounded half to even to the øre:
#   600.000 ÷ 1,04   = 576.923,0769…  → 576.923,08      150.000 ÷ 1,04 = 144.230,7692… → 144.230,77
#   240.000 ÷ 1,04   = 230.769,2307…  → 230.769,23      480.000 ÷ 1,04 = 461.538,4615… → 461.538,46
#   120.000 ÷ 1,04   = 115.384,6153…  → 115.384,62      112.500 ÷ 1,04 = 108.173,0769… → 108.173,08
#   300.000 ÷ 1,0816 = 277.366,8639…  → 277.366,86      540.000 ÷ 1,0816 = 499.260,3550… → 499.260,36
#   720.000 ÷ 1,0816 = 665.680,4733…  → 665.680,47      270.000 ÷ 1,0816 = 249.630,1775… → 249.630,18
#   225.000 ÷ 1,0816 = 208.025,1479…  → 208.025,15
DISCOUNTED = {  # (area, year): (gross, net)
    ("solution", 1): ("-1000000.00", "-1000000.00"),
    ("solution", 2): ("-576923.08", "-576923.08"),
    ("solution", 3): ("-277366.86", "-277366.86"),
    ("children", 1): ("-250000.00", "-250000.00"),
    ("children", 2): ("-144230.77", "-144230.77"),
    ("employment", 2): ("230769.23", "115384.62"),
    ("employment", 3): ("499260.36", "249630.18"),
    ("special_education", 1): ("60000.00", "60000.00"),
    ("special_education", 2): ("461538.46", "461538.46"),
    ("special_education", 3): ("665680.47", "665680.47"),
    ("adults", 2): ("144230.77", "108173.08"),
    ("adults", 3): ("277366.86", "208025.15"),
}
# Per year, gross: year 1: −1.000.000 − 250.000 + 60.000 = −1.190.000
#   year 2: −600.000 − 150.000 + 240.000 + 480.000 + 150.000 = 120.000; discounted from the
#           rounded cells: 230.769,23 + 461.538,46 + 144.230,77 − 576.923,08 − 144.230,77
#           = 115.384,61 (not 120.000 ÷ 1,04 = 115.384,615… → ,62: the table adds up)
#   year 3: −300.000 + 540.000 + 720.000 + 300.000 = 1.260.000; discounted
#           499.260,36 + 665.680,47 + 277.366,86 − 277.366,86 = 1.164.940,83
#   cumulative: −1.190.000; −1.070.000; 190.000
#   discounted cumulative: −1.190.000; −1.074.615,39; 90.325,44 → payback in year 3 (2029)
#   NPV = 90.325,44; PV of costs = 1.250.000 + 576.923,08 + 144.230,77 + 277.366,86
#       = 2.248.520,71; return = 90.325,44 ÷ 2.248.520,71 = 4,02 %
# Per year, net: year 1: −1.190.000
#   year 2: −750.000 + 120.000 + 480.000 + 112.500 = −37.500; discounted
#           115.384,62 + 461.538,46 + 108.173,08 − 576.923,08 − 144.230,77 = −36.057,69
#   year 3: −300.000 + 270.000 + 720.000 + 225.000 = 915.000; discounted
#           249.630,18 + 665.680,47 + 208.025,15 − 277.366,86 = 845.968,94
#   cumulative: −1.190.000; −1.227.500; −312.500
#   discounted cumulative: −1.190.000; −1.226.057,69; −380.088,75 → no payback within 3 years:
#   counted net of the state's refunds the case does not pay back
#   NPV = −380.088,75; return = −380.088,75 ÷ 2.248.520,71 = −16,90 %
YEARS = {  # basis: [(net, discounted net, cumulative, discounted cumulative)]
    "gross": [("-1190000", "-1190000", "-1190000", "-1190000"),
              ("120000", "115384.61", "-1070000", "-1074615.39"),
              ("1260000", "1164940.83", "190000", "90325.44")],
    "net": [("-1190000", "-1190000", "-1190000", "-1190000"),
            ("-37500", "-36057.69", "-1227500", "-1226057.69"),
            ("915000", "845968.94", "-312500", "-380088.75")],
}  # fmt: skip
# Net per area over the three years (nominal | discounted), gross:
#   solution −1.900.000 | −1.854.289,94; children −400.000 | −394.230,77;
#   employment 780.000 | 730.029,59; special_education 1.260.000 | 1.187.218,93;
#   adults 450.000 | 421.597,63  (sum: 190.000 | 90.325,44)
# net: employment 390.000 | 365.014,80; adults 337.500 | 316.198,23 (the rest as gross)
AREAS = {
    "gross": {"solution": ("-1900000", "-1854289.94"), "children": ("-400000", "-394230.77"),
              "employment": ("780000", "730029.59"),
              "special_education": ("1260000", "1187218.93"), "adults": ("450000", "421597.63")},
    "net": {"solution": ("-1900000", "-1854289.94"), "children": ("-400000", "-394230.77"),
            "employment": ("390000", "365014.80"),
            "special_education": ("1260000", "1187218.93"), "adults": ("337500", "316198.23")},
}  # fmt: skip
# Break-even success rate s, exactly (unrounded): s × PV(gains at 100 %) = PV(costs). × 1,0816:
#   PV(costs) × 1,0816 = 1.250.000 × 1,0816 + 750.000 × 1,04 + 300.000 = 2.432.000
#   gross gains at 100 %: year 1 100.000, year 2 1.450.000, year 3 2.600.000
#   × 1,0816: 108.160 + 1.508.000 + 2.600.000 = 4.216.160 → s = 2.432.000/4.216.160 = 15200/26351
#   net gains at 100 %: year 1 100.000; year 2 200.000 + 800.000 + 187.500 = 1.187.500;
#   year 3 450.000 + 1.200.000 + 375.000 = 2.025.000
#   × 1,0816: 108.160 + 1.235.000 + 2.025.000 = 3.368.160 → s = 2.432.000/3.368.160 = 15200/21051
BREAK_EVEN = {"gross": Fraction(15200, 26351), "net": Fraction(15200, 21051)}
PAYBACK = {"gross": 3, "net": None}
NPV = {"gross": D("90325.44"), "net": D("-380088.75")}
PV_COSTS = D("2248520.71")


def _hand_worked() -> Case:
    return parse_case_text(HAND_WORKED)


@pytest.mark.parametrize("basis", ["gross", "net"])
def test_the_hand_worked_case_is_reproduced_through_the_model(basis: str) -> None:
    result = evaluate(_hand_worked()).basis(basis)  # type: ignore[arg-type]
    found = result.outcome
    column = 0 if basis == "gross" else 1
    assert {(c.sector_area, c.year): c.net for c in found.cells} == {
        k: D(v[column]) for k, v in NOMINAL.items()
    }
    discounted = {(c.sector_area, c.year): c.discounted_net for c in found.cells if c.net}
    assert discounted == {k: D(v[column]) for k, v in DISCOUNTED.items()}
    assert [(y.net, y.discounted_net, y.cumulative, y.discounted_cumulative)
            for y in found.years] == [tuple(D(v) for v in row) for row in YEARS[basis]]  # fmt: skip
    assert {a.key: (a.net, a.discounted_net) for a in found.areas} == {
        k: (D(n), D(d)) for k, (n, d) in AREAS[basis].items()
    }
    assert found.payback_year == PAYBACK[basis]
    assert found.npv == NPV[basis] and found.pv_costs == PV_COSTS
    assert found.return_ratio == Fraction(NPV[basis]) / Fraction(PV_COSTS)
    assert result.break_even == BREAK_EVEN[basis]


def test_the_hand_worked_case_in_words() -> None:
    case = _hand_worked()
    found = evaluate(case)
    assert payback_text(case, found.gross.outcome) == (
        "Casen er tjent hjem i år 3 (2029): den tilbagediskonterede akkumulerede nettogevinst "
        "når 90.325,44 kr."
    )
    assert payback_text(case, found.net.outcome).startswith(
        "Casen er ikke tjent hjem inden for 3 år: den tilbagediskonterede akkumulerede "
        "nettogevinst er -380.088,75 kr. efter år 3 (2029)."
    )
    assert "afkastgraden" in return_text(found.gross.outcome)
    assert "er 4,0 %." in return_text(found.gross.outcome)
    assert "er -16,9 %." in return_text(found.net.outcome)
    assert break_even_text(found.gross) == (
        "Casen går i nul over perioden ved en succesrate på præcis 15200/26351 (≈ 57,68 %)."
    )


def test_the_sensitivity_runs_from_0_to_100_percent() -> None:
    found = evaluate(_hand_worked())
    gross = found.gross.sensitivity
    assert [p.success_rate for p in gross] == [Fraction(p, 100) for p in range(0, 101, 10)]
    # at 0 % only the costs are left: NPV = −PV of costs
    assert gross[0].npv == -PV_COSTS and gross[0].payback_year is None
    assert gross[6].npv == NPV["gross"] and gross[6].payback_year == 3  # 60 %: the case itself
    # 57,68 % breaks even gross: 50 % does not pay back, 60 % does; net needs 72,21 %: 80 % does
    assert gross[5].payback_year is None and gross[5].npv < 0
    net = found.net.sensitivity
    assert net[7].npv < 0 < net[8].npv and net[8].payback_year == 3
    assert all(a.npv <= b.npv for a, b in itertools.pairwise(gross))


def test_the_case_through_the_command_line_json(tmp_path: Path) -> None:
    file = tmp_path / "case.yaml"
    file.write_text(HAND_WORKED, encoding="utf-8")
    result = runner.invoke(app, ["invest", "run", str(file), "--format", "json"])
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout, parse_float=Decimal)
    for basis in ("gross", "net"):
        column = 0 if basis == "gross" else 1
        side = found[basis]
        assert {(r["sector_area"], r["year"]): Decimal(r["net"]) for r in side["rows"]} == {
            k: D(v[column]) for k, v in NOMINAL.items()
        }
        assert {a["sector_area"]: Decimal(a["net"]) for a in side["areas"]} == {
            k: D(v[0]) for k, v in AREAS[basis].items()
        }
        assert [Decimal(c["discounted"]) for c in side["cumulative"]] == [
            D(row[3]) for row in YEARS[basis]
        ]
        assert side["payback_year"] == PAYBACK[basis]
        assert Decimal(side["npv"]) == NPV[basis] == Decimal(side["return"]["npv"])
        assert Fraction(side["return"]["ratio_fraction"]) == Fraction(NPV[basis]) / Fraction(
            PV_COSTS
        )
        assert Fraction(side["break_even"]["fraction"]) == BREAK_EVEN[basis]
        assert len(side["sensitivity"]) == 11
    assert found["gross"]["return"]["ratio"] == Decimal("0.040171")
    assert found["gross"]["break_even"]["percent"] == Decimal("57.6828")


def test_the_command_line_says_it_in_danish(tmp_path: Path) -> None:
    file = tmp_path / "case.yaml"
    file.write_text(HAND_WORKED, encoding="utf-8")
    result = runner.invoke(app, ["invest", "run", str(file)])
    said = " ".join(result.output.split())
    assert result.exit_code == 0, result.output
    assert "Casen er tjent hjem i år 3 (2029)" in said
    assert "Casen er ikke tjent hjem inden for 3 år" in said


# --- the rules --------------------------------------------------------------------------------


def _case(*lines: CaseLine, rate: str = "0", success: str = "1", years: int = 2) -> Case:
    return Case("x", years, Fraction(rate), Fraction(success), tuple(lines))


def test_costs_are_not_scaled_by_the_success_rate_and_gains_are() -> None:
    case = _case(CaseLine("a", 1, "cost", D("100.00")), CaseLine("b", 1, "gain", D("100.00")),
                 success="1/3")  # fmt: skip
    cells = {c.sector_area: c for c in outcome(case, "gross").cells if c.year == 1}
    assert cells["a"].cost == D("100.00")
    assert cells["b"].gain == D("33.33")  # 33,333… rounded half to even


def test_rounding_is_half_to_even_per_line() -> None:
    # 0,25 kr. × 50 % = 0,125 → 0,12 (even); 0,35 × 50 % = 0,175 → 0,18 (even)
    case = _case(CaseLine("a", 1, "gain", D("0.25")), CaseLine("b", 1, "gain", D("0.35")),
                 success="1/2")  # fmt: skip
    gains = {c.sector_area: c.gain for c in outcome(case, "gross").cells if c.year == 1}
    assert gains == {"a": D("0.12"), "b": D("0.18")}


def test_the_measured_effect_replaces_the_assumed_gain() -> None:
    case = parse_case_text(HAND_WORKED.replace("lines:", "citizens: 40\nlines:"))
    # the pilot measured −12.500 kr. a year per citizen on special education (−20.000 to −5.000)
    measured = {"special_education": MeasuredGain("special_education", D("-12500"), D("-20000"),
                                                  D("-5000"))}  # fmt: skip
    changed = with_measured(case, measured)
    lines = [x for x in changed.lines if x.sector_area == "special_education"]
    # 12.500 × 40 citizens = 500.000 a year, in the years the case expected a gain there
    assert [(x.year, x.amount, x.measured, x.low, x.high) for x in lines] == [
        (y, D("500000.00"), True, D("200000.00"), D("800000.00")) for y in (1, 2, 3)
    ]
    found = outcome(changed, "gross")
    cells = {(c.sector_area, c.year): c for c in found.cells}
    # not scaled by the success rate: the measured average already counts those not helped
    assert cells[("special_education", 2)].gain == D("500000.00")
    assert cells[("special_education", 2)].source == "measured"
    assert cells[("employment", 2)].source == "assumed"
    assert with_measured(case, {}) == case


def test_a_measured_effect_needs_the_number_of_citizens() -> None:
    measured = {"adults": MeasuredGain("adults", D("-1"), D("-2"), D("0"))}
    with pytest.raises(CaseError, match="antal borgere"):
        with_measured(_hand_worked(), measured)


def test_the_case_reads_back_from_its_own_yaml() -> None:
    case = _hand_worked()
    assert parse_case_text(case_yaml(case)) == case


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("cost: 1.000.000}", "cost: tusind}", 1), "Linje 1, feltet «cost»: «tusind» er ikke et beløb"),
        (("year: 3, cost: 300000", "year: 4, cost: 300000", 1), "Linje 3, feltet «year»: «4»"),
        (("discount_rate: 4%", "discount_rate: 4", 1), "Diskonteringsrenten: «4» skal være en procent"),
        (("success_rate: 60%", "success_rate: 160%", 1), "Succesraten: «160%»"),
        (("refund_share: 25%}", "refund_share: 125%}", 1), "Linje 11, feltet «refund_share»"),
        (("gain: 800.000}", "gain: 800.000, cost: 5}", 1), "Linje 9 skal have præcis ét"),
        (("cost: 150.000}", 'cost: "150.000,123"}', 1), "Linje 5, feltet «cost»: «150.000,123» har mere end to decimaler"),
        (("cost: 150.000}", "cost: 150.000,50}", 1), "Linje 5 har ukendte felter: 50. Et beløb med decimalkomma skal stå i anførselstegn"),
        (("cost: 150.000}", "cost: -150.000}", 1), "Linje 5, feltet «cost»: beløbet skal ligge"),
        (("{sector_area: adults, year: 2", "{area: adults, year: 2", 1), "Linje 11 har ukendte felter: area"),
        (("years: 3", "years: 3\ncolour: red", 1), "ukendte felter: colour"),
        (("name: Tre år, to betalende og tre gevinstområder", "name: ''", 1), "«name» skal udfyldes"),
        (("lines:", "lines: [] \nold_lines:", 1), "ukendte felter: old_lines"),
    ],
)  # fmt: skip
def test_a_bad_case_is_refused_naming_line_and_field(
    change: tuple[str, str, int], message: str
) -> None:
    old, new, count = change
    with pytest.raises(CaseError, match=message.replace("(", r"\(")):
        parse_case_text(HAND_WORKED.replace(old, new, count))


def test_unreadable_yaml_is_refused_in_danish() -> None:
    with pytest.raises(CaseError, match="kan ikke læses som YAML"):
        parse_case_text("name: [unclosed", "Filen x.yaml")


# --- properties: the tables add up to the øre -------------------------------------------------

AMOUNTS = st.decimals(min_value=0, max_value=10_000_000, places=2, allow_nan=False)
RATES = st.fractions(min_value=0, max_value=1, max_denominator=1000)


@st.composite
def cases(draw: st.DrawFn) -> Case:
    years = draw(st.integers(1, 6))
    lines = draw(st.lists(
        st.builds(CaseLine, st.sampled_from(["a", "b", "c", "d"]), st.integers(1, years),
                  st.sampled_from(["cost", "gain"]), AMOUNTS, RATES),
        min_size=1, max_size=12,
    ))  # fmt: skip
    return Case("p", years, draw(st.fractions(0, Fraction(1, 5), max_denominator=400)),
                draw(RATES), tuple(lines))  # fmt: skip


@given(cases())
@settings(max_examples=150, deadline=None)
def test_area_nets_sum_to_year_totals_and_the_cumulative_to_the_total(case: Case) -> None:
    for basis in ("gross", "net"):
        found = outcome(case, basis)  # type: ignore[arg-type]
        for y in found.years:
            cells = [c for c in found.cells if c.year == y.key]
            assert sum((c.net for c in cells), D(0)) == y.net
            assert sum((c.discounted_net for c in cells), D(0)) == y.discounted_net
        total = sum((a.net for a in found.areas), D(0))
        assert total == sum((y.net for y in found.years), D(0)) == found.years[-1].cumulative
        discounted = sum((a.discounted_net for a in found.areas), D(0))
        assert discounted == found.years[-1].discounted_cumulative == found.npv
        assert all(c.net == c.net.quantize(D("0.01")) for c in found.cells)
        # net of the state never exceeds gross, line by line
        gross = outcome(case, "gross")
        assert all(n.gain <= g.gain for n, g in zip(found.cells, gross.cells, strict=True))


@given(cases())
@settings(max_examples=80, deadline=None)
def test_the_break_even_rate_makes_the_exact_npv_zero(case: Case) -> None:
    for basis in ("gross", "net"):
        found = evaluate(case).basis(basis)  # type: ignore[arg-type]
        if found.break_even is None:
            continue
        # the rounded NPV at the exact rate is within half an øre per cell of 0
        at = outcome(case, basis, found.break_even) if 0 <= found.break_even <= 1 else None  # type: ignore[arg-type]
        if at is not None:
            assert abs(at.npv) <= D("0.01") * (len(case.lines) + 2 * len(at.cells))


# --- stored cases -----------------------------------------------------------------------------


def test_save_list_and_show_as_a_real_user(settings: Settings, tmp_path: Path) -> None:
    add_cli_users(settings)
    file = tmp_path / "case.yaml"
    file.write_text(HAND_WORKED, encoding="utf-8")
    env = _env(settings)
    refused = runner.invoke(app, ["invest", "save", str(file), "--user", "caseworker"], env=env)
    assert refused.exit_code == 1 and "Afvist" in refused.output
    saved = runner.invoke(app, ["invest", "save", str(file), "--user", "finance-consultant"],
                          env=env)  # fmt: skip
    assert saved.exit_code == 0, saved.output
    assert "version 1" in saved.output
    again = runner.invoke(app, ["invest", "save", str(file), "--user", "analyst"], env=env)
    assert "uændret; intet gemt" in " ".join(again.output.split())
    file.write_text(HAND_WORKED.replace("success_rate: 60%", "success_rate: 80%"), "utf-8")
    changed = runner.invoke(app, ["invest", "save", str(file), "--user", "solution-leader"],
                            env=env)  # fmt: skip
    assert "version 2" in changed.output
    listed = json.loads(runner.invoke(app, ["invest", "list", "--format", "json"], env=env).stdout)
    assert [(r["name"], r["version"]) for r in listed] == [
        ("Tre år, to betalende og tre gevinstområder", 2)
    ]
    first = runner.invoke(app, ["invest", "show", "1", "--format", "json"], env=env)
    shown = json.loads(first.stdout, parse_float=Decimal)
    assert shown["version"] == 1 and Decimal(shown["gross"]["npv"]) == NPV["gross"]
    as_yaml = runner.invoke(app, ["invest", "show", "1", "--yaml"], env=env)
    assert parse_case_text(as_yaml.stdout) == _hand_worked()
    missing = runner.invoke(app, ["invest", "show", "99"], env=env)
    assert missing.exit_code == 1 and "findes ikke" in missing.output
    engine = make_engine(settings.store_url)
    with sessions(engine)() as session:
        stored = session.scalars(select(InvestmentCase).order_by(InvestmentCase.id)).all()
        assert [(c.version, c.changed_by) for c in stored] == [
            (1, "finance-consultant"),
            (2, "solution-leader"),
        ]
        logged = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "investeringscase_gemt")
        ).all()
        assert [e.actor for e in logged] == ["finance-consultant", "solution-leader"]
    engine.dispose()


def test_a_bad_file_is_refused_before_anything_is_saved(settings: Settings, tmp_path: Path) -> None:
    add_cli_users(settings)
    file = tmp_path / "case.yaml"
    file.write_text(HAND_WORKED.replace("year: 3, cost: 300000", "year: 9, cost: 300000"), "utf-8")
    result = runner.invoke(app, ["invest", "save", str(file), "--user", "analyst"],
                           env=_env(settings))  # fmt: skip
    assert result.exit_code == 1
    assert "Linje 3, feltet «year»" in " ".join(result.output.split())
    engine = make_engine(settings.store_url)
    with sessions(engine)() as session:
        assert session.scalars(select(InvestmentCase)).all() == []
    engine.dispose()


def test_the_preset_is_a_valid_case() -> None:
    result = runner.invoke(app, ["invest", "preset"])
    assert result.exit_code == 0
    case = parse_case_text(result.stdout)
    assert case.years == 4 and case.first_year == 2027
    assert evaluate(case).net.outcome.npv < evaluate(case).gross.outcome.npv


def test_the_pilots_effects_become_measured_gains() -> None:
    from tvaers.budget.investment_service import measured_gains
    from tvaers.budget.pilot_model import MeasuredEffect, Method
    from tvaers.core.units import TOTAL_AREA

    def effect(area: str, value: str, low: str | None, high: str | None) -> MeasuredEffect:
        return MeasuredEffect(area, D(value), low and D(low), high and D(high), 30, 90,
                              Method.NEAREST, "gross")  # fmt: skip

    found = measured_gains({
        "adults": effect("adults", "-4000.5", "-9000", "1000"),
        "children": effect("children", "-100", None, None),
        TOTAL_AREA: effect(TOTAL_AREA, "-4100.5", "-9500", "900"),
    })  # fmt: skip
    assert found == {
        "adults": MeasuredGain("adults", D("-4000.5"), D("-9000"), D("1000")),
        "children": MeasuredGain("children", D("-100"), D("-100"), D("-100")),
    }
    assert measured_gains(None) == {}
    case = parse_case_text(HAND_WORKED.replace("lines:", "citizens: 3\nlines:"))
    adults = [x for x in with_measured(case, found).lines if x.sector_area == "adults"]
    # 4.000,50 × 3 = 12.001,50 a year saved; the interval −1.000 × 3 to 9.000 × 3
    assert [(x.amount, x.low, x.high, x.refund_share) for x in adults] == [
        (D("12001.50"), D("-3000.00"), D("27000.00"), Fraction(1, 4))
    ] * 2
