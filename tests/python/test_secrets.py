"""API keys never leave the process: not in logs (debug level included),
error messages, reprs, statistics, health reports or saved workflows.

A planted key goes through every kind of call at debug level, failures
included, and every byte the process writes (stdout and stderr, at the file
descriptor level) and every string the API returns is searched for it."""

import asyncio

import graphbit

KEY = "sk-planted-SECRET-7f3a9c1e5b2d4f60"


def test_a_planted_key_never_appears(mock, capfd):
    graphbit.init(log_level="debug", enable_tracing=True, debug=True)
    seen = []
    config = graphbit.LlmConfig.openai(api_key=KEY, base_url=mock.openai_base)
    client = graphbit.LlmClient(config, debug=True, max_retries=1, retry_base_delay=0.001)
    seen += [repr(config), repr(client), client.complete("secret check")]
    seen.append("".join(client.stream("secret check mock:tokens=5")))

    # Failures: the provider refuses (500, then 401 for a bad key); the
    # messages and details must not carry the key.
    for prompt in ("mock:status=500 failing", "mock:status=401 refused"):
        try:
            client.complete(prompt)
        except graphbit.GraphbitError as error:
            seen += [str(error), repr(error), str(vars(error))]

    embedder = graphbit.EmbeddingClient(graphbit.EmbeddingConfig.openai(api_key=KEY, base_url=mock.openai_base),
                                        debug=True)
    seen += [repr(embedder), str(asyncio.run(embedder.embed_batch(["a", "b"])))[:50]]

    workflow = graphbit.Workflow("secrets")
    workflow.add_node(graphbit.Node.agent("ask", "hello", llm_config=config))
    executor = graphbit.Executor(config, debug=True)
    result = executor.execute(workflow)
    seen += [workflow.to_json(), workflow.to_dot(), repr(executor), repr(result), str(result.node_results())]
    seen += [str(client.get_stats()), str(embedder.get_stats()), str(executor.get_stats())]
    seen += [str(graphbit.health_check()), str(graphbit.get_system_info())]

    captured = capfd.readouterr()
    assert "Graphbit-DEBUG" in captured.err   # the debug run did log
    for text in seen + [captured.out, captured.err]:
        assert KEY not in text
        assert KEY[8:] not in text            # nor a recognisable part of it
    # The requests really carried it.
    assert mock.stats()["last_authorization_scheme"] == "Bearer"
