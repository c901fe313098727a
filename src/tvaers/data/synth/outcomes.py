"""Labour-market status events for adults on benefits: ``benefit:<type>``, ``internship``,
``job`` and ``education``, each from a date."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from tvaers.data.synth.catalogue import BENEFITS, intervention_index
from tvaers.data.synth.population import Population
from tvaers.data.synth.programmes import BENEFIT, SERVICE, Spells
from tvaers.data.synth.timeline import IntArray, Window, date_column, string_column

# After a spell ends: probabilities of (job, education); the rest have no recorded status.
EXITS: dict[str, tuple[float, float]] = {
    "sygedagpenge": (0.85, 0.02),
    "kontanthjælp": (0.42, 0.13),
    "uddannelseshjælp": (0.30, 0.45),
    "ressourceforløb": (0.20, 0.05),
    "ledighedsydelse": (0.60, 0.00),
    "dagpenge": (0.72, 0.06),
}
_STATUS_BENEFITS = [b.key for b in BENEFITS if b.key != "merudgifter"]
STATUSES = [f"benefit:{key}" for key in _STATUS_BENEFITS] + [
    "internship",
    "job",
    "education",
    "self_supporting",
]
NOTES = [
    "Ydelse bevilget",
    "Virksomhedspraktik",
    "Ordinær beskæftigelse",
    "Påbegyndt uddannelse",
    "Afgang til selvforsørgelse eller ukendt",
]


def _status_spells(spells: Spells) -> tuple[Spells, IntArray]:
    """Benefit spells, with each one's index into ``_STATUS_BENEFITS``."""
    of_benefit = np.array(
        [_STATUS_BENEFITS.index(b.key) if b.key in _STATUS_BENEFITS else -1 for b in BENEFITS]
    )
    chosen = spells.take(np.flatnonzero(spells.kind == BENEFIT))
    status = of_benefit[chosen.item]
    keep = np.flatnonzero(status >= 0)
    return chosen.take(keep), status[keep]


def outcomes_table(
    rng: np.random.Generator, population: Population, spells: Spells, window: Window
) -> pa.Table:
    status_spells, status = _status_spells(spells)
    persons, dates, statuses, notes = (
        [status_spells.person],
        [status_spells.start],
        [status],
        [np.zeros(status.size, dtype=np.int64)],
    )
    ended = np.flatnonzero(status_spells.end < window.as_of)
    draw = rng.random(ended.size)
    job = np.zeros(ended.size, dtype=bool)
    education = np.zeros(ended.size, dtype=bool)
    for key, (p_job, p_education) in EXITS.items():  # a loop over benefit types
        mine = status[ended] == _STATUS_BENEFITS.index(key)
        job |= mine & (draw < p_job)
        education |= mine & (draw >= p_job) & (draw < p_job + p_education)
    # Every ended spell gets an exit: job, education, or (the rest) self-support or unknown, so
    # that a benefit is not taken to run on after its last payment.
    exit_status = np.select(
        [job, education],
        [STATUSES.index("job"), STATUSES.index("education")],
        STATUSES.index("self_supporting"),
    )
    persons.append(status_spells.person[ended])
    dates.append(status_spells.end[ended] + 1)
    statuses.append(exit_status)
    notes.append(np.select([job, education], [2, 3], 4))

    internships = np.flatnonzero(
        (spells.kind == SERVICE) & (spells.item == intervention_index("017042"))
    )
    persons.append(spells.person[internships])
    dates.append(spells.start[internships])
    statuses.append(np.full(internships.size, STATUSES.index("internship")))
    notes.append(np.ones(internships.size, dtype=np.int64))

    person = np.concatenate(persons)
    when = np.concatenate(dates)
    what = np.concatenate(statuses)
    note = np.concatenate(notes)
    keep = when <= window.as_of
    person, when, what, note = person[keep], when[keep], what[keep], note[keep]
    # An exit to self-support on the day another status starts (a new benefit, a job) is no exit.
    other = what != STATUSES.index("self_supporting")
    day_key = person.astype(np.int64) * 1_000_000 + when.astype(np.int64)
    busy = np.isin(day_key, day_key[other])
    keep = other | ~busy
    person, when, what, note = person[keep], when[keep], what[keep], note[keep]
    order = np.lexsort((what, when, person))
    return pa.table(
        {
            "cpr": population.cpr.take(pa.array(person[order])),
            "date": date_column(when[order]),
            "status": string_column(STATUSES, what[order]),
            "note": string_column(NOTES, note[order]),
        }
    )
