"""Reads on appointments, with access rules built in. Web pages and API operations
call these and stay thin."""

import datetime
from itertools import groupby

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from parcours.cases.enums import CaseState
from parcours.cases.models import Case
from parcours.catalog.models import Procedure
from parcours.lib.local_time import local_datetime, territory_timezone
from parcours.organisations import permissions
from parcours.organisations.models import Agent, Unit
from parcours.people.models import Person

from . import links
from .enums import AppointmentEventKind, AppointmentStatus
from .models import Appointment, AppointmentEvent, AppointmentType, WaitingListEntry
from .slots import Slot, booking_window, slots_between

# ---------------------------------------------------------------------------
# What can be booked


def bookable_types() -> QuerySet[AppointmentType]:
    return (
        AppointmentType.objects.bookable()
        .select_related("unit__organisation", "procedure")
        .order_by("procedure__title", "mode", "unit__name", "name", "pk")
    )


def procedures_with_appointments() -> QuerySet[Procedure]:
    """Published procedures for which an appointment can be booked online."""
    return (
        Procedure.objects.published()
        .filter(appointment_types__in=AppointmentType.objects.bookable())
        .distinct()
        .order_by("title")
    )


def types_for_procedure(procedure: Procedure) -> QuerySet[AppointmentType]:
    return bookable_types().filter(procedure=procedure)


def general_types() -> QuerySet[AppointmentType]:
    """Appointments about no procedure in particular: a question, some help."""
    return bookable_types().filter(procedure__isnull=True)


def bookable_type(pk: int) -> QuerySet[AppointmentType]:
    return bookable_types().filter(pk=pk)


def days_of_slots(
    appointment_type: AppointmentType,
    *,
    first_day: datetime.date,
    days: int = 7,
    now: datetime.datetime | None = None,
    by_agent: bool = False,
) -> list[tuple[datetime.date, list[Slot]]]:
    """The free slots of ``days`` days from ``first_day``, grouped by local day; days
    with no free slot are kept, with an empty list, so pages can say so."""
    now = now or timezone.now()
    last_day = first_day + datetime.timedelta(days=days - 1)
    free = [
        slot
        for slot in slots_between(
            appointment_type, first_day=first_day, last_day=last_day, now=now, by_agent=by_agent
        )
        if slot.is_free
    ]
    by_day = {day: list(items) for day, items in groupby(free, key=lambda s: s.day)}
    return [
        (
            first_day + datetime.timedelta(days=n),
            by_day.get(first_day + datetime.timedelta(days=n), []),
        )
        for n in range(days)
    ]


def first_bookable_day(
    appointment_type: AppointmentType, *, now: datetime.datetime | None = None
) -> datetime.date:
    now = now or timezone.now()
    window = booking_window(appointment_type, now=now)
    return timezone.localtime(window.earliest, appointment_type.timezone).date()


def last_bookable_day(
    appointment_type: AppointmentType, *, now: datetime.datetime | None = None
) -> datetime.date:
    return booking_window(appointment_type, now=now or timezone.now()).last_day


def next_free_slot(
    appointment_type: AppointmentType, *, now: datetime.datetime | None = None
) -> Slot | None:
    """The first free slot in the whole booking window, if any."""
    now = now or timezone.now()
    first = first_bookable_day(appointment_type, now=now)
    last = last_bookable_day(appointment_type, now=now)
    for slot in slots_between(appointment_type, first_day=first, last_day=last, now=now):
        if slot.is_free:
            return slot
    return None


def documents_to_bring(appointment_type: AppointmentType) -> list[str]:
    """The pieces the procedure asks for, as labels the person may tick."""
    if appointment_type.procedure_id is None:
        return []
    version = appointment_type.procedure.current_version
    if version is None:
        return []
    return [
        document["label"]
        for document in version.required_documents
        if isinstance(document, dict) and document.get("label")
    ]


def cases_for_appointment(user, appointment_type: AppointmentType) -> QuerySet[Case]:
    """The signed-in person's open cases of the type's procedure, to link the
    appointment to one."""
    if not getattr(user, "is_authenticated", False) or appointment_type.procedure_id is None:
        return Case.objects.none()
    return (
        Case.objects.owned_by(user)
        .filter(procedure_id=appointment_type.procedure_id)
        .exclude(state=CaseState.DRAFT)
        .order_by("-created_at")
    )


# ---------------------------------------------------------------------------
# The person's own


def own_appointments(user) -> QuerySet[Appointment]:
    """The signed-in person's appointments, at every administration, soonest first."""
    if not getattr(user, "is_authenticated", False):
        return Appointment.objects.none()
    return (
        Appointment.objects.visible_to(user)
        .filter(person__user=user)
        .select_related("appointment_type", "unit__organisation", "procedure")
        .order_by("starts_at", "pk")
    )


def own_waiting_entries(user) -> QuerySet[WaitingListEntry]:
    if not getattr(user, "is_authenticated", False):
        return WaitingListEntry.objects.none()
    return (
        WaitingListEntry.objects.active()
        .filter(person__user=user)
        .select_related("appointment_type__unit")
        .order_by("created_at")
    )


