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
import threading

import pytest

CHILD = r"""
import sys
import graphbit

config = graphbit.LlmConfig.openai(api_key="sk-proxy-secret", base_url=sys.argv[1])
client = graphbit.LlmClient(config, request_timeout=10, max_retries=0)
try:
    print("ANSWER " + client.complete(sys.argv[2]))
except graphbit.GraphbitError as error:
    print(type(error).__name__ + " " + str(error))
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


def run_child(base_url: str, prompt: str = "through a proxy", **variables: str) -> subprocess.CompletedProcess:
    env = {name: value for name, value in os.environ.items() if name not in PROXY_VARIABLES}
    env.update(variables)
    return subprocess.run([sys.executable, "-c", CHILD, base_url, prompt], env=env, capture_output=True,
                          text=True, timeout=60)


def test_http_proxy_carries_the_calls(mock, closed_port_url):
    child = run_child(closed_port_url, http_proxy=mock.url)
    assert child.stdout.strip() == "ANSWER Mock reply to: through a proxy", child.stderr


@pytest.mark.parametrize("name", ["HTTP_PROXY", "all_proxy", "ALL_PROXY"])
def test_the_other_spellings_count_too(mock, closed_port_url, name):
    child = run_child(closed_port_url, **{name: mock.url})
    assert child.stdout.strip() == "ANSWER Mock reply to: through a proxy", child.stderr


def test_without_a_proxy_the_call_goes_direct(closed_port_url):
    child = run_child(closed_port_url)
    assert child.stdout.startswith("NetworkError "), child.stdout + child.stderr


@pytest.mark.parametrize("no_proxy", ["127.0.0.1", "localhost, 127.0.0.1", "*", " * "])
def test_no_proxy_sends_matching_hosts_direct(mock, closed_port_url, no_proxy):
    child = run_child(closed_port_url, http_proxy=mock.url, no_proxy=no_proxy)
    assert child.stdout.startswith("NetworkError "), child.stdout + child.stderr


def test_no_proxy_names_cover_their_subdomains(mock):
    # curl's rule: "localhost" in no_proxy covers "sub.localhost" too. Such a
    # name then goes direct, where nothing answers it here.
    child = run_child("http://api.localhost:9/v1", http_proxy=mock.url, no_proxy="localhost")
    assert child.stdout.startswith("NetworkError "), child.stdout + child.stderr
    through = run_child("http://api.localhost:9/v1", http_proxy=mock.url, no_proxy="example.com")
    assert through.stdout.strip() == "ANSWER Mock reply to: through a proxy", through.stderr


def test_an_unknown_resolver_choice_is_named_and_the_environment_used(mock, closed_port_url):
    child = run_child(closed_port_url, http_proxy=mock.url, GRAPHBIT_PROXY_RESOLVER="desktop")
    assert child.stdout.strip() == "ANSWER Mock reply to: through a proxy", child.stderr
    assert "GRAPHBIT_PROXY_RESOLVER is 'desktop'" in child.stderr
    assert "sk-proxy-secret" not in child.stderr + child.stdout


def test_a_proxy_without_a_scheme_is_http(mock, closed_port_url):
    # curl and requests read "host:port" as an http proxy.
    child = run_child(closed_port_url, http_proxy=mock.url[len("http://"):])
    assert child.stdout.strip() == "ANSWER Mock reply to: through a proxy", child.stderr


def test_a_failing_proxy_is_named_without_its_password(closed_port_url):
    proxy_port = closed_port_url.split(":")[2].split("/")[0]
    child = run_child("http://127.0.0.1:9/v1", http_proxy=f"http://user:s3cret@127.0.0.1:{proxy_port}")
    assert child.stdout.startswith("NetworkError "), child.stdout + child.stderr
    assert f"through the proxy http://127.0.0.1:{proxy_port}" in child.stdout
    assert "is the proxy running" in child.stdout
    assert "s3cret" not in child.stdout + child.stderr
    assert "sk-proxy-secret" not in child.stdout + child.stderr


def test_a_proxy_asking_for_credentials_is_an_authentication_error(mock, closed_port_url):
    child = run_child(closed_port_url, "mock:status=407 through a proxy", http_proxy=mock.url)
    assert child.stdout.startswith("AuthenticationError "), child.stdout + child.stderr
    assert "HTTP 407" in child.stdout
    assert "http://user:password@host:port" in child.stdout


def serve_once(reply_to) -> tuple:
    """A loopback server for one connection: ``reply_to(connection)``
    answers it. Returns its port and the thread serving it."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(30)

    def serve() -> None:
        with listener:
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            with connection:
                reply_to(connection)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    return listener.getsockname()[1], thread


