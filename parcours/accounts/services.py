"""Signing in: with the identity provider (FranceConnect-style) or with a link by email."""

import datetime
import logging
import uuid

from django.conf import settings
from django.contrib.auth.base_user import BaseUserManager
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlencode, urlsafe_base64_encode
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from parcours.lib import rate_limit
from parcours.outbox.services import outbox_put
from parcours.people.models import Person

from .models import User
from .tokens import magic_link_token

logger = logging.getLogger(__name__)

RATE_LIMIT_WINDOW = 3600


# The claims the provider vouched for at this sign-in, kept in the session so that a record
# the person opens later in the session (a first request to another administration) is
# certified too, birth date included.
CERTIFIED_IDENTITY_SESSION_KEY = "accounts:certified_identity"
CERTIFIED_CLAIMS = ("given_name", "family_name", "birthdate", "email")


def certified_identity(claims: dict) -> dict:
    """The identity claims worth keeping for this session, as plain strings."""
    return {name: claims[name] for name in CERTIFIED_CLAIMS if isinstance(claims.get(name), str)}


class IdentityConflict(Exception):
    """The identity provider's person cannot be tied to a Parcours account safely."""


def identity_sign_in(*, sub: str, claims: dict) -> User:
    """The account of the person the identity provider vouches for, created if new.

    The account is found by the provider's stable ``sub``, never by email alone. A first
    sign-in takes over an account with the same email only if that account has never
    been tied to the provider and is not an agent's or an administrator's. The identity
    claims then overwrite the person's records, which are marked as certified.
    """
    email = BaseUserManager.normalize_email(claims.get("email") or "").lower()
    given_name = (claims.get("given_name") or "").strip()
    family_name = (claims.get("family_name") or "").strip()
    with transaction.atomic():
        user = User.objects.select_for_update().filter(oidc_sub=sub).first()
        if user is None:
            if not email:
                raise IdentityConflict("the identity provider gave no email address")
            user = User.objects.select_for_update().filter(email__iexact=email).first()
            if user is None:
                user = User.objects.create_user(email=email, oidc_sub=sub)
            elif user.oidc_sub or user.is_staff or user.is_superuser or hasattr(user, "agent"):
                raise IdentityConflict(f"account {user.pk} cannot be tied to this identity")
            else:
                user.oidc_sub = sub
        elif (
            email and email != user.email and not User.objects.filter(email__iexact=email).exists()
        ):
            user.email = email
        user.first_name = given_name[:150] or user.first_name
        user.last_name = family_name[:150] or user.last_name
        user.save()
        certify_people(user=user, claims=claims)
    return user


def certify_people(*, user: User, claims: dict) -> int:
    """Write the certified identity on every record the user's account is linked to."""
    certified = {"identity_certified": True, "updated_at": timezone.now()}
    for field, claim in [("given_name", "given_name"), ("family_name", "family_name")]:
        if claims.get(claim):
            certified[field] = claims[claim].strip()[:150]
    if claims.get("email"):
        certified["email"] = claims["email"].strip().lower()
    birth_date = _parse_date(claims.get("birthdate"))
    if birth_date:
        certified["birth_date"] = birth_date
    return Person.objects.filter(user=user).update(**certified)


def _parse_date(value) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        return None


class TooManyRequests(Exception):
    pass


def magic_link_request(*, email: str, client: str, base_url: str, next_url: str = "") -> None:
    """Send a sign-in link to ``email``, creating the account on first use.

    Whether the address had an account or not, the caller says the same thing. Raises
    ``TooManyRequests`` past ``PARCOURS_MAGIC_LINK_MAX_PER_HOUR`` sends for this address
    or this client in the last hour. ``base_url`` is the site's address, e.g.
    ``https://demarches.example.org``.
    """
    email = BaseUserManager.normalize_email(email).lower()
    _count_or_refuse(f"email:{email}")
    _count_or_refuse(f"client:{client}")
    with transaction.atomic():
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            user = User.objects.create_user(email=email)
        if not user.is_active:
            logger.info("No sign-in link for inactive account %s", user.pk)
            return
        # The link itself is made by the worker when the email leaves (outgoing.py): no
        # usable link is ever stored in the outbox.
        from .outgoing import magic_link_email

        outbox_put(
            handler=magic_link_email,
            key=f"magic-link:{user.pk}:{uuid.uuid4().hex}",
            user_id=user.pk,
            base_url=base_url,
            next_url=next_url,
            language=get_language() or settings.LANGUAGE_CODE,
            requested_at=timezone.now().isoformat(),
        )


def magic_link_url(*, user: User, base_url: str, next_url: str = "") -> str:
    """A sign-in link for ``user``, valid ``PARCOURS_MAGIC_LINK_MAX_AGE`` seconds."""
    path = reverse(
        "accounts:magic_link_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": magic_link_token.make_token(user),
        },
    )
    if next_url:
        path += "?" + urlencode({"next": next_url})
    return base_url + path


def _count_or_refuse(what: str) -> None:
    if (
        rate_limit.count(f"accounts:magic-link:{what}", RATE_LIMIT_WINDOW)
        > settings.PARCOURS_MAGIC_LINK_MAX_PER_HOUR
    ):
        raise TooManyRequests(_("Trop de liens demandés en une heure. Réessayez plus tard."))
