"""Pure rules of benchmarking: peer groups, ranks and the structure cells of the expected cost.

* A **peer group** is a size band (by the municipality's population: Danmarks Statistik's figure
  in the reference data, else its citizens in the data) or a list of codes chosen by the user;
  the other municipalities are then «Øvrige».
* A **rank** is the competition rank within the peer group (1, 1, 3, ...): ``1`` is the highest
  value, except for the difference between actual and expected cost, where ``1`` is the lowest
  (the most below its expected cost). A hidden figure gets no rank and takes no place.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from importlib import resources

SIZE_BANDS: tuple[tuple[int, str], ...] = (
    (0, "Under 20.000 indbyggere"),
    (20_000, "20.000-39.999 indbyggere"),
    (40_000, "40.000-59.999 indbyggere"),
    (60_000, "60.000-99.999 indbyggere"),
    (100_000, "100.000 indbyggere og derover"),
)
CHOSEN = "Valgte kommuner"
OTHERS = "Øvrige kommuner"
BY_SIZE = "size"
UNKNOWN_CODE = "000"  # a municipal installation whose name is not a Danish municipality's
FAMILY_TYPES = ("enlig uden børn", "par uden børn", "enlig med børn", "par med børn")
UNKNOWN_FAMILY = "ukendt"


@dataclass(frozen=True)
class Municipality:
    """A Danish municipality of the reference data: its 3-digit code, name and population."""

    code: str
    name: str
    population: int | None


def reference() -> dict[str, Municipality]:
    """The 98 municipalities (``tvaers.data.reference/municipalities.csv``), by code."""
    text = resources.files("tvaers.data.reference").joinpath("municipalities.csv")
    found: dict[str, Municipality] = {}
    with text.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            population = (row.get("population") or "").strip()
            code = row["code"].strip().zfill(3)
            found[code] = Municipality(
                code, row["name"].strip(), int(population) if population.isdigit() else None
            )
    return found


def code_of(name: str, known: Mapping[str, Municipality]) -> str:
    """A municipal installation's code from its name in the settings (``Furesø`` -> ``190``);
    :data:`UNKNOWN_CODE` when the name is not a municipality's."""
    wanted = name.strip().casefold().removesuffix(" kommune")
    return next((m.code for m in known.values() if m.name.casefold() == wanted), UNKNOWN_CODE)


def size_band(population: int) -> str:
    """The size band of a population."""
    return [label for low, label in SIZE_BANDS if population >= low][-1]


def parse_peers(text: str | None) -> tuple[str, ...] | None:
    """``None`` (or ``size``): peer groups by size; else a list of 3-digit codes separated by
    commas or spaces. :class:`ValueError` in Danish for anything else."""
    if text is None or text.strip().lower() in ("", BY_SIZE):
        return None
    parts = [p for p in text.replace(",", " ").split() if p]
    wrong = [p for p in parts if not (p.isdigit() and 1 <= len(p) <= 3)]
    if wrong:
        raise ValueError(
            f"«{wrong[0][:20]}» er ikke en kommunekode: skriv size eller koder på tre cifre "
            "adskilt af komma, fx 101,147,190."
        )
    return tuple(dict.fromkeys(p.zfill(3) for p in parts))


def peer_groups(populations: Mapping[str, int], chosen: tuple[str, ...] | None) -> dict[str, str]:
    """Municipality code -> its peer group (a size band, or chosen/others)."""
    if chosen is None:
        return {code: size_band(n) for code, n in populations.items()}
    return {code: CHOSEN if code in chosen else OTHERS for code in populations}


def ranks(
    values: Mapping[str, Decimal | float | None],
    groups: Mapping[str, str],
    lowest_first: bool = False,
) -> dict[str, int | None]:
    """Competition rank of each municipality's value within its peer group (see the module)."""
    found: dict[str, int | None] = dict.fromkeys(values)
    for group in set(groups.values()):
        shown = [(c, v) for c, v in values.items() if groups.get(c) == group and v is not None]
        for code, value in shown:  # the peer group's municipalities: at most 98
            better = sum(
                1 for _c, other in shown if (other < value if lowest_first else other > value)
            )
            found[code] = better + 1
    return found
