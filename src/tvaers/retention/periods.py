"""How long each kind of data is kept, and why (issue 10 #7; docs/databeskyttelse.md).

Each kind has a period (a setting with a lawful default), the limit it gives today, and the
reason shown to the operator and the data protection officer. What Tværs keeps without a period
of its own (case records, the current extract of citizens) is listed too, with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from tvaers.core.config import Settings


@dataclass(frozen=True)
class Kind:
    """One kind of data under retention: its key, Danish name, period in words, the limit
    (everything older goes) and the reason."""

    key: str
    name: str
    period: str
    limit: datetime | None
    reason: str


def _years_back(moment: datetime, years: int) -> datetime:
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year - years, day=28)


def kinds(settings: Settings, now: datetime | None = None) -> list[Kind]:
    """Every kind of data, with today's limit (``None``: kept without a period of its own)."""
    now = now or datetime.now(UTC)
    data_years = settings.retention_data_years
    first_kept = date(now.year - data_years, 1, 1)
    return [
        Kind(
            "analysedata",
            "Posteringer, aktiviteter og udfald (analysedatabasen)",
            f"indeværende år og {data_years} hele år bagud",
            datetime(first_kept.year, 1, 1, tzinfo=UTC),
            "Styringen sammenligner højst så mange år (baseline, prognose, afregning); KL's "
            "vejledning kræver sletning, når den statistiske analyse er afsluttet (002 §5.2).",
        ),
        Kind(
            "mellemlager",
            "Mellemlager af offentliggjorte tal",
            f"{settings.retention_cache_days} dage, og altid når analysedata slettes",
            now - timedelta(days=settings.retention_cache_days),
            "Afledte tal, som beregnes igen ved behov.",
        ),
        Kind(
            "revisionsspor",
            "Revisionssporet (hvem så hvad, hvornår og hvorfor)",
            f"{settings.retention_audit_years} år",
            _years_back(now, settings.retention_audit_years),
            "Dokumenterer lovlig adgang og besvarer indsigtsanmodninger; mindst 6 måneder "
            "(databehandleraftalens standardvilkår), standard 3 år (forældelseslovens frist). "
            "Databasen sletter kun indgange ældre end 180 dage og kun bag et kontrolpunkt.",
        ),
        Kind(
            "sessioner",
            "Afsluttede log-ind-sessioner",
            f"{settings.retention_session_days} dage efter sidste brug",
            now - timedelta(days=settings.retention_session_days),
            "Til undersøgelse af sikkerhedshændelser; log-ind og log-ud står i revisionssporet.",
        ),
        Kind(
            "driftslog",
            "Driftsloggen (logs/tvaers.log)",
            f"{settings.retention_log_days} dage",
            now - timedelta(days=settings.retention_log_days),
            "Fejlsøgning; Datatilsynet anbefaler 6 måneder for logning.",
        ),
        Kind(
            "sagsakter",
            "Udvælgelsesbeslutninger, indskrivninger og registrerede grundlag",
            "slettes ikke af Tværs",
            None,
            "Sagsakter, der journaliseres og slettes efter arkivlovgivningen i kommunens "
            "ESDH-system.",
        ),
        Kind(
            "viste_grupper",
            "Fingeraftryk af viste grupper (forsvar mod differensangreb)",
            "slettes ikke",
            None,
            "Rummer ingen pseudonymer, kun summer af hashværdier; slettes de, kan en gruppe, "
            "der er vist før, igen trækkes fra en ny (docs/undertrykkelse.md).",
        ),
        Kind(
            "stamdata",
            "Borgere, relationer og identitetslageret (aktuelt udtræk)",
            "til næste import",
            None,
            "Erstattes ved hver import med kommunens aktuelle udtræk; en borger, der er flyttet, "
            "forsvinder med det udtræk, hvor borgeren ikke længere er med.",
        ),
    ]
