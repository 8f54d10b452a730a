"""graphbit's exceptions: classes, builtins they derive from, structured details."""

import concurrent.futures

import pytest

import graphbit


@pytest.mark.parametrize(
    "cls, builtin",
    [
        (graphbit.ConfigurationError, ValueError),
        (graphbit.ValidationError, ValueError),
        (graphbit.NetworkError, ConnectionError),
        (graphbit.AuthenticationError, PermissionError),
        (graphbit.RequestTimeoutError, TimeoutError),
        (graphbit.ResourceExhaustedError, MemoryError),
        (graphbit.RateLimitError, RuntimeError),
        (graphbit.ProviderError, RuntimeError),
        (graphbit.CircuitOpenError, RuntimeError),
        (graphbit.WorkflowError, RuntimeError),
        (graphbit.GraphbitRuntimeError, RuntimeError),
        (graphbit.CancelledError, concurrent.futures.CancelledError),
    ],
)
def test_each_class_is_also_a_builtin(cls, builtin):
    assert issubclass(cls, graphbit.GraphbitError)
    assert issubclass(cls, builtin)
    error = cls("boom", provider="openai")
    assert str(error) == "boom"
    assert error.provider == "openai"


def test_missing_key_names_the_variable(monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    with pytest.raises(graphbit.ConfigurationError) as info:
        graphbit.LlmConfig.openai()
    assert "OPENAI_API_KEY" in str(info.value)
    assert info.value.field == "api_key"
    assert info.value.operation == "LlmConfig.openai"


def test_key_from_environment(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-env")
    config = graphbit.LlmConfig.openai(model="gpt-4o")
    assert config.model() == "gpt-4o"
    assert config.base_url() == "https://api.openai.com/v1"
    assert "sk-env" not in repr(config)


def test_bad_base_url_is_configuration_error():
    with pytest.raises(ValueError) as info:
        graphbit.LlmConfig.openai(api_key="k", base_url="not a url")
    assert info.value.field == "base_url"


def test_llm_config_has_no_public_constructor():
    with pytest.raises(TypeError):
        graphbit.LlmConfig()


def test_configure_runtime_after_start_raises_runtime_error():
    graphbit.init()
    with pytest.raises(RuntimeError) as info:
        graphbit.configure_runtime(worker_threads=4)
    assert isinstance(info.value, graphbit.GraphbitRuntimeError)
    assert "before the runtime starts" in str(info.value)


@pytest.mark.parametrize("kwargs", [{"worker_threads": 0}, {"max_blocking_threads": -1}, {"thread_stack_size_mb": 0}])
def test_configure_runtime_rejects_non_positive(kwargs):
    with pytest.raises(ValueError) as info:
        graphbit.configure_runtime(**kwargs)
    assert info.value.field == next(iter(kwargs))


def test_configure_runtime_before_start_applies():
    graphbit.shutdown()
    graphbit.configure_runtime(worker_threads=3, max_blocking_threads=7, thread_stack_size_mb=1)
    info = graphbit.get_system_info()
    assert info["runtime_initialized"] is False
    assert info["runtime_worker_threads"] == 3
    assert info["runtime_max_blocking_threads"] == 7
    graphbit.init()
    assert graphbit.get_system_info()["runtime_initialized"] is True
    assert graphbit.health_check()["worker_threads"] == 3
    graphbit.shutdown()
    graphbit.configure_runtime()  # back to the defaults


def test_init_rejects_unknown_level_but_is_idempotent():
    graphbit.init()
    graphbit.init()
    graphbit.init(log_level="WARN")
    with pytest.raises(ValueError) as info:
        graphbit.init(log_level="verbose")
    assert info.value.field == "log_level"
