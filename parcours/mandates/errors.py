from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _


class MandateError(Exception):
    """A mandate cannot be created, confirmed or used as asked: ``message`` says why,
    ``field`` which form field it is about (None: the whole form)."""

    def __init__(self, message, *, field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field


class MandateDenied(PermissionDenied):
    """A helper acts outside a mandate: another person, another procedure, a mandate
    expired, revoked or not yet confirmed. Shown as a polite 403 page."""

    def __init__(self, message=None):
        self.message = message or _(
            "Vous n'avez pas de mandat en cours de cette personne pour cette démarche."
        )
        super().__init__(str(self.message))
