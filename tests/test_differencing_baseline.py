"""Issue 10 #1 for the other aggregate that takes a free filter: ``tvaers baseline --members``.

Two group files that differ by one citizen gave two baselines whose difference was that
citizen's draw per sector area. The group's set and each area's set now pass the same ledger as
the target groups: the second file's figures are hidden with the Danish explanation, the same
group again and a group five or more apart are shown."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from tvaers.cli import app
from tvaers.core.config import Settings
from tvaers.core.suppression import EARLIER_NOTE
from tvaers.core.units import TOTAL_AREA
from tvaers.data.importer import import_folder

from .conftest import FIXTURES, TEST_KEY, analytics_rows


def _baseline(settings: Settings, folder: Path, name: str, citizens: list[str]) -> dict:  # type: ignore[type-arg]
    members = folder / f"{name}.csv"
    members.write_text("citizen,reference_date\n" + "".join(f"{c},2025-12-31\n" for c in citizens))
    env = {"TVAERS_HOME": str(settings.home), "TVAERS_PSEUDONYM_KEY": TEST_KEY,
           "TVAERS_DATABASE_URL": settings.store_url, "TVAERS_LOG_LEVEL": "WARNING"}  # fmt: skip
    result = CliRunner().invoke(app, ["baseline", "--members", str(members), "--format", "json"],
                                env=env)  # fmt: skip
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)
    return {"total": next(r for r in found["baseline"] if r["sector_area"] == TOTAL_AREA),
            "areas": [r for r in found["baseline"] if r["sector_area"] != TOTAL_AREA],
            "archetypes": found["archetypes"]}  # fmt: skip


def test_two_group_files_one_citizen_apart_do_not_give_that_citizen_away(
    settings: Settings, tmp_path: Path
) -> None:
    import_folder(FIXTURES / "selection", settings)
    everybody = [row[0] for row in analytics_rows(settings, "citizens", "citizen")]
    group = everybody[:16]
    first = _baseline(settings, tmp_path, "gruppe", group)
    assert first["total"]["units"] == 16 and first["total"]["total"] is not None

    but_one = _baseline(settings, tmp_path, "gruppe_uden_en", group[1:])
    assert but_one["total"]["units"] is None and but_one["total"]["total"] is None
    assert but_one["total"]["note"] == EARLIER_NOTE
    assert all(r["total"] is None for r in but_one["areas"]) and but_one["archetypes"] == []

    plus_one = _baseline(settings, tmp_path, "gruppe_plus_en", everybody[:17])
    assert plus_one["total"]["total"] is None  # one more is the same attack

    again = _baseline(settings, tmp_path, "gruppe_igen", group)
    assert again["total"]["total"] == first["total"]["total"]  # the same group: the same figures
    far = _baseline(settings, tmp_path, "anden_gruppe", everybody[:11])
    assert far["total"]["units"] == 11 and far["total"]["total"] is not None


def test_the_complement_of_a_shown_group_cannot_be_differenced_either(
    settings: Settings, tmp_path: Path
) -> None:
    """Everybody is shown (the population), then everybody but one: refused."""
    import_folder(FIXTURES / "selection", settings)
    everybody = [row[0] for row in analytics_rows(settings, "citizens", "citizen")]
    assert _baseline(settings, tmp_path, "alle", everybody)["total"]["total"] is not None
    assert _baseline(settings, tmp_path, "alle_uden_en", everybody[1:])["total"]["total"] is None
