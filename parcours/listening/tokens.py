"""Signed single-use links: a survey invitation, the confirmation of an experience.

A token signs the object's public id, a random nonce kept on the object and the time
of signing. It is refused when the signature is wrong (forged), when it names another
object, when the nonce changed (the link was used, or replaced), or when it is older
than its lifetime.
"""

import secrets

from django.core import signing
from django.utils.crypto import constant_time_compare


class BadToken(Exception):
    """The link is forged, expired, used, or not this object's."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason  # "invalid", "expired", "other"


def new_nonce() -> str:
    return secrets.token_urlsafe(24)


def make_token(*, salt: str, public_id, nonce: str) -> str:
    return signing.TimestampSigner(salt=salt).sign_object({"i": str(public_id), "n": nonce})


def check_token(token: str, *, salt: str, public_id, nonce: str, max_age: float) -> None:
    """Raise ``BadToken`` unless ``token`` is this object's current link, still valid."""
    signer = signing.TimestampSigner(salt=salt)
    try:
        payload = signer.unsign_object(token, max_age=max_age)
    except signing.SignatureExpired as error:
        raise BadToken("expired") from error
    except signing.BadSignature as error:
        raise BadToken("invalid") from error
    if not isinstance(payload, dict) or payload.get("i") != str(public_id):
        raise BadToken("other")
    if not nonce or not constant_time_compare(str(payload.get("n", "")), nonce):
        raise BadToken("invalid")


def token_public_id(token: str, *, salt: str) -> str:
    """The public id a token names, if its signature is ours (its age is checked later,
    with the object). Raise ``BadToken("invalid")`` for a forged or altered token."""
    try:
        payload = signing.TimestampSigner(salt=salt).unsign_object(token)
    except signing.BadSignature as error:
        raise BadToken("invalid") from error
    if not isinstance(payload, dict) or not isinstance(payload.get("i"), str):
        raise BadToken("invalid")
    return payload["i"]
