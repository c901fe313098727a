"""Result goals and progression as pure rules (Furesø, issue 14; DOMAIN §3.6): what a goal is,
the presets Furesø follows up on, the three steps of progression and the directions of movement.

*Outcome statuses* are the codes of the imported ``outcomes`` table (``data/contracts.py``):
``benefit:<type>`` (a benefit granted: ``benefit:kontanthjælp``, ``benefit:sygedagpenge``, …),
``internship`` (virksomhedspraktik), ``job`` (ordinary employment), ``education`` (education
started) and ``self_supporting`` (left the benefits for self-support or unknown). A goal counts
the citizens whose outcomes reach one of its statuses.

*Furesø's three steps* (VIVE 2018, figure II: «opdeling af borgerne i tre trin … bevægelse til
job, praktik eller uddannelse»): step 1 on a benefit, step 2 in internship, step 3 in job or
education. A citizen's step on a day is the step of their newest status on or before it; a
status outside the steps (self-support, unknown) or none gives no step (0). On one day with two
statuses the higher step counts.

*The intervention staircase* (003, Furesø's «indsatstrappe»): the interventions' staircase level,
higher is more intrusive. A citizen's level on a day is the highest level of their activities
running that day (support on several steps at once), 0 with none. Movement from the start to the
end of the period: *up* (a more intrusive level), *down* (less intrusive: the direction the
staircase thinking works towards) or *steady*.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from tvaers.core.errors import ErrorCode, TvaersError

BENEFIT_PREFIX = "benefit:"
STATUS_LABELS = {
    "internship": "Praktik",
    "job": "Job",
    "education": "Uddannelse",
    "self_supporting": "Selvforsørgende eller ukendt",
}
BENEFIT_LABEL = "På ydelse"
STEP_LABELS = {
    0: "Intet trin",
    1: "Trin 1: På ydelse",
    2: "Trin 2: Praktik",
    3: "Trin 3: Job eller uddannelse",
}
STEP_STATUSES: dict[int, tuple[str, ...]] = {2: ("internship",), 3: ("job", "education")}
MAX_GOALS_STATUSES = 20
MAX_NAME = 200
MAX_TARGET = 1_000_000
CODE = re.compile(r"^[a-z0-9_:\-æøå]{1,60}$")


class GoalError(TvaersError):
    """A result goal that cannot be recorded as typed (Danish message)."""

    code = ErrorCode.CONFIG_INVALID


class Direction(StrEnum):
    UP = "up"
    DOWN = "down"
    STEADY = "steady"


DIRECTION_LABELS = {
    Direction.UP: "Op ad trappen (mere indgribende)",
    Direction.DOWN: "Ned ad trappen (mindre indgribende)",
    Direction.STEADY: "Samme trin",
}
PROGRESS_LABELS = {
    Direction.UP: "Frem (højere trin)",
    Direction.DOWN: "Tilbage (lavere trin)",
    Direction.STEADY: "Samme trin",
}


def direction(before: int, after: int) -> Direction:
    """The movement from level ``before`` to ``after``."""
    if after > before:
        return Direction.UP
    return Direction.DOWN if after < before else Direction.STEADY


def step_of(status: str) -> int:
    """Furesø's step of an outcome status (0: none of the three)."""
    if status.startswith(BENEFIT_PREFIX):
        return 1
    return next((step for step, codes in STEP_STATUSES.items() if status in codes), 0)


def status_label(status: str) -> str:
    if status.startswith(BENEFIT_PREFIX):
        return f"{BENEFIT_LABEL} ({status.removeprefix(BENEFIT_PREFIX)})"
    return STATUS_LABELS.get(status, status)


