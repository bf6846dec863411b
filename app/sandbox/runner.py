"""Running a candidate's code: in a separate process inside bubblewrap, or not at all.

Each run gets a fresh private /tmp, no network (every namespace unshared), a read-only view of only
what Python needs (its installation and the shared libraries; no /etc/passwd, no app data folder, no
environment - so no API key), rlimits on CPU time, memory, processes, file size and open files, a
wall-clock timeout that kills the whole process group, and a cap on the output read back. Runs are
queued behind a semaphore, so candidates cannot starve the server.

When bubblewrap is missing or does not work here, code runs are off (``available`` says why); the
setting ``VIVA_UNSANDBOXED_CODE_RUNS=on`` allows a plain subprocess with the same limits on a
single-user laptop, with a warning in the log.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import resource
import shutil
import signal
import sys
import sysconfig
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger("viva.sandbox")

# One thread per BLAS and OpenMP pool in a run (see bwrap_args).
ONE_THREAD = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}

# Where a run's files appear inside the sandbox (read-only); ``argv`` refers to them by this path.
RUN_DIR = "/run-files"



@dataclass(frozen=True)
class Limits:
    cpu_seconds: int = 5
    wall_seconds: float = 10.0
    memory_bytes: int = 1024 * 1024 * 1024
    processes: int = 32
    file_bytes: int = 8 * 1024 * 1024
    open_files: int = 64
    output_bytes: int = 256 * 1024


@dataclass(frozen=True)
class RunResult:
    """What one run did: its exit, its (capped) output, and why it was stopped, if it was."""

    exit_code: int | None
    stdout: str
    stderr: str
    seconds: float
    timed_out: bool = False
    output_truncated: bool = False

    @property
    def ok(self) -> bool:
        return self.exit_code == 0 and not self.timed_out


class SandboxUnavailable(RuntimeError):
    """Code runs are off here; the message says why and how to turn them on."""


class Sandbox:
    def __init__(self, *, concurrency: int = 2, limits: Limits = Limits(), unsandboxed: bool = False) -> None:
        self.limits = limits
        self.unsandboxed = unsandboxed
        self._slots = asyncio.Semaphore(concurrency)
        self._why_not: str | None = None
        self._checked = False

    # Availability ---------------------------------------------------------------------------

    def available(self) -> tuple[bool, str]:
        """(True, "") when candidate code can run here; else (False, the reason for the start page)."""
        if not self._checked:
            self._checked = True
            self._why_not = _probe()
            if self._why_not and self.unsandboxed:
                log.warning("code runs are NOT sandboxed (VIVA_UNSANDBOXED_CODE_RUNS=on): %s", self._why_not)
        if self._why_not and not self.unsandboxed:
            return False, self._why_not
        return True, ""

    @property
    def unsandboxed_now(self) -> bool:
        """Whether runs go without bubblewrap (it is missing, and the setting allows that)."""
        return self.unsandboxed and bool(self._why_not)

    # Running --------------------------------------------------------------------------------

    async def run(self, files: dict[str, str], argv: list[str], limits: Limits | None = None, stdin: bytes = b"") -> RunResult:
        """Write ``files`` into a fresh folder, mounted read-only at ``RUN_DIR``, and run ``argv``
        (``python`` is this interpreter) there. Raises SandboxUnavailable when runs are off."""
        ok, why = self.available()
        if not ok:
            raise SandboxUnavailable(why)
        limits = limits or self.limits
        async with self._slots:
            with tempfile.TemporaryDirectory(prefix="viva-run-") as folder:
                for name, text in files.items():
                    (Path(folder) / name).write_text(text, encoding="utf-8")
                os.chmod(folder, 0o755)
                for path in Path(folder).iterdir():
                    os.chmod(path, 0o644)
                command = self._command(folder, argv)
                return await _execute(command, limits, cwd=folder if self._why_not else "/", stdin=stdin)

    def _command(self, folder: str, argv: list[str]) -> list[str]:
        argv = [sys.executable if a == "python" else a for a in argv]
        if self._why_not:  # unsandboxed, by explicit setting
            return [a.replace(RUN_DIR, folder) for a in argv]
        return [*bwrap_args(folder), "--", *_as_nobody(), *argv]


# When the server runs as root, candidate code runs as this user (dropped inside the sandbox), so the
# process limit counts the run's own processes only and no root capability reaches it.
NOBODY = 65534


def bwrap_args(folder: str) -> list[str]:
    """bubblewrap options: nothing shared but a read-only view of Python and the libraries."""
    # As root, every namespace but the user one (the drop to NOBODY below needs real uids); otherwise
    # all of them, the user namespace included.
    unshare = (["--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try"]
               if os.geteuid() == 0 else ["--unshare-all"])
    args = ["bwrap", *unshare, "--die-with-parent", "--new-session", "--clearenv",
            "--setenv", "PATH", "/usr/bin:/bin", "--setenv", "HOME", "/tmp", "--setenv", "PYTHONDONTWRITEBYTECODE", "1",
            "--setenv", "PYTHONHASHSEED", "0",
            # One thread per BLAS and OpenMP pool: a run's threads count against its process limit, and
            # a single candidate's run has no business taking every core.
            *(a for name, value in ONE_THREAD.items() for a in ("--setenv", name, value)),
            "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"]
    roots = _readable_roots()
    # The folders above each mount are made by bubblewrap; make them traversable for the dropped user
    # (/root would otherwise be created 0700 and hide the Python inside it).
    parents = sorted({str(p) for r in roots for p in Path(r).parents if str(p) != "/"}, key=lambda p: p.count("/"))
    for parent in parents:
        args += ["--perms", "0755", "--dir", parent]
    for path in roots:
        args += ["--ro-bind", path, path]
    return [*args, "--ro-bind", folder, RUN_DIR, "--chdir", RUN_DIR]


@functools.cache
def _readable_roots() -> tuple[str, ...]:
    """Python's installation and site-packages, and the system libraries it loads; never /etc
    (only the loader's cache), the home or the app's data folder."""
    roots = {"/usr", "/lib", "/lib64", "/bin", "/etc/ld.so.cache"}
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        roots.add(sysconfig.get_paths()[key])
    roots.add(str(Path(sys.executable).resolve().parent.parent))
    roots.update({sys.prefix, sys.base_prefix})  # a virtualenv's root holds pyvenv.cfg, which finds its packages
    present = sorted(r for r in roots if os.path.exists(r))
    # a root inside another is already visible
    return tuple(r for r in present if not any(r != o and r.startswith(o.rstrip("/") + "/") for o in present))


def _as_nobody() -> list[str]:
    if os.geteuid() != 0:
        return []
    return [shutil.which("setpriv") or "/usr/bin/setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups",
            "--inh-caps=-all", "--bounding-set=-all"]


def _own_processes() -> int:
    """Processes of this user: the kernel's process limit counts them all, so a run's limit is set
    above them (inside the sandbox's user namespace the limit binds even for root)."""
    uid = os.geteuid()
    count = 0
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                count += os.stat(f"/proc/{entry}").st_uid == uid
            except OSError:
                pass
    return count


def _probe() -> str | None:
    """None when bubblewrap runs a trivial program here; else why code runs are off."""
    if not shutil.which("bwrap"):
        return "bubblewrap (bwrap) is not installed: apt-get install bubblewrap to turn code questions on"
    import subprocess

    with tempfile.TemporaryDirectory() as folder:
        os.chmod(folder, 0o755)
        command = [*bwrap_args(folder), "--", *_as_nobody(), sys.executable, "-I", "-c", "print('ok')"]
        try:
            done = subprocess.run(command, capture_output=True, timeout=20, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            return f"bubblewrap does not run here ({exc})"
    if done.returncode != 0 or done.stdout.strip() != b"ok":
        return f"bubblewrap does not run here: {done.stderr.decode(errors='replace').strip()[:200]}"
    return None


async def _execute(command: list[str], limits: Limits, cwd: str, stdin: bytes = b"") -> RunResult:
    def set_limits() -> None:
        resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds + 1))
        resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
        resource.setrlimit(resource.RLIMIT_NPROC, (processes, processes))
        resource.setrlimit(resource.RLIMIT_FSIZE, (limits.file_bytes, limits.file_bytes))
        resource.setrlimit(resource.RLIMIT_NOFILE, (limits.open_files, limits.open_files))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

    # As root the run's processes belong to NOBODY alone; otherwise to this user, whose own count comes first.
    processes = limits.processes if os.geteuid() == 0 else _own_processes() + limits.processes
    started = time.perf_counter()
    process = await asyncio.create_subprocess_exec(
        *command, cwd=cwd, stdin=asyncio.subprocess.PIPE if stdin else asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE, preexec_fn=set_limits, start_new_session=True, env={"PATH": "/usr/bin:/bin", **ONE_THREAD},
    )
    assert process.stdout is not None and process.stderr is not None
    if stdin and process.stdin is not None:
        process.stdin.write(stdin)
        try:
            await process.stdin.drain()
        except (BrokenPipeError, ConnectionResetError):
            pass
        process.stdin.close()
    out, err = bytearray(), bytearray()
    truncated = False

    async def drain(stream: asyncio.StreamReader, into: bytearray) -> None:
        nonlocal truncated
        while chunk := await stream.read(65536):
            room = limits.output_bytes - len(into)
            if room > 0:
                into += chunk[:room]
            if len(chunk) > room and not truncated:
                truncated = True
                # The output cap: the run is killed; what is still in the pipe is read and dropped,
                # since the process only counts as ended once its pipes reach end-of-file.
                _kill(process)

    timed_out = False
    try:
        await asyncio.wait_for(asyncio.gather(drain(process.stdout, out), drain(process.stderr, err), process.wait()),
                               timeout=limits.wall_seconds)
    except asyncio.TimeoutError:
        timed_out = True
    finally:
        _kill(process)
        try:
            await asyncio.wait_for(process.wait(), timeout=5)
        except asyncio.TimeoutError:  # pragma: no cover - a process that survives SIGKILL
            log.error("a sandboxed run did not exit after SIGKILL")
    return RunResult(
        exit_code=None if timed_out else process.returncode,
        stdout=out.decode("utf-8", errors="replace"),
        stderr=err.decode("utf-8", errors="replace"),
        seconds=round(time.perf_counter() - started, 3),
        timed_out=timed_out,
        output_truncated=truncated,
    )


def _kill(process: asyncio.subprocess.Process) -> None:
    """Kill the run's whole process group (a fork inside it included)."""
    if process.returncode is None:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
