"""A compact sketch of a set of units, from which two sets' small differences can be told.

Suppression within one table does not stop differencing across requests: the group of everybody
and the group of everybody but the one 93-year-old are both large, yet their difference is that
citizen's draw. So every unit set behind a published figure is remembered (as a sketch, in the
operational store) and a figure whose set differs from one published before by 1-4 units is hidden
(:mod:`tvaers.store.publications`, docs/undertrykkelse.md).

The sketch is a small invertible Bloom lookup table. Each unit's key ``k`` (pseudonym or family
code) gets ``h = md5(k)`` as a 128-bit number, computed set-based in the engine
(:mod:`tvaers.engine.sketches`); its top 8 bits choose one of :data:`BUCKETS` buckets, and its
upper and lower 64 bits give two values ``x`` and ``y`` mod ``P = 2**31 - 1``. Each bucket keeps
the number of units and the sums of their ``x``, ``x**2`` and ``y`` (mod ``P``): 4 KiB per set,
whatever its size.

Subtracting two sketches bucket by bucket gives, for each bucket, a *lower bound* on how many
units the two sets differ by there, which is exact whenever a bucket holds at most three of the
differing units (:func:`distance`). So a difference of 1-4 units is always found, never missed
(save two units with the same bucket, ``x`` and ``y``: about 2**-70 per pair), and a difference
of 5 or more is taken for a small one only when four of its units share one bucket (about 3 in
10 million for 5).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

BUCKETS = 256
P = (1 << 31) - 1  # a Mersenne prime: x, y < P, so x**2 fits 64 bits; sums reduced mod P
BUCKET_SHIFT = 120  # bucket = md5 >> 120: its top 8 bits
_LOW = (1 << 64) - 1  # the digest's lower 64 bits
_INT = np.dtype("<u4")  # counts and sums mod P all fit 32 bits

Array = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Sketch:
    """The sketch of one set: per bucket the units and the sums of ``x``, ``x**2`` and ``y``."""

    counts: Array
    sums: Array
    squares: Array
    others: Array

    @property
    def size(self) -> int:
        return int(self.counts.sum())

    @classmethod
    def of(cls, rows: list[tuple[int, int, int, int, int]]) -> Sketch:
        """From ``(bucket, count, sum of x, sum of x**2, sum of y)`` rows; a bucket not given is
        empty."""
        counts, sums, squares, others = (np.zeros(BUCKETS, np.int64) for _ in range(4))
        for bucket, count, total, square, other in rows:  # at most 256 rows: one per bucket
            counts[bucket], sums[bucket] = count, total % P
            squares[bucket], others[bucket] = square % P, other % P
        return cls(counts, sums, squares, others)

    @classmethod
    def of_keys(cls, keys: Iterable[str]) -> Sketch:
        """The sketch of a small set of keys held in Python (e.g. the citizens and families of
        a few hundred grants), hashed exactly as :mod:`tvaers.engine.sketches` does in the
        engine (DuckDB's ``md5_number``: the digest read little-endian)."""
        rows: dict[int, list[int]] = {}
        for key in set(keys):  # the operational store's few hundred subjects, not the analytics
            h = int.from_bytes(hashlib.md5(key.encode("utf-8")).digest(), "little")
            x, y = (h >> 64) % P, (h & _LOW) % P
            row = rows.setdefault(h >> BUCKET_SHIFT, [0, 0, 0, 0])
            row[0] += 1
            row[1] += x
            row[2] += x * x % P
            row[3] += y
        return cls.of([(bucket, *row) for bucket, row in rows.items()])  # type: ignore[misc]

    def to_bytes(self) -> bytes:
        parts = (self.counts, self.sums, self.squares, self.others)
        return b"".join(part.astype(_INT).tobytes() for part in parts)

    @classmethod
    def from_bytes(cls, data: bytes) -> Sketch:
        values = np.frombuffer(data, _INT).astype(np.int64)
        counts, sums, squares, others = (values[i * BUCKETS : (i + 1) * BUCKETS] for i in range(4))
        return cls(counts, sums, squares, others)

    def __add__(self, other: Sketch) -> Sketch:
        """The sketch of the union of two disjoint sets (e.g. two municipalities' citizens)."""
        return Sketch(
            self.counts + other.counts,
            (self.sums + other.sums) % P,
            (self.squares + other.squares) % P,
            (self.others + other.others) % P,
        )

    def __sub__(self, part: Sketch) -> Sketch:
        """The sketch of ``self`` without ``part`` (a subset of it): sketches are linear, so the
        complement of a set in the population is the population's sketch minus the set's."""
        return Sketch(
            self.counts - part.counts,
            (self.sums - part.sums) % P,
            (self.squares - part.squares) % P,
            (self.others - part.others) % P,
        )

    @property
    def fingerprint(self) -> str:
        """The same set always has the same fingerprint (so it is stored once)."""
        return hashlib.sha256(self.to_bytes()).hexdigest()


def distances(new: Sketch, earlier: list[Sketch]) -> list[int]:
    """:func:`distance` from ``new`` to each of ``earlier``, vectorised over the buckets."""
    if not earlier:
        return []
    counts = np.stack([s.counts for s in earlier])
    sums = np.stack([s.sums for s in earlier])
    squares = np.stack([s.squares for s in earlier])
    others = np.stack([s.others for s in earlier])
    dc = new.counts - counts
    d1 = (new.sums - sums) % P
    d2 = (new.squares - squares) % P
    differs = (dc != 0) | (d1 != 0) | (d2 != 0) | ((new.others - others) % P != 0)
    # a bucket whose count differs by c differs by at least |c| units, and by at least 2 when
    # the counts agree (one unit out, another in); by one unit more or less: at least 1
    bound = np.where(differs, np.maximum(np.abs(dc), 2), 0)
    single = differs & (np.abs(dc) == 1)
    bound = np.where(single, 1, bound)
    found = bound.sum(axis=1)
    result = []
    for row in range(len(earlier)):  # a loop over the candidate sets, not over units
        total = int(found[row])
        if total < REFINE_BELOW:  # small: is each bucket one unit off, or three or more?
            for bucket in np.flatnonzero(single[row]):
                if not _one_unit(int(dc[row, bucket]), int(d1[row, bucket]), int(d2[row, bucket])):
                    total += 2  # the parity of the count: 3 or more
        result.append(total)
    return result


REFINE_BELOW = 16  # a bound this large is not refined: it stays at least as large


def distance(a: Sketch, b: Sketch) -> int:
    """A lower bound on the number of units in one set and not the other (0 for the same set):
    never more than the truth, and equal to it when it is under 16 and no bucket holds four or
    more of the differing units."""
    return distances(a, [b])[0]


def _one_unit(count: int, first: int, second: int) -> bool:
    """Whether a bucket whose count differs by one differs by exactly one unit: then the sums
    differ by that unit's ``x`` and the squares by ``x**2`` (with the count's sign)."""
    return (first * first - count * second) % P == 0
