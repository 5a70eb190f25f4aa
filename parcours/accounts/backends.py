"""Authentication with the OpenID Connect provider (FranceConnect-style).

mozilla-django-oidc runs the code flow (state, nonce, token, ID token signature);
this backend adds what it leaves to us: check the ID token's issuer and audience and
that the user info is about the same subject, and find the account by ``sub``.
"""

import logging

import jwt
import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import SuspiciousOperation
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from . import oidc, services

logger = logging.getLogger(__name__)


class IdentityProviderBackend(OIDCAuthenticationBackend):
    def __init__(self, *args, **kwargs):
        # Django builds every backend for every sign-in and every request of a signed-in
        # user: read nothing from the provider until it is actually used.
        self.UserModel = get_user_model()

    def authenticate(self, request, nonce, code_verifier=None):
        """Only the callback view calls this (it alone passes a nonce)."""
        if request is None or not oidc.is_configured():
            return None
        provider = oidc.get_provider()
        self.provider = provider
        self.OIDC_OP_TOKEN_ENDPOINT = provider.token_endpoint
        self.OIDC_OP_USER_ENDPOINT = provider.userinfo_endpoint
        self.OIDC_OP_JWKS_ENDPOINT = provider.jwks_uri
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.OIDC_RP_CLIENT_SECRET
        self.OIDC_RP_SIGN_ALGO = settings.OIDC_RP_SIGN_ALGO
        self.OIDC_RP_IDP_SIGN_KEY = None
        return super().authenticate(request, nonce=nonce, code_verifier=code_verifier)

    def retrieve_matching_jwk(self, token):
        """The library needs a ``kid``; a provider with a single signing key may omit it."""
        header = jwt.get_unverified_header(token)
        if "kid" in header:
            return super().retrieve_matching_jwk(token)
        response = requests.get(self.OIDC_OP_JWKS_ENDPOINT, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        keys = [
            key
            for key in response.json().get("keys", [])
            if key.get("use", "sig") == "sig"
            and key.get("alg", header.get("alg")) == header.get("alg")
        ]
        if len(keys) != 1:
            raise SuspiciousOperation("The ID token names no key and the provider has several.")
        return jwt.PyJWK(keys[0])

    def verify_token(self, token, **kwargs):
        payload = super().verify_token(token, **kwargs)
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if settings.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("The ID token is meant for another client.")
        issuer = self.provider.issuer
        if issuer and payload.get("iss", "").rstrip("/") != issuer:
            raise SuspiciousOperation("The ID token comes from another issuer.")
        if not payload.get("sub"):
            raise SuspiciousOperation("The ID token names no subject.")
        return payload

    def get_or_create_user(self, access_token, id_token, payload):
        claims = self.get_userinfo(access_token, id_token, payload)
        if claims.get("sub") != payload["sub"]:
            raise SuspiciousOperation("The user info is about another subject.")
        try:
            user = services.identity_sign_in(sub=payload["sub"], claims=claims)
        except services.IdentityConflict as error:
            logger.warning("Identity provider sign-in refused: %s", error)
            self.request.identity_conflict = True
            return None
        # The callback view keeps it in the session once the person is signed in.
        self.request.certified_identity = services.certified_identity(claims)
        return user

    def get_user(self, user_id):
        # Django's rule, not the library's: a deactivated account is signed out.
        return ModelBackend.get_user(self, user_id)
