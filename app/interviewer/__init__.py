"""The interviewer voice: the words around the questions (greeting, acknowledgement, transitions,
closing) and the final summary. Questions and follow-up probes are always inserted verbatim by the
service, so an interviewer can change tone but never the plan."""

from app.interviewer.base import Interviewer, ReplyContext, Summary, SummaryContext, TopicResult

__all__ = ["Interviewer", "ReplyContext", "Summary", "SummaryContext", "TopicResult"]
