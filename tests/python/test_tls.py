"""TLS verification stays on: an https server whose certificate nothing
trusts is refused with a clear, typed error, and no request reaches it."""

import os
import socket
import ssl
import subprocess
import threading

import pytest

import graphbit


@pytest.fixture
def untrusted_https_server(tmp_path):
    """A loopback TLS server with a fresh self-signed certificate."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
         "-days", "1", "-subj", "/CN=127.0.0.1"],
        check=True, capture_output=True, timeout=60,
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(str(cert), str(key))
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(10)
    requests = []

    def serve() -> None:
        try:
            connection, _ = listener.accept()
        except OSError:
            return
        try:
            with context.wrap_socket(connection, server_side=True) as tls:
                requests.append(tls.recv(65536))   # only if the client went on
        except (ssl.SSLError, OSError):
            pass   # the client refused the certificate, as it must

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"https://127.0.0.1:{listener.getsockname()[1]}/v1", requests
    thread.join(10)
    listener.close()


def test_untrusted_certificate_is_refused(untrusted_https_server):
    base_url, requests = untrusted_https_server
    client = graphbit.LlmClient(graphbit.LlmConfig.openai(api_key="sk-tls-test", base_url=base_url), max_retries=0)
    with pytest.raises(graphbit.NetworkError) as info:
        client.complete("must not be sent")
    message = str(info.value)
    assert isinstance(info.value, ConnectionError)
    assert "TLS failure" in message and "certificate" in message
    assert "sk-tls-test" not in message
    assert requests == []
