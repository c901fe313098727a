"""Issue 10 #3: the pseudonymisation key is not kept with the data. With it and the stored birth
dates, 200 of 200 pseudonyms were reversed in 2.5 s; so a copy of the data folder (a backup, a
laptop) must not carry it. Generated keys go to a folder outside ``TVAERS_HOME``; a home made
before keeps its old key folder, so its pseudonyms do not change."""

from __future__ import annotations

import shutil
import stat
from pathlib import Path

from tvaers.core.config import Settings
from tvaers.data.importer import import_folder

from .conftest import FIXTURES, analytics_rows


def test_generated_keys_are_kept_outside_the_data_folder(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path / "home")
    import_folder(FIXTURES / "mini", settings, user="test")
    key_file = settings.keys_dir / "pseudonym.key"
    assert key_file.is_file() and stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert settings.home.resolve() not in key_file.resolve().parents
    key = key_file.read_bytes().strip()
    for path in settings.home.rglob("*"):
        assert not path.name.endswith(".key"), path
        if path.is_file():
            assert key not in path.read_bytes(), path
    # the same home finds the same key again: the pseudonyms stay
    again = Settings(home=tmp_path / "home")
    assert again.key_bytes == settings.key_bytes


def test_a_home_with_its_old_key_folder_keeps_its_pseudonyms(tmp_path: Path) -> None:
    old = tmp_path / "old"
    (old / "hemmeligheder").mkdir(parents=True)
    (old / "hemmeligheder" / "pseudonym.key").write_text("k" * 40)
    settings = Settings(home=old)
    assert settings.key_bytes == b"k" * 40
    import_folder(FIXTURES / "mini", settings, user="test")
    moved = tmp_path / "moved"
    shutil.copytree(old, moved)
    shutil.rmtree(moved / "hemmeligheder")
    elsewhere = Settings(home=moved, pseudonym_key="k" * 40)
    assert analytics_rows(elsewhere, "citizens", "citizen") == analytics_rows(
        settings, "citizens", "citizen"
    )
