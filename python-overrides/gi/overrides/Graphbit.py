"""PyGObject overrides for Graphbit: Python conveniences on the GI classes.

Kept thin and import-light: readable reprs that never show secrets. The
documented Python API is the ``graphbit`` package, built on top of this.
"""

from ..module import get_introspection_module
from ..overrides import override

Graphbit = get_introspection_module("Graphbit")

__all__ = []


class LlmConfig(Graphbit.LlmConfig):
    def __repr__(self):
        # The API key is write-only in C and never shown here.
        return "<Graphbit.LlmConfig provider=%r model=%r base_url=%r>" % (
            self.get_provider_name(),
            self.get_model(),
            self.get_base_url(),
        )


LlmConfig = override(LlmConfig)
__all__.append("LlmConfig")


class EmbeddingConfig(Graphbit.EmbeddingConfig):
    def __repr__(self):
        # The API key is write-only in C and never shown here.
        return "<Graphbit.EmbeddingConfig provider=%r model=%r base_url=%r>" % (
            self.get_provider_name(),
            self.get_model(),
            self.get_base_url(),
        )


EmbeddingConfig = override(EmbeddingConfig)
__all__.append("EmbeddingConfig")


class Embeddings(Graphbit.Embeddings):
    def __repr__(self):
        return "<Graphbit.Embeddings vectors=%d dimensions=%d model=%r>" % (
            self.get_n_vectors(),
            self.get_dimensions(),
            self.get_model(),
        )


Embeddings = override(Embeddings)
__all__.append("Embeddings")


class LlmResponse(Graphbit.LlmResponse):
    def __repr__(self):
        return "<Graphbit.LlmResponse model=%r finish_reason=%r tokens=%d content=%r>" % (
            self.get_model(),
            self.get_finish_reason(),
            self.get_total_tokens(),
            self.get_content()[:60],
        )


LlmResponse = override(LlmResponse)
__all__.append("LlmResponse")


class ErrorDetails(Graphbit.ErrorDetails):
    def __repr__(self):
        fields = ("field", "value", "operation", "provider", "status_code", "retry_count")
        parts = ["code=%r" % self.get_code()]
        for name in fields:
            value = getattr(self, "get_" + name)()
            if value:
                parts.append("%s=%r" % (name, value))
        return "<Graphbit.ErrorDetails %s>" % " ".join(parts)


ErrorDetails = override(ErrorDetails)
__all__.append("ErrorDetails")
