"""One client for any OpenAI-compatible endpoint (OpenAI, Ollama, vLLM, llama.cpp, LM Studio).

Wraps ``openai.AsyncOpenAI`` with the SDK's own retries off: we retry transient faults (timeouts,
refused connections, 429, 5xx) a bounded number of times with exponential backoff and jitter,
honouring ``Retry-After``, and map every SDK exception onto ``app.errors``. The API key is handed to
the SDK and never logged, shown or put in an error message.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, TypeVar

import openai
from pydantic import BaseModel, SecretStr, ValidationError

from app.errors import LLMBadOutput, LLMError
from app.llm.usage import TokenUsage, approx_tokens
from app.llm.faults import ModeRefused, map_sdk_error, transient
from app.llm.structured import MODE_ORDER, StructuredMode, extract_json, response_format, schema_instruction

log = logging.getLogger(__name__)

T = TypeVar("T", bound=BaseModel)
Messages = list[dict[str, str]]


class LLMClient:
    def __init__(
        self,
        *,
        model: str,
        base_url: str | None = None,
        api_key: SecretStr | str | None = None,
        timeout: float = 30.0,
        max_retries: int = 2,
        http_client: Any = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        base_delay: float = 0.5,
        max_delay: float = 20.0,
        max_retry_after: float = 60.0,
        mode_cache: dict[str, StructuredMode] | None = None,
    ) -> None:
        key = api_key.get_secret_value() if isinstance(api_key, SecretStr) else api_key
        self.model = model
        self.base_url = base_url
        self.max_retries = max_retries
        self._secret = key or ""
        self._sleep = sleep
        self._base_delay, self._max_delay, self._max_retry_after = base_delay, max_delay, max_retry_after
        self._sdk = openai.AsyncOpenAI(
            base_url=base_url, api_key=key or "not-needed", timeout=timeout, max_retries=0, http_client=http_client
        )
        # Which structured-output mode works, per endpoint (base URL + model); shared if passed in.
        self.modes: dict[str, StructuredMode] = mode_cache if mode_cache is not None else {}
        self._stream_usage_ok: dict[str, bool] = {}

    @classmethod
    def from_settings(cls, settings: Any, **overrides: Any) -> "LLMClient":
        kwargs: dict[str, Any] = dict(
            model=settings.llm_model,
            base_url=settings.llm_base_url,
            api_key=settings.llm_api_key,
            timeout=settings.llm_timeout,
            max_retries=settings.llm_max_retries,
        )
        kwargs.update(overrides)
        return cls(**kwargs)

    def __repr__(self) -> str:  # never the key
        return f"LLMClient(model={self.model!r}, host={self.host!r})"

    @property
    def host(self) -> str:
        return self._sdk.base_url.host or "api.openai.com"

    @property
    def endpoint(self) -> str:
        return f"{str(self._sdk.base_url).rstrip('/')}|{self.model}"

    @property
    def name(self) -> str:
        return f"llm:{self.model}@{self.host}"

    async def aclose(self) -> None:
        """Close the connection pool (once; the examiner and the interviewer share one client)."""
        if not getattr(self, "_closed", False):
            self._closed = True
            await self._sdk.close()

    # ------------------------------------------------------------------ structured completions

    async def complete_structured(
        self,
        messages: Messages,
        schema: type[T],
        *,
        max_tokens: int | None = None,
        temperature: float | None = 0.0,
        mode: StructuredMode | None = None,
    ) -> tuple[T, TokenUsage]:
        """Ask for a JSON object matching ``schema``; returns it parsed, with the call's token usage.

        Without ``mode``, starts from the mode remembered for this endpoint (json_schema at first) and
        falls back to json_object, then plain text, when the server refuses a mode. With ``mode``,
        tries only that one (``viva doctor`` probes each)."""
        start = MODE_ORDER.index(mode or self.modes.get(self.endpoint, StructuredMode.JSON_SCHEMA))
        modes = [mode] if mode else list(MODE_ORDER[start:])
        usage = TokenUsage()
        for current in modes:
            request: dict[str, Any] = {"model": self.model, "messages": self._with_instruction(messages, current, schema)}
            if max_tokens is not None:
                request["max_tokens"] = max_tokens
            if temperature is not None:
                request["temperature"] = temperature
            fmt = response_format(current, schema)
            if fmt is not None:
                request["response_format"] = fmt
            try:
                completion = await self._retrying(lambda: self._sdk.chat.completions.create(**request))
            except ModeRefused as refused:
                log.info("endpoint %s refused %s mode: %s", self.host, current, refused)
                if current is modes[-1]:
                    raise LLMError(f"the LLM endpoint rejected the request: {refused}") from None
                continue
            if mode is None:
                self.modes[self.endpoint] = current
            usage = _usage(completion, messages)
            try:
                return self._parse(completion, schema), usage
            except LLMBadOutput as exc:
                exc.usage = usage  # spent all the same: counts toward a budget
                raise
        raise LLMError("no structured-output mode to try")  # pragma: no cover - modes is never empty

    @staticmethod
    def _with_instruction(messages: Messages, mode: StructuredMode, schema: type[BaseModel]) -> Messages:
        if mode is StructuredMode.JSON_SCHEMA:
            return messages
        return [*messages, {"role": "system", "content": schema_instruction(schema)}]

    @staticmethod
    def _parse(completion: Any, schema: type[T]) -> T:
        try:
            choice = completion.choices[0]
            message = choice.message
        except (AttributeError, IndexError, TypeError):
            raise LLMBadOutput("the LLM reply had no choices") from None
        if choice.finish_reason == "length":
            raise LLMBadOutput("the LLM reply was truncated (finish_reason=length)")
        if choice.finish_reason == "content_filter" or getattr(message, "refusal", None):
            raise LLMBadOutput("the LLM refused to answer")
        content = message.content or ""
        if not content.strip():
            raise LLMBadOutput("the LLM reply was empty")
        try:
            return schema.model_validate(extract_json(content))
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first.get("loc", ())) or "reply"
            raise LLMBadOutput(
                f"the LLM reply did not match the expected JSON ({exc.error_count()} errors; {where}: {first.get('msg')})"
            ) from None
        except ValueError as exc:
            raise LLMBadOutput(f"the LLM reply did not match the expected JSON ({str(exc)[:120]})") from None

    # ------------------------------------------------------------------ streaming

    def stream_text(self, messages: Messages, *, max_tokens: int | None = None, temperature: float | None = 0.7) -> "TextStream":
        """Stream a plain-text reply. Iterate for the chunks; ``.usage`` is set once the stream ends
        (reported by the server where it supports ``stream_options``, else approximated)."""
        return TextStream(self, messages, max_tokens=max_tokens, temperature=temperature)

    async def _open_stream(self, messages: Messages, max_tokens: int | None, temperature: float | None) -> tuple[Any, bool]:
        request: dict[str, Any] = {"model": self.model, "messages": messages, "stream": True}
        if max_tokens is not None:
            request["max_tokens"] = max_tokens
        if temperature is not None:
            request["temperature"] = temperature
        if self._stream_usage_ok.get(self.endpoint, True):
            try:
                stream = await self._retrying(
                    lambda: self._sdk.chat.completions.create(**request, stream_options={"include_usage": True})
                )
                return stream, True
            except ModeRefused:
                self._stream_usage_ok[self.endpoint] = False
        try:
            return await self._retrying(lambda: self._sdk.chat.completions.create(**request)), False
        except ModeRefused as refused:
            raise LLMError(f"the LLM endpoint rejected the request: {refused}") from None

    # ------------------------------------------------------------------ models

    async def list_models(self) -> list[str]:
        page = await self._retrying(lambda: self._sdk.models.list())
        return [m.id for m in getattr(page, "data", []) or []]

    # ------------------------------------------------------------------ retries and error mapping

    async def _retrying(self, call: Callable[[], Awaitable[Any]]) -> Any:
        attempt = 0
        while True:
            try:
                return await call()
            except Exception as exc:  # noqa: BLE001 - every SDK fault is mapped below
                error = self.map_error(exc)
            if isinstance(error, ModeRefused) or not transient(error) or attempt >= self.max_retries:
                raise error
            delay = self._delay(attempt, error)
            if delay is None:
                raise error
            attempt += 1
            log.warning("LLM call to %s failed (%s); retry %d/%d in %.1fs", self.host, error.code, attempt, self.max_retries, delay)
            await self._sleep(delay)

    def _delay(self, attempt: int, error: LLMError) -> float | None:
        retry_after = getattr(error, "retry_after", None)
        if retry_after is not None:
            if retry_after > self._max_retry_after:
                return None  # the server asks for a longer pause than an interview can wait
            return retry_after + random.uniform(0, 0.1 * retry_after + 0.05)
        backoff = min(self._max_delay, self._base_delay * 2**attempt)
        return backoff * random.uniform(0.5, 1.0)  # "equal jitter"

    def map_error(self, exc: BaseException) -> LLMError | ModeRefused:
        """The app error for an SDK exception; messages never include the key."""
        return map_sdk_error(exc, host=self.host, scrub=self._scrub)

    def _scrub(self, text: str) -> str:
        return text.replace(self._secret, "***") if self._secret else text


def _usage(completion: Any, messages: Messages) -> TokenUsage:
    usage = getattr(completion, "usage", None)
    if usage is not None and getattr(usage, "prompt_tokens", None) is not None:
        return TokenUsage(prompt_tokens=usage.prompt_tokens or 0, completion_tokens=usage.completion_tokens or 0)
    text = ""
    try:
        text = completion.choices[0].message.content or ""
    except (AttributeError, IndexError, TypeError):
        pass
    return TokenUsage(prompt_tokens=sum(approx_tokens(m.get("content", "")) for m in messages), completion_tokens=approx_tokens(text))


class TextStream:
    """Async iterator over a streamed reply's text; ``usage`` and ``finish_reason`` once it ends.
    Faults (before or during the stream) are raised as ``LLMError``."""

    def __init__(self, client: LLMClient, messages: Messages, *, max_tokens: int | None, temperature: float | None) -> None:
        self._client, self._messages = client, messages
        self._max_tokens, self._temperature = max_tokens, temperature
        self.usage: TokenUsage | None = None
        self.finish_reason: str | None = None
        self.text = ""

    def __aiter__(self) -> AsyncIterator[str]:
        return self._iterate()

    async def _iterate(self) -> AsyncIterator[str]:
        stream, _ = await self._client._open_stream(self._messages, self._max_tokens, self._temperature)
        reported: TokenUsage | None = None
        try:
            async for chunk in stream:
                if getattr(chunk, "usage", None) is not None and chunk.usage.prompt_tokens is not None:
                    reported = TokenUsage(prompt_tokens=chunk.usage.prompt_tokens, completion_tokens=chunk.usage.completion_tokens or 0)
                for choice in chunk.choices or []:
                    if choice.finish_reason:
                        self.finish_reason = choice.finish_reason
                    piece = getattr(choice.delta, "content", None) if choice.delta else None
                    if piece:
                        self.text += piece
                        yield piece
        except LLMError:
            raise
        except Exception as exc:  # noqa: BLE001 - mid-stream faults become LLMError
            error = self._client.map_error(exc)
            raise (error if isinstance(error, LLMError) else LLMBadOutput(str(error))) from None
        finally:
            with contextlib.suppress(Exception):
                await stream.close()
            self.usage = reported or TokenUsage(
                prompt_tokens=sum(approx_tokens(m.get("content", "")) for m in self._messages),
                completion_tokens=approx_tokens(self.text),
            )
