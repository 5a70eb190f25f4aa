"""Who opened a person's file outside the units that handle it, when and why."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parcours.organisations.models import Agent, Organisation

from .enums import AccessReason


class OutOfScopeAccessQuerySet(models.QuerySet):
    def active(self, now=None) -> "OutOfScopeAccessQuerySet":
        return self.filter(expires_at__gt=now or timezone.now())


class OutOfScopeAccess(models.Model):
    """An agent opened a case (or a person's whole record) of a unit of their
    organisation they do not belong to, with a stated reason: the access lasts until
    ``expires_at``, and the person sees it in their space.

    ``case`` empty: the person's whole record (every unit's cases and exchanges).
    Append-only, kept as the journal of these accesses.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    agent = models.ForeignKey(
        Agent,
        on_delete=models.PROTECT,
        related_name="out_of_scope_accesses",
        verbose_name=_("agent"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    agent_name = models.CharField(_("nom de l'agent"), max_length=200)
    agent_title = models.CharField(_("fonction de l'agent"), max_length=200, blank=True)
    agent_units = models.CharField(_("services de l'agent"), max_length=400, blank=True)
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.CASCADE,
        related_name="out_of_scope_accesses",
        verbose_name=_("usager"),
    )
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="out_of_scope_accesses",
        verbose_name=_("dossier"),
        help_text=_("Vide : tout le dossier de la personne."),
    )
    reason = models.CharField(_("motif"), max_length=32, choices=AccessReason.choices)
    explanation = models.TextField(_("précisions"))
    created_at = models.DateTimeField(_("ouvert le"), default=timezone.now, db_index=True)
    expires_at = models.DateTimeField(_("accès jusqu'au"))

    objects = OutOfScopeAccessQuerySet.as_manager()

    class Meta:
        verbose_name = _("consultation hors de ses services")
        verbose_name_plural = _("consultations hors de ses services")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["organisation", "agent", "expires_at"]),
            models.Index(fields=["organisation", "person", "created_at"]),
        ]

    def __str__(self):
        return f"{self.agent_name} — {self.case or self.person}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Out-of-scope accesses are append-only.")
        super().save(*args, **kwargs)
