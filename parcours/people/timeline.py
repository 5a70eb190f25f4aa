"""One timeline of everything a person did with the administration, across channels.

Each source is a function that reads one kind of thing about the person, newest first,
at most ``limit`` of them, within what the agent may read (``Scope``), and returns
``Entry`` rows; ``timeline()`` merges them. A new kind of thing (mandates, once the
Mandate model exists) is one more source function added to ``SOURCES``.

What an agent reads: everything about the cases and exchanges of their own units (and
of cases they opened with a stated reason, or the whole record when they opened it so);
of the cases of other units of the organisation, only that they exist (procedure,
state, unit), without their content.
"""

import dataclasses
import datetime
from collections.abc import Callable

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from .models import Person

PAGE_SIZE = 25


@dataclasses.dataclass(frozen=True)
class Scope:
    """What an agent reads fully. ``unit_ids`` None: every unit (the whole record)."""

    organisation_id: int
    unit_ids: frozenset[int] | None
    case_ids: frozenset[int] = frozenset()

    def covers(self, *, unit_id: int | None, case_id: int | None = None) -> bool:
        if self.unit_ids is None:
            return True
        return unit_id in self.unit_ids or (case_id is not None and case_id in self.case_ids)

    def q(self, unit: str = "unit", case: str = "case") -> Q:
        """The same rule as a query filter, on the given paths to the unit and case ids."""
        if self.unit_ids is None:
            return Q()
        return Q(**{f"{unit}_id__in": self.unit_ids}) | Q(**{f"{case}_id__in": self.case_ids})


@dataclasses.dataclass
class Entry:
    at: datetime.datetime
    kind: str
    kind_label: str
    title: str
    url: str = ""
    detail: str = ""
    state_label: str = ""
    unit_name: str = ""
    # Only the existence of the thing is shown (a case of another unit).
    restricted: bool = False

    @property
    def day(self) -> datetime.date:
        return timezone.localtime(self.at).date()


def _short(text: str) -> str:
    return Truncator(" ".join((text or "").split())).chars(160)


def case_entries(person: Person, scope: Scope, limit: int) -> list[Entry]:
    from parcours.cases.enums import CaseState
    from parcours.cases.models import Case

    cases = (
        Case.objects.filter(organisation_id=scope.organisation_id, person=person)
        .exclude(state=CaseState.DRAFT)
        .select_related("procedure", "unit")
        .order_by("-submitted_at", "-pk")[:limit]
    )
    return [
        Entry(
            at=case.submitted_at or case.created_at,
            kind="case",
            kind_label=_("Dossier"),
            title=case.procedure.title,
            url=reverse("backoffice:case", args=[case.reference]),
            detail=_("Dossier n° %(reference)s") % {"reference": case.reference},
            state_label=case.get_state_display(),
            unit_name=case.unit.name,
            restricted=not scope.covers(unit_id=case.unit_id, case_id=case.pk),
        )
        for case in cases
    ]


def _latest(model, person: Person, scope: Scope, limit: int, *, related, at="created_at"):
    """The person's rows of a model with a unit and a case, within the scope, newest
    first (by ``at``), at most ``limit``."""
    return (
        model.objects.filter(organisation_id=scope.organisation_id, person=person)
        .filter(scope.q())
        .select_related(*related)
        .order_by(f"-{at}", "-pk")[:limit]
    )


def _case_url(thing) -> str:
    """The back office page of the case a message or a call-back is about, if any."""
    if thing.case_id and thing.case.reference:
        return reverse("backoffice:case", args=[thing.case.reference])
    return ""


def message_entries(person: Person, scope: Scope, limit: int) -> list[Entry]:
    from parcours.contacts.models import Message

    messages = _latest(Message, person, scope, limit, related=("unit", "case"))
    return [
        Entry(
            at=message.created_at,
            kind="message",
            kind_label=_("Message de l'usager")
            if message.is_from_citizen
            else _("Message du service"),
            title=_short(message.body),
            url=_case_url(message),
            detail=_("Dossier n° %(reference)s") % {"reference": message.case.reference}
            if message.case_id
            else "",
            unit_name=message.unit.name,
        )
        for message in messages
    ]


def callback_entries(person: Person, scope: Scope, limit: int) -> list[Entry]:
    from parcours.contacts.models import CallbackRequest

    callbacks = _latest(CallbackRequest, person, scope, limit, related=("unit", "case"))
    return [
        Entry(
            at=callback.created_at,
            kind="callback",
            kind_label=_("Demande de rappel"),
            title=_short(callback.topic),
            url=_case_url(callback),
            detail=_("Rappel souhaité le %(day)s (%(half_day)s) au %(phone)s")
            % {
                "day": callback.day.strftime("%d/%m/%Y"),
                "half_day": callback.get_half_day_display().lower(),
                "phone": callback.phone,
            },
            state_label=callback.get_status_display(),
            unit_name=callback.unit.name,
        )
        for callback in callbacks
    ]


