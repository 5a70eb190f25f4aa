"""Opening a file outside one's units, with a stated reason (journaled, time-limited)."""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parcours.cases.enums import CaseState
from parcours.cases.models import Case
from parcours.organisations import permissions
from parcours.organisations.models import Agent
from parcours.people.models import Person

from .enums import AccessReason, JournalAction, JournalPurpose
from .errors import AccessError
from .journal import record_access
from .models import OutOfScopeAccess
from .selectors import scope_unit_ids

EXPLANATION_MAX_LENGTH = 1_000


def access_expiry(now: datetime.datetime) -> datetime.datetime:
    """The end of the working day (``PARCOURS_OUT_OF_SCOPE_ACCESS_UNTIL``, local time),
    and at least ``PARCOURS_OUT_OF_SCOPE_ACCESS_MIN_MINUTES`` from now."""
    until = datetime.time.fromisoformat(
        getattr(settings, "PARCOURS_OUT_OF_SCOPE_ACCESS_UNTIL", "19:00")
    )
    minimum = datetime.timedelta(
        minutes=getattr(settings, "PARCOURS_OUT_OF_SCOPE_ACCESS_MIN_MINUTES", 60)
    )
    local = timezone.localtime(now)
    end_of_day = local.replace(hour=until.hour, minute=until.minute, second=0, microsecond=0)
    return max(end_of_day, local + minimum)


def access_open(
    *,
    agent: Agent,
    person: Person,
    case: Case | None = None,
    reason: str,
    explanation: str,
    now: datetime.datetime | None = None,
) -> OutOfScopeAccess:
    """Let ``agent`` read ``case`` (or, without a case, the whole record of ``person``)
    although its unit is not theirs, for the rest of the working day.

    Only within the agent's organisation; the reason (a choice and a few words) is
    required, journaled, and shown to the person in their space. This row is the
    journal: it is never changed or deleted by the application.
    """
    now = now or timezone.now()
    if not permissions.uses_backoffice(agent):
        raise AccessError(_("Seuls les agents des services peuvent ouvrir un dossier."))
    if person.organisation_id != agent.organisation_id:
        raise AccessError(_("Ce dossier n'appartient pas à votre administration."))
    if case is not None:
        if case.organisation_id != agent.organisation_id or case.person_id != person.pk:
            raise AccessError(_("Ce dossier n'appartient pas à votre administration."))
        if case.state == CaseState.DRAFT:
            raise AccessError(_("Un brouillon n'est visible que par la personne."))
        if case.unit_id in scope_unit_ids(agent):
            raise AccessError(_("Ce dossier relève déjà de vos services."))
    if reason not in AccessReason.values:
        raise AccessError(_("Choisissez la raison de cette consultation."), field="reason")
    explanation = (explanation or "").strip()
    if not explanation:
        raise AccessError(
            _("Précisez en quelques mots pourquoi vous ouvrez ce dossier."), field="explanation"
        )
    if len(explanation) > EXPLANATION_MAX_LENGTH:
        raise AccessError(
            _("Soyez bref : %(max)s caractères au plus.") % {"max": EXPLANATION_MAX_LENGTH},
            field="explanation",
        )
    with transaction.atomic():
        access = OutOfScopeAccess.objects.create(
            organisation_id=agent.organisation_id,
            agent=agent,
            user=agent.user,
            agent_name=agent.display_name,
            agent_title=agent.title,
            agent_units=", ".join(unit.name for unit in permissions.handled_units(agent)),
            person=person,
            case=case,
            reason=reason,
            explanation=explanation,
            created_at=now,
            expires_at=access_expiry(now),
        )
        record_access(
            agent.user,
            person,
            JournalAction.OPEN_OUT_OF_SCOPE,
            case=case,
            purpose=JournalPurpose.OUT_OF_SCOPE,
            reason=stated_reason(access),
            now=now,
        )
        return access


def stated_reason(access: OutOfScopeAccess) -> str:
    """The reason an agent gave, as kept in the access journal (the choice, then their words)."""
    label = AccessReason(access.reason).label if access.reason in AccessReason.values else ""
    return f"{label} : {access.explanation}" if label else access.explanation
