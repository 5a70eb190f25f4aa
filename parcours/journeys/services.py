"""Writes on journeys: start one, start a step's procedure with what the person
already gave, take the journey as referent, end it (the person stops it, the referent
closes it), and suggest the next procedures after a decision (never enrol the person).
Each write records a JourneyEvent."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parcours.cases.enums import CaseState
from parcours.cases.errors import CaseError, NotAllowed
from parcours.cases.models import Case
from parcours.cases.services import case_create_draft
from parcours.organisations import permissions
from parcours.people.models import Person

from .enums import JourneyEventKind, JourneyOutcome, StepCondition, StepStatus
from .models import Journey, JourneyCase, JourneyEvent, LifeEvent, LifeEventStep, Suggestion
from .selectors import ACCEPTED_STATES, _answer_matches, all_steps_done, journey_steps

REASON_MAX_LENGTH = 2000


class JourneyError(CaseError):
    pass


def _record(journey: Journey, kind: str, *, by, reason: str = "", **data) -> JourneyEvent:
    return JourneyEvent.objects.create(
        organisation_id=journey.organisation_id,
        journey=journey,
        kind=kind,
        actor=by,
        reason=reason,
        data=data,
    )


def _locked_open(journey: Journey) -> Journey:
    """The journey, locked for the change, refused once it has ended."""
    journey = Journey.objects.select_for_update().get(pk=journey.pk)
    if journey.is_closed:
        raise JourneyError(_("Ce parcours est terminé : il ne peut plus être modifié."))
    return journey


def journey_start(*, life_event: LifeEvent, user) -> Journey:
    """Start (or resume) the person's journey for a life event."""
    if not life_event.is_published:
        raise JourneyError(_("Ce parcours n'est pas ouvert."))
    with transaction.atomic():
        journey = Journey.objects.filter(
            life_event=life_event, user=user, closed_at__isnull=True
        ).first()
        if journey is None:
            journey = Journey.objects.create(
                organisation_id=life_event.referent_unit.organisation_id,
                life_event=life_event,
                user=user,
            )
            _record(journey, JourneyEventKind.STARTED, by=user)
    return journey


def _person_record(user, procedure) -> Person:
    person, _created = Person.objects.get_or_create(
        organisation_id=procedure.organisation_id,
        user=user,
        defaults={
            "given_name": user.first_name,
            "family_name": user.last_name or user.email,
            "email": user.email,
        },
    )
    return person


def _earlier_answers(journey: Journey, definition: dict) -> dict:
    """Answers the person already gave in this journey, for the questions of the same
    name in the next procedure's form ("tell us once" across administrations)."""
    names = {field.get("name") for field in (definition or {}).get("fields", [])}
    answers: dict = {}
    cases = (
        Case.objects.filter(journey_link__journey=journey)
        .exclude(state=CaseState.DRAFT)
        .order_by("submitted_at", "pk")
    )
    for case in cases:
        for name, value in (case.form_data or {}).items():
            if name in names and value not in (None, "", []):
                answers[name] = value
    return answers


def journey_start_step(*, journey: Journey, step: LifeEventStep, by) -> Case:
    """Start the step's procedure for the person, prefilled with what they gave."""
    if journey.user_id != by.pk:
        raise NotAllowed()
    if step.life_event_id != journey.life_event_id:
        raise JourneyError(_("Cette étape n'appartient pas à ce parcours."))
    with transaction.atomic():
        _locked_open(journey)
        link = JourneyCase.objects.filter(journey=journey, step=step).select_related("case").first()
        if link is not None:
            return link.case
        view = next(v for v in journey_steps(journey) if v.step.pk == step.pk)
        if view.status != StepStatus.AVAILABLE:
            raise JourneyError(
                view.reason or _("Cette étape n'est pas encore ouverte."), field="step"
            )
        procedure = step.procedure
        version = procedure.current_version
        person = _person_record(by, procedure)
        case = case_create_draft(
            person=person,
            procedure=procedure,
            by=by,
            form_data=_earlier_answers(journey, version.form_definition if version else {}),
            version=version,
        )
        JourneyCase.objects.create(
            organisation_id=case.organisation_id, journey=journey, step=step, case=case
        )
        _record(
            journey, JourneyEventKind.STEP_STARTED, by=by, step=step.pk, procedure=procedure.code
        )
    return case


