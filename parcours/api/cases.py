"""Cases and contacts in the API v1, with an agent's token:

* the cases of the agent's units, filtered and paginated (``queue.backoffice_cases``:
  the units they work in or manage; any other case is simply absent);
* every contact on one of those cases, in time order: messages both ways, calls,
  visits and letters recorded by agents (``channels``), call-back requests and each
  attempt to call back;
* recording a call or a visit, through the service of the agents' form
  (``channels.services.contact_record``).

Reading a case's contacts and recording one are written to the access journal.
Mounted by ``api``; failures have the shape of ``errors``.
"""

import datetime
from http import HTTPStatus

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from parcours.cases import queue
from parcours.cases.models import Case
from parcours.channels.errors import ChannelError
from parcours.channels.models import ContactRecord
from parcours.channels.services import contact_record
from parcours.contacts.enums import MessageDirection
from parcours.contacts.models import CallbackAttempt, CallbackRequest, Message
from parcours.lib.text_search import Digits, digits
from parcours.organisations import permissions
from parcours.people.models import Person

from .api import BODY_FAILURES, FAILURES, case_of, summary, unit_of
from .errors import ApiError, not_found
from .journal import journal_api_access
from .pagination import page_of
from .schemas import CaseContactsOut, CaseFilters, CasesOut, ContactIn, ContactOut

# A list is read in a stable order: the least recently changed first, so that a script
# following ``updated_since`` walks forward.
CASE_LIST_ORDER = ("updated_at", "pk")

router = Router()


def invalid(field: str, message: str) -> ApiError:
    return ApiError(HTTPStatus.UNPROCESSABLE_ENTITY, "invalid", message, field=field)


def aware(moment: datetime.datetime) -> datetime.datetime:
    """A moment without an offset is on the service's clocks."""
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


@router.get(
    "/cases",
    response={200: CasesOut, **FAILURES},
    summary="The cases of my units, filtered, a page at a time",
    operation_id="case_list",
)
def case_list(request: HttpRequest, filters: Query[CaseFilters]):
    """The submitted cases of the units I work in or manage (never another unit's),
    the least recently changed first (then by id): follow ``next`` to the last page, and
    ask again later with ``updated_since`` for what changed. Filters: ``state``,
    ``procedure`` (code), ``unit`` (slug of one of my units), ``channel``,
    ``updated_since`` (a moment), ``submitted_from`` and ``submitted_to`` (days,
    included)."""
    cases = queue.backoffice_cases(request.agent)
    if filters.unit:
        if not _is_my_unit(request, filters.unit):
            raise invalid("unit", _("Aucun de vos services n'a cet identifiant."))
        cases = cases.filter(unit__slug=filters.unit)
    if (
        filters.submitted_from
        and filters.submitted_to
        and filters.submitted_from > filters.submitted_to
    ):
        raise invalid(
            "submitted_to", _("Cette date doit être la même que « submitted_from » ou après.")
        )
    if filters.state:
        cases = cases.filter(state=filters.state)
    if filters.procedure:
        cases = cases.filter(procedure__code=filters.procedure)
    if filters.channel:
        cases = cases.filter(channel=filters.channel)
    if filters.updated_since:
        cases = cases.filter(updated_at__gte=aware(filters.updated_since))
    if filters.submitted_from:
        cases = cases.filter(submitted_at__date__gte=filters.submitted_from)
    if filters.submitted_to:
        cases = cases.filter(submitted_at__date__lte=filters.submitted_to)
    cases = cases.select_related("procedure", "person", "unit", "referent__user").order_by(
        *CASE_LIST_ORDER
    )
    today = timezone.localdate()
    return page_of(
        request,
        cases,
        filters,
        lambda case: {**summary(case, today), "updated_at": case.updated_at},
    )


def _is_my_unit(request: HttpRequest, slug: str) -> bool:
    agent = request.agent
    return (
        permissions.handled_units(agent).filter(slug=slug).exists()
        or permissions.managed_units(agent).filter(slug=slug).exists()
    )


# ---------------------------------------------------------------------------
# Contacts


def unit_out(unit) -> dict | None:
    return {"slug": unit.slug, "name": unit.name} if unit else None


def message_contact(message: Message) -> dict:
    inbound = message.direction == MessageDirection.FROM_CITIZEN
    author = message.author
    return {
        "kind": "message",
        "id": message.pk,
        "at": message.created_at,
        "direction": "inbound" if inbound else "outbound",
        "subject": "",
        "body": message.body,
        "by": "" if inbound or author is None else (author.get_full_name() or author.email),
        "unit": unit_out(message.unit),
        "details": {"read_at": message.read_at.isoformat() if message.read_at else None},
    }


def record_contact(record: ContactRecord) -> dict:
    return {
        "kind": record.channel,
        "id": record.pk,
        "at": record.occurred_at,
        "direction": record.direction,
        "subject": record.subject,
        "body": record.outcome,
        "by": record.agent.display_name if record.agent_id else "",
        "unit": unit_out(record.unit),
        "details": {
            "channel_label": str(record.get_channel_display()),
            "has_scan": bool(record.scan),
        },
    }


def callback_contact(callback: CallbackRequest) -> dict:
    by = callback.requested_by
    return {
        "kind": "callback_request",
        "id": callback.pk,
        "at": callback.created_at,
        "direction": "inbound",
        "subject": callback.topic,
        "body": "",
        "by": (by.get_full_name() or by.email) if by else "",
        "unit": unit_out(callback.unit),
        "details": {
            "phone": callback.phone,
            "day": callback.day.isoformat(),
            "half_day": callback.half_day,
            "status": callback.status,
        },
    }


