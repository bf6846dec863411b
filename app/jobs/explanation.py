"""What a plan built from a job description says about itself: a reason for every choice, quoting the
posting's own words, and (with an LLM) the role's priorities.

These records are stored inside the interview's plan and shown on the start page, in the interview's
view and in its transcript. The quotes are the candidate's text: every renderer escapes them.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

ReasonKind = Literal["topic", "question_type", "role", "seniority"]


class PlanReason(BaseModel):
    """One choice of the plan and why it was made."""

    kind: ReasonKind
    subject: str = Field(description="The topic id, question type, role or seniority level chosen")
    label: str = Field(description="Its display name, e.g. 'Training at scale'")
    questions: int | None = Field(default=None, description="topic: how many questions it gets")
    quotes: list[str] = Field(default=[], description="The posting's own words behind the choice")
    text: str = Field(description="The reason as one sentence, e.g. '3 questions on ...: the posting asks for \"...\"'")


class RolePriority(BaseModel):
    """One of the role's priorities as an LLM read them from the posting, with the words it read them in."""

    text: str = Field(description="The priority, e.g. 'Low-latency LLM serving'")
    evidence: str = Field(description="Words of the posting it rests on (checked to be in the posting)")
    topic_id: str | None = Field(default=None, description="The bank topic it matches best, if any")


class PlanExplanation(BaseModel):
    """Why the plan is what it is, when it was built from a job description."""

    matched: bool = Field(description="False: nothing in the posting matched the bank; the plan is the balanced default")
    summary: str = Field(description="One sentence on the whole plan")
    reasons: list[PlanReason] = []
    priorities: list[RolePriority] = Field(default=[], description="The role's priorities (LLM only; at most 5)")
    priorities_note: str | None = Field(
        default=None, description="Why there are no priorities: no LLM configured, or it failed (the plan is offline)")
