"""The waiting list: freed slots are offered in the order people joined, each held for
a limited time."""

import datetime

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parcours.appointments import slots as slot_rules
from parcours.appointments.enums import WaitingStatus
from parcours.appointments.errors import AppointmentError
from parcours.appointments.models import (
    Appointment,
    AppointmentType,
    WaitingListEntry,
)
from parcours.outbox.services import outbox_put
from parcours.people.models import Person

from .common import (
    agent_of_unit,
    check_acts_for_person,
    check_limits,
    clean_details,
    lock_people,
    lock_type,
)

# An offer shorter than this is not worth sending: nobody could answer in time.
MIN_OFFER_MINUTES = 15


def _notify_entry(entry: WaitingListEntry, kind: str) -> None:
    """Record the email in the outbox, in the transaction of the change. An entry may be
    offered several slots in turn: the slot and the offer's end tell them apart."""
    from parcours.appointments.outgoing import waiting_list_email

    key = f"waiting-list:{entry.pk}:{kind}"
    if kind == "offer":
        key += f":{entry.offered_starts_at.isoformat()}:{entry.offer_expires_at.isoformat()}"
    outbox_put(handler=waiting_list_email, key=key, entry_id=entry.pk, kind=kind)


def waiting_list_join(
    *,
    appointment_type: AppointmentType,
    person: Person,
    by,
    earliest_on: datetime.date | None = None,
    latest_on: datetime.date | None = None,
    verified_email: str = "",
    now: datetime.datetime | None = None,
    **details,
) -> WaitingListEntry:
    """Wait for a slot of this type to free up, between two dates if given. What the
    person says about the appointment is kept, so taking an offer is one click."""
    now = now or timezone.now()
    agent = agent_of_unit(by, appointment_type.unit)
    check_acts_for_person(person=person, by=by, agent=agent, verified_email=verified_email)
    if person.organisation_id != appointment_type.organisation_id:
        raise AppointmentError(
            _("Cet usager relève d'une autre administration que ce service."), field="person"
        )
    details = clean_details(**details, email_required=True)
    today = timezone.localtime(now, appointment_type.timezone).date()
    if latest_on is not None and latest_on < today:
        raise AppointmentError(_("Choisissez une date à venir."), field="latest_on")
    if earliest_on is not None and latest_on is not None and latest_on < earliest_on:
        raise AppointmentError(_("La date de fin doit suivre la date de début."), field="latest_on")
    with transaction.atomic():
        lock_people(person, details["email"])
        appointment_type = lock_type(appointment_type)
        if not (appointment_type.is_active and appointment_type.unit.is_active):
            raise AppointmentError(
                _("Ce rendez-vous n'est plus proposé : choisissez-en un autre."),
                field="appointment_type",
            )
        if (
            WaitingListEntry.objects.active()
            .filter(appointment_type=appointment_type, person=person)
            .exists()
        ):
            raise AppointmentError(_("Vous êtes déjà sur la liste d'attente de ce rendez-vous."))
        check_limits(
            appointment_type=appointment_type,
            person=person,
            email=details["email"],
            now=now,
            for_someone_else=agent is not None,
        )
        entry = WaitingListEntry.objects.create(
            organisation_id=appointment_type.organisation_id,
            appointment_type=appointment_type,
            person=person,
            email=details["email"],
            earliest_on=earliest_on,
            latest_on=latest_on,
            details=details,
        )
        _notify_entry(entry, "joined")
    return entry


def waiting_list_leave(
    *, entry: WaitingListEntry, by, via_link: bool = False, now: datetime.datetime | None = None
) -> WaitingListEntry:
    now = now or timezone.now()
    agent = agent_of_unit(by, entry.appointment_type.unit)
    check_acts_for_person(person=entry.person, by=by, agent=agent, via_link=via_link)
    with transaction.atomic():
        appointment_type = lock_type(entry.appointment_type)
        entry = WaitingListEntry.objects.select_for_update().get(pk=entry.pk)
        if not entry.is_active:
            return entry
        offered = entry.offered_starts_at if entry.status == WaitingStatus.OFFERED else None
        entry.status = WaitingStatus.LEFT
        entry.offered_starts_at = entry.offer_expires_at = None
        entry.save()
        if offered is not None:
            offer_freed_slot(
                appointment_type=appointment_type, starts_at=offered, now=now, skip=[entry.pk]
            )
    return entry


