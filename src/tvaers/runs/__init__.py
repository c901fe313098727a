"""Frozen runs (issue 15, F28): every analysis run records what it read — the import batches
loaded per table, the configuration files and the store's versioned configuration, the code
version — and the digest of the bytes it wrote, so that ``tvaers runs replay RUN`` can compute it
again and say whether it is byte for byte the same, or which input has changed since.

* :mod:`tvaers.runs.inputs`: collecting a run's inputs and naming what changed (Danish).
* :mod:`tvaers.runs.service`: recording, listing and finding runs; the replay's capture.

The command line records a run with one call (:func:`tvaers.cli.recording.record_run`); see
docs/runs.md.
"""
