"""Writes on API tokens: make one (shown once), revoke one."""

import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parcours.organisations import permissions
from parcours.organisations.models import Agent

from .models import ApiToken, token_hash

TOKEN_PREFIX = "pcs_"  # noqa: S105 - not a secret: what every token starts with
NAME_MAX_LENGTH = 100


class ApiTokenError(Exception):
    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def api_token_create(*, agent: Agent | None, name: str) -> tuple[ApiToken, str]:
    """A new token for an agent who works cases: the record, and the token itself,
    which is not stored and must be shown now. Citizens and helpers get none."""
    name = api_token_check(agent=agent, name=name)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        record = ApiToken.objects.create(
            organisation_id=agent.organisation_id,
            agent=agent,
            name=name,
            prefix=token[: len(TOKEN_PREFIX) + 6],
            hashed=token_hash(token),
        )
    return record, token


def api_token_check(*, agent: Agent | None, name: str) -> str:
    """May this agent have a token of this name? The name, cleaned; ApiTokenError if not."""
    if not permissions.uses_backoffice(agent) or not agent.user.is_active:
        raise ApiTokenError(
            _(
                "Seuls les agents actifs qui instruisent des dossiers peuvent avoir un jeton "
                "d'API : pas les usagers ni les aidants."
            ),
            field="agent",
        )
    name = (name or "").strip()
    if not name:
        raise ApiTokenError(_("Donnez un nom au jeton, pour savoir à quoi il sert."), field="name")
    if len(name) > NAME_MAX_LENGTH:
        raise ApiTokenError(
            _("Le nom ne doit pas dépasser %(limit)s caractères.") % {"limit": NAME_MAX_LENGTH},
            field="name",
        )
    return name


def api_token_revoke(*, token: ApiToken) -> ApiToken:
    """Revoke a token for good: it answers 401 from now on. Idempotent."""
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    token.refresh_from_db(fields=["revoked_at"])
    return token
