"""The JSON API v1, for agents' scripts: the same work as the back-office, with the
same rules (``organisations.permissions``, ``cases.queue``, the case services).

One function per operation; inputs and outputs are declared schemas (``schemas``);
every failure has the shape of ``errors``. Mounted at ``/api/v1/`` (``urls``).
"""

import datetime
import logging
from http import HTTPStatus

from django.core.paginator import EmptyPage, Paginator
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI, Query, Status
from ninja.errors import AuthenticationError, HttpError, ValidationError

from parcours.cases import queue, services
from parcours.cases.enums import CaseState, Transition
from parcours.cases.errors import CaseError, IllegalTransition, NotAllowed
from parcours.cases.lifecycle import transitions_from
from parcours.cases.models import Case, CaseEvent
from parcours.catalog.form_definition import visible_fields
from parcours.catalog.models import Procedure
from parcours.contacts.errors import ContactError
from parcours.contacts.services import message_send_to_citizen
from parcours.organisations import permissions
from parcours.organisations.models import Unit
from parcours.portal.apply.forms import answer_display

from . import appointments
from . import errors as api_errors
from .auth import TokenAuth, unauthorised
from .errors import ApiError, ErrorOut, not_found
from .journal import journal_api_access
from .schemas import (
    CaseOut,
    CaseSummaryOut,
    ClaimIn,
    MessageIn,
    MessageOut,
    QueueFilters,
    QueueOut,
    TransitionIn,
)

PAGE_SIZE = 25  # as the back-office queue

logger = logging.getLogger(__name__)

api = NinjaAPI(
    title="Parcours API",
    version="1",
    description=str(
        gettext_lazy(
            "L'API de Parcours. Sans jeton : le catalogue des démarches publiées. Avec le "
            "jeton d'un agent : sa file, prendre le dossier suivant, ses dossiers, lire un "
            "dossier et ses échanges, écrire à l'usager, noter un appel ou une visite, faire "
            "avancer un dossier, les rendez-vous. Voir docs/api.md."
        )
    ),
    auth=TokenAuth(),
    urls_namespace="api-v1",
)
api.add_router("/appointments", appointments.router)

# Every documented failure answers the same shape.
FAILURES = {
    HTTPStatus.UNAUTHORIZED: ErrorOut,
    HTTPStatus.FORBIDDEN: ErrorOut,
    HTTPStatus.NOT_FOUND: ErrorOut,
    HTTPStatus.UNPROCESSABLE_ENTITY: ErrorOut,
    HTTPStatus.TOO_MANY_REQUESTS: ErrorOut,
}
# Operations that read a JSON body also answer 400 when it is not JSON.
BODY_FAILURES = {HTTPStatus.BAD_REQUEST: ErrorOut, **FAILURES}


# ---------------------------------------------------------------------------
# Failures


@api.exception_handler(ApiError)
def _api_error(request, error):
    return api_errors.handle_api_error(request, error)


@api.exception_handler(ValidationError)
def _validation_error(request, error):
    return api_errors.validation_errors(error.errors)


@api.exception_handler(AuthenticationError)
def _no_token(request, error):
    return api_errors.handle_api_error(
        request,
        unauthorised(
            "not_authenticated",
            _("Authentifiez-vous avec un jeton d'API : en-tête « Authorization: Bearer … »."),
        ),
    )


@api.exception_handler(HttpError)
def _http_error(request, error):
    # Raised by ninja itself: a body it cannot parse (400), mostly.
    if error.status_code == HTTPStatus.BAD_REQUEST:
        code, message = "bad_request", _("Envoyez un corps de requête en JSON valide.")
    else:
        code, message = "http_error", str(error.message)
    return api_errors.error_response(
        error.status_code, [{"field": None, "code": code, "message": message}]
    )


@api.exception_handler(Http404)
def _not_found(request, error):
    return api_errors.handle_api_error(request, not_found())


@api.exception_handler(CaseError)
def _case_error(request, error):
    return api_errors.handle_api_error(request, domain_error(error))


@api.exception_handler(ContactError)
def _contact_error(request, error):
    return api_errors.handle_api_error(request, domain_error(error))


@api.exception_handler(Exception)
def _unexpected(request, error):
    logger.exception("API error on %s %s", request.method, request.path)
    return api_errors.error_response(
        HTTPStatus.INTERNAL_SERVER_ERROR,
        [
            {
                "field": None,
                "code": "server_error",
                "message": _("Une erreur inattendue s'est produite : réessayez plus tard."),
            }
        ],
    )


def domain_error(error: CaseError | ContactError) -> ApiError:
    """A broken rule of the domain: 403 when the agent may not act, 422 when one input
    is at fault (named), 409 when the case's state forbids it."""
    if isinstance(error, NotAllowed) or (isinstance(error, ContactError) and error.field is None):
        return ApiError(HTTPStatus.FORBIDDEN, "forbidden", error.message)
    if isinstance(error, IllegalTransition):
        return ApiError(HTTPStatus.CONFLICT, "illegal_transition", error.message)
    if error.field:
        return ApiError(
            HTTPStatus.UNPROCESSABLE_ENTITY, "invalid", error.message, field=error.field
        )
    return ApiError(HTTPStatus.CONFLICT, "conflict", error.message)


