"""Settings from the environment (``TVAERS_*``) or ``.env``; ``TVAERS_HOME`` holds the data."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import secrets
from functools import cached_property
from pathlib import Path
from typing import Literal
from urllib.parse import quote

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from tvaers.core.errors import ConfigError


class Settings(BaseSettings):
    """Every setting is documented in docs/settings.md (a test keeps that honest)."""

    model_config = SettingsConfigDict(env_prefix="TVAERS_", env_file=".env", extra="ignore")

    home: Path = Field(default=Path("tvaers-data"), description="Mappe med Tværs' data")
    database_url: str = Field(
        default="", description="Driftsdatabase (SQLAlchemy-URL); tom = SQLite under home"
    )
    owner_database_url: str = Field(
        default="",
        description="Databasens ejer (til «tvaers db upgrade» og «db roles»); tom = database_url",
    )
    pseudonym_key: str = Field(
        default="", description="Hemmelig nøgle til pseudonymisering af CPR (hex eller tekst)"
    )
    pseudonym_key_file: Path | None = Field(
        default=None, description="Fil med nøglen; standard: nøglemappen/pseudonym.key"
    )
    secrets_dir: Path | None = Field(
        default=None,
        description="Nøglemappen; standard uden for home: $XDG_CONFIG_HOME/tvaers/<home>-<id>",
    )
    identity_key: str = Field(
        default="",
        description="Nøgle til identitetslageret (klare CPR-numre og navne), 64 hex-tegn; "
        "tom = nøglemappen/identitet.key",
    )
    municipality: str = Field(default="Demokommune", description="Kommunens navn")
    installation: Literal["municipal", "national"] = Field(
        default="municipal",
        description="municipal: én kommune; national: mange kommuner, hver importeret for sig "
        "med «tvaers import MAPPE --municipality KODE»",
    )
    municipality_code: str = Field(
        default="",
        description="Kommunekoden (3 cifre, fx 101) i en kommunal installation; tom = ukendt",
    )
    log_format: str = Field(default="console", description="console eller json")
    log_level: str = Field(default="INFO", description="DEBUG, INFO, WARNING, ERROR")
    memory_limit: str = Field(
        default="60%",
        description="DuckDB's hukommelsesgrænse, fx 8GB eller 60% (af maskinens RAM); det, der "
        "ikke kan være der, skrives til tmp/ (aldrig et klart CPR-nummer)",
    )
    threads: int = Field(default=0, description="DuckDB-tråde; 0 = alle kerner")

    @field_validator("memory_limit")
    @classmethod
    def _memory_limit(cls, value: str) -> str:
        if value.strip():
            memory_bytes(value)  # a wrong value stops here, in Danish, not in DuckDB or Spark
        return re.sub(r"\s+", "", value).replace(",", ".")  # as DuckDB reads it: 1.5GB

    engine: Literal["duckdb", "spark"] = Field(
        default="duckdb",
        description="Analysemotoren: duckdb (indlejret) eller spark (PySpark gennem Ibis)",
    )
    spark_master: str = Field(
        default="local[2]",
        description="Spark-klyngens adresse, fx spark://host:7077; local[N] = på maskinen selv",
    )
    host: str = Field(default="127.0.0.1", description="Webserverens adresse")
    port: int = Field(default=8000, description="Webserverens port")
    secret_key: str = Field(default="", description="Nøgle til at signere sessioner")
    cookie_secure: bool = Field(default=True, description="Sessionscookie kun over HTTPS")
    session_hours: int = Field(default=8, description="Timer før man skal logge ind igen")
    idle_minutes: int = Field(
        default=30, description="Minutter uden aktivitet, før man skal logge ind igen"
    )
    page_wait: float = Field(
        default=1.0,
        ge=0,
        description="Sekunder en side venter på sine tal, før den viser, at de beregnes",
    )
    warm_cache: bool = Field(
        default=True,
        description="Webserveren beregner de offentliggjorte tal på forhånd efter hver import",
    )
    retention_data_years: int = Field(
        default=5, ge=1, description="Hele år bagud, analysedata (posteringer m.m.) gemmes"
    )
    retention_audit_years: int = Field(
        default=3,
        ge=1,
        description="År revisionssporet gemmes (mindst 1; databasen kræver 180 dage)",
    )
    retention_session_days: int = Field(
        default=30, ge=1, description="Dage en afsluttet log-ind-session gemmes"
    )
    retention_log_days: int = Field(default=180, ge=1, description="Dage driftsloggen gemmes")
    retention_cache_days: int = Field(default=7, ge=1, description="Dage mellemlageret gemmes")
    oidc_issuer: str = Field(default="", description="OpenID Connect-udsteder (Keycloak, Entra ID)")
    oidc_client_id: str = Field(default="", description="OIDC-klient-id")
    oidc_client_secret: str = Field(default="", description="OIDC-klienthemmelighed")
    oidc_role_claim: str = Field(default="roles", description="Claim med brugerens roller")
    oidc_role_map: str = Field(
        default="", description="Roller fra IdP til Tværs-roller: gruppe=rolle,gruppe=rolle"
    )

    @property
    def analytics_path(self) -> Path:
        return self.home / "analyse.duckdb"

    @property
    def store_url(self) -> str:
        # the path is quoted: a home with "?" or "#" must not end the database name early
        path = (self.home / "drift.sqlite").resolve()
        return self.database_url or f"sqlite:///{quote(str(path))}"

    @property
    def log_path(self) -> Path:
        return self.home / "logs" / "tvaers.log"

    @property
    def scratch_dir(self) -> Path:
        return self.home / "tmp"

    @cached_property
    def key_bytes(self) -> bytes:
        """The pseudonymisation key. Generated once, kept in a file outside the databases."""
        if self.pseudonym_key:
            if len(self.pseudonym_key) < 32:
                raise ConfigError(
                    "TVAERS_PSEUDONYM_KEY er for kort (mindst 32 tegn).",
                    hint="Brug den nøgle, kommunens data er indlæst med; en ny nøgle giver nye "
                    "pseudonymer.",
                )
            return self.pseudonym_key.encode()
        path = self.pseudonym_key_file or self.keys_dir / "pseudonym.key"
        key = _secret_file(path)
        if len(key) < 32:
            raise ConfigError(
                f"Nøglefilen {path} er for kort (mindst 32 tegn).",
                hint="Slet den ikke uden videre: pseudonymer afhænger af den.",
            )
        return key.encode()

    @property
    def identity_path(self) -> Path:
        """The encrypted identity store (tvaers.store.identities)."""
        return self.home / "identiteter.bin"

    @cached_property
    def identity_key_bytes(self) -> bytes:
        """The identity store's own AES-256 key: the setting, or a generated file."""
        text = self.identity_key or _secret_file(self.keys_dir / "identitet.key")
        try:
            key = bytes.fromhex(text)
        except ValueError:
            key = b""
        if len(key) != 32:
            raise ConfigError(
                "Nøglen til identitetslageret skal være 64 hex-tegn (32 byte).",
                hint="Sæt TVAERS_IDENTITY_KEY eller slet ikke nøglefilen: lageret kan ikke "
                "åbnes uden den.",
            )
        return key

    @cached_property
    def session_key(self) -> str:
        """The key that signs session cookies: the setting, or a generated file."""
        if self.secret_key:
            return self.secret_key
        return _secret_file(self.keys_dir / "session.key")

    @property
    def keys_dir(self) -> Path:
        """Where generated keys are kept: outside the data folder, so that a copy or backup of
        the data never carries the key that reverses its pseudonyms (separation of duties:
        whoever holds the data folder does not hold the keys). A home made before keys moved out
        keeps its ``hemmeligheder`` folder until the operator moves it (docs/settings.md)."""
        if self.secrets_dir is not None:
            return self.secrets_dir
        legacy = self.home / "hemmeligheder"
        if legacy.is_dir():
            return legacy
        home = self.home.resolve()
        base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
        digest = hashlib.sha256(str(home).encode()).hexdigest()[:10]
        return base / "tvaers" / f"{home.name}-{digest}"

    def ensure_home(self) -> None:
        """The data folder and everything in it, readable by its owner only (it holds personal
        data): files this process makes are created so (umask 077), and any file or folder found
        wider (an older version, a copy) is narrowed."""
        os.umask(0o077)
        self.home.mkdir(parents=True, exist_ok=True)
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(OSError):  # a folder owned by someone else is left as it is
            self.home.chmod(0o700)
            for path in self.home.rglob("*"):  # the few files of the home, not the data
                mode = path.lstat().st_mode
                if not path.is_symlink() and mode & 0o077:
                    path.chmod(mode & 0o700)


