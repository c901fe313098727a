"""The resource draw on a hand-made municipality: every figure worked out by hand below.

The municipality (tests/fixtures/draw) has six citizens in four families, January-March 2025:

    anna  F1  kontanthjælp (registered), mentor Jan-Feb, a registered mentor expense in Feb
    bo    F1  foster care (registered Jan-Feb, invoiced unregistered in Mar), family treatment
              Nov 2024 - 20 Feb 2025 (spans the price change of 15 Feb without getting it)
    carl  F2  mentor from 15 Jan (ongoing), § 99 contact person 1 Feb - 15 Mar (priced method)
    dina  F2  family treatment from 20 Feb (ongoing, starts after the price change), two
              transport arrangements (one Jan-Mar, a second in March)
    erik  F3  § 85 support from Dec 2024 (ongoing; price change 1 Mar), § 101 treatment with no
              price (the importer refuses that, so the price is removed after the import)
    frida F4  kontanthjælp only (registered)

Function 5.38.53 (§ 99) is priced by configuration (konfiguration/individfordeling.csv); every
other function is pooled. Unit prices: family treatment 700.00, 720.00 from 15 Feb; foster care
50,000.00 a month; § 85 500.00, 520.00 from 1 Mar; § 99 480.00; mentor 450.00; transport
230.00 a trip. Days in the months: 31, 28, 31.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from tvaers.core.config import Settings
from tvaers.core.cpr import Pseudonymiser
from tvaers.core.periods import Period
from tvaers.core.units import Unit
from tvaers.data.importer import import_folder
from tvaers.draw import service
from tvaers.draw.attribution import Attribution
from tvaers.draw.model import Member
from tvaers.draw.service_baseline import baseline

from .conftest import FIXTURES, TEST_KEY

CPR = {
    "anna": "0101851001",
    "bo": "0202154002",
    "carl": "0303801003",
    "dina": "0404104004",
    "erik": "0505701005",
    "frida": "0606901006",
}
PSEUDONYM = {name: Pseudonymiser(TEST_KEY.encode()).pseudonym(cpr) for name, cpr in CPR.items()}
NAME = {pseudonym: name for name, pseudonym in PSEUDONYM.items()}
D = Decimal


def town_settings(tmp: Path) -> Settings:
    """The hand-made municipality imported into a fresh home, with its configuration."""
    settings = Settings(home=tmp / "home", pseudonym_key=TEST_KEY)
    import_folder(FIXTURES / "draw", settings, user="test")
    shutil.copytree(FIXTURES / "draw" / "konfiguration", settings.home / "konfiguration")
    con = duckdb.connect(str(settings.analytics_path))
    try:  # erik's § 101 treatment loses its price: the case the importer cannot produce
        con.execute("DELETE FROM unit_prices WHERE intervention = '016101'")
    finally:
        con.close()
    return settings


@pytest.fixture(scope="module")
def town(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return town_settings(tmp_path_factory.mktemp("draw"))


@pytest.fixture(scope="module")
def attribution(town: Settings) -> Iterator[Attribution]:
    with service.opened(town) as analysis:
        yield analysis.draw(2025)


def rows(table) -> list[dict]:  # type: ignore[no-untyped-def]
    return table.to_pyarrow().to_pylist() if hasattr(table, "to_pyarrow") else table.to_pylist()


def test_the_year_is_clipped_to_the_months_with_postings(attribution: Attribution) -> None:
    assert attribution.period == Period.between(date(2025, 1, 1), date(2025, 3, 31))
    assert attribution.config.priced_functions == ("5.38.53",)


# Per citizen, sector area and month: (registered, pooled, priced). Worked out by hand:
EXPECTED_DRAW = {
    # anna: kontanthjælp 16,500.00 a month, registered (P01-P03).
    # Jan: the mentor pool 5.68.90 (10,000.00 = 1,000,000 øre) is split over anna and carl by
    #   priced cost: anna 8 h x 450.00 = 3,600.00 (360,000 øre); carl 6 h x 17/31 days x 450.00
    #   = 1,480.645... -> 1,480.65 (148,065 øre, rounded half to even). Sum 508,065 øre.
    #   anna 1,000,000 x 360,000 / 508,065 = 708,570.75..., carl 291,429.24...; floors sum to
    #   999,999: the last øre goes to the larger remainder (anna, .75) -> 7,085.71 and 2,914.29.
    ("anna", "employment", "2025-01"): (D("16500.00"), D("7085.71"), D("0")),
    # Feb: anna has a registered posting without an intervention on the mentor function (P23,
    #   1,000.00), so her mentor month is not pooled again (no krone twice): carl gets it all.
    ("anna", "employment", "2025-02"): (D("17500.00"), D("0"), D("0")),
    ("anna", "employment", "2025-03"): (D("16500.00"), D("0"), D("0")),
    # bo: foster care registered per person in Jan and Feb (P08, P09; so not pooled again),
    #   the March invoice is unregistered (P11, 50,000.00) and bo is the only one active: his.
    # Family treatment pool 5.28.21 is 30,000.00 a month. Jan: bo alone (20 h x 700.00).
    # Feb: bo 20 h x 20/28 days x 700.00 (first active day 1 Feb: the 720.00 from 15 Feb does
    #   not apply) = 10,000.00; dina 10 h x 9/28 x 720.00 (first active day 20 Feb) = 2,314.2857
    #   -> 2,314.29. Sum 1,231,429 øre. bo 3,000,000 x 1,000,000 / 1,231,429 = 2,436,193.87,
    #   dina 563,806.13; one øre left, to bo (.87): 24,361.94 and 5,638.06.
    ("bo", "children", "2025-01"): (D("50000.00"), D("30000.00"), D("0")),
    ("bo", "children", "2025-02"): (D("50000.00"), D("24361.94"), D("0")),
    ("bo", "children", "2025-03"): (D("0"), D("50000.00"), D("0")),
    # carl: mentor pool Jan 2,914.29 (above), Feb and Mar alone (anna excluded / ended) 10,000.00.
    # § 99 is priced: Feb 10 h x 480.00 = 4,800.00; Mar 10 h x 15/31 x 480.00 = 2,322.5806
    #   -> 2,322.58.
    ("carl", "employment", "2025-01"): (D("0"), D("2914.29"), D("0")),
    ("carl", "employment", "2025-02"): (D("0"), D("10000.00"), D("0")),
    ("carl", "employment", "2025-03"): (D("0"), D("10000.00"), D("0")),
    ("carl", "adults", "2025-02"): (D("0"), D("0"), D("4800.00")),
    ("carl", "adults", "2025-03"): (D("0"), D("0"), D("2322.58")),
    # dina: family treatment Feb 5,638.06 (above); Mar alone (ongoing) 30,000.00.
    # Transport pool 3.22.06: 2,300.00, 2,300.00, 3,000.00; dina is the only one on it.
    ("dina", "children", "2025-02"): (D("0"), D("5638.06"), D("0")),
    ("dina", "children", "2025-03"): (D("0"), D("30000.00"), D("0")),
    ("dina", "special_education", "2025-01"): (D("0"), D("2300.00"), D("0")),
    ("dina", "special_education", "2025-02"): (D("0"), D("2300.00"), D("0")),
    ("dina", "special_education", "2025-03"): (D("0"), D("3000.00"), D("0")),
    # erik: § 85 pool 5.38.38, he is alone: 9,000.00, 9,000.00 and in March a refund (P17)
    #   makes the pool negative: -1,250.25 is his too. His § 101 treatment has no price: the
    #   § 101 pool stays unattributed (no_price).
    ("erik", "adults", "2025-01"): (D("0"), D("9000.00"), D("0")),
    ("erik", "adults", "2025-02"): (D("0"), D("9000.00"), D("0")),
    ("erik", "adults", "2025-03"): (D("0"), D("-1250.25"), D("0")),
    # frida: kontanthjælp 12,000.00 a month, registered (P04-P06).
    ("frida", "employment", "2025-01"): (D("12000.00"), D("0"), D("0")),
    ("frida", "employment", "2025-02"): (D("12000.00"), D("0"), D("0")),
    ("frida", "employment", "2025-03"): (D("12000.00"), D("0"), D("0")),
}


def test_the_draw_per_citizen_area_and_month_is_as_worked_out_by_hand(
    attribution: Attribution,
) -> None:
    found = {
        (NAME[r["citizen"]], r["sector_area"], r["month"]): (r["registered"], r["pooled"],
                                                              r["priced"])
        for r in service.draw_rows(attribution, Unit.CITIZEN).to_pylist()
    }  # fmt: skip
    assert found == EXPECTED_DRAW
    for r in service.draw_rows(attribution, Unit.CITIZEN).to_pylist():
        assert r["attributed"] == r["pooled"] + r["priced"]
        assert r["total"] == r["registered"] + r["attributed"]


def test_every_attributed_amount_carries_its_method(attribution: Attribution) -> None:
    lines = rows(attribution.lines)
    assert {r["method"] for r in lines} == {"registered", "pooled", "priced"}
    priced = sorted((NAME[r["citizen"]], r["intervention"], r["amount"]) for r in lines
                    if r["method"] == "priced")  # fmt: skip
    assert priced == [("carl", "016099", D("2322.58")), ("carl", "016099", D("4800.00"))]
    # Nobody is pooled on an intervention-month that is registered on the citizen (bo's foster
    # care in Jan and Feb), nor on the function of a registered posting without intervention.
    pooled = {(NAME[r["citizen"]], r["intervention"], str(r["month"])[:7]) for r in lines
              if r["method"] == "pooled"}  # fmt: skip
    assert ("bo", "015025", "2025-01") not in pooled
    assert ("bo", "015025", "2025-03") in pooled
    assert ("anna", "017031", "2025-02") not in pooled


def test_the_family_draw_adds_up_its_members(attribution: Attribution) -> None:
    families = {
        (r["family"], r["sector_area"], r["month"]): r["total"]
        for r in service.draw_rows(attribution, Unit.FAMILY).to_pylist()
    }
    # F1 children in February: bo 50,000.00 + 24,361.94; F2 children: dina 5,638.06.
    assert families[("F1", "children", "2025-02")] == D("74361.94")
    assert families[("F2", "children", "2025-02")] == D("5638.06")
    # F2 employment in January: carl's 2,914.29; F1: anna 16,500.00 + 7,085.71.
    assert families[("F2", "employment", "2025-01")] == D("2914.29")
    assert families[("F1", "employment", "2025-01")] == D("23585.71")
    assert sum(families.values()) == D("387972.33")


def test_what_stays_unattributed_and_why(attribution: Attribution) -> None:
    found = sorted(
        (r["sector_area"], r["function_code"], str(r["month"])[:7], r["reason"], r["amount"])
        for r in rows(attribution.unattributed)
    )
    assert found == [
        # § 99 is priced: the books (5,000.00) minus units x price (4,800.00); in March nothing
        # is booked on the function but 2,322.58 is priced: a negative difference.
        ("adults", "5.38.45", "2025-02", "no_price", D("20000.00")),  # erik's § 101, no price
        ("adults", "5.38.53", "2025-02", "priced_difference", D("200.00")),
        ("adults", "5.38.53", "2025-03", "priced_difference", D("-2322.58")),
        # Supervision of foster families: bo, the only one active, is registered in January.
        ("children", "5.28.22", "2025-01", "no_activity", D("3000.00")),
        # No intervention is booked on 5.68.91: no pool to attribute from.
        ("employment", "5.68.91", "2025-01", "no_pool", D("4000.00")),
    ]


def test_coverage_per_area_and_in_total(attribution: Attribution) -> None:
    cover = {r["sector_area"]: r for r in service.coverage(attribution)}
    # employment: 16,500 x 3 + 1,000 + 12,000 x 3 = 86,500.00 registered; mentor pools 30,000.00;
    # unattributed 4,000.00 (5.68.91); expenditure 120,500.00 -> 116,500 / 120,500.
    assert cover["employment"]["expenditure"] == D("120500.00")
    assert cover["employment"]["registered"] == D("86500.00")
    assert cover["employment"]["pooled"] == D("30000.00")
    assert cover["employment"]["no_pool"] == D("4000.00")
    assert cover["employment"]["coverage"] == pytest.approx(116500 / 120500)
    # children: 243,000.00; registered 100,000.00; pooled 140,000.00; 3,000.00 no_activity.
    assert (cover["children"]["registered"], cover["children"]["attributed"]) == (
        D("100000.00"), D("140000.00"))  # fmt: skip
    assert cover["children"]["coverage"] == pytest.approx(240000 / 243000)
    # adults: 9,000 + 34,000 - 1,250.25 = 41,749.75; pooled 16,749.75; priced 7,122.58;
    # unattributed 20,000.00 no_price + (200.00 - 2,322.58) priced difference = 17,877.42.
    adults = cover["adults"]
    assert adults["expenditure"] == D("41749.75")
    assert (adults["pooled"], adults["priced"]) == (D("16749.75"), D("7122.58"))
    assert (adults["no_price"], adults["priced_difference"]) == (D("20000.00"), D("-2122.58"))
    assert adults["unattributed"] == D("17877.42")
    assert cover["special_education"]["coverage"] == 1.0
    total = cover["total"]
    assert total["expenditure"] == D("412849.75")
    assert total["registered"] + total["attributed"] + total["unattributed"] == D("412849.75")
    assert total["coverage"] == pytest.approx((186500 + 194349.75 + 7122.58) / 412849.75)


def test_expenditure_reconciles_per_area_and_month(attribution: Attribution) -> None:
    from .test_draw_properties import reconciliation_gaps

    assert reconciliation_gaps(attribution) == []


def test_concentration_hides_shares_of_fewer_than_five(attribution: Attribution) -> None:
    c = service.concentration(attribution, Unit.CITIZEN)
    assert (c.units, c.total) == (6, D("387972.33"))
    # The top 1 %, 3 % and 10 % of six citizens is one citizen: not published.
    assert (c.top_1_share, c.top_3_share, c.top_10_share) == (None, None, None)
    # Gini over the six totals in ascending order (16,749.75; 30,036.87; 36,000.00; 43,238.06;
    # 57,585.71; 204,361.94) with weights 2i - n - 1 = -5, -3, -1, 1, 3, 5:
    # 1,027,945.53 / (6 x 387,972.33) = 0.44158885
    assert c.gini == pytest.approx(0.4415888499, abs=1e-9)
    assert c.lorenz == [(0.0, 0.0), (1.0, 1.0)]  # one step of at least five citizens
    families = service.concentration(attribution, Unit.FAMILY)
    # Four families are a small cell: their count and total are hidden like every share.
    assert (families.units, families.total, families.gini) == (None, None, None)


def test_contact_points_per_citizen_and_family(attribution: Attribution) -> None:
    citizens = {
        NAME[r["citizen"]]: r
        for r in service.contacts_per_unit(attribution, Unit.CITIZEN).to_pylist()
    }
    measures = ("sector_areas", "interventions", "simultaneous_interventions", "caseworkers")

    def of(row: dict) -> tuple:
        return (*(row[m] for m in measures), row["overlaps"], row["overlap_cost"])

    # carl: employment + adults; mentor and § 99 at once from 1 Feb (the default rule); the
    # cost of both in Feb and Mar: 10,000.00 + 4,800.00 + 10,000.00 + 2,322.58 = 27,122.58.
    assert of(citizens["carl"]) == (2, 2, 2, 2, 1, D("27122.58"))
    # dina: children + special education; family treatment and two transports in March (3 at
    # once); the two transports overlap in March, where her transport draw is 3,000.00.
    assert of(citizens["dina"]) == (2, 2, 3, 2, 1, D("3000.00"))
    assert of(citizens["erik"]) == (1, 2, 2, 2, 0, D("0"))
    assert of(citizens["bo"]) == (1, 2, 2, 1, 0, D("0"))
    assert of(citizens["anna"]) == (1, 1, 1, 1, 0, D("0"))
    assert of(citizens["frida"]) == (1, 0, 0, 0, 0, D("0"))  # a draw, no activities
    families = {
        r["family"]: r for r in service.contacts_per_unit(attribution, Unit.FAMILY).to_pylist()
    }
    # F2: four areas, four interventions, five activities at once in March (carl's mentor and
    # § 99 until 15 Mar, dina's family treatment and two transports), four caseworkers; both
    # rules hit: 27,122.58 + 3,000.00.
    assert of(families["F2"]) == (4, 4, 5, 4, 2, D("30122.58"))
    # F1: anna's mentor with bo's family treatment and foster care in January: three at once.
    assert of(families["F1"]) == (2, 3, 3, 2, 0, D("0"))


def test_contact_aggregates_hide_small_groups(attribution: Attribution) -> None:
    found = service.contacts(attribution)
    overlaps = {r["rule"]: r for r in found["overlaps"]}
    # One citizen (carl) and one family: fewer than five, so hidden.
    assert overlaps["mentor_support_contact"]["citizens"] is None
    assert overlaps["mentor_support_contact"]["citizens_cost"] is None
    areas = [r for r in found["distribution"]
             if r["level"] == "citizen" and r["measure"] == "sector_areas"]  # fmt: skip
    # Six citizens: four with one area, two with two; every group is below five or would give it
    # away, so everything but the total and the empty groups is hidden.
    assert {r["group"]: r["units"] for r in areas} == {
        "1": None, "2": None, "3": 0, "4+": 0, "total": 6}  # fmt: skip


def test_baseline_is_the_twelve_months_before_each_reference_date(town: Settings) -> None:
    with service.opened(town) as analysis:
        result = baseline(
            analysis,
            [
                Member(PSEUDONYM["carl"], date(2025, 4, 1)),
                Member(PSEUDONYM["dina"], date(2025, 3, 1)),
            ],
            Unit.CITIZEN,
        )
    found = {(NAME[r["unit"]], r["sector_area"]): (r["months"], r["total"])
             for r in result.rows.to_pylist()}  # fmt: skip
    # carl, reference 1 April 2025: April 2024 - March 2025, of which Jan-Mar have data (3).
    # employment 2,914.29 + 10,000.00 + 10,000.00; adults (priced) 4,800.00 + 2,322.58.
    # dina, reference 1 March 2025: March 2024 - February 2025 (2 months with data): family
    # treatment 5,638.06 in February, transport 2,300.00 + 2,300.00.
    assert found == {
        ("carl", "employment"): (3, D("22914.29")),
        ("carl", "adults"): (3, D("7122.58")),
        ("dina", "children"): (2, D("5638.06")),
        ("dina", "special_education"): (2, D("4600.00")),
    }
    # Two members: fewer than five, so the group figures are hidden.
    assert all(r["total"] is None for r in result.by_area)


def test_draw_rows_for_one_citizen(attribution: Attribution) -> None:
    carl = service.draw_rows(attribution, Unit.CITIZEN, only=[PSEUDONYM["carl"]]).to_pylist()
    assert len(carl) == 5 and {r["citizen"] for r in carl} == {PSEUDONYM["carl"]}


# --- configuration and the personal-data rule (pure) --------------------------------------------


def test_methods_file_names_priced_functions_and_refuses_nonsense() -> None:
    from tvaers.core.errors import ConfigError
    from tvaers.draw.model import Method, parse_methods

    config = parse_methods("\ufefffunction_code,method\n5.38.53,priced\n5.28.21,Pooled\n")
    assert config.method_for("5.38.53") is Method.PRICED
    assert config.method_for("5.28.21") is Method.POOLED
    assert config.method_for("9.99.99") is Method.POOLED  # the default
    with pytest.raises(ConfigError, match="række 2"):
        parse_methods("function_code,method\n5.38.53,guessed\n")
    with pytest.raises(ConfigError, match="mangler"):
        parse_methods("funktion;metode\n5.38.53;priced\n")


def test_overlap_rules_from_a_file() -> None:
    from tvaers.core.errors import ConfigError
    from tvaers.draw.model import Selector, parse_overlaps

    rules = parse_overlaps(
        "rule,label,first,second\n"
        "mentor_99,Mentor og § 99,code:017031|legal_basis:LAB § 31*,legal_basis:SEL § 99\n"
    )
    assert rules[0].first == Selector(codes=("017031",), legal_bases=("LAB § 31*",))
    assert str(rules[0].second) == "legal_basis:SEL § 99"
    with pytest.raises(ConfigError, match="række 2"):
        parse_overlaps("rule,label,first,second\nx,X,colour:red,code:1\n")


# --- a group from a file (baseline --members) ----------------------------------------------------


def test_a_members_file_is_pseudonymised_set_based(monkeypatch: pytest.MonkeyPatch) -> None:
    from tvaers.core import cpr as cpr_module
    from tvaers.draw.service_baseline import read_members

    key = TEST_KEY.encode()
    numbers = [f"{day:02d}0{month}85{serial:04d}" for day in range(1, 29) for month in range(1, 10)
               for serial in range(1000, 1040)]  # fmt: skip
    expected = [Pseudonymiser(key).pseudonym(n) for n in numbers[:3]]
    body = "\n".join(f"{n[:6]}-{n[6:]};01.0{1 + i % 9}.2025" for i, n in enumerate(numbers))

    def per_row(*_args: object) -> str:
        raise AssertionError("pseudonymised row by row in Python")

    monkeypatch.setattr(cpr_module.Pseudonymiser, "pseudonym", per_row)
    members, are_citizens = read_members(f"\ufeffCPR;Reference_Date\n{body}\n", key, None)
    assert are_citizens and members.num_rows == len(numbers) == 10_080
    rows = members.to_pylist()
    assert [r["unit"] for r in rows[:3]] == expected  # the importer's pseudonyms, in file order
    assert rows[0]["reference_date"] == date(2025, 1, 1)
    assert rows[10]["reference_date"] == date(2025, 2, 1)
    assert not any(n in str(rows) for n in numbers[:100])


def test_a_members_file_of_families_or_pseudonyms_with_a_default_date() -> None:
    from tvaers.draw.service_baseline import read_members

    key = TEST_KEY.encode()
    members, are_citizens = read_members("family\r\nF1\r\n\r\nF2\r\n", key, date(2025, 9, 1))
    assert not are_citizens
    assert members.to_pylist() == [
        {"unit": "F1", "reference_date": date(2025, 9, 1)},
        {"unit": "F2", "reference_date": date(2025, 9, 1)},
    ]
    members, are_citizens = read_members(
        f"citizen,reference_date\n{PSEUDONYM['anna']},2025-03-01\n{PSEUDONYM['bo']},\n",
        key,
        date(2025, 9, 1),
    )
    assert are_citizens
    assert [(r["unit"], r["reference_date"]) for r in members.to_pylist()] == [
        (PSEUDONYM["anna"], date(2025, 3, 1)),
        (PSEUDONYM["bo"], date(2025, 9, 1)),
    ]


def test_a_bad_members_file_is_refused_with_file_row_and_column() -> None:
    from tvaers.core.errors import ConfigError
    from tvaers.draw.service_baseline import read_members

    key = TEST_KEY.encode()
    bad = f"cpr;skæring\n{CPR['anna']};x\n"  # no reference_date column: every date missing
    with pytest.raises(ConfigError) as found:
        read_members(bad, key, None, "gruppe.csv")
    assert "gruppe.csv, række 2, kolonne : skæringsdatoen mangler" not in str(found.value)
    assert "gruppe.csv, række 2" in str(found.value) and "skæringsdatoen mangler" in str(
        found.value
    )
    text = (
        "CPR,Reference_date\n"
        f"{CPR['anna']},2025-03-01\n"
        "\n"  # an empty line keeps its row number
        "3213991234,2025-03-01\n"  # no 32nd day
        f"{CPR['bo']},2025-02-30\n"
        f"{CPR['carl']},\n"
        "12345,01-03-2025\n"
    )
    with pytest.raises(ConfigError) as found:
        read_members(text, key, None, "gruppe.csv")
    lines = str(found.value).splitlines()
    assert lines[0].startswith(
        "gruppe.csv, række 4, kolonne CPR: CPR-nummeret indeholder en fødselsdato, der ikke "
        "findes ('321399-****')"
    )
    assert lines[1].startswith("gruppe.csv, række 5, kolonne Reference_date: Ugyldig dato "
                               "('2025-02-30')")  # fmt: skip
    assert lines[2].startswith(
        "gruppe.csv, række 6, kolonne Reference_date: skæringsdatoen mangler"
    )
    assert lines[3].startswith("gruppe.csv, række 7, kolonne CPR: CPR-nummeret skal være 10 cifre")
    assert "3213991234" not in str(found.value) and CPR["bo"] not in str(found.value)
    many = "cpr\n" + "\n".join(["99"] * 12) + "\n"
    with pytest.raises(ConfigError, match="og 7 fejl mere"):
        read_members(many, key, date(2025, 1, 1), "gruppe.csv")
    with pytest.raises(ConfigError, match="række 3: rækken har 3 felter"):
        read_members(f"cpr;reference_date\n{CPR['anna']};2025-03-01\n{CPR['bo']};1;2\n", key,
                     None, "gruppe.csv")  # fmt: skip
    with pytest.raises(ConfigError, match="mangler en kolonne"):
        read_members("navn\nAnna\n", key, None, "gruppe.csv")


def test_the_cache_keeps_decimals_dates_and_shares_as_they_were() -> None:
    from tvaers.draw import cache

    document = {
        "coverage": [{"expenditure": D("303118.85"), "coverage": 0.8123, "citizens": None}],
        "period": "2025-01..2025-02",
        "first": date(2025, 1, 1),
        "lorenz": [[0.0, 0.0], [1.0, 1.0]],
    }
    assert cache.loads(cache.dumps(document)) == document
    with pytest.raises(TypeError):
        cache.dumps({"rows": {1, 2}})  # only plain values, never objects
