"""Module-level functions: init, version, system information, runtime control."""

from __future__ import annotations

import atexit
from typing import Any, Dict, Optional

from ._errors import ValidationError, call
from ._native import Graphbit

__all__ = [
    "init",
    "version",
    "get_system_info",
    "health_check",
    "configure_runtime",
    "shutdown",
]


def init(
    log_level: Optional[str] = None,
    enable_tracing: Optional[bool] = None,
    debug: Optional[bool] = None,
) -> None:
    """Initialises graphbit (optional: everything starts lazily).

    ``log_level`` is one of ``trace``, ``debug``, ``info``, ``warn``,
    ``error`` (any case); anything else raises ``ValueError``.
    ``enable_tracing`` logs one line per request with its timings (it
    defaults to ``debug``); ``debug=True`` means tracing at the debug level.
    Logs go to stderr, never stdout, and never contain API keys. Calling it
    again may make logging more verbose but never fails otherwise.
    """
    if log_level is not None and not isinstance(log_level, str):
        raise TypeError(f"log_level must be a string or None, not {type(log_level).__name__}")
    tracing = bool(enable_tracing) if enable_tracing is not None else bool(debug)
    call(Graphbit.init, log_level, tracing, bool(debug))


def version() -> str:
    """The library version, equal to ``graphbit.__version__``."""
    return Graphbit.get_version()


def get_system_info() -> Dict[str, Any]:
    """Describes the library, the runtime and the machine (all read at run time)."""
    info = Graphbit.get_system_info().unpack()
    info["python_binding_version"] = Graphbit.get_version()
    return info


def health_check() -> Dict[str, Any]:
    """Checks the runtime's threads and the memory available (starts the runtime)."""
    return Graphbit.health_check().unpack()


def _positive_or_default(name: str, value: Optional[int]) -> int:
    # None selects the default (0 in C); 0 or less is a mistake.
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int or None, not {type(value).__name__}")
    if value <= 0:
        raise ValidationError(
            f"{name} must be a positive number, got {value}; pass None for the default",
            field=name,
            value=str(value),
            operation="configure_runtime",
        )
    return min(value, 2**32 - 1)


def configure_runtime(
    worker_threads: Optional[int] = None,
    max_blocking_threads: Optional[int] = None,
    thread_stack_size_mb: Optional[int] = None,
) -> None:
    """Configures the runtime before it starts.

    Raises ``ValueError`` for values that are not positive, and
    ``RuntimeError`` if the runtime already started (on ``init()`` or first
    use); call ``shutdown()`` first to reconfigure it.
    """
    call(
        Graphbit.configure_runtime,
        _positive_or_default("worker_threads", worker_threads),
        _positive_or_default("max_blocking_threads", max_blocking_threads),
        _positive_or_default("thread_stack_size_mb", thread_stack_size_mb),
    )


def shutdown() -> None:
    """Shuts the runtime down gracefully.

    In-flight calls are cancelled (they raise ``graphbit.CancelledError``,
    or their asyncio tasks see the error), worker threads are joined. Using
    the library afterwards starts it again. Also runs at interpreter exit.
    """
    Graphbit.shutdown()


def _shutdown_at_exit() -> None:
    Graphbit.shutdown()


atexit.register(_shutdown_at_exit)
