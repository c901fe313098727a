"""Monthly deviations down to the single case (issue 14, 003 §2.3) on the hand-made municipality
of ``test_budget_assumptions`` (its files, its assumptions), on SQLite and PostgreSQL.

As of 30 June 2025 the window is January-June: W = 181 days, N = 365 days.

Familiebehandling (015011), gross: Qb = 3, Pb = 280.000,00. The cases in the window:

====  =========================  ====  ==========
case  activity                   days  spend
====  =========================  ====  ==========
A1    2025-01-01..2025-12-31      181  150.000,00  (6 months × 25.000,00)
A2    2025-01-01..2025-06-30      181  150.000,00
A4    2024-11-01..2025-03-31       90   75.000,00  (1 January-31 March; 3 months)
====  =========================  ====  ==========

(A3 starts 1 July and A5 1 October: no case yet.) Days 452, spend 375.000,00.

* full-year persons to date Qa = 452 / 365 = 1,2383561… → 1,2384;
* average price Pa = 375.000 × 365 / 452 = 302.820,7964… → 302.820,80;
* planned to date = 3 × 181/365 × 280.000 = 152.040.000 / 365 = 416.547,9452… → 416.547,95;
* deviation = 375.000,00 − 416.547,95 = −41.547,95;
* volume = (452 − 543)/365 × 280.000 = −25.480.000 / 365 = −69.808,2191… → −69.808,22;
* price = −41.547,95 + 69.808,22 = 28.260,27 (= 375.000 − 280.000 × 452/365 = 28.260,2739…);
* projected: persons 452 / 181 = 2,4972…; spend 375.000 × 365/181 = 756.215,4696… →
  756.215,47; against 3 × 280.000 = 840.000,00: −83.784,53, volume (452/181 − 3) × 280.000 =
  −140.773,4806… → −140.773,48, price −83.784,53 + 140.773,48 = 56.988,95.

The cases' shares go by days (181 : 181 : 90 of 452), largest remainder, ties to the pseudonym:

* planned 41.654.795 øre: A1, A2 41.654.795 × 181/452 = 16.680.349,32… → 16.680.349; A4
  41.654.795 × 90/452 = 8.294.096,35… → 8.294.096, plus the 1 øre left (largest remainder ,35):
  166.803,49 / 166.803,49 / 82.940,97 (sum 416.547,95);
* contributions = spend − planned share: A1 and A2 −16.803,49, A4 −7.940,97: sum −41.547,95, the
  deviation, to the øre; ranked A1/A2 (the most negative: the deviation is an underspend), A4;
* volume parts −6.980.822 øre × 181/452 = −2.795.417,6… : −27.954,18 / −27.954,17 (the
  remainders tie, so the pseudonym decides which gets the øre) and × 90/452 = −1.389.987,2… →
  −13.899,87: sum −69.808,22; price parts = contribution − volume: 11.150,69 / 11.150,68 /
  5.958,90: sum 28.260,27;
* a case's price: A1 150.000 × 365/181 = 302.486,19 (22.486,19 over Pb); A4 75.000 × 365/90 =
  304.166,67 (24.166,67 over).

Socialpædagogisk støtte (SEL85): five cases of 181 days and 6 × 8.000,00 = 48.000,00 each. Qa =
905/365 = 2,4795; spend 240.000,00; Pa = 240.000 × 365/905 = 96.795,58; planned to date 4,5 ×
181/365 × 100.000 = 223.150,6849… → 223.150,68; deviation 16.849,32; volume (905 − 814,5)/365 ×
100.000 = 24.794,5205… → 24.794,52; price −7.945,20. Each case's contribution is 48.000,00 less a
fifth of 223.150,68 (44.630,136: three get 44.630,14 and two 44.630,13): 3.369,86 × 3 + 3.369,87 ×
2 = 16.849,32.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from tvaers import access
from tvaers.budget import assumption_figures as af
from tvaers.budget.state import Basis
from tvaers.core.config import Settings
from tvaers.core.cpr import Pseudonymiser
from tvaers.core.errors import AccessRefused
from tvaers.core.suppression import EARLIER_NOTE, TOTAL
from tvaers.data.importer import import_folder
from tvaers.draw.session import opened
from tvaers.followup import deviation_cases as dc
from tvaers.followup import deviations as dv
from tvaers.store.database import make_engine, sessions
from tvaers.store.models import AuditEntry, PublishedSet

from .test_budget_assumptions import (
    FAMILY,
    FAMILY_CPR,
    SUPPORT,
    _planned,
    add_users,
    set_plans,
    write_town,
)

D = Decimal


@pytest.fixture
def town(settings: Settings, tmp_path: Path) -> Settings:
    import_folder(write_town(tmp_path / "data"), settings, user="test")
    add_users(settings)
    set_plans(settings)
    return settings


def _rows(settings: Settings, month: int | None) -> dv.Deviations:
    with opened(settings) as analysis:
        return dv.deviation_rows(analysis, 2025, month, Basis.GROSS,
                                 _planned(settings, Basis.GROSS))  # fmt: skip


def _figures(row: dv.DeviationRow) -> tuple[object, ...]:
    return (row.days, row.actual_units, row.actual_price, row.planned, row.actual, row.variance,
            row.volume, row.price, row.projected_units, row.projected, row.projected_variance,
            row.projected_volume, row.projected_price)  # fmt: skip


def test_june_full_year_persons_price_and_the_deviation_to_the_ore(town: Settings) -> None:
    found = _rows(town, 6)
    assert (found.month, found.window_days, found.year_days) == (6, 181, 365)
    rows = {r.intervention: r for r in found.rows}
    assert _figures(rows[FAMILY]) == (
        452, D("1.2384"), D("302820.80"), D("416547.95"), D("375000.00"), D("-41547.95"),
        D("-69808.22"), D("28260.27"), D("2.4972"), D("756215.47"), D("-83784.53"),
        D("-140773.48"), D("56988.95"),
    )  # fmt: skip
    assert _figures(rows[SUPPORT]) == (
        905, D("2.4795"), D("96795.58"), D("223150.68"), D("240000.00"), D("16849.32"),
        D("24794.52"), D("-7945.20"), D("5.0000"), D("483977.90"), D("33977.90"),
        D("50000.00"), D("-16022.10"),
    )  # fmt: skip
    for r in (*found.rows, found.total):
        assert r.planned is not None and r.actual is not None and r.variance is not None
        assert r.planned + r.variance == r.actual
        assert r.volume is not None and r.price is not None
        assert r.volume + r.price == r.variance
    assert found.total.variance == D("-41547.95") + D("16849.32")


def test_december_is_the_yearly_view_of_the_budget_assumptions(town: Settings) -> None:
    found = _rows(town, 12)
    with opened(town) as analysis:
        yearly = af.variance_rows(analysis, 2025, Basis.GROSS, _planned(town, Basis.GROSS))
    for mine, theirs in zip(found.rows, yearly.rows, strict=True):
        assert (mine.actual, mine.planned, mine.variance, mine.volume, mine.price) == (
            theirs.actual,
            theirs.planned,
            theirs.variance,
            theirs.volume,
            theirs.price,
        )
        assert mine.projected == mine.actual and mine.projected_variance == mine.variance


def _cases(settings: Settings, code: str) -> dc.Cases:
    with opened(settings) as analysis:
        return dc.case_rows(analysis, 2025, 6, Basis.GROSS, _planned(settings, Basis.GROSS), code)


def test_the_cases_contributions_sum_to_the_deviation_to_the_ore_ranked(town: Settings) -> None:
    family = _cases(town, FAMILY)
    pseudonyms = Pseudonymiser(town.key_bytes)
    a1, a2, a4 = (pseudonyms.pseudonym(FAMILY_CPR[i]) for i in (0, 1, 3))
    assert [c.rank for c in family.cases] == [1, 2, 3]
    assert {c.citizen for c in family.cases[:2]} == {a1, a2} and family.cases[2].citizen == a4
    assert [(c.days, c.units, c.spend, c.planned_share, c.contribution) for c in family.cases] == [
        (181, D("0.4959"), D("150000.00"), D("166803.49"), D("-16803.49")),
        (181, D("0.4959"), D("150000.00"), D("166803.49"), D("-16803.49")),
        (90, D("0.2466"), D("75000.00"), D("82940.97"), D("-7940.97")),
    ]
    assert sorted(c.volume for c in family.cases) == [D("-27954.18"), D("-27954.17"),
                                                      D("-13899.87")]  # fmt: skip
    assert sorted(c.price_effect for c in family.cases) == [D("5958.90"), D("11150.68"),
                                                            D("11150.69")]  # fmt: skip
    assert [(c.price, c.price_difference, c.caseworker) for c in family.cases][2] == (
        D("304166.67"),
        D("24166.67"),
        "BF1",
    )
    assert family.cases[0].price == D("302486.19")
    for found in (family, _cases(town, SUPPORT)):
        row = found.row
        assert sum(c.contribution for c in found.cases) == row.variance
        assert sum(c.volume for c in found.cases) == row.volume
        assert sum(c.price_effect for c in found.cases) == row.price
        assert all(c.volume + c.price_effect == c.contribution for c in found.cases)
    support = _cases(town, SUPPORT)
    assert sorted(c.contribution for c in support.cases) == [D("3369.86")] * 3 + [D("3369.87")] * 2
    assert [c.contribution for c in support.cases][:2] == [D("3369.87")] * 2  # an overspend


def test_the_statistical_view_hides_small_types_and_remembers_the_sets(town: Settings) -> None:
    engine = make_engine(town.store_url)

    def published(month: int) -> dict[str, dv.DeviationRow]:
        with opened(town) as analysis:
            found = dv.monthly_deviations(analysis, sessions(engine), 2025, month, Basis.GROSS,
                                          context="test", user="finance-consultant")  # fmt: skip
        return {r.intervention: r for r in (*found.rows, found.total)}

    december = published(12)  # five citizens behind each: shown
    assert december[FAMILY].variance == D("-90000.00") and december[FAMILY].citizens == 5
    assert december[SUPPORT].volume == D("50000.00") and december[TOTAL].citizens == 10
    june = published(6)  # Familiebehandling has 3 citizens: hidden, its planned figure shown
    assert june[FAMILY].actual is None and june[FAMILY].planned == D("416547.95")
    assert june[SUPPORT].variance == D("16849.32") and june[SUPPORT].citizens == 5
    # June's 8 citizens are 2 from December's 10 shown before: the total is hidden, or the two
    # would be told by the difference
    assert june[TOTAL].actual is None and june[TOTAL].note == EARLIER_NOTE
    with sessions(engine)() as session:  # the yearly view's kinds: no differencing across them
        kinds = set(session.scalars(select(PublishedSet.kind)))
    engine.dispose()
    assert {af.kind(2025, FAMILY), af.kind(2025, SUPPORT)} <= kinds


def _acting(settings: Settings, user: str, purpose: str):  # type: ignore[no-untyped-def]
    engine = make_engine(settings.store_url)
    session = sessions(engine)()
    return engine, session, access.actor_for(session, user, purpose)


def test_cases_need_casework_and_a_basis_per_citizen_and_are_audited(town: Settings) -> None:
    engine, session, caseworker = _acting(town, "caseworker", "casework")
    statistician = access.actor_for(session, "finance-consultant", "statistical")
    with opened(town) as analysis, pytest.raises(AccessRefused):
        dc.case_list(analysis, session, statistician, 2025, 6, Basis.GROSS, FAMILY)
    with opened(town) as analysis:  # no basis recorded: counted, none shown
        none = dc.case_list(analysis, session, caseworker, 2025, 6, Basis.GROSS, FAMILY)
    assert none.cases == () and none.without_basis == 3
    pseudonyms = Pseudonymiser(town.key_bytes)
    a1, a4 = pseudonyms.pseudonym(FAMILY_CPR[0]), pseudonyms.pseudonym(FAMILY_CPR[3])
    for who, ref in ((a1, "j.nr. 1"), (a4, "j.nr. 4")):
        access.record_citizen_basis(session, caseworker, who, "consent", ref, date(2025, 1, 1))
    with opened(town) as analysis:
        shown = dc.case_list(analysis, session, caseworker, 2025, 6, Basis.GROSS, FAMILY)
    session.commit()
    assert [c.citizen for c in shown.cases] == [a1, a4] and shown.without_basis == 1
    # one case left out: the type's figures less A1's and A4's would tell its, so they are hidden
    assert shown.row.variance is None and shown.row.note == dc.WITHHELD_NOTE
    assert shown.row.planned == D("416547.95")
    entries = list(session.scalars(select(AuditEntry).where(AuditEntry.actor == "caseworker")))
    listed = {e.citizen: e.basis for e in entries if e.citizen in (a1, a4)
              and e.action != "grundlag_registreret"}  # fmt: skip
    assert listed == {a1: "Samtykke: j.nr. 1", a4: "Samtykke: j.nr. 4"}
    view = [e for e in entries if e.action == dc.ACTION]
    assert [e.detail["withheld"] for e in view] == [3, 1]
    session.close()
    engine.dispose()


def _cli(settings: Settings, *args: str):  # type: ignore[no-untyped-def]
    from typer.testing import CliRunner

    from tvaers.cli import app

    from .conftest import TEST_KEY

    env = {"TVAERS_HOME": str(settings.home), "TVAERS_PSEUDONYM_KEY": TEST_KEY,
           "TVAERS_LOG_LEVEL": "WARNING", "TVAERS_USER": ""}  # fmt: skip
    if settings.database_url:
        env["TVAERS_DATABASE_URL"] = settings.database_url
    return CliRunner().invoke(app, list(args), env=env)


def test_the_command_gives_exact_json_the_cases_as_casework_and_excel(
    town: Settings, tmp_path: Path
) -> None:
    import json

    from .workbooks import read_workbook

    done = _cli(town, "deviations", "--year", "2025", "--month", "12", "--intervention", FAMILY)
    assert done.exit_code == 0, done.output
    found = json.loads(done.stdout, parse_float=D)
    assert (found["month"], found["last_day"]) == (12, "2025-12-31")
    row = found["rows"][0]  # the yearly view's figures (test_budget_assumptions)
    assert (row["variance"], row["volume"], row["price"], row["citizens"]) == (
        D("-90000.00"), D("-140383.56"), D("50383.56"), 5)  # fmt: skip
    refused = _cli(town, "deviations", "--year", "2025", "--month", "6", "--intervention",
                   FAMILY, "--cases", "--user", "finance-consultant")  # fmt: skip
    assert refused.exit_code == 1 and "Afvist" in refused.output
    shown = _cli(town, "deviations", "--year", "2025", "--month", "6", "--intervention", FAMILY,
                 "--cases", "--user", "caseworker", "--purpose", "casework")  # fmt: skip
    assert shown.exit_code == 0, shown.output
    cases = json.loads(shown.stdout, parse_float=D)
    assert cases["cases"] == [] and cases["without_basis"] == 3
    assert cases["row"]["variance"] is None and cases["row"]["planned"] == D("416547.95")
    out = tmp_path / "afvigelser.xlsx"
    written = _cli(town, "deviations", "--year", "2025", "--month", "12", "--format", "xlsx",
                   "--out", str(out))  # fmt: skip
    assert written.exit_code == 0, written.output
    book = read_workbook(str(out), out.read_bytes())
    assert not book.problems and book.charts == 1, book.problems


def test_the_published_deviations_are_cached_until_an_assumption_changes(town: Settings) -> None:
    """The page computed them on every request (5 s on S): a second request reads the entry;
    a new assumption is a new entry with new figures. Person-level cases are never cached."""
    from tvaers.access import actor_for
    from tvaers.budget import assumptions
    from tvaers.draw import cache

    engine = make_engine(town.store_url)

    def published(user: str = "finance-consultant") -> dv.Deviations:
        return dv.published(town, sessions(engine), 2025, 12, Basis.GROSS, "test", user)

    first = published()
    entries = sorted(cache.folder(town).glob(f"{dv.DEVIATIONS_KIND}-*.json"))
    assert len(entries) == 1 and first.rows[0].intervention == FAMILY
    text = entries[0].read_text("utf-8")
    assert not any(c in text for c in FAMILY_CPR) and "citizen" not in text.replace(
        '"citizens"', ""
    )
    entries[0].write_text(text.replace('"-90000.00"', '"-1.00"'), "utf-8")
    assert published("analyst").rows[0].variance == D("-1.00")  # read, not computed again
    entries[0].unlink()
    assert published() == first and first.rows[0].variance == D("-90000.00")
    with sessions(engine)() as session:
        actor = actor_for(session, "finance-consultant", "statistical")
        assumptions.set_assumption(session, actor, 2025, FAMILY, "4", "280000", Basis.GROSS)
        session.commit()
    changed = published()
    engine.dispose()
    assert changed.rows[0].variance == D("-370000.00")
    assert len(list(cache.folder(town).glob(f"{dv.DEVIATIONS_KIND}-*.json"))) == 2
