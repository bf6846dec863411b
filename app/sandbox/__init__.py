"""Running candidates' code in a sandbox (bubblewrap): see ``runner.py``."""

from app.sandbox.runner import Limits, RunResult, Sandbox, SandboxUnavailable

__all__ = ["Limits", "RunResult", "Sandbox", "SandboxUnavailable"]
