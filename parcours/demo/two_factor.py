"""The demo agents' second factor: one authenticator secret, published on purpose, so
that whoever runs the demo can sign in to the agents' space.

Add ``DEMO_TOTP_SECRET`` to any authenticator app (a time-based key), or print the
current code with ``manage.py totp_code <email>``.
"""

from base64 import b32decode

from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from parcours.accounts.models import User
from parcours.organisations.permissions import BACKOFFICE_ROLES

from .flush import DEMO_EMAIL_SUFFIX

DEMO_TOTP_SECRET = "PARCOURSDEMOPARCOURSDEMOPARCOURS"  # noqa: S105 - demo accounts only


def enrol_demo_agents() -> int:
    """Give every demo agent who works cases a confirmed device with the demo secret;
    return how many. Helpers do not use the back-office and get none."""
    key = b32decode(DEMO_TOTP_SECRET).hex()
    users = list(
        User.objects.filter(
            email__endswith=DEMO_EMAIL_SUFFIX,
            agent__is_active=True,
            agent__role__in=BACKOFFICE_ROLES,
        ).order_by("pk")
    )
    TOTPDevice.objects.filter(user__in=users).delete()
    TOTPDevice.objects.bulk_create(
        TOTPDevice(user=user, name=_("Démonstration"), key=key, confirmed=True) for user in users
    )
    return len(users)
