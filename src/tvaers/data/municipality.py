"""The municipality dimension: which municipality an import is for, and its codes kept apart.

A *municipal* installation holds one municipality: every analytics row carries its code
(``TVAERS_MUNICIPALITY_CODE``, else the code the reference list gives the municipality's name,
else ``000``), and nothing else changes. A *national* installation holds many: each is imported
as its own batch (``tvaers import MAPPE --municipality 101``), the batch replaces only that
municipality's rows, and the municipality's own identifiers are prefixed with its code
(``101-…``) so that two municipalities' posting ids, intervention codes, family codes,
caseworkers and cost centres never meet in a join. CPR pseudonyms, function codes and sector
areas are national and kept as they are (docs/national.md).
"""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources

from tvaers.core.config import Settings
from tvaers.core.errors import ConfigError

UNKNOWN = "000"  # a municipal installation whose code is not set and not found by name
# Per table: the municipality's own identifiers, prefixed with its code in a national installation.
LOCAL_CODES: dict[str, tuple[str, ...]] = {
    "interventions": ("intervention",),
    "unit_prices": ("intervention",),
    "citizens": ("family",),
    "postings": ("posting_id", "intervention", "cost_centre"),
    "activities": ("intervention", "caseworker"),
    "commitments": ("intervention", "caseworker"),
}


@cache
def reference() -> dict[str, str]:
    """The 98 municipalities: code -> name (``data/reference/municipalities.csv``)."""
    text = (
        resources.files("tvaers.data")
        .joinpath("reference/municipalities.csv")
        .read_text(encoding="utf-8")
    )
    return {row["code"]: row["name"] for row in csv.DictReader(text.splitlines())}


def national(settings: Settings) -> bool:
    return settings.installation == "national"


def batch_code(settings: Settings, given: str | None) -> str:
    """The municipality an import is for: ``given`` (``--municipality``), required in a national
    installation; in a municipal one the installation's own code."""
    known = reference()
    if not national(settings):
        if given and given.strip() != installation_code(settings):
            raise ConfigError(
                f"Installationen er kommunal ({settings.municipality}, kode "
                f"{installation_code(settings)}); den kan ikke importere kommune {given}.",
                hint="Udelad --municipality, eller sæt TVAERS_INSTALLATION=national.",
            )
        return installation_code(settings)
    if not given or not given.strip():
        raise ConfigError(
            "En national installation skal vide, hvilken kommune importen er for.",
            hint="Angiv kommunekoden med --municipality, fx: tvaers import MAPPE "
            "--municipality 101",
        )
    code = given.strip()
    if code not in known:
        raise ConfigError(
            f"Kommunekoden '{code}' findes ikke blandt de 98 kommuner.",
            hint="Angiv den 3-cifrede kommunekode med --municipality, fx 101 (København) "
            "eller 190 (Furesø).",
        )
    return code


def installation_code(settings: Settings) -> str:
    """A municipal installation's code: the setting, else found by the municipality's name."""
    if settings.municipality_code:
        return settings.municipality_code.strip()
    by_name = {name.casefold(): code for code, name in reference().items()}
    return by_name.get(settings.municipality.strip().casefold(), UNKNOWN)


def batch_name(settings: Settings, code: str) -> str:
    """The name the import batch's municipality is stored under."""
    return settings.municipality if not national(settings) else reference()[code]
