"""The national synthetic generator: the real municipalities' sizes, each with its own practice.

``generate_national(spec, scale, seed, out)`` writes one folder per municipality (``out/101``,
``out/147``, ...), each a normal synthetic municipality (``generate()``) with a ``municipality``
column (the 3-digit code) in every file: on citizens the acting municipality (handlekommune), on
postings the paying one (betalingskommune). Sizes are the populations of
``data/reference/municipalities.csv`` times ``scale`` (at least 100 citizens). Municipalities are
generated one at a time and written before the next starts: memory is that of the largest.

No CPR number is given in two municipalities. Case and posting ids may repeat across folders (the
import keeps each municipality's apart). A share of each municipality's placed children (its
practice's ``placed_elsewhere``) live in another municipality with a lower code (so that the
folders can be imported in code order), by preference in the same region:
the child is listed in that municipality's citizens file with the placement's activities,
commitments and outcomes (the acting municipality), while the postings stay in the books of the
municipality that pays, and the child's relations with the family that stayed.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from tvaers.data.synth.catalogue import INTERVENTIONS
from tvaers.data.synth.generator import DEFAULT_AS_OF, TABLES, generate
from tvaers.data.synth.practice import Practice, draw_practice
from tvaers.data.synth.services import PLACEMENTS
from tvaers.data.synth.timeline import day
from tvaers.data.writers import extension, write_table

MINIMUM_CITIZENS = 100  # generate()'s smallest municipality
FORMATS = ("parquet", "csv")  # formats the placed children can be added to afterwards
MOVING = ("citizens", "activities", "commitments", "outcomes")  # rows that follow a placed child
_PLACEMENT_CODES = pa.array([INTERVENTIONS[int(i)].code for i in PLACEMENTS])
Progress = Callable[[str, float], None]


@dataclass(frozen=True)
class Municipality:
    code: str
    name: str
    region: str
    population: int


@dataclass
class NationalSummary:
    """What ``generate_national()`` made: one row per municipality (with its practice)."""

    rows: list[dict[str, object]] = field(default_factory=list)

    @property
    def citizens(self) -> int:
        return sum(int(r["citizens"]) for r in self.rows)  # type: ignore[call-overload]

    @property
    def postings(self) -> int:
        return sum(int(r["postings"]) for r in self.rows)  # type: ignore[call-overload]


def reference_municipalities() -> list[Municipality]:
    """The 98 municipalities, by code (package reference data)."""
    reference = resources.files("tvaers.data.reference").joinpath("municipalities.csv")
    text = reference.read_text("utf-8")
    rows = csv.DictReader(text.splitlines())
    return [Municipality(r["code"], r["name"], r["region"], int(r["population"])) for r in rows]


def choose(spec: str) -> list[Municipality]:
    """``all``; a number N (N municipalities spread from the largest to the smallest: 1 is
    København); or codes separated by commas (``101,147,190``). Raises ``ValueError`` in Danish."""
    every = reference_municipalities()
    spec = spec.strip().lower()
    if spec in ("all", "alle"):
        return every
    if "," in spec or (spec.isdigit() and len(spec) == 3 and int(spec) > len(every)):
        by_code = {m.code: m for m in every}
        codes = [c.strip() for c in spec.split(",") if c.strip()]
        unknown = [c for c in codes if c not in by_code]
        if unknown:
            raise ValueError(f"Ukendt kommunekode: {', '.join(unknown)} (se kommunelisten)")
        return sorted({by_code[c] for c in codes}, key=lambda m: m.code)
    if not spec.isdigit() or not 1 <= int(spec) <= len(every):
        raise ValueError(
            f"--municipalities skal være 'all', et tal fra 1 til {len(every)} eller "
            f"kommunekoder adskilt af komma (fx 101,147); fik {spec!r}"
        )
    by_size = sorted(every, key=lambda m: (-m.population, m.code))
    picks = np.unique(np.round(np.linspace(0, len(every) - 1, int(spec))).astype(int))
    return sorted((by_size[i] for i in picks), key=lambda m: m.code)


def size(municipality: Municipality, scale: float) -> int:
    return max(MINIMUM_CITIZENS, round(municipality.population * scale))


def generate_national(
    spec: str,
    scale: float,
    seed: int,
    out: Path,
    fmt: str = "parquet",
    progress: Progress | None = None,
) -> NationalSummary:
    """Generate the chosen municipalities into ``out/<code>/``; see the module docstring."""
    if fmt not in FORMATS:
        raise ValueError(f"Landsdækkende syntetiske data skrives som {' eller '.join(FORMATS)}")
    if scale <= 0:
        raise ValueError("--scale skal være større end 0")
    chosen = choose(spec)
    report = progress or (lambda step, fraction: None)
    taken = np.zeros(0, dtype=np.int64)
    guests: dict[str, dict[str, list[pa.Table]]] = {}
    summary = NationalSummary()
    for number, municipality in enumerate(chosen):
        report(f"{municipality.name} ({number + 1}/{len(chosen)})", number / len(chosen))
        state = np.random.SeedSequence([seed, int(municipality.code)])
        rng = np.random.default_rng(state.spawn(1)[0])
        practice = draw_practice(rng)
        mover = _Mover(municipality, chosen, practice, rng, guests)
        made = generate(
            size(municipality, scale),
            int(state.generate_state(1)[0]),
            out / municipality.code,
            fmt,
            practice=practice,
            taken_cpr=taken,
            finish=mover,
        )
        position = np.searchsorted(taken, mover.numbers)
        taken = np.insert(taken, position, mover.numbers)
        summary.rows.append(
            {
                "code": municipality.code,
                "name": municipality.name,
                "region": municipality.region,
                "population": municipality.population,
                "citizens": made.citizens,
                "postings": made.rows["postings"],
                "placed_elsewhere_children": mover.moved,
                **practice.as_row(),
            }
        )
    report("Tilføjer børn anbragt i en anden kommune", 0.99)
    for code, tables in guests.items():
        merged = {name: pa.concat_tables(parts) for name, parts in tables.items()}
        _add_guests(out / code, fmt, merged)
    write_table(pa.Table.from_pylist(summary.rows), out, "municipalities", "csv")
    report("Færdig", 1.0)
    return summary


class _Mover:
    """``finish`` for one municipality: the municipality column, and its placed children who
    live elsewhere taken out of its person files and kept for their acting municipality."""

    def __init__(
        self,
        municipality: Municipality,
        chosen: list[Municipality],
        practice: Practice,
        rng: np.random.Generator,
        guests: dict[str, dict[str, list[pa.Table]]],
    ) -> None:
        self.municipality, self.practice, self.rng, self.guests = (
            municipality, practice, rng, guests
        )  # fmt: skip
        # placed in a municipality imported before this one (lower code), so that importing the
        # folders in code order finds every citizen a posting or relation refers to
        others = [m for m in chosen if m.code < municipality.code]
        near = [m for m in others if m.region == municipality.region]
        self.targets = near or others
        self.numbers = np.zeros(0, dtype=np.int64)
        self.moved = 0

    def __call__(self, tables: dict[str, pa.Table]) -> dict[str, pa.Table]:
        cpr = tables["citizens"]["cpr"]
        self.numbers = np.sort(pc.cast(cpr, pa.int64()).to_numpy())
        movers, target = self._movers(tables)
        self.moved = len(movers)
        out = {}
        for name, table in tables.items():
            code = pa.array(np.full(table.num_rows, self.municipality.code))
            if name in MOVING and len(movers):
                place = pc.index_in(table["cpr"], value_set=movers)
                moving = pc.is_valid(place)
                destination = pc.take(pa.array(target), place)
                for to in np.unique(target):
                    rows = table.filter(pc.and_(moving, pc.equal(destination, str(to))))
                    rows = rows.append_column("municipality", pa.array(np.full(rows.num_rows, to)))
                    self.guests.setdefault(str(to), {}).setdefault(name, []).append(rows)
                keep = pc.invert(moving)
                table, code = table.filter(keep), code.filter(keep)
            out[name] = table.append_column("municipality", code)
        return out

    def _movers(self, tables: dict[str, pa.Table]) -> tuple[pa.Array, np.ndarray]:
        """Placed children (under 18 on the last day) who live in another municipality, and the
        code of that municipality for each."""
        activities = tables["activities"]
        placed = pc.unique(
            activities.filter(pc.is_in(activities["intervention"], value_set=_PLACEMENT_CODES))[
                "cpr"
            ]
        )
        citizens = tables["citizens"]
        birth = pc.cast(citizens["birth_date"], pa.int32()).to_numpy()
        under_18 = birth > day(DEFAULT_AS_OF) - 18 * 365
        children = pc.filter(citizens["cpr"], pa.array(under_18))
        placed = pc.filter(placed, pc.is_in(placed, value_set=children))
        if not self.targets or len(placed) == 0:
            return pa.array([], pa.string()), np.zeros(0, dtype=str)
        pick = self.rng.random(len(placed)) < self.practice.placed_elsewhere
        movers = pc.filter(placed, pa.array(pick))
        weights = np.array([m.population for m in self.targets], dtype=float)
        choice = self.rng.choice(len(self.targets), size=len(movers), p=weights / weights.sum())
        return movers, np.array([self.targets[i].code for i in choice])


def _add_guests(folder: Path, fmt: str, guests: dict[str, pa.Table]) -> None:
    """Append the children placed here by other municipalities to this folder's files; each
    gets a family number of its own after the folder's last."""
    for name in TABLES:
        if name not in guests:
            continue
        path = folder / f"{name}{extension(fmt)}"
        if fmt == "parquet":
            present = pq.read_table(path)
        else:
            types = pacsv.ConvertOptions(column_types=guests[name].schema)
            present = pacsv.read_csv(path, convert_options=types)
        rows = guests[name].cast(present.schema)
        if name == "citizens":
            last = pc.max(present["family"]).as_py() or 0
            number = pa.array(np.arange(last + 1, last + 1 + rows.num_rows), present["family"].type)
            rows = rows.set_column(rows.schema.get_field_index("family"), "family", number)
        write_table(pa.concat_tables([present, rows]), folder, name, fmt)
