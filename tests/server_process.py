"""Run the real server (uvicorn, ``app.main:app_from_env``) as a subprocess on a free port, for tests
that need a process to kill or several processes to race."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_RUBRICS = Path(__file__).parent / "data" / "rubrics"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """One ``viva`` server process. Its log (JSON lines) goes to ``log_path``."""

    def __init__(self, workdir: Path, env: dict[str, str], name: str = "server", *, workers: int | None = None) -> None:
        """``workers``: run ``viva serve --workers N`` (the production command) instead of bare uvicorn."""
        self.workers = workers
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log_path = workdir / f"{name}-{self.port}.log"
        self.workdir = workdir
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("VIVA_", "OPENAI_"))},
            "VIVA_RUBRICS_DIR": str(FIXTURE_RUBRICS),
            "VIVA_LOG_LEVEL": "INFO",
            "PYTHONPATH": str(ROOT),
            **env,
        }
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 30.0) -> "Server":
        log = self.log_path.open("ab")
        command = (
            [sys.executable, "-m", "app.cli", "serve", "--host", "127.0.0.1", "--port", str(self.port),
             "--workers", str(self.workers)]
            if self.workers else
            [sys.executable, "-m", "uvicorn", "--factory", "app.main:app_from_env",
             "--host", "127.0.0.1", "--port", str(self.port), "--log-level", "info"]
        )
        self.proc = subprocess.Popen(
            command,
            cwd=self.workdir,  # no stray .env from the checkout
            env=self.env, stdout=log, stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}:\n{self.log()}")
            try:
                if httpx.get(f"{self.base_url}/api/info", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"server did not start in {timeout}s:\n{self.log()}")

    def kill(self) -> None:
        """SIGKILL: no shutdown handlers, no flushing - as a crash or an OOM kill."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def __enter__(self) -> "Server":
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()