# ---------------------------------------------------------------------------
# Reads shared by the operations


def unit_of(request: HttpRequest, slug: str | None) -> Unit:
    """One of the agent's units, by its slug; without one, the agent's only unit."""
    units = permissions.handled_units(request.agent)
    if slug:
        unit = units.filter(slug=slug).first()
        if unit is None:
            raise not_found(field="unit")
        return unit
    mine = list(units[:2])
    if len(mine) == 1:
        return mine[0]
    if not mine:
        raise ApiError(
            HTTPStatus.FORBIDDEN, "no_unit", _("Vous n'appartenez à aucun service qui instruit.")
        )
    raise ApiError(
        HTTPStatus.UNPROCESSABLE_ENTITY,
        "required",
        _("Vous travaillez dans plusieurs services : indiquez lequel (%(units)s).")
        % {"units": ", ".join(units.values_list("slug", flat=True))},
        field="unit",
    )


def case_of(request: HttpRequest, reference: str, queryset: QuerySet[Case] | None = None) -> Case:
    """A case the agent may open in the back-office; 404 for any other, as there."""
    cases = queryset if queryset is not None else queue.backoffice_cases(request.agent)
    case = (
        cases.filter(reference=reference)
        .select_related("procedure", "procedure_version", "person", "unit", "referent__user")
        .first()
    )
    if case is None:
        raise not_found()
    journal_api_access(request, case.person, case=case)
    return case


def is_overdue(case: Case, today: datetime.date) -> bool:
    return bool(
        case.state in queue.OPEN_STATES
        and case.decision_due_on
        and case.clock_suspended_on is None
        and case.decision_due_on < today
    )


def summary(case: Case, today: datetime.date) -> dict:
    referent = case.referent
    return {
        "reference": case.reference,
        "procedure": {"code": case.procedure.code, "title": case.procedure.title},
        "unit": {"slug": case.unit.slug, "name": case.unit.name},
        "person": case.person.full_name,
        "state": case.state,
        "state_label": str(CaseState(case.state).label),
        "channel": case.channel,
        "submitted_at": case.submitted_at,
        "decision_due_on": case.decision_due_on,
        "overdue": is_overdue(case, today),
        "referent": {"id": referent.pk, "name": referent.display_name} if referent else None,
    }


def detail(case: Case) -> dict:
    today = timezone.localdate()
    case = (
        Case.objects.filter(pk=case.pk)
        .select_related("procedure", "procedure_version", "person", "unit", "referent__user")
        .prefetch_related(
            Prefetch(
                "events",
                queryset=CaseEvent.objects.select_related("actor").order_by("created_at", "pk"),
                to_attr="history",
            ),
            "documents",
        )
        .get()
    )
    definition = case.procedure_version.form_definition or {}
    return {
        **summary(case, today),
        "answers": [
            {
                "name": field["name"],
                "label": field["label"],
                "value": answer_display(field, case.form_data.get(field["name"])),
            }
            for field in visible_fields(definition, case.form_data)
        ],
        "documents": [
            {
                "id": document.pk,
                "name": document.original_name,
                "content_type": document.content_type,
                "size": document.size,
                "added_at": document.uploaded_at,
            }
            for document in sorted(case.documents.all(), key=lambda d: (d.uploaded_at, d.pk))
        ],
        "events": [
            {
                "kind": event.kind,
                "transition": event.transition or "",
                "from_state": event.from_state or "",
                "to_state": event.to_state or "",
                "actor": event.actor.get_full_name() if event.actor else "",
                "reason": event.reason,
                "visible_to_citizen": event.visible_to_citizen,
                "data": event.data,
                "created_at": event.created_at,
            }
            for event in case.history
        ],
        "deadlines": {
            "decision_due_on": case.decision_due_on,
            "citizen_due_on": case.citizen_due_on,
            "clock_suspended_on": case.clock_suspended_on,
            "suspended_days": case.suspended_days,
            "overdue": is_overdue(case, today),
        },
        "transitions": [str(name) for name in transitions_from(case.state) if name in TRANSITIONS],
    }


# ---------------------------------------------------------------------------
# Operations


