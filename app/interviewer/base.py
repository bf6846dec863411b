"""The interviewer interface shared by the offline (template) and LLM interviewers."""

from __future__ import annotations

import abc
from collections.abc import AsyncIterator
from typing import Literal

from pydantic import BaseModel

from app.examiners.base import Grade
from app.llm.usage import OnUsage, TokenUsage




class ReplyContext(BaseModel):
    """What the interviewer knows when it speaks. Never includes the model answer."""

    kind: Literal["greeting", "after_answer", "after_skip", "closing", "next", "retry"]
    candidate_name: str | None = None
    question_prompt: str | None = None  # the question just answered (after_answer)
    answer: str | None = None  # the candidate's latest answer, untrusted text
    grade: Grade | None = None
    show_feedback: bool = True
    next_is_follow_up: bool = False
    offer_retry: bool = False  # practice mode: the candidate may try the question again or move on
    new_topic_title: str | None = None  # set when the next question opens a new topic
    topic_titles: list[str] = []  # greeting: the plan's topics in order
    total_questions: int = 0
    follow_ups: bool = True  # greeting: whether follow-up questions may come
    practice: bool = False  # greeting: practice mode (another attempt after the feedback)
    review: bool = False  # greeting: a review interview (issue 14): questions whose key points were missed before


class TopicResult(BaseModel):
    topic_id: str
    title: str
    score: float | None  # 0-5 mean of the topic's question grades; None when nothing was answered
    missed_points: list[str] = []
    covered_points: list[str] = []
    missed_areas: list[str] = []  # what to study: the missed key points' areas ("learning rate")
    unanswered: list[str] = []  # prompts of the questions skipped or never answered


class SummaryContext(BaseModel):
    topics: list[TopicResult]
    overall: float | None


class Summary(BaseModel):
    strengths: list[str]
    gaps: dict[str, list[str]]  # topic title -> what was missed
    study_next: list[str]
    text: str
    examiner: str = "offline"
    usage: TokenUsage | None = None


class Interviewer(abc.ABC):
    name: str

    @abc.abstractmethod
    def stream_reply(self, ctx: ReplyContext, on_usage: OnUsage | None = None) -> AsyncIterator[str]:
        """Yield the words around the next prompt, chunk by chunk (the prompt itself is appended by
        the caller); report the call's token usage to ``on_usage``. Must not raise: on any fault,
        yield the offline wording instead."""

    @abc.abstractmethod
    async def summarize(self, ctx: SummaryContext) -> Summary: ...

    async def aclose(self) -> None:
        """Release connections at shutdown (nothing to do for an interviewer that holds none)."""
