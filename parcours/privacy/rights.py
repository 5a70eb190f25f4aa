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


def person_data(user, *, readable: bool = False) -> dict:
    """Everything Parcours holds about the signed-in person, at every administration:
    the JSON download (machine-readable) and, with the labels, the readable copy.

    Per administration: the profile with the origin of each value, the preferences, the
    cases (answers, events, documents, decisions, messages, retention), the messages
    outside a case, the appointments, the requests about one's data and the access
    journal; for the account: the mandates given to helpers and the journeys."""
    from parcours.appointments.models import Appointment
    from parcours.people.provenance import held_records

    from .selectors import journal_sentence

    provenance = {record.person.pk: record.values for record in held_records(user)}
    records = []
    for person in people_of(user):
        cases = (
            Case.objects.filter(person=person)
            .select_related("procedure", "unit", "procedure_version")
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
                "profile": [
                    {"label": value.label, "value": value.value, "origin": value.origin}
                    for value in provenance.get(person.pk, [])
                ],
                "preferences": {
                    "preferred_channel": person.preferred_channel,
                    "preferred_language": person.preferred_language,
                    "accessibility_needs": person.accessibility_needs,
                    "accessibility_note": person.accessibility_note,
                    "notify_by_email": person.notify_by_email,
                    "notify_by_sms": person.notify_by_sms,
                },
                "cases": [_case_data(case, readable=readable) for case in cases],
                "messages_without_case": [
                    {
                        "at": _iso(message.created_at),
                        "direction": message.direction,
                        "body": message.body,
                    }
                    for message in Message.objects.filter(
                        person=person, case__isnull=True
                    ).order_by("created_at", "pk")
                ],
                "appointments": [
                    {
                        "starts_at": _iso(appointment.starts_at),
                        "ends_at": _iso(appointment.ends_at),
                        "unit": appointment.unit.name,
                        "procedure": appointment.procedure.title if appointment.procedure else "",
                        "mode": appointment.mode,
                        "status": appointment.status,
                        "reason": appointment.reason,
                    }
                    for appointment in Appointment.objects.filter(person=person)
                    .select_related("unit", "procedure")
                    .order_by("starts_at", "pk")
                ],
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
                        "sentence": journal_sentence(entry),
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
                        "steps": [
                            {
                                "at": _iso(event.created_at),
                                "step": event.kind,
                                "by": event.actor_name,
                                "message": event.message,
                            }
                            for event in request.events.all()
                        ],
                    }
                    for request in person.rights_requests.order_by("created_at")
                ],
            }
        )
    return {
        "generated_at": _iso(timezone.now()),
        "account": {"email": user.email},
        "records": records,
        "mandates": _mandates_data(user),
        "journeys": _journeys_data(user),
    }


def _mandates_data(user) -> list[dict]:
    from parcours.mandates.models import Mandate

    mandates = (
        Mandate.objects.filter(user=user)
        .select_related("helper__user", "organisation")
        .prefetch_related("procedures", "acts")
        .order_by("starts_on", "pk")
    )
    return [
        {
            "helper": mandate.helper.display_name,
            "structure": mandate.organisation.name,
            "procedures": [procedure.title for procedure in mandate.procedures.all()],
            "starts_on": _iso(mandate.starts_on),
            "ends_on": _iso(mandate.ends_on),
            "confirmed_at": _iso(mandate.confirmed_at),
            "revoked_at": _iso(mandate.revoked_at),
            "acts": [
                {"at": _iso(act.created_at), "kind": act.kind, "description": act.description}
                for act in mandate.acts.all()
            ],
        }
        for mandate in mandates
    ]


def _journeys_data(user) -> list[dict]:
    from parcours.journeys.models import Journey

    journeys = (
        Journey.objects.filter(user=user)
        .select_related("life_event")
        .prefetch_related("case_links__case")
        .order_by("started_at", "pk")
    )
    return [
        {
            "life_event": journey.life_event.title,
            "started_at": _iso(journey.started_at),
            "closed_at": _iso(journey.closed_at),
            "cases": [link.case.reference or "" for link in journey.case_links.all()],
        }
        for journey in journeys
    ]


def _questions(case: Case) -> dict:
    version = case.procedure_version
    definition = (version.form_definition if version else None) or {}
    return {
        field.get("name"): field.get("label") or field.get("name")
        for field in definition.get("fields", [])
        if isinstance(field, dict) and field.get("name") in (case.form_data or {})
    }


