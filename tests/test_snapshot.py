"""Issue 11 #1/#2: the analytics file is replaced, never changed in place. A reader keeps the data
it opened; a reader opened after an import — in the same process, while the first still reads —
gets the new data (DuckDB keeps one database per path in a process, so readers open the current
file through a link named after it); a writer that fails leaves the file as it was."""

from __future__ import annotations

import os

import pytest

from tvaers.core.config import Settings
from tvaers.core.errors import DataBusy
from tvaers.data.importer import import_folder, open_analytics
from tvaers.engine.connection import raw, reading
from tvaers.engine.snapshot import current, replacing, write_lock

from .conftest import FIXTURES


def _postings(backend: object) -> int:
    return int(raw(backend).execute("SELECT count(*) FROM postings").fetchall()[0][0])  # type: ignore[arg-type]


def test_a_reader_keeps_its_data_and_the_next_gets_the_new(sqlite_settings: Settings) -> None:
    import_folder(FIXTURES / "mini", sqlite_settings, user="tester")
    before = reading(sqlite_settings)
    old = _postings(before)
    with replacing(sqlite_settings, lambda copy: open_analytics(sqlite_settings, copy)) as target:
        target.con.execute("DELETE FROM postings WHERE posting_id IN "
                           "(SELECT posting_id FROM postings LIMIT 2)")  # fmt: skip
        assert _postings(before) == old  # the copy is changed, not the file
        target.install()
    after = reading(sqlite_settings)  # while `before` is still open, in the same process
    try:
        assert _postings(after) == old - 2
        assert _postings(before) == old  # the first reader still reads what it opened
    finally:
        before.disconnect()
        after.disconnect()
    links = list((sqlite_settings.scratch_dir / "laesere").glob("*.duckdb"))
    assert links == [current(sqlite_settings)]  # the earlier version's link is gone
    assert os.stat(links[0]).st_ino == os.stat(sqlite_settings.analytics_path).st_ino


def test_a_failed_writer_leaves_the_file_as_it_was(sqlite_settings: Settings) -> None:
    import_folder(FIXTURES / "mini", sqlite_settings, user="tester")
    content = sqlite_settings.analytics_path.read_bytes()
    opening = replacing(sqlite_settings, lambda c: open_analytics(sqlite_settings, c))
    with pytest.raises(RuntimeError), opening as target:
        target.con.execute("DELETE FROM postings")
        raise RuntimeError("stopped halfway")
    assert sqlite_settings.analytics_path.read_bytes() == content
    assert sorted(p.name for p in sqlite_settings.home.glob("analyse.duckdb*")) == [
        "analyse.duckdb"
    ]


def test_one_writer_at_a_time(sqlite_settings: Settings) -> None:
    with write_lock(sqlite_settings), pytest.raises(DataBusy, match="Data opdateres lige nu"):
        import_folder(FIXTURES / "mini", sqlite_settings, user="tester")
    assert import_folder(FIXTURES / "mini", sqlite_settings, user="tester").batch_id == 1
    assert (sqlite_settings.home / ".skrivelaas").stat().st_mode & 0o077 == 0


def test_a_reader_whose_link_another_reader_removed_opens_the_new_version(
    sqlite_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The load test's one 500 (CI, 3 Dec): a page got the link of the file as it was, the import
    replaced the file, and another page's ``current`` removed that link before the first page
    opened it. The first page now opens the new version instead of failing."""
    from tvaers.draw import session as draw_session
    from tvaers.engine import connection

    import_folder(FIXTURES / "mini", sqlite_settings, user="tester")
    old = _postings(reading(sqlite_settings))
    stale = current(sqlite_settings)
    with replacing(sqlite_settings, lambda copy: open_analytics(sqlite_settings, copy)) as target:
        target.con.execute("DELETE FROM postings WHERE posting_id IN "
                           "(SELECT posting_id FROM postings LIMIT 2)")  # fmt: skip
        target.install()
    given = iter([stale])  # the first call hands out the link of before the import …

    def racing(settings: Settings) -> os.PathLike[str]:
        link = next(given, None)
        if link is not None:
            current(settings)  # … which another reader removes at once
            assert not link.exists()
            return link
        return current(settings)

    for module in (connection, draw_session):  # wherever a reader asks for the current file
        monkeypatch.setattr(module, "current", racing, raising=False)
    with draw_session.opened(sqlite_settings) as analysis:
        assert _postings(analysis.backend) == old - 2
        assert analysis.version == current(sqlite_settings).name
