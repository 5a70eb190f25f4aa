"""The agents' work on a case besides the transitions of its life cycle: private
notes, handing the case over to another agent, rerouting it to another unit, asking
another unit for its opinion, and asking the citizen for what is missing.

Like ``services``, each function runs in one transaction, locks the case, checks who is
acting (``holding.ensure_may_act``: the agent who holds the case, or a manager),
records a CaseEvent, and queues the citizen's email for after the commit.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parcours.organisations import permissions
from parcours.organisations.models import Agent, Unit
from parcours.organisations.selectors import agent_for

from . import holding, queue, services
from .enums import OPEN_STATES, EventKind, HoldingChange, OpinionStatus
from .errors import CaseError, NotAllowed
from .models import Case, CaseEvent, OpinionRequest

TEXT_MAX_LENGTH = 5_000


def default_information_due_on(today: datetime.date | None = None) -> datetime.date:
    """The answer date an agent is offered when asking for missing pieces."""
    today = today or timezone.localdate()
    return today + datetime.timedelta(days=settings.PARCOURS_INFORMATION_DUE_DAYS)


def information_request_text(*, missing: str, documents: list[str]) -> str:
    """What the citizen reads: the pieces asked for, one a line, then the agent's words."""
    lines = [f"- {label}" for label in documents]
    text = (missing or "").strip()
    if lines and text:
        return "\n".join(lines) + "\n\n" + text
    return "\n".join(lines) or text


def case_ask_for_information(
    *,
    case: Case,
    by,
    missing: str,
    document_codes: list[str] | tuple[str, ...] = (),
    due_on: datetime.date,
    today: datetime.date | None = None,
) -> Case:
    """Ask the citizen for what is missing (free text, and documents the procedure
    lists) by a date; the legal clock waits (``services.case_request_information``)."""
    known = {
        document["code"]: document["label"]
        for document in case.procedure_version.required_documents or []
    }
    unknown = [code for code in document_codes if code not in known]
    if unknown:
        raise CaseError(_("Choisissez des pièces de la liste."), field="documents")
    from .margins import waived_codes

    if waived := [known[code] for code in document_codes if code in waived_codes(case)]:
        raise CaseError(
            _("L'usager est dispensé de cette pièce : %(labels)s.") % {"labels": ", ".join(waived)},
            field="documents",
        )
    reason = information_request_text(
        missing=missing, documents=[known[code] for code in document_codes]
    )
    if not reason:
        raise CaseError(
            _("Dites ce qui manque : cochez une pièce ou décrivez l'information attendue."),
            field="missing",
        )
    return services.case_request_information(
        case=case, by=by, reason=reason, due_on=due_on, today=today
    )


def case_add_note(*, case: Case, by, text: str) -> CaseEvent:
    """A private note between agents: in the back-office history, never shown to the
    citizen nor sent to them."""
    text = _clean_text(text, field="text", missing=_("Écrivez la note avant de l'enregistrer."))
    with transaction.atomic():
        case = _lock(case)
        agent = agent_for(by)
        if not (
            permissions.may_handle(agent, case.unit) or permissions.may_manage(agent, case.unit)
        ):
            raise NotAllowed(_("Seuls les agents du service peuvent annoter ce dossier."))
        return CaseEvent.objects.create(
            organisation_id=case.organisation_id,
            case=case,
            kind=EventKind.NOTE,
            actor=by,
            reason=text,
            visible_to_citizen=False,
        )


def case_hand_over(*, case: Case, by, to: Agent, reason: str = "") -> Case:
    """The holder (or a manager) hands the case to another agent of its unit. The
    history stays with the case; the citizen is told the name of their new referent.
    Their receipt, a legal act of the day it was issued, is not changed."""
    with transaction.atomic():
        case = _lock(case)
        _ensure_open(case)
        holding.ensure_may_act(case, by)
        holder = permissions.holders_of(case.unit).filter(pk=getattr(to, "pk", None)).first()
        if holder is None:
            raise CaseError(
                _("Choisissez un agent de ce service (%(unit)s).") % {"unit": case.unit.name},
                field="to",
            )
        if case.referent_id == holder.pk:
            raise CaseError(
                _("%(name)s suit déjà ce dossier.") % {"name": holder.display_name}, field="to"
            )
        reason = _clean_text(reason, field="reason", required=False)
        before = case.referent
        case.referent = holder
        case.save(update_fields=["referent", "updated_at"])
        event = queue._record(
            case, by=by, via=HoldingChange.HANDOVER, before=before, after=holder, reason=reason
        )
        from parcours.notifications.services import notify_referent_changed

        notify_referent_changed(event)
    return case


def case_reroute(*, case: Case, by, unit: Unit, reason: str) -> Case:
    """Send a case to the competent unit of the same administration (CRPA L114-2): it
    joins that unit's queue, nobody holds it there yet, and the citizen is told why."""
    with transaction.atomic():
        case = _lock(case)
        _ensure_open(case)
        agent = agent_for(by)
        may = (
            case.referent_id is not None and agent is not None and case.referent_id == agent.pk
        ) or permissions.may_manage(agent, case.unit)
        if not may and case.referent_id is None:
            may = permissions.may_handle(agent, case.unit)
        if not may and not (agent is None and by.is_superuser):
            raise NotAllowed(
                _(
                    "Seuls l'interlocuteur du dossier et les responsables du service le transmettent."
                )
            )
        target = (
            Unit.objects.filter(
                organisation_id=case.organisation_id, is_active=True, pk=getattr(unit, "pk", None)
            )
            .exclude(pk=case.unit_id)
            .first()
        )
        if target is None:
            raise CaseError(_("Choisissez un autre service de l'administration."), field="unit")
        reason = _clean_text(
            reason, field="reason", missing=_("Dites à l'usager pourquoi son dossier est transmis.")
        )
        before_unit, before = case.unit, case.referent
        case.unit = target
        case.referent = None
        case.save(update_fields=["unit", "referent", "updated_at"])
        event = CaseEvent.objects.create(
            organisation_id=case.organisation_id,
            case=case,
            kind=EventKind.REROUTED,
            actor=by,
            reason=reason,
            visible_to_citizen=True,
            data={
                "from_unit_id": before_unit.pk,
                "from_unit": before_unit.name,
                "to_unit_id": target.pk,
                "to_unit": target.name,
                "from_agent_id": before.pk if before else None,
                "from_name": before.display_name if before else "",
            },
        )
        from parcours.notifications.services import notify_rerouted

        notify_rerouted(event)
    return case


