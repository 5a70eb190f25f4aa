"""Over https, the connection goes to the address that was checked while TLS checks the
certificate of the host name: a real TLS server on this machine, with a certificate
made for the test (openssl), that the client trusts for the test only."""

import http.server
import shutil
import socket
import ssl
import subprocess
import threading

import pytest

from parcours.webhooks import delivery, safety

pytestmark = pytest.mark.skipif(not shutil.which("openssl"), reason="needs openssl")


def certificate(tmp_path, name: str):
    key, cert = tmp_path / f"{name}.key", tmp_path / f"{name}.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-keyout", str(key), "-out", str(cert), "-subj", f"/CN={name}",
            "-addext", f"subjectAltName=DNS:{name}",
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


@pytest.fixture
def tls_server(tmp_path):
    """An https receiver on 127.0.0.1 whose certificate names gru.example.fr."""
    cert, key = certificate(tmp_path, "gru.example.fr")
    received = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            received.append(
                (self.headers["Host"], self.rfile.read(int(self.headers["Content-Length"])))
            )
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield {"port": server.server_port, "cert": cert, "received": received}
    server.shutdown()
    server.server_close()


@pytest.fixture
def resolves_to_here(monkeypatch, settings):
    """Every name resolves to this machine, allowed for the test."""
    settings.PARCOURS_WEBHOOKS_ALLOW_PRIVATE = True

    def getaddrinfo(host, port, *args, **kwargs):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]

    monkeypatch.setattr(safety.socket, "getaddrinfo", getaddrinfo)


def trusting(monkeypatch, cafile):
    """The client trusts the test's certificate, and only it."""
    make = ssl.create_default_context
    monkeypatch.setattr(delivery.ssl, "create_default_context", lambda: make(cafile=cafile))


def test_https_reaches_the_checked_address_with_the_host_s_certificate(
    monkeypatch, tls_server, resolves_to_here
):
    trusting(monkeypatch, tls_server["cert"])

    status = delivery.post(
        f"https://gru.example.fr:{tls_server['port']}/hooks?source=parcours",
        b"{}",
        {"Content-Type": "application/json"},
    )

    assert status == 204
    assert tls_server["received"] == [(f"gru.example.fr:{tls_server['port']}", b"{}")]


def test_a_certificate_for_another_name_is_refused(monkeypatch, tls_server, resolves_to_here):
    trusting(monkeypatch, tls_server["cert"])

    with pytest.raises(delivery.WebhookFailed, match="certificate"):
        delivery.post(f"https://autre.example.fr:{tls_server['port']}/hooks", b"{}", {})

    assert tls_server["received"] == []


def test_an_unknown_certificate_authority_is_refused(tls_server, resolves_to_here):
    with pytest.raises(delivery.WebhookFailed, match="certificate"):
        delivery.post(f"https://gru.example.fr:{tls_server['port']}/hooks", b"{}", {})

    assert tls_server["received"] == []


def test_a_receiver_that_never_answers_fails_within_the_total_timeout(
    monkeypatch, resolves_to_here, settings
):
    import time

    settings.PARCOURS_WEBHOOKS_ALLOW_HTTP = True
    monkeypatch.setattr(delivery, "TOTAL_TIMEOUT", 0.5)
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen()  # connections are accepted by the kernel, and never answered
    started = time.monotonic()
    try:
        with pytest.raises(delivery.WebhookFailed, match="timed out"):
            delivery.post(f"http://gru.example.fr:{silent.getsockname()[1]}/", b"{}", {})
    finally:
        silent.close()

    assert time.monotonic() - started < 3
