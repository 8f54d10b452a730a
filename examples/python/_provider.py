"""Shared by the examples: the provider named on the command line, configured from the environment.

    python3 example.py [openai|anthropic|ollama]
    python3 embedding_example.py [openai|huggingface|ollama]

OpenAI reads OPENAI_API_KEY (and OPENAI_BASE_URL), Anthropic reads
ANTHROPIC_API_KEY (and ANTHROPIC_BASE_URL), Hugging Face reads HF_TOKEN (and
HF_BASE_URL), Ollama reads OLLAMA_HOST. GRAPHBIT_MODEL overrides the model
(GRAPHBIT_EMBEDDING_MODEL for embeddings).
"""

import os
import sys

import graphbit


def _from_argv(constructors, model_variable):
    """Calls the constructor named by the first argument (default "openai")."""
    provider = sys.argv[1] if len(sys.argv) > 1 else "openai"
    if provider not in constructors:
        sys.exit(f"unknown provider {provider!r}: use {', '.join(constructors)}")
    return constructors[provider](model=os.environ.get(model_variable) or None)


def config_from_argv() -> graphbit.LlmConfig:
    config = graphbit.LlmConfig
    return _from_argv({"openai": config.openai, "anthropic": config.anthropic, "ollama": config.ollama},
                      "GRAPHBIT_MODEL")


def embedding_config_from_argv() -> graphbit.EmbeddingConfig:
    config = graphbit.EmbeddingConfig
    return _from_argv({"openai": config.openai, "huggingface": config.huggingface, "ollama": config.ollama},
                      "GRAPHBIT_EMBEDDING_MODEL")
