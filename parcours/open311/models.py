"""Open311 GeoReport v2: the keys of the applications that send reports, and the
reports they sent (each one a case of a street-report procedure).

Only a hash of each key is stored, as for the API's tokens: the key itself is shown
once, when it is made (``services.open311_key_create``).
"""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from parcours.api.models import token_hash
from parcours.cases.models import Case
from parcours.organisations.models import Agent, Organisation

__all__ = ["Open311Key", "Open311Request", "token_hash"]


class Open311KeyQuerySet(models.QuerySet):
    def active(self) -> "Open311KeyQuerySet":
        return self.filter(revoked_at__isnull=True)


class Open311Key(models.Model):
    """An ``api_key`` of GeoReport v2: lets one application (a city app, a partner's
    reporting tool) file reports with one administration."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="open311_keys"
    )
    name = models.CharField(
        _("nom"),
        max_length=100,
        help_text=_("L'application qui utilise cette clé, par exemple « Appli Ma rue »."),
    )
    prefix = models.CharField(_("début de la clé"), max_length=16, editable=False)
    hashed = models.CharField(_("empreinte"), max_length=64, unique=True, editable=False)
    # Reports are filed in the name of the administrator who issued the key.
    created_by = models.ForeignKey(
        Agent, on_delete=models.PROTECT, related_name="open311_keys", verbose_name=_("émise par")
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    last_used_at = models.DateTimeField(
        _("dernière utilisation"), null=True, blank=True, editable=False
    )
    revoked_at = models.DateTimeField(_("révoquée le"), null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(
        Agent,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("révoquée par"),
    )

    objects = Open311KeyQuerySet.as_manager()

    class Meta:
        verbose_name = _("clé Open311")
        verbose_name_plural = _("clés Open311")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class Open311Request(models.Model):
    """A report received through ``POST requests``: what the application sent that the
    case itself does not keep, and the token that finds the case again."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="open311_request")
    key = models.ForeignKey(
        Open311Key, on_delete=models.PROTECT, related_name="requests", verbose_name=_("clé")
    )
    token = models.UUIDField(_("jeton"), default=uuid.uuid4, unique=True, editable=False)
    address_string = models.CharField(_("adresse"), max_length=1000, blank=True)
    address_id = models.CharField(_("identifiant d'adresse"), max_length=100, blank=True)
    media_url = models.URLField(_("média"), max_length=2000, blank=True)
    device_id = models.CharField(_("appareil"), max_length=200, blank=True)
    account_id = models.CharField(_("compte dans l'application"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("reçu le"), auto_now_add=True)

    class Meta:
        verbose_name = _("signalement Open311")
        verbose_name_plural = _("signalements Open311")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return str(self.case)
