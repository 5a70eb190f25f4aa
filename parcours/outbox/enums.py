from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("à envoyer")
    SENT = "sent", _("envoyé")
    # The handler found nothing to send (the person does not want this kind of email,
    # has no address, or the object is gone): done, nothing left the building.
    SKIPPED = "skipped", _("rien à envoyer")
    # Every attempt failed: left for an operator (admin or `manage.py outbox`).
    DEAD = "dead", _("en échec définitif")
