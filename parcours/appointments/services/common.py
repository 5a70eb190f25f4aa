"""What every write shares: who acts, what the person says, the locks, the seat count,
the history and the emails after the commit."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from parcours.appointments import slots as slot_rules
from parcours.appointments.enums import AppointmentNeed
from parcours.appointments.errors import AppointmentError, LimitReached, NotAllowed, SlotUnavailable
from parcours.appointments.models import (
    Appointment,
    AppointmentEvent,
    AppointmentType,
    WaitingListEntry,
    when_display,
)
from parcours.organisations import permissions
from parcours.organisations.models import Agent, Unit
from parcours.organisations.selectors import agent_for
from parcours.outbox.services import outbox_put
from parcours.people.models import Person

REASON_MAX_LENGTH = 1_000
NOTE_MAX_LENGTH = 5_000
DOCUMENTS_MAX = 20
DOCUMENT_LABEL_MAX_LENGTH = 200
LANGUAGE_MAX_LENGTH = 100


def agent_of_unit(by, unit: Unit) -> Agent | None:
    """The acting user's Agent record if they work at ``unit`` in the back-office. A
    helper (aidant) acts for citizens, never for the administration: not here."""
    agent = agent_for(by)
    if not permissions.uses_backoffice(agent) or agent.organisation_id != unit.organisation_id:
        return None
    return agent if agent.units.filter(pk=unit.pk).exists() else None


def check_acts_for_person(
    *, person: Person, by, agent: Agent | None, via_link: bool = False, verified_email: str = ""
) -> None:
    """An agent of the unit acts for anyone; a signed-in person for themself; without an
    account, whoever holds the signed link or typed the code sent to the address."""
    if agent is not None or via_link:
        return
    if getattr(by, "is_authenticated", False):
        if person.user_id == by.pk:
            return
        raise NotAllowed()
    if person.user_id is None and verified_email and person.email.lower() == verified_email.lower():
        return
    raise NotAllowed()


def _clean_phone(phone: str, *, required: bool) -> str:
    phone = " ".join((phone or "").split())
    if not phone:
        if required:
            raise AppointmentError(
                _("Indiquez un numéro de téléphone pour le rappel par SMS."), field="phone"
            )
        return ""
    digits = [c for c in phone if c.isdigit()]
    if len(digits) < 10 or any(not (c.isdigit() or c in " +.-()") for c in phone):
        raise AppointmentError(
            _("Ce numéro n'est pas valide : écrivez 10 chiffres, par exemple 06 12 34 56 78."),
            field="phone",
        )
    return phone


def clean_text(value: str, *, field: str, limit: int) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        raise AppointmentError(
            _(
                "Votre texte compte %(count)d caractères : raccourcissez-le à %(limit)d "
                "caractères au plus."
            )
            % {"count": len(value), "limit": limit},
            field=field,
        )
    return value


def clean_details(
    *,
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
    email_required: bool = True,
) -> dict:
    """Check what the person says about their appointment; return it cleaned."""
    reason = clean_text(reason, field="reason", limit=REASON_MAX_LENGTH)
    if not reason:
        raise AppointmentError(
            _("Dites-nous en quelques mots l'objet de votre rendez-vous."), field="reason"
        )
    needs = list(dict.fromkeys(needs or []))
    if set(needs) - set(AppointmentNeed.values):
        raise AppointmentError(_("Choisissez parmi les besoins proposés."), field="needs")
    interpreter_language = clean_text(
        interpreter_language, field="interpreter_language", limit=LANGUAGE_MAX_LENGTH
    )
    if AppointmentNeed.INTERPRETER in needs and not interpreter_language:
        raise AppointmentError(
            _("Indiquez la langue dans laquelle l'interprète doit vous parler."),
            field="interpreter_language",
        )
    if AppointmentNeed.INTERPRETER not in needs:
        interpreter_language = ""
    documents = [str(d).strip() for d in documents or [] if str(d).strip()]
    if len(documents) > DOCUMENTS_MAX or any(len(d) > DOCUMENT_LABEL_MAX_LENGTH for d in documents):
        raise AppointmentError(_("Choisissez parmi les pièces proposées."), field="documents")
    email = (email or "").strip().lower()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise AppointmentError(
                _(
                    "Écrivez une adresse électronique complète, avec un @, par exemple "
                    "nom@exemple.fr."
                ),
                field="email",
            ) from None
    elif email_required:
        raise AppointmentError(
            _("Indiquez votre adresse électronique : nous y envoyons la confirmation."),
            field="email",
        )
    return {
        "reason": reason,
        "needs": needs,
        "interpreter_language": interpreter_language,
        "accessibility_note": clean_text(
            accessibility_note, field="accessibility_note", limit=REASON_MAX_LENGTH
        ),
        "documents": list(dict.fromkeys(documents)),
        "documents_note": clean_text(
            documents_note, field="documents_note", limit=REASON_MAX_LENGTH
        ),
        "email": email,
        "phone": _clean_phone(phone, required=bool(remind_by_sms)),
        "remind_by_email": bool(remind_by_email and email),
        "remind_by_sms": bool(remind_by_sms),
    }


def lock_people(person: Person, email: str) -> None:
    """One booking at a time per person: their record and any other record of the same
    administration with the same address (bookings without an account)."""
    same = models.Q(pk=person.pk)
    if email:
        same |= models.Q(organisation_id=person.organisation_id, email__iexact=email)
    list(Person.objects.select_for_update().filter(same).order_by("pk").values_list("pk"))


def check_limits(
    *,
    appointment_type: AppointmentType,
    person: Person,
    email: str,
    now: datetime.datetime,
    for_someone_else: bool,
    exclude: Appointment | None = None,
) -> None:
    """Nobody holds more upcoming appointments than allowed: for one procedure (or one
    type without procedure), and in all at one administration."""
    mine = models.Q(person=person)
    if email:
        mine |= models.Q(email__iexact=email)
    upcoming = (
        Appointment.objects.filter(organisation_id=appointment_type.organisation_id)
        .upcoming(now)
        .filter(mine)
    )
    if exclude is not None:
        upcoming = upcoming.exclude(pk=exclude.pk)
    if appointment_type.procedure_id:
        same = upcoming.filter(procedure_id=appointment_type.procedure_id)
    else:
        same = upcoming.filter(appointment_type=appointment_type)
    limit = appointment_type.max_upcoming_per_person
    held = list(same.order_by("starts_at")[:limit])
    if len(held) >= limit:
        first = when_display(held[0].starts_at, appointment_type.timezone)
        if for_someone_else:
            message = ngettext(
                "Cette personne a déjà un rendez-vous à venir pour cette démarche, le "
                "%(date)s : déplacez-le plutôt que d'en prendre un autre.",
                "Cette personne a déjà %(count)d rendez-vous à venir pour cette démarche, "
                "le premier le %(date)s : déplacez-en un plutôt que d'en prendre un autre.",
                limit,
            )
        else:
            message = ngettext(
                "Vous avez déjà un rendez-vous à venir pour cette démarche, le %(date)s. "
                "Pour changer de moment, déplacez-le : pour que chacun trouve un créneau, "
                "une même personne ne peut en retenir plusieurs.",
                "Vous avez déjà %(count)d rendez-vous à venir pour cette démarche, le "
                "premier le %(date)s. Pour changer de moment, déplacez-en un : pour que "
                "chacun trouve un créneau, une même personne ne peut en retenir plus.",
                limit,
            )
        raise LimitReached(message % {"count": limit, "date": first}, field="slot")
    overall = settings.PARCOURS_APPOINTMENTS_MAX_UPCOMING
    if upcoming.count() >= overall:
        message = (
            _(
                "Cette personne a déjà %(count)d rendez-vous à venir auprès de cette "
                "administration : c'est le maximum. Annulez-en un pour en prendre un autre."
            )
            if for_someone_else
            else _(
                "Vous avez déjà %(count)d rendez-vous à venir auprès de cette administration : "
                "c'est le maximum, pour que chacun trouve un créneau. Annulez-en un pour en "
                "prendre un autre."
            )
        )
        raise LimitReached(message % {"count": overall}, field="slot")


def lock_type(appointment_type: AppointmentType) -> AppointmentType:
    return (
        AppointmentType.objects.select_for_update(of=("self",))
        .select_related("unit", "procedure")
        .get(pk=appointment_type.pk)
    )


def free_seat(
    appointment_type: AppointmentType,
    slot: slot_rules.Slot,
    *,
    now: datetime.datetime,
    exclude: Appointment | None = None,
    offer: WaitingListEntry | None = None,
) -> int:
    """A seat of the slot nobody holds, counting the seats held by offers to the waiting
    list (except ``offer``, which is being taken). Call with the type's row locked."""
    holders = (
        Appointment.objects.filter(appointment_type=appointment_type)
        .holding_seats()
        .overlapping(slot.starts_at, slot.ends_at)
    )
    if exclude is not None:
        holders = holders.exclude(pk=exclude.pk)
    seats = set(holders.values_list("seat", flat=True))
    offers = (
        WaitingListEntry.objects.filter(appointment_type=appointment_type)
        .holding(now)
        .filter(
            offered_starts_at__lt=slot.ends_at,
            offered_starts_at__gt=slot.starts_at - appointment_type.duration,
        )
    )
    if offer is not None:
        offers = offers.exclude(pk=offer.pk)
    if holders.count() + offers.count() >= appointment_type.capacity:
        raise SlotUnavailable()
    seat = 1
    while seat in seats:
        seat += 1
    return seat


