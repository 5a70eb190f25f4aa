from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerHeartbeat(models.Model):
    """Each worker process says it is alive; /healthz reads it."""

    worker_id = models.CharField(max_length=64, unique=True)
    hostname = models.CharField(max_length=200)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    last_seen_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("processus de tâches de fond (un)")
        verbose_name_plural = _("processus de tâches de fond (tous)")

    def __str__(self):
        return f"{self.hostname}:{self.pid}"


class ScheduledRun(models.Model):
    """One run of a periodic job for one time slot. The unique constraint makes sure that,
    however many workers run the scheduler, a slot is enqueued once."""

    job = models.CharField(max_length=100)
    slot = models.BigIntegerField(help_text="Seconds since the epoch, divided by the job's period.")
    enqueued_at = models.DateTimeField(auto_now_add=True)
    task_result_id = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("exécution planifiée")
        verbose_name_plural = _("exécutions planifiées")
        constraints = [
            models.UniqueConstraint(fields=["job", "slot"], name="scheduled_run_unique_slot")
        ]

    def __str__(self):
        return f"{self.job}#{self.slot}"
