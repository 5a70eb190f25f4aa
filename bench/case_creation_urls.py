"""The site's URLs, plus the bench's minimal view and its floors (never in
production's URLconf)."""

import secrets

from django.contrib.sessions.models import Session
from django.db import transaction
from django.http import HttpResponse
from django.urls import include, path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from parcours.open311 import selectors as open311_selectors
from parcours.open311 import services as open311_services
from parcours.organisations.models import Organisation


def minimal(request):
    """The ceiling: a Django view that does nothing, behind the same middleware."""
    return HttpResponse(b"ok", content_type="text/plain")


def one_read(request):
    """A floor: one row read by primary key through the ORM."""
    organisation = Organisation.objects.get(pk=request.GET.get("id", 1))
    return HttpResponse(organisation.slug.encode(), content_type="text/plain")


@csrf_exempt
@require_POST
def writes(request):
    """A floor: ``rows`` rows (1 to 20) written through the ORM, one statement each, in
    one transaction, committed."""
    rows = min(max(int(request.GET.get("rows", 1)), 1), 20)
    with transaction.atomic():
        for _ in range(rows):
            Session.objects.create(
                session_key=secrets.token_hex(16), session_data="", expire_date=timezone.now()
            )
    return HttpResponse(b"ok", content_type="text/plain")


@csrf_exempt
@require_POST
def accept(request):
    """A floor: what an API that only accepted a report, to file it later, would do at
    the least: find the jurisdiction and check the key exactly as a report does (the
    shared cache's rate limit included), then write one row and commit."""
    organisation = open311_selectors.jurisdiction_for(request.POST.get("jurisdiction_id"))
    open311_services.key_for(request.POST.get("api_key"), organisation)
    with transaction.atomic():
        Session.objects.create(
            session_key=secrets.token_hex(16),
            session_data=request.POST.get("description", ""),
            expire_date=timezone.now(),
        )
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [
    path("bench/minimal", minimal),
    path("bench/read", one_read),
    path("bench/write", writes),
    path("bench/accept", accept),
    path("", include("parcours.urls")),
]
