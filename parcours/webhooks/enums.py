from django.db import models
from django.utils.translation import gettext_lazy as _


class WebhookEventType(models.TextChoices):
    """What another system may subscribe to. Names are the ``type`` of the payload."""

    CASE_SUBMITTED = "case.submitted", _("Dossier déposé")
    CASE_STATE_CHANGED = "case.state_changed", _("Changement d'état du dossier (tous)")
    CASE_DECIDED = "case.decided", _("Décision prise (y compris implicite ou classement)")
    CASE_WITHDRAWN = "case.withdrawn", _("Dossier retiré par l'usager")
    CASE_REOPENED = "case.reopened", _("Dossier rouvert sur recours")
    CASE_REROUTED = "case.rerouted", _("Dossier transmis à un autre service")
    CASE_DOCUMENT_ADDED = "case.document_added", _("Pièce ajoutée au dossier")
    CASE_CORRECTED = "case.corrected", _("Demande corrigée par l'usager")


# Not subscribable: the test an administrator sends from the endpoint's page.
PING = "webhook.ping"
