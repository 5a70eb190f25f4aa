"""At the unit, on the day: arrival, absence, notes, who receives the person."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parcours.appointments.enums import (
    AppointmentEventKind,
    AppointmentStatus,
)
from parcours.appointments.errors import AppointmentError, NotAllowed
from parcours.appointments.models import (
    Appointment,
    AppointmentEvent,
)
from parcours.cases.enums import EventKind
from parcours.cases.models import CaseEvent
from parcours.organisations.models import Agent

from .common import (
    NOTE_MAX_LENGTH,
    agent_of_unit,
    clean_text,
    lock_appointment,
    record,
)


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
        appointment = lock_appointment(appointment)
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
        record(appointment, AppointmentEventKind.CHECKED_IN, by=by)
    return appointment


def appointment_mark_no_show(
    *, appointment: Appointment, by, now: datetime.datetime | None = None
) -> Appointment:
    """The person did not come. Their seat stays held: the time has passed."""
    now = now or timezone.now()
    _require_agent(by, appointment)
    with transaction.atomic():
        appointment = lock_appointment(appointment)
        if appointment.status != AppointmentStatus.BOOKED:
            raise AppointmentError(_("Seul un rendez-vous réservé peut être noté comme manqué."))
        if now < appointment.starts_at:
            raise AppointmentError(_("Attendez l'heure du rendez-vous pour noter une absence."))
        appointment.status = AppointmentStatus.NO_SHOW
        appointment.save()
        record(appointment, AppointmentEventKind.NO_SHOW, by=by)
    return appointment


def appointment_add_note(*, appointment: Appointment, by, text: str) -> AppointmentEvent:
    """An agent's note: it stays in the person's appointment history and, when the
    appointment is about a case, joins the case's history as an internal note."""
    _require_agent(by, appointment)
    text = clean_text(text, field="note", limit=NOTE_MAX_LENGTH)
    if not text:
        raise AppointmentError(_("Écrivez la note avant de l'enregistrer."), field="note")
    with transaction.atomic():
        event = record(appointment, AppointmentEventKind.NOTE, by=by, note=text)
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
        appointment = lock_appointment(appointment)
        appointment.agent = agent
        appointment.save(update_fields=["agent", "updated_at"])
        record(
            appointment,
            AppointmentEventKind.ASSIGNED,
            by=by,
            data={"agent": agent.pk if agent else None},
        )
    return appointment
