"""Embedding configuration and client.

Vectors leave C as one block of packed doubles (a ``GLib.Bytes``) and become
Python lists in one C-speed step (``memoryview(...).cast("d").tolist()``),
instead of PyGObject converting every number on its own; see
``bench/embeddings_transfer.py`` for the difference.
"""

from __future__ import annotations

import numbers
from typing import Any, Awaitable, Dict, Iterable, List, Mapping, Optional, Sequence

from . import _common, _dispatch
from ._errors import ValidationError, call
from ._native import Graphbit

__all__ = ["EmbeddingConfig", "EmbeddingClient"]

class EmbeddingConfig(_common.EndpointConfig):
    """Which embedding provider, model and endpoint to use. Immutable and thread-safe.

    Create one with ``EmbeddingConfig.openai()``, ``EmbeddingConfig.huggingface()``
    or ``EmbeddingConfig.ollama()``. The API key is never shown in ``repr()``.
    ``provider()`` is ``"openai"``, ``"huggingface"`` or ``"ollama"``.
    """

    __slots__ = ()
    _native_type = Graphbit.EmbeddingConfig
    _constructors = "EmbeddingConfig.openai(), EmbeddingConfig.huggingface() or EmbeddingConfig.ollama()"

    @staticmethod
    def openai(
        api_key: Optional[str] = None,
        model: Optional[str] = None,
        base_url: Optional[str] = None,
    ) -> "EmbeddingConfig":
        """OpenAI embeddings, or any server with an OpenAI-compatible ``/embeddings``.

        Defaults: key from ``OPENAI_API_KEY``, model ``text-embedding-3-small``,
        base URL from ``OPENAI_BASE_URL`` else ``https://api.openai.com/v1``.
        """
        _common.c_texts("EmbeddingConfig.openai", api_key=api_key, model=model, base_url=base_url)
        return EmbeddingConfig(call(Graphbit.EmbeddingConfig.openai, api_key, model, base_url))

    @staticmethod
    def huggingface(
        api_key: Optional[str] = None,
        model: Optional[str] = None,
        base_url: Optional[str] = None,
    ) -> "EmbeddingConfig":
        """Hugging Face Inference feature extraction.

        Defaults: token from ``HF_TOKEN``, model
        ``sentence-transformers/all-MiniLM-L6-v2``, base URL from
        ``HF_BASE_URL`` else ``https://router.huggingface.co/hf-inference``.
        Token-level models work too: their token vectors are mean-pooled.
        """
        _common.c_texts("EmbeddingConfig.huggingface", api_key=api_key, model=model, base_url=base_url)
        return EmbeddingConfig(call(Graphbit.EmbeddingConfig.huggingface, api_key, model, base_url))

    @staticmethod
    def ollama(model: Optional[str] = None, base_url: Optional[str] = None) -> "EmbeddingConfig":
        """A local or remote Ollama server (no key).

        Defaults: model ``nomic-embed-text``, base URL from ``OLLAMA_HOST``
        else ``http://localhost:11434``.
        """
        _common.c_texts("EmbeddingConfig.ollama", model=model, base_url=base_url)
        return EmbeddingConfig(call(Graphbit.EmbeddingConfig.ollama, model, base_url))


def _vector(embeddings: Any, index: int) -> List[float]:
    """One vector of a C result, as a list, in one step."""
    return memoryview(embeddings.get_vector_bytes(index).get_data()).cast("d").tolist()


def _vectors(embeddings: Any) -> List[List[float]]:
    """Every vector of a C result, as lists: one copy of the block, then a C-speed step per row."""
    values = memoryview(embeddings.get_bytes().get_data()).cast("d")
    dimensions = embeddings.get_dimensions()
    return [values[start : start + dimensions].tolist() for start in range(0, len(values), dimensions)]


def _check_text(field: str, text: Any, operation: str) -> str:
    if not isinstance(text, str):
        raise TypeError(f"{field} must be a str, not {type(text).__name__}")
    _common.c_text(field, text, operation)
    if not text:
        raise ValidationError(
            f"{field} is empty: providers cannot embed an empty text",
            field=field,
            value="",
            operation=operation,
        )
    return text


def _check_texts(texts: Any) -> List[str]:
    if isinstance(texts, (str, bytes)) or not isinstance(texts, Iterable):
        raise TypeError("texts must be a list of strings")
    texts = list(texts)
    for index, text in enumerate(texts):
        if not isinstance(text, str):
            raise TypeError(f"texts[{index}] must be a str, not {type(text).__name__}")
        _common.c_text(f"texts[{index}]", text, "embed_batch")
    call(Graphbit.EmbeddingClient.validate_texts, texts)
    return texts


def _floats(name: str, vector: Any) -> List[float]:
    if isinstance(vector, (str, bytes)) or not isinstance(vector, Iterable):
        raise TypeError(f"{name} must be a sequence of numbers, not {type(vector).__name__}")
    values = list(vector)
    for index, value in enumerate(values):
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise TypeError(f"{name}[{index}] must be a number, not {type(value).__name__}")
    return [float(value) for value in values]


