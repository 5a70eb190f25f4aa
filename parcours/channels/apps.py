from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


class ChannelsConfig(AppConfig):
    name = "parcours.channels"
    verbose_name = _("Canaux : courriel, téléphone, guichet, courrier, SMS")

    def ready(self):
        from parcours.cases.models import CaseEvent

        from .signals import case_event_saved

        post_save.connect(case_event_saved, sender=CaseEvent, dispatch_uid="channels_case_sms")
