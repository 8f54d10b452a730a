"""The type stubs: mypy --strict accepts a program using every public name
(typing_sample.py), which also runs as written against the mock provider,
and rejects wrong uses, so the stubs are really the types mypy sees."""

import os
import subprocess
import sys

import pytest

import graphbit

HERE = os.path.dirname(os.path.abspath(__file__))
PACKAGE_ROOT = os.path.dirname(os.path.dirname(graphbit.__file__))
SAMPLE = os.path.join(HERE, "typing_sample.py")


def mypy(tmp_path, *files: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, MYPYPATH=PACKAGE_ROOT)
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-error-summary", "--cache-dir", str(tmp_path / "cache"), *files],
        env=env, capture_output=True, text=True, timeout=300,
    )


@pytest.fixture(scope="module", autouse=True)
def has_mypy():
    if subprocess.run([sys.executable, "-m", "mypy", "--version"], capture_output=True).returncode != 0:
        pytest.fail("mypy is missing: scripts/install-deps.sh installs python3-mypy")


def test_stubs_are_shipped():
    assert os.path.exists(os.path.join(PACKAGE_ROOT, "graphbit", "__init__.pyi"))
    assert os.path.exists(os.path.join(PACKAGE_ROOT, "graphbit", "py.typed"))


def test_stubs_name_everything_public():
    import ast

    with open(os.path.join(PACKAGE_ROOT, "graphbit", "__init__.pyi"), encoding="utf-8") as handle:
        tree = ast.parse(handle.read())
    stubbed = {node.name: node for node in tree.body if isinstance(node, (ast.ClassDef, ast.FunctionDef))}
    assert sorted(set(graphbit.__all__) - set(stubbed)) == []
    for name in graphbit.__all__:
        public = getattr(graphbit, name)
        if isinstance(public, type) and not issubclass(public, BaseException):
            methods = {node.name for node in stubbed[name].body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))}
            real = {attr for attr in vars(public) if not attr.startswith("_") and callable(getattr(public, attr))}
            assert sorted(real - methods) == [], f"{name}: methods missing from the stubs"


def test_sample_passes_mypy_strict(tmp_path):
    result = mypy(tmp_path, SAMPLE)
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_rejects_wrong_uses(tmp_path):
    wrong = tmp_path / "wrong.py"
    wrong.write_text(
        "import graphbit\n"
        "client = graphbit.LlmClient(graphbit.LlmConfig.openai())\n"
        "count: int = client.complete('hi')\n"
        "client.complete('hi', max_tokens='ten')\n"
        "graphbit.Workflow('w').connect('a', 'b', condition='yes')\n"
        "graphbit.LlmClient(graphbit.LlmConfig.openai(), max_retries='3')\n"
    )
    result = mypy(tmp_path, str(wrong))
    assert result.returncode == 1
    assert [line.split(":")[1] for line in result.stdout.splitlines()] == ["3", "4", "5", "6"], result.stdout


def test_sample_runs_against_the_mock(mock):
    env = dict(
        os.environ,
        OPENAI_API_KEY="sk-typing", OPENAI_BASE_URL=mock.openai_base,
        ANTHROPIC_API_KEY="sk-typing", ANTHROPIC_BASE_URL=mock.url,
        OLLAMA_HOST=mock.url, HF_TOKEN="hf-typing", HF_BASE_URL=mock.url + "/hf-inference",
    )
    result = subprocess.run([sys.executable, SAMPLE], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().endswith("typing sample ok")
