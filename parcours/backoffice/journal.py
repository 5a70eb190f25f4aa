"""One decorator records, in the access journal, what an agent's page showed or changed.

``@journaled("case")`` under ``@agent_required``: once the view has answered, one entry
is written for the person whose data the page reached (never one per row of a list).
A page shown (GET answered 200) is a read, a document sent is a download, a form that
went through (POST answered by a redirect) is a change, a form shown again with its
errors is a read. Refusals, 404s and redirections to the reason form write nothing.

Kinds of subject, found from the URL's arguments within the agent's organisation:
``case`` (``reference``), ``document`` (``reference`` and ``pk``), ``person`` (``pk``),
``appointment`` (``pk``), ``opinion`` (``pk`` of the request for an opinion).
"""

from functools import wraps
from http import HTTPStatus

from django.db.models import Q

from parcours.appointments.models import Appointment
from parcours.cases.models import Case, Document, OpinionRequest
from parcours.people.models import Person
from parcours.privacy import selectors as access_selectors
from parcours.privacy.enums import JournalAction, JournalPurpose, JournalVia
from parcours.privacy.journal import record_access
from parcours.privacy.services import stated_reason

KINDS = frozenset({"case", "document", "person", "appointment", "opinion"})


def journaled(kind: str):
    if kind not in KINDS:
        raise ValueError(f"Unknown journal subject: {kind!r}")

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            action = _action(request, response, kind)
            agent = getattr(request, "agent", None)
            if action is not None and agent is not None:
                subject = _subject(kind, agent, kwargs)
                if subject is not None:
                    person, case, obj = subject
                    purpose, reason = purpose_for(agent, person, case, opinion=kind == "opinion")
                    record_access(
                        request.user,
                        person,
                        action,
                        case=case,
                        obj=obj,
                        purpose=purpose,
                        reason=reason,
                        request=request,
                        via=JournalVia.BACKOFFICE,
                    )
            return response

        wrapper.journaled = kind
        return wrapper

    return decorate


def _action(request, response, kind: str) -> str | None:
    status = response.status_code
    if request.method == "POST":
        if status in (HTTPStatus.FOUND, HTTPStatus.SEE_OTHER):
            return JournalAction.CHANGE
        return JournalAction.READ if status == HTTPStatus.OK else None
    if request.method in ("GET", "HEAD") and status == HTTPStatus.OK:
        return JournalAction.DOWNLOAD if kind == "document" else JournalAction.READ
    return None


def _subject(kind: str, agent, kwargs):
    """(person, case, object) reached by the page, or None."""
    organisation_id = agent.organisation_id
    if kind in {"case", "document"}:
        case = (
            Case.objects.filter(organisation_id=organisation_id, reference=kwargs.get("reference"))
            .select_related("person")
            .first()
        )
        if case is None:
            return None
        if kind == "document":
            document = Document.objects.filter(case=case, pk=kwargs.get("pk")).first()
            return (case.person, case, document) if document is not None else None
        return case.person, case, None
    if kind == "person":
        person = Person.objects.filter(organisation_id=organisation_id, pk=kwargs.get("pk")).first()
        return (person, None, None) if person is not None else None
    if kind == "appointment":
        appointment = (
            Appointment.objects.filter(unit__organisation_id=organisation_id, pk=kwargs.get("pk"))
            .select_related("person", "case")
            .first()
        )
        if appointment is None or appointment.person is None:
            return None
        return appointment.person, appointment.case, appointment
    opinion = (
        OpinionRequest.objects.filter(organisation_id=organisation_id, pk=kwargs.get("pk"))
        .select_related("case__person")
        .first()
    )
    return (opinion.case.person, opinion.case, None) if opinion is not None else None


def purpose_for(agent, person, case, *, opinion: bool = False) -> tuple[str, str]:
    """Why the agent reached the data: their units' case, an opinion asked of them,
    or an access outside their units with the reason they gave."""
    if opinion:
        return JournalPurpose.OPINION, ""
    in_scope = case is not None and case.unit_id in access_selectors.scope_unit_ids(agent)
    if in_scope:
        return JournalPurpose.CASE_HANDLING, ""
    accesses = access_selectors.active_accesses(agent).filter(person=person)
    if case is not None:
        accesses = accesses.filter(Q(case=case) | Q(case__isnull=True))
    access = accesses.order_by("-created_at").first()
    if access is not None:
        return JournalPurpose.OUT_OF_SCOPE, stated_reason(access)
    return JournalPurpose.CASE_HANDLING, ""
