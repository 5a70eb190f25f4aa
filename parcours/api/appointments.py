"""Appointments in the API v1: free slots, booking for a person, reading and cancelling
an appointment. The rules are those of ``parcours.appointments`` (its selectors and
services), as in the back-office pages of ``backoffice/views/appointments.py``:

* the free slots of any active unit of the agent's organisation, as an agent sees them
  (from now, beyond the online window);
* booking, reading and cancelling within the units whose queue the agent works
  (``selectors.backoffice_appointments``): any other appointment answers 404.

Mounted under ``/appointments`` by ``api``; failures have the shape of ``errors``.
"""

import datetime
from http import HTTPStatus

from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from parcours.appointments import selectors, services
from parcours.appointments.enums import AppointmentStatus
from parcours.appointments.errors import AppointmentError, LimitReached, NotAllowed, SlotUnavailable
from parcours.appointments.models import Appointment, AppointmentType
from parcours.lib.local_time import local_datetime
from parcours.organisations import permissions
from parcours.organisations.models import Unit

from .errors import ApiError, ErrorOut, not_found
from .journal import journal_api_access
from .schemas import (
    AppointmentCancelIn,
    AppointmentIn,
    AppointmentOut,
    AvailabilityFilters,
    AvailabilityOut,
)

# Days of slots one request may ask for.
AVAILABILITY_MAX_DAYS = 31

FAILURES = {
    HTTPStatus.UNAUTHORIZED: ErrorOut,
    HTTPStatus.FORBIDDEN: ErrorOut,
    HTTPStatus.NOT_FOUND: ErrorOut,
    HTTPStatus.UNPROCESSABLE_ENTITY: ErrorOut,
    HTTPStatus.TOO_MANY_REQUESTS: ErrorOut,
}
# Operations that read a JSON body also answer 400 when it is not JSON.
BODY_FAILURES = {HTTPStatus.BAD_REQUEST: ErrorOut, **FAILURES}

# The services name their inputs as the pages do; the API's are these.
FIELDS = {"slot": "starts_at", "appointment_type": "type"}

router = Router()


def appointment_error(error: AppointmentError) -> ApiError:
    """A broken rule of appointments: 409 when the slot is taken or the person holds
    enough appointments, 403 when the agent may not act, 422 when one input is at
    fault (named), 409 when the appointment's state forbids it."""
    if isinstance(error, SlotUnavailable):
        return ApiError(HTTPStatus.CONFLICT, "slot_taken", error.message, field="starts_at")
    if isinstance(error, LimitReached):
        return ApiError(HTTPStatus.CONFLICT, "limit_reached", error.message, field="person")
    if isinstance(error, NotAllowed):
        return ApiError(HTTPStatus.FORBIDDEN, "forbidden", error.message)
    if error.field:
        field = FIELDS.get(error.field, error.field)
        return ApiError(HTTPStatus.UNPROCESSABLE_ENTITY, "invalid", error.message, field=field)
    return ApiError(HTTPStatus.CONFLICT, "conflict", error.message)


def invalid(field: str, message: str) -> ApiError:
    return ApiError(HTTPStatus.UNPROCESSABLE_ENTITY, "invalid", message, field=field)


def type_out(appointment_type: AppointmentType) -> dict:
    procedure = appointment_type.procedure
    return {
        "id": appointment_type.pk,
        "name": appointment_type.name,
        "mode": appointment_type.mode,
        "duration_minutes": appointment_type.duration_minutes,
        "capacity": appointment_type.capacity,
        "procedure": {"code": procedure.code, "title": procedure.title} if procedure else None,
    }


def appointment_of(request: HttpRequest, pk: int) -> Appointment:
    """An appointment the agent may open in the back-office; 404 for any other."""
    appointment = selectors.appointment_for_agent(request.agent, pk).first()
    if appointment is None:
        raise not_found()
    if appointment.person is not None:
        journal_api_access(request, appointment.person, case=appointment.case, obj=appointment)
    return appointment


