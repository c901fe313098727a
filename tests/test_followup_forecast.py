"""The year-end forecast and its back-test (issue 14, acceptance 1), hand-worked: three citizens,
two areas, every method, as of two dates, reproduced to the øre by the engine's one query and by
the pure rules.

The town (all postings ``dranst`` 1; 2024 is "last year", 2025 the year forecast):

* **E** = employment, intervention ``JOB`` (function 5.68.90). 2024: C1 8.000,00 every month
  (96.000,00). 2025: C1 10.000,01 in January, 10.000,00 February-December; C2 3.333,33
  July-December. Actual 2025: 10.000,01 + 11 × 10.000,00 + 6 × 3.333,33 = 139.999,99.
  Commitment: C2, ``JOB``, 3.333,33 a month from 1 July 2025, open-ended.
* **C** = children, intervention ``FAM`` (function 5.28.21). 2024: C3 20.000,00 January-June
  (120.000,00). 2025: C3 25.000,00 January-April; C2 1.234,57 in October. Actual 101.234,57.
  Commitment: C3, ``FAM``, 25.000,00 a month 1 January-30 April 2025.
* **N** = children, no intervention (a shared cost on 5.28.21, no CPR). 2024: 7.000,00 in
  December. 2025: 3.000,00 in February, June and October. Actual 9.000,00.

As of **31 March 2025** (m = 3):

=====  ==========  ======================  ======================  ===================  ================
type   realised    run_rate                seasonal                last_year            commitments
=====  ==========  ======================  ======================  ===================  ================
E      30.000,01   +30.000,01×9/3          ×96.000/24.000          +(96.000−24.000)     +6×3.333,33
                   = 120.000,04            = 120.000,04            = 102.000,01         = 49.999,99
C      75.000,00   +75.000×9/3             ×120.000/60.000         +(120.000−60.000)    +25.000 (April)
                   = 300.000,00            = 150.000,00            = 135.000,00         = 100.000,00
N      3.000,00    +3.000×9/3 = 12.000,00  last year's Jan-Mar 0:  +7.000 = 10.000,00   +0 = 3.000,00
                                           run-rate 12.000,00
=====  ==========  ======================  ======================  ===================  ================

As of **31 August 2025** (m = 8):

=====  ==========  ======================  ======================  ===================  ================
type   realised    run_rate                seasonal                last_year            commitments
=====  ==========  ======================  ======================  ===================  ================
E      86.666,67   rest 8.666.667 øre×4/8  8.666.667×96/64 =       +32.000              +4×3.333,33
                   = 4.333.333,5 → 43.333,34  13.000.000,5 → even  = 118.666,67         = 99.999,99
                   (half to even, up)      13.000.000: 130.000,00
                   = 130.000,01
C      100.000,00  +50.000 = 150.000,00    ×120.000/120.000        +0 = 100.000,00      +0 = 100.000,00
                                           = 100.000,00
N      6.000,00    +3.000 = 9.000,00       run-rate: 9.000,00      +7.000 = 13.000,00   +0 = 6.000,00
=====  ==========  ======================  ======================  ===================  ================

Last year (the same types' 2024): E 96.000,00; C 120.000,00; N 7.000,00.

**Back-test of 2025** (as of each month end January-November; a commitment counts from its
start), written out for N (actual 9.000,00; realised 0 in January, 3.000 February-May, 6.000
June-September, 9.000 October-November; last year's same months are 0, so seasonal = run-rate):

* run_rate year ends: 0; 18.000; 12.000; 9.000; 7.200; 12.000; 6.000 + 6.000×5/7 = 10.285,71
  (4.285,714… → 4.285,71); 9.000; 8.000; 10.800; 9.000 + 9.000/11 = 9.818,18. Percentage
  errors: 1, 1, 1/3, 0, 1/5, 1/3, 128.571/900.000, 0, 1/9, 1/5, 81.818/900.000; MAPE = their sum
  ÷ 11 = 3,41151… ÷ 11 = 31,01 %.
* last_year: realised + 7.000: 7.000; 10.000 ×4; 13.000 ×4; 16.000 ×2: errors 2/9, 4 × 1/9,
  4 × 4/9, 2 × 7/9, sum 4: MAPE = 4/11 = 36,36 %.
* commitments: realised (none committed): errors 1, 4 × 2/3, 4 × 1/3, 2 × 0, sum 5: MAPE =
  5/11 = 45,45 %.

E and C are checked against the pure rules (:mod:`tvaers.followup.model`), whose arithmetic is
the above; E's commitment counts only as of 31 July and later in the back-test.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from tvaers.core.config import Settings
from tvaers.data.importer import import_folder
from tvaers.draw.session import opened
from tvaers.followup import forecast_service as fs
from tvaers.followup.commitments import committed_months
from tvaers.followup.model import History, Method, mape, percent, year_end
from tvaers.store.database import make_engine, sessions, upgrade

D = Decimal
C1, C2, C3 = "0101801001", "0201801002", "0301801003"
E, C, N = ("employment", "JOB"), ("children", "FAM"), ("children", "")


def _last_day(year: int, month: int) -> str:
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    return date.fromordinal(nxt.toordinal() - 1).isoformat()


def clones(cpr: str, copies: int) -> list[str]:
    """``cpr`` and ``copies - 1`` more citizens like it (born the same day)."""
    return [f"{cpr[:6]}{int(cpr[6:]) + 10 * j:04d}" for j in range(copies)]


def _postings(copies: int) -> list[str]:
    rows: list[tuple[int, int, str, str, str, str]] = []  # year, month, amount, function, cpr, itv
    rows += [(2024, m, "8000.00", "5.68.90", C1, "JOB") for m in range(1, 13)]
    rows += [(2025, 1, "10000.01", "5.68.90", C1, "JOB")]
    rows += [(2025, m, "10000.00", "5.68.90", C1, "JOB") for m in range(2, 13)]
    rows += [(2025, m, "3333.33", "5.68.90", C2, "JOB") for m in range(7, 13)]
    rows += [(2024, m, "20000.00", "5.28.21", C3, "FAM") for m in range(1, 7)]
    rows += [(2025, m, "25000.00", "5.28.21", C3, "FAM") for m in range(1, 5)]
    rows += [(2025, 10, "1234.57", "5.28.21", C2, "FAM"), (2024, 12, "7000.00", "5.28.21", "", "")]
    rows += [(2025, m, "3000.00", "5.28.21", "", "") for m in (2, 6, 10)]
    booked: list[tuple[str, str, str, str, str]] = []  # date, amount, function, cpr, itv
    for y, m, a, f, c, itv in rows:
        if c:  # each copy of the citizen books the same
            booked += [(_last_day(y, m), a, f, who, itv) for who in clones(c, copies)]
        else:  # a shared cost: the copies' share in one posting
            booked.append((_last_day(y, m), str(Decimal(a) * copies), f, "", itv))
    return ["posting_id,posting_date,amount,function_code,cpr,intervention,dranst"] + [
        f"P{i:04d},{day},{a},{f},{c},{itv},1" for i, (day, a, f, c, itv) in enumerate(booked, 1)
    ]


def write_town(folder: Path, copies: int = 1) -> Path:
    """The town of the module's docstring; ``copies``: every citizen ``copies`` times and the
    shared costs ``copies`` times as large (so every amount is ``copies`` times the docstring's,
    and each type has enough citizens to be shown where figures are suppressed)."""
    folder.mkdir(parents=True, exist_ok=True)
    people = [who for c in (C1, C2, C3) for who in clones(c, copies)]
    committed = [f"{who},JOB,2025-07-01,,3333.33" for who in clones(C2, copies)]
    committed += [f"{who},FAM,2025-01-01,2025-04-30,25000.00" for who in clones(C3, copies)]
    files = {
        "sector_areas.csv": "sector_area,name\nemployment,Beskæftigelse\nchildren,Børn og unge\n",
        "accounts.csv": "function_code,sector_area,name\n5.68.90,employment,Beskæftigelse\n"
        "5.28.21,children,Forebyggende foranstaltninger\n",
        "interventions.csv": "intervention,name,sector_area,unit\nJOB,Jobindsats,employment,month\n"
        "FAM,Familiebehandling,children,month\n",
        "unit_prices.csv": "intervention,valid_from,price\nJOB,2020-01-01,10000.00\n"
        "FAM,2020-01-01,25000.00\n",
        "citizens.csv": "cpr,birth_date\n"
        + "".join(f"{c},1980-{c[2:4]}-{c[:2]}\n" for c in people),
        "commitments.csv": "cpr,intervention,start_date,end_date,monthly_amount\n"
        + "".join(f"{line}\n" for line in committed),
        "postings.csv": "\n".join(_postings(copies)) + "\n",
    }
    for name, content in files.items():
        (folder / name).write_text(content, "utf-8")
    return folder


def scaled(history: History, copies: int) -> History:
    """The history of a town of ``copies`` copies."""
    return History(*([x * copies for x in part] for part in
                     (history.current, history.last, history.committed)))  # fmt: skip


@pytest.fixture
def town(settings: Settings, tmp_path: Path) -> Settings:
    upgrade(make_engine(settings.store_url))
    import_folder(write_town(tmp_path / "data"), settings, user="test")
    return settings


EXPECTED = {  # (as of, type) -> (realised, {method: year end}), from the module's docstring
    (date(2025, 3, 31), E): ("30000.01", {"run_rate": "120000.04", "seasonal": "120000.04",
                                          "last_year": "102000.01", "commitments": "49999.99"}),
    (date(2025, 3, 31), C): ("75000.00", {"run_rate": "300000.00", "seasonal": "150000.00",
                                          "last_year": "135000.00", "commitments": "100000.00"}),
    (date(2025, 3, 31), N): ("3000.00", {"run_rate": "12000.00", "seasonal": "12000.00",
                                         "last_year": "10000.00", "commitments": "3000.00"}),
    (date(2025, 8, 31), E): ("86666.67", {"run_rate": "130000.01", "seasonal": "130000.00",
                                          "last_year": "118666.67", "commitments": "99999.99"}),
    (date(2025, 8, 31), C): ("100000.00", {"run_rate": "150000.00", "seasonal": "100000.00",
                                           "last_year": "100000.00", "commitments": "100000.00"}),
    (date(2025, 8, 31), N): ("6000.00", {"run_rate": "9000.00", "seasonal": "9000.00",
                                         "last_year": "13000.00", "commitments": "6000.00"}),
}  # fmt: skip
LAST_YEAR = {E: D("96000.00"), C: D("120000.00"), N: D("7000.00")}
HISTORY = {  # øre per month: current, last, committed (as known at the end of the year)
    E: History([1000001] + [1000000] * 5 + [1333333] * 6, [800000] * 12, [0] * 6 + [333333] * 6),
    C: History([2500000] * 4 + [0] * 5 + [123457, 0, 0], [2000000] * 6 + [0] * 6,
               [2500000] * 4 + [0] * 8),
    N: History([0, 300000, 0, 0, 0, 300000, 0, 0, 0, 300000, 0, 0], [0] * 11 + [700000]),
}  # fmt: skip


def _forecast(settings: Settings, as_of: date, method: Method | None = None) -> fs.Forecast:
    engine = make_engine(settings.store_url)
    with sessions(engine)() as session, opened(settings) as analysis:
        committed = committed_months(analysis, session, fs.fq.two_years(as_of.year))
        found, _ = fs.compute(analysis, fs.Scope(), as_of, committed, {}, method)
    engine.dispose()
    return found


@pytest.mark.parametrize("as_of", [date(2025, 3, 31), date(2025, 8, 31)])
def test_every_method_to_the_ore(town: Settings, as_of: date) -> None:
    found = _forecast(town, as_of)
    rows = {(r.sector_area, r.intervention): r for r in found.rows}
    assert set(rows) == {E, C, N}
    for key, row in rows.items():
        realised, ends = EXPECTED[(as_of, key)]
        assert row.realised == D(realised)
        assert row.last_year == LAST_YEAR[key]
        assert row.year_ends == {m: D(v) for m, v in ends.items()}
        assert row.method == "run_rate"  # nothing chosen: the default
        assert row.realised + row.forecast_rest == row.year_end == D(ends["run_rate"])
        for method in Method:  # the pure rules give the same, written out above
            assert year_end(HISTORY[key], as_of.month, method) == D(ends[method.value]) * 100
    assert found.total.year_end == sum((r.year_end for r in found.rows), D(0))


def test_the_method_asked_for_and_the_chosen_one(town: Settings) -> None:
    found = _forecast(town, date(2025, 8, 31), Method.SEASONAL)
    e = next(r for r in found.rows if (r.sector_area, r.intervention) == E)
    assert (e.method, e.forecast_rest, e.year_end) == ("seasonal", D("43333.33"), D("130000.00"))
    with opened(town) as analysis:
        chosen = {C: Method.COMMITMENTS}
        picked, _ = fs.compute(analysis, fs.Scope(), date(2025, 3, 31), None, chosen)
    methods = {(r.sector_area, r.intervention): (r.method, r.year_end) for r in picked.rows}
    assert methods[C] == ("commitments", D("75000.00"))  # no commitments table given: none
    assert methods[E] == ("run_rate", D("120000.04"))


def test_the_months_for_the_chart(town: Settings) -> None:
    found = _forecast(town, date(2025, 3, 31))
    points = {p.month: p for p in found.months}
    assert [points[m].current for m in (1, 2, 3)] == [D("35000.01"), D("38000.00"),
                                                      D("35000.00")]  # fmt: skip
    assert points[4].current is None
    assert points[12].last == D("15000.00")  # C1 8.000 + N 7.000
    assert points[7].committed == D("3333.33")


def test_backtest_errors(town: Settings) -> None:
    engine = make_engine(town.store_url)
    with sessions(engine)() as session, opened(town) as analysis:
        committed = committed_months(analysis, session, fs.fq.two_years(2025))
        found, _ = fs.backtest_errors(analysis, fs.Scope(), 2025, committed, {})
    engine.dispose()
    rows = {(r.sector_area, r.intervention): r for r in found.rows}
    n = rows[N].errors
    assert n is not None
    run_rate = (Fraction(1) + 1 + Fraction(1, 3) + 0 + Fraction(1, 5) + Fraction(1, 3)
                + Fraction(128571, 900000) + 0 + Fraction(1, 9) + Fraction(1, 5)
                + Fraction(81818, 900000)) / 11  # fmt: skip
    assert n["run_rate"] == n["seasonal"] == run_rate
    assert percent(run_rate) == D("31.01")
    assert n["last_year"] == Fraction(4, 11) and percent(n["last_year"]) == D("36.36")
    assert n["commitments"] == Fraction(5, 11) and percent(n["commitments"]) == D("45.45")
    assert rows[N].actual == D("9000.00") and rows[N].best == "run_rate"
    for key in (E, C):  # the engine agrees with the pure rules
        errors = rows[key].errors
        assert errors is not None
        for method in (Method.RUN_RATE, Method.SEASONAL, Method.LAST_YEAR):
            assert errors[method.value] == mape(HISTORY[key], method)
    assert rows[C].errors and rows[C].errors["commitments"] == mape(HISTORY[C], Method.COMMITMENTS)
    # E's commitment starts 1 July: as of January-June it is not known, so the forecast is the
    # realised alone; as of July-November it adds C2's remaining months.
    e, unknown = HISTORY[E], History(HISTORY[E].current, HISTORY[E].last)
    actual = sum(e.current)
    ends = [year_end(unknown if m < 7 else e, m, Method.COMMITMENTS) for m in range(1, 12)]
    assert (
        rows[E].errors
        and rows[E].errors["commitments"]
        == sum((Fraction(abs(end - actual), actual) for end in ends), Fraction(0)) / 11
    )
