"""An import interrupted between its two commits is finished or marked failed at the next one.

An import commits twice: the analytics file (the data) and then the operational store (the
batch's status and the audit entry). A crash between the two left the batch ``loading`` forever
while the data were in, and the next run said "Ingen ændringer". Whoever next writes the analytics
file (under the home's write lock, :mod:`tvaers.engine.snapshot`, so no other import is running)
checks every ``loading`` batch against the file: the batch whose rows are in was loaded
(finished now, and logged), any other never got its data in (marked failed; nothing of it is in
the file: its copy never took the file's place).
"""

from __future__ import annotations

from duckdb import DuckDBPyConnection
from sqlalchemy import Engine, select

from tvaers.core.logging import get_logger
from tvaers.data.schema import LOADED
from tvaers.store import audit
from tvaers.store.database import sessions
from tvaers.store.models import ImportBatch, utcnow

log = get_logger(__name__)
FINISHED = "Fuldført ved næste import: programmet stoppede, efter data var indlæst."
FAILED = "Afbrudt, før data blev indlæst; intet fra denne kørsel er i analysedatabasen."


def recover_interrupted(con: DuckDBPyConnection, engine: Engine) -> list[int]:
    """Settle every ``loading`` batch; the numbers settled."""
    with sessions(engine)() as session:
        waiting = list(session.scalars(select(ImportBatch).where(ImportBatch.status == "loading")))
        if not waiting:
            return []
        rows = con.execute(f"SELECT DISTINCT batch_id FROM {LOADED}").fetchall()
        in_file = {row[0] for row in rows}
        for batch in waiting:
            loaded = batch.id in in_file
            batch.status = "loaded" if loaded else "failed"
            batch.finished_at, batch.note = utcnow(), FINISHED if loaded else FAILED
            if loaded:
                audit.record(session, batch.user_name, "import",
                             detail={"batch": batch.id, "tables": batch.tables,
                                     "fuldfoert_efter_afbrydelse": True})  # fmt: skip
            log.warning("import_recovered", batch=batch.id, status=batch.status)
        session.commit()
        return [batch.id for batch in waiting]
