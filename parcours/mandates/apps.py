from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MandatesConfig(AppConfig):
    name = "parcours.mandates"
    verbose_name = _("Mandats des aidants")

    def ready(self):
        from . import signals  # noqa: F401
