"""Issue 15, out-of-core on one machine: analyses run within a memory limit (default 60 % of the
machine's RAM) and spill what does not fit to the home's scratch folder — never the import, whose
staging holds clear CPR numbers until they are pseudonymised (``tests/test_import.py``)."""

from __future__ import annotations

import os
from pathlib import Path

from tvaers.core.config import Settings
from tvaers.data.importer import import_folder
from tvaers.engine.connection import raw, reading

from .conftest import FIXTURES, TEST_KEY


def _ram_gib() -> float:
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30


def test_the_default_limit_is_60_percent_of_the_machine_and_spills_to_the_home(
    tmp_path: Path,
) -> None:
    settings = Settings(home=tmp_path / "home", pseudonym_key=TEST_KEY)
    assert settings.memory_limit == "60%"
    import_folder(FIXTURES / "mini", settings, user="tester")
    con = raw(reading(settings))
    try:
        limit, folder = con.execute(
            "SELECT current_setting('memory_limit'), current_setting('temp_directory')"
        ).fetchone() or ("", "")
    finally:
        con.close()
    number, unit = limit.split()
    assert unit == "GiB" and abs(float(number) - 0.6 * _ram_gib()) < 0.2, limit
    assert Path(folder) == settings.scratch_dir


def test_a_query_larger_than_the_limit_spills_and_gives_the_exact_answer(tmp_path: Path) -> None:
    """Grouping 2 million distinct keys within 64 MB: without spilling DuckDB stops with an
    out-of-memory error (the second half shows it); with the scratch folder the answer is exact."""
    import duckdb
    import pytest

    query = ("WITH t AS (SELECT md5(i::VARCHAR) AS h FROM range(2000000) r(i)), "
             "g AS (SELECT h, count(*) AS c FROM t GROUP BY h) SELECT count(*), max(c) FROM g")  # fmt: skip
    settings = Settings(home=tmp_path / "home", pseudonym_key=TEST_KEY, memory_limit="64MB",
                        threads=1)  # fmt: skip
    import_folder(FIXTURES / "mini", settings, user="tester")
    con = raw(reading(settings))
    try:
        assert con.execute(query).fetchone() == (2000000, 1)
    finally:
        con.close()
    unspilled = duckdb.connect(config={"memory_limit": "64MB", "threads": 1, "temp_directory": ""})
    with pytest.raises(duckdb.OutOfMemoryException):
        unspilled.execute(query).fetchone()


def test_a_memory_limit_that_is_not_a_share_or_an_amount_is_refused_in_danish(
    tmp_path: Path,
) -> None:
    import pydantic
    import pytest

    for wrong in ("lots", "0%", "150%", "8 furlongs"):
        with pytest.raises(pydantic.ValidationError, match="TVAERS_MEMORY_LIMIT skal være"):
            Settings(home=tmp_path, memory_limit=wrong)
    assert Settings(home=tmp_path, memory_limit="1,5 GB").memory_limit == "1.5GB"
    assert Settings(home=tmp_path, memory_limit="60 %").memory_limit == "60%"
