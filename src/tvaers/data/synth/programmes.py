"""Who gets what, and when: spells of benefits and interventions.

Each programme draws a fixed number of people, ``prevalence`` times the eligible, each with a
probability close to ``sigmoid(alpha + slope * v + age term)``, where ``v`` is the latent
vulnerability (shared within the family, so cases cluster in families). Spell lengths are
log-normal; a spell starts anywhere from one spell length before the window to its end, so long
spells (placements, residential care, disability pension) are mostly ongoing. Spells are cut to
the ages a programme allows (children's measures end at 18). Dependent programmes (mentor,
internship, school transport, and the cross-cutting patterns KL describes) draw among the spells
of others, inside them or, for dagpenge before social assistance, just before them. The
parameters are calibrated so that the stylised facts in the module tests hold (KL's cost
concentration, the registered and attributable shares, placements per 1,000 children, families
with cases in several areas).

KL's families with many services (seeds/002 §3.1: contact with «2 og 3 forvaltninger» and «mindst
7-8 ydelser på samme tid») are appended last, as a marker programme that picks the families and a
package of programmes given to the adult and the children inside the marker's period; see the
comment above them for the figures they are calibrated to.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from tvaers.data.synth.catalogue import benefit_index, intervention_index
from tvaers.data.synth.population import Population
from tvaers.data.synth.timeline import (
    DAYS_PER_YEAR,
    BoolArray,
    FloatArray,
    IntArray,
    Window,
    age_on,
    day,
)

SERVICE, BENEFIT = 0, 1
MARKER = 2  # a programme that only marks people for later programmes; never written
EARLIEST_ACTIVITY = day(date(2015, 1, 1))  # the case system's history starts here


@dataclass(frozen=True)
class Programme:
    key: str
    kind: int
    items: tuple[str, ...]  # intervention codes (services) or benefit keys
    ages: tuple[int, int]  # eligible by age on the reference day (inclusive)
    prevalence: float  # expected share of the eligible with a spell in the window
    slope: float  # loading on vulnerability, logit scale
    median_days: float
    sigma: float
    limits: tuple[float, float] = (0.0, 120.0)  # ages the spell must stay within [lo, hi)
    units: tuple[float, float] | None = None  # units per month (hour and piece units)
    step: float = 0.5  # units are rounded to this
    age_slope: float = 0.0  # logit change per ten years above ``age_center``
    age_center: float = 45.0
    exclusive: bool = False  # part of the main benefit track: one per person
    parents: Mapping[str, float] = field(default_factory=dict)  # item -> share (dependents)
    follows_parent: bool = False  # dependent spell = the parent spell (school transport)
    precedes_parent: bool = False  # dependent spell ends the day before the parent starts
    max_days: int = 100 * 366  # the longest spell
    # KL's families with many services: "anchor" marks one parent per family (a
    # MARKER programme over the parents' spells); "adult" and "children" give the programme to
    # that adult, or to each child of theirs aged ``ages`` on the reference day, inside the
    # anchor's spell. Empty: the person of the parent spell, as before.
    family: str = ""
    unless: tuple[str, ...] = ()  # not to a person with one of these items at the same time


_P = Programme
_CHILD, _ADULT, _WORK = (0.0, 18.0), (18.0, 120.0), (18.0, 67.0)
_PLACEMENTS = ("015025", "015015", "015023", "015008", "015031", "015019", "015030")


def _at_home(code: str) -> tuple[str, ...]:
    """The ``unless`` of a measure at home: not to a placed child, nor twice at once."""
    return (code, *_PLACEMENTS)


PROGRAMMES: tuple[Programme, ...] = (
    # Main benefit track, in this order; a person gets at most one of these.
    _P("førtidspension", BENEFIT, ("førtidspension",), (18, 66), 0.009, 0.7, 7300, 0.5, _WORK,
       age_slope=0.9, exclusive=True),
    _P("ledighedsydelse", BENEFIT, ("ledighedsydelse",), (18, 66), 0.008, 0.8, 240, 0.8, _WORK,
       age_slope=0.4, exclusive=True),
    _P("ressourceforløb", BENEFIT, ("ressourceforløb",), (18, 66), 0.015, 1.0, 540, 0.6, _WORK,
       exclusive=True),
    _P("kontanthjælp", BENEFIT, ("kontanthjælp", "uddannelseshjælp"), (18, 66), 0.085, 0.9, 240,
       1.0, _WORK, age_slope=-0.2, exclusive=True),
    # Sickness benefit (after the employer's 30 days) and the co-financed dagpenge of insured
    # unemployed: broad, hardly related to vulnerability.
    _P("sygedagpenge", BENEFIT, ("sygedagpenge",), (18, 66), 0.11, 0.0, 170, 0.5, _WORK,
       max_days=365),
    _P("dagpenge", BENEFIT, ("dagpenge",), (18, 66), 0.07, 0.0, 180, 0.9, _WORK),
    # Employment measures for people on benefits
    _P("mentor", SERVICE, ("017031",), (18, 66), 0.0, 0.8, 180, 0.6, _WORK, (6, 16),
       parents={"kontanthjælp": 0.22, "uddannelseshjælp": 0.3, "ressourceforløb": 0.35}),
    _P("praktik", SERVICE, ("017042",), (18, 66), 0.0, 0.3, 60, 0.4, _WORK,
       parents={"kontanthjælp": 0.25, "uddannelseshjælp": 0.25, "ressourceforløb": 0.3,
                "ledighedsydelse": 0.3}),
    _P("løntilskud", SERVICE, ("017051",), (18, 66), 0.0, -0.3, 180, 0.4, _WORK,
       parents={"kontanthjælp": 0.08, "ledighedsydelse": 0.15}),
    # Children and young people
    _P("anbringelse", SERVICE, ("015025", "015015", "015023", "015008", "015031", "015019",
                                "015030"), (0, 17), 0.0165, 1.7, 1460, 0.9, _CHILD),
    _P("familiebehandling", SERVICE, ("015011",), (0, 17), 0.05, 1.3, 240, 0.6, _CHILD,
       (10, 30)),
    _P("konsulentbistand", SERVICE, ("015016",), (0, 17), 0.05, 0.9, 120, 0.5, _CHILD, (3, 8)),
    _P("kontaktperson", SERVICE, ("015017",), (8, 17), 0.02, 1.4, 300, 0.6, _CHILD, (8, 20)),
    _P("merudgifter", BENEFIT, ("merudgifter",), (0, 17), 0.008, 0.3, 1800, 0.6, _CHILD),
    # Vulnerable adults and disability
    _P("§85", SERVICE, ("016085",), (18, 66), 0.028, 0.5, 730, 0.9, _ADULT, (4, 30)),
    _P("§85 bofællesskab", SERVICE, ("016086",), (18, 80), 0.0008, 1.2, 2200, 0.8, _ADULT,
       (70, 150), step=1.0),
    _P("§99", SERVICE, ("016099",), (18, 66), 0.006, 1.4, 365, 0.6, _ADULT, (6, 16)),
    _P("§101", SERVICE, ("016101",), (18, 66), 0.009, 1.5, 270, 0.7, _ADULT),
    _P("§101d", SERVICE, ("016102",), (18, 66), 0.0015, 1.8, 120, 0.4, _ADULT),
    _P("§110", SERVICE, ("016110",), (18, 75), 0.0035, 1.8, 60, 1.0, _ADULT),
    _P("§107", SERVICE, ("016107",), (18, 80), 0.0015, 1.6, 540, 0.7, _ADULT),
    _P("§108", SERVICE, ("016108", "016208"), (18, 90), 0.003, 1.4, 3650, 0.8, _ADULT),
    # Health and elderly: driven by age, not by the family's vulnerability
    _P("hjemmehjælp", SERVICE, ("018083",), (60, 110), 0.42, 0.0, 720, 1.0, _ADULT, (3, 24),
       age_slope=1.5, age_center=82),
    _P("hjemmesygepleje", SERVICE, ("018138",), (18, 110), 0.15, 0.0, 150, 1.1, _ADULT,
       (2, 20), age_slope=2.0, age_center=78),
    _P("genoptræning", SERVICE, ("018140",), (18, 110), 0.09, 0.0, 75, 0.4, _ADULT, (4, 12),
       step=1.0, age_slope=1.8, age_center=70),
    # Special education and PPR
    _P("specialskole", SERVICE, ("019020",), (6, 16), 0.03, 0.5, 1460, 0.7, (6.0, 17.0)),
    _P("specialklasse", SERVICE, ("019021",), (6, 16), 0.03, 0.4, 1095, 0.7, (6.0, 17.0)),
    _P("regionalt", SERVICE, ("019022",), (6, 16), 0.003, 0.8, 1095, 0.6, (6.0, 17.0)),
    _P("kørsel", SERVICE, ("019026",), (6, 16), 0.0, 0.0, 0, 0.0, (6.0, 17.0), (20, 40),
       step=1.0, parents={"019020": 0.6, "019021": 0.25, "019022": 0.9}, follows_parent=True),
    _P("ppr", SERVICE, ("019012",), (3, 16), 0.08, 0.8, 25, 0.2, (3.0, 17.0), (1, 1)),
    # Cross-cutting patterns KL names (seeds/002, section 3.3), appended so that every programme
    # above keeps its random stream. A dependent draws among the spells of its parent items as
    # the programmes before it left them: "018140" is then the sickness rehabilitation just above.
    # Mentor from the jobcentre and socio-pedagogical support from social services at once:
    _P("§85 ved mentor", SERVICE, ("016085",), (18, 66), 0.0, 0.0, 300, 0.6, _ADULT, (4, 16),
       parents={"017031": 0.2}),
    # Transfer income with illness: municipal rehabilitation, and for some home nursing with it.
    _P("genoptræning ved sygdom", SERVICE, ("018140",), (18, 66), 0.0, 0.0, 75, 0.4, _WORK,
       (4, 12), step=1.0, parents={"sygedagpenge": 0.05, "ressourceforløb": 0.12,
                                   "kontanthjælp": 0.015, "ledighedsydelse": 0.05}),
    _P("hjemmesygepleje ved sygdom", SERVICE, ("018138",), (18, 66), 0.0, 0.0, 90, 0.8, _WORK,
       (2, 12), parents={"018140": 0.45}),
    # Insured unemployed whose dagpenge ran out before social assistance (Furesø excludes
    # those on dagpenge within the last three months):
    _P("dagpenge før kontanthjælp", BENEFIT, ("dagpenge",), (18, 66), 0.0, 0.0, 300, 0.5, _WORK,
       parents={"kontanthjælp": 0.12, "uddannelseshjælp": 0.04}, precedes_parent=True),
    # KL's families with many services at once (seeds/002: KL (2017), «Bedre tværgående
    # samarbejde om ydelser og indsats», section 3.1): "samtidige kontakter til 2 og 3
    # forvaltninger og med mindst 7-8 ydelser på samme tid", e.g. "en børnesag ... en
    # overførselsydelse til en voksen samt en specialiseret ydelse til en voksen". KL gives the
    # profile, not a count: such a group is worth a solution only with "en vis volumen" (section
    # 3), and VIVE's five solutions served 12-100 families (seeds/004). Calibrated so that a year
    # has about 0.8 families per 1,000 citizens with at least 7 interventions on one day and at
    # least 2 sector areas (S, seeds 1-3, 2025: 23, 18, 21 families; tests/test_synth.py keeps
    # it within 0.4-1.5 per 1,000), most in 4 sector areas (children and special education are
    # one forvaltning in most municipalities) and at most about 15 at once (KL: "op til 10-15
    # kontaktparter"). One parent of two or more children, on kontanthjælp, uddannelseshjælp or
    # ressourceforløb for at least a year, is marked per family, for a period of about 2.5 years:
    _P("KL-familie", MARKER, ("kl_familie",), (18, 66), 0.0, 0.0, 900, 0.3, _WORK,
       parents={"kontanthjælp": 0.55, "uddannelseshjælp": 0.55, "ressourceforløb": 0.65},
       family="anchor"),
    # ... the adult: mentor and socio-pedagogical support or a support contact person, for some
    # substance-abuse treatment or home nursing (KL's examples 2 and 3) ...
    _P("KL-familie: mentor", SERVICE, ("017031",), (18, 66), 0.0, 0.0, 540, 0.5, _WORK, (6, 16),
       parents={"kl_familie": 0.8}, family="adult", unless=("017031",)),
    _P("KL-familie: § 85", SERVICE, ("016085",), (18, 66), 0.0, 0.0, 720, 0.5, _ADULT, (4, 16),
       parents={"kl_familie": 0.75}, family="adult", unless=("016085", "016099")),
    _P("KL-familie: § 99", SERVICE, ("016099",), (18, 66), 0.0, 0.0, 540, 0.5, _ADULT, (6, 16),
       parents={"kl_familie": 0.3}, family="adult", unless=("016085", "016099")),
    _P("KL-familie: § 101", SERVICE, ("016101",), (18, 66), 0.0, 0.0, 360, 0.6, _ADULT,
       parents={"kl_familie": 0.15}, family="adult", unless=("016101", "016102")),
    _P("KL-familie: hjemmesygepleje", SERVICE, ("018138",), (18, 66), 0.0, 0.0, 300, 0.7, _WORK,
       (2, 12), parents={"kl_familie": 0.12}, family="adult", unless=("018138",)),
    # ... and the children: family treatment, a contact person, counselling, a special class (with
    # transport) and a PPR assessment; not at home while placed, not twice at once.
    _P("KL-familie: familiebehandling", SERVICE, ("015011",), (0, 17), 0.0, 0.0, 720, 0.5, _CHILD,
       (10, 30), parents={"kl_familie": 0.9}, family="children", unless=_at_home("015011")),
    _P("KL-familie: kontaktperson", SERVICE, ("015017",), (8, 17), 0.0, 0.0, 720, 0.5, _CHILD,
       (8, 20), parents={"kl_familie": 0.75}, family="children", unless=_at_home("015017")),
    _P("KL-familie: konsulentbistand", SERVICE, ("015016",), (0, 17), 0.0, 0.0, 540, 0.5, _CHILD,
       (3, 8), parents={"kl_familie": 0.6}, family="children", unless=_at_home("015016")),
    _P("KL-familie: specialklasse", SERVICE, ("019021",), (6, 16), 0.0, 0.0, 1095, 0.5,
       (6.0, 17.0), parents={"kl_familie": 0.5}, family="children",
       unless=("019020", "019021", "019022")),
    _P("KL-familie: kørsel", SERVICE, ("019026",), (6, 16), 0.0, 0.0, 0, 0.0, (6.0, 17.0),
       (20, 40), step=1.0, parents={"019021": 0.5}, follows_parent=True),
    _P("KL-familie: ppr", SERVICE, ("019012",), (3, 16), 0.0, 0.0, 25, 0.2, (3.0, 17.0), (1, 1),
       parents={"kl_familie": 0.3}, family="children", unless=("019012",)),
)  # fmt: skip


@dataclass
class Spells:
    """One row per spell. ``end`` may lie after the window: the spell is then ongoing."""

    person: IntArray
    programme: IntArray
    kind: IntArray
    item: IntArray  # intervention index (services) or benefit index (benefits)
    start: IntArray
    end: IntArray
    units: FloatArray  # units per month; NaN when not given

    def take(self, rows: IntArray) -> Spells:
        return Spells(*(getattr(self, name)[rows] for name in self.__dataclass_fields__))

    @staticmethod
    def concat(parts: list[Spells]) -> Spells:
        return Spells(
            *(np.concatenate([getattr(p, n) for p in parts]) for n in Spells.__dataclass_fields__)
        )


def _solve_alpha(score: FloatArray, target: float) -> float:
    """The intercept that makes the mean of ``sigmoid(alpha + score)`` equal ``target``."""
    lo, hi = -30.0, 30.0
    for _ in range(60):
        mid = (lo + hi) / 2
        if np.mean(1.0 / (1.0 + np.exp(-(mid + score)))) < target:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def _select(rng: np.random.Generator, score: FloatArray, prevalence: float) -> IntArray:
    """Exactly ``round(prevalence * n)`` of ``n`` people, each with probability close to
    ``sigmoid(alpha + score)`` (sequential Poisson sampling: the smallest ``u / p``). A fixed
    count keeps a small municipality's figures steady from seed to seed."""
    count = round(prevalence * score.size)
    if count == 0:
        return np.zeros(0, dtype=np.int64)
    alpha = _solve_alpha(score, prevalence)
    probability = 1.0 / (1.0 + np.exp(-(alpha + score)))
    key = rng.random(score.size) / probability
    return np.sort(np.argpartition(key, count - 1)[:count])


