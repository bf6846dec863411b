"""The test runner that runs inside the sandbox: imports the candidate's ``solution.py``, runs every
``test_*`` function of ``tests.py`` (each may take the solution module as its argument), and prints one
JSON line per test: name, passed, message, seconds. Standard library only; it must not trust the
solution (a test that hangs is stopped by the sandbox's wall clock, and the results printed so far
still count)."""

from __future__ import annotations

import importlib.util
import inspect
import json
import sys
import time
import traceback

MARK = "@@viva-test@@"  # followed by the run's nonce, which the host sends on stdin


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
    try:
        solution = _load("solution", f"{folder}/solution.py")
    except BaseException as exc:  # noqa: BLE001 - the candidate's code may raise anything
        print(mark + json.dumps({"name": "import", "passed": False, "message": _message(exc), "seconds": 0.0}), flush=True)
        return 1
    tests = _load("tests", f"{folder}/tests.py")
    failed = 0
    for name, function in inspect.getmembers(tests, inspect.isfunction):
        if not name.startswith("test_") or function.__module__ != "tests":
            continue
        started = time.perf_counter()
        try:
            function(solution) if inspect.signature(function).parameters else function()
            passed, message = True, ""
        except BaseException as exc:  # noqa: BLE001
            passed, message = False, _message(exc)
            failed += 1
        print(mark + json.dumps({"name": name, "passed": passed, "message": message[:500],
                                 "seconds": round(time.perf_counter() - started, 4)}), flush=True)
    return 1 if failed else 0


def _message(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}".strip()
    if isinstance(exc, AssertionError) and not str(exc):
        frame = traceback.extract_tb(exc.__traceback__)[-1]
        text = f"AssertionError at {frame.name}: {frame.line}"
    return text


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
