"""Reply addresses of cases: ``case+<token>@<reply domain>``.

The token is the case's number followed by a keyed hash of it (HMAC with the site's
secret key): it cannot be guessed from a case number, and a reply to it can only be
threaded on that case. Keys listed in SECRET_KEY_FALLBACKS still verify, so rotating
the secret key does not break the replies to emails already sent.
"""

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac

SALT = "parcours.channels.reply-address"
PREFIX = "case+"
SIGNATURE_LENGTH = 20
BASE36 = "0123456789abcdefghijklmnopqrstuvwxyz"


def _base36(number: int) -> str:
    digits = ""
    while True:
        number, rest = divmod(number, 36)
        digits = BASE36[rest] + digits
        if not number:
            return digits


def _signature(value: str, secret=None) -> str:
    return salted_hmac(SALT, value, secret=secret, algorithm="sha256").hexdigest()[
        :SIGNATURE_LENGTH
    ]


def case_token(case_pk: int) -> str:
    value = _base36(case_pk)
    return f"{value}-{_signature(value)}"


def reply_address(case) -> str:
    """The address a reply about ``case`` is written to, or "" when no reply domain is
    configured (then replies go to the sender address, as before)."""
    domain = settings.PARCOURS_INBOUND_REPLY_DOMAIN
    if not domain or case.pk is None:
        return ""
    return f"{PREFIX}{case_token(case.pk)}@{domain}"


def split(address: str) -> tuple[str, str]:
    local, _, domain = (address or "").strip().strip("<>").rpartition("@")
    return local, domain.lower()


def case_pk_from_address(address: str) -> int | None:
    """The case number a reply address stands for, if its token is genuine."""
    local, domain = split(address)
    if domain not in accepted_domains() or not local.lower().startswith(PREFIX):
        return None
    token = local[len(PREFIX) :].lower()
    value, _, signature = token.partition("-")
    if not value or not signature or any(char not in BASE36 for char in value) or len(value) > 13:
        return None
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    if not any(constant_time_compare(signature, _signature(value, secret)) for secret in secrets):
        return None
    return int(value, 36)


def accepted_domains() -> set[str]:
    domains = {domain.lower() for domain in settings.PARCOURS_INBOUND_DOMAINS}
    if settings.PARCOURS_INBOUND_REPLY_DOMAIN:
        domains.add(settings.PARCOURS_INBOUND_REPLY_DOMAIN.lower())
    return domains
