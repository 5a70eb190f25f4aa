from django.db import models
from django.utils.translation import gettext_lazy as _


class MessageDirection(models.TextChoices):
    FROM_CITIZEN = "from_citizen", _("De l'usager")
    TO_CITIZEN = "to_citizen", _("Du service")


class HalfDay(models.TextChoices):
    MORNING = "morning", _("Le matin")
    AFTERNOON = "afternoon", _("L'après-midi")


class CallbackStatus(models.TextChoices):
    PENDING = "pending", _("À rappeler")
    DONE = "done", _("Rappel fait")
    CANCELLED = "cancelled", _("Annulé")


class CallbackOutcome(models.TextChoices):
    """What happened when an agent called a person back."""

    REACHED = "reached", _("Personne jointe")
    NO_ANSWER = "no_answer", _("Pas de réponse")
    CALL_AGAIN = "call_again", _("À rappeler un autre jour")
