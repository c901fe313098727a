"""The encrypted identity store: each citizen's clear CPR number (and name, when the municipality
supplies one) under the citizen's pseudonym, so that a caseworker can act on a person.

It is one file, ``TVAERS_HOME/identiteter.bin``: the table ``citizen, cpr, name`` as Parquet,
sealed with AES-256-GCM under its own key (``TVAERS_IDENTITY_KEY`` or
``hemmeligheder/identitet.key``), separate from the pseudonymisation key. It is written whole at
import (set-based: one Arrow table, never a loop over citizens), replaced atomically, readable by
the owner only, and decrypted in memory only: nothing clear is written anywhere else. Reading is
for :mod:`tvaers.access.identities`, which checks and logs every reveal.
"""

from __future__ import annotations

import io
import os
import secrets
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from tvaers.core.errors import ConfigError

MAGIC = b"TVAERS-ID1"
SCHEMA = pa.schema([("citizen", pa.string()), ("cpr", pa.string()), ("name", pa.string())])


class Identity(NamedTuple):
    """Who a pseudonym is: the CPR number (ddmmåå-xxxx) and the name, if supplied."""

    cpr: str
    name: str | None

    @property
    def shown(self) -> str:
        return f"{self.cpr[:6]}-{self.cpr[6:]}"


def seal(table: pa.Table, key: bytes, path: Path) -> None:
    """Encrypt ``table`` (``citizen, cpr, name``) and replace the file at ``path`` atomically."""
    sink = io.BytesIO()
    pq.write_table(table.select(SCHEMA.names).cast(SCHEMA), sink, compression="zstd")
    nonce = secrets.token_bytes(12)
    sealed = MAGIC + nonce + AESGCM(key).encrypt(nonce, sink.getvalue(), MAGIC)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".tmp")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(sealed)
    os.replace(partial, path)


def identities(key: bytes, path: Path, citizens: Sequence[str]) -> dict[str, Identity]:
    """The identities of ``citizens`` (pseudonyms); those not in the store are left out."""
    if not path.exists() or not citizens:
        return {}
    data = path.read_bytes()
    if not data.startswith(MAGIC):
        raise ConfigError(f"{path} er ikke Tværs' identitetslager.")
    nonce, body = data[len(MAGIC) : len(MAGIC) + 12], data[len(MAGIC) + 12 :]
    try:
        plain = AESGCM(key).decrypt(nonce, body, MAGIC)
    except InvalidTag:
        raise ConfigError(
            "Identitetslageret kan ikke åbnes med nøglen (forkert nøgle, eller filen er ændret).",
            hint="Brug den nøgle, lageret blev skrevet med (TVAERS_IDENTITY_KEY), eller importér "
            "borgerne igen.",
        ) from None
    table = pq.read_table(io.BytesIO(plain))
    wanted = table.filter(pc.is_in(table["citizen"], pa.array(list(citizens), pa.string())))
    return {
        row["citizen"]: Identity(row["cpr"], row["name"]) for row in wanted.to_pylist()
    }  # the few asked for, not the population
