"""Properties of the attribution over random small municipalities (hypothesis).

* Every krone of expenditure is accounted for, to the øre, per sector area and month: the
  citizens' draw plus what stays unattributed equals the books.
* Pooled attribution never exceeds its pool: the pooled lines of a function and month add up to
  exactly its unregistered expenditure, and no line is larger than the pool.
* The largest-remainder split in SQL gives the parts an exact split gives, and the parts
  ``core.money.split_largest_remainder`` gives.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import ibis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tvaers.core.money import split_largest_remainder
from tvaers.data.schema import create_tables
from tvaers.draw import queries_money as q
from tvaers.draw.attribution import Attribution, attribute, resolve_period
from tvaers.draw.model import AttributionConfig, Method
from tvaers.engine.connection import connect, raw

AREAS = ("a1", "a2")
FUNCTIONS = {"1.01.01": "a1", "1.01.02": "a1", "2.02.01": "a2", "2.02.02": "a2"}
NO_INTERVENTIONS = "2.02.02"  # nothing is booked on it: its expenditure has no pool
FIRST = date(2024, 10, 1)


def _external(attribution: Attribution, sql: str) -> list[tuple]:
    """Run ``sql`` with ``{lines}``, ``{unattributed}``, ``{first}``, ``{last}`` filled in."""
    text = sql.format(
        lines=attribution.lines.get_name(),
        unattributed=f"({attribution.backend.compile(attribution.unattributed)})",
        first=attribution.period.first_day,
        last=attribution.period.last_day,
    )
    return raw(attribution.backend).execute(text).fetchall()


def reconciliation_gaps(attribution: Attribution) -> list[tuple]:
    """Area-months where draw + unattributed differs from the books (straight from postings)."""
    return _external(
        attribution,
        """
        WITH books AS (
            SELECT coalesce(a.sector_area, i.sector_area) AS sector_area,
                   date_trunc('month', p.posting_date)::DATE AS month, -p.amount AS amount
            FROM postings p
            LEFT JOIN accounts a ON a.function_code = p.function_code
            LEFT JOIN interventions i ON i.intervention = p.intervention
            WHERE p.dranst = 1 AND p.posting_date BETWEEN DATE '{first}' AND DATE '{last}'
        ), everything AS (
            SELECT sector_area, month, amount FROM books
            UNION ALL SELECT sector_area, month, amount FROM {lines}
            UNION ALL SELECT sector_area, month, amount FROM {unattributed}
        )
        SELECT sector_area, month, sum(amount) AS gap FROM everything
        GROUP BY ALL HAVING sum(amount) <> 0
        """,
    )


def pool_breaches(attribution: Attribution) -> list[tuple]:
    """Pools whose pooled lines do not add up to the pool, or have a line beyond it."""
    return _external(
        attribution,
        """
        WITH pools AS (
            SELECT a.sector_area, p.function_code,
                   date_trunc('month', p.posting_date)::DATE AS month, sum(p.amount) AS pool
            FROM postings p JOIN accounts a USING (function_code)
            WHERE p.dranst = 1 AND p.citizen IS NULL
              AND p.posting_date BETWEEN DATE '{first}' AND DATE '{last}'
            GROUP BY ALL
        ), pooled AS (
            SELECT sector_area, function_code, month, sum(amount) AS spent,
                   max(abs(amount)) AS largest
            FROM {lines} WHERE method = 'pooled' GROUP BY ALL
        )
        SELECT * FROM pooled LEFT JOIN pools USING (sector_area, function_code, month)
        WHERE pool IS NULL OR spent <> pool OR largest > abs(pool)
        """,
    )


# --- random municipalities --------------------------------------------------------------------

days = st.integers(0, 300).map(lambda n: FIRST + timedelta(days=n))
money = st.integers(-500_000, 5_000_000).map(lambda ore: Decimal(ore).scaleb(-2))


@st.composite
def municipalities(draw: st.DrawFn) -> dict[str, list[tuple]]:
    n_interventions = draw(st.integers(1, 5))
    interventions = []
    for k in range(n_interventions):
        unit = draw(st.sampled_from(["day", "week", "month", "hour", "piece"]))
        function = draw(st.sampled_from([f for f in FUNCTIONS if f != NO_INTERVENTIONS] + [None]))
        area = FUNCTIONS[function] if function else draw(st.sampled_from(AREAS))
        interventions.append((f"I{k}", f"Indsats {k}", area, unit, function))
    prices = []
    for code, *_ in interventions:
        for valid_from in draw(st.sets(days, max_size=2)):
            prices.append((code, valid_from, draw(st.integers(0, 500_000).map(
                lambda ore: Decimal(ore).scaleb(-2)))))  # fmt: skip
    n_citizens = draw(st.integers(1, 8))
    citizens = [(f"c{k}", f"F{draw(st.integers(0, 3))}") for k in range(n_citizens)]
    citizen = st.sampled_from([c for c, _ in citizens])
    intervention = st.sampled_from([i[0] for i in interventions])
    activities = []
    for _ in range(draw(st.integers(0, 12))):
        start = draw(days)
        length = draw(st.one_of(st.none(), st.integers(0, 200)))
        end = None if length is None else start + timedelta(days=length)
        units = draw(st.one_of(st.none(), st.integers(0, 400_000).map(
            lambda n: Decimal(n).scaleb(-4))))  # fmt: skip
        activities.append((draw(citizen), draw(intervention), start, end, units))
    postings = []
    for k in range(draw(st.integers(1, 25))):
        who = draw(st.one_of(st.none(), citizen))
        what = draw(st.one_of(st.none(), intervention)) if who else None
        postings.append((f"P{k}", draw(days), draw(money), draw(st.sampled_from(list(FUNCTIONS))),
                         who, what, draw(st.sampled_from([1, 1, 1, 2]))))  # fmt: skip
    return {
        "interventions": interventions,
        "unit_prices": prices,
        "citizens": citizens,
        "activities": activities,
        "postings": postings,
    }


def load(data: dict[str, list[tuple]]):  # type: ignore[no-untyped-def]
    backend = connect(None)
    con = raw(backend)
    create_tables(con)
    con.executemany("INSERT INTO sector_areas (sector_area, name) VALUES (?, ?)",
                    [(a, a) for a in AREAS])  # fmt: skip
    con.executemany("INSERT INTO accounts (function_code, sector_area) VALUES (?, ?)",
                    list(FUNCTIONS.items()))  # fmt: skip
    con.executemany(
        "INSERT INTO interventions (intervention, name, sector_area, unit, function_code) "
        "VALUES (?, ?, ?, ?, ?)",
        data["interventions"],
    )
    if data["unit_prices"]:
        con.executemany("INSERT INTO unit_prices (intervention, valid_from, price) VALUES "
                        "(?, ?, ?)", data["unit_prices"])  # fmt: skip
    con.executemany("INSERT INTO citizens (citizen, family) VALUES (?, ?)", data["citizens"])
    if data["activities"]:
        con.executemany(
            "INSERT INTO activities (citizen, intervention, start_date, end_date, "
            "units_per_month) VALUES (?, ?, ?, ?, ?)",
            data["activities"],
        )
    con.executemany(
        "INSERT INTO postings (posting_id, posting_date, amount, function_code, citizen, "
        "intervention, dranst) VALUES (?, ?, ?, ?, ?, ?, ?)",
        data["postings"],
    )
    return backend


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=municipalities(), priced=st.sets(st.sampled_from(list(FUNCTIONS)), max_size=2))
def test_every_krone_is_accounted_for_and_no_pool_is_exceeded(data, priced) -> None:  # type: ignore[no-untyped-def]
    backend = load(data)
    try:
        config = AttributionConfig({f: Method.PRICED for f in priced})
        attribution = attribute(backend, resolve_period(backend, None), config)
        assert reconciliation_gaps(attribution) == []
        assert pool_breaches(attribution) == []
        methods = {r[0] for r in raw(backend).execute(
            f"SELECT DISTINCT method FROM {attribution.lines.get_name()}").fetchall()}  # fmt: skip
        assert methods <= {"registered", "pooled", "priced"}
        if not priced:
            assert "priced" not in methods
    finally:
        backend.disconnect()


# --- the split --------------------------------------------------------------------------------


def exact_split(total: int, weights: list[int]) -> list[int]:
    """Largest remainder with exact fractions, ties by position."""
    magnitude, weight_sum = abs(total), sum(weights)
    shares = [Fraction(magnitude * w, weight_sum) for w in weights]
    parts = [s.numerator // s.denominator for s in shares]
    order = sorted(range(len(shares)), key=lambda i: (-(shares[i] - parts[i]), i))
    for i in order[: magnitude - sum(parts)]:
        parts[i] += 1
    return [-p if total < 0 else p for p in parts]


def has_exact_tie(total: int, weights: list[int]) -> bool:
    remainders = [Fraction(abs(total) * w, sum(weights)) % 1 for w in weights]
    return len(set(remainders)) < len([r for r in remainders if r])


pools = st.lists(
    st.tuples(
        st.integers(-(10**13), 10**13),
        st.lists(st.integers(0, 10**9), min_size=1, max_size=12).filter(lambda w: sum(w) > 0),
    ),
    min_size=1,
    max_size=6,
)


@settings(max_examples=80, deadline=None)
@given(pools=pools)
def test_the_sql_split_equals_the_python_reference(pools) -> None:  # type: ignore[no-untyped-def]
    rows = [(g, i, total, w) for g, (total, weights) in enumerate(pools)
            for i, w in enumerate(weights)]  # fmt: skip
    table = ibis.memtable(
        {name: [r[k] for r in rows] for k, name in enumerate(("pool", "position", "total",
                                                                "weight"))},
        schema={"pool": "int64", "position": "int64", "total": "int64", "weight": "int64"},
    )  # fmt: skip
    backend = connect(None)
    try:
        split = q.largest_remainder(table, ("pool",), "total", "weight", ("position",))
        found = backend.to_pyarrow(split.order_by("pool", "position")).to_pylist()
    finally:
        backend.disconnect()
    for g, (total, weights) in enumerate(pools):
        parts = [r["part"] for r in found if r["pool"] == g]
        assert sum(parts) == total
        assert parts == exact_split(total, weights)
        # The reference computes remainders with Decimal's 28 digits; on an exact tie between
        # shares of different size that can put the last øre on the later row.
        reference = split_largest_remainder(total, weights)
        assert parts == reference or has_exact_tie(total, weights)


def test_a_tie_goes_to_the_first_row() -> None:
    # 2 øre by 4:1:1 -> exact shares 4/3, 1/3, 1/3: all remainders 1/3, the øre to the first.
    assert exact_split(2, [4, 1, 1]) == [2, 0, 0]
    backend = connect(None)
    try:
        table = ibis.memtable({"g": [0, 0, 0], "i": [0, 1, 2], "t": [2, 2, 2], "w": [4, 1, 1]})
        split = q.largest_remainder(table, ("g",), "t", "w", ("i",))
        parts = [r["part"] for r in backend.to_pyarrow(split.order_by("i")).to_pylist()]
    finally:
        backend.disconnect()
    assert parts == [2, 0, 0]
