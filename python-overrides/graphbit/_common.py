"""What the LLM and embedding configs and clients share.

Both kinds of config hold a provider, a model, a base URL and a key that is
never shown (``EndpointConfig``). Both clients share the C call pipeline and
its settings (``set_retry_policy``, ``set_timeouts``, ``set_circuit_breaker``,
``set_rate_limit``), so they take the same resilience keyword arguments
(``configure``). Range checks are C's, which raise ``ValueError`` naming the
field; nothing is changed when one is wrong.
"""

from __future__ import annotations

from typing import Any, Dict, Optional

from ._errors import ValidationError, call

__all__ = ["EndpointConfig", "c_text", "c_texts", "configure", "count", "seconds"]

_INT32_MAX = 2**31 - 1

# Fields whose value an error must never show.
_SECRET_FIELDS = frozenset({"api_key"})


def c_text(field: str, value: str, operation: str) -> str:
    """``value``, refused if it holds a NUL character.

    C strings end at the first NUL, so PyGObject would pass only the text
    before it, silently: a prompt or a key would be cut short.
    """
    index = value.find("\0")
    if index >= 0:
        raise ValidationError(
            f"{field} contains a NUL character (at index {index}), where C would cut it short: remove it",
            field=field,
            value=None if field in _SECRET_FIELDS else value[:index],
            operation=operation,
        )
    return value


def c_texts(operation: str, **fields: Optional[str]) -> None:
    """``c_text()`` for each of ``fields`` that is a str (others are C's to check)."""
    for field, value in fields.items():
        if isinstance(value, str):
            c_text(field, value, operation)


class EndpointConfig:
    """The base of ``LlmConfig`` and ``EmbeddingConfig``: a C config and its accessors.

    Subclasses name their C class (``_native_type``) and their constructors.
    """

    __slots__ = ("_native",)
    _native_type: Any = None
    _constructors = ""

    def __init__(self, native: Any = None) -> None:
        if not isinstance(native, self._native_type):
            name = type(self).__name__
            raise TypeError(f"{name} has no public constructor: use {self._constructors}")
        self._native = native

    def provider(self) -> str:
        """The provider's short name, such as ``"openai"``."""
        return self._native.get_provider_name()

    def model(self) -> str:
        """The model name."""
        return self._native.get_model()

    def base_url(self) -> str:
        """The base URL, without a trailing slash."""
        return self._native.get_base_url()

    def __repr__(self) -> str:
        # The key is write-only in C: it cannot appear here.
        return (f"{type(self).__name__}(provider={self.provider()!r}, model={self.model()!r}, "
                f"base_url={self.base_url()!r})")


RESILIENCE_OPTIONS = frozenset(
    {
        "max_retries",
        "retry_base_delay",
        "retry_max_delay",
        "request_timeout",
        "deadline",
        "circuit_breaker_threshold",
        "circuit_breaker_recovery",
        "requests_per_second",
        "max_in_flight",
        "max_queued",
    }
)


def count(name: str, value: Any, default: int) -> int:
    """An int setting for C (None keeps ``default``); range checks are C's."""
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int or None, not {type(value).__name__}")
    # Out-of-range values still reach C's check (and its message) as -1.
    return value if -_INT32_MAX <= value <= _INT32_MAX else -1


def seconds(name: str, value: Any, default: float) -> float:
    """A number of seconds for C (None keeps ``default``); range checks are C's."""
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name} must be a number or None, not {type(value).__name__}")
    return float(value)


def configure(native: Any, owner: str, options: Dict[str, Any]) -> None:
    """Applies resilience ``options`` to a C client; missing or None values keep the current setting.

    ``max_retries`` (3), ``retry_base_delay`` (0.1 s) and ``retry_max_delay``
    (5 s): exponential backoff with jitter, or the provider's Retry-After.
    ``request_timeout``: seconds per attempt (60; 180 for Ollama).
    ``deadline``: seconds per call, retries included (none).
    ``circuit_breaker_threshold`` (5 consecutive failures, 0 turns it off)
    and ``circuit_breaker_recovery`` (60 s). ``requests_per_second`` and
    ``max_in_flight`` (no limit): calls over a limit wait, up to
    ``max_queued`` (1000) of them, beyond which they raise
    ``ResourceExhaustedError``. An unknown name raises ``TypeError`` as for
    any unexpected keyword argument of ``owner``.
    """
    unknown = sorted(set(options) - RESILIENCE_OPTIONS)
    if unknown:
        raise TypeError(f"{owner}() got an unexpected keyword argument {unknown[0]!r}")
    get = options.get

    if any(get(name) is not None for name in ("max_retries", "retry_base_delay", "retry_max_delay")):
        current = native.get_retry_policy()
        call(
            native.set_retry_policy,
            count("max_retries", get("max_retries"), current[0]),
            seconds("retry_base_delay", get("retry_base_delay"), current[1]),
            seconds("retry_max_delay", get("retry_max_delay"), current[2]),
        )
    if any(get(name) is not None for name in ("request_timeout", "deadline")):
        current = native.get_timeouts()
        call(
            native.set_timeouts,
            seconds("request_timeout", get("request_timeout"), current[0]),
            seconds("deadline", get("deadline"), current[1]),
        )
    if any(get(name) is not None for name in ("circuit_breaker_threshold", "circuit_breaker_recovery")):
        current = native.get_circuit_breaker()
        call(
            native.set_circuit_breaker,
            count("circuit_breaker_threshold", get("circuit_breaker_threshold"), current[0]),
            seconds("circuit_breaker_recovery", get("circuit_breaker_recovery"), current[1]),
        )
    if any(get(name) is not None for name in ("requests_per_second", "max_in_flight", "max_queued")):
        current = native.get_rate_limit()
        call(
            native.set_rate_limit,
            seconds("requests_per_second", get("requests_per_second"), current[0]),
            count("max_in_flight", get("max_in_flight"), current[1]),
            count("max_queued", get("max_queued"), current[2]),
        )
