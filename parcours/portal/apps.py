from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "parcours.portal"
    verbose_name = _("Espace usager")

    def ready(self):
        from . import checks  # noqa: F401 - registers the theme checks
