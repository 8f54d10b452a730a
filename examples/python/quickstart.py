#!/usr/bin/env python3
"""graphbit quickstart: one completion, blocking and with asyncio.

Reads the provider from the environment: OPENAI_API_KEY (and optionally
OPENAI_BASE_URL for any OpenAI-compatible server, GRAPHBIT_MODEL for the
model). `scripts/run-main.sh` points these at graphbit's local mock provider
when no key is configured.
"""

import asyncio
import os

import graphbit


def main() -> None:
    graphbit.init(log_level="warn")
    config = graphbit.LlmConfig.openai(model=os.environ.get("GRAPHBIT_MODEL") or None)
    client = graphbit.LlmClient(config)
    print(f"graphbit {graphbit.version()} -> {config.provider()} {config.model()} at {config.base_url()}")

    answer = client.complete("Say hello to graphbit in five words.", max_tokens=50, temperature=0.7)
    print(f"complete():       {answer}")

    async def ask_async() -> str:
        return await client.complete_async("Name one use of an LLM workflow engine.", max_tokens=50)

    print(f"complete_async(): {asyncio.run(ask_async())}")

    stats = client.get_stats()
    print(
        f"requests: {stats['successful_requests']} ok, {stats['failed_requests']} failed, "
        f"average {stats['average_response_time_ms']:.1f} ms"
    )
    print(f"healthy: {graphbit.health_check()['overall_healthy']}")
    graphbit.shutdown()


if __name__ == "__main__":
    main()
