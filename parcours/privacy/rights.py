"""The rights of the person over their data: a copy of everything (GDPR art. 15 and 20),
a request to correct, object or erase (art. 16, 21, 17), and the retention of each case.

Parcours processes data for a public-interest mission (GDPR art. 6.1.e): erasure does
not apply to what the service must keep to handle a request or as evidence for the
period set by the procedure (art. 17.3.b); objection is examined case by case
(art. 21.1). Both are explained to the person before they ask.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parcours.cases.enums import OPEN_STATES, CaseState
from parcours.cases.models import Case, Document
from parcours.contacts.models import Message
from parcours.people.models import Person

from .enums import RightsRequestKind
from .errors import AccessError
from .models import AccessLogEntry, RightsRequest
from .retention import add_months, closed_cases

# GDPR art. 12.3: an answer within one month.
ANSWER_WITHIN_DAYS = 30
DETAILS_MAX_LENGTH = 3_000


def people_of(user):
    if not getattr(user, "is_authenticated", False):
        return Person.objects.none()
    return Person.objects.filter(user=user).select_related("organisation")


def retention_of(case: Case) -> dict:
    """When a case's documents and the case itself will be purged (None while open)."""
    procedure = case.procedure
    closed_at = None
    if case.state not in OPEN_STATES and case.state != CaseState.DRAFT:
        closed_at = closed_cases().filter(pk=case.pk).values_list("closed_at", flat=True).first()
    return {
        "case_months": procedure.retention_months,
        "document_months": procedure.document_retention_months,
        "closed_at": closed_at,
        "documents_until": add_months(closed_at, procedure.document_retention_months)
        if closed_at
        else None,
        "case_until": add_months(closed_at, procedure.retention_months) if closed_at else None,
    }


def _iso(value):
    if value is None:
        return None
    return value.isoformat()


def person_data(user) -> dict:
    """Everything Parcours holds about the signed-in person, at every administration,
    in a machine-readable form (the JSON download)."""
    records = []
    for person in people_of(user):
        cases = (
            Case.objects.filter(person=person)
            .select_related("procedure", "unit")
            .prefetch_related("decisions")
            .order_by("created_at")
        )
        records.append(
            {
                "administration": person.organisation.name,
                "identity": {
                    "given_name": person.given_name,
                    "family_name": person.family_name,
                    "usual_name": person.usual_name,
                    "birth_date": _iso(person.birth_date),
                    "birth_place": person.birth_place,
                    "identity_certified": person.identity_certified,
                },
                "contact": {
                    "email": person.email,
                    "phone": person.phone,
                    "street": person.street,
                    "postcode": person.postcode,
                    "city": person.city,
                },
                "preferences": {
                    "preferred_channel": person.preferred_channel,
                    "preferred_language": person.preferred_language,
                    "accessibility_needs": person.accessibility_needs,
                    "accessibility_note": person.accessibility_note,
                    "notify_by_email": person.notify_by_email,
                    "notify_by_sms": person.notify_by_sms,
                },
                "cases": [_case_data(case) for case in cases],
                "access_journal": [
                    {
                        "at": _iso(entry.created_at),
                        "who": entry.actor_name,
                        "title": entry.actor_title,
                        "units": entry.actor_units,
                        "action": entry.action,
                        "case": entry.case_reference,
                        "object": entry.object_label,
                        "via": entry.via,
                        "purpose": entry.purpose,
                        "reason": entry.reason,
                    }
                    for entry in AccessLogEntry.objects.filter(person_id=person.pk).order_by("pk")
                ],
                "rights_requests": [
                    {
                        "kind": request.kind,
                        "details": request.details,
                        "status": request.status,
                        "answer": request.answer,
                        "created_at": _iso(request.created_at),
                        "due_on": _iso(request.due_on),
                    }
                    for request in person.rights_requests.order_by("created_at")
                ],
            }
        )
    return {
        "generated_at": _iso(timezone.now()),
        "account": {"email": user.email},
        "records": records,
    }


def _case_data(case: Case) -> dict:
    retention = retention_of(case)
    return {
        "reference": case.reference,
        "procedure": case.procedure.title,
        "unit": case.unit.name,
        "state": case.state,
        "channel": case.channel,
        "created_at": _iso(case.created_at),
        "submitted_at": _iso(case.submitted_at),
        "decision_due_on": _iso(case.decision_due_on),
        "answers": case.form_data,
        "situation": case.situation,
        "documents": [
            {
                "name": document.original_name,
                "type": document.content_type,
                "uploaded_at": _iso(document.uploaded_at),
            }
            for document in Document.objects.filter(case=case).order_by("pk")
        ],
        "decisions": [
            {
                "outcome": decision.outcome,
                "reasons": decision.reasons,
                "decided_at": _iso(decision.created_at),
            }
            for decision in case.decisions.all()
        ],
        "messages": [
            {"at": _iso(message.created_at), "direction": message.direction, "body": message.body}
            for message in Message.objects.filter(case=case).order_by("created_at", "pk")
        ],
        "retention": {
            "case_months": retention["case_months"],
            "document_months": retention["document_months"],
            "documents_until": _iso(retention["documents_until"]),
            "case_until": _iso(retention["case_until"]),
        },
    }


def rights_request_create(
    *,
    user,
    person_id: int | None,
    kind: str,
    details: str,
    case_reference: str = "",
    now: datetime.datetime | None = None,
) -> RightsRequest:
    """Record a person's request about their data, to be answered within a month."""
    now = now or timezone.now()
    people = people_of(user)
    person = people.filter(pk=person_id).first() if person_id else None
    if person is None:
        person = people.first() if people.count() == 1 else None
    if person is None:
        raise AccessError(
            _("Choisissez l'administration à laquelle s'adresse votre demande."),
            field="organisation",
        )
    if kind not in RightsRequestKind.values:
        raise AccessError(_("Choisissez ce que vous demandez."), field="kind")
    details = (details or "").strip()
    if not details:
        raise AccessError(
            _("Dites-nous en quelques mots ce que vous demandez, et sur quelles données."),
            field="details",
        )
    if len(details) > DETAILS_MAX_LENGTH:
        raise AccessError(
            _("Soyez bref : %(max)s caractères au plus.") % {"max": DETAILS_MAX_LENGTH},
            field="details",
        )
    case = None
    if case_reference:
        case = Case.objects.filter(person=person, reference=case_reference.strip()).first()
        if case is None:
            raise AccessError(
                _(
                    "Nous ne trouvons pas ce dossier parmi les vôtres auprès de cette administration."
                ),
                field="case_reference",
            )
    if kind == RightsRequestKind.ERASURE:
        in_progress = Case.objects.filter(person=person, state__in=OPEN_STATES)
        if case is not None:
            in_progress = in_progress.filter(pk=case.pk)
        if in_progress.exists():
            raise AccessError(
                _(
                    "Un dossier en cours d'instruction ne peut pas être effacé : le service "
                    "en a besoin pour répondre à votre demande. Vous pouvez retirer votre "
                    "demande, puis demander l'effacement."
                ),
                field="kind",
            )
    with transaction.atomic():
        return RightsRequest.objects.create(
            organisation_id=person.organisation_id,
            person=person,
            case=case,
            kind=kind,
            details=details,
            created_at=now,
            due_on=(timezone.localtime(now) + datetime.timedelta(days=ANSWER_WITHIN_DAYS)).date(),
        )
