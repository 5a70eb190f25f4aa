from django.db import models
from django.utils.translation import gettext_lazy as _


class StepCondition(models.TextChoices):
    """When a step of a life event is offered to the person."""

    ALWAYS = "always", _("Toujours proposée")
    AFTER_DECIDED = "after_decided", _("Après la décision d'une étape précédente")
    AFTER_ACCEPTED = "after_accepted", _("Après l'acceptation d'une étape précédente")
    ANSWER_EQUALS = "answer_equals", _("Selon une réponse donnée à une étape précédente")


class StepStatus(models.TextChoices):
    """Where a step of a journey stands, as the person reads it."""

    AVAILABLE = "available", _("À faire")
    WAITING = "waiting", _("Possible plus tard")
    NOT_NEEDED = "not_needed", _("Pas nécessaire d'après vos réponses")
    STARTED = "started", _("Commencée")


class JourneyOutcome(models.TextChoices):
    """How a journey ended."""

    COMPLETED = "completed", _("Terminé : toutes les étapes sont faites")
    CLOSED = "closed", _("Clos par l'interlocuteur unique")
    ABANDONED = "abandoned", _("Arrêté par la personne")


class JourneyEventKind(models.TextChoices):
    """What happened to a journey (an append-only history)."""

    STARTED = "started", _("Parcours commencé")
    STEP_STARTED = "step_started", _("Étape commencée")
    REFERENT_TAKEN = "referent_taken", _("Interlocuteur unique désigné")
    COMPLETED = "completed", _("Parcours terminé")
    CLOSED = "closed", _("Parcours clos par l'interlocuteur unique")
    ABANDONED = "abandoned", _("Parcours arrêté par la personne")
