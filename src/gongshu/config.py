"""Settings: one pydantic-settings class, read from GONGSHU_* variables and .env."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Everything gongshu can be configured with; documented in docs/reference/settings.md."""

    model_config = SettingsConfigDict(env_prefix="GONGSHU_", env_file=".env", extra="ignore")

    home: Path = Field(default=Path(".gongshu"), description="data directory: database, Parquet files, keys")
    database_url: str | None = Field(default=None, description="SQLAlchemy URL; default is SQLite at HOME/gongshu.db")
    ledger_hash: str = Field(default="sha256", description="ledger hash algorithm: sha256 or sm3")
    session_hours: int = Field(default=12, description="console session lifetime in hours")
    cookie_secure: bool = Field(
        default=False, description="always mark cookies Secure (they are Secure on https anyway)"
    )
    login_max_failures: int = Field(default=5, description="failed logins before a user is locked")
    login_lock_minutes: int = Field(default=15, description="how long a login lock lasts")
    max_upload_mb: int = Field(default=2048, description="largest accepted upload in MiB")
    k_min: int = Field(default=5, description="smallest k-anonymity a derived version needs to be opened")
    objection_verify_days: int = Field(default=5, description="days a provider has to verify an objection (核实)")
    objection_correct_days: int = Field(default=15, description="days a provider has to correct verified data (补正)")
    first_instance_days: int = Field(default=5, description="days the bureau has for first instance (初审)")
    review_days: int = Field(default=10, description="days a provider or regulator has to review its part")
    agreement_max_years: int = Field(default=5, description="longest period an agreement may run")
    default_epsilon: float = Field(default=1.0, description="privacy budget ε an agreement gets unless set")
    default_min_cell: int = Field(default=10, description="minimum cell count an agreement gets unless set")
    max_attachment_mb: int = Field(default=10, description="largest qualification document in MiB")
    host: str = Field(default="127.0.0.1", description="address `gongshu serve` binds to")
    port: int = Field(default=8000, description="port `gongshu serve` listens on")

    @property
    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{self.home.resolve() / 'gongshu.db'}"

    @property
    def data_dir(self) -> Path:
        return self.home / "data"

    @property
    def key_dir(self) -> Path:
        return self.home / "keys"

    @property
    def tmp_dir(self) -> Path:
        return self.home / "tmp"

    def ensure_dirs(self) -> None:
        for d in (self.home, self.data_dir, self.key_dir, self.tmp_dir):
            d.mkdir(parents=True, exist_ok=True)
        self.key_dir.chmod(0o700)
