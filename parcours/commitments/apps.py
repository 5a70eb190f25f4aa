from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommitmentsConfig(AppConfig):
    name = "parcours.commitments"
    verbose_name = _("Engagements de service")
