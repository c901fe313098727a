"""Budget assumptions and the volume/price variance (issue 13, 003 §2.1) on a small municipality
written out here, on SQLite and PostgreSQL: the assumptions set and imported as versions by a
finance consultant (refused for others, nothing half-saved), full-year persons counted from the
activities, the spend from the draw's lines gross and net of the state, and every figure of the
hand-worked example below reproduced to the øre — unsuppressed (the service issue 14 builds on)
and as published; on the mini municipality, whose types have 1-2 citizens, the actual figures
are hidden and the planned ones shown.

The hand-worked example (2025: 365 days; postings January-December, so the window is the whole
year; an open-ended activity runs to 31 December):

Familiebehandling (015011, children, function 5.28.21): five citizens, each 25.000,00 kr. a month
booked on their CPR number with the intervention while their activity runs:

=====  ======================  ====  ========  ============
who    activity                days  months    spend
=====  ======================  ====  ========  ============
A1     2025-01-01..2025-12-31   365  12        300.000,00
A2     2025-01-01..2025-06-30   181   6        150.000,00
A3     2025-07-01..2025-12-31   184   6        150.000,00
A4     2024-11-01..2025-03-31    90   3         75.000,00   (only 2025's days count)
A5     2025-10-01..(open)        92   3         75.000,00   (to the end of December)
=====  ======================  ====  ========  ============

Qa = 912 / 365 = 2,4986301369… (shown 2,4986); spend 750.000,00; Pa = 750.000 × 365 / 912 =
300.164,4736842… (shown 300.164,47). Planned gross: Qb = 3, Pb = 280.000,00: planned 840.000,00.
variance = 750.000,00 − 840.000,00 = −90.000,00; volume = (912/365 − 3) × 280.000 = −183 ×
280.000 / 365 = −140.383,5616… = −140.383,56; price = −90.000,00 + 140.383,56 = 50.383,56
(= (Pa − Pb) × Qa = 750.000 − 280.000 × 912/365 = 50.383,5616…).

Net of the state: a refund of 75.000,00 (dranst 2) on 5.28.21 is split on its 30 lines of
25.000,00 in proportion to amount: 2.500,00 each, so net spend 675.000,00; Pa net = 675.000 ×
365 / 912 = 270.148,0263… (270.148,03). Planned net: Qb = 3, Pb = 250.000,00: 750.000,00;
variance −75.000,00; volume = −183 × 250.000 / 365 = −125.342,4657… = −125.342,47; price =
−75.000,00 + 125.342,47 = 50.342,47.

Socialpædagogisk støtte (SEL85, adults, function 5.38.38): five citizens from 1 January 2025,
open-ended, equal activity (10 hours a month at 500,00 kr.), so each month's pool of 40.000,00 kr.
(unregistered) is attributed 8.000,00 to each. Qa = 5 × 365 / 365 = 5; spend 480.000,00; Pa =
96.000,00. Planned gross Qb = 4,5, Pb = 100.000,00: 450.000,00; variance 30.000,00; volume (5 −
4,5) × 100.000 = 50.000,00; price (96.000 − 100.000) × 5 = −20.000,00. No refund: net = gross,
and no net assumption is set (the whole 480.000,00 is a deviation, shown as such).

Total gross: planned 1.290.000,00; actual 1.230.000,00; variance −60.000,00; volume −90.383,56;
price 30.383,56 (summing to −60.000,00).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select, text

from tvaers import access
from tvaers.budget import assumption_figures as af
from tvaers.budget import assumptions as service
from tvaers.budget.assumptions import Planned
from tvaers.budget.model import BudgetError
from tvaers.budget.state import Basis
from tvaers.core.config import Settings
from tvaers.core.errors import AccessRefused
from tvaers.data.importer import import_folder
from tvaers.draw.session import opened
from tvaers.store import users
from tvaers.store.database import make_engine, sessions, upgrade
from tvaers.store.models import AuditEntry
from tvaers.store.models_budget import BudgetAssumption

from .conftest import FIXTURES, PASSWORD

D = Decimal
FAMILY, SUPPORT = "015011", "SEL85"
FAMILY_CPR = ["0101801001", "0201801002", "0301801003", "0401801004", "0501801005"]
SUPPORT_CPR = ["0601801006", "0701801007", "0801801008", "0901801009", "1001801010"]
FAMILY_SPANS = [  # (start, end, months of 2025 with a posting)
    ("2025-01-01", "2025-12-31", range(1, 13)),
    ("2025-01-01", "2025-06-30", range(1, 7)),
    ("2025-07-01", "2025-12-31", range(7, 13)),
    ("2024-11-01", "2025-03-31", range(1, 4)),
    ("2025-10-01", "", range(10, 13)),
]
MONTH_END = {m: date(2025, m + 1, 1).toordinal() - 1 if m < 12 else date(2025, 12, 31).toordinal()
             for m in range(1, 13)}  # fmt: skip
GROSS_PLAN = {FAMILY: ("3", "280.000,00"), SUPPORT: ("4,5", "100000.00")}
NET_PLAN = {FAMILY: ("3", "250000")}


def _end(month: int) -> str:
    return date.fromordinal(MONTH_END[month]).isoformat()


def write_town(folder: Path) -> Path:
    """The hand-worked municipality of the module's docstring, as the files a municipality
    exports."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "sector_areas.csv": "sector_area,name,budget_holder\nchildren,Udsatte børn og unge,"
        "Børne- og familiechef\nadults,Udsatte voksne,Voksenchef\n",
        "accounts.csv": "function_code,sector_area,name\n5.28.21,children,Forebyggende "
        "foranstaltninger\n5.38.38,adults,Socialpædagogisk støtte\n",
        "interventions.csv": "intervention,name,sector_area,unit,legal_basis,function_code\n"
        f'{FAMILY},Familiebehandling,children,hour,"SEL § 52, stk. 3, nr. 3",5.28.21\n'
        f"{SUPPORT},Socialpædagogisk støtte,adults,hour,SEL § 85,5.38.38\n",
        "unit_prices.csv": f"intervention,valid_from,price,source\n{FAMILY},2020-01-01,700.00,"
        f"egen pris\n{SUPPORT},2020-01-01,500.00,egen pris\n",
        "citizens.csv": "cpr,birth_date\n"
        + "".join(f"{c},1980-{c[2:4]}-{c[:2]}\n" for c in FAMILY_CPR + SUPPORT_CPR),
    }
    activities = ["cpr,intervention,start_date,end_date,units_per_month,caseworker,decided_by"]
    postings = ["posting_id,posting_date,amount,function_code,cpr,intervention,dranst,text"]
    number = 0
    for cpr, (start, end, months) in zip(FAMILY_CPR, FAMILY_SPANS, strict=True):
        activities.append(f"{cpr},{FAMILY},{start},{end},10,BF1,Familieafdelingen")
        for month in months:
            number += 1
            postings.append(f"P{number:03d},{_end(month)},25000.00,5.28.21,{cpr},{FAMILY},1,"
                            "Familiebehandling")  # fmt: skip
    for cpr in SUPPORT_CPR:
        activities.append(f"{cpr},{SUPPORT},2025-01-01,,10,VA1,Voksenafdelingen")
    for month in range(1, 13):
        number += 1
        postings.append(f"P{number:03d},{_end(month)},40000.00,5.38.38,,,1,Bostøtte fællesudgift")
    postings.append("P999,2025-12-31,-75000.00,5.28.21,,,2,Statsrefusion")
    files["activities.csv"] = "\n".join(activities) + "\n"
    files["postings.csv"] = "\n".join(postings) + "\n"
    for name, content in files.items():
        (folder / name).write_text(content, "utf-8")
    return folder


