#!/usr/bin/env python3
"""One completion, blocking, with the full response (finish reason, usage)."""

import graphbit
from _provider import config_from_argv

client = graphbit.LlmClient(config_from_argv())
print(client.complete("Write a haiku about GLib.", max_tokens=100, temperature=0.7))

response = client.complete_full("Say hello.", max_tokens=20)
print(f"[{response.model}] {response.content!r} finish={response.finish_reason} tokens={response.usage.total_tokens}")
