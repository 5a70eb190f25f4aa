"""An appointment as an iCalendar file (RFC 5545), attached to the emails and offered
for download: the person adds it to their calendar in one click.

The event keeps the same UID for the life of the appointment and a SEQUENCE that grows
with each change, so a calendar replaces the event when it is moved, and marks it
cancelled when it is cancelled.
"""

import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from .enums import AppointmentMode, AppointmentStatus
from .models import Appointment

CONTENT_TYPE = "text/calendar; charset=utf-8"


def filename(appointment: Appointment) -> str:
    return f"rendez-vous-{appointment.local_starts_at:%Y-%m-%d-%Hh%M}.ics"


def uid(appointment: Appointment) -> str:
    host = urlsplit(settings.PARCOURS_BASE_URL).hostname or "parcours.invalid"
    return f"appointment-{appointment.public_id}@{host}"


def location(appointment: Appointment) -> str:
    unit = appointment.unit
    if appointment.mode == AppointmentMode.COUNTER:
        return f"{unit.name}, {unit.street}, {unit.postcode} {unit.city}"
    if appointment.mode == AppointmentMode.PHONE:
        return _("Par téléphone : le service vous appelle")
    return _("En visioconférence")


def summary(appointment: Appointment) -> str:
    return _("Rendez-vous : %(name)s") % {"name": appointment.appointment_type.name}


def description(appointment: Appointment, manage_url: str) -> str:
    unit = appointment.unit
    lines = [
        f"{appointment.get_mode_display()} — {unit.name} ({unit.organisation.name})",
        _("Objet : %(reason)s") % {"reason": appointment.reason},
    ]
    if appointment.appointment_type.instructions:
        lines.append(appointment.appointment_type.instructions)
    lines += [
        _("Téléphone du service : %(phone)s") % {"phone": unit.phone},
        _("Déplacer ou annuler : %(url)s") % {"url": manage_url},
    ]
    return "\n".join(lines)


def appointment_ics(appointment: Appointment, *, manage_url: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", f"-//{settings.PARCOURS_SITE_NAME}//Parcours//FR")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", uid(appointment))
    event.add("dtstamp", timezone.now().astimezone(datetime.UTC))
    event.add("dtstart", appointment.starts_at.astimezone(datetime.UTC))
    event.add("dtend", appointment.ends_at.astimezone(datetime.UTC))
    event.add("sequence", appointment.ics_sequence)
    event.add("summary", summary(appointment))
    event.add("location", location(appointment))
    event.add("description", description(appointment, manage_url))
    event.add("url", manage_url)
    cancelled = appointment.status == AppointmentStatus.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    calendar.add_component(event)
    return calendar.to_ical()
