from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "parcours.webhooks"
    label = "webhooks"
    verbose_name = _("Webhooks")

    def ready(self):
        from django.db.models.signals import post_save

        from parcours.cases.models import CaseEvent
        from parcours.lib.reference_cache import watch

        from . import checks  # noqa: F401 (registers the deploy check)
        from .models import WebhookEndpoint
        from .services import on_case_event_saved

        # Every case event, wherever it is recorded, in the transaction that records it.
        post_save.connect(on_case_event_saved, sender=CaseEvent, dispatch_uid="webhooks")
        # Read through the reference cache for every case event: a change drops the copies.
        watch(WebhookEndpoint)
