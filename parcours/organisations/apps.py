from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationsConfig(AppConfig):
    name = "parcours.organisations"
    verbose_name = _("Administrations et services")

    def ready(self):
        from parcours.lib.reference_cache import watch

        from .models import Organisation, Unit

        # Read through the reference cache on every report: a change drops the copies.
        watch(Organisation, Unit)
