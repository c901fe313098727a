"""Benchmarking across municipalities on a hand-made national set: two municipalities (101
København, 190 Furesø) of six citizens each, every posting CPR-registered but one, so that each
figure can be worked out by hand; a third (147 Frederiksberg) of two citizens for suppression."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from tvaers.benchmarking import model, queries, service, tables
from tvaers.core.config import Settings
from tvaers.core.suppression import TOTAL
from tvaers.data.importer import import_folder
from tvaers.draw.session import opened

from .conftest import FIXTURES, TEST_KEY, add_cli_users
from .ledgers import fresh_ledger

D = Decimal
# citizen: (municipality, birth date, {function code: amount in 2025})
EMPLOYMENT, CHILDREN, ADULTS = "5.57.73", "5.28.21", "5.38.50"
PEOPLE = {
    "1506801001": ("101", "1980-06-15", {EMPLOYMENT: 1000, CHILDREN: 500, ADULTS: 100}),
    "1506801002": ("101", "1980-06-15", {EMPLOYMENT: 1000, CHILDREN: 500}),
    "1506801003": ("101", "1980-06-15", {EMPLOYMENT: 1000}),
    "1506801004": ("101", "1980-06-15", {EMPLOYMENT: 1000}),
    "1506801005": ("101", "1980-06-15", {EMPLOYMENT: 200}),
    "1506801006": ("101", "1980-06-15", {}),
    "1506801007": ("190", "1980-06-15", {EMPLOYMENT: 3000}),
    "1506801008": ("190", "1980-06-15", {EMPLOYMENT: 3000, CHILDREN: 1000}),
    "1506801009": ("190", "1980-06-15", {}),
    "1506001010": ("190", "2000-06-15", {EMPLOYMENT: 600}),
    "1506001011": ("190", "2000-06-15", {EMPLOYMENT: 600}),
    "1506001012": ("190", "2000-06-15", {}),
}
SMALL = {
    "1506801013": ("147", "1980-06-15", {EMPLOYMENT: 700}),
    "1506801014": ("147", "1980-06-15", {EMPLOYMENT: 700}),
}
UNREGISTERED = ("101", EMPLOYMENT, 530)  # paid by 101, no citizen: not drawn


def _write(folder: Path, people: dict[str, tuple[str, str, dict[str, int]]]) -> list[str]:
    """The folder's files; returns the municipality of each posting row, in file order."""
    shutil.copytree(FIXTURES / "mini", folder)
    (folder / "citizens.csv").write_text(
        "cpr,birth_date\n" + "".join(f"{c},{born}\n" for c, (_m, born, _d) in people.items())
    )
    for name in ("activities", "outcomes", "relations", "budgets"):
        (folder / f"{name}.csv").unlink()
    lines, owners = [], []
    for cpr, (home, _born, draws) in people.items():
        for code, amount in draws.items():
            for day in ("2025-01-31", "2025-12-31"):  # half in January, half in December
                lines.append(f"P{len(lines):04},{day},{amount / 2:.2f},{code},{cpr},,1,")
                owners.append(home)
    home, code, amount = UNREGISTERED
    lines.append(f"P{len(lines):04},2025-12-31,{amount:.2f},{code},,,1,")
    owners.append(home)
    (folder / "postings.csv").write_text(
        "posting_id,posting_date,amount,function_code,cpr,intervention,dranst,text\n"
        + "\n".join(lines) + "\n"
    )  # fmt: skip
    accounts = (folder / "accounts.csv").read_text()
    if ADULTS not in accounts:
        (folder / "accounts.csv").write_text(accounts + f"{ADULTS},adults,Botilbud\n")
    return owners


