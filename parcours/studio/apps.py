from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StudioConfig(AppConfig):
    name = "parcours.studio"
    verbose_name = _("Atelier des démarches")
