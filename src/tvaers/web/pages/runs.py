"""The frozen runs (issue 15, F28): ``/koersler`` lists every recorded analysis run — what was
run, by whom, on which import batches, and its output's size and sha256 — for the administrator
and the analyst (and as Excel). The runs are computed again with ``tvaers runs replay``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from tvaers.access import Actor
from tvaers.core.access import Role
from tvaers.core.publication import Column, DataTable
from tvaers.runs import service
from tvaers.runs.inputs import describe_code
from tvaers.web.deps import DbSession, require
from tvaers.web.tables import table_page

router = APIRouter()
RunViewer = Annotated[Actor, Depends(require(Role.ADMINISTRATOR, Role.ANALYST))]
SHOWN = 500  # the newest runs on the page; all of them with tvaers runs list --limit

TEXTS: dict[str, Any] = {
    "title": "Kørsler",
    "lead": "Hver analyse fra kommandolinjen (ressourcetræk, dækningsgrad, koncentration, "
    "kontaktpunkter, nulpunktsmåling, udvælgelse og prognose) registreres med det, den læste: "
    "de indlæste filer, kommunens konfiguration og programmets version, og uddataets "
    "sha256. «tvaers runs replay NUMMER» regner kørslen igen og viser, om uddata er byte for "
    "byte det samme, eller hvilket input der er ændret siden.",
    "empty": "Der er ingen kørsler endnu.",
    "newest": f"De nyeste {SHOWN} kørsler vises.",
}


def runs_table(session: Session) -> DataTable:
    """The newest runs, newest first."""
    return DataTable(
        title="Kørsler",
        columns=[
            Column("run", "Kørsel", "int"),
            Column("run_at", "Hvornår", "datetime"),
            Column("user", "Hvem"),
            Column("command", "Kommando"),
            Column("inputs", "Input"),
            Column("code", "Program"),
            Column("format", "Format"),
            Column("output_bytes", "Uddata (bytes)", "int"),
            Column("output_sha256", "Uddataets sha256"),
        ],
        rows=[
            {
                "run": run.id,
                "run_at": run.run_at,
                "user": run.user_name,
                "command": "tvaers " + " ".join(run.arguments),
                "inputs": service.inputs_summary(run.inputs),
                "code": describe_code(run.inputs.get("code", {})),
                "format": run.output_format,
                "output_bytes": run.output_bytes,
                "output_sha256": run.output_sha256,
            }
            for run in service.runs(session, SHOWN)
        ],
        filename="koersler",
    )


@router.get("/koersler", response_class=HTMLResponse)
def runs_page(request: Request, who: RunViewer, session: DbSession) -> Response:
    table = runs_table(session)
    return table_page(request, who, "runs/list.html", table, R=TEXTS, shown=SHOWN)