def offer_freed_slot(
    *,
    appointment_type: AppointmentType,
    starts_at: datetime.datetime,
    now: datetime.datetime,
    skip=(),
) -> WaitingListEntry | None:
    """Offer a slot that has just freed up to the first person waiting for it, if any.
    Call with the type's row locked."""
    if not appointment_type.is_active:
        return None
    slot = slot_rules.find_slot(appointment_type, starts_at, now=now)
    if slot is None or not slot.is_free:
        return None
    offer_minutes = settings.PARCOURS_APPOINTMENTS_OFFER_MINUTES
    window = slot_rules.booking_window(appointment_type, now=now)
    expires_at = min(
        now + datetime.timedelta(minutes=offer_minutes),
        slot.starts_at - (window.earliest - now),
    )
    if expires_at - now < datetime.timedelta(minutes=MIN_OFFER_MINUTES):
        return None
    day = slot.day
    entry = (
        WaitingListEntry.objects.select_for_update()
        .filter(appointment_type=appointment_type, status=WaitingStatus.WAITING)
        .exclude(pk__in=list(skip))
        .filter(models.Q(earliest_on__isnull=True) | models.Q(earliest_on__lte=day))
        .filter(models.Q(latest_on__isnull=True) | models.Q(latest_on__gte=day))
        .order_by("created_at", "pk")
        .first()
    )
    if entry is None:
        return None
    entry.status = WaitingStatus.OFFERED
    entry.offered_starts_at = slot.starts_at
    entry.offer_expires_at = expires_at
    entry.save()
    _notify_entry(entry, "offer")
    return entry


def check_offer(
    entry: WaitingListEntry, *, starts_at: datetime.datetime, now: datetime.datetime
) -> WaitingListEntry:
    entry = WaitingListEntry.objects.select_for_update().get(pk=entry.pk)
    if (
        entry.status != WaitingStatus.OFFERED
        or entry.offered_starts_at != starts_at
        or entry.offer_expires_at <= now
    ):
        raise AppointmentError(
            _(
                "Cette proposition n'est plus valable : le délai pour l'accepter est passé. "
                "Vous pouvez choisir un autre créneau ou vous réinscrire sur la liste d'attente."
            ),
            field="slot",
        )
    return entry


def offer_accept(
    *, entry: WaitingListEntry, by, now: datetime.datetime | None = None
) -> Appointment:
    """Take the slot offered, with what the person said when joining the list. The
    offer link was sent to their address: holding it is proof enough."""
    from .booking import appointment_book  # booking offers freed slots: imported late

    return appointment_book(
        appointment_type=entry.appointment_type,
        starts_at=entry.offered_starts_at,
        person=entry.person,
        by=by if getattr(by, "is_authenticated", False) else None,
        waiting_entry=entry,
        now=now,
        **entry.details,
    )


def offer_decline(
    *, entry: WaitingListEntry, now: datetime.datetime | None = None
) -> WaitingListEntry:
    """The slot does not suit: the person keeps their place, the slot goes to the next."""
    now = now or timezone.now()
    with transaction.atomic():
        appointment_type = lock_type(entry.appointment_type)
        entry = WaitingListEntry.objects.select_for_update().get(pk=entry.pk)
        if entry.status != WaitingStatus.OFFERED:
            return entry
        offered = entry.offered_starts_at
        entry.status = WaitingStatus.WAITING
        entry.offered_starts_at = entry.offer_expires_at = None
        entry.save()
        offer_freed_slot(
            appointment_type=appointment_type, starts_at=offered, now=now, skip=[entry.pk]
        )
    return entry


def expire_offers(*, now: datetime.datetime | None = None, limit: int = 500) -> int:
    """Offers not taken in time: the person leaves the list (the offer email said so)
    and the slot goes to the next in line. Idempotent; run by the worker."""
    now = now or timezone.now()
    expired = 0
    due = list(
        WaitingListEntry.objects.filter(status=WaitingStatus.OFFERED, offer_expires_at__lte=now)
        .order_by("offer_expires_at", "pk")
        .values_list("pk", "appointment_type_id")[:limit]
    )
    for entry_pk, type_pk in due:
        with transaction.atomic():
            appointment_type = lock_type(AppointmentType(pk=type_pk))
            entry = WaitingListEntry.objects.select_for_update().get(pk=entry_pk)
            if entry.status != WaitingStatus.OFFERED or entry.offer_expires_at > now:
                continue
            offered = entry.offered_starts_at
            entry.status = WaitingStatus.EXPIRED
            entry.save()
            expired += 1
            offer_freed_slot(
                appointment_type=appointment_type, starts_at=offered, now=now, skip=[entry.pk]
            )
    return expired
