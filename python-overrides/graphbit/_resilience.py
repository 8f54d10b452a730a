"""The resilience keyword arguments every client takes, applied to its C object.

``LlmClient`` and ``EmbeddingClient`` share the C call pipeline and its
settings (``set_retry_policy``, ``set_timeouts``, ``set_circuit_breaker``,
``set_rate_limit``), so they share the keyword arguments too. Range checks
are C's, which raise ``ValueError`` naming the field; nothing is changed
when one is wrong.
"""

from __future__ import annotations

from typing import Any, Optional

from ._errors import call

__all__ = ["configure", "count", "seconds"]

_INT32_MAX = 2**31 - 1


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


def configure(
    native: Any,
    *,
    max_retries: Optional[int] = None,
    retry_base_delay: Optional[float] = None,
    retry_max_delay: Optional[float] = None,
    request_timeout: Optional[float] = None,
    deadline: Optional[float] = None,
    circuit_breaker_threshold: Optional[int] = None,
    circuit_breaker_recovery: Optional[float] = None,
    requests_per_second: Optional[float] = None,
    max_in_flight: Optional[int] = None,
    max_queued: Optional[int] = None,
) -> None:
    """Applies the given settings to a C client; None keeps the current value.

    ``max_retries`` (3), ``retry_base_delay`` (0.1 s) and ``retry_max_delay``
    (5 s): exponential backoff with jitter, or the provider's Retry-After.
    ``request_timeout``: seconds per attempt (60; 180 for Ollama).
    ``deadline``: seconds per call, retries included (none).
    ``circuit_breaker_threshold`` (5 consecutive failures, 0 turns it off)
    and ``circuit_breaker_recovery`` (60 s). ``requests_per_second`` and
    ``max_in_flight`` (no limit): calls over a limit wait, up to
    ``max_queued`` (1000) of them, beyond which they raise
    ``ResourceExhaustedError``.
    """
    if (max_retries, retry_base_delay, retry_max_delay) != (None, None, None):
        current = native.get_retry_policy()
        call(
            native.set_retry_policy,
            count("max_retries", max_retries, current[0]),
            seconds("retry_base_delay", retry_base_delay, current[1]),
            seconds("retry_max_delay", retry_max_delay, current[2]),
        )
    if (request_timeout, deadline) != (None, None):
        current = native.get_timeouts()
        call(
            native.set_timeouts,
            seconds("request_timeout", request_timeout, current[0]),
            seconds("deadline", deadline, current[1]),
        )
    if (circuit_breaker_threshold, circuit_breaker_recovery) != (None, None):
        current = native.get_circuit_breaker()
        call(
            native.set_circuit_breaker,
            count("circuit_breaker_threshold", circuit_breaker_threshold, current[0]),
            seconds("circuit_breaker_recovery", circuit_breaker_recovery, current[1]),
        )
    if (requests_per_second, max_in_flight, max_queued) != (None, None, None):
        current = native.get_rate_limit()
        call(
            native.set_rate_limit,
            seconds("requests_per_second", requests_per_second, current[0]),
            count("max_in_flight", max_in_flight, current[1]),
            count("max_queued", max_queued, current[2]),
        )
