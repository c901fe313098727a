"""Days and months as integers, and the conversions to Arrow columns.

Dates are ``int64`` days since 1970-01-01 (numpy ``datetime64[D]``), months are ``int64`` months
since 1970-01 (numpy ``datetime64[M]``). Everything here is vectorised.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt
import pyarrow as pa

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

EPOCH = date(1970, 1, 1)
DAYS_PER_YEAR = 365.2425


def day(value: date) -> int:
    """A date as days since 1970-01-01."""
    return (value - EPOCH).days


def month_of(days: IntArray) -> IntArray:
    """Months since 1970-01 of each day."""
    return days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)


def month_first_day(months: IntArray) -> IntArray:
    return (
        np.asarray(months, dtype=np.int64)
        .astype("datetime64[M]")
        .astype("datetime64[D]")
        .astype(np.int64)
    )


def year_of(days: IntArray) -> IntArray:
    return days.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970


def age_on(birth: IntArray, on_day: int) -> IntArray:
    """Completed years of age on a day (exact calendar arithmetic)."""
    b = birth.astype("datetime64[D]")
    by = b.astype("datetime64[Y]").astype(np.int64)
    bm = b.astype("datetime64[M]").astype(np.int64) - by * 12
    bd = (b - b.astype("datetime64[M]")).astype(np.int64)
    o = np.datetime64(on_day, "D")
    oy = int(o.astype("datetime64[Y]").astype(np.int64))
    om = int(o.astype("datetime64[M]").astype(np.int64)) - oy * 12
    od = int((o - o.astype("datetime64[M]")).astype(np.int64))
    before_birthday = (om < bm) | ((om == bm) & (od < bd))
    return np.asarray(oy - by - before_birthday, dtype=np.int64)


def last_weekday(months: IntArray) -> IntArray:
    """The last Monday-Friday of each month (the usual payment day of benefits)."""
    last = month_first_day(np.asarray(months) + 1) - 1
    weekday = (last + 3) % 7  # 1970-01-01 was a Thursday: Monday = 0
    return last - np.maximum(weekday - 4, 0)


@dataclass(frozen=True)
class Window:
    """The period the data cover: ``first`` (1 January) through ``as_of``, both inclusive."""

    first: int
    as_of: int

    @classmethod
    def of(cls, first: date, as_of: date) -> Window:
        if as_of < first:
            raise ValueError("Opgørelsesdatoen ligger før periodens start")
        return cls(day(first), day(as_of))

    @property
    def months(self) -> IntArray:
        """Every month from the first through the month of ``as_of``."""
        first, last = month_of(np.array([self.first, self.as_of], dtype=np.int64))
        return np.arange(first, last + 1, dtype=np.int64)

    @property
    def years(self) -> list[int]:
        first, last = year_of(np.array([self.first, self.as_of], dtype=np.int64))
        return list(range(int(first), int(last) + 1))


@dataclass(frozen=True)
class MonthSlices:
    """The months a set of spells is active in: one row per spell and month."""

    spell: IntArray  # index of the spell
    month: IntArray  # months since 1970-01
    first_active: IntArray  # first active day in the month
    active_days: IntArray
    month_days: IntArray
    month_index: IntArray  # 0 for the spell's first month in the window, 1 for the next, ...

    @property
    def month_share(self) -> FloatArray:
        return self.active_days / self.month_days


def explode_months(start: IntArray, end: IntArray, lo: int, hi: int) -> MonthSlices:
    """Cut spells ``[start, end]`` (inclusive days) into months, clipped to ``[lo, hi]``."""
    s = np.maximum(start, lo)
    e = np.minimum(end, hi)
    keep = np.flatnonzero(e >= s)
    s, e = s[keep], e[keep]
    m0, m1 = month_of(s), month_of(e)
    count = m1 - m0 + 1
    spell = np.repeat(keep, count)
    offset = np.arange(int(count.sum()), dtype=np.int64) - np.repeat(
        np.cumsum(count) - count, count
    )
    month = np.repeat(m0, count) + offset
    month_start = month_first_day(month)
    month_end = month_first_day(month + 1) - 1
    first_active = np.maximum(month_start, np.repeat(s, count))
    last_active = np.minimum(month_end, np.repeat(e, count))
    return MonthSlices(
        spell=spell,
        month=month,
        first_active=first_active,
        active_days=last_active - first_active + 1,
        month_days=month_end - month_start + 1,
        month_index=offset,
    )


def date_column(days: IntArray, valid: BoolArray | None = None) -> pa.Array:
    """Days since the epoch as an Arrow ``date32`` column (null where ``valid`` is False)."""
    values = np.asarray(days, dtype=np.int32)
    mask = None if valid is None else ~np.asarray(valid, dtype=bool)
    return pa.array(values, type=pa.date32(), mask=mask)


def money_column(ore: IntArray, valid: BoolArray | None = None) -> pa.Array:
    """Whole øre as an exact ``decimal128(18, 2)`` kroner column, built from the raw integers."""
    ore = np.ascontiguousarray(ore, dtype=np.int64)
    words = np.empty((ore.size, 2), dtype=np.int64)
    words[:, 0] = ore
    words[:, 1] = np.where(ore < 0, -1, 0)  # two's complement sign extension to 128 bits
    validity = None
    if valid is not None:
        validity = pa.array(np.asarray(valid, dtype=bool)).buffers()[1]
    return pa.Array.from_buffers(
        pa.decimal128(18, 2), ore.size, [validity, pa.py_buffer(words.tobytes())]
    )


def string_column(lookup: list[str], index: IntArray, valid: BoolArray | None = None) -> pa.Array:
    """Strings chosen from a small lookup list by index (a dictionary decoded to plain strings)."""
    mask = None if valid is None else ~np.asarray(valid, dtype=bool)
    indices = pa.array(np.asarray(index, dtype=np.int32), mask=mask)
    dictionary = pa.DictionaryArray.from_arrays(indices, pa.array(lookup, type=pa.string()))
    return dictionary.cast(pa.string())
