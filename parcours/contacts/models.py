from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from parcours.cases.models import Case
from parcours.catalog.models import Procedure
from parcours.organisations.models import Organisation, Unit
from parcours.people.models import Person

from .enums import CallbackOutcome, CallbackStatus, HalfDay, MessageDirection


class MessageQuerySet(models.QuerySet):
    def visible_to(self, user) -> "MessageQuerySet":
        """The messages a user may read: their own as a citizen, their units' as an agent."""
        from parcours.organisations.selectors import agent_for

        if not getattr(user, "is_authenticated", False):
            return self.none()
        if user.is_superuser:
            return self
        own = models.Q(person__user=user)
        agent = agent_for(user)
        if agent is None:
            return self.filter(own)
        units = models.Q(organisation_id=agent.organisation_id, unit__in=agent.units.all())
        return self.filter(own | units)

    def unanswered(self) -> "MessageQuerySet":
        """Citizens' messages that no later message of the service has answered yet.

        A thread is a case's messages, or, without a case, a person's messages to a unit.
        """
        replies = Message.objects.filter(
            direction=MessageDirection.TO_CITIZEN,
            person=models.OuterRef("person"),
            unit=models.OuterRef("unit"),
            created_at__gte=models.OuterRef("created_at"),
        )
        answered_on_case = models.Exists(replies.filter(case=models.OuterRef("case")))
        answered_without_case = models.Exists(replies.filter(case__isnull=True))
        return self.filter(direction=MessageDirection.FROM_CITIZEN).exclude(
            (models.Q(case__isnull=False) & answered_on_case)
            | (models.Q(case__isnull=True) & answered_without_case)
        )


class Message(models.Model):
    """A written message between a person and a unit, about a case or not."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(
        Case,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="messages",
        verbose_name=_("dossier"),
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="messages", verbose_name=_("usager")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="messages", verbose_name=_("service")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("auteur"),
    )
    direction = models.CharField(_("sens"), max_length=16, choices=MessageDirection.choices)
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(_("envoyé le"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("lu le"), null=True, blank=True)
    answer_due_on = models.DateField(
        _("réponse promise au plus tard le"),
        null=True,
        blank=True,
        help_text=_("Selon l'engagement de service publié (réponse à un message)."),
    )

    objects = MessageQuerySet.as_manager()

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["organisation", "unit", "direction", "created_at"]),
        ]

    def __str__(self):
        return f"{self.person} — {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def is_from_citizen(self) -> bool:
        return self.direction == MessageDirection.FROM_CITIZEN


class CallbackRequestQuerySet(models.QuerySet):
    def visible_to(self, user) -> "CallbackRequestQuerySet":
        from parcours.organisations.selectors import agent_for

        if not getattr(user, "is_authenticated", False):
            return self.none()
        if user.is_superuser:
            return self
        own = models.Q(person__user=user)
        agent = agent_for(user)
        if agent is None:
            return self.filter(own)
        units = models.Q(organisation_id=agent.organisation_id, unit__in=agent.units.all())
        return self.filter(own | units)

    def pending(self) -> "CallbackRequestQuerySet":
        return self.filter(status=CallbackStatus.PENDING)


class CallbackRequest(models.Model):
    """A person asks a unit to call them back on a given day, in the morning or afternoon."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="callback_requests", verbose_name=_("usager")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="callback_requests", verbose_name=_("service")
    )
    case = models.ForeignKey(
        Case,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="callback_requests",
        verbose_name=_("dossier"),
    )
    phone = models.CharField(_("téléphone"), max_length=32)
    day = models.DateField(_("jour souhaité"))
    half_day = models.CharField(_("moment souhaité"), max_length=16, choices=HalfDay.choices)
    topic = models.TextField(_("objet de l'appel"))
    status = models.CharField(
        _("statut"), max_length=16, choices=CallbackStatus.choices, default=CallbackStatus.PENDING
    )
    # The agent who took the request on the phone or at the counter; empty when the
    # person asked from their space.
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("demande prise par"),
    )
    created_at = models.DateTimeField(_("demandé le"), auto_now_add=True)

    objects = CallbackRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("demande de rappel")
        verbose_name_plural = _("demandes de rappel")
        ordering = ["day", "half_day", "created_at"]
        indexes = [models.Index(fields=["organisation", "unit", "status", "day"])]

    def __str__(self):
        return f"{self.person} — {self.day} ({self.get_half_day_display()})"


class CallbackAttempt(models.Model):
    """An agent called the person back: reached, no answer, or to call again (then
    the request moves to the new day). Append-only: the call-back's history."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    callback = models.ForeignKey(CallbackRequest, on_delete=models.CASCADE, related_name="attempts")
    outcome = models.CharField(_("résultat"), max_length=16, choices=CallbackOutcome.choices)
    note = models.TextField(_("note"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("appel passé par"),
    )
    by_name = models.CharField(_("agent"), max_length=200, blank=True)
    # For "to call again": the day and moment agreed.
    next_day = models.DateField(_("nouveau jour"), null=True, blank=True)
    next_half_day = models.CharField(
        _("nouveau moment"), max_length=16, choices=HalfDay.choices, blank=True
    )
    called_at = models.DateTimeField(_("appelé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("rappel passé")
        verbose_name_plural = _("rappels passés")
        ordering = ["called_at", "pk"]

    def __str__(self):
        return f"{self.callback} — {self.get_outcome_display()}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Call-back attempts are append-only.")
        super().save(*args, **kwargs)


# The placeholders a message template may use, and what each becomes (see
# ``services.template_values``). Written in French: managers write the templates.
TEMPLATE_PLACEHOLDERS = {
    "prenom": _("le prénom de l'usager"),
    "nom": _("le nom de l'usager"),
    "reference": _("le numéro du dossier"),
    "demarche": _("le nom de la démarche"),
    "date_limite": _("la date de réponse attendue de l'usager, ou l'échéance du dossier"),
    "service": _("le nom du service"),
    "agent": _("le nom de l'agent qui écrit"),
}


class MessageTemplate(models.Model):
    """A plain-language message that agents start from to write to a citizen, kept by
    the administration's managers. ``{prenom}`` and the other TEMPLATE_PLACEHOLDERS are
    filled in from the case; the agent reads and may change the text before sending."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="message_templates"
    )
    procedure = models.ForeignKey(
        Procedure,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="message_templates",
        verbose_name=_("démarche"),
        help_text=_("Vide : le modèle sert pour toutes les démarches."),
    )
    title = models.CharField(_("titre"), max_length=120)
    body = models.TextField(_("texte"))
    is_active = models.BooleanField(_("proposé aux agents"), default=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("modèle de message")
        verbose_name_plural = _("modèles de message")
        ordering = ["title", "pk"]

    def __str__(self):
        return self.title
