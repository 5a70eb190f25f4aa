from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "parcours.catalog"
    verbose_name = _("Démarches")

    def ready(self):
        from parcours.lib.reference_cache import watch

        from .models import Procedure, ProcedureVersion

        # Read through the reference cache on every report: a change drops the copies.
        watch(Procedure, ProcedureVersion)
