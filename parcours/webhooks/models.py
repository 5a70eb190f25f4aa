from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parcours.catalog.models import Procedure
from parcours.organisations.models import Agent, Organisation


class WebhookEndpoint(models.Model):
    """A system of the organisation told of case events by signed HTTP POSTs.

    The secret is kept as is: it signs every delivery (HMAC-SHA256), so it must be read
    back; it is shown to the administrator only when made (creation, rotation). The
    project has no encryption at rest of its own: protect the database and its backups
    as you do the cases themselves (docs/webhooks.md)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="webhook_endpoints"
    )
    name = models.CharField(_("nom"), max_length=100)
    url = models.URLField(_("adresse"), max_length=500)
    secret = models.CharField(_("secret"), max_length=100)
    # A list of WebhookEventType values.
    events = models.JSONField(_("événements"), default=list)
    # Empty: every procedure of the organisation.
    procedures = models.ManyToManyField(
        Procedure, blank=True, related_name="+", verbose_name=_("démarches")
    )
    is_active = models.BooleanField(_("actif"), default=True)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    created_by = models.ForeignKey(
        Agent, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    secret_rotated_at = models.DateTimeField(_("secret changé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("point de réception de webhooks")
        verbose_name_plural = _("points de réception de webhooks")
        ordering = ["-is_active", "name", "pk"]

    def __str__(self):
        return self.name

    @property
    def key_prefix(self) -> str:
        """The beginning of the outbox keys of this endpoint's deliveries."""
        return f"webhook:{self.pk}:"
