"""graphbit's exception classes and the translation from GLib errors.

Every error the C library reports is a ``GLib.Error`` in the graphbit
domain; PyGObject keeps only its domain, code and message, so the
structured details (field, provider, status code, ...) are fetched from the
library right after the failing call, in the same thread, and checked to
belong to the same error.
"""

from __future__ import annotations

import concurrent.futures
from typing import Any, Callable, Optional, TypeVar

from ._native import Gio, GLib, Graphbit

__all__ = [
    "GraphbitError",
    "ConfigurationError",
    "ValidationError",
    "NetworkError",
    "AuthenticationError",
    "RateLimitError",
    "RequestTimeoutError",
    "ResourceExhaustedError",
    "ProviderError",
    "CircuitOpenError",
    "WorkflowError",
    "GraphbitRuntimeError",
    "CancelledError",
]


class GraphbitError(Exception):
    """Base class of every error graphbit raises.

    Attributes (``None`` when they do not apply): ``message``, ``field``,
    ``value``, ``operation``, ``provider``, ``resource_type``,
    ``status_code``, ``body``, ``retry_count``, ``retry_after`` (seconds)
    and ``duration_ms``.
    """

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.field: Optional[str] = details.get("field")
        self.value: Optional[str] = details.get("value")
        self.operation: Optional[str] = details.get("operation")
        self.provider: Optional[str] = details.get("provider")
        self.resource_type: Optional[str] = details.get("resource_type")
        self.status_code: Optional[int] = details.get("status_code")
        self.body: Optional[str] = details.get("body")
        self.retry_count: int = details.get("retry_count") or 0
        self.retry_after: Optional[float] = details.get("retry_after")
        self.duration_ms: Optional[int] = details.get("duration_ms")

    def __str__(self) -> str:
        return self.message


class ConfigurationError(GraphbitError, ValueError):
    """A configuration value is missing or wrong (for example no API key)."""


class ValidationError(GraphbitError, ValueError):
    """An argument is out of range or malformed; ``field`` and ``value`` say which."""


class NetworkError(GraphbitError, ConnectionError):
    """DNS, refused, reset, TLS, or a connection closed mid-response."""


class AuthenticationError(GraphbitError, PermissionError):
    """The provider rejected the credentials (HTTP 401 or 403)."""


class RateLimitError(GraphbitError, RuntimeError):
    """HTTP 429/529 after every retry; ``retry_after`` is the server's delay if known."""


class RequestTimeoutError(GraphbitError, TimeoutError):
    """A per-attempt timeout or the overall deadline expired."""


class ResourceExhaustedError(GraphbitError, MemoryError):
    """A queue, an in-flight limit or a size bound was exceeded."""


class ProviderError(GraphbitError, RuntimeError):
    """Any other provider error; ``status_code``, ``provider`` and ``body`` say which."""


class CircuitOpenError(GraphbitError, RuntimeError):
    """The client's circuit breaker is open; the call was not attempted."""


class WorkflowError(GraphbitError, RuntimeError):
    """A workflow is invalid or could not run."""


class GraphbitRuntimeError(GraphbitError, RuntimeError):
    """The runtime's state does not allow the call (e.g. configuring it after start)."""


class CancelledError(GraphbitError, concurrent.futures.CancelledError):
    """The operation was cancelled (for example by ``graphbit.shutdown()``)."""


_CLASS_FOR_CODE = {
    Graphbit.Error.CONFIGURATION: ConfigurationError,
    Graphbit.Error.VALIDATION: ValidationError,
    Graphbit.Error.NETWORK: NetworkError,
    Graphbit.Error.AUTHENTICATION: AuthenticationError,
    Graphbit.Error.RATE_LIMIT: RateLimitError,
    Graphbit.Error.TIMEOUT: RequestTimeoutError,
    Graphbit.Error.RESOURCE_EXHAUSTED: ResourceExhaustedError,
    Graphbit.Error.PROVIDER: ProviderError,
    Graphbit.Error.CIRCUIT_OPEN: CircuitOpenError,
    Graphbit.Error.WORKFLOW: WorkflowError,
    Graphbit.Error.RUNTIME: GraphbitRuntimeError,
}

_GRAPHBIT_DOMAIN = GLib.quark_to_string(Graphbit.error_quark())
_IO_DOMAIN = GLib.quark_to_string(Gio.io_error_quark())


def _details_of(error: GLib.Error) -> dict:
    details = Graphbit.error_dup_last_details()
    if details is None or details.get_code() != error.code or details.get_message() != error.message:
        return {}
    retry_after = details.get_retry_after()
    return {
        "field": details.get_field(),
        "value": details.get_value(),
        "operation": details.get_operation(),
        "provider": details.get_provider(),
        "resource_type": details.get_resource_type(),
        "status_code": details.get_status_code() or None,
        "body": details.get_body(),
        "retry_count": details.get_retry_count(),
        "retry_after": retry_after if retry_after >= 0 else None,
        "duration_ms": details.get_duration_ms(),
    }


def translate(error: GLib.Error) -> BaseException:
    """Turns a ``GLib.Error`` from the library into graphbit's exception.

    Must run in the thread where the failing call returned, right after it.
    """
    if error.domain == _GRAPHBIT_DOMAIN:
        cls = _CLASS_FOR_CODE.get(error.code, GraphbitError)
        exc: BaseException = cls(error.message, **_details_of(error))
    elif error.domain == _IO_DOMAIN and error.code == Gio.IOErrorEnum.CANCELLED:
        exc = CancelledError(error.message)
    else:
        exc = GraphbitError(error.message)
    exc.__cause__ = error
    return exc


T = TypeVar("T")


def call(function: Callable[..., T], *args: Any) -> T:
    """Calls a library function, raising graphbit's exception on failure."""
    try:
        return function(*args)
    except GLib.Error as error:
        raise translate(error) from error
