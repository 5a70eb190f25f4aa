"""Booking without an account: a six-digit code sent by email proves the address."""

import datetime
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from parcours.appointments.errors import AppointmentError
from parcours.appointments.models import EmailCode
from parcours.lib import rate_limit
from parcours.outbox.services import outbox_put

EMAIL_CODE_SALT = "parcours.appointments.email_code"
EMAIL_CODE_MAX_ATTEMPTS = 5
RATE_LIMIT_WINDOW = 3600


class TooManyCodes(AppointmentError):
    pass


def _count_or_refuse(what: str) -> None:
    if (
        rate_limit.count(f"appointments:email-code:{what}", RATE_LIMIT_WINDOW)
        > settings.PARCOURS_MAGIC_LINK_MAX_PER_HOUR
    ):
        raise TooManyCodes(
            _("Trop de codes demandés en une heure. Réessayez plus tard, ou appelez le service."),
            field="email",
        )


def code_hash(code_id: int, email: str, code: str) -> str:
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
        record.code_hash = code_hash(record.pk, email, code)
        record.save(update_fields=["code_hash"])
        from parcours.appointments.outgoing import email_code_email

        outbox_put(
            handler=email_code_email,
            key=f"appointment-code:{record.pk}",
            code_id=record.pk,
            code=code,
            language=get_language() or settings.LANGUAGE_CODE,
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
        matches = constant_time_compare(record.code_hash, code_hash(record.pk, email, code))
        if matches:
            record.verified_at = now
        record.save(update_fields=["attempts", "verified_at"])
    # Refused after the commit, so that the failed try counts.
    if not matches:
        raise AppointmentError(
            _("Ce code ne correspond pas. Vérifiez les six chiffres reçus par courriel."),
            field="code",
        )
    return record
