from django.db import models
from django.utils.translation import gettext_lazy as _


class AccessReason(models.TextChoices):
    """Why an agent opens a file handled by a unit they do not belong to."""

    PERSON_AT_COUNTER = "person_at_counter", _("La personne est devant moi ou au téléphone")
    OPINION_REQUESTED = (
        "opinion_requested",
        _("Le service qui traite le dossier m'a demandé un avis"),
    )
    LINKED_REQUEST = "linked_request", _("Le dossier est lié à une demande que je traite")
    REPLACEMENT = "replacement", _("Je remplace un collègue de ce service")
    OTHER = "other", _("Autre raison")
