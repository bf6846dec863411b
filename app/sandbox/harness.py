"""The test runner that runs inside the sandbox: imports the candidate's ``solution.py``, runs every
``test_*`` function of ``tests.py`` (each may take the solution module as its argument), and prints one
JSON line per test: name, passed, message, seconds, and what the test printed (capped). Standard
library only; it must not trust the
solution (a test that hangs is stopped by the sandbox's wall clock, and the results printed so far
still count)."""

from __future__ import annotations

import contextlib
import importlib.util
import inspect
import io
import json
import sys
import time
import traceback

MARK = "@@viva-test@@"  # followed by the run's nonce, which the host sends on stdin
OUTPUT_CHARS = 2000  # of what each test printed, kept for the candidate


class _Capped(io.TextIOBase):
    """Keeps the first OUTPUT_CHARS characters written and drops the rest, so a test that prints
    without end costs time (the CPU limit stops it), never memory."""

    def __init__(self) -> None:
        self.kept: list[str] = []
        self.size = 0
        self.dropped = False

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        room = OUTPUT_CHARS - self.size
        if room > 0:
            self.kept.append(text[:room])
            self.size += min(room, len(text))
        if len(text) > room:
            self.dropped = True
        return len(text)

    def value(self) -> str:
        return "".join(self.kept) + ("\n[output cut]" if self.dropped else "")


def _load(name: str, path: str):  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.modules[name] = module
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def main(folder: str) -> int:
    # The nonce comes first, before any candidate code runs, so printed lines cannot pose as results
    # without digging it out of this frame (a mock interview's candidate gains nothing by that).
    mark = MARK + sys.stdin.readline().strip()
    sys.stdin.close()
    out = sys.stdout  # results go here; what the candidate's code prints is captured per test

    def report(name: str, passed: bool, message: str, seconds: float, printed: _Capped) -> None:
        out.write(mark + json.dumps({"name": name, "passed": passed, "message": message[:500],
                                     "seconds": round(seconds, 4), "output": printed.value()}) + "\n")
        out.flush()

    printed = _Capped()
    try:
        with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
            solution = _load("solution", f"{folder}/solution.py")
    except BaseException as exc:  # noqa: BLE001 - the candidate's code may raise anything
        report("import", False, _message(exc), 0.0, printed)
        return 1
    tests = _load("tests", f"{folder}/tests.py")
    failed = 0
    at_import = printed  # what the module printed when imported: shown with the first test's output
    for name, function in inspect.getmembers(tests, inspect.isfunction):
        if not name.startswith("test_") or function.__module__ != "tests":
            continue
        printed, at_import = at_import or _Capped(), None
        started = time.perf_counter()
        try:
            with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
                function(solution) if inspect.signature(function).parameters else function()
            passed, message = True, ""
        except BaseException as exc:  # noqa: BLE001
            passed, message = False, _message(exc)
            failed += 1
        report(name, passed, message, time.perf_counter() - started, printed)
    return 1 if failed else 0


def _message(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}".strip()
    if isinstance(exc, AssertionError) and not str(exc):
        frame = traceback.extract_tb(exc.__traceback__)[-1]
        text = f"AssertionError at {frame.name}: {frame.line}"
    return text


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
