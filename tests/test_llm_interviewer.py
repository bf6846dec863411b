"""LLMInterviewer: streamed replies, offline fallback on faults, final summary."""

from __future__ import annotations

import httpx
import pytest

from app.examiners.base import Grade, MissedPoint
from app.llm.usage import TokenUsage
from app.interviewer.base import ReplyContext, SummaryContext, TopicResult
from app.interviewer.llm import LLMInterviewer
from app.interviewer.offline import compose_reply, offline_summary
from tests.fakes.fake_llm import FakeLLM, FakeReply

pytestmark = pytest.mark.anyio


def ctx(**overrides: object) -> ReplyContext:
    grade = Grade(
        scores={"correctness": 3}, overall=3.0, feedback="Right idea; the step size was missing.", examiner="offline",
        missed=[MissedPoint(key_point_id="learning-rate", text="The learning rate sets the step size")],
    )
    values: dict[str, object] = dict(
        kind="after_answer", question_prompt="What does gradient descent do?", answer="It goes downhill.",
        grade=grade, show_feedback=True, new_topic_title="Regularisation",
    )
    values.update(overrides)
    return ReplyContext(**values)  # type: ignore[arg-type]


async def collect(interviewer: LLMInterviewer, context: ReplyContext, usages: list[TokenUsage] | None = None) -> list[str]:
    return [c async for c in interviewer.stream_reply(context, on_usage=usages.append if usages is not None else None)]


async def test_reply_streams_chunk_by_chunk_with_usage() -> None:
    fake = FakeLLM().enqueue(FakeReply(content="Thanks - you had the right idea. Let's move on to regularisation."))
    usages: list[TokenUsage] = []
    chunks = await collect(LLMInterviewer(fake.client()), ctx(), usages)
    assert len(chunks) > 3 and "".join(chunks).startswith("Thanks")
    assert usages and usages[0].prompt_tokens > 0 and usages[0].completion_tokens > 0
    body = fake.chat_requests[0]
    assert body["stream"] is True and body["max_tokens"] == 160


async def test_prompt_never_carries_the_model_answer_and_hides_gaps_before_a_follow_up() -> None:
    fake = FakeLLM(default=lambda body: "Thanks.")
    interviewer = LLMInterviewer(fake.client())
    await collect(interviewer, ctx(next_is_follow_up=True, new_topic_title=None))
    text = " ".join(m["content"] for m in fake.chat_requests[-1]["messages"])
    assert "step size" not in text  # neither the missed point nor the feedback leak before the follow-up
    assert "Never ask a question" in text
    await collect(interviewer, ctx())
    assert "The learning rate sets the step size" in fake.chat_requests[-1]["messages"][-1]["content"]
    await collect(interviewer, ctx(show_feedback=False))
    assert "step size" not in " ".join(m["content"] for m in fake.chat_requests[-1]["messages"])


@pytest.mark.parametrize(
    "reply",
    [httpx.ConnectError("refused"), FakeReply(status=500), FakeReply(content="")],
    ids=["refused", "500", "empty"],
)
async def test_fault_before_any_words_yields_offline_wording(reply: object) -> None:
    fake = FakeLLM().enqueue(*([reply] * 3))
    context = ctx()
    chunks = await collect(LLMInterviewer(fake.client()), context)
    assert chunks == [compose_reply(context)]


async def test_fault_mid_stream_keeps_what_was_said() -> None:
    fake = FakeLLM().enqueue(FakeReply(content="Good answer, well reasoned. Moving on.", fail_after_chunks=2))
    chunks = await collect(LLMInterviewer(fake.client()), ctx())
    assert chunks == ["Good ", "answer, "]


async def test_greeting_and_closing_use_the_llm() -> None:
    fake = FakeLLM(default=lambda body: "Welcome!")
    interviewer = LLMInterviewer(fake.client())
    assert "".join(await collect(interviewer, ReplyContext(kind="greeting", topic_titles=["A"], total_questions=3))) == "Welcome!"
    assert "".join(await collect(interviewer, ctx(kind="closing"))) == "Welcome!"


SUMMARY_CTX = SummaryContext(
    topics=[
        TopicResult(topic_id="o", title="Optimisation", score=4.2, covered_points=["opposite gradient"]),
        TopicResult(topic_id="r", title="Regularisation", score=1.5, missed_points=["dropout at test time"]),
    ],
    overall=2.9,
)


async def test_summary_from_the_llm() -> None:
    fake = FakeLLM().enqueue({
        "strengths": ["Optimisation fundamentals"],
        "gaps": [{"topic": "Regularisation", "points": ["dropout at test time"]}, {"topic": "Invented", "points": ["x"]}],
        "study_next": ["Re-derive inverted dropout scaling"],
        "text": "A solid start. Optimisation was strong; study regularisation next.",
    })
    interviewer = LLMInterviewer(fake.client())
    summary = await interviewer.summarize(SUMMARY_CTX)
    assert summary.examiner == interviewer.name
    assert summary.gaps == {"Regularisation": ["dropout at test time"]}  # unknown topics dropped
    assert summary.usage is not None and summary.usage.prompt_tokens > 0


async def test_summary_falls_back_offline() -> None:
    fake = FakeLLM().enqueue(FakeReply(content="not json"))
    summary = await LLMInterviewer(fake.client()).summarize(SUMMARY_CTX)
    assert summary == offline_summary(SUMMARY_CTX)