def appointment_detail(appointment: Appointment, *, person_recorded: bool = False) -> dict:
    person, agent = appointment.person, appointment.agent
    return {
        "id": appointment.pk,
        "type": type_out(appointment.appointment_type),
        "unit": {"slug": appointment.unit.slug, "name": appointment.unit.name},
        "person": {
            "id": person.pk,
            "name": person.full_name,
            "email": person.email,
            "phone": person.phone,
        },
        "person_recorded": person_recorded,
        "case": appointment.case.reference if appointment.case else None,
        "starts_at": appointment.local_starts_at,
        "ends_at": appointment.local_ends_at,
        "status": appointment.status,
        "status_label": str(AppointmentStatus(appointment.status).label),
        "channel": appointment.channel,
        "reason": appointment.reason,
        "needs": appointment.needs,
        "interpreter_language": appointment.interpreter_language,
        "accessibility_note": appointment.accessibility_note,
        "documents": appointment.documents,
        "documents_note": appointment.documents_note,
        "email": appointment.email,
        "phone": appointment.phone,
        "remind_by_email": appointment.remind_by_email,
        "remind_by_sms": appointment.remind_by_sms,
        "agent": {"id": agent.pk, "name": agent.display_name} if agent else None,
        "cancelled_at": appointment.cancelled_at,
        "cancelled_by": appointment.cancelled_by,
        "cancel_reason": appointment.cancel_reason,
        "events": [
            {
                "kind": event.kind,
                "actor": event.actor.get_full_name() if event.actor else "",
                "note": event.note,
                "data": event.data,
                "created_at": event.created_at,
            }
            for event in appointment.events.all()
        ],
    }


@router.get(
    "/availability",
    response={200: AvailabilityOut, **FAILURES},
    summary="The free slots of an appointment type",
    operation_id="appointment_availability",
)
def appointment_availability(request, filters: Query[AvailabilityFilters]):
    """The free slots of a type of a unit of my organisation, day by day from ``from``
    to ``to`` (the unit's dates, at most 31 days), as an agent books them: from now on,
    beyond the online window. Days without a free slot are listed, empty."""
    first_day, last_day = filters.from_, filters.to
    if last_day < first_day:
        raise invalid("to", _("Indiquez une date de fin égale ou postérieure à la date de début."))
    days = (last_day - first_day).days + 1
    if days > AVAILABILITY_MAX_DAYS:
        raise invalid(
            "to",
            _("Demandez au plus %(days)d jours de créneaux à la fois.")
            % {"days": AVAILABILITY_MAX_DAYS},
        )
    unit = Unit.objects.filter(
        organisation_id=request.agent.organisation_id, is_active=True, slug=filters.unit
    ).first()
    if unit is None:
        raise not_found(field="unit")
    appointment_type = (
        AppointmentType.objects.filter(unit=unit, is_active=True, pk=filters.type)
        .select_related("unit", "procedure")
        .first()
    )
    if appointment_type is None:
        raise not_found(field="type")
    found = selectors.days_of_slots(appointment_type, first_day=first_day, days=days, by_agent=True)
    return {
        "unit": {"slug": unit.slug, "name": unit.name},
        "type": type_out(appointment_type),
        "timezone": str(appointment_type.timezone),
        "days": [
            {
                "date": day,
                "slots": [
                    {
                        "starts_at": slot.local_starts_at,
                        "ends_at": slot.local_ends_at,
                        "free": slot.free,
                    }
                    for slot in slots
                ],
            }
            for day, slots in found
        ],
    }


def starts_at_of(payload: AppointmentIn, appointment_type: AppointmentType) -> datetime.datetime:
    """The slot's start; without an offset, read on the unit's clocks."""
    moment = payload.starts_at
    if moment.tzinfo is None:
        moment = local_datetime(moment.date(), moment.time(), appointment_type.timezone)
        if moment is None:
            raise invalid(
                "starts_at",
                _(
                    "Cette heure n'existe pas ce jour-là (changement d'heure) : choisissez-en une autre."
                ),
            )
    return moment.astimezone(datetime.UTC)


