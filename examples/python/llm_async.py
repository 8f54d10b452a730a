#!/usr/bin/env python3
"""Concurrent completions with asyncio (a plain asyncio.run(), no GLib loop needed)."""

import asyncio

import graphbit
from _provider import config_from_argv


async def main() -> None:
    client = graphbit.LlmClient(config_from_argv())
    await client.warmup()  # open connections ahead of the first call
    questions = ["What is GObject?", "What is libsoup?", "What is json-glib?"]
    answers = await asyncio.gather(*(client.complete_async(q, max_tokens=60) for q in questions))
    for question, answer in zip(questions, answers):
        print(f"{question} -> {answer}")
    print(await client.chat_optimized([("system", "Answer in one word."), ("user", "Best toolkit?")]))


asyncio.run(main())