_MEMORY = re.compile(r"(\d+(?:[.,]\d+)?)\s*(%|[KMGT]?I?B)", re.IGNORECASE)
_UNITS = {"": 1, "K": 2**10, "M": 2**20, "G": 2**30, "T": 2**40}


def memory_bytes(limit: str, ram: int | None = None) -> int:
    """``TVAERS_MEMORY_LIMIT`` in bytes: a share of the machine's RAM (``60%``) or an amount
    (``8GB``, ``8GiB``, ``512MB``); DuckDB takes it as it is, Spark's heap is sized from it.
    ``ValueError`` in Danish for anything else."""
    found = _MEMORY.fullmatch(limit.strip())
    number = float(found.group(1).replace(",", ".")) if found else 0.0
    if not found or number <= 0 or (found.group(2) == "%" and number > 100):
        raise ValueError(
            f"TVAERS_MEMORY_LIMIT skal være en andel af maskinens RAM (fx 60%) eller en mængde "
            f"(fx 8GB); fik {limit!r}"
        )
    if found.group(2) == "%":
        ram = ram or os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
        return int(ram * number / 100)
    return int(number * _UNITS[found.group(2).upper()[:1].replace("B", "")])


def _secret_file(path: Path) -> str:
    """Read a secret from ``path``; create it (mode 600) with 32 random bytes the first time."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.parent.chmod(0o700)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text().strip()


def get_settings(**overrides: object) -> Settings:
    return Settings(**overrides)  # type: ignore[arg-type]
