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


def config_from_argv() -> graphbit.LlmConfig:
    provider = sys.argv[1] if len(sys.argv) > 1 else "openai"
    model = os.environ.get("GRAPHBIT_MODEL") or None
    if provider == "openai":
        return graphbit.LlmConfig.openai(model=model)
    if provider == "anthropic":
        return graphbit.LlmConfig.anthropic(model=model)
    if provider == "ollama":
        return graphbit.LlmConfig.ollama(model=model)
    sys.exit(f"unknown provider {provider!r}: use openai, anthropic or ollama")


def embedding_config_from_argv() -> graphbit.EmbeddingConfig:
    provider = sys.argv[1] if len(sys.argv) > 1 else "openai"
    model = os.environ.get("GRAPHBIT_EMBEDDING_MODEL") or None
    if provider == "openai":
        return graphbit.EmbeddingConfig.openai(model=model)
    if provider == "huggingface":
        return graphbit.EmbeddingConfig.huggingface(model=model)
    if provider == "ollama":
        return graphbit.EmbeddingConfig.ollama(model=model)
    sys.exit(f"unknown provider {provider!r}: use openai, huggingface or ollama")