def national(
    tmp: Path, people: dict[str, tuple[str, str, dict[str, int]]], settings: Settings | None = None
) -> Settings:
    """The people imported into one home, with ``municipality`` set on citizens (acting) and
    postings (paying) by their rows, as a national installation holds it."""
    settings = settings or Settings(home=tmp / "home", pseudonym_key=TEST_KEY)
    owners = _write(tmp / "data", people)
    import_folder(tmp / "data", settings, user="test")
    homes = [m for m, _b, _d in people.values()]  # source_row: the line, header = 1
    con = duckdb.connect(str(settings.analytics_path))
    try:
        for table, found in (("citizens", homes), ("postings", owners)):
            con.execute(f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS municipality VARCHAR")
            cases = " ".join(f"WHEN {i + 2} THEN '{m}'" for i, m in enumerate(found))
            con.execute(f"UPDATE {table} SET municipality = CASE source_row {cases} END")
        codes = sorted(set(homes))
        shared = con.execute(  # the reference tables, where the import keeps them per municipality
            "SELECT DISTINCT table_name FROM information_schema.columns WHERE column_name = "
            "'municipality' AND table_name NOT IN ('citizens', 'postings')"
        ).fetchall()
        for (table,) in shared:
            for code in codes:
                con.execute(f"INSERT INTO {table} SELECT * REPLACE ('{code}' AS municipality) "
                            f"FROM {table} WHERE municipality NOT IN ({', '.join(repr(c) for c in codes)})")  # fmt: skip
            con.execute(f"DELETE FROM {table} WHERE municipality NOT IN "
                        f"({', '.join(repr(c) for c in codes)})")  # fmt: skip
    finally:
        con.close()
    return settings


@pytest.fixture(scope="module")
def two(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    settings = national(tmp_path_factory.mktemp("benchmark_two"), PEOPLE)
    add_cli_users(settings)  # one user per role, named by it: the command line's and the web's
    return settings


@pytest.fixture(scope="module")
def three(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return national(tmp_path_factory.mktemp("benchmark_three"), PEOPLE | SMALL)


def run(settings: Settings, tmp: Path, peers: tuple[str, ...] | None = None) -> service.Benchmark:
    with opened(settings) as analysis:
        return service.benchmark(analysis, fresh_ledger(tmp), 2025, "000", peers)


def by_code(found: service.Benchmark) -> dict[str, dict]:
    return {r["municipality"]: r for r in found.rows}


def test_the_figures_of_two_municipalities_worked_out_by_hand(
    two: Settings, tmp_path: Path
) -> None:
    rows = by_code(run(two, tmp_path))
    kbh, furesoe = rows["101"], rows["190"]
    assert (kbh["name"], furesoe["name"]) == ("København", "Furesø")
    assert (kbh["citizens"], furesoe["citizens"], rows[TOTAL]["citizens"]) == (6, 6, 12)
    # 101 paid 5,300 for its citizens and 530 for nobody: coverage 5,300 / 5,830
    assert (kbh["expenditure"], kbh["drawn"]) == (D("5830.00"), D("5300.00"))
    assert kbh["coverage"] == pytest.approx(5300 / 5830)
    assert (furesoe["expenditure"], furesoe["drawn"], furesoe["coverage"]) == (
        D("8200.00"), D("8200.00"), 1.0)  # fmt: skip
    assert (kbh["per_citizen"], furesoe["per_citizen"]) == (D("883.33"), D("1366.67"))
    # Expected: the 40-49-year-olds (9 nationally, 12,300 kr.) cost 1,366.67 each, the 25-29s
    # (3, 1,200 kr.) 400 each: 101 has six of the first, 8,200; 190 three of each, 5,300.
    assert (kbh["expected"], furesoe["expected"]) == (D("8200.00"), D("5300.00"))
    assert (kbh["difference"], furesoe["difference"]) == (D("-2900.00"), D("2900.00"))
    assert kbh["difference_share"] == pytest.approx(-2900 / 8200)
    assert rows[TOTAL]["expected"] == rows[TOTAL]["total"] == D("13500.00")
    # 2+ areas: two citizens in 101, one in 190 - small cells, hidden
    assert kbh["two_plus"] is None and furesoe["two_plus"] is None
    # six citizens: the most expensive 1 % is one citizen, too few to show
    assert kbh["top_1_share"] is None and kbh["top_10_share"] is None


def test_the_queries_before_suppression(two: Settings) -> None:
    with opened(two) as analysis:
        attribution = analysis.draw(2025)
        frame = queries.citizen_frame(attribution.lines, analysis.table("citizens"),
                                      analysis.table("outcomes"), attribution.period, "000")  # fmt: skip
        figures = {
            r["municipality"]: r
            for r in queries.municipality_figures(frame).to_pyarrow().to_pylist()
        }
        combos = {(r["municipality"], r["combination"]): r["citizens"]
                  for r in queries.combinations(frame).to_pyarrow().to_pylist()}  # fmt: skip
    assert (figures["101"]["two_plus"], figures["101"]["three_plus"]) == (2, 1)
    assert (figures["190"]["two_plus"], figures["190"]["three_plus"]) == (1, 0)
    assert figures["101"]["top_1"] == D("1600.00") and figures["190"]["top_10"] == D("4000.00")
    assert combos[("101", "employment")] == 3 and combos[("190", "children+employment")] == 1
    assert combos[("101", "adults+children+employment")] == 1 and combos[("101", "ingen")] == 1


def test_ranks_within_peer_groups(two: Settings, tmp_path: Path) -> None:
    by_size = by_code(run(two, tmp_path / "a"))
    assert by_size["101"]["peer_group"] == "100.000 indbyggere og derover"
    assert by_size["190"]["peer_group"] == "40.000-59.999 indbyggere"
    assert by_size["101"]["per_citizen_rank"] == by_size["190"]["per_citizen_rank"] == 1
    chosen = by_code(run(two, tmp_path / "b", peers=("101", "190")))
    assert (chosen["190"]["per_citizen_rank"], chosen["101"]["per_citizen_rank"]) == (1, 2)
    # the difference: the lowest first - 101 is 35 % below its expected cost
    assert (chosen["101"]["difference_rank"], chosen["190"]["difference_rank"]) == (1, 2)
    assert chosen["101"]["peer_group"] == model.CHOSEN


def test_a_small_municipality_is_hidden_and_cannot_be_worked_out(
    three: Settings, tmp_path: Path
) -> None:
    rows = by_code(run(three, tmp_path))
    small = rows["147"]
    assert small["citizens"] is None and small["total"] is None and small["expected"] is None
    assert "færre end 5" in small["note"]
    # with the national total shown, one more municipality is hidden to protect it
    hidden = [c for c in ("101", "190") if rows[c]["citizens"] is None]
    assert len(hidden) == 1 and rows[TOTAL]["total"] == D("14900.00")
    assert all(r["per_citizen_rank"] is None for r in (small, rows[hidden[0]]))
    # no area combination is shown for fewer than five citizens
    found = run(three, tmp_path / "again")
    assert all(r["citizens"] in (None, 0) or r["citizens"] >= 5 for r in found.combinations)
    assert any(r["citizens"] is None for r in found.combinations)


def test_a_group_shown_before_is_not_differenced(two: Settings, tmp_path: Path) -> None:
    """The 2+ areas sets are remembered: shown once, the same sets are shown again."""
    with opened(two) as analysis:
        ledger = fresh_ledger(tmp_path)
        first = service.benchmark(analysis, ledger, 2025, "000")
        assert ledger.commit()
        again = service.benchmark(analysis, ledger, 2025, "000")
    assert by_code(first)[TOTAL]["two_plus"] == by_code(again)[TOTAL]["two_plus"]


def test_tables_and_charts(two: Settings, tmp_path: Path) -> None:
    found = tables.tables(run(two, tmp_path))
    names = [t.name for t in found]
    assert names[0] == "kommuner" and "per_citizen" in names and names[-1] == "kombinationer"
    per_citizen = found[names.index("per_citizen")]
    assert per_citizen.chart is not None
    assert {r["name"]: r["value"] for r in per_citizen.chart.rows} == {
        "København": pytest.approx(883.33), "Furesø": pytest.approx(1366.67)}  # fmt: skip


def test_peers_are_read_with_a_danish_error() -> None:
    assert model.parse_peers("size") is None and model.parse_peers("101, 190") == ("101", "190")
    with pytest.raises(ValueError, match="ikke en kommunekode"):
        model.parse_peers("101,Furesø")
    assert model.ranks({"a": D(2), "b": D(2), "c": D(1), "d": None}, dict.fromkeys("abcd", "g")) == {
        "a": 1, "b": 1, "c": 3, "d": None}  # fmt: skip


def test_the_command_line(two: Settings, tmp_path: Path) -> None:
    import json

    from typer.testing import CliRunner

    from tvaers.cli import app

    from .conftest import CLI_USERS

    env = {"TVAERS_HOME": str(two.home), "TVAERS_PSEUDONYM_KEY": TEST_KEY,
           "TVAERS_LOG_LEVEL": "WARNING", "COLUMNS": "200"}  # fmt: skip
    user = ["--user", CLI_USERS["analyst"]]

    def tvaers(*args: str):  # type: ignore[no-untyped-def]
        return CliRunner().invoke(app, ["benchmark", "--year", "2025", *args, *user], env=env)

    text = tvaers()
    assert text.exit_code == 0, text.output
    assert "København" in text.output and "Furesø" in text.output
    found = tvaers("--format", "json", "--peers", "101,190")
    assert found.exit_code == 0, found.output
    rows = {r["municipality"]: r for r in json.loads(found.stdout)["kommuner"]}
    assert rows["190"]["expected"] == 5300 and rows["101"]["difference_rank"] == 1
    book = tmp_path / "sammenligning.xlsx"
    assert tvaers("--format", "xlsx", "--out", str(book)).exit_code == 0 and book.stat().st_size
    wrong = tvaers("--peers", "Furesø")
    assert wrong.exit_code == 1 and "ikke en kommunekode" in wrong.output


def test_the_page(two: Settings) -> None:
    from tvaers.web.app import create_app

    from .conftest import client_for

    app = create_app(two)
    client = client_for(app, "analyst")
    page = client.get("/sammenligning?aar=2025&kommuner=101,190")
    assert page.status_code == 200, page.text[:500]
    assert "Sammenligning af kommuner 2025" in page.text and "Furesø" in page.text
    assert 'data-chart="chart-per_citizen"' in page.text  # a chart per key figure shown
    assert "8.200,00" in page.text  # 101's expected cost
    cached = list((two.home / "mellemlager").glob("sammenligning*"))
    assert cached and "Furesø" in cached[0].read_text()  # the published figures, read next time
    assert client.get("/sammenligning?aar=2025&kommuner=101,190").text == page.text
    book = client.get("/sammenligning?aar=2025&format=xlsx")
    assert book.status_code == 200 and book.content[:2] == b"PK"
    wrong = client.get("/sammenligning?aar=20x5")
    assert wrong.status_code == 422 and "skal være et årstal" in wrong.text and "20x5" in wrong.text
    peers = client.get("/sammenligning?kommuner=København")
    assert peers.status_code == 422 and "ikke en kommunekode" in peers.text
    app.state.engine.dispose()


def test_a_municipal_installation_is_one_municipality(
    sqlite_settings: Settings, tmp_path: Path
) -> None:
    """No municipality codes loaded: one municipality, named as in the settings; its coverage is
    the draw's own coverage in total."""
    from tvaers.draw import service as draw

    from .conftest import client_for, seeded_app

    app = seeded_app(sqlite_settings)
    with opened(sqlite_settings) as analysis:
        year = analysis.span.latest_full_year
        own = draw.coverage(analysis.draw(year))[-1]["coverage"]
        found = service.benchmark(
            analysis, fresh_ledger(tmp_path), year, "000", own_name="Demokommune"
        )
    rows = [r for r in found.rows if r["municipality"] != TOTAL]
    assert [r["name"] for r in rows] == ["Demokommune"]
    assert rows[0]["coverage"] == pytest.approx(own)
    page = client_for(app, "analyst").get("/sammenligning")
    assert page.status_code == 200 and "Demokommune" in page.text
    assert "kun én kommune i data" in page.text
    app.state.engine.dispose()
