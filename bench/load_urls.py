"""The site's URLs, plus the load test's minimal view (never in production's URLconf)."""

from django.http import HttpResponse
from django.urls import include, path


def minimal(request):
    """The reference: a Django view that does nothing, behind the same middleware."""
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [
    path("bench/minimal", minimal),
    path("", include("parcours.urls")),
]
