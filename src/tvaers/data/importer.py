"""``tvaers import FOLDER``: validate every file first, then load all of it in one transaction.

The order of work:

1. find one file per contract table in the folder (``postings.csv`` / ``.xlsx`` / ``.parquet``,
   or the Danish table name), and skip tables whose file is byte-identical to what is loaded;
2. read and parse every changed file set-based in DuckDB temporary tables, pseudonymising CPR
   numbers on the way; check values, keys and references (against the folder's other tables or
   what is loaded already);
3. any problem: raise :class:`ImportRejected` with every problem listed; nothing was written;
4. otherwise: number a batch in the operational store, replace the changed tables in the analytics
   file in one DuckDB transaction, derive families, and mark the batch loaded.
"""

from __future__ import annotations

import getpass
import hashlib
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from duckdb import DuckDBPyConnection, OutOfMemoryException
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from tvaers.core.config import Settings
from tvaers.core.cpr import Pseudonymiser
from tvaers.core.errors import ErrorCode, ImportRejected, Issue, TvaersError
from tvaers.core.glossary import TABLE_TERMS
from tvaers.core.logging import get_logger
from tvaers.core.periods import today
from tvaers.data import checks, exports
from tvaers.data.contracts import CONTRACTS, TABLE_ORDER, fold
from tvaers.data.families import derive_families
from tvaers.data.issues import IssueSink
from tvaers.data.municipality import (
    LOCAL_CODES,
    batch_code,
    batch_name,
    installation_code,
    national,
    reference,
)
from tvaers.data.parsing import q
from tvaers.data.readers import SUFFIXES, RawTable, not_a_file, read_ahead
from tvaers.data.recovery import recover_interrupted
from tvaers.data.schema import LOADED, MUNICIPALITY, create_tables, loaded_state
from tvaers.data.staged import Staged
from tvaers.data.validation import stage
from tvaers.engine.connection import connect, raw
from tvaers.engine.snapshot import Replacement, replacing
from tvaers.store import audit
from tvaers.store.database import make_engine, sessions, upgrade
from tvaers.store.identities import seal
from tvaers.store.models import ImportBatch, Municipality, utcnow

log = get_logger(__name__)
UPGRADED = "schema_upgraded"  # a temporary marker: the analytics file's tables were upgraded
Progress = Callable[[str, float], None]


@dataclass(frozen=True)
class TableResult:
    table: str
    file: str
    rows: int
    changed: bool


@dataclass
class ImportResult:
    batch_id: int | None
    tables: list[TableResult] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(t.changed for t in self.tables)


def _names() -> dict[str, str]:
    """Accepted file stems (folded) -> table: the English table name or the Danish term."""
    names = {fold(t): t for t in CONTRACTS}
    names.update({fold(term): table for table, term in TABLE_TERMS.items()})
    return names


def discover(folder: Path) -> tuple[dict[str, Path], list[Issue], list[str]]:
    """The file for each table in ``folder``; problems; files that were not recognised."""
    if not folder.is_dir():
        raise TvaersError(
            f"Mappen '{folder}' findes ikke",
            code=ErrorCode.FOLDER_MISSING,
            hint="Angiv mappen med kommunens filer.",
        )
    names = _names()
    found: dict[str, Path] = {}
    issues: list[Issue] = []
    ignored: list[str] = []
    for path in sorted(folder.iterdir()):
        table = names.get(fold(path.stem)) if path.suffix.lower() in SUFFIXES else None
        problem = not_a_file(path) if table else None  # a link is never followed
        if problem:
            issues.append(problem)
        elif table is None:
            if path.is_file():
                ignored.append(path.name)
        elif table in found:
            issues.append(
                Issue(
                    path.name,
                    0,
                    "",
                    "",
                    ErrorCode.FILE_DUPLICATE_TABLE,
                    f"Tabellen '{table}' findes også i {found[table].name}",
                    "Behold kun én fil pr. tabel i mappen.",
                )
            )
        else:
            found[table] = path
    if not found and not issues:
        raise TvaersError(
            f"Mappen '{folder}' indeholder ingen kendte filer",
            code=ErrorCode.NO_DATA,
            hint="Navngiv filerne efter tabellerne, fx postings.csv eller citizens.xlsx.",
        )
    return found, issues, ignored


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def open_analytics(settings: Settings, path: Path) -> DuckDBPyConnection:
    """``path`` (the writer's copy of the analytics file, :func:`~tvaers.engine.snapshot.
    replacing`) for writing, never spilling to disk: an import's staging holds clear CPR numbers
    until they are pseudonymised, so none of it may reach a temporary file (issue 10 #3d). Work
    that does not fit the memory limit stops with :class:`ImportTooLarge` instead; spill folders
    left by an earlier version are removed (:func:`import_scratch`)."""
    import_scratch(settings)
    backend = connect(path, memory_limit=settings.memory_limit, threads=settings.threads)
    con = raw(backend)
    con.execute("SET temp_directory = ''")  # no spilling: nothing with a clear CPR on disk
    if create_tables(con, "" if national(settings) else installation_code(settings)):
        con.execute(f"CREATE TEMP TABLE {UPGRADED} (upgraded BOOLEAN)")  # see _import
    return con


