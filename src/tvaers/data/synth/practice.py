"""A municipality's practice: how a synthetic municipality differs from the calibrated one.

Real municipalities with the same population structure differ in what they do: some place more
children out of home and some work preventively at home, benefit shares differ, the jobcentre's
contact with people on benefits differs, and so do the prices they pay. The national generator
gives each municipality a seeded ``Practice`` so that benchmarking across municipalities has
something to find; the default ``Practice()`` is the calibrated municipality of ``generate()``.
See docs/synth.md.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from tvaers.data.synth.catalogue import PriceList

# Which programmes (programmes.PROGRAMMES keys) each dimension of practice scales.
PLACEMENT = ("anbringelse",)
PREVENTIVE = ("familiebehandling", "konsulentbistand", "kontaktperson")
BENEFITS = ("førtidspension", "ledighedsydelse", "ressourceforløb", "kontanthjælp")
CONTACT = ("mentor", "praktik", "løntilskud", "§85")


@dataclass(frozen=True)
class Practice:
    """Multipliers on the calibrated municipality (1.0: as calibrated)."""

    placement: float = 1.0  # out-of-home placements of children (prevalence)
    preventive: float = 1.0  # family treatment, counselling, contact person (prevalence)
    benefits: float = 1.0  # the main benefit track: kontanthjælp, ressourceforløb, ... (prevalence)
    contact: float = 1.0  # employment measures for people on benefits, § 85 support
    price_level: float = 1.0  # the prices of interventions (not benefits: those are law)
    placed_elsewhere: float = 0.0  # share of placed children living in another municipality

    def factors(self) -> dict[str, float]:
        """Programme key -> prevalence (or share) multiplier, for ``generate_spells``."""
        out: dict[str, float] = {}
        for keys, value in (
            (PLACEMENT, self.placement),
            (PREVENTIVE, self.preventive),
            (BENEFITS, self.benefits),
            (CONTACT, self.contact),
        ):
            out.update(dict.fromkeys(keys, value))
        return out

    def priced(self, prices: PriceList) -> PriceList:
        """The catalogue's prices at this municipality's level, in whole kroner."""
        if self.price_level == 1.0:
            return prices
        ore = np.round(prices.ore * self.price_level / 100.0).astype(np.int64) * 100
        return PriceList(years=prices.years, ore=ore)

    def as_row(self) -> dict[str, float]:
        return {name: round(value, 4) for name, value in asdict(self).items()}


def draw_practice(rng: np.random.Generator) -> Practice:
    """A seeded practice. Placement propensity varies most (x0.55-1.8, log-normal); a
    municipality that places more works less preventively at home (elasticity -0.5); benefit
    shares vary x0.7-1.4, contact intensity x0.6-1.6, prices +-10 %; 5-15 % of placed children
    live in another municipality."""
    placement = float(np.clip(np.exp(rng.normal(0.0, 0.3)), 0.55, 1.8))
    preventive = float(np.clip(placement**-0.5 * np.exp(rng.normal(0.0, 0.15)), 0.5, 1.8))
    benefits = float(np.clip(np.exp(rng.normal(0.0, 0.18)), 0.7, 1.4))
    contact = float(np.clip(np.exp(rng.normal(0.0, 0.25)), 0.6, 1.6))
    price_level = float(rng.uniform(0.90, 1.10))
    placed_elsewhere = float(rng.uniform(0.05, 0.15))
    return Practice(placement, preventive, benefits, contact, price_level, placed_elsewhere)
