"""A synthetic Danish municipality: citizens, families, benefits, interventions, postings.

``generate(citizens, seed, out, fmt)`` writes one file per table of the data contract. Sizes:
``SIZES["S"]`` (27,500, like Albertslund), ``"M"`` (63,000, like Helsingør) and ``"L"``
(650,000, like København).
"""

from tvaers.data.synth.generator import SIZES, TABLES, SynthSummary, generate

__all__ = ["SIZES", "TABLES", "SynthSummary", "generate"]
