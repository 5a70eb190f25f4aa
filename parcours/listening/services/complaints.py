"""Complaints (réclamations) about the service itself.

Received online from the citizen space or recorded by an agent (phone, counter,
post, email); acknowledged at once by email with a reference; to be answered by the
date of the organisation's complaint commitment (``CommitmentKind.COMPLAINT``, the
most specific one for the unit and procedure), or ``DEFAULT_RESPONSE_DAYS`` working
days when none is published; escalated to the unit's managers by a periodic job when
that date has passed; answered with a root cause.
"""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parcours.catalog.enums import CommitmentKind
from parcours.commitments.selectors import commitment_for, due_on
from parcours.lib.working_days import add_working_days
from parcours.organisations import permissions
from parcours.organisations.models import Agent, Unit
from parcours.outbox.services import outbox_put
from parcours.people.models import Person

from ..enums import ComplaintChannel, ComplaintEventKind, ComplaintStatus, RootCause
from ..errors import ListeningError
from ..models import Complaint, ComplaintEvent

# Without a published commitment: answered within 15 working days.
DEFAULT_RESPONSE_DAYS = 15


def response_due_on(*, unit: Unit, procedure=None, received: datetime.date) -> datetime.date:
    commitment = commitment_for(CommitmentKind.COMPLAINT, unit=unit, procedure=procedure)
    subdivision = unit.holiday_subdivision or ""
    if commitment is not None:
        return due_on(commitment, received, subdivision=subdivision)
    return add_working_days(received, DEFAULT_RESPONSE_DAYS, subdivision)


def _event(complaint, kind, *, actor=None, note="", visible=True, now=None):
    return ComplaintEvent.objects.create(
        organisation_id=complaint.organisation_id,
        complaint=complaint,
        kind=kind,
        actor=actor,
        note=note,
        visible_to_citizen=visible,
        created_at=now or timezone.now(),
    )


def complaint_file(
    *,
    person: Person,
    unit: Unit,
    subject: str,
    description: str,
    expected: str = "",
    procedure=None,
    cases=(),
    channel: str = ComplaintChannel.ONLINE,
    recorded_by: Agent | None = None,
    by=None,
    now: datetime.datetime | None = None,
) -> Complaint:
    """Record a complaint and acknowledge it (email with the reference and the date)."""
    now = now or timezone.now()
    if unit.organisation_id != person.organisation_id:
        raise ListeningError(_("Ce service ne relève pas de cette administration."), field="unit")
    if procedure is not None and procedure.organisation_id != unit.organisation_id:
        raise ListeningError(
            _("Cette démarche ne relève pas de cette administration."), field="procedure"
        )
    cases = list(cases)
    if any(case.person_id != person.pk for case in cases):
        raise ListeningError(
            _("Un dossier choisi n'est pas celui de cette personne."), field="cases"
        )
    if (
        recorded_by is not None
        and not permissions.may_handle(recorded_by, unit)
        and not permissions.is_manager(recorded_by)
    ):
        raise ListeningError(_("Vous ne pouvez enregistrer une réclamation que pour vos services."))
    with transaction.atomic():
        complaint = Complaint.objects.create(
            organisation_id=unit.organisation_id,
            person=person,
            unit=unit,
            procedure=procedure,
            channel=channel,
            recorded_by=recorded_by,
            subject=subject.strip(),
            description=description.strip(),
            expected=expected.strip(),
            due_on=response_due_on(
                unit=unit, procedure=procedure, received=timezone.localdate(now)
            ),
            acknowledged_at=now,
        )
        complaint.reference = f"RECL-{timezone.localdate(now).year}-{complaint.pk:06d}"
        complaint.save(update_fields=["reference"])
        complaint.cases.set(cases)
        _event(complaint, ComplaintEventKind.RECEIVED, actor=by, now=now)
        _event(complaint, ComplaintEventKind.ACKNOWLEDGED, now=now)
        _notify(complaint, "acknowledged")
    return complaint


