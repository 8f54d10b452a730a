"""graphbit: LLM and embedding clients and agent workflows, over a GObject library.

The documented API (``init``, ``LlmConfig``, ``LlmClient``, ...) lives here;
``gi.repository.Graphbit`` is the same library as GObject-Introspection
exposes it to every language.
"""

from ._native import Graphbit as _Graphbit
from ._errors import (
    AuthenticationError,
    CancelledError,
    CircuitOpenError,
    ConfigurationError,
    GraphbitError,
    GraphbitRuntimeError,
    NetworkError,
    ProviderError,
    RateLimitError,
    RequestTimeoutError,
    ResourceExhaustedError,
    ValidationError,
    WorkflowError,
)
from ._runtime import configure_runtime, get_system_info, health_check, init, shutdown, version
from ._llm import LlmClient, LlmConfig, LlmResponse, LlmStream, LlmUsage
from ._workflow import Executor, Node, Workflow, WorkflowResult
from ._embeddings import EmbeddingClient, EmbeddingConfig

__version__ = _Graphbit.get_version()
__author__ = "GraphBit Team"
__description__ = "Production-grade Python bindings for GraphBit agentic workflow automation"

__all__ = [
    "init",
    "version",
    "get_system_info",
    "health_check",
    "configure_runtime",
    "shutdown",
    "LlmConfig",
    "LlmClient",
    "LlmResponse",
    "LlmUsage",
    "LlmStream",
    "Node",
    "Workflow",
    "WorkflowResult",
    "Executor",
    "EmbeddingConfig",
    "EmbeddingClient",
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
