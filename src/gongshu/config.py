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
    query_epsilon: float = Field(default=0.1, description="ε a DP query spends unless the job asks for another")
    reviewers_required: int = Field(default=2, description="independent approvals a job output needs (一模型一审定)")
    job_workers: int = Field(default=1, description="in-process job workers `gongshu serve` starts (0: none)")
    job_lease_seconds: int = Field(default=60, description="how long a worker's claim on a job lasts unrenewed")
    sql_seconds: float = Field(default=60.0, description="time limit of one SQL job")
    sql_memory_mb: int = Field(default=2048, description="memory limit of one SQL job in MiB")
    sql_threads: int = Field(default=2, description="threads one SQL job may use")
    max_output_rows: int = Field(default=10_000, description="most rows a job output may have")
    differencing_window: int = Field(default=50, description="earlier queries each query is compared with")
    audit_max_atoms: int = Field(
        default=3000, description="most atoms the query audit solves; beyond it a query without DP is refused"
    )
    py_cpu_seconds: int = Field(default=300, description="CPU time limit of one Python job")
    py_memory_mb: int = Field(default=2048, description="memory limit of one Python job in MiB")
    py_wall_seconds: int = Field(default=600, description="wall-clock limit of one Python job")
    py_processes: int = Field(default=64, description="processes one Python job may start")
    py_file_mb: int = Field(default=256, description="largest file a Python job may write, in MiB")
    max_output_mb: int = Field(default=100, description="largest job output file in MiB")
    sample_rows: int = Field(default=1000, description="rows of a synthetic sample")
    spark_master: str = Field(default="local[2]", description="Spark master for resources run on Spark")
    spark_resources: list[str] = Field(
        default_factory=list, description="resource codes whose jobs run on Apache Spark instead of DuckDB"
    )
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

    @property
    def jobs_dir(self) -> Path:
        return self.home / "jobs"

    def ensure_dirs(self) -> None:
        for d in (self.home, self.data_dir, self.key_dir, self.tmp_dir, self.jobs_dir):
            d.mkdir(parents=True, exist_ok=True)
        self.key_dir.chmod(0o700)
