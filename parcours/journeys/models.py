"""Life events (moving house, a birth, losing a job): ordered procedures across
administrations with simple conditions; a person follows them as one journey, with a
referent agent who coordinates."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from parcours.catalog.enums import LifeSituation
from parcours.catalog.models import Procedure
from parcours.organisations.models import Agent, Organisation, Unit

from .enums import JourneyEventKind, JourneyOutcome, StepCondition


class LifeEventQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)


class LifeEvent(models.Model):
    """Defined by an administrator (Django admin): the steps, their order, their
    conditions, and the unit whose agents coordinate the journeys."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("administration qui le définit"),
    )
    slug = models.SlugField(_("identifiant"), unique=True)
    title = models.CharField(
        _("intitulé"), max_length=200, help_text=_("Par exemple « Je déménage ».")
    )
    summary = models.TextField(_("en quelques mots"), help_text=_("Ce que ce parcours vous évite."))
    life_situation = models.CharField(
        _("situation de vie"), max_length=32, choices=LifeSituation.choices, blank=True
    )
    referent_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("service référent"),
        help_text=_(
            "Ses agents coordonnent les parcours : l'un d'eux devient l'interlocuteur unique."
        ),
    )
    is_published = models.BooleanField(_("publié"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = LifeEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("événement de vie")
        verbose_name_plural = _("événements de vie")
        ordering = ["title"]

    def __str__(self):
        return self.title


class LifeEventStep(models.Model):
    """One procedure of a life event, in order, with the condition to offer it."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    life_event = models.ForeignKey(LifeEvent, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField(_("ordre"))
    procedure = models.ForeignKey(
        Procedure, on_delete=models.PROTECT, related_name="+", verbose_name=_("démarche")
    )
    explanation = models.TextField(
        _("pourquoi cette étape"),
        help_text=_("En langage clair : ce que cette démarche apporte à la personne."),
    )
    condition = models.CharField(
        _("condition"), max_length=32, choices=StepCondition.choices, default=StepCondition.ALWAYS
    )
    after_step = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("étape précédente"),
    )
    answer_field = models.CharField(_("question (nom du champ)"), max_length=64, blank=True)
    answer_value = models.CharField(_("réponse attendue"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("étape")
        verbose_name_plural = _("étapes")
        ordering = ["life_event", "position", "pk"]

    def __str__(self):
        return f"{self.position}. {self.procedure}"

    def save(self, *args, **kwargs):
        if self.organisation_id is None and self.life_event_id:
            self.organisation_id = self.life_event.organisation_id
        super().save(*args, **kwargs)

    def clean(self):
        if self.life_event_id and self.organisation_id is None:
            self.organisation_id = self.life_event.organisation_id
        if self.condition == StepCondition.ALWAYS:
            return
        if self.after_step is None:
            raise ValidationError(
                {"after_step": _("Choisissez l'étape précédente dont dépend celle-ci.")}
            )
        if self.after_step.life_event_id != self.life_event_id:
            raise ValidationError({"after_step": _("Cette étape appartient à un autre parcours.")})
        if self.after_step.position >= (self.position or 0):
            raise ValidationError(
                {"after_step": _("L'étape précédente doit venir avant celle-ci dans l'ordre.")}
            )
        if self.condition == StepCondition.ANSWER_EQUALS and not (
            self.answer_field and self.answer_value
        ):
            raise ValidationError(
                {"answer_field": _("Indiquez la question et la réponse qui ouvrent cette étape.")}
            )


class Journey(models.Model):
    """One person following a life event."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("administration référente"),
    )
    life_event = models.ForeignKey(LifeEvent, on_delete=models.PROTECT, related_name="journeys")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="journeys",
        verbose_name=_("personne"),
    )
    referent = models.ForeignKey(
        Agent,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="journeys",
        verbose_name=_("interlocuteur unique"),
    )
    started_at = models.DateTimeField(_("commencé le"), auto_now_add=True)
    closed_at = models.DateTimeField(_("terminé le"), null=True, blank=True)
    outcome = models.CharField(
        _("fin du parcours"), max_length=16, choices=JourneyOutcome.choices, blank=True
    )
    closing_reason = models.TextField(_("raison de la fin"), blank=True)

    class Meta:
        verbose_name = _("parcours")
        verbose_name_plural = _("parcours")
        ordering = ["-started_at", "-pk"]
        indexes = [models.Index(fields=["organisation", "referent"])]

    def __str__(self):
        return _("%(event)s — %(person)s") % {
            "event": self.life_event,
            "person": self.user.get_full_name() or self.user.email,
        }

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class JourneyEvent(models.Model):
    """One thing that happened to a journey, who did it and why: never changed."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("événement"), max_length=32, choices=JourneyEventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("par"),
    )
    reason = models.TextField(_("raison"), blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("le"), auto_now_add=True)

    class Meta:
        verbose_name = _("événement du parcours")
        verbose_name_plural = _("événements des parcours")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.journey} — {self.get_kind_display()}"


class JourneyCase(models.Model):
    """A case started from a step of a journey."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="case_links")
    step = models.ForeignKey(LifeEventStep, on_delete=models.PROTECT, related_name="+")
    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="journey_link")

    class Meta:
        verbose_name = _("dossier du parcours")
        verbose_name_plural = _("dossiers des parcours")
        constraints = [
            models.UniqueConstraint(fields=["journey", "step"], name="journey_one_case_per_step")
        ]

    def __str__(self):
        return f"{self.journey} — {self.case}"


class Suggestion(models.Model):
    """After a decision, a procedure the person may be entitled to, with why: shown in
    their space and in the decision's message. Never an enrolment."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="suggestions"
    )
    decided_case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="suggestions_made"
    )
    step = models.ForeignKey(LifeEventStep, on_delete=models.CASCADE, related_name="+")
    journey = models.ForeignKey(
        Journey, on_delete=models.CASCADE, null=True, blank=True, related_name="suggestions"
    )
    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="+")
    explanation = models.TextField(_("explication"))
    created_at = models.DateTimeField(auto_now_add=True)
    dismissed_at = models.DateTimeField(_("écartée le"), null=True, blank=True)

    class Meta:
        verbose_name = _("suggestion de démarche")
        verbose_name_plural = _("suggestions de démarches")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["decided_case", "step"], name="suggestion_once_per_case_and_step"
            )
        ]

    def __str__(self):
        return str(self.procedure)
