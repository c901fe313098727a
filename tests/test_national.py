"""A national installation: several municipalities, each imported as its own batch.

Two municipalities hand over the same hand-made town (tests/fixtures/draw: the same posting ids,
intervention codes, family codes and caseworkers) with different citizens: København (101) and
Furesø (190). København's books also hold a posting for a citizen whose acting municipality is
Furesø. Each municipality's draw in the national installation must be what it is on its own
(a municipal installation of the same files), and the national draw their sum.
"""

from __future__ import annotations

import shutil
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from tvaers.cli import app
from tvaers.core.config import Settings
from tvaers.core.cpr import Pseudonymiser
from tvaers.core.errors import ConfigError, ImportRejected
from tvaers.data.importer import import_folder
from tvaers.draw import service
from tvaers.store.database import make_engine, sessions
from tvaers.store.models import ImportBatch, Municipality

from .conftest import FIXTURES, TEST_KEY

TOWN = FIXTURES / "draw"
CPRS = ["0101851001", "0202154002", "0303801003", "0404104004", "0505701005", "0606901006"]
FURESO = {cpr: cpr[:7] + "1" + cpr[8:] for cpr in CPRS}  # 0101851001 -> 0101851011
CROSS = "P99,2025-02-14,1234.56,5.57.73,{cpr},,1,Kontanthjælp for Furesø-borger\n"
D = Decimal


def copy_town(folder: Path, cprs: dict[str, str]) -> Path:
    folder.mkdir(parents=True)
    for path in TOWN.glob("*.csv"):
        text = path.read_text(encoding="utf-8")
        for old, new in cprs.items():
            text = text.replace(old, new)
        (folder / path.name).write_text(text, encoding="utf-8")
    return folder


def with_config(settings: Settings) -> Settings:
    shutil.copytree(TOWN / "konfiguration", settings.home / "konfiguration", dirs_exist_ok=True)
    return settings


def draw_by_municipality(settings: Settings) -> dict[str, Decimal]:
    with service.opened(settings) as analysis:
        lines = analysis.draw(2025).lines.to_pyarrow().to_pylist()
    sums: dict[str, Decimal] = defaultdict(Decimal)
    for line in lines:
        sums[line["municipality"]] += line["amount"]
    return dict(sums)