class ImportTooLarge(TvaersError):
    """The import needs more memory than the limit allows (it never spills; see above)."""

    code = ErrorCode.CONFIG_INVALID


def import_scratch(settings: Settings) -> Path:
    """The writer's spill folder (``tmp/import``), emptied; readers spill elsewhere."""
    folder = settings.scratch_dir / "import"
    shutil.rmtree(folder, ignore_errors=True)  # left by a killed import
    return folder


def import_folder(
    folder: Path,
    settings: Settings,
    *,
    user: str | None = None,
    progress: Progress | None = None,
    store: Engine | None = None,
    municipality: str | None = None,
) -> ImportResult:
    """Import a folder of the municipality's files as one batch, or nothing. A national
    installation needs ``municipality`` (the code, e.g. ``"101"``): the batch replaces that
    municipality's rows only (docs/national.md)."""
    step = progress or (lambda _msg, _frac: None)
    code = batch_code(settings, municipality)  # a missing or unknown code: before anything else
    settings.ensure_home()
    _ = settings.key_bytes  # a missing or short key is said before anything is created
    files, issues, ignored = discover(folder)
    engine = store or make_engine(settings.store_url)
    upgrade(engine)
    with replacing(settings, lambda copy: open_analytics(settings, copy)) as target:
        try:
            return _import(
                target, engine, folder, (files, issues, ignored), settings, user, step, code
            )
        finally:
            import_scratch(settings)