def appointment_entries(person: Person, scope: Scope, limit: int) -> list[Entry]:
    from parcours.appointments.models import Appointment

    appointments = _latest(
        Appointment, person, scope, limit, related=("unit", "appointment_type"), at="starts_at"
    )
    return [
        Entry(
            at=appointment.starts_at,
            kind="appointment",
            kind_label=_("Rendez-vous"),
            title=appointment.appointment_type.name,
            url=reverse("backoffice:appointment", args=[appointment.pk]),
            detail=_short(appointment.reason),
            state_label=appointment.get_status_display(),
            unit_name=appointment.unit.name,
        )
        for appointment in appointments
    ]


def document_entries(person: Person, scope: Scope, limit: int) -> list[Entry]:
    from parcours.cases.enums import CaseState
    from parcours.cases.models import Document

    documents = (
        Document.objects.filter(organisation_id=scope.organisation_id, case__person=person)
        .exclude(case__state=CaseState.DRAFT)
        .filter(scope.q(unit="case__unit", case="case"))
        .select_related("case__unit")
        .order_by("-uploaded_at", "-pk")[:limit]
    )
    return [
        Entry(
            at=document.uploaded_at,
            kind="document",
            kind_label=_("Pièce"),
            title=document.original_name,
            url=reverse("backoffice:document", args=[document.case.reference, document.pk]),
            detail=_("Dossier n° %(reference)s") % {"reference": document.case.reference},
            unit_name=document.case.unit.name,
        )
        for document in documents
    ]


def identity_dispute_entries(person: Person, scope: Scope, limit: int) -> list[Entry]:
    disputes = person.identity_disputes.filter(organisation_id=scope.organisation_id).order_by(
        "-created_at", "-pk"
    )[:limit]
    return [
        Entry(
            at=dispute.created_at,
            kind="identity_dispute",
            kind_label=_("Contestation d'identité"),
            title=_("%(field)s : « %(value)s » proposé")
            % {"field": dispute.get_field_display(), "value": dispute.proposed_value},
            url=reverse("backoffice:person", args=[person.pk]) + "#identite",
            detail=_short(dispute.explanation),
            state_label=dispute.get_status_display(),
        )
        for dispute in disputes
    ]


def sharing_consent_entries(person: Person, scope: Scope, limit: int) -> list[Entry]:
    consents = (
        person.sharing_consents.filter(organisation_id=scope.organisation_id)
        .filter(scope.q(unit="target_case__unit", case="target_case"))
        .select_related("target_case__unit")
        .order_by("-given_at", "-pk")[:limit]
    )
    return [
        Entry(
            at=consent.given_at,
            kind="sharing_consent",
            kind_label=_("Accord de transmission"),
            title=consent.what,
            url=reverse("backoffice:case", args=[consent.target_case.reference])
            if consent.target_case.reference
            else "",
            detail=_("retiré le %(date)s")
            % {"date": timezone.localtime(consent.withdrawn_at).strftime("%d/%m/%Y")}
            if consent.withdrawn_at
            else "",
            unit_name=consent.target_case.unit.name,
        )
        for consent in consents
    ]


def mandate_entries(person: Person, scope: Scope, limit: int) -> list[Entry]:
    """What helpers did for the person under a mandate (parcours.mandates)."""
    from parcours.mandates.timeline import mandate_entries as entries

    return entries(person, scope, limit)


def channel_entries(person: Person, scope: Scope, limit: int) -> list[Entry]:
    """Calls, visits, letters and call-backs made by agents (parcours.channels)."""
    from parcours.channels.timeline import channel_entries as entries

    return entries(person, scope, limit)


def merge_entries(person: Person, scope: Scope, limit: int) -> list[Entry]:
    """The duplicate records merged into this one, for the audit (parcours.channels)."""
    from parcours.channels.timeline import merge_entries as entries

    return entries(person, scope, limit)


SOURCES: tuple[Callable[[Person, Scope, int], list[Entry]], ...] = (
    case_entries,
    message_entries,
    callback_entries,
    appointment_entries,
    document_entries,
    identity_dispute_entries,
    sharing_consent_entries,
    channel_entries,
    merge_entries,
    mandate_entries,
)


@dataclasses.dataclass
class TimelinePage:
    entries: list[Entry]
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def timeline(person: Person, scope: Scope, *, page: int = 1, size: int = PAGE_SIZE) -> TimelinePage:
    """One page of the person's timeline, newest first.

    The n-th entry of the merged timeline is among the first n of its own source, so
    each source reads only ``page * size + 1`` rows: one query per source, however long
    the person's history.
    """
    page = max(page, 1)
    limit = page * size + 1
    merged = sorted(
        (entry for source in SOURCES for entry in source(person, scope, limit)),
        key=lambda entry: entry.at,
        reverse=True,
    )
    start = (page - 1) * size
    return TimelinePage(
        entries=merged[start : start + size], number=page, has_next=len(merged) > start + size
    )