# ---------------------------------------------------------------------------
# Opinions from another unit


def opinion_request_create(*, case: Case, by, to_unit: Unit, question: str) -> OpinionRequest:
    """Ask another unit of the administration for its opinion on a case."""
    with transaction.atomic():
        case = _lock(case)
        _ensure_open(case)
        holding.ensure_may_act(case, by)
        target = (
            Unit.objects.filter(
                organisation_id=case.organisation_id,
                is_active=True,
                pk=getattr(to_unit, "pk", None),
            )
            .exclude(pk=case.unit_id)
            .first()
        )
        if target is None:
            raise CaseError(_("Choisissez un autre service de l'administration."), field="to_unit")
        question = _clean_text(
            question, field="question", missing=_("Écrivez la question posée à ce service.")
        )
        if case.opinion_requests.filter(to_unit=target, status=OpinionStatus.PENDING).exists():
            raise CaseError(
                _("Une demande d'avis à ce service attend déjà sa réponse."), field="to_unit"
            )
        request = OpinionRequest.objects.create(
            organisation_id=case.organisation_id,
            case=case,
            from_unit=case.unit,
            to_unit=target,
            question=question,
            asked_by=by,
        )
        CaseEvent.objects.create(
            organisation_id=case.organisation_id,
            case=case,
            kind=EventKind.OPINION_REQUESTED,
            actor=by,
            reason=question,
            visible_to_citizen=False,
            data={"opinion_request_id": request.pk, "to_unit": target.name},
        )
    return request


def opinion_requests_for(agent: Agent | None):
    """The requests for an opinion addressed to the units an agent works in."""
    return (
        OpinionRequest.objects.filter(
            organisation_id=getattr(agent, "organisation_id", None),
            to_unit__in=permissions.handled_units(agent),
        )
        .select_related("case__procedure", "case__person", "from_unit", "to_unit", "asked_by")
        .order_by("status", "-created_at", "-pk")
    )


def opinion_record_read(*, request: OpinionRequest, by) -> bool:
    """Log that an agent of the consulted unit read the case (once a day per agent):
    reading a case outside one's units is an exception, and it leaves a trace."""
    today = timezone.localdate()
    already = CaseEvent.objects.filter(
        case_id=request.case_id,
        kind=EventKind.OPINION_READ,
        actor=by,
        data__opinion_request_id=request.pk,
        created_at__date=today,
    ).exists()
    if already:
        return False
    CaseEvent.objects.create(
        organisation_id=request.organisation_id,
        case_id=request.case_id,
        kind=EventKind.OPINION_READ,
        actor=by,
        visible_to_citizen=False,
        data={"opinion_request_id": request.pk, "unit": request.to_unit.name},
    )
    return True


def opinion_answer(*, request: OpinionRequest, by, answer: str) -> OpinionRequest:
    """An agent of the consulted unit gives its opinion; it joins the case's history."""
    answer = _clean_text(answer, field="answer", missing=_("Écrivez l'avis du service."))
    with transaction.atomic():
        request = (
            OpinionRequest.objects.select_for_update(of=("self",))
            .select_related("to_unit", "case")
            .get(pk=request.pk)
        )
        if not permissions.may_handle(agent_for(by), request.to_unit):
            raise NotAllowed(_("Seuls les agents du service consulté rendent cet avis."))
        if not request.is_pending:
            raise CaseError(_("Cet avis est déjà rendu."))
        request.answer = answer
        request.status = OpinionStatus.ANSWERED
        request.answered_by = by
        request.answered_at = timezone.now()
        request.save(update_fields=["answer", "status", "answered_by", "answered_at"])
        CaseEvent.objects.create(
            organisation_id=request.organisation_id,
            case_id=request.case_id,
            kind=EventKind.OPINION_ANSWERED,
            actor=by,
            reason=answer,
            visible_to_citizen=False,
            data={"opinion_request_id": request.pk, "unit": request.to_unit.name},
        )
    return request


# ---------------------------------------------------------------------------
# Internals


def _lock(case: Case) -> Case:
    if case.pk is None:
        raise CaseError(_("Ce dossier n'est pas enregistré."))
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related("unit__organisation", "referent__user", "procedure", "person")
        .get(pk=case.pk)
    )


def _ensure_open(case: Case) -> None:
    if case.state not in OPEN_STATES:
        raise CaseError(_("Ce dossier est clos : on ne peut plus agir dessus."))


def _clean_text(text, *, field: str, missing: str = "", required: bool = True) -> str:
    if not isinstance(text, str):
        raise CaseError(_("Ce champ doit être un texte."), field=field)
    text = text.strip()
    if required and not text:
        raise CaseError(missing, field=field)
    if len(text) > TEXT_MAX_LENGTH:
        raise CaseError(
            _("Ce texte ne doit pas dépasser %(limit)s caractères.") % {"limit": TEXT_MAX_LENGTH},
            field=field,
        )
    return text
