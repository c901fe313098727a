"""Issue 10, acceptance 2: no clear CPR number at rest.

A synthetic municipality whose family codes, caseworkers, posting ids, cost centres and free texts
carry CPR numbers — in every way people and systems write one — is imported. Then every file
under TVAERS_HOME (analytics file, SQLite store, identity store, logs, spill folder, cache), the
operational store (a PostgreSQL dump, or every table's rows), the analytics engine's own view of
every table, and every export of ``tvaers draw --by family`` and ``tvaers contacts --by citizen``
(CSV, JSON, Excel) is scanned: not one of the CPR numbers can be found in any of those forms. The
families still hold together, and the caseworkers are still told apart.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
import zipfile
from collections.abc import Callable
from pathlib import Path

import duckdb
from sqlalchemy import inspect, text
from typer.testing import CliRunner

from tvaers.cli import app
from tvaers.core.config import Settings
from tvaers.core.cpr import Pseudonymiser
from tvaers.data.synth import generate
from tvaers.store.database import make_engine

from .conftest import CLI_USERS, TEST_KEY, add_cli_users, analytics_rows

FORMS: tuple[Callable[[str], str], ...] = (  # issue 10 #3b: one number, as it is written
    lambda c: c,  # 0702630488
    lambda c: f"{c[:6]}-{c[6:]}",  # 070263-0488
    lambda c: f"bilag_{c}.pdf",
    lambda c: f"CPR{c}",
    lambda c: f"{c[:6]} {c[6:]}",  # 070263 0488
    lambda c: f"{c[:2]}.{c[2:4]}.{c[4:6]}-{c[6:]}",  # 07.02.63-0488
    lambda c: f"{c[:6]}\u2013{c[6:]}",  # en dash
)
STAFF = ("0702630488", "1211724417", "2903814102", "3108691234", "0101550987")  # employees
_SEP = rb"(?:[ ./_\-]|\xe2\x80[\x93\x94]|\\u201[34])?"  # also JSON's escaped en and em dash
_CANDIDATE = re.compile(rb"(?=(\d\d)" + _SEP + rb"(\d\d)" + _SEP + rb"(\d\d)" + _SEP + rb"(\d{4}))")


def clear_cprs(data: bytes, known: set[str]) -> set[str]:
    """The known CPR numbers found in ``data``, written with or without one separator between
    day, month, year and serial (overlapping matches included)."""
    found = {b"".join(m.groups()).decode() for m in _CANDIDATE.finditer(data)}
    return found & known


def _rewrite(path: Path, change: Callable[[int, dict[str, str]], None]) -> None:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        fields, rows = list(reader.fieldnames or []), list(reader)
    for i, row in enumerate(rows):
        change(i, row)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fields)
        writer.writeheader()
        writer.writerows(rows)


def cpr_municipality(folder: Path) -> tuple[set[str], dict[str, str]]:
    """A synthetic municipality with CPR numbers planted in its code columns and free texts;
    returns every CPR number in it and each citizen's family head."""
    generate(400, 7, folder)
    with (folder / "citizens.csv").open(encoding="utf-8") as handle:
        citizens = list(csv.DictReader(handle))
    heads: dict[str, str] = {}
    for row in citizens:
        heads.setdefault(row["family"], row["cpr"])
    head_of = {row["cpr"]: heads[row["family"]] for row in citizens}
    everyone = sorted(head_of)

    def family(i: int, row: dict[str, str]) -> None:
        row["family"] = FORMS[int(row["family"]) % len(FORMS)](heads[row["family"]])

    def activity(i: int, row: dict[str, str]) -> None:
        row["caseworker"] = FORMS[i % len(FORMS)](STAFF[i % len(STAFF)])
        row["decided_by"] = (
            f"{row['decided_by']}, jf. {FORMS[i % len(FORMS)](row['cpr'].replace('-', ''))}"
        )

    def posting(i: int, row: dict[str, str]) -> None:
        who = row["cpr"].replace("-", "") or everyone[i % len(everyone)]
        row["posting_id"] = f"{FORMS[i % len(FORMS)](who)}/{row['posting_id']}"
        row["cost_centre"] = FORMS[(i + 3) % len(FORMS)](STAFF[i % len(STAFF)])
        row["text"] = f"{row['text']} {FORMS[(i + 1) % len(FORMS)](who)}"

    def outcome(i: int, row: dict[str, str]) -> None:
        row["note"] = f"Notat om {FORMS[i % len(FORMS)](row['cpr'].replace('-', ''))}"

    _rewrite(folder / "citizens.csv", family)
    _rewrite(folder / "activities.csv", activity)
    _rewrite(folder / "postings.csv", posting)
    _rewrite(folder / "outcomes.csv", outcome)
    return set(everyone) | set(STAFF), head_of


def _store_as_text(settings: Settings) -> bytes:
    """The operational store as text: ``pg_dump`` on PostgreSQL, and every table's rows."""
    parts: list[bytes] = []
    url = settings.store_url
    if url.startswith("postgresql"):
        dump = shutil.which("pg_dump")
        if dump:
            plain = url.replace("postgresql+psycopg", "postgresql")
            parts.append(subprocess.run([dump, plain], capture_output=True, check=True).stdout)
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            for table in inspect(conn).get_table_names():
                rows = conn.execute(text(f'SELECT * FROM "{table}"')).fetchall()
                parts.append(repr(rows).encode() + json.dumps([list(map(str, r)) for r in rows],
                                                              ensure_ascii=False).encode())  # fmt: skip
    finally:
        engine.dispose()
    return b"\n".join(parts)


