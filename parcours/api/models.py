"""Access tokens of the JSON API: one or more per agent, for their scripts.

Only a hash of each token is stored: the token itself is shown once, when it is made
(``services.api_token_create``), and cannot be read again, in the admin or anywhere.
"""

import hashlib

from django.db import models
from django.utils.translation import gettext_lazy as _

from parcours.organisations.models import Agent, Organisation


def token_hash(token: str) -> str:
    """The stored form of a token. Tokens are 256 random bits, so a plain SHA-256 is
    enough (no salt nor slow hash: nothing to guess) and lets us find a token by it."""
    return hashlib.sha256(token.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def active(self) -> "ApiTokenQuerySet":
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    agent = models.ForeignKey(
        Agent, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("agent")
    )
    name = models.CharField(
        _("nom"),
        max_length=100,
        help_text=_("À quoi sert ce jeton, par exemple « script d'import »."),
    )
    prefix = models.CharField(
        _("début du jeton"),
        max_length=16,
        editable=False,
        help_text=_("Les premiers caractères du jeton, pour le reconnaître."),
    )
    hashed = models.CharField(_("empreinte"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    last_used_at = models.DateTimeField(
        _("dernière utilisation"), null=True, blank=True, editable=False
    )
    revoked_at = models.DateTimeField(_("révoqué le"), null=True, blank=True, editable=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("jeton d'API")
        verbose_name_plural = _("jetons d'API")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
