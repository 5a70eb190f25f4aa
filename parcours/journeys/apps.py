from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JourneysConfig(AppConfig):
    name = "parcours.journeys"
    verbose_name = _("Parcours et événements de vie")

    def ready(self):
        from . import signals  # noqa: F401
