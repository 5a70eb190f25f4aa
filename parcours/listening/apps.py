from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ListeningConfig(AppConfig):
    name = "parcours.listening"
    verbose_name = _("Écoute des usagers et des agents")
