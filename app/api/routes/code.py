"""Code questions: run the candidate's code against the examples or the hidden tests.

Both runs are stored with the turn they were made on; neither changes the interview's state. The
explanation (and, optionally, the final code) is sent to ``POST /answers`` like any answer.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from app.api.deps import ServiceDep, TokenDep, limit_answers
from app.api.errors import ERROR_RESPONSES
from app.code_runs import MAX_CODE_CHARS, CodeRunOutcome

router = APIRouter(prefix="/api/interviews", tags=["code"], responses=ERROR_RESPONSES)


class CodeIn(BaseModel):
    code: str = Field(description=f"The candidate's solution (Python, at most {MAX_CODE_CHARS} characters)")
    turn: int | None = Field(default=None, description="The 'turn' of the open prompt; 409 if the interview has moved on")


@router.post("/{interview_id}/code/run", dependencies=[Depends(limit_answers)])
async def run_examples(interview_id: str, body: CodeIn, service: ServiceDep, token: TokenDep) -> CodeRunOutcome:
    """Run the code against the question's visible example tests: each test's result and what it printed."""
    return await service.run_code(interview_id, token, body.code, "examples", turn=body.turn)


@router.post("/{interview_id}/code/submit", dependencies=[Depends(limit_answers)])
async def submit(interview_id: str, body: CodeIn, service: ServiceDep, token: TokenDep) -> CodeRunOutcome:
    """Run the code against the hidden tests (names and messages are shown); the last submission is what
    the question is graded on, with the explanation sent to POST /answers."""
    return await service.run_code(interview_id, token, body.code, "submission", turn=body.turn)