def add_users(settings: Settings) -> None:
    engine = make_engine(settings.store_url)
    upgrade(engine)
    with sessions(engine)() as session:
        for role in ("finance_consultant", "area_chief", "caseworker", "administrator"):
            users.add(session, role.replace("_", "-"), role.title(), role, PASSWORD)
        session.commit()
    engine.dispose()


def set_plans(settings: Settings, username: str = "finance-consultant") -> None:
    engine = make_engine(settings.store_url)
    with sessions(engine)() as session:
        actor = access.actor_for(session, username, "statistical")
        for basis, plans in ((Basis.GROSS, GROSS_PLAN), (Basis.NET, NET_PLAN)):
            for code, (units, price) in plans.items():
                service.set_assumption(session, actor, 2025, code, units, price, basis)
        session.commit()
    engine.dispose()


@pytest.fixture
def town(settings: Settings, tmp_path: Path) -> Settings:
    import_folder(write_town(tmp_path / "data"), settings, user="test")
    add_users(settings)
    return settings


def _planned(settings: Settings, basis: Basis) -> dict[str, Planned]:
    engine = make_engine(settings.store_url)
    with sessions(engine)() as session:
        found = service.planned(session, 2025, basis)
    engine.dispose()
    return found


def _fields(row: af.VarianceRow) -> tuple[object, ...]:
    return (row.planned_units, row.planned_price, row.planned, row.actual_units,
            row.actual_price, row.actual, row.variance, row.volume, row.price)  # fmt: skip