@dataclass(frozen=True)
class Target:
    """A goal's target: a count of citizens or a share of the solution's citizens in
    ten-thousandths (1500 = 15 %)."""

    count: int | None = None
    share_e4: int | None = None

    def __post_init__(self) -> None:
        if (self.count is None) == (self.share_e4 is None):
            raise GoalError("Et mål har enten et antal borgere eller en andel, ikke begge.")

    @property
    def share(self) -> Decimal | None:
        """The share in per cent (15.00 for 1500)."""
        return None if self.share_e4 is None else Decimal(self.share_e4) / 100

    def reached(self, count: int, citizens: int) -> bool:
        """Whether ``count`` of ``citizens`` reaches the target (a share: count ÷ citizens ≥
        the share, exactly)."""
        if self.count is not None:
            return count >= self.count
        return citizens > 0 and count * 10_000 >= (self.share_e4 or 0) * citizens

    def needed(self, citizens: int) -> int:
        """The citizens needed to reach it (a share: rounded up)."""
        if self.count is not None:
            return self.count
        return -(-(self.share_e4 or 0) * citizens // 10_000)


@dataclass(frozen=True)
class Preset:
    goal: str
    name: str
    statuses: tuple[str, ...]
    target: Target


PRESETS = (
    Preset("job_uddannelse_andel", "15 % i job eller uddannelse", ("job", "education"),
           Target(share_e4=1500)),
    Preset("praktik", "50 i praktik", ("internship",), Target(count=50)),
    Preset("job_uddannelse", "15 i job eller uddannelse", ("job", "education"),
           Target(count=15)),
)  # fmt: skip


def share_e4(count: int, citizens: int) -> int | None:
    """``count`` ÷ ``citizens`` in ten-thousandths, half to even (None without citizens)."""
    if citizens <= 0:
        return None
    quotient, rest = divmod(count * 10_000, citizens)
    if rest * 2 > citizens or (rest * 2 == citizens and quotient % 2):
        quotient += 1
    return quotient


def parse_goal_code(text: str) -> str:
    code = (text or "").strip().lower()
    if not CODE.match(code):
        raise GoalError(
            f"Målets kode «{code[:60]}» kan ikke bruges.",
            hint="Skriv højst 60 tegn: små bogstaver, tal, bindestreg eller understreg, "
            "fx praktik.",
        )
    return code


def parse_statuses(
    text: str | list[str] | tuple[str, ...], known: set[str] | None
) -> tuple[str, ...]:
    """Outcome statuses from a list or a text separated by commas or spaces; each must be one
    the outcomes hold (``known``; None: any status is taken, the data may come later)."""
    items = text if isinstance(text, list | tuple) else re.split(r"[,;\s]+", text or "")
    found = tuple(dict.fromkeys(s.strip() for s in items if s and s.strip()))
    if not found:
        raise GoalError("Angiv mindst én status, der tæller som at nå målet.",
                        hint="Fx job, education eller internship.")  # fmt: skip
    if len(found) > MAX_GOALS_STATUSES or any(len(s) > 60 for s in found):
        raise GoalError(f"Angiv højst {MAX_GOALS_STATUSES} statusser på højst 60 tegn.")
    unknown = [s for s in found if known is not None and s not in known]
    if unknown:
        raise GoalError(
            f"Statussen «{unknown[0]}» findes ikke i de indlæste udfald.",
            hint="Brug en status fra udfaldene: " + ", ".join(sorted(known or ())) + ".",
        )
    return found


def parse_target(count: str | int | None, share: str | None) -> Target:
    """A count (a whole number of citizens) or a share in per cent (``15``, ``15,5``,
    ``15 %``), exactly one of them."""
    count_text = str(count if count is not None else "").strip()
    share_text = (share or "").strip().rstrip("%").strip().replace(",", ".")
    if bool(count_text) == bool(share_text):
        raise GoalError("Angiv enten et antal borgere eller en andel i procent.",
                        hint="Fx antal 50 eller andel 15 %.")  # fmt: skip
    if count_text:
        if not count_text.isdigit() or not 0 < int(count_text) <= MAX_TARGET:
            raise GoalError(f"Antallet «{count_text}» er ikke et helt antal borgere over 0.",
                            hint="Skriv fx 50.")  # fmt: skip
        return Target(count=int(count_text))
    try:
        value = Decimal(share_text)
    except ArithmeticError:
        value = Decimal("NaN")
    if not value.is_finite() or not 0 < value <= 100 or value != value.quantize(Decimal("0.01")):
        raise GoalError(f"Andelen «{share}» er ikke en procent mellem 0 og 100 med højst to "
                        "decimaler.", hint="Skriv fx 15 eller 15,5.")  # fmt: skip
    return Target(share_e4=int(value * 100))
