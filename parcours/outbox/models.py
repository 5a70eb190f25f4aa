import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .enums import OutboxStatus


class OutboxMessage(models.Model):
    """A side effect (an email, a text message; a webhook the same way) recorded in the
    same transaction as the change that causes it, and delivered afterwards by a worker.

    A rolled-back change leaves no row, so nobody is told about something that did not
    happen; a committed change always leaves one, so nothing is lost if a process dies
    between the commit and the sending. See docs/operations.md, "Outbox".
    """

    # Dotted path of a function decorated with @outbox_handler, called with ``arguments``.
    handler = models.CharField(_("traitement"), max_length=200)
    arguments = models.JSONField(_("arguments"), default=dict, blank=True)
    # One row per side effect: asking twice for the same key records it once.
    idempotency_key = models.CharField(_("clé d'idempotence"), max_length=200, unique=True)
    status = models.CharField(
        _("état"), max_length=16, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    attempts = models.PositiveIntegerField(_("tentatives"), default=0)
    next_attempt_at = models.DateTimeField(_("prochaine tentative"), default=timezone.now)
    # Only used where rows cannot be locked while sending (SQLite): a claim that expires.
    lease_until = models.DateTimeField(_("réservé jusqu'à"), null=True, blank=True)
    last_error = models.TextField(_("dernière erreur"), blank=True)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)
    # The request that caused it, to follow one action through the logs.
    request_id = models.CharField(_("identifiant de requête"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("envoi sortant")
        verbose_name_plural = _("envois sortants")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The workers' claim: due rows in order of their next attempt.
            models.Index(
                fields=["next_attempt_at", "id"],
                condition=models.Q(status="pending"),
                name="outbox_due_idx",
            ),
        ]

    def __str__(self):
        return self.idempotency_key

    @property
    def message_id(self) -> str:
        """The Message-ID header: the same on every attempt, so a receiving server or a
        mail client that sees a message twice (see docs) can tell it is one message."""
        digest = hashlib.sha256(self.idempotency_key.encode()).hexdigest()[:24]
        domain = settings.PARCOURS_OUTBOX_MESSAGE_ID_DOMAIN
        return f"<outbox.{self.pk}.{digest}@{domain}>"