GROSS = {
    FAMILY: (D("3"), D("280000.00"), D("840000.00"), D("2.4986"), D("300164.47"),
             D("750000.00"), D("-90000.00"), D("-140383.56"), D("50383.56")),
    SUPPORT: (D("4.5"), D("100000.00"), D("450000.00"), D("5.0000"), D("96000.00"),
              D("480000.00"), D("30000.00"), D("50000.00"), D("-20000.00")),
}  # fmt: skip
NET_FAMILY = (D("3"), D("250000.00"), D("750000.00"), D("2.4986"), D("270148.03"),
              D("675000.00"), D("-75000.00"), D("-125342.47"), D("50342.47"))  # fmt: skip


def test_the_hand_worked_example_to_the_ore_gross_and_net(town: Settings) -> None:
    set_plans(town)
    with opened(town) as analysis:
        gross = af.variance_rows(analysis, 2025, Basis.GROSS, _planned(town, Basis.GROSS))
        net = af.variance_rows(analysis, 2025, Basis.NET, _planned(town, Basis.NET))
        with _session(town) as session:  # issue 14's way in: the assumptions read from the store
            assert af.rows_for(analysis, session, 2025, Basis.NET) == net
    assert (gross.window.first_day, gross.window.last_day, gross.year_days) == (
        date(2025, 1, 1), date(2025, 12, 31), 365)  # fmt: skip
    rows = {r.intervention: r for r in gross.rows}
    assert {code: _fields(r) for code, r in rows.items()} == GROSS
    assert (rows[FAMILY].days, rows[SUPPORT].days) == (912, 1825)
    assert (rows[FAMILY].citizens, rows[SUPPORT].citizens, gross.total.citizens) == (5, 5, 10)
    total = gross.total
    assert (total.planned, total.actual, total.variance, total.volume, total.price) == (
        D("1290000.00"),
        D("1230000.00"),
        D("-60000.00"),
        D("-90383.56"),
        D("30383.56"),
    )
    net_rows = {r.intervention: r for r in net.rows}
    assert _fields(net_rows[FAMILY]) == NET_FAMILY
    support = net_rows[SUPPORT]
    assert (support.planned, support.actual, support.variance, support.note) == (
        None, D("480000.00"), D("480000.00"), af.NO_ASSUMPTION)  # fmt: skip


def test_the_published_view_shows_the_same_figures_when_five_are_behind_each(
    town: Settings,
) -> None:
    set_plans(town)
    engine = make_engine(town.store_url)
    found = af.published(town, sessions(engine), 2025, Basis.GROSS, _planned(town, Basis.GROSS),
                         "test", "finance-consultant")  # fmt: skip
    assert {r.intervention: _fields(r) for r in found.rows} == GROSS
    assert (found.total.volume, found.total.price) == (D("-90383.56"), D("30383.56"))
    again = af.cached_variances(town, 2025, Basis.GROSS, _planned(town, Basis.GROSS))
    assert again == found  # the second visitor reads the cache
    engine.dispose()


def test_small_types_are_hidden_and_the_total_effects_with_them(sqlite_settings) -> None:  # type: ignore[no-untyped-def]
    """The mini municipality: every type has one or two citizens."""
    settings = sqlite_settings
    import_folder(FIXTURES / "mini", settings, user="test")
    engine = make_engine(settings.store_url)
    upgrade(engine)
    plan = {"015011": Planned(D("1.5"), D("100000.00"))}
    found = af.published(settings, sessions(engine), 2025, Basis.GROSS, plan, "test", None)
    family = {r.intervention: r for r in found.rows}["015011"]
    assert (family.planned_units, family.planned) == (D("1.5"), D("150000.00"))  # the plan shows
    assert family.actual is None and family.volume is None and family.citizens is None
    assert family.note and "færre end 5" in family.note
    assert found.total.actual is not None and found.total.volume is None  # 5 citizens in all
    engine.dispose()


# --- the assumptions as versions ----------------------------------------------------------------


def _session(settings: Settings):  # type: ignore[no-untyped-def]
    return sessions(make_engine(settings.store_url))()


def test_a_change_is_a_new_version_the_same_figures_save_nothing_and_all_is_audited(
    town: Settings,
) -> None:
    with _session(town) as session:
        actor = access.actor_for(session, "finance-consultant", "statistical")
        first = service.set_assumption(session, actor, "2025", FAMILY, "3", "280.000,00")
        same = service.set_assumption(session, actor, 2025, FAMILY, "3,0000", "280000")
        second = service.set_assumption(session, actor, 2025, FAMILY, "3,25", "1.234,56",
                                        note="Flere børnesager")  # fmt: skip
        session.commit()
        assert (first.changed, same.changed, second.changed) == (True, False, True)
        assert second.row.version == 2 and (second.row.units_e4, second.row.price_ore) == (
            32500, 123456)  # fmt: skip
        assert service.planned(session, 2025, Basis.GROSS)[FAMILY] == Planned(
            D("3.25"), D("1234.56")
        )
        entries = list(session.scalars(select(AuditEntry).where(
            AuditEntry.action == service.ACTION).order_by(AuditEntry.id)))  # fmt: skip
        assert [e.actor for e in entries] == ["finance-consultant"] * 2
        assert entries[1].detail["before"] == {"units": "3.0000", "price": "280000.00"}
        with pytest.raises(Exception, match="kun til tilføjelse"):
            session.execute(text("UPDATE budget_assumptions SET price_ore = 1"))
        session.rollback()