class EmbeddingClient:
    """A client for one ``EmbeddingConfig``; create it once and reuse it.

    Thread-safe. ``embed`` and ``embed_many`` block (releasing the GIL);
    ``embed_text``, ``embed_batch`` and ``embed_document`` return coroutines
    that work under a plain ``asyncio.run()``, and cancelling the awaiting
    task aborts the HTTP requests. Arguments are checked when the method is
    called. Batches are split into requests the provider takes (2048 texts
    for OpenAI, 32 for Hugging Face, 256 for Ollama), a few at a time, and
    the vectors come back in input order.
    """

    __slots__ = ("_native", "_config")

    def __init__(
        self,
        config: EmbeddingConfig,
        debug: bool = False,
        *,
        max_batch_size: Optional[int] = None,
        max_concurrency: Optional[int] = None,
        **resilience: Any,
    ) -> None:
        """Creates a client.

        ``max_batch_size``: texts per provider request (at most the
        provider's limit, which is the default). ``max_concurrency``: requests
        of one batch in flight at once (4). The other keyword arguments are
        ``LlmClient``'s resilience options, with the same defaults:
        ``max_retries``, ``retry_base_delay``, ``retry_max_delay``,
        ``request_timeout``, ``deadline``, ``circuit_breaker_threshold``,
        ``circuit_breaker_recovery``, ``requests_per_second``,
        ``max_in_flight``, ``max_queued``. A Hugging Face model that is still
        loading is waited for (within ``deadline``) without using up retries.
        """
        if not isinstance(config, EmbeddingConfig):
            raise TypeError(f"config must be a graphbit.EmbeddingConfig, not {type(config).__name__}")
        native = Graphbit.EmbeddingClient.new(config._native)
        native.set_debug(bool(debug))
        _common.configure(native, "EmbeddingClient", resilience)
        for name, value in (("max_batch_size", max_batch_size), ("max_concurrency", max_concurrency)):
            # None is the default; C's 0 for it is not a value to pass.
            if isinstance(value, int) and not isinstance(value, bool) and value < 1:
                raise ValidationError(
                    f"{name} must be at least 1, got {value}; pass None for the default",
                    field=name,
                    value=str(value),
                    operation="EmbeddingClient",
                )
        if (max_batch_size, max_concurrency) != (None, None):
            current = native.get_batching()
            call(
                native.set_batching,
                _common.count("max_batch_size", max_batch_size, current[0]),
                _common.count("max_concurrency", max_concurrency, current[1]),
            )
        self._config = config
        self._native = native

    def config(self) -> EmbeddingConfig:
        """The configuration this client was created with."""
        return self._config

    # one text
    def embed(self, text: str) -> List[float]:
        """Embeds ``text`` and returns its vector (blocking, GIL released; Ctrl-C cancels it)."""
        native = self._native
        text = _check_text("text", text, "embed_text")
        return _vector(_dispatch.run_blocking(lambda cancellable: native.embed_text(text, cancellable)), 0)

    def embed_text(self, text: str) -> Awaitable[List[float]]:
        """Like ``embed()``, as a coroutine."""
        native = self._native
        text = _check_text("text", text, "embed_text")
        return _dispatch.call_queued(
            lambda cancellable, queue, tag: native.embed_text_queued(text, cancellable, queue, tag),
            lambda completion: _vector(completion.propagate(), 0),
        )

    # many texts
    def embed_many(self, texts: Sequence[str]) -> List[List[float]]:
        """Embeds every text and returns their vectors in input order (blocking).

        Raises ``ValueError`` for an empty list, more than 100000 texts or an
        empty text (naming ``texts[i]``).
        """
        native = self._native
        texts = _check_texts(texts)
        return _vectors(_dispatch.run_blocking(lambda cancellable: native.embed_batch(texts, cancellable)))

    def embed_batch(self, texts: Sequence[str]) -> Awaitable[List[List[float]]]:
        """Like ``embed_many()``, as a coroutine."""
        native = self._native
        texts = _check_texts(texts)
        return _dispatch.call_queued(
            lambda cancellable, queue, tag: native.embed_batch_queued(texts, cancellable, queue, tag),
            lambda completion: _vectors(completion.propagate()),
        )

    # documents
    def embed_document(self, content: str, metadata: Optional[Mapping[str, Any]] = None) -> Awaitable[Dict[str, Any]]:
        """Embeds a document's content; a coroutine returning a dict.

        Keys: ``embedding`` (the vector), ``content``, ``metadata`` (a copy of
        the mapping given, any values; ``{}`` for None), ``model`` and
        ``dimensions``. The metadata is not embedded.
        """
        native = self._native
        content = _check_text("content", content, "embed_document")
        if metadata is not None and not isinstance(metadata, Mapping):
            raise TypeError(f"metadata must be a mapping or None, not {type(metadata).__name__}")
        kept = dict(metadata) if metadata is not None else {}

        def finish(completion: Any) -> Dict[str, Any]:
            document = completion.propagate()
            return {
                "embedding": _vector(document.get_embeddings(), 0),
                "content": document.get_content(),
                "metadata": kept,
                "model": document.get_model(),
                "dimensions": document.get_dimensions(),
            }

        return _dispatch.call_queued(
            lambda cancellable, queue, tag: native.embed_document_queued(content, None, cancellable, queue, tag),
            finish,
        )

    @staticmethod
    def similarity(a: Sequence[float], b: Sequence[float]) -> float:
        """The cosine similarity of two vectors: 1 same direction, 0 orthogonal, -1 opposite.

        Raises ``ValueError`` (a ``ValidationError`` naming ``a`` or ``b``) when
        the lengths differ, a vector is empty or all zeros, or holds NaN or
        infinity.
        """
        return call(Graphbit.EmbeddingClient.similarity, _floats("a", a), _floats("b", b))

    # statistics
    def get_stats(self) -> Dict[str, Any]:
        """Statistics since creation or the last ``reset_stats()``, with ``LlmClient.get_stats()``'s keys.

        A request is one provider request: ``embed`` is one, a batch one per
        provider-sized slice.
        """
        return self._native.get_stats().unpack()

    def reset_stats(self) -> None:
        """Zeroes the statistics."""
        self._native.reset_stats()

    def __repr__(self) -> str:
        config = self._config
        return f"EmbeddingClient(provider={config.provider()!r}, model={config.model()!r})"
