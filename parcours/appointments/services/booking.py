"""Book, move and cancel: the person themself, or an agent of the unit for them."""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parcours.appointments.enums import (
    ACTIVE_WAITING_STATUSES,
    AppointmentEventKind,
    AppointmentStatus,
    BookingChannel,
    CancelledBy,
    WaitingStatus,
)
from parcours.appointments.errors import AppointmentError, NotAllowed, SlotUnavailable
from parcours.appointments.models import (
    Appointment,
    AppointmentType,
    WaitingListEntry,
)
from parcours.cases.models import Case
from parcours.organisations import permissions
from parcours.organisations.models import Organisation
from parcours.organisations.selectors import agent_for
from parcours.people.enums import Channel
from parcours.people.models import Person

from .common import (
    REASON_MAX_LENGTH,
    agent_of_unit,
    check_acts_for_person,
    check_limits,
    clean_details,
    clean_text,
    find_open_slot,
    free_seat,
    lock_appointment,
    lock_people,
    lock_type,
    notify,
    record,
)
from .waiting_list import check_offer, offer_freed_slot


def appointment_book(
    *,
    appointment_type: AppointmentType,
    starts_at: datetime.datetime,
    person: Person,
    by,
    reason: str,
    needs=(),
    interpreter_language: str = "",
    accessibility_note: str = "",
    documents=(),
    documents_note: str = "",
    email: str = "",
    phone: str = "",
    remind_by_email: bool = True,
    remind_by_sms: bool = False,
    case: Case | None = None,
    channel: str | None = None,
    verified_email: str = "",
    waiting_entry: WaitingListEntry | None = None,
    now: datetime.datetime | None = None,
) -> Appointment:
    """Book a slot for a person, by themself (signed in, or with the address they proved
    with ``verified_email``) or by an agent of the unit (``channel`` phone or counter).

    Raises ``SlotUnavailable`` when the slot is full, ``LimitReached`` when the person
    already holds as many upcoming appointments as allowed, ``AppointmentError`` for
    any other rule, with a message for the person acting.
    """
    now = now or timezone.now()
    agent = agent_of_unit(by, appointment_type.unit)
    via_offer = waiting_entry is not None
    check_acts_for_person(
        person=person, by=by, agent=agent, via_link=via_offer, verified_email=verified_email
    )
    if person.organisation_id != appointment_type.organisation_id:
        raise AppointmentError(
            _("Cet usager relève d'une autre administration que ce service."), field="person"
        )
    if agent is not None:
        channel = channel or BookingChannel.PHONE
        if channel not in (BookingChannel.PHONE, BookingChannel.COUNTER):
            raise AppointmentError(_("Dites si la personne appelle ou est au guichet."))
    else:
        channel = BookingChannel.ONLINE
    details = clean_details(
        reason=reason,
        needs=needs,
        interpreter_language=interpreter_language,
        accessibility_note=accessibility_note,
        documents=documents,
        documents_note=documents_note,
        email=email,
        phone=phone,
        remind_by_email=remind_by_email,
        remind_by_sms=remind_by_sms,
        email_required=agent is None,
    )
    if case is not None and (
        case.person_id != person.pk
        or (appointment_type.procedure_id and case.procedure_id != appointment_type.procedure_id)
    ):
        raise AppointmentError(_("Choisissez l'un des dossiers de cette démarche."), field="case")
    with transaction.atomic():
        lock_people(person, details["email"])
        appointment_type = lock_type(appointment_type)
        if not (appointment_type.is_active and appointment_type.unit.is_active):
            raise AppointmentError(
                _("Ce rendez-vous n'est plus proposé : choisissez-en un autre."),
                field="appointment_type",
            )
        if via_offer:
            waiting_entry = check_offer(waiting_entry, starts_at=starts_at, now=now)
        check_limits(
            appointment_type=appointment_type,
            person=person,
            email=details["email"],
            now=now,
            for_someone_else=agent is not None,
        )
        # An offer was valid when sent: the booking window's notice does not apply to it.
        slot = find_open_slot(
            appointment_type, starts_at, now=now, by_agent=agent is not None or via_offer
        )
        seat = free_seat(appointment_type, slot, now=now, offer=waiting_entry)
        try:
            with transaction.atomic():
                appointment = Appointment.objects.create(
                    organisation_id=appointment_type.organisation_id,
                    appointment_type=appointment_type,
                    unit=appointment_type.unit,
                    procedure=appointment_type.procedure,
                    case=case,
                    person=person,
                    mode=appointment_type.mode,
                    starts_at=slot.starts_at,
                    ends_at=slot.ends_at,
                    seat=seat,
                    channel=channel,
                    booked_by=by if getattr(by, "is_authenticated", False) else None,
                    scheduled_at=now,
                    **details,
                )
        except IntegrityError:
            raise SlotUnavailable() from None
        record(
            appointment,
            AppointmentEventKind.BOOKED,
            by=by,
            data={"starts_at": slot.starts_at.isoformat(), "channel": channel},
        )
        WaitingListEntry.objects.filter(
            appointment_type=appointment_type, person=person, status__in=ACTIVE_WAITING_STATUSES
        ).update(status=WaitingStatus.BOOKED, appointment=appointment, updated_at=now)
        notify(appointment, "booked")
    return appointment


