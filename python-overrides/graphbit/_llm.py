"""LLM configuration, client, responses and streams."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Awaitable, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Union

from . import _common, _dispatch
from ._errors import ValidationError, call, translate
from ._native import GLib, Graphbit

__all__ = ["LlmConfig", "LlmClient", "LlmResponse", "LlmUsage", "LlmStream"]

_INT32_MAX = 2**31 - 1


class LlmConfig(_common.EndpointConfig):
    """Which provider, model and endpoint to use. Immutable and thread-safe.

    Create one with ``LlmConfig.openai()``, ``LlmConfig.anthropic()`` or
    ``LlmConfig.ollama()``. The API key is never shown in ``repr()``.
    ``provider()`` is ``"openai"``, ``"anthropic"`` or ``"ollama"``.
    """

    __slots__ = ()
    _native_type = Graphbit.LlmConfig
    _constructors = "LlmConfig.openai(), LlmConfig.anthropic() or LlmConfig.ollama()"

    @staticmethod
    def openai(
        api_key: Optional[str] = None,
        model: Optional[str] = None,
        base_url: Optional[str] = None,
    ) -> "LlmConfig":
        """OpenAI Chat Completions, or any OpenAI-compatible server via ``base_url``.

        Defaults: key from ``OPENAI_API_KEY``, model ``gpt-4o-mini``, base URL
        from ``OPENAI_BASE_URL`` else ``https://api.openai.com/v1``.
        """
        _common.c_texts("LlmConfig.openai", api_key=api_key, model=model, base_url=base_url)
        return LlmConfig(call(Graphbit.LlmConfig.openai, api_key, model, base_url))

    @staticmethod
    def anthropic(
        api_key: Optional[str] = None,
        model: Optional[str] = None,
        base_url: Optional[str] = None,
    ) -> "LlmConfig":
        """Anthropic Messages.

        Defaults: key from ``ANTHROPIC_API_KEY``, model
        ``claude-3-5-sonnet-20241022``, base URL from ``ANTHROPIC_BASE_URL``
        else ``https://api.anthropic.com``.
        """
        _common.c_texts("LlmConfig.anthropic", api_key=api_key, model=model, base_url=base_url)
        return LlmConfig(call(Graphbit.LlmConfig.anthropic, api_key, model, base_url))

    @staticmethod
    def ollama(model: Optional[str] = None, base_url: Optional[str] = None) -> "LlmConfig":
        """A local or remote Ollama server (no key).

        Defaults: model ``llama3.2``, base URL from ``OLLAMA_HOST`` else
        ``http://localhost:11434``.
        """
        _common.c_texts("LlmConfig.ollama", model=model, base_url=base_url)
        return LlmConfig(call(Graphbit.LlmConfig.ollama, model, base_url))


@dataclass(frozen=True)
class LlmUsage:
    """Token usage as the provider reported it (0 when it did not)."""

    prompt_tokens: int
    completion_tokens: int
    total_tokens: int

    def __getitem__(self, key: str) -> int:
        # usage["total_tokens"] works too, as with the OpenAI SDK's dict form.
        return getattr(self, key)


@dataclass(frozen=True)
class LlmResponse:
    """A complete answer with its metadata."""

    content: str
    finish_reason: Optional[str]
    model: Optional[str]
    id: Optional[str]
    usage: LlmUsage

    @staticmethod
    def _from_native(native: Any) -> "LlmResponse":
        return LlmResponse(
            content=native.get_content(),
            finish_reason=native.get_finish_reason(),
            model=native.get_model(),
            id=native.get_id(),
            usage=LlmUsage(
                prompt_tokens=native.get_prompt_tokens(),
                completion_tokens=native.get_completion_tokens(),
                total_tokens=native.get_total_tokens(),
            ),
        )

    def __str__(self) -> str:
        return self.content


def _check_prompt(prompt: Any) -> str:
    if not isinstance(prompt, str):
        raise TypeError(f"prompt must be a str, not {type(prompt).__name__}")
    return _common.c_text("prompt", prompt, "complete")


def _apply_options(request: Any, max_tokens: Any, temperature: Any) -> Any:
    if max_tokens is not None:
        if isinstance(max_tokens, bool) or not isinstance(max_tokens, int):
            raise TypeError(f"max_tokens must be an int or None, not {type(max_tokens).__name__}")
        if not -_INT32_MAX <= max_tokens <= _INT32_MAX:
            raise ValidationError(
                f"max_tokens must be between 1 and {Graphbit.LLM_MAX_TOKENS_LIMIT}, got {max_tokens}",
                field="max_tokens",
                value=str(max_tokens),
                operation="complete",
            )
        request.set_max_tokens(max_tokens)
    if temperature is not None:
        if isinstance(temperature, bool) or not isinstance(temperature, (int, float)):
            raise TypeError(f"temperature must be a number or None, not {type(temperature).__name__}")
        request.set_temperature(float(temperature))
    return request


def _prompt_request(prompt: Any, max_tokens: Any, temperature: Any, validate: bool = True) -> Any:
    """A C request for one prompt; validated, so bad arguments raise at call time."""
    request = _apply_options(Graphbit.LlmRequest.new(_check_prompt(prompt)), max_tokens, temperature)
    if validate:
        call(request.validate)
    return request


def _queued_response(completion: Any) -> "LlmResponse":
    return LlmResponse._from_native(completion.propagate())


def _queued_text(completion: Any) -> str:
    # A success of complete_text_queued() arrives as a plain str; a
    # Completion means the call failed (propagate() raises).
    completion.propagate()
    return completion.get_text() or ""


Message = Union[Tuple[str, str], Mapping[str, str]]


def _chat_request(messages: Any, max_tokens: Any, temperature: Any) -> Any:
    """A C request for a conversation of (role, content) tuples or {"role", "content"} dicts."""
    if isinstance(messages, (str, bytes)) or not isinstance(messages, Iterable):
        raise TypeError("messages must be a list of (role, content) tuples or {'role', 'content'} dicts")
    request = Graphbit.LlmRequest.new(None)
    for index, message in enumerate(messages):
        if isinstance(message, Mapping):
            role, content = message.get("role"), message.get("content")
        elif isinstance(message, (tuple, list)) and len(message) == 2:
            role, content = message
        else:
            raise TypeError(f"messages[{index}] must be a (role, content) tuple or a {{'role', 'content'}} dict")
        if not isinstance(role, str) or not isinstance(content, str):
            raise TypeError(f"messages[{index}]: role and content must be strings")
        _common.c_texts("chat", **{f"messages[{index}].role": role, f"messages[{index}].content": content})
        call(request.add_message_named, role, content)
    _apply_options(request, max_tokens, temperature)
    call(request.validate)
    return request


class LlmStream:
    """A streamed answer: an async iterator of text chunks, also awaitable for the whole text.

    ``async for chunk in client.complete_stream(...)`` yields text as the
    provider sends it: what arrived since the previous chunk, at most one
    chunk per millisecond (a worker reads the stream to its end meanwhile);
    ``await client.complete_stream(...)`` returns the whole text; a plain
    ``for`` loop works too (blocking, one chunk per network read). Read it
    one way, from one task at a time. After the end, ``response()`` has the
    finish reason and usage. Closing it (or leaving an ``async with`` /
    ``with`` block, or breaking out and dropping it) aborts the HTTP
    request.
    """

    __slots__ = ("_native", "_pump", "__weakref__")

    def __init__(self, native: Any) -> None:
        self._native = native
        self._pump: Optional[_dispatch.StreamPump] = None

    def __del__(self) -> None:
        # The pump keeps the C stream alive: dropping an unfinished
        # iterator must still abort the HTTP request.
        pump = self._pump
        if pump is not None:
            pump.abort()

    # asyncio
    def __aiter__(self) -> "LlmStream":
        return self

    async def __anext__(self) -> str:
        pump = self._pump
        if pump is None:
            native = self._native
            pump = self._pump = _dispatch.StreamPump(
                lambda cancellable, queue, tag: native.pump_queued(cancellable, queue, tag)
            )
        text = await pump.next()
        if text is None:
            raise StopAsyncIteration
        return text

    def __await__(self):
        return self._collect().__await__()

    async def _collect(self) -> str:
        return "".join([chunk async for chunk in self])

    async def aclose(self) -> None:
        """Like ``close()``, for ``contextlib.aclosing()`` and async generators' protocol."""
        self.close()

    async def __aenter__(self) -> "LlmStream":
        return self

    async def __aexit__(self, *exc_info: Any) -> None:
        self.close()

    # blocking
    def __iter__(self) -> "LlmStream":
        return self

    def __next__(self) -> str:
        if self._pump is not None:
            raise RuntimeError("this stream is being read with 'async for'; it cannot be read blocking too")
        native = self._native
        text = _dispatch.run_blocking(native.next)
        if text is None:
            raise StopIteration
        return text

    def __enter__(self) -> "LlmStream":
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    def close(self) -> None:
        """Stops the stream; an unfinished HTTP exchange is aborted."""
        self._native.close()

    def is_finished(self) -> bool:
        """Whether the whole answer has arrived."""
        return self._native.is_finished()

    def response(self) -> Optional[LlmResponse]:
        """The whole answer with finish reason and usage, once finished (else None)."""
        native = self._native.get_response()
        return LlmResponse._from_native(native) if native is not None else None

    def __repr__(self) -> str:
        return f"<LlmStream finished={self.is_finished()}>"


