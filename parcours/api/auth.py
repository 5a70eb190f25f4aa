"""Who calls the API: an agent, by one of their tokens (``Authorization: Bearer …``).

A token stands for its agent as long as the agent works cases (the back-office's
rule, ``organisations.permissions.uses_backoffice``): a revoked token, or one of an
agent who left, answers 401; a helper's answers 403. Each token may send
``PARCOURS_API_RATE_LIMIT`` requests per ``PARCOURS_API_RATE_WINDOW`` seconds,
counted in the shared cache so that every app server agrees; past it, 429.
"""

import datetime
from http import HTTPStatus

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.security import HttpBearer

from parcours.lib.rate_limit import window_count
from parcours.organisations import permissions

from .errors import ApiError
from .models import ApiToken, token_hash

# Writing "last used" once a minute is precise enough, and spares a write per request.
LAST_USED_PRECISION = datetime.timedelta(minutes=1)


def unauthorised(code: str, message: str) -> ApiError:
    return ApiError(HTTPStatus.UNAUTHORIZED, code, message, headers={"WWW-Authenticate": "Bearer"})


class TokenAuth(HttpBearer):
    def authenticate(self, request, token: str):
        try:
            record = ApiToken.objects.select_related("agent__user").get(hashed=token_hash(token))
        except ApiToken.DoesNotExist:
            raise unauthorised("invalid_token", _("Ce jeton d'API n'est pas valide.")) from None
        if record.is_revoked:
            raise unauthorised("revoked_token", _("Ce jeton d'API a été révoqué."))
        agent, user = record.agent, record.agent.user
        if not (agent.is_active and user.is_active):
            raise unauthorised(
                "inactive_account", _("Le compte de ce jeton d'API n'est plus actif.")
            )
        if not permissions.uses_backoffice(agent):
            raise ApiError(
                HTTPStatus.FORBIDDEN,
                "not_an_agent",
                _("L'API est réservée aux agents qui instruisent des dossiers."),
            )
        rate_limit(record)
        now = timezone.now()
        if record.last_used_at is None or now - record.last_used_at > LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=record.pk).update(last_used_at=now)
        request.agent = agent
        request.api_token = record
        return user


def rate_limit(record: ApiToken) -> None:
    limit = settings.PARCOURS_API_RATE_LIMIT
    window = settings.PARCOURS_API_RATE_WINDOW
    count, retry_after = window_count(f"api-rate:{record.pk}", window)
    if count > limit:
        raise ApiError(
            HTTPStatus.TOO_MANY_REQUESTS,
            "rate_limited",
            _(
                "Trop de requêtes avec ce jeton : %(limit)s au plus toutes les %(window)s "
                "secondes. Réessayez dans %(retry)s secondes."
            )
            % {"limit": limit, "window": window, "retry": retry_after},
            headers={"Retry-After": str(retry_after)},
        )