@api.get(
    "/queue",
    response={200: QueueOut, **FAILURES},
    summary="The queue of one of my units",
    operation_id="queue_list",
)
def queue_list(request, filters: Query[QueueFilters]):
    """The open cases of a unit, in the queue's order (nearest legal deadline, then the
    oldest request), with the back-office's filters, 25 a page."""
    agent = request.agent
    unit = unit_of(request, filters.unit)
    procedure = None
    if filters.procedure:
        procedure = Procedure.objects.filter(
            organisation_id=unit.organisation_id, handling_unit=unit, code=filters.procedure
        ).first()
        if procedure is None:
            raise ApiError(
                HTTPStatus.UNPROCESSABLE_ENTITY,
                "invalid",
                _("Aucune démarche de ce service n'a ce code."),
                field="procedure",
            )
    today = timezone.localdate()
    cases = queue.filter_queue(
        queue.queue_of(unit).select_related("procedure", "person", "unit", "referent__user"),
        agent=agent,
        today=today,
        state=filters.state,
        procedure=procedure,
        channel=filters.channel,
        held_by_nobody=filters.holder == "nobody",
        held_by_me=filters.holder == "me",
        overdue=filters.overdue,
    )
    paginator = Paginator(cases, PAGE_SIZE, allow_empty_first_page=True)
    try:
        page = paginator.page(filters.page)
    except EmptyPage:
        raise not_found(field="page") from None
    return {
        "unit": {"slug": unit.slug, "name": unit.name},
        "count": paginator.count,
        "page": page.number,
        "pages": paginator.num_pages,
        "page_size": PAGE_SIZE,
        "results": [summary(case, today) for case in page],
    }


@api.post(
    "/queue/claim",
    response={200: CaseSummaryOut, 204: None, **BODY_FAILURES},
    summary="Take the next case of my unit's queue",
    operation_id="queue_claim",
)
def queue_claim(request, payload: ClaimIn | None = None):
    """Gives me the next case of the queue that nobody holds (200), or nothing when every
    open case is held (204, no body). Many agents may claim at once: each gets another."""
    unit = unit_of(request, payload.unit if payload else None)
    case = queue.case_claim_next(unit=unit, by=request.auth)
    if case is None:
        return Status(HTTPStatus.NO_CONTENT, None)
    return Status(HTTPStatus.OK, summary(case_of(request, case.reference), timezone.localdate()))


@api.get(
    "/cases/{reference}",
    response={200: CaseOut, **FAILURES},
    summary="A case: answers, documents, history, deadlines",
    operation_id="case_read",
)
def case_read(request, reference: str):
    return detail(case_of(request, reference))


@api.post(
    "/cases/{reference}/messages",
    response={201: MessageOut, **BODY_FAILURES},
    summary="Write to the citizen about their case",
    operation_id="case_message",
)
def case_message(request, reference: str, payload: MessageIn):
    case = case_of(request, reference)
    message = message_send_to_citizen(case=case, by=request.auth, body=payload.body)
    return Status(
        HTTPStatus.CREATED,
        {
            "id": message.pk,
            "case": case.reference,
            "direction": message.direction,
            "body": message.body,
            "author": request.auth.get_full_name() or request.auth.email,
            "created_at": message.created_at,
        },
    )


TRANSITIONS = {
    Transition.START_REVIEW: lambda case, by, data: services.case_start_review(case=case, by=by),
    Transition.REQUEST_INFORMATION: lambda case, by, data: services.case_request_information(
        case=case, by=by, reason=data.reason, due_on=data.due_on
    ),
    Transition.RESUME_REVIEW: lambda case, by, data: services.case_resume_review(
        case=case, by=by, reason=data.reason
    ),
    Transition.ACCEPT: lambda case, by, data: services.case_accept(
        case=case, by=by, reasons=data.reason
    ),
    Transition.REJECT: lambda case, by, data: services.case_reject(
        case=case, by=by, reasons=data.reason
    ),
    Transition.CLOSE_WITHOUT_ACTION: lambda case, by, data: services.case_close_without_action(
        case=case, by=by, reason=data.reason
    ),
    Transition.REOPEN: lambda case, by, data: services.case_reopen(
        case=case, by=by, reason=data.reason
    ),
}


@api.post(
    "/cases/{reference}/transitions",
    response={200: CaseOut, 409: ErrorOut, **BODY_FAILURES},
    summary="Move a case along its life cycle",
    operation_id="case_transition",
)
def case_transition(request, reference: str, payload: TransitionIn):
    """Applies a transition by name (``transitions`` of the case lists those possible
    now), through the same services as the back-office: the reason is mandatory for
    request_information, reject, close_without_action and reopen, and ``due_on`` is the
    date the citizen answers by, for request_information only."""
    case = case_of(request, reference)
    if payload.due_on is not None and payload.transition != Transition.REQUEST_INFORMATION:
        raise ApiError(
            HTTPStatus.UNPROCESSABLE_ENTITY,
            "invalid",
            _("Une date limite ne s'indique que pour une demande de pièces ou d'informations."),
            field="due_on",
        )
    case = TRANSITIONS[Transition(payload.transition)](case, request.auth, payload)
    return detail(case)


# ---------------------------------------------------------------------------
# Operations in their own modules (they use the helpers above)

from . import cases, procedures  # noqa: E402

api.add_router("/procedures", procedures.router, tags=["procedures"])
api.add_router("", cases.router, tags=["cases"])