def find_open_slot(appointment_type, starts_at, *, now, by_agent) -> slot_rules.Slot:
    slot = slot_rules.find_slot(appointment_type, starts_at, now=now, by_agent=by_agent)
    if slot is None:
        raise AppointmentError(
            _(
                "Ce créneau n'est pas ouvert à la réservation : choisissez l'un des créneaux "
                "proposés."
            ),
            field="slot",
        )
    return slot


def record(appointment: Appointment, kind: str, *, by=None, note: str = "", data=None):
    return AppointmentEvent.objects.create(
        organisation_id=appointment.organisation_id,
        appointment=appointment,
        kind=kind,
        actor=by if getattr(by, "is_authenticated", False) else None,
        note=note,
        data=data or {},
    )


def notify(appointment: Appointment, kind: str, **extra) -> None:
    """Record the email in the outbox, in the transaction of the change. Each change
    bumps the calendar sequence, which tells two moves of one appointment apart."""
    from parcours.appointments.outgoing import appointment_email

    outbox_put(
        handler=appointment_email,
        key=f"appointment:{appointment.pk}:{kind}:{appointment.ics_sequence}",
        appointment_id=appointment.pk,
        kind=kind,
        **extra,
    )


def lock_appointment(appointment: Appointment) -> Appointment:
    return (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("appointment_type__unit", "unit", "person")
        .get(pk=appointment.pk)
    )
