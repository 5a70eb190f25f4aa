from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChannelsConfig(AppConfig):
    name = "parcours.channels"
    verbose_name = _("Canaux : courriel, téléphone, guichet, courrier, SMS")
