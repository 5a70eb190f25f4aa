"""Error pages that need a view: the form sent with an expired or missing CSRF token."""

from http import HTTPStatus

from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme


def csrf_failure(request, reason: str = ""):
    """The page was open too long (or its cookie is gone): the form must be sent again.

    ``reason`` is Django's technical cause: it is for the logs Django already wrote,
    never shown. The link back leads to the page the form was on, if it is on this site.
    """
    back = request.META.get("HTTP_REFERER", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = reverse("portal:home")
    return render(request, "csrf_failure.html", {"back": back}, status=HTTPStatus.FORBIDDEN)
