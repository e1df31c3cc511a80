"""Settings, read from the environment (prefix ``CORTESIA_``) or a ``.env`` file."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_WORKSPACE = Path(".cortesia")


class Settings(BaseSettings):
    """Every setting of Cortesía; the README documents each one."""

    model_config = SettingsConfigDict(env_prefix="CORTESIA_", env_file=".env", extra="ignore")

    database_url: str = Field(
        default="",
        description="SQLAlchemy URL of the store; empty means sqlite:///.cortesia/cortesia.db",
    )
    workspace_dir: Path = Field(default=DEFAULT_WORKSPACE, description="embedded workspace folder")
    public_base_url: str = Field(
        default="http://127.0.0.1:8000", description="base of unsubscribe links"
    )
    unsubscribe_keys: SecretStr = Field(
        default=SecretStr(""),
        description="kid:secret[,kid:secret…]; the first signs, all verify (rotation)",
    )
    unsubscribe_ttl_days: int = Field(default=90, ge=1, le=3650)
    public_rate_limit_per_minute: int = Field(default=60, ge=1)
    max_body_bytes: int = Field(
        default=16 * 1024 * 1024, ge=1024, description="largest request body the API reads"
    )
    company_policy_file: Path | None = Field(
        default=None,
        description="company contact policy (TOML); default <workspace>/company-policy.toml",
    )
    apply_needs_review: bool = Field(
        default=False, description="also apply pack rules below high confidence (counsel reviewed)"
    )
    scoring: Literal["beta", "adaptive"] = Field(
        default="beta",
        description="beta: Beta priors per action and channel; adaptive: the online learners",
    )
    sqlite_memory_map: bool = Field(
        default=True,
        description="read the SQLite file through a memory map; the service's workers turn "
        "it off when there are several (each one's commits would drop the others' maps)",
    )
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)

    def resolved_database_url(self) -> str:
        """The store URL, defaulting to the embedded SQLite file."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.workspace_dir / 'cortesia.db'}"

    def resolved_company_policy(self) -> Path | None:
        """The company policy file to apply, if any."""
        if self.company_policy_file is not None:
            return self.company_policy_file
        default = self.workspace_dir / "company-policy.toml"
        return default if default.is_file() else None

    @field_validator("public_base_url")
    @classmethod
    def _http_address(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(
                "must be an http:// or https:// address, e.g. https://prefs.example.com"
            )
        return value


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Settings of this process, read once."""
    return Settings()
