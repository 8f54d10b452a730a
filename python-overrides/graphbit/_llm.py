"""LLM configuration and client."""

from __future__ import annotations

from typing import Any, Awaitable, Dict, Optional

from . import _dispatch
from ._errors import ValidationError, call
from ._native import Graphbit

__all__ = ["LlmConfig", "LlmClient"]

_INT32_MAX = 2**31 - 1


class LlmConfig:
    """Which provider, model and endpoint to use. Immutable and thread-safe.

    Create one with ``LlmConfig.openai()``, ``LlmConfig.anthropic()`` or
    ``LlmConfig.ollama()``. The API key is never shown in ``repr()``.
    """

    __slots__ = ("_native",)

    def __init__(self, native: Any = None) -> None:
        if not isinstance(native, Graphbit.LlmConfig):
            raise TypeError(
                "LlmConfig has no public constructor: use LlmConfig.openai(), "
                "LlmConfig.anthropic() or LlmConfig.ollama()"
            )
        self._native = native

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
        return LlmConfig(call(Graphbit.LlmConfig.anthropic, api_key, model, base_url))

    @staticmethod
    def ollama(model: Optional[str] = None, base_url: Optional[str] = None) -> "LlmConfig":
        """A local or remote Ollama server (no key).

        Defaults: model ``llama3.2``, base URL from ``OLLAMA_HOST`` else
        ``http://localhost:11434``.
        """
        return LlmConfig(call(Graphbit.LlmConfig.ollama, model, base_url))

    def provider(self) -> str:
        """``"openai"``, ``"anthropic"`` or ``"ollama"``."""
        return self._native.get_provider_name()

    def model(self) -> str:
        """The model name."""
        return self._native.get_model()

    def base_url(self) -> str:
        """The base URL, without a trailing slash."""
        return self._native.get_base_url()

    def __repr__(self) -> str:
        return f"LlmConfig(provider={self.provider()!r}, model={self.model()!r}, base_url={self.base_url()!r})"


def _check_prompt(prompt: Any) -> str:
    if not isinstance(prompt, str):
        raise TypeError(f"prompt must be a str, not {type(prompt).__name__}")
    return prompt


def _build_request(prompt: Any, max_tokens: Any, temperature: Any) -> Any:
    """A validated C request, so bad arguments raise at call time."""
    request = Graphbit.LlmRequest.new(_check_prompt(prompt))
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
    call(request.validate)
    return request


class LlmClient:
    """A client for one ``LlmConfig``; create it once and reuse it.

    Thread-safe. Blocking methods release the GIL; ``*_async`` methods
    return awaitables that work under a plain ``asyncio.run()``, and
    cancelling the awaiting task aborts the HTTP request.
    """

    __slots__ = ("_native", "_config")

    def __init__(self, config: LlmConfig, debug: bool = False) -> None:
        if not isinstance(config, LlmConfig):
            raise TypeError(f"config must be a graphbit.LlmConfig, not {type(config).__name__}")
        self._config = config
        self._native = Graphbit.LlmClient.new(config._native)
        self._native.set_debug(bool(debug))

    def config(self) -> LlmConfig:
        """The configuration this client was created with."""
        return self._config

    def complete(
        self,
        prompt: str,
        max_tokens: Optional[int] = None,
        temperature: Optional[float] = None,
    ) -> str:
        """Sends ``prompt`` and returns the answer's text (blocking, GIL released).

        Raises ``ValueError`` for an empty prompt, ``max_tokens`` outside
        1..100000 or ``temperature`` outside 0.0..2.0. Ctrl-C cancels it.
        """
        request = _build_request(prompt, max_tokens, temperature)
        native = self._native
        return _dispatch.run_blocking(
            lambda cancellable, callback: native.complete_async(request, cancellable, callback),
            native.complete_finish,
            lambda: native.complete(request, None),
        )

    def complete_async(
        self,
        prompt: str,
        max_tokens: Optional[int] = None,
        temperature: Optional[float] = None,
    ) -> Awaitable[str]:
        """Like ``complete()``, as an awaitable; arguments are checked at call time."""
        request = _build_request(prompt, max_tokens, temperature)
        native = self._native
        return _dispatch.run_async(
            lambda cancellable, callback: native.complete_async(request, cancellable, callback),
            native.complete_finish,
        )

    def get_stats(self) -> Dict[str, Any]:
        """Statistics since creation or the last ``reset_stats()``.

        Keys: ``total_requests``, ``successful_requests``, ``failed_requests``,
        ``cancelled_requests``, ``success_rate``, ``average_response_time_ms``,
        ``p50_response_time_ms``, ``p95_response_time_ms``, ``prompt_tokens``,
        ``completion_tokens``, ``uptime_seconds``, ``provider``, ``model``.
        """
        return self._native.get_stats().unpack()

    def reset_stats(self) -> None:
        """Zeroes the statistics."""
        self._native.reset_stats()

    def __repr__(self) -> str:
        config = self._config
        return f"LlmClient(provider={config.provider()!r}, model={config.model()!r})"