def _check_changeable(appointment: Appointment, *, agent, now, action: str) -> None:
    if appointment.status == AppointmentStatus.CANCELLED:
        raise AppointmentError(_("Ce rendez-vous est déjà annulé."))
    if appointment.status != AppointmentStatus.BOOKED or appointment.starts_at <= now:
        raise AppointmentError(_("Ce rendez-vous est passé : il ne peut plus être changé."))
    if agent is None and not appointment.can_be_changed_online(now):
        if action == "move":
            message = _(
                "Votre rendez-vous est trop proche pour être déplacé en ligne : appelez le "
                "service au %(phone)s."
            )
        else:
            message = _(
                "Votre rendez-vous est trop proche pour être annulé en ligne : appelez le "
                "service au %(phone)s."
            )
        raise AppointmentError(message % {"phone": appointment.unit.phone})


def appointment_move(
    *,
    appointment: Appointment,
    starts_at: datetime.datetime,
    by,
    via_link: bool = False,
    now: datetime.datetime | None = None,
) -> Appointment:
    """Move an appointment to another slot of the same type. ``via_link``: the person
    acts through the signed link of their confirmation (the caller checked it)."""
    now = now or timezone.now()
    agent = agent_of_unit(by, appointment.unit)
    check_acts_for_person(person=appointment.person, by=by, agent=agent, via_link=via_link)
    with transaction.atomic():
        appointment_type = lock_type(appointment.appointment_type)
        appointment = lock_appointment(appointment)
        _check_changeable(appointment, agent=agent, now=now, action="move")
        slot = find_open_slot(appointment_type, starts_at, now=now, by_agent=agent is not None)
        if slot.starts_at == appointment.starts_at:
            raise AppointmentError(
                _("C'est déjà l'heure de votre rendez-vous : choisissez un autre créneau."),
                field="slot",
            )
        seat = free_seat(appointment_type, slot, now=now, exclude=appointment)
        previous = appointment.starts_at
        appointment.starts_at, appointment.ends_at, appointment.seat = (
            slot.starts_at,
            slot.ends_at,
            seat,
        )
        appointment.ics_sequence += 1
        appointment.scheduled_at = now
        try:
            with transaction.atomic():
                appointment.save()
        except IntegrityError:
            raise SlotUnavailable() from None
        record(
            appointment,
            AppointmentEventKind.MOVED,
            by=by,
            data={"from": previous.isoformat(), "to": slot.starts_at.isoformat()},
        )
        offer_freed_slot(appointment_type=appointment_type, starts_at=previous, now=now)
        notify(appointment, "moved", previous_starts_at=previous.isoformat())
    return appointment


def appointment_cancel(
    *,
    appointment: Appointment,
    by,
    reason: str = "",
    via_link: bool = False,
    now: datetime.datetime | None = None,
) -> Appointment:
    """Cancel an appointment: the person (signed in or through their link) until the
    type's notice, an agent of the unit at any time with a reason said to the person.
    The seat is free at once, or offered to the waiting list."""
    now = now or timezone.now()
    agent = agent_of_unit(by, appointment.unit)
    check_acts_for_person(person=appointment.person, by=by, agent=agent, via_link=via_link)
    reason = clean_text(reason, field="reason", limit=REASON_MAX_LENGTH)
    if agent is not None and not reason:
        raise AppointmentError(
            _("Indiquez le motif de l'annulation : il est dit à la personne."), field="reason"
        )
    with transaction.atomic():
        appointment_type = lock_type(appointment.appointment_type)
        appointment = lock_appointment(appointment)
        _check_changeable(appointment, agent=agent, now=now, action="cancel")
        cancel(
            appointment,
            by=by,
            cancelled_by=CancelledBy.SERVICE if agent is not None else CancelledBy.PERSON,
            reason=reason,
            now=now,
        )
        offer_freed_slot(
            appointment_type=appointment_type, starts_at=appointment.starts_at, now=now
        )
    return appointment


