"""Where the OpenID Connect provider is, read from the settings.

Either an issuer, whose endpoints are discovered once an hour from its
``/.well-known/openid-configuration``, or explicit endpoints. Nothing here touches the
network until somebody actually signs in with the provider.
"""

from dataclasses import dataclass

import requests
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured

ENDPOINTS = {
    "authorization_endpoint": "OIDC_OP_AUTHORIZATION_ENDPOINT",
    "token_endpoint": "OIDC_OP_TOKEN_ENDPOINT",
    "userinfo_endpoint": "OIDC_OP_USER_ENDPOINT",
    "jwks_uri": "OIDC_OP_JWKS_ENDPOINT",
}
DISCOVERY_CACHE_SECONDS = 3600


@dataclass(frozen=True)
class Provider:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    userinfo_endpoint: str
    jwks_uri: str


def is_configured() -> bool:
    """True when a client is registered and the provider can be found: show the button."""
    explicit = all(getattr(settings, name) for name in ENDPOINTS.values())
    return bool(settings.OIDC_RP_CLIENT_ID and (settings.OIDC_OP_ISSUER or explicit))


def get_provider() -> Provider:
    """The provider's endpoints; raises ``requests.RequestException`` if discovery fails."""
    if not is_configured():
        raise ImproperlyConfigured("OpenID Connect is not configured (OIDC_RP_CLIENT_ID…).")
    issuer = settings.OIDC_OP_ISSUER.rstrip("/")
    found = {key: getattr(settings, name) for key, name in ENDPOINTS.items()}
    if issuer and not all(found.values()):
        discovered = _discover(issuer)
        found = {key: value or discovered.get(key, "") for key, value in found.items()}
        if not all(found.values()):
            raise ImproperlyConfigured(f"{issuer} does not publish every endpoint needed.")
    return Provider(issuer=issuer, **found)


def _discover(issuer: str) -> dict:
    key = f"accounts:oidc-discovery:{issuer}"
    document = cache.get(key)
    if document is None:
        response = requests.get(
            f"{issuer}/.well-known/openid-configuration", timeout=settings.OIDC_TIMEOUT
        )
        response.raise_for_status()
        document = response.json()
        if document.get("issuer", "").rstrip("/") != issuer:
            raise ImproperlyConfigured(
                f"{issuer} announces another issuer: {document.get('issuer')}"
            )
        cache.set(key, document, DISCOVERY_CACHE_SECONDS)
    return document
