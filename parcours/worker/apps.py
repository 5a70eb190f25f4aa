from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkerConfig(AppConfig):
    name = "parcours.worker"
    verbose_name = _("Tâches de fond")
