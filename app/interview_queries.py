"""The interview service's reads: an interview's view, its transcripts, a browser's history, and the
traits of a question the page needs (its type, answer size limit and, for code, its task).

Mixed into ``InterviewService``, which provides the attributes below and ``_load``.
"""

from __future__ import annotations

from anyio import to_thread

from app.bank.loader import QuestionBank
from app.code_runs import CodeRunner
from app.config import Settings
from app.records import LoadedInterview
from app.store import InterviewStore
from app.transcript.build import build_transcript
from app.transcript.model import Transcript
from app.transcript.pdf import Paper
from app.transcript.renders import PdfRenders
from app.turns import ID_SHAPE, PromptTraits, token_matches, view_of
from app.views import HistoryEntry, InterviewView

# Design answers cover six phases: they may be this many times longer than other answers.
LONG_ANSWER_FACTOR = 2


class InterviewQueries:
    settings: Settings
    bank: QuestionBank
    store: InterviewStore
    pdfs: PdfRenders
    code_runner: CodeRunner
    topic_titles: dict[str, str]

    async def _load(self, interview_id: str, token: str | None) -> LoadedInterview:  # pragma: no cover - the service's
        raise NotImplementedError

    async def view(self, interview_id: str, token: str | None) -> InterviewView:
        return self._view(await self._load(interview_id, token))

    async def transcript(self, interview_id: str, token: str | None) -> Transcript:
        return self._transcript_of(await self._load(interview_id, token))

    async def transcript_pdf(self, interview_id: str, token: str | None, paper: Paper) -> tuple[Transcript, bytes]:
        """The transcript and its PDF. A PDF is rendered once per interview version and paper (the
        transcript is built only then, in a thread): repeated or concurrent downloads cost a lookup."""
        interview = await self._load(interview_id, token)
        build = lambda: self._transcript_of(interview)  # noqa: E731
        return await self.pdfs.render((interview.id, str(interview.version), paper), build, paper)

    def _transcript_of(self, interview: LoadedInterview) -> Transcript:
        return build_transcript(interview.row, interview.turns, self.bank, prompts_dir=self.settings.prompts_dir,
                                code_runs=interview.code_runs)

    async def history(self, credentials: dict[str, str]) -> list[HistoryEntry]:
        """Interviews whose id and token both match (the browser keeps the pairs), newest first."""
        rows = await to_thread.run_sync(self.store.get_many, [i for i in credentials if ID_SHAPE.match(i)])
        mine = [r for r in rows if token_matches(r, credentials.get(r.id))]
        turns = await to_thread.run_sync(self.store.turns_of_many, [r.id for r in mine])
        return [
            HistoryEntry(**self._view(LoadedInterview.of(r, turns[r.id])).model_dump(),
                         overall=build_transcript(r, turns[r.id], self.bank).overall)
            for r in mine
        ]

    def _view(self, interview: LoadedInterview) -> InterviewView:
        return view_of(interview, self.topic_titles, self.describe_question)

    def describe_question(self, topic_id: str, question_id: str) -> PromptTraits:
        """A question's type, answer size limit (design answers may be LONG_ANSWER_FACTOR times longer)
        and, for code questions, its task."""
        try:
            kind = self.bank.question(topic_id, question_id).type
        except KeyError:  # a question removed from the bank since the interview began
            kind = "concept"
        return PromptTraits(
            question_type=kind, max_answer_chars=self.settings.max_answer_chars * (LONG_ANSWER_FACTOR if kind == "design" else 1),
            code_task=self.bank.code_task(question_id) if kind == "code" else None, code_runs_available=self.code_runner.available()[0],
        )
