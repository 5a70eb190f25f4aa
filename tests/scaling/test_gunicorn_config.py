"""Production's gunicorn settings: idle connections are closed by the proxy in front,
never by gunicorn first, and processes are not restarted under the proxy's feet."""

import runpy

import pytest

from tests.process_support import ROOT

CONFIG = ROOT / "deploy" / "gunicorn.conf.py"
NGINX_UPSTREAM_KEEPALIVE_TIMEOUT = 60  # seconds, nginx's default; most load balancers too

pytestmark = pytest.mark.sqlite


def settings(monkeypatch, **environment) -> dict:
    for name in ("PARCOURS_WEB_KEEPALIVE", "PARCOURS_WEB_MAX_REQUESTS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(CONFIG))


def test_idle_connections_outlive_the_proxy_s_idle_timeout(monkeypatch):
    config = settings(monkeypatch)

    assert config["worker_class"] == "gthread"  # idle connections wait in a poller, not a thread
    assert config["keepalive"] > NGINX_UPSTREAM_KEEPALIVE_TIMEOUT


def test_processes_are_not_restarted_after_a_number_of_requests_by_default(monkeypatch):
    config = settings(monkeypatch)

    assert config["max_requests"] == 0
    assert config["max_requests_jitter"] == 0


def test_the_environment_sets_keep_alive_and_restarts_with_a_jitter(monkeypatch):
    config = settings(monkeypatch, PARCOURS_WEB_KEEPALIVE="90", PARCOURS_WEB_MAX_REQUESTS="5000")

    assert config["keepalive"] == 90
    assert config["max_requests"] == 5000
    assert config["max_requests_jitter"] == 500
