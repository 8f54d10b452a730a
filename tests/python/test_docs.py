"""The topic pages in docs/: every Python block runs as written against the
mock provider, every page is part of the API reference and linked from the
README, and every link between pages resolves."""

import ast
import asyncio
import inspect
import os
import re

import pytest

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
DOCS = os.path.join(ROOT, "docs")
PAGES = sorted(name for name in os.listdir(DOCS) if name.endswith(".md"))


def read(*path: str) -> str:
    with open(os.path.join(ROOT, *path), encoding="utf-8") as handle:
        return handle.read()


def blocks(text: str, language: str):
    """The fenced blocks of ``language`` in a markdown text, in order."""
    return re.findall(rf"^```{language}\n(.*?)^```$", text, re.MULTILINE | re.DOTALL)


def test_every_page_is_in_the_reference():
    listed = re.search(r"content_pages = \[(.*?)\]", read("docs", "meson.build"), re.DOTALL).group(1)
    assert sorted(re.findall(r"'([^']+\.md)'", listed)) == PAGES


def test_readme_links_every_page():
    readme = read("README.md")
    missing = [page for page in PAGES if f"(docs/{page})" not in readme]
    assert not missing, f"README.md does not link {missing}"


@pytest.mark.parametrize("page", ["README.md"] + [f"docs/{page}" for page in PAGES])
def test_links_between_pages_resolve(page):
    base = os.path.dirname(os.path.join(ROOT, page))
    for target in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", read(page)):
        assert os.path.exists(os.path.join(base, target)), f"{page} links to {target}, which does not exist"


def run_page(page: str) -> dict:
    """Runs a page's Python blocks in order in one namespace, as a reader would
    paste them into a console; top-level ``await`` is allowed, as in asyncio's REPL."""
    namespace = {"__name__": "__docs__"}
    for number, code in enumerate(blocks(read(page), "python"), 1):
        compiled = compile(code, f"{page} python block {number}", "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
        outcome = eval(compiled, namespace)  # noqa: S307 - the project's own documentation
        if inspect.iscoroutine(outcome):
            asyncio.run(outcome)
    return namespace


@pytest.fixture
def provider_env(mock, monkeypatch):
    """The environment with-mock-provider.py gives a program."""
    monkeypatch.setenv("OPENAI_API_KEY", "sk-docs")
    monkeypatch.setenv("OPENAI_BASE_URL", mock.openai_base)
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-docs")
    monkeypatch.setenv("ANTHROPIC_BASE_URL", mock.url)
    monkeypatch.setenv("OLLAMA_HOST", mock.url)
    monkeypatch.setenv("HF_TOKEN", "hf-docs")
    monkeypatch.setenv("HF_BASE_URL", mock.url + "/hf-inference")


PYTHON_PAGES = ["README.md"] + [f"docs/{page}" for page in PAGES if blocks(read("docs", page), "python")]


@pytest.mark.parametrize("page", PYTHON_PAGES)
def test_python_blocks_run(page, provider_env):
    run_page(page)


def test_getting_started_output(provider_env, capsys):
    run_page("docs/getting-started.md")
    out = capsys.readouterr().out
    assert "Mock reply to: Say hello in five words." in out
    assert "['Mock reply to: One', 'Mock reply to: Two']" in out
    assert "MOCK REPLY TO: " in out                      # the workflow's last node
    assert "prompt - The prompt is empty" in out          # error.field, then the message


def test_errors_output(provider_env, capsys):
    run_page("docs/errors.md")
    out = capsys.readouterr().out
    assert "Connection failed: OpenAI complete: connection to http://127.0.0.1:1/v1/chat/completions refused" in out
    assert "max_tokens 0 complete" in out
