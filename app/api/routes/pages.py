"""The browser pages: server-rendered shells (Jinja2) that load their data from the JSON API.

No page needs the interview token: the browser keeps it in localStorage and the page's script sends
it as ``Authorization: Bearer`` with each API call. Every page response carries a strict
Content-Security-Policy (no inline scripts or styles), set here so the pages are safe on their own.
"""

from __future__ import annotations

import hashlib

from pathlib import Path
from typing import Any

import jinja2
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from app.api.deps import BankDep, ServiceDep, SettingsDep
from app.api.routes.topics import describe_examiner
from app.bank.types import QUESTION_TYPES, ROLES, SENIORITY, TYPE_LABELS
from app.config import Settings
from app.engine.plan import DEFAULT_TOPIC_COUNT, MAX_JOB_DESCRIPTION_CHARS
from app.transcript.build import viva_version

router = APIRouter(tags=["pages"], include_in_schema=False)

# The Content-Security-Policy of every page is set in one place: app.api.middleware.PAGE_CSP.
PAGE_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    # The pages are shells; their data comes from the API, so a cached shell is never stale data.
    "Cache-Control": "no-cache",
}


def templates_for(settings: Settings) -> Jinja2Templates:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(Path(settings.web_dir) / "templates")),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return Jinja2Templates(env=env)


def asset_version(static_dir: Path) -> str:
    """A digest of every static file: it changes whenever any of them changes."""
    digest = hashlib.sha256()
    for path in sorted(p for p in static_dir.rglob("*") if p.is_file()):
        digest.update(path.relative_to(static_dir).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


def install(app: FastAPI, settings: Settings) -> None:
    """Mount the static files and the page routes on ``app``.

    The pages load their assets from ``/static/v-<digest>/``: every module a page imports is then
    fetched by a URL that carries the version (relative imports resolve under it), so a deploy never
    mixes a new page with a cached old module. ``/static/`` keeps serving the same files."""
    static_dir = Path(settings.web_dir) / "static"
    app.state.templates = templates_for(settings)
    app.state.assets_url = f"/static/v-{asset_version(static_dir)}"
    app.mount(app.state.assets_url, StaticFiles(directory=static_dir), name="assets")
    app.mount("/static", StaticFiles(directory=static_dir), name="static")
    app.include_router(router)


def _render(request: Request, template: str, page: str, **context: Any) -> HTMLResponse:
    templates: Jinja2Templates = request.app.state.templates
    response = templates.TemplateResponse(
        request, template, {"page": page, "version": viva_version(), "assets": request.app.state.assets_url, **context},
        headers=PAGE_HEADERS,
    )
    return response


@router.get("/", response_class=HTMLResponse)
async def start_page(request: Request, bank: BankDep, settings: SettingsDep, service: ServiceDep) -> HTMLResponse:
    topics = sorted(bank.topics.values(), key=lambda t: t.title.lower())
    code_runs, why_no_code = await service.code_runner.check_available()
    # Questions that cannot be asked here do not count towards a topic's questions on the page either.
    askable = lambda q: code_runs or q.type != "code"  # noqa: E731
    type_counts = {t.id: {kind: sum(q.type == kind for q in t.questions if askable(q)) for kind in QUESTION_TYPES} for t in topics}
    return _render(
        request, "start.html", "start",
        topics=topics,
        type_counts=type_counts,
        question_types=TYPE_LABELS,
        roles=ROLES,
        seniority=SENIORITY,
        default_topic_count=min(DEFAULT_TOPIC_COUNT, len(topics)),
        examiner=describe_examiner(settings, service.grader.name),
        max_answer_chars=settings.max_answer_chars,
        question_counts={t.id: sum(askable(q) for q in t.questions) for t in topics},
        unavailable_types={} if code_runs else {"code": why_no_code},
        # Runs allowed without the sandbox (a single-user laptop, by explicit setting): said where it matters.
        unsandboxed_code=code_runs and settings.unsandboxed_code_runs and service.code_runner.sandbox.unsandboxed_now,
        max_job_description_chars=MAX_JOB_DESCRIPTION_CHARS,
    )


@router.get("/interview/{interview_id}", response_class=HTMLResponse)
async def interview_page(request: Request, interview_id: str) -> HTMLResponse:
    return _render(request, "interview.html", "interview", interview_id=interview_id)


@router.get("/report/{interview_id}", response_class=HTMLResponse)
async def report_page(request: Request, interview_id: str) -> HTMLResponse:
    return _render(request, "report.html", "report", interview_id=interview_id)


@router.get("/history", response_class=HTMLResponse)
async def history_page(request: Request) -> HTMLResponse:
    return _render(request, "history.html", "history")


@router.get("/progress", response_class=HTMLResponse)
async def progress_page(request: Request) -> HTMLResponse:
    """Practice profile (issue 14): progress, review and the profile's tools; its data comes from /api/profile."""
    return _render(request, "progress.html", "progress")
