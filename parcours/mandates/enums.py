from django.db import models
from django.utils.translation import gettext_lazy as _


class ConsentMethod(models.TextChoices):
    """How the person present confirmed the mandate."""

    SIGNATURE = "signature", _("Signature à l'écran")
    CODE = "code", _("Code envoyé à la personne")


class MandateStatus(models.TextChoices):
    PENDING = "pending", _("En attente du code de la personne")
    ACTIVE = "active", _("En cours")
    EXPIRED = "expired", _("Arrivé à échéance")
    REVOKED = "revoked", _("Révoqué")


class ActKind(models.TextChoices):
    """What a helper did under a mandate, as the person and the agents read it."""

    CREATED = "created", _("Mandat créé")
    CASE_STARTED = "case_started", _("Démarche commencée")
    CASE_EVENT = "case_event", _("Action sur un dossier")
    REVOKED = "revoked", _("Mandat révoqué")
