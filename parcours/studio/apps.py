from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StudioConfig(AppConfig):
    name = "parcours.studio"
    verbose_name = _("Atelier des démarches")

    def ready(self):
        from parcours.lib.reference_cache import watch

        from .models import VersionContent

        # Read through the reference cache on every report: a change drops the copies.
        watch(VersionContent)
