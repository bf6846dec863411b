"""The exception tree. Each error carries the HTTP status it maps to (in ``app.api.errors``).

    VivaError
    ├── RubricError            a topic file is invalid                       (500 at start-up, CLI exit 1)
    ├── NotFound               no such interview, or a token that does not open it   (404)
    ├── Unauthorized           no bearer token (or profile key, or session)   (401)
    ├── Forbidden              a signed-in request without its CSRF token; an account's profile
    │                          handed out by device code                     (403)
    ├── UsernameTaken          an account with this name exists              (409)
    ├── InvalidAccount         a username or password that cannot make an account (422)
    ├── InvalidTransition      an event the interview's state does not allow (409)
    │   └── Conflict           another request changed the interview first   (409)
    ├── InvalidPlan            options that cannot make an interview         (422)
    ├── PayloadTooLarge        an answer or body over its documented limit   (413)
    ├── InvalidAudio           a recording that cannot be decoded, or holds no speech (422)
    ├── SpeechUnavailable      speech-to-text is off, not installed, or its model failed (503)
    ├── RateLimited            too many requests                              (429, Retry-After)
    ├── CodeRunsOff            code cannot run on this server (no sandbox)    (503)
    ├── NotACodeQuestion       code sent for a prompt that is not a code question (422)
    ├── PromptError            a prompt template is missing or broken         (500)
    ├── DatabaseUnavailable    the database cannot be reached; nothing was changed (503, Retry-After)
    └── LLMError               the LLM endpoint failed; the offline examiner takes over
        ├── LLMTimeout
        ├── LLMRateLimited
        ├── LLMUnavailable     connection refused, 5xx
        └── LLMBadOutput       malformed, truncated or refused output
"""

from __future__ import annotations

from app.llm.usage import TokenUsage


class VivaError(Exception):
    status_code = 500
    code = "internal_error"

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class RubricError(VivaError):
    code = "rubric_invalid"


class NotFound(VivaError):
    status_code = 404
    code = "not_found"


class Unauthorized(VivaError):
    status_code = 401
    code = "unauthorized"


class Forbidden(VivaError):
    status_code = 403
    code = "forbidden"


class UsernameTaken(VivaError):
    status_code = 409
    code = "username_taken"


class InvalidAccount(VivaError):
    status_code = 422
    code = "invalid_account"


class InvalidTransition(VivaError):
    status_code = 409
    code = "invalid_transition"

    def __init__(self, message: str, *, state: str, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.state = state


class Conflict(InvalidTransition):
    """Another request changed the interview first (a stale tab, a double click, a racing worker)."""


class InvalidPlan(VivaError):
    status_code = 422
    code = "invalid_plan"


class PayloadTooLarge(VivaError):
    status_code = 413
    code = "payload_too_large"


class InvalidAudio(VivaError):
    """A recording that cannot be decoded as audio (``invalid_audio``) or in which no words were heard
    (``no_speech``). Nothing was stored: the candidate records again or types."""

    status_code = 422

    def __init__(self, message: str, *, code: str = "invalid_audio", hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.code = code


class SpeechUnavailable(VivaError):
    status_code = 503
    code = "speech_unavailable"


class RateLimited(VivaError):
    status_code = 429
    code = "rate_limited"

    def __init__(self, message: str, *, retry_after: int, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.retry_after = retry_after


class DatabaseUnavailable(VivaError):
    status_code = 503
    code = "database_unavailable"


class CodeRunsOff(VivaError):
    """Code cannot run on this server (no sandbox, or switched off); the message says why."""

    status_code = 503
    code = "code_runs_off"


class NotACodeQuestion(VivaError):
    """Code was sent for a prompt that is not a code question."""

    status_code = 422
    code = "not_a_code_question"


class PromptError(VivaError):
    code = "prompt_error"


class LLMError(VivaError):
    """``usage``: tokens the failed call spent all the same (they count toward an interview's budget);
    ``retryable``: False for faults that retrying cannot mend (a rejected key, an unknown model)."""

    status_code = 502
    code = "llm_error"

    def __init__(self, message: str, *, hint: str | None = None, retryable: bool = True) -> None:
        super().__init__(message, hint=hint)
        self.retryable = retryable
        self.usage: TokenUsage | None = None


class LLMTimeout(LLMError):
    code = "llm_timeout"


class LLMRateLimited(LLMError):
    code = "llm_rate_limited"

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class LLMUnavailable(LLMError):
    code = "llm_unavailable"


class LLMBadOutput(LLMError):
    code = "llm_bad_output"