def _item_codes(programme: Programme) -> IntArray:
    if programme.kind == MARKER:
        return np.zeros(len(programme.items), dtype=np.int64)
    if programme.kind == SERVICE:
        return np.array([intervention_index(c) for c in programme.items], dtype=np.int64)
    return np.array([benefit_index(k) for k in programme.items], dtype=np.int64)


def _choose_items(
    rng: np.random.Generator, programme: Programme, age: IntArray, score: FloatArray
) -> IntArray:
    """Which of the programme's items each selected person gets."""
    n = age.size
    if programme.key == "kontanthjælp":  # uddannelseshjælp under 30
        return np.where(age < 30, 1, 0)
    if programme.key == "§108":  # own places first, the rest bought elsewhere
        return (rng.random(n) < 0.42).astype(np.int64)
    if programme.key == "anbringelse":
        # foster care for the young, institutions and residential homes for teenagers,
        # secure institutions rare and only 14+ (ANBAAR: 63 % family care, 17 % institution,
        # 14 % opholdssted)
        teen = age >= 13
        weights = np.where(
            teen[:, None],
            np.array([0.30, 0.06, 0.10, 0.25, 0.21, 0.06, 0.02]),
            np.array([0.56, 0.12, 0.14, 0.10, 0.08, 0.00, 0.00]),
        )
        heavy = score > np.quantile(score, 0.6) if n else np.zeros(0, dtype=bool)
        weights = weights * np.where(heavy[:, None], [0.8, 0.8, 0.8, 1.3, 1.3, 1.0, 1.5], 1.0)
        cumulative = np.cumsum(weights / weights.sum(axis=1, keepdims=True), axis=1)
        return np.asarray((rng.random(n)[:, None] > cumulative).sum(axis=1), dtype=np.int64)
    return np.zeros(n, dtype=np.int64)


