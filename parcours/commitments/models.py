from django.db import models
from django.utils.translation import gettext_lazy as _

from parcours.cases.models import Case
from parcours.catalog.enums import CommitmentKind
from parcours.catalog.models import Commitment
from parcours.contacts.models import Message
from parcours.organisations.models import Agent, Organisation, Unit

from .enums import AlertStatus


class CommitmentAlertQuerySet(models.QuerySet):
    def active(self) -> "CommitmentAlertQuerySet":
        return self.exclude(status=AlertStatus.RESOLVED)


class CommitmentAlert(models.Model):
    """An item (a case awaiting its decision, a citizen's message awaiting its answer)
    whose published commitment is about to be missed, or was missed: flagged to the
    agent who holds it and to the unit's managers before the deadline
    (``services.watch_commitments``). Resolved once the item is dealt with."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="commitment_alerts")
    kind = models.CharField(_("engagement"), max_length=32, choices=CommitmentKind.choices)
    commitment = models.ForeignKey(
        Commitment, on_delete=models.SET_NULL, null=True, related_name="alerts"
    )
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, null=True, blank=True, related_name="commitment_alerts"
    )
    message = models.ForeignKey(
        Message, on_delete=models.CASCADE, null=True, blank=True, related_name="commitment_alerts"
    )
    agent = models.ForeignKey(
        Agent,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="commitment_alerts",
        verbose_name=_("agent qui suit l'élément"),
    )
    due_on = models.DateField(_("à traiter au plus tard le"))
    status = models.CharField(
        _("état"), max_length=16, choices=AlertStatus.choices, default=AlertStatus.AT_RISK
    )
    flagged_at = models.DateTimeField(_("signalé le"), auto_now_add=True)
    breached_on = models.DateField(_("dépassé le"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("traité le"), null=True, blank=True)

    objects = CommitmentAlertQuerySet.as_manager()

    class Meta:
        verbose_name = _("engagement en danger")
        verbose_name_plural = _("engagements en danger")
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["organisation", "unit", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "kind"],
                condition=models.Q(case__isnull=False),
                name="commitment_alert_one_per_case",
            ),
            models.UniqueConstraint(
                fields=["message", "kind"],
                condition=models.Q(message__isnull=False),
                name="commitment_alert_one_per_message",
            ),
        ]

    def __str__(self):
        item = self.case or self.message
        return f"{item} — {self.get_kind_display()} — {self.due_on}"
