"""Proxies come from the environment (http_proxy, https_proxy, all_proxy,
no_proxy), as for curl, requests and httpx. Each case runs in a fresh
interpreter, because sessions read the variables when they are made.

The mock provider doubles as the proxy: it answers a request sent to it in
proxy form (an absolute URI) like any other. The provider's own address is
a loopback port nothing listens on, so an answer proves the call went
through the proxy, and a refused connection proves it did not."""

import os
import socket
import subprocess
import sys

import pytest

CHILD = r"""
import sys
import graphbit

config = graphbit.LlmConfig.openai(api_key="sk-proxy-secret", base_url=sys.argv[1])
client = graphbit.LlmClient(config, request_timeout=10, max_retries=0)
try:
    print("ANSWER " + client.complete("through a proxy"))
except graphbit.NetworkError as error:
    print("NETWORK_ERROR " + str(error))
"""

PROXY_VARIABLES = ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY",
                   "no_proxy", "NO_PROXY", "GRAPHBIT_PROXY_RESOLVER")


@pytest.fixture(scope="module")
def closed_port_url():
    """The base URL of a loopback port that refuses connections."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"


def run_child(base_url: str, **variables: str) -> subprocess.CompletedProcess:
    env = {name: value for name, value in os.environ.items() if name not in PROXY_VARIABLES}
    env.update(variables)
    return subprocess.run([sys.executable, "-c", CHILD, base_url], env=env, capture_output=True, text=True,
                          timeout=60)


def test_http_proxy_carries_the_calls(mock, closed_port_url):
    child = run_child(closed_port_url, http_proxy=mock.url)
    assert child.stdout.strip() == "ANSWER Mock reply to: through a proxy", child.stderr


@pytest.mark.parametrize("name", ["HTTP_PROXY", "all_proxy", "ALL_PROXY"])
def test_the_other_spellings_count_too(mock, closed_port_url, name):
    child = run_child(closed_port_url, **{name: mock.url})
    assert child.stdout.strip() == "ANSWER Mock reply to: through a proxy", child.stderr


def test_without_a_proxy_the_call_goes_direct(closed_port_url):
    child = run_child(closed_port_url)
    assert child.stdout.startswith("NETWORK_ERROR "), child.stdout + child.stderr


@pytest.mark.parametrize("no_proxy", ["127.0.0.1", "localhost, 127.0.0.1", "*", " * "])
def test_no_proxy_sends_matching_hosts_direct(mock, closed_port_url, no_proxy):
    child = run_child(closed_port_url, http_proxy=mock.url, no_proxy=no_proxy)
    assert child.stdout.startswith("NETWORK_ERROR "), child.stdout + child.stderr


def test_no_proxy_names_cover_their_subdomains(mock):
    # curl's rule: "localhost" in no_proxy covers "sub.localhost" too. Such a
    # name then goes direct, where nothing answers it here.
    child = run_child("http://api.localhost:9/v1", http_proxy=mock.url, no_proxy="localhost")
    assert child.stdout.startswith("NETWORK_ERROR "), child.stdout + child.stderr
    through = run_child("http://api.localhost:9/v1", http_proxy=mock.url, no_proxy="example.com")
    assert through.stdout.strip() == "ANSWER Mock reply to: through a proxy", through.stderr


def test_an_unknown_resolver_choice_is_named_and_the_environment_used(mock, closed_port_url):
    child = run_child(closed_port_url, http_proxy=mock.url, GRAPHBIT_PROXY_RESOLVER="desktop")
    assert child.stdout.strip() == "ANSWER Mock reply to: through a proxy", child.stderr
    assert "GRAPHBIT_PROXY_RESOLVER is 'desktop'" in child.stderr
    assert "sk-proxy-secret" not in child.stderr + child.stdout