def read_head(connection: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = connection.recv(65536)
        if not chunk:
            break
        data += chunk
    return data


def answer_connect_with_407(connection: socket.socket) -> None:
    assert read_head(connection).startswith(b"CONNECT 127.0.0.1:9 ")
    connection.sendall(b"HTTP/1.1 407 Proxy Authentication Required\r\n"
                       b"Proxy-Authenticate: Basic realm=\"graphbit-test\"\r\n"
                       b"Content-Length: 0\r\n\r\n")


def refuse_every_socks5_method(connection: socket.socket) -> None:
    greeting = connection.recv(64)
    assert greeting[:1] == b"\x05"
    connection.sendall(b"\x05\xff")   # no acceptable authentication method


def test_a_proxy_refusing_the_tunnel_is_an_authentication_error():
    # libsoup opens the tunnel itself: the 407 comes back as the response,
    # with an empty body (which once crashed the error's parsing).
    port, thread = serve_once(answer_connect_with_407)
    child = run_child("https://127.0.0.1:9/v1", https_proxy=f"http://127.0.0.1:{port}")
    thread.join(timeout=30)
    assert child.returncode == 0, child.stderr
    assert child.stdout.startswith("AuthenticationError "), child.stdout + child.stderr
    assert "HTTP 407" in child.stdout
    assert "http://user:password@host:port" in child.stdout


def test_a_socks_proxy_refusing_every_method_is_an_authentication_error():
    port, thread = serve_once(refuse_every_socks5_method)
    child = run_child("http://127.0.0.1:9/v1", all_proxy=f"socks5h://user:s3cret@127.0.0.1:{port}")
    thread.join(timeout=30)
    assert child.stdout.startswith("AuthenticationError "), child.stdout + child.stderr
    assert f"(through the proxy socks5://127.0.0.1:{port})" in child.stdout
    assert "s3cret" not in child.stdout + child.stderr


def test_credentials_in_the_proxy_variable_are_sent_up_front():
    # libsoup 3.2 answers a 407 by sending the request again to the proxy's
    # own address without its body: credentials must go with the first one.
    heads = []
    answer = b'{"choices": [{"message": {"role": "assistant", "content": "authenticated"}, "finish_reason": "stop"}]}'

    def authenticating_proxy(connection: socket.socket) -> None:
        head = read_head(connection)
        heads.append(head)
        if b"\r\nProxy-Authorization: Basic dXNlcjpzM2NyZXQ=\r\n" in head:
            connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n"
                               b"Content-Length: %d\r\n\r\n" % len(answer) + answer)
        else:
            connection.sendall(b"HTTP/1.1 407 Proxy Authentication Required\r\nConnection: close\r\n"
                               b"Proxy-Authenticate: Basic realm=\"t\"\r\nContent-Length: 0\r\n\r\n")

    port, thread = serve_once(authenticating_proxy)
    child = run_child("http://127.0.0.1:9/v1", http_proxy=f"http://user:s3cret@127.0.0.1:{port}")
    thread.join(timeout=30)
    assert child.stdout.strip() == "ANSWER authenticated", child.stdout + child.stderr
    assert len(heads) == 1 and heads[0].startswith(b"POST http://127.0.0.1:9/v1/chat/completions ")


def test_a_tunnel_carries_the_credentials_and_the_request_inside_does_not():
    heads = []

    def refuse_after_reading(connection: socket.socket) -> None:
        heads.append(read_head(connection))
        connection.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")

    port, thread = serve_once(refuse_after_reading)
    child = run_child("https://127.0.0.1:9/v1", https_proxy=f"http://user:s3cret@127.0.0.1:{port}")
    thread.join(timeout=30)
    assert child.stdout.startswith(("NetworkError ", "ProviderError ")), child.stdout + child.stderr
    assert len(heads) == 1
    assert heads[0].startswith(b"CONNECT 127.0.0.1:9 ")
    assert b"\r\nProxy-Authorization: Basic dXNlcjpzM2NyZXQ=\r\n" in heads[0]
    assert "s3cret" not in child.stdout + child.stderr
