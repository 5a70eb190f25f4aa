from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "parcours.privacy"
    verbose_name = _("Protection des données")

    def ready(self):
        from parcours.lib import text_search

        text_search.connect()
