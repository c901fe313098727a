"""Random malformed files: the readers and the import fail only with the documented error, never
half-way, and never leave anything behind."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tvaers.core.config import Settings
from tvaers.core.errors import ImportRejected, TvaersError
from tvaers.data.importer import import_folder
from tvaers.data.readers import read_raw

from .conftest import FIXTURES, TEST_KEY, snapshot

POSTINGS = (FIXTURES / "mini" / "postings.csv").read_bytes()
POSTINGS_DK = (FIXTURES / "mini_dk" / "posteringer.csv").read_bytes()


@st.composite
def mangled(draw: st.DrawFn, original: bytes) -> bytes:
    """The original file with a few random edits: bytes in, bytes out, cut short."""
    data = bytearray(original)
    for _ in range(draw(st.integers(1, 4))):
        action = draw(
            st.sampled_from(["insert", "delete", "replace", "truncate", "swap-delimiter"])
        )
        at = draw(st.integers(0, max(0, len(data) - 1)))
        if action == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=8))
        elif action == "delete":
            del data[at : at + draw(st.integers(1, 20))]
        elif action == "replace":
            data[at : at + 1] = draw(
                st.sampled_from([b";", b",", b'"', b"\n", b"\r", b"\x00", b"\xf8", b"9", b"-"])
            )
        elif action == "truncate":
            del data[at:]
        else:
            data = bytearray(bytes(data).replace(b",", b";", draw(st.integers(1, 5))))
    return bytes(data)


@settings(max_examples=60, deadline=None)
@given(st.one_of(mangled(POSTINGS), mangled(POSTINGS_DK), st.binary(max_size=300)),
       st.sampled_from([".csv", ".xlsx", ".parquet"]))  # fmt: skip
def test_readers_never_crash(data: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"postings{suffix}"
        path.write_bytes(data)
        raw = read_raw(path)
        assert raw.table is not None or raw.issues


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.one_of(mangled(POSTINGS), mangled(POSTINGS_DK)))
def test_import_of_mangled_postings_is_all_or_nothing(data: bytes, tmp_path: Path) -> None:
    home = Path(tempfile.mkdtemp(dir=tmp_path))
    settings_ = Settings(home=home, pseudonym_key=TEST_KEY)
    import_folder(FIXTURES / "mini", settings_)
    folder = home / "in"
    shutil.copytree(FIXTURES / "mini", folder)
    (folder / "postings.csv").write_bytes(data)
    before = snapshot(settings_)
    try:
        import_folder(folder, settings_)
    except ImportRejected as exc:
        assert exc.issues and all(i.file and i.message for i in exc.issues)
        assert snapshot(settings_) == before
    except TvaersError:
        assert snapshot(settings_) == before