def _analytics_as_text(settings: Settings) -> bytes:
    """Every table of the analytics file, as the engine reads it (the file compresses text)."""
    con = duckdb.connect(str(settings.analytics_path), read_only=True)
    try:
        tables = [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()]
        assert {"citizens", "postings", "activities", "outcomes"} <= set(tables)
        return b"\n".join(
            json.dumps(
                con.execute(f'SELECT * FROM "{t}"').fetchall(), default=str, ensure_ascii=False
            ).encode()
            for t in tables
        )
    finally:
        con.close()


def _file_texts(path: Path) -> bytes:
    """A file's bytes, and for a zip (an Excel workbook) every member's."""
    data = path.read_bytes()
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            data += b"".join(archive.read(name) for name in archive.namelist())
    return data


def test_no_clear_cpr_number_anywhere_after_importing_cprs_in_code_columns(
    settings: Settings, tmp_path: Path
) -> None:
    folder = tmp_path / "kommune"
    known, head_of = cpr_municipality(folder)
    before = clear_cprs(b"\n".join(p.read_bytes() for p in folder.iterdir()), known)
    assert before == known  # the oracle finds every planted number in the files themselves
    env = {"TVAERS_HOME": str(settings.home), "TVAERS_DATABASE_URL": settings.store_url,
           "TVAERS_PSEUDONYM_KEY": TEST_KEY, "TVAERS_LOG_LEVEL": "DEBUG",
           "TVAERS_LOG_FORMAT": "json", "COLUMNS": "200"}  # fmt: skip
    runner = CliRunner()
    imported = runner.invoke(app, ["import", str(folder)], env=env)
    assert imported.exit_code == 0, imported.output
    add_cli_users(settings)
    exports = tmp_path / "udtræk"
    exports.mkdir()
    for command, by in (("draw", "family"), ("contacts", "citizen"), ("contacts", "family")):
        for fmt in ("csv", "json", "xlsx"):
            out = exports / f"{command}_{by}.{fmt}"
            result = runner.invoke(
                app,
                [command, "--by", by, "--user", CLI_USERS["analyst"], "--format", fmt,
                 "--out", str(out)],
                env=env,
            )  # fmt: skip
            assert result.exit_code == 0, result.output
            assert out.stat().st_size > 0
            assert clear_cprs(result.output.encode(), known) == set()

    places: dict[str, bytes] = {
        str(p): _file_texts(p) for p in (*settings.home.rglob("*"), *exports.iterdir())
        if p.is_file()
    }  # fmt: skip
    if settings.store_url.startswith("sqlite"):
        places[settings.store_url] = (tmp_path / "drift.sqlite").read_bytes()
    places["driftslageret"] = _store_as_text(settings)
    places["analysefilen"] = _analytics_as_text(settings)
    assert any("logs" in p for p in places) and any("identiteter" in p for p in places)
    leaks = {place: sorted(clear_cprs(data, known))[:3] for place, data in places.items()}
    found = [f"{place}: {', '.join(cprs)}" for place, cprs in sorted(leaks.items()) if cprs]
    assert not found, "klare CPR-numre i\n" + "\n".join(found)

    # the families still hold together, each under a code that is no CPR number
    p = Pseudonymiser(TEST_KEY.encode())
    stored = dict(analytics_rows(settings, "citizens", "citizen, family"))
    by_head: dict[str, set[str]] = {}
    for cpr, head in head_of.items():
        by_head.setdefault(head, set()).add(stored[p.pseudonym(cpr)])
    assert all(len(codes) == 1 for codes in by_head.values())
    assert len({next(iter(codes)) for codes in by_head.values()}) == len(by_head)
    assert all(code.startswith("F-") for code in stored.values())
    # a caseworker's number counts the same however it is written (five of the seven forms are
    # the bare number with or without separators; «bilag_….pdf» and «CPR…» are codes of their own)
    workers = {r[0] for r in analytics_rows(settings, "activities", "DISTINCT caseworker")}
    assert len(workers) == 3 * len(STAFF) and all(w.startswith("P-") for w in workers)
    # every posting keeps a posting id of its own
    ids = [r[0] for r in analytics_rows(settings, "postings", "posting_id")]
    assert len(set(ids)) == len(ids) and all(i.startswith("P-") for i in ids)
    # the posting texts keep their words, without the number
    texts = [r[0] for r in analytics_rows(settings, "postings", "text")]
    assert [t for t in texts if "[CPR fjernet]" not in t] == []


def test_a_family_code_that_is_a_cpr_number_is_one_family_in_every_written_form(
    sqlite_settings: Settings, mini: Path
) -> None:
    """The mini municipality's family of four has the mother's CPR number as family code, each
    member's written differently: still one family, under a code that is no CPR number; the
    others keep their own codes, and a second import of the same files changes nothing."""
    from tvaers.data.importer import import_folder

    mother = "1503851236"
    path = mini / "citizens.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    codes = [FORMS[0](mother), FORMS[1](mother), FORMS[5](mother), FORMS[6](mother), "H-17",
             "0702630488"]  # fmt: skip
    path.write_text(
        "\n".join(
            [lines[0] + ",family", *(f"{r},{c}" for r, c in zip(lines[1:], codes, strict=True))]
        )
        + "\n",
        encoding="utf-8",
    )
    import_folder(mini, sqlite_settings)
    stored = dict(analytics_rows(sqlite_settings, "citizens", "citizen, family"))
    p = Pseudonymiser(TEST_KEY.encode())
    four = {
        stored[p.pseudonym(c)] for c in ("1503851236", "0202861118", "1207154007", "0303184012")
    }
    assert len(four) == 1 and next(iter(four)) == "F-" + p.pseudonym(mother)[:12]
    assert stored[p.pseudonym("2505901122")] == "H-17"
    assert stored[p.pseudonym("1010703344")] == "F-" + p.pseudonym("0702630488")[:12]
    assert import_folder(mini, sqlite_settings).batch_id is None
