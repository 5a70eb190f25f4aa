"""Writes on appointments: book, move, cancel; the agents' check-in, no-show and notes;
exceptional closures; the waiting list; the email code of bookings without an account.

Fairness rules live here, and only here:

* **No double booking.** A booking locks the appointment type's row, counts the seats
  held in the slot and takes a free one; the unique constraint on (type, start, seat)
  refuses a second holder even if a lock were missing (SQLite serialises writers).
* **No hoarding.** A booking locks the person's records and counts their upcoming
  appointments, for this procedure and in all, before booking.
* **Freed slots are offered in order.** A cancelled or moved slot goes first to the
  oldest waiting-list entry it suits, held for a limited time; otherwise it is free at
  once for everyone.

Locks are always taken in the same order (people, then appointment types, then
appointments and waiting-list entries), so concurrent writes never deadlock. Emails
are queued after the commit. An API operation calls these functions as they are.
"""

import datetime
import secrets
from collections import defaultdict

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from parcours.cases.enums import EventKind
from parcours.cases.models import Case, CaseEvent
from parcours.organisations.enums import AgentRole
from parcours.organisations.models import Agent, Organisation, Unit
from parcours.organisations.selectors import agent_for
from parcours.people.models import Person

from . import slots as slot_rules
from .enums import (
    ACTIVE_WAITING_STATUSES,
    AppointmentEventKind,
    AppointmentNeed,
    AppointmentStatus,
    BookingChannel,
    CancelledBy,
    WaitingStatus,
)
from .errors import AppointmentError, LimitReached, NotAllowed, SlotUnavailable
from .models import (
    Appointment,
    AppointmentEvent,
    AppointmentReminder,
    AppointmentType,
    Closure,
    EmailCode,
    WaitingListEntry,
    when_display,
)

REASON_MAX_LENGTH = 1_000
NOTE_MAX_LENGTH = 5_000
DOCUMENTS_MAX = 20
DOCUMENT_LABEL_MAX_LENGTH = 200
LANGUAGE_MAX_LENGTH = 100
# An offer shorter than this is not worth sending: nobody could answer in time.
MIN_OFFER_MINUTES = 15
EMAIL_CODE_SALT = "parcours.appointments.email_code"
EMAIL_CODE_MAX_ATTEMPTS = 5
RATE_LIMIT_WINDOW = 3600


# ---------------------------------------------------------------------------
# Who acts


def agent_of_unit(by, unit: Unit) -> Agent | None:
    """The acting user's Agent record if they are an active agent of ``unit``."""
    agent = agent_for(by)
    if agent is None or agent.organisation_id != unit.organisation_id:
        return None
    return agent if agent.units.filter(pk=unit.pk).exists() else None


