"""Examiners grade answers against a question's rubric. Offline and LLM examiners share one interface."""

from app.examiners.base import (
    CoveredPoint,
    Examiner,
    Exchange,
    Grade,
    GradingRequest,
    MissedPoint,
    TokenUsage,
)

__all__ = ["CoveredPoint", "Examiner", "Exchange", "Grade", "GradingRequest", "MissedPoint", "TokenUsage"]
