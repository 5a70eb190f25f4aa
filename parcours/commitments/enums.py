from django.db import models
from django.utils.translation import gettext_lazy as _


class AlertStatus(models.TextChoices):
    AT_RISK = "at_risk", _("Bientôt hors délai")
    BREACHED = "breached", _("Délai dépassé")
    RESOLVED = "resolved", _("Traité")