def _check_acts_for_person(
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


# ---------------------------------------------------------------------------
# What the person says


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


def _clean_text(value: str, *, field: str, limit: int) -> str:
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
    reason = _clean_text(reason, field="reason", limit=REASON_MAX_LENGTH)
    if not reason:
        raise AppointmentError(
            _("Dites-nous en quelques mots l'objet de votre rendez-vous."), field="reason"
        )
    needs = list(dict.fromkeys(needs or []))
    if set(needs) - set(AppointmentNeed.values):
        raise AppointmentError(_("Choisissez parmi les besoins proposés."), field="needs")
    interpreter_language = _clean_text(
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
        "accessibility_note": _clean_text(
            accessibility_note, field="accessibility_note", limit=REASON_MAX_LENGTH
        ),
        "documents": list(dict.fromkeys(documents)),
        "documents_note": _clean_text(
            documents_note, field="documents_note", limit=REASON_MAX_LENGTH
        ),
        "email": email,
        "phone": _clean_phone(phone, required=bool(remind_by_sms)),
        "remind_by_email": bool(remind_by_email and email),
        "remind_by_sms": bool(remind_by_sms),
    }


# ---------------------------------------------------------------------------
# Booking


def _lock_people(person: Person, email: str) -> None:
    """One booking at a time per person: their record and any other record of the same
    administration with the same address (bookings without an account)."""
    same = models.Q(pk=person.pk)
    if email:
        same |= models.Q(organisation_id=person.organisation_id, email__iexact=email)
    list(Person.objects.select_for_update().filter(same).order_by("pk").values_list("pk"))


def _check_limits(
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


def _lock_type(appointment_type: AppointmentType) -> AppointmentType:
    return (
        AppointmentType.objects.select_for_update(of=("self",))
        .select_related("unit", "procedure")
        .get(pk=appointment_type.pk)
    )


def _free_seat(
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


def _find_slot(appointment_type, starts_at, *, now, by_agent) -> slot_rules.Slot:
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


def _record(appointment: Appointment, kind: str, *, by=None, note: str = "", data=None):
    return AppointmentEvent.objects.create(
        organisation_id=appointment.organisation_id,
        appointment=appointment,
        kind=kind,
        actor=by if getattr(by, "is_authenticated", False) else None,
        note=note,
        data=data or {},
    )


def _notify(appointment: Appointment, kind: str, **extra) -> None:
    from .tasks import send_appointment_email

    appointment_id = appointment.pk
    transaction.on_commit(
        lambda: send_appointment_email.enqueue(appointment_id=appointment_id, kind=kind, **extra)
    )


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
    _check_acts_for_person(
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
        _lock_people(person, details["email"])
        appointment_type = _lock_type(appointment_type)
        if not (appointment_type.is_active and appointment_type.unit.is_active):
            raise AppointmentError(
                _("Ce rendez-vous n'est plus proposé : choisissez-en un autre."),
                field="appointment_type",
            )
        if via_offer:
            waiting_entry = _check_offer(waiting_entry, starts_at=starts_at, now=now)
        _check_limits(
            appointment_type=appointment_type,
            person=person,
            email=details["email"],
            now=now,
            for_someone_else=agent is not None,
        )
        # An offer was valid when sent: the booking window's notice does not apply to it.
        slot = _find_slot(
            appointment_type, starts_at, now=now, by_agent=agent is not None or via_offer
        )
        seat = _free_seat(appointment_type, slot, now=now, offer=waiting_entry)
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
        _record(
            appointment,
            AppointmentEventKind.BOOKED,
            by=by,
            data={"starts_at": slot.starts_at.isoformat(), "channel": channel},
        )
        WaitingListEntry.objects.filter(
            appointment_type=appointment_type, person=person, status__in=ACTIVE_WAITING_STATUSES
        ).update(status=WaitingStatus.BOOKED, appointment=appointment, updated_at=now)
        _notify(appointment, "booked")
    return appointment


def _lock_appointment(appointment: Appointment) -> Appointment:
    return (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("appointment_type__unit", "unit", "person")
        .get(pk=appointment.pk)
    )


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
    _check_acts_for_person(person=appointment.person, by=by, agent=agent, via_link=via_link)
    with transaction.atomic():
        appointment_type = _lock_type(appointment.appointment_type)
        appointment = _lock_appointment(appointment)
        _check_changeable(appointment, agent=agent, now=now, action="move")
        slot = _find_slot(appointment_type, starts_at, now=now, by_agent=agent is not None)
        if slot.starts_at == appointment.starts_at:
            raise AppointmentError(
                _("C'est déjà l'heure de votre rendez-vous : choisissez un autre créneau."),
                field="slot",
            )
        seat = _free_seat(appointment_type, slot, now=now, exclude=appointment)
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
        _record(
            appointment,
            AppointmentEventKind.MOVED,
            by=by,
            data={"from": previous.isoformat(), "to": slot.starts_at.isoformat()},
        )
        _offer_freed_slot(appointment_type=appointment_type, starts_at=previous, now=now)
        _notify(appointment, "moved", previous_starts_at=previous.isoformat())
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
    _check_acts_for_person(person=appointment.person, by=by, agent=agent, via_link=via_link)
    reason = _clean_text(reason, field="reason", limit=REASON_MAX_LENGTH)
    if agent is not None and not reason:
        raise AppointmentError(
            _("Indiquez le motif de l'annulation : il est dit à la personne."), field="reason"
        )
    with transaction.atomic():
        appointment_type = _lock_type(appointment.appointment_type)
        appointment = _lock_appointment(appointment)
        _check_changeable(appointment, agent=agent, now=now, action="cancel")
        _cancel(
            appointment,
            by=by,
            cancelled_by=CancelledBy.SERVICE if agent is not None else CancelledBy.PERSON,
            reason=reason,
            now=now,
        )
        _offer_freed_slot(
            appointment_type=appointment_type, starts_at=appointment.starts_at, now=now
        )
    return appointment


def _cancel(appointment: Appointment, *, by, cancelled_by: str, reason: str, now) -> None:
    appointment.status = AppointmentStatus.CANCELLED
    appointment.cancelled_at = now
    appointment.cancelled_by = cancelled_by
    appointment.cancel_reason = reason
    appointment.ics_sequence += 1
    appointment.save()
    _record(
        appointment,
        AppointmentEventKind.CANCELLED,
        by=by,
        note=reason,
        data={"cancelled_by": cancelled_by},
    )
    _notify(appointment, "cancelled")


# ---------------------------------------------------------------------------
# At the unit: arrival, absence, notes


def _require_agent(by, appointment: Appointment) -> Agent:
    agent = agent_of_unit(by, appointment.unit)
    if agent is None:
        raise NotAllowed(_("Seuls les agents du service peuvent faire cela."))
    return agent


def appointment_check_in(
    *, appointment: Appointment, by, now: datetime.datetime | None = None
) -> Appointment:
    """The person has arrived (or, by phone or video, the call has started)."""
    now = now or timezone.now()
    _require_agent(by, appointment)
    with transaction.atomic():
        appointment = _lock_appointment(appointment)
        if appointment.status not in (AppointmentStatus.BOOKED, AppointmentStatus.NO_SHOW):
            raise AppointmentError(
                _("Ce rendez-vous est %(status)s : l'arrivée ne peut pas être enregistrée.")
                % {"status": appointment.get_status_display().lower()}
            )
        today = timezone.localtime(now, appointment.timezone).date()
        if appointment.local_starts_at.date() != today:
            raise AppointmentError(_("L'arrivée s'enregistre le jour du rendez-vous."))
        appointment.status = AppointmentStatus.CHECKED_IN
        appointment.checked_in_at = now
        appointment.save()
        _record(appointment, AppointmentEventKind.CHECKED_IN, by=by)
    return appointment


def appointment_mark_no_show(
    *, appointment: Appointment, by, now: datetime.datetime | None = None
) -> Appointment:
    """The person did not come. Their seat stays held: the time has passed."""
    now = now or timezone.now()
    _require_agent(by, appointment)
    with transaction.atomic():
        appointment = _lock_appointment(appointment)
        if appointment.status != AppointmentStatus.BOOKED:
            raise AppointmentError(_("Seul un rendez-vous réservé peut être noté comme manqué."))
        if now < appointment.starts_at:
            raise AppointmentError(_("Attendez l'heure du rendez-vous pour noter une absence."))
        appointment.status = AppointmentStatus.NO_SHOW
        appointment.save()
        _record(appointment, AppointmentEventKind.NO_SHOW, by=by)
    return appointment


def appointment_add_note(*, appointment: Appointment, by, text: str) -> AppointmentEvent:
    """An agent's note: it stays in the person's appointment history and, when the
    appointment is about a case, joins the case's history as an internal note."""
    _require_agent(by, appointment)
    text = _clean_text(text, field="note", limit=NOTE_MAX_LENGTH)
    if not text:
        raise AppointmentError(_("Écrivez la note avant de l'enregistrer."), field="note")
    with transaction.atomic():
        event = _record(appointment, AppointmentEventKind.NOTE, by=by, note=text)
        if appointment.case_id:
            CaseEvent.objects.create(
                organisation_id=appointment.organisation_id,
                case_id=appointment.case_id,
                kind=EventKind.NOTE,
                actor=by,
                reason=text,
                visible_to_citizen=False,
                data={"appointment": str(appointment.public_id)},
            )
    return event


def appointment_assign(*, appointment: Appointment, agent: Agent | None, by) -> Appointment:
    """Name the agent who receives the person (or nobody in particular)."""
    _require_agent(by, appointment)
    if agent is not None and (
        not agent.is_active or not agent.units.filter(pk=appointment.unit_id).exists()
    ):
        raise AppointmentError(_("Choisissez un agent de ce service."), field="agent")
    with transaction.atomic():
        appointment = _lock_appointment(appointment)
        appointment.agent = agent
        appointment.save(update_fields=["agent", "updated_at"])
        _record(
            appointment,
            AppointmentEventKind.ASSIGNED,
            by=by,
            data={"agent": agent.pk if agent else None},
        )
    return appointment


# ---------------------------------------------------------------------------
# Exceptional closures


def may_manage_unit(by, unit: Unit) -> bool:
    if getattr(by, "is_superuser", False):
        return True
    agent = agent_for(by)
    if agent is None or agent.organisation_id != unit.organisation_id:
        return False
    if agent.role == AgentRole.ORGANISATION_ADMIN:
        return True
    return agent.role == AgentRole.UNIT_MANAGER and agent.units.filter(pk=unit.pk).exists()


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
    reason = _clean_text(reason, field="reason", limit=300)
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
            _cancel(appointment, by=by, cancelled_by=CancelledBy.CLOSURE, reason=reason, now=now)
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


# ---------------------------------------------------------------------------
# Waiting list


def _notify_entry(entry: WaitingListEntry, kind: str) -> None:
    from .tasks import send_waiting_list_email

    entry_id = entry.pk
    transaction.on_commit(lambda: send_waiting_list_email.enqueue(entry_id=entry_id, kind=kind))


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
    _check_acts_for_person(person=person, by=by, agent=agent, verified_email=verified_email)
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
        _lock_people(person, details["email"])
        appointment_type = _lock_type(appointment_type)
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
        _check_limits(
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
    _check_acts_for_person(person=entry.person, by=by, agent=agent, via_link=via_link)
    with transaction.atomic():
        appointment_type = _lock_type(entry.appointment_type)
        entry = WaitingListEntry.objects.select_for_update().get(pk=entry.pk)
        if not entry.is_active:
            return entry
        offered = entry.offered_starts_at if entry.status == WaitingStatus.OFFERED else None
        entry.status = WaitingStatus.LEFT
        entry.offered_starts_at = entry.offer_expires_at = None
        entry.save()
        if offered is not None:
            _offer_freed_slot(
                appointment_type=appointment_type, starts_at=offered, now=now, skip=[entry.pk]
            )
    return entry


def _offer_freed_slot(
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


def _check_offer(
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
        appointment_type = _lock_type(entry.appointment_type)
        entry = WaitingListEntry.objects.select_for_update().get(pk=entry.pk)
        if entry.status != WaitingStatus.OFFERED:
            return entry
        offered = entry.offered_starts_at
        entry.status = WaitingStatus.WAITING
        entry.offered_starts_at = entry.offer_expires_at = None
        entry.save()
        _offer_freed_slot(
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
            appointment_type = _lock_type(AppointmentType(pk=type_pk))
            entry = WaitingListEntry.objects.select_for_update().get(pk=entry_pk)
            if entry.status != WaitingStatus.OFFERED or entry.offer_expires_at > now:
                continue
            offered = entry.offered_starts_at
            entry.status = WaitingStatus.EXPIRED
            entry.save()
            expired += 1
            _offer_freed_slot(
                appointment_type=appointment_type, starts_at=offered, now=now, skip=[entry.pk]
            )
    return expired


# ---------------------------------------------------------------------------
# Reminders


def send_due_reminders(*, now: datetime.datetime | None = None, limit: int = 1_000) -> int:
    """Queue the reminders that are due. For each appointment, only the closest reminder
    due is sent (the others are recorded as replaced), and none that falls before the
    booking or the last move: the confirmation has just said it all. Idempotent: the
    unique constraint on reminders keeps two runs from sending twice."""
    from .tasks import send_appointment_email

    now = now or timezone.now()
    types_by_hours = defaultdict(list)
    for type_pk, hours in AppointmentType.objects.values_list("pk", "reminder_hours"):
        for value in hours or []:
            types_by_hours[value].append(type_pk)
    due = defaultdict(list)
    for hours, type_pks in types_by_hours.items():
        delay = datetime.timedelta(hours=hours)
        sent = AppointmentReminder.objects.filter(
            appointment=models.OuterRef("pk"),
            starts_at=models.OuterRef("starts_at"),
            hours_before=hours,
        )
        found = (
            Appointment.objects.filter(
                appointment_type_id__in=type_pks,
                status=AppointmentStatus.BOOKED,
                remind_by_email=True,
                starts_at__gt=now,
                starts_at__lte=now + delay,
            )
            .filter(starts_at__gt=models.F("scheduled_at") + delay)
            .exclude(email="")
            .exclude(models.Exists(sent))
            .order_by("starts_at", "pk")
            .values_list("pk", "organisation_id", "starts_at")[:limit]
        )
        for key in found:
            due[key].append(hours)
    queued = 0
    for (appointment_pk, organisation_pk, starts_at), hours_list in due.items():
        closest = min(hours_list)
        try:
            with transaction.atomic():
                AppointmentReminder.objects.bulk_create(
                    AppointmentReminder(
                        organisation_id=organisation_pk,
                        appointment_id=appointment_pk,
                        starts_at=starts_at,
                        hours_before=hours,
                        sent=hours == closest,
                    )
                    for hours in hours_list
                )
                transaction.on_commit(
                    lambda pk=appointment_pk: send_appointment_email.enqueue(
                        appointment_id=pk, kind="reminder"
                    )
                )
        except IntegrityError:
            continue  # another run got there first
        queued += 1
    return queued


# ---------------------------------------------------------------------------
# Booking without an account: a code sent by email


class TooManyCodes(AppointmentError):
    pass


def _count_or_refuse(what: str) -> None:
    key = f"appointments:email-code:{what}"
    cache.add(key, 0, RATE_LIMIT_WINDOW)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, RATE_LIMIT_WINDOW)
        count = 1
    if count > settings.PARCOURS_MAGIC_LINK_MAX_PER_HOUR:
        raise TooManyCodes(
            _("Trop de codes demandés en une heure. Réessayez plus tard, ou appelez le service."),
            field="email",
        )


def _code_hash(code_id: int, email: str, code: str) -> str:
    return salted_hmac(EMAIL_CODE_SALT, f"{code_id}|{email}|{code}").hexdigest()


def email_code_send(*, email: str, client: str, now: datetime.datetime | None = None) -> EmailCode:
    """Send a six-digit code to ``email``; valid a quarter of an hour, five tries."""
    now = now or timezone.now()
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise AppointmentError(
            _("Écrivez une adresse électronique complète, avec un @, par exemple nom@exemple.fr."),
            field="email",
        ) from None
    _count_or_refuse(f"email:{email}")
    _count_or_refuse(f"client:{client}")
    code = f"{secrets.randbelow(1_000_000):06d}"
    with transaction.atomic():
        record = EmailCode.objects.create(
            email=email,
            code_hash="",
            expires_at=now + datetime.timedelta(seconds=settings.PARCOURS_MAGIC_LINK_MAX_AGE),
        )
        record.code_hash = _code_hash(record.pk, email, code)
        record.save(update_fields=["code_hash"])
        from .tasks import send_email_code

        language = get_language() or settings.LANGUAGE_CODE
        transaction.on_commit(
            lambda: send_email_code.enqueue(email=email, code=code, language=language)
        )
    return record


def email_code_verify(
    *, code_id: int, email: str, code: str, now: datetime.datetime | None = None
) -> EmailCode:
    """Check the code typed back. Raises ``AppointmentError`` when it is wrong, too old
    or tried too often."""
    now = now or timezone.now()
    email = (email or "").strip().lower()
    code = "".join((code or "").split())
    with transaction.atomic():
        record = EmailCode.objects.select_for_update().filter(pk=code_id, email=email).first()
        if record is None or record.expires_at <= now or record.verified_at is not None:
            raise AppointmentError(
                _("Ce code n'est plus valable : demandez-en un nouveau."), field="code"
            )
        if record.attempts >= EMAIL_CODE_MAX_ATTEMPTS:
            raise AppointmentError(
                _("Trop d'essais pour ce code : demandez-en un nouveau."), field="code"
            )
        record.attempts += 1
        if not constant_time_compare(record.code_hash, _code_hash(record.pk, email, code)):
            record.save(update_fields=["attempts"])
            raise AppointmentError(
                _("Ce code ne correspond pas. Vérifiez les six chiffres reçus par courriel."),
                field="code",
            )
        record.verified_at = now
        record.save(update_fields=["attempts", "verified_at"])
    return record


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
