#!/usr/bin/env python3
"""Streaming: text printed as the provider sends it."""

import asyncio

import graphbit
from _provider import config_from_argv


async def main() -> None:
    client = graphbit.LlmClient(config_from_argv())
    stream = client.complete_stream(prompt="Tell me a story", max_tokens=500)
    async for chunk in stream:
        print(chunk, end="", flush=True)
    print()
    response = stream.response()
    print(f"finish={response.finish_reason} tokens={response.usage.completion_tokens}")

    # The same without asyncio: a plain for loop.
    for chunk in client.stream("Count to five."):
        print(chunk, end="", flush=True)
    print()


asyncio.run(main())
