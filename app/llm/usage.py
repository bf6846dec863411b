"""Token usage of LLM calls: the record, how to add it up, and the estimate for servers that report none."""

from __future__ import annotations

from collections.abc import Callable

from pydantic import BaseModel


class TokenUsage(BaseModel):
    prompt_tokens: int = 0
    completion_tokens: int = 0

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    def __add__(self, other: "TokenUsage") -> "TokenUsage":
        return TokenUsage(
            prompt_tokens=self.prompt_tokens + other.prompt_tokens,
            completion_tokens=self.completion_tokens + other.completion_tokens,
        )


# Receives a call's token usage once it is known (a stream reports it at its end).
OnUsage = Callable[[TokenUsage], None]


def approx_tokens(text: str) -> int:
    """Rough token count (about four characters a token) for servers that report no usage."""
    return max(1, len(text) // 4) if text else 0