def cancel(appointment: Appointment, *, by, cancelled_by: str, reason: str, now) -> None:
    appointment.status = AppointmentStatus.CANCELLED
    appointment.cancelled_at = now
    appointment.cancelled_by = cancelled_by
    appointment.cancel_reason = reason
    appointment.ics_sequence += 1
    appointment.save()
    record(
        appointment,
        AppointmentEventKind.CANCELLED,
        by=by,
        note=reason,
        data={"cancelled_by": cancelled_by},
    )
    notify(appointment, "cancelled")


def person_for_booking(
    *,
    organisation: Organisation,
    user=None,
    email: str = "",
    given_name: str = "",
    family_name: str = "",
    phone: str = "",
) -> Person:
    """The person record a booking is for: a signed-in user's record at this
    administration (created from their account the first time), or, without an account,
    the record with this address and name, created if new."""
    if getattr(user, "is_authenticated", False):
        person, _created = Person.objects.get_or_create(
            organisation=organisation,
            user=user,
            defaults={
                "given_name": user.first_name or given_name,
                "family_name": user.last_name or family_name or user.email,
                "email": user.email,
                "phone": phone,
            },
        )
        return person
    email = (email or "").strip().lower()
    given_name, family_name = given_name.strip(), family_name.strip()
    if not (email and given_name and family_name):
        raise AppointmentError(_("Indiquez votre prénom, votre nom et votre adresse électronique."))
    person = (
        Person.objects.filter(
            organisation=organisation,
            user__isnull=True,
            email__iexact=email,
            given_name__iexact=given_name,
            family_name__iexact=family_name,
        )
        .order_by("pk")
        .first()
    )
    if person is None:
        person = Person.objects.create(
            organisation=organisation,
            given_name=given_name[:150],
            family_name=family_name[:150],
            email=email,
            phone=phone,
        )
    return person


def person_record_create(
    *,
    organisation: Organisation,
    by,
    given_name: str,
    family_name: str,
    phone: str = "",
    email: str = "",
) -> Person:
    """An agent records a person who calls or comes to the counter and is not known
    yet, to book for them. At least a phone number or an address to reach them."""
    agent = agent_for(by)
    if not permissions.uses_backoffice(agent) or agent.organisation_id != organisation.pk:
        raise NotAllowed(_("Seuls les agents de cette administration peuvent faire cela."))
    given_name, family_name = (given_name or "").strip(), (family_name or "").strip()
    if not (given_name and family_name):
        raise AppointmentError(
            _("Indiquez le prénom et le nom de la personne."), field="family_name"
        )
    email = (email or "").strip().lower()
    phone = " ".join((phone or "").split())
    if not (email or phone):
        raise AppointmentError(
            _("Indiquez au moins un moyen de la joindre : téléphone ou adresse électronique."),
            field="phone",
        )
    details = clean_details(reason="-", email=email, phone=phone, email_required=False)
    with transaction.atomic():
        return Person.objects.create(
            organisation=organisation,
            given_name=given_name[:150],
            family_name=family_name[:150],
            email=details["email"],
            phone=details["phone"],
            preferred_channel=Channel.PHONE if details["phone"] else Channel.EMAIL,
        )


def person_find_or_record(
    *,
    organisation: Organisation,
    by,
    given_name: str,
    family_name: str,
    phone: str = "",
    email: str = "",
) -> tuple[Person, bool]:
    """The person an agent books for on the phone or at the counter, from what they
    say: the record of this administration with the same name and the same address or
    phone number (the oldest, if several), or a new one (``person_record_create``).
    Returns the person and whether the record is new."""
    agent = agent_for(by)
    if not permissions.uses_backoffice(agent) or agent.organisation_id != organisation.pk:
        raise NotAllowed(_("Seuls les agents de cette administration peuvent faire cela."))
    email = (email or "").strip().lower()
    digits = "".join(c for c in phone or "" if c.isdigit())
    candidates = Person.objects.filter(
        organisation=organisation,
        given_name__iexact=(given_name or "").strip(),
        family_name__iexact=(family_name or "").strip(),
    ).order_by("pk")
    for candidate in candidates:
        if (email and candidate.email.lower() == email) or (
            digits and "".join(c for c in candidate.phone if c.isdigit()) == digits
        ):
            return candidate, False
    person = person_record_create(
        organisation=organisation,
        by=by,
        given_name=given_name,
        family_name=family_name,
        phone=phone,
        email=email,
    )
    return person, True