class LlmClient:
    """A client for one ``LlmConfig``; create it once and reuse it.

    Thread-safe. Blocking methods release the GIL; ``*_async`` methods and
    the batch, chat, stream and warm-up methods return awaitables that work
    under a plain ``asyncio.run()``, and cancelling the awaiting task aborts
    the HTTP request. Arguments are checked when the method is called.
    """

    __slots__ = ("_native", "_config")

    def __init__(self, config: LlmConfig, debug: bool = False, **resilience: Any) -> None:
        """Creates a client; the keyword arguments tune its resilience (None keeps the default).

        ``max_retries`` (3), ``retry_base_delay`` (0.1 s) and ``retry_max_delay``
        (5 s): exponential backoff with jitter, or the provider's Retry-After.
        ``request_timeout``: seconds per attempt (60; 180 for Ollama), the
        longest silence for streams. ``deadline``: seconds per call, retries
        included (none). ``circuit_breaker_threshold`` (5 consecutive failures,
        0 turns it off) and ``circuit_breaker_recovery`` (60 s).
        ``requests_per_second`` and ``max_in_flight`` (no limit): calls over a
        limit wait, up to ``max_queued`` (1000) of them, beyond which they
        raise ``ResourceExhaustedError``.
        """
        if not isinstance(config, LlmConfig):
            raise TypeError(f"config must be a graphbit.LlmConfig, not {type(config).__name__}")
        native = Graphbit.LlmClient.new(config._native)
        native.set_debug(bool(debug))
        _common.configure(native, "LlmClient", resilience)
        self._config = config
        self._native = native

    def config(self) -> LlmConfig:
        """The configuration this client was created with."""
        return self._config

    # one prompt, text back
    def complete(self, prompt: str, max_tokens: Optional[int] = None, temperature: Optional[float] = None) -> str:
        """Sends ``prompt`` and returns the answer's text (blocking, GIL released).

        Raises ``ValueError`` for an empty prompt, ``max_tokens`` outside
        1..100000 or ``temperature`` outside 0.0..2.0. Ctrl-C cancels it.
        """
        return self._run_blocking(_prompt_request(prompt, max_tokens, temperature, validate=False), full=False)

    def complete_async(
        self, prompt: str, max_tokens: Optional[int] = None, temperature: Optional[float] = None
    ) -> Awaitable[str]:
        """Like ``complete()``, as an awaitable."""
        if max_tokens is None and temperature is None and type(prompt) is str and prompt[:1] > " " and "\0" not in prompt:
            # Certainly valid (its first character is neither whitespace
            # nor NUL, and it holds no NUL), so nothing to check now: the
            # C call makes the request on its worker and no request object
            # lives here.
            native = self._native
            return _dispatch.call_queued(
                lambda cancellable, queue, tag: native.complete_prompt_queued(prompt, cancellable, queue, tag),
                _queued_text,
            )
        return self._run_async(_prompt_request(prompt, max_tokens, temperature), full=False)

    # one prompt, response with metadata back
    def complete_full(
        self, prompt: str, max_tokens: Optional[int] = None, temperature: Optional[float] = None
    ) -> LlmResponse:
        """Like ``complete()``, returning an ``LlmResponse`` (content, finish_reason, model, id, usage)."""
        return self._run_blocking(_prompt_request(prompt, max_tokens, temperature, validate=False), full=True)

    def complete_full_async(
        self, prompt: str, max_tokens: Optional[int] = None, temperature: Optional[float] = None
    ) -> Awaitable[LlmResponse]:
        """Like ``complete_full()``, as an awaitable."""
        return self._run_async(_prompt_request(prompt, max_tokens, temperature), full=True)

    # conversations
    def chat(
        self, messages: Sequence[Message], max_tokens: Optional[int] = None, temperature: Optional[float] = None
    ) -> str:
        """Sends a conversation and returns the answer's text (blocking).

        ``messages``: ``(role, content)`` tuples or ``{"role", "content"}``
        dicts; roles ``system``, ``user``, ``assistant``.
        """
        return self._run_blocking(_chat_request(messages, max_tokens, temperature), full=False)

    def chat_optimized(
        self, messages: Sequence[Message], max_tokens: Optional[int] = None, temperature: Optional[float] = None
    ) -> Awaitable[str]:
        """Like ``chat()``, as an awaitable."""
        return self._run_async(_chat_request(messages, max_tokens, temperature), full=False)

    # many prompts
    def complete_batch(
        self,
        prompts: Sequence[str],
        max_tokens: Optional[int] = None,
        temperature: Optional[float] = None,
        max_concurrency: Optional[int] = None,
    ) -> "Awaitable[List[Union[str, BaseException]]]":
        """Completes many prompts, at most ``max_concurrency`` at once, results in input order.

        A failed item is its exception object in its place; the others
        still succeed. The list is validated up front (1 to 1000 prompts,
        each valid), raising ``ValueError``.
        """
        if isinstance(prompts, (str, bytes)) or not isinstance(prompts, Iterable):
            raise TypeError("prompts must be a list of strings")
        requests = [_prompt_request(p, max_tokens, temperature, validate=False) for p in prompts]
        call(Graphbit.LlmRequest.validate_batch, requests)
        if max_concurrency is not None:
            if isinstance(max_concurrency, bool) or not isinstance(max_concurrency, int):
                raise TypeError("max_concurrency must be an int or None")
            if max_concurrency < 1:
                raise ValidationError(
                    f"max_concurrency must be at least 1, got {max_concurrency}; pass None for the default",
                    field="max_concurrency",
                    value=str(max_concurrency),
                    operation="complete_batch",
                )
        native = self._native
        limit = min(max_concurrency or 0, 2**32 - 1)

        def finish(completion: Any) -> List[Union[str, BaseException]]:
            batch = completion.propagate()
            outcomes: List[Union[str, BaseException]] = []
            for index in range(batch.get_n_items()):
                try:
                    batch.check_item(index)
                except GLib.Error as error:
                    outcomes.append(translate(error))
                else:
                    outcomes.append(batch.get_response(index).get_content())
            return outcomes

        return _dispatch.call_queued(
            lambda cancellable, queue, tag: native.complete_batch_queued(requests, limit, cancellable, queue, tag),
            finish,
        )

    # streaming
    def complete_stream(
        self, prompt: str, max_tokens: Optional[int] = None, temperature: Optional[float] = None
    ) -> LlmStream:
        """Streams the answer: ``async for chunk in ...``, ``await ...`` for the whole text, or ``for``."""
        request = _prompt_request(prompt, max_tokens, temperature, validate=False)
        return LlmStream(call(self._native.stream, request))

    stream = complete_stream

    # connections
    def warmup(self) -> Awaitable[None]:
        """Opens pooled connections ahead of use (and loads the model for Ollama); idempotent."""
        native = self._native
        return _dispatch.call_queued(
            lambda cancellable, queue, tag: native.warmup_queued(cancellable, queue, tag),
            lambda completion: completion.propagate() and None,
        )

    # statistics
    def get_stats(self) -> Dict[str, Any]:
        """Statistics since creation or the last ``reset_stats()``.

        Keys: ``total_requests``, ``successful_requests``, ``failed_requests``,
        ``cancelled_requests``, ``rejected_requests``, ``retries``,
        ``success_rate``, ``average_response_time_ms``, ``p50_response_time_ms``,
        ``p95_response_time_ms``, ``prompt_tokens``, ``completion_tokens``,
        ``uptime_seconds``, ``circuit_breaker_state`` (``closed``, ``open`` or
        ``half_open``), ``circuit_breaker_failures``, ``max_retries``,
        ``in_flight``, ``queued``, ``provider``, ``model``.
        """
        return self._native.get_stats().unpack()

    def reset_stats(self) -> None:
        """Zeroes the statistics."""
        self._native.reset_stats()

    # plumbing
    def _run_blocking(self, request: Any, full: bool) -> Any:
        # Not validated in Python first: the C call refuses a bad request
        # before sending anything, and raises right here anyway.
        native = self._native
        if full:
            return LlmResponse._from_native(
                _dispatch.run_blocking(lambda cancellable: native.complete_full(request, cancellable))
            )
        return _dispatch.run_blocking(lambda cancellable: native.complete(request, cancellable))

    def _run_async(self, request: Any, full: bool) -> Awaitable[Any]:
        native = self._native
        if full:
            return _dispatch.call_queued(
                lambda cancellable, queue, tag: native.complete_queued(request, cancellable, queue, tag),
                _queued_response,
            )
        return _dispatch.call_queued(
            lambda cancellable, queue, tag: native.complete_text_queued(request, cancellable, queue, tag),
            _queued_text,
        )

    def __repr__(self) -> str:
        config = self._config
        return f"LlmClient(provider={config.provider()!r}, model={config.model()!r})"
