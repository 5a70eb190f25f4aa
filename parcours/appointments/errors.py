"""Domain errors of appointments. Messages are written for the person who acts."""

from django.utils.translation import gettext as _


class AppointmentError(Exception):
    """A rule on appointments was not met. ``field`` names the input at fault."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class SlotUnavailable(AppointmentError):
    """The slot is full, or has just been taken by someone else."""

    def __init__(self, message: str | None = None):
        super().__init__(
            message
            or _(
                "Ce créneau vient d'être réservé par quelqu'un d'autre. Choisissez-en un "
                "autre : ceux qui sont affichés sont libres à l'instant."
            ),
            field="slot",
        )


class LimitReached(AppointmentError):
    """The person already holds as many upcoming appointments as allowed."""


class NotAllowed(AppointmentError):
    def __init__(self, message: str | None = None):
        super().__init__(message or _("Vous n'avez pas le droit d'agir sur ce rendez-vous."))
