"""Signed links sent by email: manage an appointment, answer an offer from the waiting
list, leave the list. Whoever holds the link acts for the person, with or without an
account, so each link is signed (``SECRET_KEY``) and names one record by its random
public id; an offer's link also names the slot offered, so an old link never takes a
later offer.
"""

from django.conf import settings
from django.core import signing
from django.urls import reverse

from .models import Appointment, WaitingListEntry
from .slots import slot_value

MANAGE_SALT = "parcours.appointments.manage"
OFFER_SALT = "parcours.appointments.offer"
WAITING_SALT = "parcours.appointments.waiting"


def manage_token(appointment: Appointment) -> str:
    return signing.dumps(str(appointment.public_id), salt=MANAGE_SALT)


def public_id_from_manage_token(token: str) -> str | None:
    try:
        return signing.loads(token, salt=MANAGE_SALT)
    except signing.BadSignature:
        return None


def manage_path(appointment: Appointment) -> str:
    return reverse("portal:appointment_manage", kwargs={"token": manage_token(appointment)})


def manage_url(appointment: Appointment) -> str:
    return settings.PARCOURS_BASE_URL + manage_path(appointment)


def offer_token(entry: WaitingListEntry) -> str:
    return signing.dumps(
        [str(entry.public_id), slot_value(entry.offered_starts_at)], salt=OFFER_SALT
    )


def offer_from_token(token: str) -> tuple[str, str] | None:
    """(public id, slot value) of an offer link, or None if it was tampered with."""
    try:
        value = signing.loads(token, salt=OFFER_SALT)
    except signing.BadSignature:
        return None
    if not (isinstance(value, list) and len(value) == 2):
        return None
    return value[0], value[1]


def offer_url(entry: WaitingListEntry) -> str:
    return settings.PARCOURS_BASE_URL + reverse(
        "portal:appointment_offer", kwargs={"token": offer_token(entry)}
    )


def waiting_token(entry: WaitingListEntry) -> str:
    return signing.dumps(str(entry.public_id), salt=WAITING_SALT)


def public_id_from_waiting_token(token: str) -> str | None:
    try:
        return signing.loads(token, salt=WAITING_SALT)
    except signing.BadSignature:
        return None


def waiting_url(entry: WaitingListEntry) -> str:
    return settings.PARCOURS_BASE_URL + reverse(
        "portal:appointment_waiting", kwargs={"token": waiting_token(entry)}
    )
