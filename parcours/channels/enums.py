from django.db import models
from django.utils.translation import gettext_lazy as _


class InboundStatus(models.TextChoices):
    """What became of an email received by the SMTP daemon."""

    THREADED = "threaded", _("Classé dans le fil d'un dossier")
    ON_PERSON = "on_person", _("Classé sur l'usager")
    TRIAGE = "triage", _("À trier")
    ATTACHED = "attached", _("Rattaché par un agent")
    DISMISSED = "dismissed", _("Écarté par un agent")
    AUTOMATIC = "automatic", _("Réponse automatique ou avis de non-remise, sans suite")


class ContactChannel(models.TextChoices):
    """How an exchange recorded by an agent took place."""

    PHONE = "phone", _("Téléphone")
    COUNTER = "counter", _("Guichet")
    POST = "post", _("Courrier postal")


class ContactDirection(models.TextChoices):
    INBOUND = "inbound", _("De l'usager vers le service")
    OUTBOUND = "outbound", _("Du service vers l'usager")


class DuplicateReason(models.TextChoices):
    EMAIL = "email", _("même adresse électronique")
    PHONE = "phone", _("même numéro de téléphone")
    NAME_BIRTH_DATE = "name_birth_date", _("mêmes nom, prénom et date de naissance")
