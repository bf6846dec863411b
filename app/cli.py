"""The ``viva`` command: serve, rubrics check, eval, doctor, export, regrade."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path

from app.config import Settings
from app.errors import VivaError

Command = Callable[[argparse.Namespace], int]


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from app.db import check_database
    from app.server import uvicorn_options

    settings = Settings()
    check_database(settings.database_url)  # a wrong URL is a one-line error here, not a traceback per worker
    os.environ["VIVA_WORKER_COUNT"] = str(args.workers or 1)  # the workers split in-memory rate limits
    uvicorn.run(
        "app.main:app_from_env", factory=True, host=args.host, port=args.port, reload=args.reload,
        workers=None if args.reload else args.workers, log_level=settings.log_level.lower(),
        **uvicorn_options(settings),
    )
    return 0


def cmd_rubrics_check(args: argparse.Namespace) -> int:
    from app.bank.census import census
    from app.bank.lint import lint_bank
    from app.bank.loader import load_bank

    directory = Path(args.dir) if args.dir else Settings().rubrics_dir
    bank = load_bank(directory)
    counts = census(bank)
    problems = lint_bank(bank)
    if args.json:
        print(json.dumps({**counts, "problems": [str(p) for p in problems], "ok": not problems}, indent=2))
        return 1 if problems else 0
    for topic_id, c in counts["topics"].items():
        types = ", ".join(f"{t} {n}" for t, n in c["types"].items() if n)
        d = c["difficulty"]
        print(f"{topic_id:<24} {c['questions']:>3} questions  {c['key_points']:>4} key points  "
              f"easy/medium/hard: {d['easy']}/{d['medium']}/{d['hard']}  types: {types}")
    totals = counts["totals"]
    print("types: " + ", ".join(f"{t} {n}" for t, n in totals["types"].items()))
    share = totals["difficulty_share"]
    print(f"difficulty: easy {share['easy']:.0%}, medium {share['medium']:.0%}, hard {share['hard']:.0%}")
    for problem in problems:
        print(f"error: {problem}")
    if problems:
        print(f"{len(problems)} problem(s) in {directory}: fix what is named above (see docs/rubrics.md)")
        return 1
    print(f"OK: {totals['topics']} topics, {totals['questions']} questions, {totals['key_points']} key points in {directory}")
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from app.evaluation import format_report, run_eval

    report = run_eval(Path(args.file))
    print(report.model_dump_json(indent=2) if args.json else format_report(report))
    return 0


def cmd_doctor(args: argparse.Namespace) -> int:
    import asyncio

    from app.llm.doctor import format_doctor, run_doctor

    settings = Settings()
    report = asyncio.run(run_doctor(settings))
    print(format_doctor(report))
    print(describe_code_runs(settings))
    print(describe_speech(settings))
    return 0 if report.ok else 1


def describe_speech(settings: Settings) -> str:
    """One line for `viva doctor`: whether spoken answers can be transcribed here, and why not."""
    from app.speech.transcriber import readiness

    return f"speech-to-text: {readiness(settings)[1]}"


def describe_code_runs(settings: Settings) -> str:
    """One line for `viva doctor`: whether candidates' code can run here, and why not (the same check
    the start page makes)."""
    from app.code_runs import CodeRunner

    runner = CodeRunner(settings)
    ok, why = runner.available()
    if ok and runner.sandbox.unsandboxed_now:
        return "code runs: on, NOT sandboxed (VIVA_UNSANDBOXED_CODE_RUNS=true): only for a single-user laptop"
    return "code runs: ready (bubblewrap sandbox)" if ok else f"code runs: off - {why}"


def cmd_export(args: argparse.Namespace) -> int:
    from app.bank.loader import load_bank
    from app.db import make_engine
    from app.transcript.export import file_name, load_transcript, render

    settings = Settings()
    engine = make_engine(settings.database_url)
    try:
        transcript = load_transcript(engine, load_bank(settings.rubrics_dir), args.id, settings.prompts_dir)
    finally:
        engine.dispose()
    data = render(transcript, args.format, args.paper)
    if args.out == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return 0
    out = Path(args.out or file_name(transcript, args.format))
    out.write_bytes(data)
    print(f"wrote {out} ({len(data)} bytes)", file=sys.stderr)
    return 0


def cmd_regrade(args: argparse.Namespace) -> int:
    import asyncio

    from app.bank.loader import load_bank
    from app.examiners.factory import build_examiner_and_interviewer, grading_examiner
    from app.transcript.model import Transcript
    from app.transcript.regrade import format_regrade, regrade

    try:
        transcript = Transcript.model_validate_json(Path(args.file).read_bytes())
    except (OSError, ValueError) as exc:
        raise VivaError(f"{args.file}: not a Viva transcript JSON ({type(exc).__name__})",
                        hint="export one with: viva export ID --format json") from None
    settings = Settings()
    examiner = grading_examiner(settings, build_examiner_and_interviewer(settings)[0])
    report = asyncio.run(regrade(transcript, load_bank(settings.rubrics_dir), examiner))
    print(report.model_dump_json(indent=2) if args.json else format_regrade(report))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="viva", description="Viva: mock interviews for deep-learning jobs")
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="serve the web app and API")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--reload", action="store_true", help="restart on code changes (development)")
    serve.add_argument(
        "--workers", type=int, default=1,
        help="app processes (several share one SQLite file safely; use PostgreSQL across machines)",
    )
    serve.set_defaults(func=cmd_serve)

    rubrics = sub.add_parser("rubrics", help="question bank tools")
    rubrics_sub = rubrics.add_subparsers(dest="rubrics_command", required=True)
    check = rubrics_sub.add_parser("check", help="validate every topic file and print counts")
    check.add_argument("--dir", help="rubric folder (default: VIVA_RUBRICS_DIR or ./rubrics)")
    check.add_argument("--json", action="store_true", help="print the counts and problems as JSON")
    check.set_defaults(func=cmd_rubrics_check)

    ev = sub.add_parser("eval", help="measure offline grading against human grades (JSONL)")
    ev.add_argument("file", help="rows with question, reference, answer, score[, max_score]")
    ev.add_argument("--json", action="store_true", help="print one JSON object")
    ev.set_defaults(func=cmd_eval)

    doctor = sub.add_parser("doctor", help="check the LLM endpoint: reachable, model listed, structured-output mode")
    doctor.set_defaults(func=cmd_doctor)

    export = sub.add_parser("export", help="write an interview's scored transcript (reads the database directly)")
    export.add_argument("id", help="interview id, or a unique prefix of it")
    export.add_argument("--format", choices=("md", "json", "pdf"), default="md")
    export.add_argument("--paper", choices=("a4", "letter"), default="a4", help="PDF paper size")
    export.add_argument("--out", help="output file; '-' for stdout (default: viva-<date>-<id>.<ext> here)")
    export.set_defaults(func=cmd_export)

    regrade = sub.add_parser("regrade", help="re-grade a transcript's answers with the current examiner")
    regrade.add_argument("file", help="a transcript exported as JSON")
    regrade.add_argument("--json", action="store_true", help="print one JSON object")
    regrade.set_defaults(func=cmd_regrade)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except VivaError as exc:
        print(f"error: {exc.message}" + (f"\nhint: {exc.hint}" if exc.hint else ""), file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
