from django.db import models
from django.utils.translation import gettext_lazy as _


class Subject(models.TextChoices):
    """What a daily statistics row counts."""

    CASE = "case", _("Dossiers")
    APPOINTMENT = "appointment", _("Rendez-vous")
    CALLBACK = "callback", _("Rappels téléphoniques demandés")
    FEEDBACK = "feedback", _("Avis des usagers")


class Dimension(models.TextChoices):
    """How the equality dashboards break the figures down."""

    CHANNEL = "channel", _("Canal")
    TERRITORY = "territory", _("Territoire (code postal)")
    ASSISTED = "assisted", _("Accompagné ou autonome")
    LANGUAGE = "language", _("Langue")
