"""Daily statistics: one row per day and per combination of the dimensions, computed
by background tasks (``aggregation.py``) so that the dashboards, the public results
and the procedure pages never read the cases themselves.

Counts and sums only, so that any period, unit or group is the sum of its rows.
Durations are in days; their distribution is kept in fixed buckets (``buckets.py``)
from which medians and 90th percentiles are read.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from parcours.catalog.models import Procedure
from parcours.organisations.models import Organisation, Unit

from . import buckets
from .enums import Subject


class Measures(models.Model):
    """What is counted for each day and combination of dimensions."""

    day = models.DateField(_("jour"))
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, null=True, related_name="+")
    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, null=True, related_name="+")
    subject = models.CharField(_("objet"), max_length=16, choices=Subject.choices)
    channel = models.CharField(_("canal"), max_length=16, blank=True)

    # Flows of the day: items started (cases received, appointments booked, call-backs
    # asked for that day) and completed (cases decided, withdrawn or closed; call-backs
    # made), with their outcome.
    started = models.PositiveIntegerField(default=0)
    completed = models.PositiveIntegerField(default=0)
    accepted = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    closed = models.PositiveIntegerField(default=0)
    withdrawn = models.PositiveIntegerField(default=0)
    implicit = models.PositiveIntegerField(default=0)
    # Completed items a published commitment applied to, and those within it.
    with_commitment = models.PositiveIntegerField(default=0)
    within_commitment = models.PositiveIntegerField(default=0)
    # Durations of the completed items (cases: days to the decision, time waiting for
    # the citizen excluded; appointments: days from booking to the appointment).
    duration_sum = models.FloatField(default=0)
    # Stock at the end of the day (cases): open, and open past their legal date.
    backlog = models.PositiveIntegerField(default=0)
    overdue = models.PositiveIntegerField(default=0)
    # Feedback (the listening app): answers on a 1–5 scale.
    satisfaction_count = models.PositiveIntegerField(default=0)
    satisfaction_sum = models.PositiveIntegerField(default=0)
    satisfaction_squares = models.PositiveIntegerField(default=0)
    satisfied = models.PositiveIntegerField(default=0)
    dissatisfied = models.PositiveIntegerField(default=0)

    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.day} {self.subject} {self.organisation_id}/{self.unit_id}"


for _name in buckets.FIELDS:
    Measures.add_to_class(_name, models.PositiveIntegerField(default=0))


class DailyStat(Measures):
    """The finest grain, with the equality dimensions: what the equality dashboards
    read."""

    territory = models.CharField(_("territoire"), max_length=10, blank=True)
    assisted = models.BooleanField(_("accompagné"), default=False)
    language = models.CharField(_("langue"), max_length=8, blank=True)

    class Meta:
        verbose_name = _("statistique quotidienne")
        verbose_name_plural = _("statistiques quotidiennes")
        indexes = [
            models.Index(fields=["organisation", "subject", "day"]),
            models.Index(fields=["organisation", "unit", "subject", "day"]),
            models.Index(fields=["procedure", "subject", "day"]),
        ]


class DailySummary(Measures):
    """The same figures without the equality dimensions (territory, assisted,
    language): far fewer rows, what the dashboards, the public results and the
    procedure pages read."""

    class Meta:
        verbose_name = _("synthèse quotidienne")
        verbose_name_plural = _("synthèses quotidiennes")
        indexes = [
            models.Index(fields=["organisation", "subject", "day"]),
            models.Index(fields=["organisation", "unit", "subject", "day"]),
            models.Index(fields=["procedure", "subject", "day"]),
        ]