def _units(rng: np.random.Generator, programme: Programme, n: int) -> FloatArray:
    if programme.units is None:
        return np.full(n, np.nan)
    lo, hi = programme.units
    raw = lo + (hi - lo) * rng.beta(1.6, 2.4, n)
    return np.round(raw / programme.step) * programme.step


def _clip_to_ages(
    population: Population,
    person: IntArray,
    start: IntArray,
    end: IntArray,
    limits: tuple[float, float],
) -> tuple[IntArray, IntArray]:
    birth = population.birth[person]
    lo = birth + np.ceil(limits[0] * DAYS_PER_YEAR).astype(np.int64)
    hi = birth + np.floor(limits[1] * DAYS_PER_YEAR).astype(np.int64) - 1
    return np.maximum(start, lo), np.minimum(end, hi)


def generate_spells(
    seed: np.random.SeedSequence,
    population: Population,
    window: Window,
    factors: Mapping[str, float] | None = None,
) -> Spells:
    """Every programme's spells overlapping the window; each programme draws from its own
    random stream, so changing one programme leaves the others as they were. ``factors``
    (programme key -> multiplier, default 1) scale a programme's prevalence, or for a dependent
    programme its shares of the parent spells: a municipality's practice."""
    streams = seed.spawn(len(PROGRAMMES))
    factor = factors or {}
    reference = (window.first + window.as_of) // 2
    age = age_on(population.birth, reference)
    vulnerability = population.vulnerability
    taken = np.zeros(population.size, dtype=bool)  # on the main benefit track already
    span = window.as_of - window.first + 1
    parts: list[Spells] = []
    by_item: dict[str, Spells] = {}
    for number, programme in enumerate(PROGRAMMES):
        rng = np.random.default_rng(streams[number])
        codes = _item_codes(programme)
        if programme.parents:
            spells = _dependent(rng, programme, number, codes, by_item, window, population, age,
                                factor.get(programme.key, 1.0))  # fmt: skip
        else:
            eligible = (age >= programme.ages[0]) & (age <= programme.ages[1])
            if programme.exclusive or programme.key in ("sygedagpenge", "dagpenge"):
                eligible &= ~taken
            who = np.flatnonzero(eligible)
            score = (
                programme.slope * vulnerability[who]
                + programme.age_slope * (age[who] - programme.age_center) / 10.0
            )
            chosen = _select(rng, score, programme.prevalence * factor.get(programme.key, 1.0))
            person, score = who[chosen], score[chosen]
            if programme.exclusive:
                taken[person] = True
            length = np.clip(
                np.round(
                    rng.lognormal(np.log(programme.median_days), programme.sigma, person.size)
                ),
                1,
                programme.max_days,
            ).astype(np.int64)
            start = (
                window.first
                - length
                + np.floor(rng.random(person.size) * (span + length)).astype(np.int64)
            )
            start, end = _clip_to_ages(
                population, person, start, start + length - 1, programme.limits
            )
            n = person.size
            spells = Spells(
                person=person,
                programme=np.full(n, number, dtype=np.int64),
                kind=np.full(n, programme.kind, dtype=np.int64),
                item=codes[_choose_items(rng, programme, age[person], score)],
                start=start,
                end=end,
                units=_units(rng, programme, n),
            )
        if programme.kind == SERVICE:
            spells.start = np.maximum(spells.start, EARLIEST_ACTIVITY)
        keep = (spells.end >= spells.start) & (spells.end >= window.first)
        keep &= spells.start <= window.as_of
        if programme.unless:
            keep &= ~_busy(spells, parts, programme.unless)
        spells = spells.take(np.flatnonzero(keep))
        for position, key in enumerate(programme.items):
            by_item[key] = spells.take(np.flatnonzero(spells.item == codes[position]))
        if programme.kind != MARKER:
            parts.append(spells)
    return Spells.concat(parts)


