import threading
from urllib.parse import quote

import pytest
import requests
import werkzeug.serving
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _empty_cache():
    """Rate-limit counters and the provider's discovered endpoints live in the cache."""
    cache.clear()
    yield
    cache.clear()


class Provider:
    """A real OpenID Connect provider (oidc-provider-mock) on 127.0.0.1, a free port."""

    def __init__(self, url: str):
        self.url = url

    def set_person(self, sub: str, **claims) -> None:
        response = requests.put(f"{self.url}/users/{quote(sub)}", json=claims, timeout=5)
        response.raise_for_status()

    def authorize(self, authorization_url: str, sub: str) -> str:
        """Do what the person does at the provider; returns where it sends them back."""
        response = requests.post(
            authorization_url, data={"sub": sub}, allow_redirects=False, timeout=5
        )
        assert response.status_code == 302, response.text
        return response.headers["Location"]

    def deny(self, authorization_url: str) -> str:
        response = requests.post(
            authorization_url, data={"action": "deny"}, allow_redirects=False, timeout=5
        )
        assert response.status_code == 302, response.text
        return response.headers["Location"]


@pytest.fixture
def oidc_provider():
    import oidc_provider_mock  # imported here, where its warnings are filtered

    server = werkzeug.serving.make_server("127.0.0.1", 0, oidc_provider_mock.app(), threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield Provider(f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        thread.join(5)
        server.server_close()


@pytest.fixture
def identity_provider(oidc_provider, settings):
    """Parcours configured with the provider's issuer, as in production."""
    settings.OIDC_OP_ISSUER = oidc_provider.url
    settings.OIDC_RP_CLIENT_ID = "parcours"
    settings.OIDC_RP_CLIENT_SECRET = "client-secret"
    # The mock gives names and birth date with the standard "profile" scope, where
    # FranceConnect has a scope per claim.
    settings.OIDC_RP_SCOPES = "openid profile email"
    return oidc_provider