def attempt_contact(attempt: CallbackAttempt) -> dict:
    return {
        "kind": "callback_attempt",
        "id": attempt.pk,
        "at": attempt.called_at,
        "direction": "outbound",
        "subject": str(attempt.get_outcome_display()),
        "body": attempt.note,
        "by": attempt.by_name,
        "unit": unit_out(attempt.callback.unit),
        "details": {
            "callback_request": attempt.callback_id,
            "outcome": attempt.outcome,
            "next_day": attempt.next_day.isoformat() if attempt.next_day else None,
            "next_half_day": attempt.next_half_day or None,
        },
    }


def contacts_of(case: Case) -> list[dict]:
    """Every contact on the case, the oldest first."""
    entries = [
        *(
            message_contact(m)
            for m in Message.objects.filter(case=case).select_related("author", "unit")
        ),
        *(
            record_contact(r)
            for r in ContactRecord.objects.filter(case=case).select_related("agent__user", "unit")
        ),
        *(
            callback_contact(c)
            for c in CallbackRequest.objects.filter(case=case).select_related(
                "requested_by", "unit"
            )
        ),
        *(
            attempt_contact(a)
            for a in CallbackAttempt.objects.filter(callback__case=case).select_related(
                "callback__unit"
            )
        ),
    ]
    return sorted(entries, key=lambda entry: (entry["at"], entry["kind"], entry["id"]))


@router.get(
    "/cases/{reference}/contacts",
    response={200: CaseContactsOut, **FAILURES},
    summary="Every contact on a case, in time order",
    operation_id="case_contacts",
)
def case_contacts(request: HttpRequest, reference: str):
    """Messages both ways, calls, visits and letters recorded by agents, call-back
    requests and each attempt to call back, the oldest first. ``kind`` says which;
    ``details`` holds what only that kind has."""
    case = case_of(request, reference)
    return {"case": case.reference, "results": contacts_of(case)}


# ---------------------------------------------------------------------------
# Recording a call or a visit


def people_of(request: HttpRequest) -> QuerySet[Person]:
    return Person.objects.filter(organisation_id=request.agent.organisation_id)


def only_one(found: list[Person], field: str) -> Person:
    if not found:
        raise invalid(field, _("Personne n'a cette coordonnée dans votre administration."))
    if len(found) > 1:
        raise invalid(
            field,
            _(
                "Plusieurs personnes ont cette coordonnée : indiquez plutôt le numéro "
                "d'un de leurs dossiers (« case »)."
            ),
        )
    return found[0]


def person_for(request: HttpRequest, payload: ContactIn) -> tuple[Person, Case | None]:
    """The person, by their case's reference, else their email, else their phone."""
    if payload.case:
        case = (
            queue.backoffice_cases(request.agent)
            .filter(reference=payload.case.strip())
            .select_related("person", "unit")
            .first()
        )
        if case is None:
            raise not_found(field="case")
        return case.person, case
    if payload.email and payload.email.strip():
        email = payload.email.strip()
        return only_one(list(people_of(request).filter(email__iexact=email)[:2]), "email"), None
    if payload.phone and payload.phone.strip():
        number = digits(payload.phone)
        if payload.phone.strip().startswith("+33") and number.startswith("33"):
            number = "0" + number[2:]
        if len(number) < 6:
            raise invalid("phone", _("Indiquez un numéro de téléphone complet."))
        found = list(
            people_of(request)
            .annotate(phone_digits=Digits("phone"))
            .filter(phone_digits=number)[:2]
        )
        return only_one(found, "phone"), None
    raise ApiError(
        HTTPStatus.UNPROCESSABLE_ENTITY,
        "required",
        _("Indiquez le dossier (« case »), l'adresse électronique ou le téléphone de la personne."),
        field="case",
    )


def channel_error(error: ChannelError) -> ApiError:
    if error.field is None:
        return ApiError(HTTPStatus.FORBIDDEN, "forbidden", error.message)
    field = {"person": "case"}.get(error.field, error.field)
    return invalid(field, error.message)


@router.post(
    "/contacts",
    response={201: ContactOut, **BODY_FAILURES},
    summary="Record a call or a visit",
    operation_id="contact_create",
)
def contact_create(request: HttpRequest, payload: ContactIn):
    """A call (``phone``) or a visit (``counter``) with a person, found by the reference
    of one of their cases, or else their email, or else their phone number. On a case,
    the exchange joins the case's history. ``unit`` is one of my units (by default, the
    case's, or my only one); ``occurred_at`` is now when absent, never in the future."""
    person, case = person_for(request, payload)
    if payload.unit:
        unit = unit_of(request, payload.unit)
    elif case is not None:
        unit = case.unit
    else:
        unit = unit_of(request, None)
    try:
        record = contact_record(
            by=request.auth,
            person=person,
            unit=unit,
            channel=payload.channel,
            direction=payload.direction,
            subject=payload.subject,
            outcome=payload.outcome,
            occurred_at=aware(payload.occurred_at) if payload.occurred_at else None,
            case=case,
        )
    except ChannelError as error:
        raise channel_error(error) from None
    journal_api_access(request, person, case=case)
    record = ContactRecord.objects.select_related("agent__user", "unit").get(pk=record.pk)
    return Status(HTTPStatus.CREATED, record_contact(record))