@pytest.mark.parametrize(
    ("units", "price", "message"),
    [
        ("tre", "280000", "«tre» er ikke et tal"),
        ("-1", "280000", "kan ikke være negativ"),
        ("1,23456", "280000", "mere end fire decimaler"),
        ("3", "280.000,005", "mere end to decimaler"),
        ("3", "", "er ikke et tal"),
    ],
)
def test_bad_figures_are_refused_in_danish(
    sqlite_settings: Settings, units: str, price: str, message: str
) -> None:
    add_users(sqlite_settings)
    with _session(sqlite_settings) as session:
        actor = access.actor_for(session, "finance-consultant", "statistical")
        with pytest.raises(BudgetError, match=message):
            service.set_assumption(session, actor, 2025, FAMILY, units, price)
        with pytest.raises(BudgetError, match="findes ikke i de indlæste data"):
            service.set_assumption(session, actor, 2025, "NOPE", "1", "1", known={FAMILY: "F"})


def test_only_budget_editors_set_or_import(town: Settings) -> None:
    with _session(town) as session:
        for username in ("area-chief", "caseworker"):
            actor = access.actor_for(session, username, "statistical")
            with pytest.raises(AccessRefused, match="Administrator, Økonomikonsulent"):
                service.set_assumption(session, actor, 2025, FAMILY, "1", "1")
            with pytest.raises(AccessRefused):
                service.import_assumptions(session, actor, 2025, "intervention,units,price\n")
        admin = access.actor_for(session, "administrator", "statistical")
        assert service.set_assumption(session, admin, 2025, FAMILY, "1", "1").changed


def test_an_import_is_all_or_nothing_danish_or_international(town: Settings) -> None:
    danish = f"intervention;units;price\n{FAMILY};3;280.000,00\n{SUPPORT};4,5;100.000\n"
    with _session(town) as session:
        actor = access.actor_for(session, "finance-consultant", "statistical")
        bad = f"intervention,units,price\n{FAMILY},3,280000\n{SUPPORT},fire,100000\n"
        with pytest.raises(BudgetError, match="Linje 3: units: «fire» er ikke et tal"):
            service.import_assumptions(session, actor, 2025, bad)
        session.rollback()
        assert session.scalars(select(BudgetAssumption)).all() == []  # nothing half-saved
        found = service.import_assumptions(session, actor, 2025, danish, "gross", "plan.csv")
        again = service.import_assumptions(
            session, actor, 2025, f'intervention,units,price\n{FAMILY},3,"280000.00"\n'
        )
        session.commit()
        assert (found.saved, found.unchanged, again.saved, again.unchanged) == (2, 0, 0, 1)
        assert service.planned(session, 2025, Basis.GROSS) == {
            FAMILY: Planned(D("3"), D("280000.00")),
            SUPPORT: Planned(D("4.5"), D("100000.00")),
        }
        with pytest.raises(BudgetError, match="står to gange"):
            service.import_assumptions(
                session, actor, 2025, f"intervention,units,price\n{FAMILY},1,1\n{FAMILY},2,2\n"
            )
        with pytest.raises(BudgetError, match="mangler kolonnen price"):
            service.import_assumptions(session, actor, 2025, "intervention,units\nx,1\n")


def test_two_saving_the_same_version_at_once_is_said_in_danish(
    town: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both read version 0 as newest; the database takes the first version 1 and refuses the
    second (its unique key), which is told as a change made by someone else."""
    with _session(town) as first:
        actor = access.actor_for(first, "finance-consultant", "statistical")
        service.set_assumption(first, actor, 2025, FAMILY, "3", "280000")
        first.commit()
    monkeypatch.setattr(service, "_next_version", lambda *_args: 1)  # read before the commit
    with _session(town) as second:
        actor = access.actor_for(second, "administrator", "statistical")
        with pytest.raises(BudgetError, match="ændret af en anden samtidig"):
            service.set_assumption(second, actor, 2025, FAMILY, "4", "280000")
        second.rollback()
        rows = second.scalars(select(BudgetAssumption)).all()
        assert [(r.version, r.units_e4, r.changed_by) for r in rows] == [
            (1, 30000, "finance-consultant")
        ]
