"""Brute-force protection of every password check, with django-axes.

Axes counts the failed checks of each (address, IP) pair in the database and, past
``AXES_FAILURE_LIMIT``, refuses that pair for ``AXES_COOLOFF_TIME`` even with the right
password. The functions here are the project's side of it: how an address is compared
(trimmed, lower case, as it is stored), the page shown while locked, and how many tries
remain, for the sign-in forms that say so.
"""

from http import HTTPStatus

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off, get_failure_limit
from django.conf import settings
from django.shortcuts import render


def username(request, credentials: dict | None = None) -> str:
    """The address tried, as stored: ``User.email`` is kept in lower case."""
    source = credentials if credentials else getattr(request, "POST", {})
    return str(source.get("username") or "").strip().lower()


def lockout_minutes(request=None) -> int:
    cool_off = get_cool_off(request)
    seconds = cool_off.total_seconds() if cool_off else settings.PARCOURS_SIGN_IN_LOCKOUT_SECONDS
    return max(1, round(seconds / 60))


def remaining_attempts(request, credentials: dict) -> int:
    """Wrong passwords left for this address from this client before the lock."""
    failures = AxesProxyHandler.get_implementation().get_failures(request, credentials)
    return max(get_failure_limit(request, credentials) - failures, 0)


def locked_out(request, original_response=None, credentials: dict | None = None):
    """The page shown instead of any sign-in form while its address and IP are locked
    (``AXES_LOCKOUT_CALLABLE``): 429 with Retry-After, in the site's theme."""
    minutes = lockout_minutes(request)
    response = render(
        request,
        "accounts/locked_out.html",
        {
            "minutes": minutes,
            # The email link opens the citizens' space, not the agents' nor the admin.
            "offer_email_link": not request.path.startswith(("/agents/", "/admin/")),
        },
        status=HTTPStatus.TOO_MANY_REQUESTS,
    )
    response["Retry-After"] = str(minutes * 60)
    return response
