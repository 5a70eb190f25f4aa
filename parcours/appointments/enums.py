from django.db import models
from django.utils.translation import gettext_lazy as _


class AppointmentMode(models.TextChoices):
    """How the person and the agent meet."""

    COUNTER = "counter", _("Au guichet")
    PHONE = "phone", _("Par téléphone")
    VIDEO = "video", _("En visioconférence")


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", _("Réservé")
    CHECKED_IN = "checked_in", _("Arrivé")
    NO_SHOW = "no_show", _("Absent")
    CANCELLED = "cancelled", _("Annulé")


# Every status but "cancelled" holds its seat of the slot.
SEAT_HOLDING_STATUSES = [
    AppointmentStatus.BOOKED,
    AppointmentStatus.CHECKED_IN,
    AppointmentStatus.NO_SHOW,
]


class BookingChannel(models.TextChoices):
    """Who booked, and how."""

    ONLINE = "online", _("En ligne, par l'usager")
    PHONE = "phone", _("Par téléphone, par un agent")
    COUNTER = "counter", _("Au guichet, par un agent")


class AppointmentNeed(models.TextChoices):
    """What the service prepares so that the person is well received."""

    INTERPRETER = "interpreter", _("Un interprète dans une autre langue")
    SIGN_LANGUAGE = "sign_language", _("Un interprète en langue des signes française (LSF)")
    REDUCED_MOBILITY = "reduced_mobility", _("Un accueil adapté à la mobilité réduite")


class CancelledBy(models.TextChoices):
    PERSON = "person", _("Par l'usager")
    SERVICE = "service", _("Par le service")
    CLOSURE = "closure", _("Fermeture exceptionnelle du service")


class AppointmentEventKind(models.TextChoices):
    BOOKED = "booked", _("Rendez-vous pris")
    MOVED = "moved", _("Rendez-vous déplacé")
    CANCELLED = "cancelled", _("Rendez-vous annulé")
    CHECKED_IN = "checked_in", _("Arrivée enregistrée")
    NO_SHOW = "no_show", _("Absence constatée")
    ASSIGNED = "assigned", _("Agent désigné")
    NOTE = "note", _("Note de l'agent")


class WaitingStatus(models.TextChoices):
    WAITING = "waiting", _("En attente")
    OFFERED = "offered", _("Créneau proposé")
    BOOKED = "booked", _("Rendez-vous pris")
    EXPIRED = "expired", _("Proposition expirée")
    LEFT = "left", _("Sortie de la liste")


ACTIVE_WAITING_STATUSES = [WaitingStatus.WAITING, WaitingStatus.OFFERED]