def _import(
    target: Replacement,
    engine: Engine,
    folder: Path,
    found: tuple[dict[str, Path], list[Issue], list[str]],
    settings: Settings,
    user: str | None,
    step: Progress,
    code: str,
) -> ImportResult:
    """The import's work on the copy of the analytics file, installed when the batch is in."""
    con = target.con
    files, issues, ignored = found
    try:
        recover_interrupted(con, engine)  # a batch left 'loading' by a crash
        loaded = loaded_state(con, code)
        hashes = {table: sha256_of(path) for table, path in files.items()}
        result = ImportResult(None, ignored=ignored)
        changed = [
            t for t in TABLE_ORDER if t in files and loaded.get(t, (0, "", ""))[2] != hashes[t]
        ]
        for table in TABLE_ORDER:
            if table in files and table not in changed:
                result.tables.append(TableResult(table, files[table].name, loaded[table][3], False))
        if not changed and not issues:
            log.info("import_unchanged", folder=str(folder))
            _keep_upgrade(target)
            return result
        sink = IssueSink()
        sink.extend(issues)
        pads = Pseudonymiser(settings.key_bytes).sql_parameters()
        staged: dict[str, Staged] = {}
        raws = read_ahead([(files[table], CONTRACTS[table]) for table in changed])
        for i, (table, raw) in enumerate(zip(changed, raws, strict=True)):
            step(f"Læser og kontrollerer {files[table].name}", i / (len(changed) + 2))
            read: RawTable | None = raw
            headers: dict[str, str] | None = None
            if table == "commitments":  # also in a case system's own export shape
                read, headers = exports.reshape(con, raw, _interventions(staged, loaded), sink)
            item = None if read is None else stage(
                con, read, CONTRACTS[table], pads, hashes[table], sink, headers
            )  # fmt: skip
            if item is not None:
                staged[table] = item
        step("Kontrollerer henvisninger mellem tabellerne", len(changed) / (len(changed) + 2))
        everyone = _localise(con, staged, code, loaded) if national(settings) else None
        srcs = checks.sources(staged, loaded, everyone)
        checks.check_references(con, staged, srcs, sink)
        checks.check_activities(con, staged, srcs, sink)
        checks.check_commitments(con, staged, srcs, sink)
        if everyone is not None:
            checks.check_citizens_once(con, staged, loaded, set(reference()), sink)
        if sink:
            log.warning("import_rejected", folder=str(folder), problems=sink.total)
            raise ImportRejected(sink.issues, sink.total)
        step("Indlæser", (len(changed) + 1) / (len(changed) + 2))
        batch_id = _load(
            con, engine, folder, staged, user or getpass.getuser(),
            (code, batch_name(settings, code), loaded if national(settings) else None),
            _identity_writer(con, staged.get("citizens"), settings), target.install,
        )  # fmt: skip
        result.batch_id = batch_id
        result.tables = sorted(
            [
                *result.tables,
                *(TableResult(t, s.source, s.rows, True) for t, s in staged.items()),
            ],
            key=lambda r: TABLE_ORDER.index(r.table),
        )
        step("Færdig", 1.0)
        log.info("import_loaded", batch=batch_id, tables={t: s.rows for t, s in staged.items()})
        return result
    except OutOfMemoryException as exc:
        raise ImportTooLarge(
            f"Importen kræver mere hukommelse end grænsen ({settings.memory_limit or 'standard'})."
            " Intet er indlæst.",
            hint="Hæv TVAERS_MEMORY_LIMIT (eller fjern den). En import skriver aldrig data, der "
            "endnu ikke er pseudonymiseret, til midlertidige filer, og bruger derfor kun "
            "hukommelsen.",
        ) from exc


def _keep_upgrade(target: Replacement) -> None:
    """An older analytics file got its municipality columns (:func:`open_analytics`): the copy
    takes its place even when no data changed, so that readers see the columns."""
    marker = f"SELECT 1 FROM duckdb_tables() WHERE table_name = '{UPGRADED}'"
    if target.con.execute(marker).fetchall():
        target.install()


def _interventions(staged: dict[str, Staged], loaded: dict[str, tuple[int, str, str, int]]
                   ) -> str | None:  # fmt: skip
    """The interventions a case system's export is read against: this import's, else those
    loaded before (None: none)."""
    if "interventions" in staged:
        return staged["interventions"].typed
    return 'main."interventions"' if "interventions" in loaded else None


def _identity_writer(
    con: DuckDBPyConnection, item: Staged | None, settings: Settings
) -> Callable[[], None] | None:
    """What seals the citizens' clear CPR numbers and names into the encrypted identity store
    (:mod:`tvaers.store.identities`) just before the import commits; ``None`` when the import
    brings no citizens. The clear values go from DuckDB's temporary table to memory only."""
    if item is None:
        return None
    name = "v_name" if "name" in item.headers else "CAST(NULL AS VARCHAR)"
    table = con.sql(
        f"SELECT p_cpr AS citizen, v_cpr AS cpr, {name} AS name FROM {item.parsed}"
    ).to_arrow_table()
    return lambda: seal(table, settings.identity_key_bytes, settings.identity_path)


def _localise(
    con: DuckDBPyConnection,
    staged: dict[str, Staged],
    code: str,
    loaded: dict[str, tuple[int, str, str, int]],
) -> dict[str, tuple[int, str, str, int]]:
    """A national installation: the municipality's own identifiers in the staged rows get its
    code as prefix (``101-…``, :data:`~tvaers.data.municipality.LOCAL_CODES`), so that they
    meet their own municipality's rows only; a citizen must be listed by one municipality.
    The state of every municipality, for the checks that look nationally."""
    for table, columns in LOCAL_CODES.items():
        if table in staged:
            sets = ", ".join(f"{q(c)} = ? || '-' || {q(c)}" for c in columns)
            con.execute(f"UPDATE {staged[table].typed} SET {sets}", [code] * len(columns))
    return loaded_state(con)


