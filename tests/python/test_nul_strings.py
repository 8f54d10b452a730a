"""Text with a NUL character is refused, naming the field: C strings end at
the first NUL, so PyGObject would otherwise pass only what comes before it
and a prompt, a message or an API key would be cut short without a word."""

import asyncio

import pytest

import graphbit


def test_a_prompt_with_a_nul_is_refused_at_call_time(mock):
    client = graphbit.LlmClient(graphbit.LlmConfig.openai(api_key="sk-test", base_url=mock.openai_base))
    before = mock.stats()["requests"]
    for call in (
        lambda: client.complete("before\0after"),
        lambda: client.complete_async("before\0after"),
        lambda: client.complete_async("before\0after", max_tokens=5),
        lambda: client.stream("before\0after"),
        lambda: client.complete_batch(["fine", "before\0after"]),
        lambda: client.chat_optimized([("user", "before\0after")]),
    ):
        with pytest.raises(graphbit.ValidationError) as info:
            call()
        assert "NUL" in str(info.value)
        assert info.value.field in ("prompt", "messages[0].content")
    assert mock.stats()["requests"] == before
    # The text up to the NUL is what C would have seen.
    with pytest.raises(graphbit.ValidationError) as info:
        client.complete("cut\0here")
    assert info.value.value == "cut"


def test_an_api_key_with_a_nul_is_refused_without_showing_it():
    with pytest.raises(graphbit.ValidationError) as info:
        graphbit.LlmConfig.openai(api_key="sk-secret\0tail", base_url="http://127.0.0.1:9/v1")
    assert info.value.field == "api_key"
    assert info.value.value is None
    assert "sk-secret" not in str(info.value) and "sk-secret" not in repr(info.value)
    with pytest.raises(graphbit.ValidationError):
        graphbit.EmbeddingConfig.huggingface(api_key="hf_x", model="m\0odel")


def test_embedding_texts_and_workflow_strings_with_a_nul_are_refused(mock):
    embedder = graphbit.EmbeddingClient(graphbit.EmbeddingConfig.openai(api_key="sk-test", base_url=mock.openai_base))
    with pytest.raises(graphbit.ValidationError) as info:
        embedder.embed_many(["ok", "a\0b"])
    assert info.value.field == "texts[1]"
    with pytest.raises(graphbit.ValidationError):
        embedder.embed("a\0b")

    with pytest.raises(graphbit.ValidationError) as info:
        graphbit.Node.agent("ask", "say {topic}\0")
    assert info.value.field == "prompt"
    workflow = graphbit.Workflow("nul")
    workflow.add_node(graphbit.Node.agent("ask", "say {topic}"))
    executor = graphbit.Executor(graphbit.LlmConfig.openai(api_key="sk-test", base_url=mock.openai_base))
    with pytest.raises(graphbit.ValidationError) as info:
        executor.execute(workflow, {"topic": "a\0b"})
    assert info.value.field == "inputs['topic']"
    with pytest.raises(graphbit.ValidationError):
        asyncio.run(executor.run_async(workflow, {"to\0pic": "x"}))
