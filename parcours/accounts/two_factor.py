"""Agents' second factor: a six-digit code from an authenticator app (TOTP, RFC 6238),
with django-otp's TOTPDevice.

An agent enrols once: a device is made with a new secret, shown as a QR code and as
text, and becomes valid when the agent types a first code from it. After that, every
sign-in asks for the current code. A code works once (django-otp refuses a code of a
time step already used), and after ``PARCOURS_OTP_MAX_FAILURES`` wrong codes the
account's sign-in is locked for ``PARCOURS_SIGN_IN_LOCKOUT_SECONDS``, counted in the
shared cache so that every app server agrees. Wrong passwords are counted by
django-axes, as on every sign-in form (``parcours.accounts.lockout``).

An administrator resets a lost device by deleting it in the admin: the next sign-in
enrols a new one.
"""

import time
from base64 import b32encode
from dataclasses import dataclass
from io import BytesIO

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

# A code is 6 digits (8 on devices configured so); people may type spaces in it.
CODE_LENGTHS = (6, 8)


class TwoFactorError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class WrongCode(TwoFactorError):
    """The code is not the current one of the device (or was already used)."""

    def __init__(self, remaining: int):
        super().__init__(
            _(
                "Ce code ne correspond pas. Vérifiez que vous lisez le code de Parcours dans "
                "votre application et tapez le code affiché en ce moment (il change toutes "
                "les 30 secondes)."
            )
        )
        self.remaining = remaining


class LockedOut(TwoFactorError):
    """Too many wrong attempts: sign-in is refused for a while, even with the right code."""

    def __init__(self, seconds: int):
        minutes = max(1, round(seconds / 60))
        super().__init__(
            _(
                "Trop d'essais erronés : par sécurité, la connexion à ce compte est bloquée "
                "pendant %(minutes)s minutes. Si vous n'êtes pas à l'origine de ces essais, "
                "prévenez votre administrateur."
            )
            % {"minutes": minutes}
        )
        self.minutes = minutes


@dataclass(frozen=True)
class Lockout:
    """A counter of failures per key in the shared cache that locks at ``limit``."""

    name: str
    limit_setting: str

    @property
    def limit(self) -> int:
        return getattr(settings, self.limit_setting)

    @property
    def seconds(self) -> int:
        return settings.PARCOURS_SIGN_IN_LOCKOUT_SECONDS

    def _keys(self, who: str) -> tuple[str, str]:
        return f"sign-in:{self.name}:failures:{who}", f"sign-in:{self.name}:locked:{who}"

    def check(self, who: str) -> None:
        """Raise LockedOut while ``who`` is locked out."""
        _failures, locked = self._keys(who)
        if cache.get(locked):
            raise LockedOut(self.seconds)

    def fail(self, who: str) -> int:
        """Count a failure; return how many attempts remain, raise LockedOut at the limit."""
        failures, locked = self._keys(who)
        cache.add(failures, 0, self.seconds)
        try:
            count = cache.incr(failures)
        except ValueError:  # expired between add and incr
            cache.set(failures, 1, self.seconds)
            count = 1
        if count >= self.limit:
            cache.set(locked, True, self.seconds)
            cache.delete(failures)
            raise LockedOut(self.seconds)
        return self.limit - count

    def reset(self, who: str) -> None:
        failures, _locked = self._keys(who)
        cache.delete(failures)


CODE_LOCKOUT = Lockout("otp", "PARCOURS_OTP_MAX_FAILURES")


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def enrolment_device(user) -> TOTPDevice:
    """The device being enrolled, made on first use. The same secret is shown until it is
    confirmed, so a page reloaded after scanning keeps working."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(
            user=user, name=_("Application d'authentification"), confirmed=False
        )
    return device


def verify_code(*, user, code: str, enrolling: bool = False) -> TOTPDevice:
    """The device that accepts ``code`` for ``user``; on enrolment, the new device is
    confirmed by it. Raises LockedOut, WrongCode, or TwoFactorError without a device."""
    who = str(user.pk)
    CODE_LOCKOUT.check(who)
    with transaction.atomic():
        devices = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=not enrolling)
        device = devices.order_by("-pk" if enrolling else "pk").first()
        if device is None:
            raise TwoFactorError(_("Aucune application d'authentification n'est enregistrée."))
        accepted = device.verify_token(normalise_code(code))
        if accepted and enrolling:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    if not accepted:
        raise WrongCode(CODE_LOCKOUT.fail(who))
    CODE_LOCKOUT.reset(who)
    return device


def normalise_code(code: str) -> str:
    return "".join(str(code).split())


def secret_of(device: TOTPDevice) -> str:
    """The secret as authenticator apps ask for it when typed by hand (base32)."""
    return b32encode(device.bin_key).decode().rstrip("=")


def grouped(secret: str) -> str:
    """The secret in groups of four characters, easier to read out and type."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code_svg(device: TOTPDevice) -> str:
    """The device's otpauth:// address as an inline SVG QR code (no image file)."""
    image = qrcode.make(
        device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2
    )
    buffer = BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode()
    # The XML declaration is not allowed inside an HTML document.
    return svg[svg.index("<svg") :]


def current_code(device: TOTPDevice, *, at: float | None = None) -> tuple[str, int]:
    """The code the device's app shows now, and how many seconds it stays valid.

    For the demo and development only (``manage.py totp_code``); the tests use it too.
    """
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    now = time.time() if at is None else at
    totp.time = now
    remaining = device.step - int(now - device.t0) % device.step
    return f"{totp.token():0{device.digits}d}", remaining