def journey_take(*, journey: Journey, agent) -> Journey:
    """An agent of the coordinating unit becomes the journey's referent."""
    if not permissions.may_handle(agent, journey.life_event.referent_unit):
        raise NotAllowed(_("Seuls les agents du service référent coordonnent ce parcours."))
    with transaction.atomic():
        journey = _locked_open(journey)
        journey.referent = agent
        journey.save(update_fields=["referent"])
        _record(journey, JourneyEventKind.REFERENT_TAKEN, by=agent.user, agent=agent.pk)
    return journey


def _clean_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if len(reason) > REASON_MAX_LENGTH:
        raise JourneyError(
            _("Écrivez %(max)s caractères au plus.") % {"max": REASON_MAX_LENGTH}, field="reason"
        )
    return reason


def _end(journey: Journey, outcome: str, kind: str, *, by, reason: str) -> Journey:
    journey.closed_at = timezone.now()
    journey.outcome = outcome
    journey.closing_reason = reason
    journey.save(update_fields=["closed_at", "outcome", "closing_reason"])
    _record(journey, kind, by=by, reason=reason)
    return journey


def journey_abandon(*, journey: Journey, by, reason: str = "") -> Journey:
    """The person stops following their journey, saying why if they wish. The cases
    already sent go on: only the journey ends. Another one may be started later."""
    if journey.user_id != getattr(by, "pk", None):
        raise NotAllowed(_("Seule la personne qui suit ce parcours peut l'arrêter."))
    reason = _clean_reason(reason)
    with transaction.atomic():
        journey = _locked_open(journey)
        return _end(
            journey, JourneyOutcome.ABANDONED, JourneyEventKind.ABANDONED, by=by, reason=reason
        )


def journey_close(*, journey: Journey, agent, reason: str = "") -> Journey:
    """The referent ends the journey. When every step is done (decided or not needed)
    it is completed; before that, the referent closes it with a reason (the person's
    needs are met another way, they moved away…)."""
    if journey.referent_id is None or journey.referent_id != getattr(agent, "pk", None):
        raise NotAllowed(_("Seul l'interlocuteur unique de ce parcours peut le clore."))
    reason = _clean_reason(reason)
    with transaction.atomic():
        journey = _locked_open(journey)
        if all_steps_done(journey):
            outcome, kind = JourneyOutcome.COMPLETED, JourneyEventKind.COMPLETED
        elif not reason:
            raise JourneyError(
                _(
                    "Des étapes ne sont pas encore faites : dites pourquoi vous clôturez "
                    "ce parcours maintenant."
                ),
                field="reason",
            )
        else:
            outcome, kind = JourneyOutcome.CLOSED, JourneyEventKind.CLOSED
        return _end(journey, outcome, kind, by=agent.user, reason=reason)


def suggest_after_decision(case: Case) -> list[Suggestion]:
    """The procedures a decision on ``case`` opens, with the life event's explanation:
    from the case's journey if it has one, else from every published life event. Not
    those the person already asked for."""
    user_id = case.person.user_id
    if user_id is None:
        return []
    link = JourneyCase.objects.filter(case=case).select_related("journey", "step").first()
    steps = LifeEventStep.objects.filter(
        condition__in=[
            StepCondition.AFTER_DECIDED,
            StepCondition.AFTER_ACCEPTED,
            StepCondition.ANSWER_EQUALS,
        ],
        life_event__is_published=True,
    ).select_related("procedure", "after_step")
    if link is not None:
        steps = steps.filter(after_step=link.step)
    else:
        steps = steps.filter(after_step__procedure=case.procedure)
    already = set(
        Case.objects.filter(person__user_id=user_id)
        .exclude(state=CaseState.WITHDRAWN)
        .values_list("procedure_id", flat=True)
    )
    made = []
    for step in steps:
        if step.procedure_id in already or not step.procedure.is_published:
            continue
        if step.condition == StepCondition.AFTER_ACCEPTED and case.state not in ACCEPTED_STATES:
            continue
        if step.condition == StepCondition.ANSWER_EQUALS and not _answer_matches(case, step):
            continue
        suggestion, _created = Suggestion.objects.get_or_create(
            decided_case=case,
            step=step,
            defaults={
                "organisation_id": step.procedure.organisation_id,
                "user_id": user_id,
                "journey": link.journey if link else None,
                "procedure": step.procedure,
                "explanation": step.explanation,
            },
        )
        made.append(suggestion)
    return made
