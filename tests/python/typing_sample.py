"""A program that uses every public name of the graphbit package, with types.

tests/python/test_typing.py checks it with ``mypy --strict`` against the
package's stubs (``graphbit/__init__.pyi``), and runs it against the mock
provider, so the stubs and the package cannot drift apart unnoticed. It
reads its provider from the environment, like the examples.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
from typing import Any, Dict, List, Optional, Tuple, Union

import graphbit


def module_functions() -> None:
    graphbit.init(log_level="warn", enable_tracing=False, debug=False)
    version: str = graphbit.version()
    assert version == graphbit.__version__
    info: Dict[str, Any] = graphbit.get_system_info()
    health: Dict[str, Any] = graphbit.health_check()
    assert info["version"] == version and health["overall_healthy"]
    assert isinstance(graphbit.__author__, str) and isinstance(graphbit.__description__, str)


def runtime_restart() -> None:
    graphbit.shutdown()
    graphbit.configure_runtime(worker_threads=2, max_blocking_threads=None, thread_stack_size_mb=None)


def llm(config: graphbit.LlmConfig) -> None:
    provider: str = config.provider()
    model: str = config.model()
    base_url: str = config.base_url()
    assert provider and model and base_url

    client = graphbit.LlmClient(config, debug=False, max_retries=2, retry_base_delay=0.05, request_timeout=30.0,
                                circuit_breaker_threshold=5, requests_per_second=None, max_in_flight=8)
    assert client.config() is config
    text: str = client.complete("Hello", max_tokens=10, temperature=0.5)
    full: graphbit.LlmResponse = client.complete_full("Hello")
    usage: graphbit.LlmUsage = full.usage
    tokens: int = usage.total_tokens + usage["prompt_tokens"]
    finish: Optional[str] = full.finish_reason
    answer: str = client.chat([("system", "Be brief."), {"role": "user", "content": "Hi"}])
    assert text and full.content and tokens >= 0 and answer and (finish is None or finish)

    stream: graphbit.LlmStream = client.complete_stream("Tell me a story", max_tokens=50)
    with stream:
        chunks: List[str] = [chunk for chunk in stream]
    assert chunks and stream.is_finished()
    response: Optional[graphbit.LlmResponse] = stream.response()
    assert response is not None

    async def asynchronous() -> None:
        first: str = await client.complete_async("One")
        whole: graphbit.LlmResponse = await client.complete_full_async("Two")
        chat: str = await client.chat_optimized([("user", "Three")])
        outcomes: List[Union[str, BaseException]] = await client.complete_batch(["a", "b"], max_concurrency=2)
        async with client.stream("Four") as chunks_async:
            pieces: List[str] = [piece async for piece in chunks_async]
        joined: str = await client.stream("Five")
        await client.warmup()
        assert first and whole.content and chat and len(outcomes) == 2 and pieces and joined

    asyncio.run(asynchronous())
    stats: Dict[str, Any] = client.get_stats()
    assert stats["successful_requests"] > 0
    client.reset_stats()


def workflows(config: graphbit.LlmConfig) -> None:
    workflow = graphbit.Workflow("typed")
    ask: graphbit.Node = graphbit.Node.agent("ask", "Hello {who}", agent_id=None, system_prompt="Be brief.",
                                             max_tokens=50, temperature=0.2, llm_config=config)
    node_id: str = workflow.add_node(ask)
    workflow.add_node(graphbit.Node.transform("shout", "uppercase"))
    workflow.add_node(graphbit.Node.condition("long", "node.shout contains 'HELLO'"))
    workflow.add_node(graphbit.Node.delay("pause", 0.0))
    workflow.connect(node_id, "shout")
    workflow.connect("shout", "long")
    workflow.connect("long", "pause", condition=True)
    workflow.validate()
    assert (workflow.name(), workflow.node_count(), workflow.edge_count()) == ("typed", 4, 3)
    found: Optional[graphbit.Node] = workflow.get_node("ask")
    nodes: List[graphbit.Node] = workflow.nodes()
    assert found is not None and found.id() == ask.id() and found.name() == "ask" and found.kind() == "agent"
    copy: graphbit.Workflow = graphbit.Workflow.from_json(workflow.to_json())
    dot: str = copy.to_dot()
    assert len(nodes) == 4 and "digraph" in dot

    executor = graphbit.Executor(config, lightweight_mode=None, timeout_seconds=60, debug=False)
    result: graphbit.WorkflowResult = executor.execute(workflow, inputs={"who": "mypy"})
    result.check()
    assert result.is_success() and not result.is_failed() and result.error() is None
    state: str = result.state()
    output: Optional[str] = result.get_node_output("shout")
    outputs: Dict[str, str] = result.get_all_node_outputs()
    status: str = result.node_status("pause")
    per_node: Dict[str, Dict[str, Any]] = result.node_results()
    variables: List[Tuple[str, str]] = result.variables()
    variable: Optional[str] = result.get_variable("node_result_1")
    every: Dict[str, str] = result.get_all_variables()
    elapsed: float = result.execution_time_ms()
    assert state == "Completed" and output and outputs and status == "completed" and per_node
    assert variables and variable and every and elapsed >= 0 and result.node_error("ask") is None
    assert result.workflow_name() == "typed" and result.prompt_tokens() >= 0 and result.completion_tokens() >= 0

    async def run() -> graphbit.WorkflowResult:
        return await executor.run_async(workflow, {"who": "asyncio"})

    assert asyncio.run(run()).is_success()
    for other in (graphbit.Executor.new_high_throughput(config, timeout_seconds=None, debug=None),
                  graphbit.Executor.new_low_latency(config),
                  graphbit.Executor.new_memory_optimized(llm_config=config)):
        mode: str = other.get_execution_mode()
        assert mode
    executor.configure(timeout_seconds=120, max_retries=2, enable_metrics=True, debug=False)
    executor.set_lightweight_mode(True)
    assert executor.is_lightweight_mode()
    stats: Dict[str, Any] = executor.get_stats()
    llm_stats: Dict[str, Any] = executor.llm_client_stats()
    assert stats["total_executions"] == 2 and llm_stats["total_requests"] >= 2
    executor.reset_stats()


def embeddings(config: graphbit.EmbeddingConfig) -> None:
    assert config.provider() and config.model() and config.base_url()
    client = graphbit.EmbeddingClient(config, max_batch_size=16, max_concurrency=2, max_retries=1)
    assert client.config() is config
    vector: List[float] = client.embed("Hello")
    vectors: List[List[float]] = client.embed_many(["First text", "Second text"])
    cosine: float = graphbit.EmbeddingClient.similarity(vectors[0], vectors[1])
    assert vector and -1.0 <= cosine <= 1.0

    async def asynchronous() -> None:
        one: List[float] = await client.embed_text("Hello")
        many: List[List[float]] = await client.embed_batch(["a b", "b c"])
        document: Dict[str, Any] = await client.embed_document("Content", metadata={"source": "file.txt"})
        assert one == vector and len(many) == 2 and document["dimensions"] == len(one)

    asyncio.run(asynchronous())
    stats: Dict[str, Any] = client.get_stats()
    assert stats["total_requests"] > 0
    client.reset_stats()


def errors() -> None:
    try:
        graphbit.LlmClient(graphbit.LlmConfig.ollama()).complete("")
    except graphbit.ValidationError as error:
        field: Optional[str] = error.field
        assert field == "prompt" and error.retry_count == 0 and error.status_code is None
    classes: List[type] = [
        graphbit.GraphbitError, graphbit.ConfigurationError, graphbit.ValidationError, graphbit.NetworkError,
        graphbit.AuthenticationError, graphbit.RateLimitError, graphbit.RequestTimeoutError,
        graphbit.ResourceExhaustedError, graphbit.ProviderError, graphbit.CircuitOpenError,
        graphbit.WorkflowError, graphbit.GraphbitRuntimeError, graphbit.CancelledError,
    ]
    limited = graphbit.RateLimitError("slow down", retry_after=1.5, provider="openai")
    retry_after: Optional[float] = limited.retry_after
    cancelled: concurrent.futures.CancelledError = graphbit.CancelledError("stop")
    assert all(issubclass(cls, graphbit.GraphbitError) for cls in classes) and retry_after == 1.5 and cancelled


def main() -> None:
    module_functions()
    llm(graphbit.LlmConfig.openai())
    for config in (graphbit.LlmConfig.anthropic(model=None, base_url=None), graphbit.LlmConfig.ollama(model=None)):
        assert graphbit.LlmClient(config).complete("Hi")
    workflows(graphbit.LlmConfig.openai())
    for embedding_config in (graphbit.EmbeddingConfig.openai(), graphbit.EmbeddingConfig.huggingface(),
                             graphbit.EmbeddingConfig.ollama()):
        embeddings(embedding_config)
    errors()
    runtime_restart()
    graphbit.shutdown()
    print("typing sample ok")


if __name__ == "__main__":
    main()
