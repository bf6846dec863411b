"""Settings, read from ``VIVA_*`` environment variables and a ``.env`` file.

Nothing is read at import time: ``Settings()`` is built by the CLI (or a test) and handed to
``create_app(settings)``.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="VIVA_", env_file=".env", extra="ignore")

    database_url: str = Field(
        default=f"sqlite:///{PROJECT_ROOT / 'data' / 'viva.db'}",
        description="SQLAlchemy URL; sqlite:///path (default) or postgresql+psycopg://user@host/db",
    )
    rubrics_dir: Path = PROJECT_ROOT / "rubrics"
    prompts_dir: Path = PROJECT_ROOT / "prompts"
    web_dir: Path = PROJECT_ROOT / "web"

    # LLM endpoint. Unset base URL and key: the offline examiner grades.
    llm_base_url: str | None = None
    llm_api_key: SecretStr | None = None
    llm_model: str = "gpt-4o-mini"
    llm_timeout: float = Field(default=30.0, gt=0, description="Seconds per LLM call")
    llm_max_retries: int = Field(default=2, ge=0, le=10)
    llm_token_budget: int | None = Field(default=None, ge=0, description="Tokens per interview; then offline")

    # Limits
    max_answer_chars: int = Field(default=8000, ge=100)
    max_body_bytes: int = Field(default=64 * 1024, ge=1024, description="Largest request body accepted (413 above)")
    rate_limit_enabled: bool = True
    rate_limit_answers_per_minute: int = Field(default=30, ge=1, description="Per interview (answers, skips, finish)")
    rate_limit_client_answers_per_minute: int = Field(default=120, ge=1, description="Per client address")
    rate_limit_interviews_per_minute: int = Field(default=10, ge=1, description="New interviews per client address")
    rate_limit_reads_per_minute: int = Field(default=240, ge=1, description="Reads (views, transcripts) per client address")
    rate_limit_pdf_per_minute: int = Field(default=10, ge=1, description="PDF transcripts per client address")
    # Set by `viva serve --workers N` for its workers: with in-memory counters each worker keeps its
    # own, so each enforces 1/N of every limit (Redis counters are shared and exact).
    worker_count: int = Field(default=1, ge=1)
    rate_limit_storage_url: str = Field(
        default="memory://",
        description="Where rate-limit counters live: memory:// (one process) or redis://host:6379 (shared)",
    )

    # Code runs (candidates' code for implementation tasks): always inside bubblewrap, several at once
    # at most. unsandboxed_code_runs allows a plain subprocess with the same limits - a single-user
    # laptop only.
    code_runs_enabled: bool = True
    code_run_concurrency: int = Field(default=2, ge=1, le=32)
    unsandboxed_code_runs: bool = False
    code_run_cpu_seconds: int = Field(default=10, ge=1, le=300, description="CPU time of one run of a candidate's code")
    code_run_wall_seconds: float = Field(default=20.0, gt=0, le=600, description="Wall-clock time of one run")
    code_run_memory_mb: int = Field(default=1024, ge=128, description="Address space of one run (NumPy needs ~300 MB)")

    # PDF transcripts: renders at once (each is CPU-bound), and rendered PDFs kept (per interview version).
    pdf_concurrency: int = Field(default=2, ge=1, le=32)
    pdf_cache_size: int = Field(default=64, ge=0)
    # Spoken answers (app/speech, optional `voice` extra): faster-whisper transcribes recorded answers
    # on this machine. stt_model: a Whisper size (tiny, base, small, medium, large-v3; downloaded once on
    # first use and cached) or the folder of a CTranslate2 Whisper model.
    stt_enabled: bool = True
    stt_model: str = Field(default="base", description="Whisper size (tiny, base, small, ...) or a local model folder")
    stt_compute_type: str = Field(default="int8", description="CTranslate2 compute type (int8 runs on any CPU)")
    stt_cpu_threads: int = Field(default=0, ge=0, le=64, description="Threads per transcription (0: CTranslate2's default)")
    stt_concurrency: int = Field(default=1, ge=1, le=16, description="Transcriptions at once (more wait their turn)")
    stt_language: str | None = Field(default=None, description="Language code to assume (unset: detected)")
    stt_max_audio_bytes: int = Field(default=8 * 1024 * 1024, ge=1024, description="Largest recording accepted (413 above)")
    stt_max_audio_seconds: float = Field(default=300.0, gt=0, description="Longest recording accepted (413 above)")
    stt_keep_audio: bool = Field(default=False, description="Keep recordings in stt_audio_dir (default: discarded once transcribed)")
    stt_audio_dir: Path = PROJECT_ROOT / "data" / "audio"

    # Retention: an interview idle this long is closed (abandoned); finished interviews older than
    # retention_days are deleted with their answers (unset: kept).
    expire_after_hours: float = Field(default=72.0, gt=0)
    retention_days: float | None = Field(default=None, gt=0)

    # Host names the app answers to (the Host header); "*" accepts any. Set it in production.
    allowed_hosts: list[str] = Field(default=["*"])
    # The front door of `viva serve` (app/server.py).
    max_header_bytes: int = Field(default=16 * 1024, ge=1024, description="Largest request head (431 above)")
    header_timeout: float = Field(default=10.0, gt=0, description="Seconds a client has to send a request head")
    keep_alive_timeout: float = Field(default=5.0, gt=0, description="Seconds an idle keep-alive connection stays open")
    max_connections: int | None = Field(default=1000, ge=1, description="Connections at once (503 above)")
    proxy_headers: bool = Field(default=False, description="Trust X-Forwarded-For/-Proto from forwarded_allow_ips")
    forwarded_allow_ips: str = Field(default="127.0.0.1", description="The reverse proxy's address(es)")

    # Optional accounts (VIVA_ACCOUNTS=on; pip install 'viva[accounts]'): a username and password own a
    # practice profile, signed in by an HttpOnly SameSite cookie. Off: profiles are keys kept in the browser.
    accounts: bool = False

    # Test hook, for the crash-recovery test and demos: every grading waits this long first. Keep 0.
    grading_delay: float = Field(default=0.0, ge=0, le=600)

    log_level: str = "INFO"

    @model_validator(mode="after")
    def _openai_fallbacks(self) -> "Settings":
        # The usual OpenAI variables are honoured when the VIVA_ ones are not set.
        if self.llm_base_url is None and os.environ.get("OPENAI_BASE_URL"):
            self.llm_base_url = os.environ["OPENAI_BASE_URL"]
        if self.llm_api_key is None and os.environ.get("OPENAI_API_KEY"):
            self.llm_api_key = SecretStr(os.environ["OPENAI_API_KEY"])
        return self

    @property
    def llm_enabled(self) -> bool:
        return bool(self.llm_base_url or self.llm_api_key)

    @property
    def llm_host(self) -> str:
        """Host of the LLM endpoint, safe to show (never the key)."""
        if not self.llm_base_url:
            return "api.openai.com"
        return urlsplit(self.llm_base_url).netloc or self.llm_base_url

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")