def _answers_read(case: Case) -> list[dict]:
    """Each answer as the person read it on the review page: the question as the form
    worded it, choices by their label, dates and yes/no in words."""
    from parcours.portal.apply.forms import answer_display

    version = case.procedure_version
    definition = (version.form_definition if version else None) or {}
    answers = case.form_data or {}
    return [
        {
            "question": spec.get("label") or spec["name"],
            "answer": answer_display(spec, answers[spec["name"]]),
        }
        for spec in definition.get("fields", [])
        if isinstance(spec, dict) and spec.get("name") in answers
    ]


def _case_data(case: Case, *, readable: bool = False) -> dict:
    retention = retention_of(case)
    data = {
        "reference": case.reference,
        "procedure": case.procedure.title,
        "unit": case.unit.name,
        "state": case.state,
        "channel": case.channel,
        "created_at": _iso(case.created_at),
        "submitted_at": _iso(case.submitted_at),
        "decision_due_on": _iso(case.decision_due_on),
        "answers": case.form_data,
        # The question asked for each answer, as the form worded it.
        "questions": _questions(case),
        "situation": case.situation,
        "events": [
            {
                "at": _iso(event.created_at),
                "kind": event.kind,
                "to_state": event.to_state,
                "reason": event.reason,
            }
            for event in case.events.filter(visible_to_citizen=True).order_by("created_at", "pk")
        ],
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
    if readable:
        data["answers_list"] = _answers_read(case)
    return data


# The coded values of the copy, and their labels for the readable copy.
def _labels() -> dict[str, dict]:
    from parcours.appointments.enums import AppointmentMode, AppointmentStatus
    from parcours.cases.enums import CaseChannel, DecisionOutcome, EventKind
    from parcours.contacts.enums import MessageDirection
    from parcours.mandates.enums import ActKind
    from parcours.people.enums import Channel, Language

    from .enums import RightsEventKind, RightsRequestStatus

    return {
        "state": dict(CaseState.choices),
        "to_state": dict(CaseState.choices),
        "channel": dict(CaseChannel.choices),
        "preferred_channel": dict(Channel.choices),
        "preferred_language": dict(Language.choices),
        "outcome": dict(DecisionOutcome.choices),
        "direction": dict(MessageDirection.choices),
        "mode": dict(AppointmentMode.choices),
        "status": {**dict(AppointmentStatus.choices), **dict(RightsRequestStatus.choices)},
        "step": dict(RightsEventKind.choices),
        "kind": {
            **dict(EventKind.choices),
            **dict(ActKind.choices),
            **dict(RightsRequestKind.choices),
        },
    }


_MOMENTS = {
    "generated_at",
    "at",
    "created_at",
    "submitted_at",
    "uploaded_at",
    "decided_at",
    "starts_at",
    "ends_at",
    "started_at",
    "closed_at",
    "confirmed_at",
    "revoked_at",
    "documents_until",
    "case_until",
}
_DAYS = {"birth_date", "decision_due_on", "due_on", "starts_on", "ends_on"}


def _parsed(kind, text: str):
    """A date or moment written in ISO format; any other text (a label that happens to
    sit under such a key, e.g. ``{"birth_date": "Date de naissance"}``) as it is."""
    try:
        return kind.fromisoformat(text)
    except ValueError:
        return text


def readable_copy(user) -> dict:
    """The same content as :func:`person_data`, for people: each code beside its label
    (``<key>_label``) and dates as dates, for the page to read or print and its PDF."""
    labels = _labels()

    def walk(value):
        if isinstance(value, list):
            return [walk(item) for item in value]
        if not isinstance(value, dict):
            return value
        shown = {}
        for key, item in value.items():
            if key == "answers":  # the person's own answers: as they were typed
                shown[key] = item
                continue
            if key in _MOMENTS and isinstance(item, str):
                item = _parsed(datetime.datetime, item)
            elif key in _DAYS and isinstance(item, str):
                item = _parsed(datetime.date, item)
            else:
                item = walk(item)
            shown[key] = item
            if key in labels and isinstance(item, str):
                shown[f"{key}_label"] = labels[key].get(item, item)
        return shown

    return walk(person_data(user, readable=True))


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
        request = RightsRequest.objects.create(
            organisation_id=person.organisation_id,
            person=person,
            case=case,
            kind=kind,
            details=details,
            created_at=now,
            due_on=(timezone.localtime(now) + datetime.timedelta(days=ANSWER_WITHIN_DAYS)).date(),
        )
        from .handling import record_received

        record_received(request)
        return request