def _notify(complaint: Complaint, kind: str) -> None:
    """Record the email to the complainant in the outbox, in the change's transaction."""
    from ..outgoing import complaint_email

    outbox_put(
        handler=complaint_email,
        key=f"complaint:{complaint.pk}:{kind}",
        complaint_id=complaint.pk,
        kind=kind,
    )


def may_work(agent: Agent | None, complaint: Complaint) -> bool:
    if not permissions.uses_backoffice(agent) or agent.organisation_id != complaint.organisation_id:
        return False
    return permissions.may_handle(agent, complaint.unit) or permissions.may_manage(
        agent, complaint.unit
    )


def complaint_take(*, complaint: Complaint, by: Agent, now=None) -> Complaint:
    if not may_work(by, complaint):
        raise ListeningError(_("Cette réclamation ne concerne pas vos services."))
    if complaint.status == ComplaintStatus.ANSWERED:
        raise ListeningError(_("Cette réclamation a déjà reçu sa réponse."))
    complaint.handler = by
    complaint.status = ComplaintStatus.IN_PROGRESS
    complaint.save(update_fields=["handler", "status"])
    _event(complaint, ComplaintEventKind.TAKEN, actor=by.user, now=now)
    return complaint


def complaint_answer(
    *, complaint: Complaint, by: Agent, response: str, root_cause: str, now=None
) -> Complaint:
    """Answer the person, with the root cause for the service's own analysis."""
    now = now or timezone.now()
    if not may_work(by, complaint):
        raise ListeningError(_("Cette réclamation ne concerne pas vos services."))
    if complaint.status == ComplaintStatus.ANSWERED:
        raise ListeningError(_("Cette réclamation a déjà reçu sa réponse."))
    if not response.strip():
        raise ListeningError(_("Écrivez la réponse à la personne."), field="response")
    if root_cause not in RootCause.values:
        raise ListeningError(_("Choisissez la cause de la réclamation."), field="root_cause")
    with transaction.atomic():
        complaint.response = response.strip()
        complaint.root_cause = root_cause
        complaint.status = ComplaintStatus.ANSWERED
        complaint.answered_at = now
        complaint.answered_by = by
        complaint.handler = complaint.handler or by
        complaint.save()
        _event(complaint, ComplaintEventKind.ANSWERED, actor=by.user, now=now)
        _notify(complaint, "answered")
    return complaint


def escalate_overdue(now: datetime.datetime | None = None) -> int:
    """Mark each open complaint past its date as escalated, once, and tell the unit's
    managers. Idempotent: an escalated complaint is not escalated again."""
    now = now or timezone.now()
    from ..outgoing import complaint_escalation_email

    count = 0
    overdue = Complaint.objects.overdue(timezone.localdate(now)).filter(escalated_at__isnull=True)
    for complaint in overdue.select_related("unit"):
        with transaction.atomic():
            updated = Complaint.objects.filter(pk=complaint.pk, escalated_at__isnull=True).update(
                escalated_at=now
            )
            if not updated:
                continue
            _event(complaint, ComplaintEventKind.ESCALATED, visible=True, now=now)
            outbox_put(
                handler=complaint_escalation_email,
                key=f"complaint:{complaint.pk}:escalated",
                complaint_id=complaint.pk,
            )
            count += 1
    return count


def managers_of(complaint: Complaint) -> list[Agent]:
    """The unit's managers, and the organisation's administrators."""
    from parcours.organisations.enums import AgentRole

    agents = Agent.objects.filter(
        organisation_id=complaint.organisation_id, is_active=True
    ).select_related("user")
    unit_managers = agents.filter(role=AgentRole.UNIT_MANAGER, units=complaint.unit)
    admins = agents.filter(role=AgentRole.ORGANISATION_ADMIN)
    return list({agent.pk: agent for agent in [*unit_managers, *admins]}.values())