def person_of(request: HttpRequest, payload: AppointmentIn, organisation):
    """The person booked for, by id, or found or recorded from their name and an address
    or phone number, as an agent does on the back-office booking page."""
    named = bool(payload.given_name.strip() or payload.family_name.strip())
    if payload.person is not None:
        if named:
            raise invalid(
                "given_name",
                _("Indiquez la personne soit par son identifiant, soit par son nom, pas les deux."),
            )
        person = selectors.people_of_organisation(request.agent).filter(pk=payload.person).first()
        if person is None:
            raise not_found(field="person")
        return person, False
    if not named:
        raise ApiError(
            HTTPStatus.UNPROCESSABLE_ENTITY,
            "required",
            _(
                "Indiquez la personne : son identifiant (person), ou son prénom et son nom "
                "(given_name, family_name) avec son téléphone ou son adresse électronique."
            ),
            field="person",
        )
    return services.person_find_or_record(
        organisation=organisation,
        by=request.auth,
        given_name=payload.given_name,
        family_name=payload.family_name,
        phone=payload.phone,
        email=payload.email,
    )


@router.post(
    "",
    response={201: AppointmentOut, 409: ErrorOut, **BODY_FAILURES},
    summary="Book a slot for a person",
    operation_id="appointment_book",
)
def appointment_book(request, payload: AppointmentIn):
    """An agent of the unit books a free slot for a person who calls or comes to the
    counter, through the same service as the back-office: capacity and the hoarding
    limit apply (409), and the person gets the confirmation with its calendar file."""
    agent = request.agent
    appointment_type = (
        AppointmentType.objects.filter(organisation_id=agent.organisation_id, pk=payload.type)
        .select_related("unit__organisation", "procedure")
        .first()
    )
    if appointment_type is None:
        raise not_found(field="type")
    if not permissions.may_handle(agent, appointment_type.unit):
        raise ApiError(
            HTTPStatus.FORBIDDEN,
            "forbidden",
            _("Seuls les agents du service qui reçoit prennent ses rendez-vous."),
            field="type",
        )
    starts_at = starts_at_of(payload, appointment_type)
    try:
        # A person recorded for a booking that fails is not kept.
        with transaction.atomic():
            person, recorded = person_of(request, payload, appointment_type.unit.organisation)
            case = None
            if payload.case:
                case = (
                    selectors.open_cases_of(agent, person, appointment_type)
                    .filter(reference=payload.case)
                    .first()
                )
                if case is None:
                    raise invalid("case", _("Choisissez l'un des dossiers de cette démarche."))
            appointment = services.appointment_book(
                appointment_type=appointment_type,
                starts_at=starts_at,
                person=person,
                by=request.auth,
                channel=payload.channel,
                case=case,
                reason=payload.reason,
                needs=payload.needs,
                interpreter_language=payload.interpreter_language,
                accessibility_note=payload.accessibility_note,
                documents=payload.documents,
                documents_note=payload.documents_note,
                email=payload.email.strip() or person.email,
                phone=payload.phone.strip() or person.phone,
                remind_by_email=payload.remind_by_email,
                remind_by_sms=payload.remind_by_sms,
            )
    except AppointmentError as error:
        raise appointment_error(error) from None
    return Status(
        HTTPStatus.CREATED,
        appointment_detail(appointment_of(request, appointment.pk), person_recorded=recorded),
    )


@router.get(
    "/{appointment_id}",
    response={200: AppointmentOut, **FAILURES},
    summary="An appointment: the person, what they said, its history",
    operation_id="appointment_read",
)
def appointment_read(request, appointment_id: int):
    return appointment_detail(appointment_of(request, appointment_id))


@router.post(
    "/{appointment_id}/cancel",
    response={200: AppointmentOut, 409: ErrorOut, **BODY_FAILURES},
    summary="Cancel an appointment, with a reason the person is told",
    operation_id="appointment_cancel",
)
def appointment_cancel(request, appointment_id: int, payload: AppointmentCancelIn):
    """As an agent cancelling in the back-office: the person is told why by email, and
    the slot is free at once (or offered to the first person on the waiting list)."""
    appointment = appointment_of(request, appointment_id)
    try:
        services.appointment_cancel(appointment=appointment, by=request.auth, reason=payload.reason)
    except AppointmentError as error:
        raise appointment_error(error) from None
    return appointment_detail(appointment_of(request, appointment_id))
