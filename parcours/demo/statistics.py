"""The demo's commitments beyond the general ones (appointments, one unit's own reply
time), and its statistics computed over the whole history, so that the dashboards, the
equality page, the public results and the procedure pages show real figures after
``make run``."""

import datetime

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from parcours.catalog.enums import CommitmentKind, DelayUnit
from parcours.catalog.models import Commitment
from parcours.commitments.services import watch_commitments
from parcours.organisations.models import Organisation, Unit
from parcours.stats.aggregation import compute_period

from .generator import HISTORY_MONTHS


def seed_commitments() -> int:
    commitments = []
    for organisation in Organisation.objects.all():
        commitments.append(
            Commitment(
                organisation=organisation,
                kind=CommitmentKind.APPOINTMENT,
                target=10,
                target_unit=DelayUnit.WORKING_DAYS,
                wording="Nous vous proposons un rendez-vous sous 10 jours ouvrés.",
            )
        )
        unit = Unit.objects.filter(organisation=organisation, is_active=True).order_by("pk").first()
        if unit is not None:
            commitments.append(
                Commitment(
                    organisation=organisation,
                    unit=unit,
                    kind=CommitmentKind.FIRST_REPLY,
                    target=3,
                    target_unit=DelayUnit.WORKING_DAYS,
                    wording=f"Le service {unit.name} répond à vos messages sous 3 jours ouvrés.",
                )
            )
    Commitment.objects.bulk_create(commitments)
    return len(commitments)


def seed_statistics(today: datetime.date | None = None) -> dict:
    """The commitments, the alerts of the day and the daily statistics of the whole
    demo history."""
    today = today or timezone.localdate()
    seed_commitments()
    watch_commitments(today)
    return compute_period(today - relativedelta(months=HISTORY_MONTHS), today)
