#!/usr/bin/env python3
"""A batch with bounded concurrency: results in input order, failures in place."""

import asyncio

import graphbit
from _provider import config_from_argv


async def main() -> None:
    client = graphbit.LlmClient(config_from_argv())
    prompts = [f"Give me a fact about the number {n}." for n in range(1, 9)]
    results = await client.complete_batch(prompts, max_tokens=60, max_concurrency=4)
    for prompt, result in zip(prompts, results):
        if isinstance(result, Exception):
            print(f"{prompt} -> failed: {result}")
        else:
            print(f"{prompt} -> {result}")
    stats = client.get_stats()
    print(f"{stats['successful_requests']}/{stats['total_requests']} ok, p95 {stats['p95_response_time_ms']:.1f} ms")


asyncio.run(main())
