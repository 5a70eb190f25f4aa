"""Call-backs on the agents' side: a request taken on the phone or at the counter, and
the outcome of each call made (reached, no answer, to call again on another day).

The day and moment of a call-back always fall within the unit's opening hours, less
its closures (``contacts.services.check_callback_day``), whoever asks."""

import datetime

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parcours.cases.models import Case
from parcours.contacts.enums import CallbackOutcome, CallbackStatus, HalfDay
from parcours.contacts.errors import ContactError
from parcours.contacts.models import CallbackAttempt, CallbackRequest
from parcours.contacts.services import TOPIC_MAX_LENGTH, _clean_phone, check_callback_day
from parcours.organisations import permissions
from parcours.organisations.models import Unit
from parcours.organisations.selectors import agent_for
from parcours.people.models import Person

from .errors import ChannelError

NOTE_MAX_LENGTH = 2_000


def _agent_of(by, unit: Unit):
    agent = agent_for(by)
    if not permissions.uses_backoffice(agent) or not permissions.may_handle(agent, unit):
        raise ChannelError(_("Seuls les agents de ce service peuvent faire cela."), field="unit")
    return agent


def pending_for(agent) -> models.QuerySet[CallbackRequest]:
    """The call-backs the agent's units owe, the earliest first."""
    return (
        CallbackRequest.objects.filter(
            organisation_id=agent.organisation_id,
            unit__in=permissions.handled_units(agent),
            status=CallbackStatus.PENDING,
        )
        .select_related("person", "unit", "case")
        .annotate(attempt_count=models.Count("attempts"))
        .order_by("day", "half_day", "created_at", "pk")
    )


def callback_request_for(
    *,
    by,
    person: Person,
    unit: Unit,
    phone: str,
    day: datetime.date,
    half_day: str,
    topic: str,
    case: Case | None = None,
) -> CallbackRequest:
    """An agent takes a call-back request for a person (a phone menu, a call, the
    counter): the same rules as when the person asks from their space."""
    agent = _agent_of(by, unit)
    if person.organisation_id != agent.organisation_id:
        raise ChannelError(_("Cette personne relève d'une autre administration."))
    if case is not None and case.person_id != person.pk:
        raise ChannelError(_("Choisissez l'un des dossiers de cette personne."), field="case")
    try:
        phone = _clean_phone(phone)
        if half_day not in HalfDay.values:
            raise ContactError(_("Choisissez le matin ou l'après-midi."), field="half_day")
        check_callback_day(unit=unit, day=day, today=timezone.localdate(), half_day=half_day)
    except ContactError as error:
        raise ChannelError(error.message, field=error.field) from None
    topic = (topic or "").strip()
    if not topic:
        raise ChannelError(_("Indiquez l'objet de l'appel en quelques mots."), field="topic")
    if len(topic) > TOPIC_MAX_LENGTH:
        raise ChannelError(
            _("Raccourcissez l'objet de l'appel à %(limit)d caractères au plus.")
            % {"limit": TOPIC_MAX_LENGTH},
            field="topic",
        )
    return CallbackRequest.objects.create(
        organisation_id=unit.organisation_id,
        person=person,
        unit=unit,
        case=case,
        phone=phone,
        day=day,
        half_day=half_day,
        topic=topic,
        requested_by=by,
    )


def callback_record_outcome(
    *,
    by,
    callback: CallbackRequest,
    outcome: str,
    note: str = "",
    next_day: datetime.date | None = None,
    next_half_day: str = "",
) -> CallbackAttempt:
    """The agent who called back records what happened. Reached: the call-back is
    done. No answer: it stays to do. To call again: it moves to the day agreed."""
    agent = _agent_of(by, callback.unit)
    if outcome not in CallbackOutcome.values:
        raise ChannelError(_("Choisissez le résultat de l'appel."), field="outcome")
    note = (note or "").strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise ChannelError(
            _("Raccourcissez la note à %(limit)d caractères au plus.") % {"limit": NOTE_MAX_LENGTH},
            field="note",
        )
    if outcome == CallbackOutcome.CALL_AGAIN:
        if next_day is None:
            raise ChannelError(_("Indiquez le jour convenu pour rappeler."), field="next_day")
        if next_half_day not in HalfDay.values:
            raise ChannelError(_("Choisissez le matin ou l'après-midi."), field="next_half_day")
        try:
            check_callback_day(
                unit=callback.unit,
                day=next_day,
                today=timezone.localdate(),
                half_day=next_half_day,
            )
        except ContactError as error:
            field = {"day": "next_day", "half_day": "next_half_day"}.get(error.field, error.field)
            raise ChannelError(error.message, field=field) from None
    else:
        next_day, next_half_day = None, ""
    with transaction.atomic():
        callback = CallbackRequest.objects.select_for_update().get(pk=callback.pk)
        if callback.status != CallbackStatus.PENDING:
            raise ChannelError(_("Ce rappel n'est plus à faire."))
        attempt = CallbackAttempt.objects.create(
            organisation_id=callback.organisation_id,
            callback=callback,
            outcome=outcome,
            note=note,
            by=by,
            by_name=agent.display_name,
            next_day=next_day,
            next_half_day=next_half_day,
        )
        if outcome == CallbackOutcome.REACHED:
            callback.status = CallbackStatus.DONE
        elif outcome == CallbackOutcome.CALL_AGAIN:
            callback.day, callback.half_day = next_day, next_half_day
        callback.save(update_fields=["status", "day", "half_day"])
    return attempt
