"""Domain errors of the case life cycle. Messages are written for the person who acts."""

from django.utils.translation import gettext as _


class CaseError(Exception):
    """A rule of the case life cycle was not met. ``field`` names the input at fault."""

    def __init__(self, message: str, *, field: str | None = None, errors: dict | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.errors = errors or ({field: [message]} if field else {})


class IllegalTransition(CaseError):
    pass


class NotAllowed(CaseError):
    """The person acting may not do this on this case."""

    def __init__(self, message: str | None = None):
        super().__init__(message or _("Vous n'avez pas le droit d'agir sur ce dossier."))