def _busy(spells: Spells, earlier: list[Spells], codes: tuple[str, ...]) -> BoolArray:
    """Whether each spell's person has a spell of one of the intervention ``codes`` among the
    ``earlier`` ones overlapping it (one sorted search, no loop over people)."""
    wanted = np.array([intervention_index(c) for c in codes], dtype=np.int64)
    before = Spells.concat(earlier) if earlier else spells.take(np.zeros(0, dtype=np.int64))
    before = before.take(np.flatnonzero((before.kind == SERVICE) & np.isin(before.item, wanted)))
    order = np.argsort(before.person, kind="stable")
    people = before.person[order]
    left = np.searchsorted(people, spells.person, "left")
    count = np.searchsorted(people, spells.person, "right") - left
    mine = np.repeat(np.arange(spells.person.size), count)
    other = order[_runs(left, count)]
    overlap = (before.start[other] <= spells.end[mine]) & (before.end[other] >= spells.start[mine])
    busy = np.zeros(spells.person.size, dtype=bool)
    busy[mine[overlap]] = True
    return busy


def _dependent(
    rng: np.random.Generator,
    programme: Programme,
    number: int,
    codes: IntArray,
    by_item: dict[str, Spells],
    window: Window,
    population: Population,
    age: IntArray,
    factor: float = 1.0,
) -> Spells:
    """Spells drawn among the spells of the parent items, inside each parent spell; ``factor``
    scales the shares (at most all of the parent spells)."""
    pieces = []
    if programme.family == "anchor":
        children = np.bincount(population.family[~population.adult], minlength=population.families)
        parent_of_two = population.adult & (children[population.family] >= 2)
    for key, share in programme.parents.items():
        spells = by_item[key]
        if programme.family == "anchor":  # parents of two or more children, on a long spell
            long = spells.end - spells.start + 1 >= DAYS_PER_YEAR
            spells = spells.take(np.flatnonzero(parent_of_two[spells.person] & long))
        elif programme.family == "children":
            spells = _to_children(spells, population, age, programme.ages)
        chance = min(share * factor, 1.0)
        pieces.append(spells.take(np.flatnonzero(rng.random(spells.person.size) < chance)))
    parent = Spells.concat(pieces)
    if programme.family == "anchor":  # one marked adult per family
        _, first = np.unique(population.family[parent.person], return_index=True)
        parent = parent.take(np.sort(first))
    n = parent.person.size
    if programme.follows_parent:
        start, end = parent.start.copy(), parent.end.copy()
    elif programme.family == "anchor":
        # A period around a day of the window inside the parent spell, about ``median_days``
        # long: as many families at any time of the window.
        lo = np.maximum(parent.start, window.first)
        hi = np.minimum(parent.end, window.as_of)
        centre = lo + np.floor(rng.random(n) * (np.maximum(hi - lo, 0) + 1)).astype(np.int64)
        half = rng.lognormal(np.log(programme.median_days / 2), programme.sigma, (2, n))
        start = np.maximum(parent.start, centre - np.round(half[0]).astype(np.int64))
        end = np.minimum(parent.end, centre + np.round(half[1]).astype(np.int64))
    elif programme.precedes_parent:
        length = np.round(rng.lognormal(np.log(programme.median_days), programme.sigma, n))
        end = parent.start - 1
        start = end - np.clip(length, 7, programme.max_days).astype(np.int64) + 1
        start, end = _clip_to_ages(population, parent.person, start, end, programme.limits)
    else:
        lo = np.maximum(parent.start, window.first - 400)
        hi = np.minimum(parent.end, window.as_of + 200)
        # A family's package starts within the first quarter of its period, so that most of it
        # runs at the same time; other dependents within the first half of the parent spell.
        early = 0.25 if programme.family else 0.5
        start = lo + np.floor(rng.random(n) * early * np.maximum(hi - lo, 0)).astype(np.int64)
        length = np.round(rng.lognormal(np.log(programme.median_days), programme.sigma, n))
        end = np.minimum(start + np.maximum(length, 7).astype(np.int64) - 1, parent.end)
        if programme.family in ("adult", "children"):
            start, end = _clip_to_ages(population, parent.person, start, end, programme.limits)
    return Spells(
        person=parent.person,
        programme=np.full(n, number, dtype=np.int64),
        kind=np.full(n, programme.kind, dtype=np.int64),
        item=np.full(n, codes[0], dtype=np.int64),
        start=start,
        end=end,
        units=_units(rng, programme, n),
    )


def _to_children(spells: Spells, population: Population, age: IntArray,
                 ages: tuple[int, int]) -> Spells:  # fmt: skip
    """Each spell once for every child of its person aged ``ages`` on the reference day: the
    child's spell, with the parent's period."""
    pairs = population.parent_child[np.argsort(population.parent_child[:, 0], kind="stable")]
    left = np.searchsorted(pairs[:, 0], spells.person, "left")
    count = np.searchsorted(pairs[:, 0], spells.person, "right") - left
    copy = spells.take(np.repeat(np.arange(spells.person.size), count))
    copy.person = pairs[_runs(left, count), 1]
    child_age = age[copy.person]
    return copy.take(np.flatnonzero((child_age >= ages[0]) & (child_age <= ages[1])))


def _runs(left: IntArray, count: IntArray) -> IntArray:
    """``left[i], left[i] + 1, …, left[i] + count[i] - 1`` for each ``i``, one run after another."""
    start = np.repeat(left - (np.cumsum(count) - count), count)
    return np.asarray(start + np.arange(int(count.sum())), dtype=np.int64)
