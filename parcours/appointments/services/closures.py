"""Exceptional closures of a unit."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parcours.appointments.enums import (
    AppointmentStatus,
    CancelledBy,
    WaitingStatus,
)
from parcours.appointments.errors import AppointmentError, NotAllowed
from parcours.appointments.models import (
    Appointment,
    AppointmentType,
    Closure,
    WaitingListEntry,
)
from parcours.organisations import permissions
from parcours.organisations.models import Unit
from parcours.organisations.selectors import agent_for

from .booking import cancel
from .common import clean_text


def may_manage_unit(by, unit: Unit) -> bool:
    """A superuser (in the admin), or a manager of the unit: its unit manager, or an
    administrator of its organisation."""
    if getattr(by, "is_superuser", False):
        return True
    return permissions.managed_units(agent_for(by)).filter(pk=unit.pk).exists()


def closure_create(
    *,
    unit: Unit,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    reason: str,
    by,
    now: datetime.datetime | None = None,
) -> tuple[Closure, list[Appointment]]:
    """Close a unit for a while. The appointments booked in that time are cancelled and
    each person is told why, with a link to book again; offers of slots in it are
    withdrawn (the people keep their place on the waiting list)."""
    now = now or timezone.now()
    if not may_manage_unit(by, unit):
        raise NotAllowed(_("Seuls les responsables du service peuvent déclarer une fermeture."))
    reason = clean_text(reason, field="reason", limit=300)
    if not reason:
        raise AppointmentError(
            _("Indiquez le motif de la fermeture : il est dit aux personnes."), field="reason"
        )
    if ends_at <= starts_at:
        raise AppointmentError(_("La fin de la fermeture doit suivre son début."), field="ends_at")
    with transaction.atomic():
        # Bookings of the unit wait for the closure, so none slips into it.
        list(
            AppointmentType.objects.select_for_update()
            .filter(unit=unit)
            .order_by("pk")
            .values_list("pk")
        )
        closure = Closure.objects.create(
            organisation_id=unit.organisation_id,
            unit=unit,
            starts_at=starts_at,
            ends_at=ends_at,
            reason=reason,
            created_by=by if getattr(by, "is_authenticated", False) else None,
        )
        cancelled = list(
            Appointment.objects.select_for_update()
            .filter(unit=unit, status=AppointmentStatus.BOOKED, starts_at__gte=now)
            .overlapping(starts_at, ends_at)
            .order_by("starts_at", "pk")
        )
        for appointment in cancelled:
            cancel(appointment, by=by, cancelled_by=CancelledBy.CLOSURE, reason=reason, now=now)
        WaitingListEntry.objects.filter(
            appointment_type__unit=unit,
            status=WaitingStatus.OFFERED,
            offered_starts_at__lt=ends_at,
            offered_starts_at__gte=starts_at - datetime.timedelta(hours=4),
        ).update(
            status=WaitingStatus.WAITING,
            offered_starts_at=None,
            offer_expires_at=None,
            updated_at=now,
        )
    return closure, cancelled