def _municipality_id(session: Session, name: str, code: str) -> int:
    found = session.scalar(select(Municipality).where(Municipality.name == name))
    if found is None:
        found = Municipality(name=name, code=code)
        session.add(found)
        session.flush()
    elif found.code != code:
        found.code = code
    return found.id


def _replace(
    con: DuckDBPyConnection,
    table: str,
    item: Staged,
    batch_id: int,
    code: str,
    replaced: dict[str, tuple[int, str, str, int]] | None,
) -> None:
    """``table``'s rows of the municipality ``code`` become ``item``'s: all rows in a municipal
    installation, the municipality's earlier batch's rows in a national one."""
    if replaced is None:
        con.execute(f"DELETE FROM main.{q(table)}")
    elif table in replaced:
        con.execute(f"DELETE FROM main.{q(table)} WHERE batch_id = ?", [replaced[table][0]])
    given = MUNICIPALITY in {c.stored_name for c in item.contract.columns}
    value = f"coalesce({MUNICIPALITY}, $code)" if given else "$code"
    con.execute(
        f"INSERT INTO main.{q(table)} BY NAME SELECT * REPLACE ({value} AS {MUNICIPALITY}), "
        f"$batch AS batch_id FROM {item.typed}"
        if given
        else f"INSERT INTO main.{q(table)} BY NAME SELECT *, $batch AS batch_id, "
        f"{value} AS {MUNICIPALITY} FROM {item.typed}",
        {"code": code, "batch": batch_id},
    )
    con.execute(
        f"INSERT OR REPLACE INTO {LOADED} VALUES (?, ?, ?, ?, ?, ?, now())",
        [table, code, batch_id, item.path.name, item.sha256, item.rows],
    )


def _load(
    con: DuckDBPyConnection,
    engine: Engine,
    folder: Path,
    staged: dict[str, Staged],
    user: str,
    municipality: tuple[str, str, dict[str, tuple[int, str, str, int]] | None],
    before_commit: Callable[[], None] | None = None,
    after_commit: Callable[[], None] | None = None,
) -> int:
    tables = [
        {"table": t, "file": s.path.name, "sha256": s.sha256, "rows": s.rows}
        for t, s in staged.items()
    ]
    code, name, replaced = municipality  # replaced: a national installation's state of ``code``
    make_session = sessions(engine)
    with make_session() as session:
        batch = ImportBatch(
            municipality_id=_municipality_id(session, name, code),
            source=str(folder.resolve()),
            user_name=user,
            status="loading",
            tables=tables,
        )
        session.add(batch)
        session.commit()
        batch_id = batch.id
    try:
        con.execute("BEGIN TRANSACTION")
        for table, item in staged.items():
            _replace(con, table, item, batch_id, code, replaced)
        if {"citizens", "relations", "postings"} & staged.keys():
            latest = con.execute("SELECT max(posting_date) FROM main.postings").fetchone()
            derive_families(con, (latest[0] if latest and latest[0] else today()))
        if before_commit is not None:
            before_commit()
        con.execute("COMMIT")
    except Exception as exc:
        con.execute("ROLLBACK")
        with make_session() as session:
            failed = session.get(ImportBatch, batch_id)
            if failed is not None:
                failed.status, failed.finished_at = "failed", utcnow()
                failed.note = f"{type(exc).__name__}: {str(exc)[:500]}"
            session.commit()
        raise
    if after_commit is not None:  # the copy takes the analytics file's place; should that
        after_commit()  # fail, the batch stays 'loading' and the next import marks it failed
    with make_session() as session:
        done = session.get(ImportBatch, batch_id)
        if done is not None:
            done.status, done.finished_at = "loaded", utcnow()
        audit.record(session, user, "import", detail={"batch": batch_id, "tables": tables})
        session.commit()
    return batch_id
