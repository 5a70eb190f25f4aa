from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContactsConfig(AppConfig):
    name = "parcours.contacts"
    verbose_name = _("Échanges avec les usagers")