def rows(settings: Settings, sql: str) -> list[tuple]:  # type: ignore[type-arg]
    con = duckdb.connect(str(settings.analytics_path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.fixture
def folders(tmp_path: Path) -> dict[str, Path]:
    kbh = copy_town(tmp_path / "kbh", {})
    with (kbh / "postings.csv").open("a", encoding="utf-8") as handle:
        handle.write(CROSS.format(cpr=FURESO["0101851001"]))
    return {"101": kbh, "190": copy_town(tmp_path / "fureso", FURESO)}


@pytest.fixture
def nation(tmp_path: Path, folders: dict[str, Path]) -> Settings:
    settings = Settings(home=tmp_path / "national", pseudonym_key=TEST_KEY, installation="national")
    with_config(settings)
    import_folder(folders["190"], settings, user="test", municipality="190")
    import_folder(folders["101"], settings, user="test", municipality="101")
    return settings


def test_each_municipality_is_its_own_batch_with_its_code(nation: Settings) -> None:
    with sessions(make_engine(nation.store_url))() as session:
        batches = session.execute(
            select(ImportBatch.id, Municipality.code, Municipality.name)
            .join(Municipality, ImportBatch.municipality_id == Municipality.id)
            .order_by(ImportBatch.id)
        ).all()
    assert [tuple(b) for b in batches] == [(1, "190", "Furesø"), (2, "101", "København")]
    counts = dict(rows(nation, "SELECT municipality, count(*) FROM postings GROUP BY ALL"))
    assert counts == {"101": 28, "190": 27}  # the same posting ids, kept apart
    ids = rows(nation, "SELECT posting_id FROM postings WHERE posting_id LIKE '%P01'")
    assert sorted(i[0] for i in ids) == ["101-P01", "190-P01"]
    families = rows(nation, "SELECT DISTINCT family FROM citizens ORDER BY 1")
    assert [f[0] for f in families][:2] == ["101-F1", "101-F2"]  # not one F1 of both towns


def test_each_municipalitys_draw_is_its_own_and_the_nation_is_their_sum(
    tmp_path: Path, nation: Settings, folders: dict[str, Path]
) -> None:
    alone: dict[str, Decimal] = {}
    for code, folder in folders.items():
        own = Settings(home=tmp_path / f"alone-{code}", pseudonym_key=TEST_KEY,
                       municipality_code=code)  # fmt: skip
        with_config(own)
        if code == "101":  # on its own, København must list the Furesø citizen it pays for
            with (folder / "citizens.csv").open("a", encoding="utf-8") as handle:
                handle.write(f"{FURESO['0101851001']},,1985-01-01\n")
        import_folder(folder, own, user="test")
        alone.update(draw_by_municipality(own))
    national = draw_by_municipality(nation)
    assert national == alone
    assert national["101"] - national["190"] == D("1234.56")  # the cross posting, in 101's books
    with service.opened(nation) as analysis:
        total = analysis.draw(2025).lines.to_pyarrow().column("amount").to_pylist()
    assert sum(total) == national["101"] + national["190"]


def test_a_citizen_paid_for_by_another_municipality_counts_once(nation: Settings) -> None:
    person = Pseudonymiser(TEST_KEY.encode()).pseudonym(FURESO["0101851001"])
    listed = rows(nation, f"SELECT municipality FROM citizens WHERE citizen = '{person}'")
    assert listed == [("190",)]  # the acting municipality
    assert rows(nation, "SELECT count(*), count(DISTINCT citizen) FROM citizens") == [(12, 12)]
    with service.opened(nation) as analysis:
        lines = analysis.draw(2025).lines
        mine = lines.filter(lines.citizen == person).to_pyarrow().to_pylist()
    by_books: dict[str, Decimal] = defaultdict(Decimal)
    for line in mine:
        by_books[line["municipality"]] += line["amount"]
    assert by_books["101"] == D("1234.56")  # paid by København
    assert by_books["190"] > 0  # and her own municipality's costs


def test_reimporting_one_municipality_leaves_the_other_alone(
    nation: Settings, folders: dict[str, Path]
) -> None:
    fureso = "SELECT * FROM {} WHERE municipality = '190' ORDER BY ALL"
    before = {t: rows(nation, fureso.format(t)) for t in ("postings", "citizens", "activities")}
    again = import_folder(folders["101"], nation, user="test", municipality="101")
    assert again.batch_id is None and not again.changed  # unchanged files: nothing happens
    postings = folders["101"] / "postings.csv"
    postings.write_text(
        postings.read_text().replace("P01,2025-01-31,16500.00", "P01,2025-01-31,16600.00")
    )
    changed = import_folder(folders["101"], nation, user="test", municipality="101")
    assert [t.table for t in changed.tables if t.changed] == ["postings"]
    assert {t: rows(nation, fureso.format(t)) for t in before} == before
    assert rows(nation, "SELECT amount FROM postings WHERE posting_id = '101-P01'") == [
        (D("16600.00"),)
    ]
    assert rows(nation, "SELECT count(*) FROM postings") == [(55,)]


def test_a_citizen_listed_by_two_municipalities_is_refused(
    nation: Settings, folders: dict[str, Path]
) -> None:
    with (folders["101"] / "citizens.csv").open("a", encoding="utf-8") as handle:
        handle.write(f"{FURESO['0202154002']},,2015-02-02\n")
    with pytest.raises(ImportRejected) as caught:
        import_folder(folders["101"], nation, user="test", municipality="101")
    problem = next(i for i in caught.value.issues if i.file == "citizens.csv")
    assert "anden kommunes borgerliste" in problem.message
    assert problem.value == "020215-**** (kommune 190)" and problem.row == 8


def test_a_national_import_needs_a_known_municipality_code(
    tmp_path: Path, folders: dict[str, Path]
) -> None:
    settings = Settings(home=tmp_path / "n", pseudonym_key=TEST_KEY, installation="national")
    with pytest.raises(ConfigError) as missing:
        import_folder(folders["190"], settings, user="test")
    assert "--municipality" in missing.value.hint
    with pytest.raises(ConfigError) as unknown:
        import_folder(folders["190"], settings, user="test", municipality="999")
    assert "'999' findes ikke" in unknown.value.message
    assert not settings.analytics_path.exists()  # nothing was created


def test_a_municipal_installation_fills_in_its_own_code(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path / "m", pseudonym_key=TEST_KEY, municipality="Furesø")
    import_folder(TOWN, settings, user="test")
    assert rows(settings, "SELECT DISTINCT municipality FROM postings") == [("190",)]
    assert rows(settings, "SELECT posting_id FROM postings ORDER BY 1 LIMIT 1") == [("P01",)]
    with pytest.raises(ConfigError):
        import_folder(TOWN, settings, user="test", municipality="101")


def test_the_import_command_takes_the_municipality_code(
    tmp_path: Path, folders: dict[str, Path]
) -> None:
    env = {"TVAERS_HOME": str(tmp_path / "cli"), "TVAERS_PSEUDONYM_KEY": TEST_KEY,
           "TVAERS_INSTALLATION": "national", "TVAERS_LOG_LEVEL": "WARNING"}  # fmt: skip
    runner = CliRunner()
    refused = runner.invoke(app, ["import", str(folders["190"])], env=env)
    assert refused.exit_code != 0
    assert "--municipality" in refused.output
    done = runner.invoke(app, ["import", str(folders["190"]), "--municipality", "190"], env=env)
    assert done.exit_code == 0, done.output
    assert "indlæst" in done.output


def test_an_analytics_file_from_before_gets_its_municipality_at_the_next_import(
    tmp_path: Path,
) -> None:
    settings = Settings(home=tmp_path / "old", pseudonym_key=TEST_KEY, municipality="Furesø")
    with_config(settings)
    import_folder(TOWN, settings, user="test")
    before = draw_by_municipality(settings)
    con = duckdb.connect(str(settings.analytics_path))  # as the version before wrote it
    try:
        for (table,) in con.execute("SELECT DISTINCT table_name FROM duckdb_columns() "
                                    "WHERE column_name = 'municipality'").fetchall():  # fmt: skip
            if table != "import_state":
                con.execute(f'ALTER TABLE "{table}" DROP COLUMN municipality')
        con.execute("CREATE TABLE old AS SELECT * EXCLUDE (municipality) FROM import_state")
        con.execute("DROP TABLE import_state")
        con.execute("CREATE TABLE import_state (table_name VARCHAR PRIMARY KEY, batch_id INTEGER, "
                    "file_name VARCHAR, sha256 VARCHAR, rows BIGINT, loaded_at TIMESTAMP)")  # fmt: skip
        con.execute("INSERT INTO import_state SELECT * FROM old; DROP TABLE old")
    finally:
        con.close()
    again = import_folder(TOWN, settings, user="test")
    assert not again.changed  # the same files: no new batch, but the file is upgraded
    assert rows(settings, "SELECT DISTINCT municipality FROM activities") == [("190",)]
    assert rows(settings, "SELECT DISTINCT municipality FROM import_state") == [("190",)]
    assert draw_by_municipality(settings) == before == {"190": before["190"]}


def test_the_data_page_lists_each_table_once_with_every_municipalitys_rows(
    nation: Settings,
) -> None:
    from tvaers.draw.loaded import loaded

    with sessions(make_engine(nation.store_url))() as session:
        data = loaded(nation, session)
    postings = [t for t in data.tables if t.table_name == "postings"]
    assert [(t.rows, t.batch_id) for t in postings] == [(55, 2)]


def test_every_krone_stays_in_the_books_it_was_paid_from(nation: Settings) -> None:
    """Per paying municipality: drawn + unattributed = its expenditure; no pool crosses over."""
    with service.opened(nation) as analysis:
        drawn = analysis.draw(2025)
        parts = {
            name: table.group_by("municipality").aggregate(s=table[column].sum()).to_pyarrow()
            for name, table, column in (
                ("spent", drawn.expenditure, "expenditure"),
                ("drawn", drawn.lines, "amount"),
                ("rest", drawn.unattributed, "amount"),
            )
        }
    sums = {name: dict(zip(*t.to_pydict().values(), strict=True)) for name, t in parts.items()}
    for code in ("101", "190"):
        assert sums["drawn"][code] + sums["rest"].get(code, 0) == sums["spent"][code]
    assert sums["spent"]["101"] - sums["spent"]["190"] == D("1234.56")
