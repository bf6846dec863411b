"""Candidate code runs contained: no network, no files of the host or the app, no environment, bounded
CPU, memory, processes, output and time - and the server keeps answering while a hostile run goes on."""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path

import pytest

from app.sandbox import Limits, Sandbox
from app.sandbox.runner import RUN_DIR
from tests.conftest import usable_sandbox

pytestmark = [pytest.mark.anyio, pytest.mark.sandbox]

LIMITS = Limits(cpu_seconds=3, wall_seconds=6, memory_bytes=512 * 1024 * 1024, processes=16, output_bytes=64 * 1024)


@pytest.fixture
def sandbox() -> Sandbox:
    return usable_sandbox(LIMITS)


async def run(sandbox: Sandbox, code: str):  # type: ignore[no-untyped-def]
    return await sandbox.run({"main.py": code}, ["python", "-I", f"{RUN_DIR}/main.py"])


async def test_ordinary_code_runs_and_prints(sandbox: Sandbox) -> None:
    result = await run(sandbox, "print(sum(range(10)))")
    assert result.ok and result.stdout.strip() == "45"


@pytest.mark.parametrize(("name", "code", "expect"), [
    ("network", "import socket\ns = socket.create_connection(('1.1.1.1', 80), timeout=2)\nprint('connected')", "connected"),
    ("passwd", "print(open('/etc/passwd').read())", "root:"),
    ("environment", "import os\nprint(os.environ.get('VIVA_LLM_API_KEY') or sorted(os.environ))", "sk-"),
    ("subprocess", "import subprocess\nprint(subprocess.run(['cat', '/etc/hostname'], capture_output=True).stdout)", "HOSTNAME"),
])
async def test_hostile_code_gets_nothing(sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch, name: str, code: str, expect: str) -> None:
    monkeypatch.setenv("VIVA_LLM_API_KEY", "sk-secret-test-key")
    if expect == "HOSTNAME":  # a subprocess runs, inside the same walls
        expect = Path("/etc/hostname").read_text().strip() or "never-printed"
    result = await run(sandbox, code)
    assert expect not in result.stdout, (name, result)


async def test_the_app_data_folder_is_not_there(sandbox: Sandbox, tmp_path: Path) -> None:
    database = tmp_path / "viva.db"
    database.write_text("secret rows")
    result = await run(sandbox, f"print(open({str(database)!r}).read())")
    assert not result.ok and "secret rows" not in result.stdout and "No such file" in result.stderr


@pytest.mark.parametrize(("name", "code"), [
    ("loop", "while True:\n    pass"),
    ("sleep", "import time\ntime.sleep(60)"),
    ("memory", "x = bytearray(10 * 1024 ** 3)\nprint(len(x))"),
    ("fork bomb", "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass"),
    ("output", "import sys\nwhile True:\n    sys.stdout.write('x' * 65536)"),
    ("disk", "open('/tmp/big', 'wb').write(b'0' * (64 * 1024 * 1024))\nprint('wrote')"),
])
async def test_resource_abuse_is_stopped_and_reported(sandbox: Sandbox, name: str, code: str) -> None:
    started = time.perf_counter()
    result = await run(sandbox, code)
    assert not result.ok, (name, result)
    assert time.perf_counter() - started < LIMITS.wall_seconds + 6, name
    assert len(result.stdout) <= LIMITS.output_bytes
    assert "wrote" not in result.stdout and "10737418240" not in result.stdout


async def test_a_fork_bomb_leaves_no_process_behind(sandbox: Sandbox) -> None:
    before = len(os.listdir("/proc"))
    await run(sandbox, "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass")
    await asyncio.sleep(1)
    assert len(os.listdir("/proc")) <= before + 5


async def test_ten_runs_at_once_all_complete(sandbox: Sandbox) -> None:
    results = await asyncio.gather(*(run(sandbox, f"print({i} * {i})") for i in range(10)))
    assert [r.stdout.strip() for r in results] == [str(i * i) for i in range(10)]


def test_doctor_says_whether_code_can_run_and_why_not(monkeypatch: pytest.MonkeyPatch) -> None:
    from app.cli import describe_code_runs
    from app.config import Settings

    assert "off (VIVA_CODE_RUNS_ENABLED=false)" in describe_code_runs(Settings(_env_file=None, code_runs_enabled=False))
    monkeypatch.setattr("app.sandbox.runner.shutil.which", lambda name: None)
    line = describe_code_runs(Settings(_env_file=None))
    assert line.startswith("code runs: off") and "apt-get install bubblewrap" in line
    assert "NOT sandboxed" in describe_code_runs(Settings(_env_file=None, unsandboxed_code_runs=True))
