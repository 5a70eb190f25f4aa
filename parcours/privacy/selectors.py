"""Reads on what an agent may open, in their units and, with a stated reason, outside."""

import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext as _

from parcours.cases import queue
from parcours.cases.enums import CaseState
from parcours.cases.models import Case
from parcours.organisations import permissions
from parcours.organisations.enums import AgentRole
from parcours.organisations.models import Agent, Unit

from .enums import JournalAction, JournalPurpose, JournalVia
from .models import AccessLogEntry, OutOfScopeAccess


def scope_unit_ids(agent: Agent | None) -> set[int]:
    """The units whose cases the agent reads fully: those they work in or manage."""
    if not permissions.uses_backoffice(agent):
        return set()
    handled = permissions.handled_units(agent).values_list("pk", flat=True)
    managed = permissions.managed_units(agent).values_list("pk", flat=True)
    return set(handled) | set(managed)


def active_accesses(agent: Agent | None, now=None) -> QuerySet[OutOfScopeAccess]:
    """The agent's accesses outside their units that have not expired, in their
    organisation only."""
    if not permissions.uses_backoffice(agent):
        return OutOfScopeAccess.objects.none()
    return OutOfScopeAccess.objects.active(now).filter(
        organisation_id=agent.organisation_id, agent=agent
    )


def readable_cases(agent: Agent | None, now=None) -> QuerySet[Case]:
    """The cases an agent may read in the back-office: their units' cases, and the
    cases they opened with a stated reason, until the access expires. Acting on a case
    (taking it, reassigning it) stays with ``queue.backoffice_cases``."""
    if not permissions.uses_backoffice(agent):
        return Case.objects.none()
    granted = active_accesses(agent, now)
    return (
        Case.objects.filter(organisation_id=agent.organisation_id)
        .exclude(state=CaseState.DRAFT)
        .filter(
            Q(pk__in=queue.backoffice_cases(agent).values("pk"))
            | Q(pk__in=granted.filter(case__isnull=False).values("case_id"))
            | Q(person__in=granted.filter(case__isnull=True).values("person_id"))
        )
    )


def out_of_scope_case(agent: Agent | None, reference: str) -> Case | None:
    """A submitted case of the agent's organisation, by reference, that the agent may
    open only with a reason (or None). Never a case of another organisation."""
    if not permissions.uses_backoffice(agent):
        return None
    return (
        Case.objects.filter(organisation_id=agent.organisation_id, reference=reference)
        .exclude(state=CaseState.DRAFT)
        .exclude(unit_id__in=scope_unit_ids(agent))
        .select_related("procedure", "unit", "person")
        .first()
    )


def has_whole_record(agent: Agent | None, person, now=None) -> bool:
    """May the agent read every unit's part of the person's record (a stated reason)?"""
    return active_accesses(agent, now).filter(person=person, case__isnull=True).exists()


def accesses_seen_by_manager(agent: Agent | None) -> QuerySet[OutOfScopeAccess]:
    """The accesses to the cases of the units a manager manages; for an organisation
    administrator, also the openings of whole records."""
    if not permissions.is_manager(agent):
        return OutOfScopeAccess.objects.none()
    units = Unit.objects.filter(pk__in=permissions.managed_units(agent).values("pk"))
    seen = Q(case__unit__in=units)
    if agent.role == AgentRole.ORGANISATION_ADMIN:
        seen |= Q(case__isnull=True)
    return (
        OutOfScopeAccess.objects.filter(organisation_id=agent.organisation_id)
        .filter(seen)
        .select_related("case__unit", "case__procedure", "person")
        .order_by("-created_at", "-pk")
    )


def accesses_shown_to_person(user, *, case: Case | None = None) -> QuerySet[OutOfScopeAccess]:
    """What a signed-in person sees of the openings of their file outside the unit
    that handles it: on one of their cases (with the openings of their whole record),
    or all of them."""
    if not getattr(user, "is_authenticated", False):
        return OutOfScopeAccess.objects.none()
    shown = OutOfScopeAccess.objects.filter(person__user=user)
    if case is not None:
        shown = shown.filter(person_id=case.person_id).filter(Q(case=case) | Q(case__isnull=True))
    return shown.select_related("case", "organisation").order_by("-created_at", "-pk")


def journal_of(user) -> QuerySet[AccessLogEntry]:
    """The access journal of a signed-in person: every entry about their records, at
    every administration, newest first. Nobody else's."""
    return AccessLogEntry.objects.for_user(user).order_by("-created_at", "-pk")


def journal_sentence(entry: AccessLogEntry) -> str:
    """The entry in plain language, as the person reads it: "Le 12 mars 2026 à 10:05,
    Claire Martin, instructrice (Service Éducation), a consulté votre dossier SCO-…,
    pour le traitement de votre demande." """
    local = timezone.localtime(entry.created_at)
    when = _("Le %(date)s à %(time)s") % {
        "date": date_format(local, "j F Y"),
        "time": time_format(local, "H:i"),
    }
    if entry.actor_name:
        who = entry.actor_name
        if entry.actor_title:
            who = _("%(name)s, %(title)s") % {"name": who, "title": entry.actor_title}
        if entry.actor_units:
            who = _("%(who)s (%(units)s)") % {"who": who, "units": entry.actor_units}
    else:
        who = _("un traitement automatique")
    if entry.case_reference:
        what = _("votre dossier %(reference)s") % {"reference": entry.case_reference}
    else:
        what = _("vos informations personnelles")
    if entry.object_label and entry.object_type == "cases.document":
        what = _("%(what)s (pièce « %(label)s »)") % {"what": what, "label": entry.object_label}
    elif entry.object_label and entry.object_type == "appointments.appointment":
        starts_at = timezone.localtime(datetime.datetime.fromisoformat(entry.object_label))
        what = _("%(what)s (rendez-vous du %(date)s à %(time)s)") % {
            "what": what,
            "date": date_format(starts_at, "j F Y"),
            "time": time_format(starts_at, "H:i"),
        }
    sentence = _("%(when)s, %(who)s %(action)s %(what)s, %(purpose)s") % {
        "when": when,
        "who": who,
        "action": JournalAction(entry.action).label,
        "what": what,
        "purpose": JournalPurpose(entry.purpose).label,
    }
    if entry.via != JournalVia.BACKOFFICE and entry.actor_name:
        sentence = _("%(sentence)s, par %(via)s") % {
            "sentence": sentence,
            "via": JournalVia(entry.via).label,
        }
    return sentence + "."


def processing_register(organisation_id: int) -> list[dict]:
    """The register of processing activities (GDPR art. 30) of an administration, one
    entry per procedure, generated from the procedures' own settings."""
    from parcours.catalog.models import Procedure

    register = []
    procedures = (
        Procedure.objects.filter(organisation_id=organisation_id)
        .select_related("handling_unit", "organisation")
        .order_by("title")
    )
    for procedure in procedures:
        version = procedure.current_version
        definition = (version.form_definition if version else None) or {}
        # Every field the form may ask, conditional ones included.
        fields = [field.get("label", "") for field in definition.get("fields", [])]
        documents = [
            document.get("label", "")
            for document in (version.required_documents if version else [])
        ]
        register.append(
            {
                "procedure": procedure,
                "controller": procedure.organisation.name,
                "purpose": procedure.title,
                "legal_basis": procedure.legal_basis,
                "data": fields,
                "documents": documents,
                "recipients": procedure.handling_unit.name,
                "retention_months": procedure.retention_months,
                "document_retention_months": procedure.document_retention_months,
                "retention_basis": procedure.retention_basis,
            }
        )
    return register