def appointment_for_token(token: str) -> QuerySet[Appointment]:
    """The appointment a signed management link names (none if the link was altered)."""
    public_id = links.public_id_from_manage_token(token)
    if public_id is None:
        return Appointment.objects.none()
    return Appointment.objects.filter(public_id=public_id).select_related(
        "appointment_type__unit", "unit__organisation", "person", "procedure", "case"
    )


def offer_for_token(token: str) -> QuerySet[WaitingListEntry]:
    """The waiting-list entry an offer link names, only while that very slot is offered."""
    found = links.offer_from_token(token)
    if found is None:
        return WaitingListEntry.objects.none()
    public_id, _slot = found
    return WaitingListEntry.objects.filter(public_id=public_id).select_related(
        "appointment_type__unit__organisation", "person"
    )


def waiting_entry_for_token(token: str) -> QuerySet[WaitingListEntry]:
    public_id = links.public_id_from_waiting_token(token)
    if public_id is None:
        return WaitingListEntry.objects.none()
    return WaitingListEntry.objects.filter(public_id=public_id).select_related(
        "appointment_type__unit__organisation", "person"
    )


def is_own(user, appointment: Appointment) -> bool:
    return getattr(user, "is_authenticated", False) and appointment.person.user_id == user.pk


# ---------------------------------------------------------------------------
# The agents' day and week


def backoffice_appointments(agent: Agent | None) -> QuerySet[Appointment]:
    """The appointments an agent works with in the back-office: those of the units whose
    queue they work (``parcours.organisations.permissions``)."""
    return Appointment.objects.filter(unit__in=permissions.handled_units(agent))


def unit_appointments(
    agent: Agent, *, unit: Unit, first_day: datetime.date, last_day: datetime.date, of_agent=None
) -> QuerySet[Appointment]:
    """A unit's appointments from ``first_day`` to ``last_day`` (the unit's local dates),
    cancelled ones included, if the agent works at the unit; ``of_agent`` keeps those
    one agent receives."""
    tz = territory_timezone(unit.holiday_subdivision)
    start = local_datetime(first_day, datetime.time.min, tz)
    end = local_datetime(last_day + datetime.timedelta(days=1), datetime.time.min, tz)
    found = (
        backoffice_appointments(agent)
        .filter(unit=unit, starts_at__gte=start, starts_at__lt=end)
        .select_related("appointment_type", "person", "agent__user", "procedure", "case", "unit")
        .order_by("starts_at", "seat", "pk")
    )
    if of_agent is not None:
        found = found.filter(agent=of_agent)
    return found


def appointment_for_agent(agent: Agent, pk: int) -> QuerySet[Appointment]:
    return (
        backoffice_appointments(agent)
        .filter(pk=pk)
        .select_related(
            "appointment_type", "unit__organisation", "person", "agent__user", "procedure", "case"
        )
        .prefetch_related(
            Prefetch(
                "events",
                queryset=AppointmentEvent.objects.select_related("actor").order_by(
                    "created_at", "pk"
                ),
            )
        )
    )


def person_history(agent: Agent, person: Person) -> QuerySet[Appointment]:
    """Every appointment of a person at the units the agent works at, newest first, with
    the agents' notes: the history an agent reads before receiving them."""
    return (
        backoffice_appointments(agent)
        .filter(person=person)
        .select_related("appointment_type", "unit", "case")
        .prefetch_related(
            Prefetch(
                "events",
                queryset=AppointmentEvent.objects.filter(kind=AppointmentEventKind.NOTE)
                .select_related("actor")
                .order_by("created_at", "pk"),
                to_attr="notes",
            )
        )
        .order_by("-starts_at", "-pk")
    )


def people_of_organisation(agent: Agent | None) -> QuerySet[Person]:
    """The people an agent may book for: those of their administration."""
    if not permissions.uses_backoffice(agent):
        return Person.objects.none()
    return Person.objects.filter(organisation_id=agent.organisation_id)


def open_cases_of(
    agent: Agent, person: Person, appointment_type: AppointmentType
) -> QuerySet[Case]:
    """The person's cases of the type's procedure that the agent may open, to link the
    appointment to one."""
    from parcours.cases.queue import backoffice_cases

    if appointment_type.procedure_id is None:
        return Case.objects.none()
    return (
        backoffice_cases(agent)
        .filter(person=person, procedure_id=appointment_type.procedure_id)
        .select_related("procedure")
        .order_by("-created_at")
    )


def people_to_book_for(agent: Agent, query: str) -> QuerySet[Person]:
    """People of the agent's administration whose name, address or phone matches."""
    query = " ".join((query or "").split())[:100]
    if not query:
        return Person.objects.none()
    found = people_of_organisation(agent)
    for word in query.split():
        found = found.filter(
            Q(given_name__icontains=word)
            | Q(family_name__icontains=word)
            | Q(usual_name__icontains=word)
            | Q(email__icontains=word)
            | Q(phone__icontains=word)
        )
    return found.order_by("family_name", "given_name", "pk")[:20]


def day_counts(appointments) -> dict[str, int]:
    counts = dict.fromkeys(AppointmentStatus.values, 0)
    for appointment in appointments:
        counts[appointment.status] += 1
    return counts
