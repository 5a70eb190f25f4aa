"""Open311 GeoReport v2 at ``/open311/v2/``: one view per method, in JSON or XML by
the address's extension. Reading needs no key; filing a report needs an ``api_key``
(form field or query parameter), never a session: the POST is exempt from CSRF and
the signed-in user, if any, is ignored."""

import logging
import uuid
from http import HTTPStatus

from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from parcours.accounts.views import client_address

from . import render, selectors, services
from .errors import Open311Error, not_found
from .models import Open311Request

logger = logging.getLogger(__name__)


def open311_view(view):
    """Answers every failure in GeoReport's error format, in the format asked for."""

    def wrapper(request, *args, fmt, **kwargs):
        try:
            return view(request, *args, fmt=fmt, **kwargs)
        except Open311Error as error:
            return render.response(
                fmt, "errors", error.errors, status=error.status, headers=error.headers
            )
        except Exception:
            logger.exception("Open311 error on %s %s", request.method, request.path)
            return render.response(
                fmt,
                "errors",
                [
                    {
                        "code": HTTPStatus.INTERNAL_SERVER_ERROR,
                        "description": _(
                            "Une erreur inattendue s'est produite : réessayez plus tard."
                        ),
                    }
                ],
                status=HTTPStatus.INTERNAL_SERVER_ERROR,
            )

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


def _client(request) -> str:
    return "ip:" + (client_address(request) or "unknown")


def _jurisdiction(request):
    return selectors.jurisdiction_for(request.GET.get("jurisdiction_id"))


@require_GET
@open311_view
def service_list(request, fmt):
    """GET services: the report types of a jurisdiction."""
    services.rate_limit(_client(request))
    organisation = _jurisdiction(request)
    data = [selectors.service_summary(p) for p in selectors.services_of(organisation)]
    return render.response(fmt, "services", data)


@require_GET
@open311_view
def service_definition(request, service_code, fmt):
    """GET services/<code>: the attributes a report of this type asks for."""
    services.rate_limit(_client(request))
    procedure = selectors.service_for(_jurisdiction(request), service_code)
    return render.response(fmt, "service_definition", selectors.service_definition(procedure))


@csrf_exempt
@require_http_methods(["GET", "POST"])
@open311_view
def requests(request, fmt):
    """GET requests: reports and their status; POST requests: file a report."""
    if request.method == "POST":
        return _create(request, fmt)
    services.rate_limit(_client(request))
    organisation = _jurisdiction(request)
    cases = selectors.filter_requests(
        selectors.requests_of(organisation),
        service_request_ids=request.GET.get("service_request_id", ""),
        service_codes=request.GET.get("service_code", ""),
        start_date=request.GET.get("start_date", ""),
        end_date=request.GET.get("end_date", ""),
        statuses=request.GET.get("status", ""),
    )
    return render.response(
        fmt, "service_requests", [selectors.request_detail(case) for case in cases]
    )


def _create(request, fmt):
    # Counted per address before the key is checked, so that keys cannot be guessed.
    services.rate_limit(_client(request))
    data = request.POST
    organisation = selectors.jurisdiction_for(
        data.get("jurisdiction_id") or request.GET.get("jurisdiction_id")
    )
    key = services.key_for(data.get("api_key") or request.GET.get("api_key"), organisation)
    procedure = selectors.service_for(organisation, data.get("service_code"))
    report = services.request_create(
        organisation=organisation, procedure=procedure, key=key, data=data
    )
    answer = {
        "service_request_id": report.case.reference,
        "service_notice": procedure.what_happens_next or None,
        "account_id": report.account_id or None,
    }
    return render.response(fmt, "service_requests", [answer])


@require_GET
@open311_view
def request_detail(request, service_request_id, fmt):
    """GET requests/<id>: one report and its status."""
    services.rate_limit(_client(request))
    organisation = _jurisdiction(request)
    case = selectors.requests_of(organisation).filter(reference=service_request_id).first()
    if case is None:
        raise not_found(
            _("service_request_id : aucun signalement « %(id)s » ici.")
            % {"id": service_request_id[:50]}
        )
    return render.response(fmt, "service_requests", [selectors.request_detail(case)])


@require_GET
@open311_view
def token(request, token, fmt):
    """GET tokens/<token>: the service_request_id of a report filed with this token."""
    services.rate_limit(_client(request))
    organisation = _jurisdiction(request)
    report = (
        Open311Request.objects.filter(organisation=organisation, token=_uuid(token))
        .select_related("case")
        .first()
        if _uuid(token)
        else None
    )
    if report is None:
        raise not_found(_("token : aucun signalement n'a ce jeton ici."))
    return render.response(
        fmt,
        "service_requests",
        [{"service_request_id": report.case.reference, "token": str(report.token)}],
    )


def _uuid(value: str):
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


@csrf_exempt
def unknown(request, rest=""):
    """Any other address under /open311/v2/: GeoReport's 404 (in JSON for an address
    ending in .json, XML otherwise), not an HTML page."""
    fmt = "json" if request.path.endswith(".json") else "xml"
    error = not_found(
        _("Cette adresse n'est pas une méthode de GeoReport v2 : voir services.%(fmt)s.")
        % {"fmt": fmt}
    )
    return render.response(fmt, "errors", error.errors, status=error.status)
