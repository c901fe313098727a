"""The synthetic municipality's commitments: consistent with its activities, for the costly
purchased intervention types, valid by the data contract, and enough for the forecast's
``commitments`` method to have something to add after the as-of date."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from tvaers.core.config import Settings
from tvaers.core.periods import Period
from tvaers.data.importer import import_folder
from tvaers.data.synth import SIZES, generate
from tvaers.draw.session import opened
from tvaers.followup.commitments import committed_months
from tvaers.store.database import make_engine, sessions

from .conftest import TEST_KEY

# purchased, priced per day or month, above 10,000 kr. a month (the catalogue's 2024 prices)
COSTLY = {"015023", "015025", "015015", "015019", "015031", "015008", "015030", "016102",
          "016208", "017051", "019022"}  # fmt: skip


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synth_commitments")
    generate(SIZES["S"], 1, out, "parquet")
    return out


def test_every_commitment_is_a_costly_activity_of_its_citizen(folder: Path) -> None:
    con = duckdb.connect()
    con.execute(f"CREATE VIEW c AS SELECT * FROM '{folder / 'commitments.parquet'}'")
    con.execute(f"CREATE VIEW a AS SELECT * FROM '{folder / 'activities.parquet'}'")
    count, orphans, both, neither = con.execute(
        "SELECT count(*), count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM a WHERE a.cpr = c.cpr "
        "AND a.intervention = c.intervention AND a.start_date = c.start_date)), "
        "count(*) FILTER (WHERE monthly_amount IS NOT NULL AND units_per_month IS NOT NULL), "
        "count(*) FILTER (WHERE monthly_amount IS NULL AND units_per_month IS NULL) FROM c"
    ).fetchone() or (0, 0, 0, 0)
    assert count > 100 and (orphans, both, neither) == (0, 0, 0)
    kinds = {r[0] for r in con.execute("SELECT DISTINCT intervention FROM c").fetchall()}
    assert kinds <= COSTLY and {"015025", "015031"} <= kinds  # foster care, residential care
    reversed_ = con.execute("SELECT count(*) FROM c WHERE end_date < start_date").fetchone()
    assert reversed_ == (0,)


def test_the_forecast_has_commitments_after_the_as_of_date(folder: Path, tmp_path: Path) -> None:
    """Imported through the importer's checks, the commitments give amounts in the months after
    the as-of date (31 October 2026) for placements (children) and the other areas."""
    settings = Settings(home=tmp_path / "home", pseudonym_key=TEST_KEY)
    import_folder(folder, settings)
    engine = make_engine(settings.store_url)
    with opened(settings) as analysis, sessions(engine)() as session:
        expr = committed_months(analysis, session, Period.year(2026))
        rest = expr.filter(expr.month > date(2026, 10, 1))
        areas = analysis.backend.to_pyarrow(
            rest.group_by("sector_area").aggregate(amount=rest.amount.sum())
        ).to_pylist()
    engine.dispose()
    by_area = {r["sector_area"]: r["amount"] for r in areas}
    assert by_area["children"] > 1_000_000 and {"adults", "employment"} <= by_area.keys()
