"""Importing a folder: what the user gets, on SQLite and PostgreSQL."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from sqlalchemy import select

from tvaers.core.config import Settings
from tvaers.core.cpr import Pseudonymiser
from tvaers.data.importer import import_folder
from tvaers.store.database import make_engine, sessions
from tvaers.store.models import AuditEntry, ImportBatch

from .conftest import TEST_KEY, analytics_rows, snapshot

MINI_CPRS = ["1503851236", "0202861118", "1207154007", "0303184012", "2505901122", "1010703344"]


def test_mini_municipality_loads_with_exact_amounts_and_families(settings: Settings, mini: Path):
    result = import_folder(mini, settings, user="tester")
    assert result.batch_id == 1
    assert {t.table: t.rows for t in result.tables} == {
        "sector_areas": 3, "accounts": 5, "interventions": 4, "unit_prices": 5, "citizens": 6,
        "relations": 4, "postings": 9, "activities": 5, "outcomes": 3, "budgets": 4,
    }  # fmt: skip
    amounts = dict(analytics_rows(settings, "postings", "posting_id, amount"))
    assert amounts["P0005"] == Decimal("84210.55")
    assert amounts["P0003"] == Decimal("-6349.60")
    assert sum(amounts.values()) == Decimal("296769.25")  # 303.118,85 operations - 6.349,60 refund
    p = Pseudonymiser(TEST_KEY.encode())
    families = dict(analytics_rows(settings, "citizens", "citizen, family"))
    mother, father, child1, child2, single, other = (p.pseudonym(c) for c in MINI_CPRS)
    assert families[mother] == families[father] == families[child1] == families[child2]
    assert len({families[mother], families[single], families[other]}) == 3
    births = dict(analytics_rows(settings, "citizens", "citizen, CAST(birth_date AS VARCHAR)"))
    assert births[child1] == "2015-07-12"  # from the CPR number: century digit 4, year 15


def test_reimporting_identical_files_changes_nothing(settings: Settings, mini: Path):
    import_folder(mini, settings)
    before = snapshot(settings)
    again = import_folder(mini, settings)
    assert again.batch_id is None
    assert not again.changed
    assert snapshot(settings) == before


def test_changed_file_replaces_that_table_in_a_new_batch(settings: Settings, mini: Path):
    import_folder(mini, settings)
    postings = mini / "postings.csv"
    postings.write_text(
        postings.read_text().replace("P0009,2025-02-28,31200.00", "P0009,2025-02-28,31300.00")
    )
    result = import_folder(mini, settings)
    assert result.batch_id == 2
    assert [t.table for t in result.tables if t.changed] == ["postings"]
    assert Decimal("31300.00") in [r[0] for r in analytics_rows(settings, "postings", "amount")]
    assert len(analytics_rows(settings, "postings")) == 9
    batches = {r[0] for r in analytics_rows(settings, "postings", "batch_id")}
    assert batches == {2}
    assert {r[0] for r in analytics_rows(settings, "citizens", "batch_id")} == {1}
    engine = make_engine(settings.store_url)
    with sessions(engine)() as session:
        stored = list(session.scalars(select(ImportBatch).order_by(ImportBatch.id)))
        assert [(b.id, b.status) for b in stored] == [(1, "loaded"), (2, "loaded")]
        assert [t["table"] for t in stored[1].tables] == ["postings"]
        assert stored[0].municipality_id == stored[1].municipality_id is not None
        assert session.scalar(select(AuditEntry).where(AuditEntry.action == "import")) is not None
    engine.dispose()


def test_partial_folder_is_checked_against_what_is_loaded(
    settings: Settings, mini: Path, tmp_path: Path
):
    import_folder(mini, settings)
    only = tmp_path / "only_postings"
    only.mkdir()
    (only / "postings.csv").write_text(
        "posting_id,posting_date,amount,function_code\nX1,2025-03-31,100.00,5.28.21\n"
    )
    result = import_folder(only, settings)
    assert result.batch_id == 2
    assert analytics_rows(settings, "postings", "posting_id") == [("X1",)]


def test_no_clear_cpr_in_duckdb_store_or_logs(settings: Settings, mini: Path):
    from tvaers.core.logging import configure

    configure("DEBUG", "json", settings.log_path)
    import_folder(mini, settings, user="tester")
    patterns = [c.encode() for c in MINI_CPRS] + [f"{c[:6]}-{c[6:]}".encode() for c in MINI_CPRS]
    for path in settings.home.rglob("*"):
        if path.is_file() and "hemmeligheder" not in path.parts:
            data = path.read_bytes()
            assert not any(p in data for p in patterns), f"klart CPR-nummer i {path}"
    # DuckDB compresses strings, so also ask the engine: no VARCHAR value looks like a CPR number
    con = duckdb.connect(str(settings.analytics_path), read_only=True)
    columns = con.execute(
        "SELECT table_name, column_name FROM duckdb_columns() WHERE data_type = 'VARCHAR' "
        "AND column_name <> 'sha256' AND NOT internal AND schema_name = 'main'"
    ).fetchall()
    assert len(columns) > 20
    for table, column in columns:
        hits = con.execute(
            f'SELECT count(*) FROM "{table}" WHERE regexp_matches("{column}", ?)',
            [r"\d{6}-?\d{4}"],
        ).fetchone()
        assert hits == (0,), f"{table}.{column} har noget, der ligner et CPR-nummer"
    con.close()
    engine = make_engine(settings.store_url)
    with engine.connect() as conn:
        from sqlalchemy import text

        for table in ("import_batches", "audit_log", "users", "municipalities"):
            dump = repr(conn.execute(text(f"SELECT * FROM {table}")).fetchall())
            assert not any(p.decode() in dump for p in patterns), f"klart CPR-nummer i {table}"
    engine.dispose()
    assert "[CPR fjernet]" in {r[0] for r in analytics_rows(settings, "postings", "text")} or any(
        "[CPR fjernet]" in r[0] for r in analytics_rows(settings, "postings", "text")
    )


CPR_FORMS = (  # one CPR number (7 February 1963) as people and systems write it in free text
    "bilag_0702630488.pdf",
    "CPR0702630488",
    "070263 0488",
    "07.02.63-0488",
    "070263\u20130488",  # en dash
    "070263-0488",
    "0702630488",
)


def test_every_written_form_of_a_cpr_number_in_free_text_is_removed(
    settings: Settings, mini: Path
) -> None:
    """Issue 10 #3b, the bad input: a posting text carrying a CPR number glued to letters, with
    spaces, dots or an en dash. None of the forms reaches the store; the rest of the text does."""
    postings = mini / "postings.csv"
    lines = postings.read_text().splitlines()
    lines[1] = lines[1].rsplit(",", 1)[0] + ',"' + " / ".join(CPR_FORMS) + '"'
    postings.write_text("\n".join(lines) + "\n")
    import_folder(mini, settings, user="tester")
    texts = [r[0] for r in analytics_rows(settings, "postings", "text") if r[0]]
    stored = next(t for t in texts if "bilag_" in t)
    assert stored == " / ".join(
        ["bilag_[CPR fjernet].pdf", "CPR[CPR fjernet]", *["[CPR fjernet]"] * 5]
    )
    assert not any("0488" in t for t in texts)


@pytest.mark.parametrize("form", CPR_FORMS)
def test_the_free_text_rule_is_the_same_in_python_and_in_the_engine(form: str) -> None:
    from tvaers.core.cpr import CPR_IN_TEXT_REGEX, contains_cpr, redact

    assert contains_cpr(f"Notat: {form}.") and "0488" not in redact(f"Notat: {form}.")
    con = duckdb.connect()
    found = con.execute("SELECT regexp_matches(?, ?)", [form, CPR_IN_TEXT_REGEX]).fetchall()
    assert found == [(True,)]
    for harmless in ("tlf. 12345678", "beløb 1234567890", "konto 3213456789", "2025-03-31"):
        assert not contains_cpr(harmless)


def test_spill_files_of_a_killed_import_are_removed_and_the_home_is_owner_only(
    settings: Settings, mini: Path
) -> None:
    """Issue 10 #3d, the careless operator: a killed import left DuckDB spill files with clear
    CPR numbers in TVAERS_HOME/tmp (mode 0644), and the databases, logs and cache were 0644.
    The next import removes the spill files; every file under the home is owner-only."""
    import os
    import stat

    settings.ensure_home()
    left = settings.scratch_dir / "import" / "duckdb_temp_storage_DEFAULT-0.tmp"
    left.parent.mkdir(parents=True)
    left.write_bytes(b"1503851236 ...")
    os.chmod(left, 0o644)
    wide = settings.home / "noter.txt"
    wide.write_text("kopi")
    os.chmod(wide, 0o644)
    import_folder(mini, settings, user="tester")
    assert not left.exists() and not any((settings.scratch_dir / "import").glob("*"))
    modes = {p: stat.S_IMODE(p.stat().st_mode) for p in settings.home.rglob("*")}
    assert len(modes) >= 5  # store, analytics, log, its folder, the copy
    assert {str(p): oct(m) for p, m in modes.items() if m & 0o077} == {}


def test_an_import_never_spills_clear_cpr_numbers_to_disk(tmp_path: Path) -> None:
    """Issue 10 #3d: under a memory limit DuckDB spilled the import's staging (clear CPR numbers)
    to temporary files, which a kill left behind. The writer now never spills: an import that
    does not fit the limit stops with a Danish message and leaves nothing, on disk or loaded."""
    from tvaers.data.importer import ImportTooLarge, open_analytics
    from tvaers.data.synth.generator import generate

    generate(3000, 3, tmp_path / "kommune")
    tight = Settings(home=tmp_path / "home", pseudonym_key=TEST_KEY, memory_limit="10MB")
    with pytest.raises(ImportTooLarge, match="mere hukommelse end grænsen") as refused:
        import_folder(tmp_path / "kommune", tight, user="tester")
    assert "TVAERS_MEMORY_LIMIT" in refused.value.hint
    assert not [p for p in (tight.home / "tmp").rglob("*") if p.is_file()]
    assert not tight.analytics_path.exists()  # nothing loaded: the copy it worked on is gone
    assert not list(tight.home.glob("analyse.duckdb*"))
    writer = open_analytics(tight, tmp_path / "proeve.duckdb")
    try:
        assert writer.execute("SELECT current_setting('temp_directory')").fetchall() == [("",)]
    finally:
        writer.close()
    enough = Settings(home=tmp_path / "home", pseudonym_key=TEST_KEY, memory_limit="200MB")
    assert import_folder(tmp_path / "kommune", enough, user="tester").batch_id is not None
