"""Where a webhook may be sent: not to ourselves nor to the private network (SSRF).

An administrator types a URL; a careless or hostile one could aim Parcours at an
internal service (the database, a cloud metadata address, an admin console). The URL
must be https (http only with ``PARCOURS_WEBHOOKS_ALLOW_HTTP``), and every address its
host resolves to must be public (private, loopback, link-local, reserved addresses only
with ``PARCOURS_WEBHOOKS_ALLOW_PRIVATE``). The check runs when the URL is saved and again
at each delivery, on the address actually connected to (a DNS answer may change)."""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _


class UnsafeUrl(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def check_scheme(url: str) -> tuple[str, str, int]:
    """The URL's scheme, host and port, or UnsafeUrl saying in French what is wrong."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise UnsafeUrl(_("L'adresse n'est pas une adresse web valide.")) from None
    scheme = parts.scheme.lower()
    if scheme == "http" and not settings.PARCOURS_WEBHOOKS_ALLOW_HTTP:
        raise UnsafeUrl(
            _("L'adresse doit commencer par https:// : les événements sont envoyés chiffrés.")
        )
    if scheme not in ("http", "https"):
        raise UnsafeUrl(_("L'adresse doit commencer par https://."))
    if not parts.hostname:
        raise UnsafeUrl(_("L'adresse doit contenir un nom de serveur."))
    if parts.username or parts.password:
        raise UnsafeUrl(_("L'adresse ne doit pas contenir d'identifiant ni de mot de passe."))
    return scheme, parts.hostname, port or (443 if scheme == "https" else 80)


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def resolve(host: str, port: int) -> list[str]:
    """The addresses to connect to, all of them allowed, or UnsafeUrl."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise UnsafeUrl(
            _("Le serveur « %(host)s » est introuvable : vérifiez l'adresse.") % {"host": host}
        ) from None
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    if not settings.PARCOURS_WEBHOOKS_ALLOW_PRIVATE and not all(map(is_public, addresses)):
        raise UnsafeUrl(
            _(
                "Le serveur « %(host)s » est sur un réseau privé ou local : "
                "les événements ne peuvent être envoyés qu'à une adresse publique."
            )
            % {"host": host}
        )
    return addresses


def check_url(url: str) -> list[str]:
    """Refuse a URL Parcours must not post to; its allowed addresses otherwise."""
    _scheme, host, port = check_scheme(url)
    return resolve(host, port)
