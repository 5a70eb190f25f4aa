"""Writes on the exchanges with citizens: messages to a service, call-back requests.

Each function checks who is acting and what they typed, and runs in one transaction.
Agents are told in the back-office, which lists unanswered messages and pending
call-backs (``Message.objects.unanswered()``, ``CallbackRequest.objects.pending()``).
"""

import datetime

from django.db import models, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from parcours.cases import holding
from parcours.cases.clock import add_delay
from parcours.cases.enums import CaseState
from parcours.cases.models import Case
from parcours.catalog.enums import CommitmentKind, DelayUnit
from parcours.catalog.models import Commitment
from parcours.lib.working_days import add_working_days, is_public_holiday
from parcours.notifications.services import notify_message_to_citizen
from parcours.organisations import permissions
from parcours.organisations.models import Unit
from parcours.organisations.selectors import agent_for
from parcours.people.models import Person

from .enums import HalfDay, MessageDirection
from .errors import ContactError, DuplicateMessage
from .models import CallbackRequest, Message, MessageTemplate

BODY_MAX_LENGTH = 5_000
# The same message from the same person on the same thread within this time is a
# double click or a page sent again, not a new message.
DUPLICATE_WINDOW = datetime.timedelta(minutes=10)
TOPIC_MAX_LENGTH = 1_000
DEFAULT_FIRST_REPLY_WORKING_DAYS = 5
CALLBACK_HORIZON_DAYS = 90


def first_reply_commitment(*, unit: Unit, case: Case | None = None) -> Commitment | None:
    """The published promise on answering messages: the procedure's own, else the
    organisation's general one."""
    commitments = Commitment.objects.filter(
        organisation_id=unit.organisation_id, kind=CommitmentKind.FIRST_REPLY
    )
    if case is not None:
        commitments = commitments.filter(
            models.Q(procedure_id=case.procedure_id) | models.Q(procedure__isnull=True)
        )
    else:
        commitments = commitments.filter(procedure__isnull=True)
    # The procedure's own commitment first (NULLs last on both databases).
    return commitments.order_by(models.F("procedure_id").asc(nulls_last=True), "pk").first()


def answer_due_on(
    *, unit: Unit, case: Case | None = None, sent_on: datetime.date | None = None
) -> datetime.date:
    """The day by which a message sent on ``sent_on`` gets an answer."""
    sent_on = sent_on or timezone.localdate()
    subdivision = unit.holiday_subdivision
    commitment = first_reply_commitment(unit=unit, case=case)
    if commitment is None:
        return add_working_days(sent_on, DEFAULT_FIRST_REPLY_WORKING_DAYS, subdivision)
    if commitment.target_unit == DelayUnit.WORKING_DAYS:
        return add_working_days(sent_on, commitment.target, subdivision)
    return add_delay(
        sent_on, amount=commitment.target, unit=commitment.target_unit, subdivision=subdivision
    )


def _clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ContactError(_("Écrivez votre message avant de l'envoyer."), field="body")
    if len(body) > BODY_MAX_LENGTH:
        raise ContactError(
            _(
                "Votre message compte %(count)d caractères : raccourcissez-le à "
                "%(limit)d caractères au plus."
            )
            % {"count": len(body), "limit": BODY_MAX_LENGTH},
            field="body",
        )
    return body


def message_send_from_citizen(
    *,
    case: Case | None = None,
    by,
    body: str,
    person: Person | None = None,
    unit: Unit | None = None,
) -> Message:
    """A person writes to the service: about one of their cases, or (``case=None``) to a
    unit of an administration that knows them."""
    body = _clean_body(body)
    if case is not None:
        person, unit = case.person, case.unit
        if case.state == CaseState.DRAFT:
            raise ContactError(
                _("Envoyez d'abord votre demande : vous pourrez ensuite nous écrire à son sujet."),
                field="case",
            )
    if person is None or unit is None:
        raise ContactError(_("Choisissez le service à qui écrire."), field="unit")
    if by is None or person.user_id != by.pk:
        raise ContactError(_("Vous ne pouvez écrire que pour vous-même."), field="case")
    if unit.organisation_id != person.organisation_id or not unit.is_active:
        raise ContactError(_("Choisissez un service de la liste."), field="unit")
    with transaction.atomic():
        # One sending at a time per person, so two clicks cannot both pass the check.
        Person.objects.select_for_update().filter(pk=person.pk).first()
        already_sent = (
            Message.objects.filter(
                case=case,
                person=person,
                unit=unit,
                author=by,
                direction=MessageDirection.FROM_CITIZEN,
                body=body,
                created_at__gte=timezone.now() - DUPLICATE_WINDOW,
            )
            .order_by("-created_at")
            .first()
        )
        if already_sent is not None:
            raise DuplicateMessage(already_sent)
        return Message.objects.create(
            organisation_id=unit.organisation_id,
            case=case,
            person=person,
            unit=unit,
            author=by,
            direction=MessageDirection.FROM_CITIZEN,
            body=body,
            answer_due_on=answer_due_on(unit=unit, case=case),
        )


def _clean_phone(phone: str) -> str:
    phone = " ".join((phone or "").split())
    digits = [c for c in phone if c.isdigit()]
    if not phone:
        raise ContactError(_("Indiquez le numéro auquel vous rappeler."), field="phone")
    if len(digits) < 10 or any(not (c.isdigit() or c in " +.-()") for c in phone):
        raise ContactError(
            _("Ce numéro n'est pas valide : écrivez 10 chiffres, par exemple 06 12 34 56 78."),
            field="phone",
        )
    return phone


# A half-day the unit is open: a morning period starts before noon, an afternoon one
# ends after 1 p.m.
NOON = datetime.time(12, 0)
AFTERNOON_FROM = datetime.time(13, 0)


def open_half_days(unit: Unit, day: datetime.date) -> set[str]:
    """The half-days of ``day`` when the unit is open, by its opening hours and its
    exceptional closures. A unit without opening hours is taken as open on weekdays."""
    from parcours.appointments.models import Closure
    from parcours.organisations.models import OpeningHours

    periods = list(
        OpeningHours.objects.filter(unit=unit).values_list("weekday", "opens_at", "closes_at")
    )
    if not periods:
        halves = {HalfDay.MORNING, HalfDay.AFTERNOON} if day.weekday() < 5 else set()
    else:
        halves = set()
        for weekday, opens_at, closes_at in periods:
            if weekday != day.weekday():
                continue
            if opens_at < NOON:
                halves.add(HalfDay.MORNING)
            if closes_at > AFTERNOON_FROM:
                halves.add(HalfDay.AFTERNOON)
    if not halves:
        return halves
    tz = timezone.get_current_timezone()
    bounds = {
        HalfDay.MORNING: (datetime.time(8, 0), NOON),
        HalfDay.AFTERNOON: (AFTERNOON_FROM, datetime.time(18, 0)),
    }
    for half in list(halves):
        start, end = (datetime.datetime.combine(day, moment, tzinfo=tz) for moment in bounds[half])
        if Closure.objects.filter(unit=unit, starts_at__lte=start, ends_at__gte=end).exists():
            halves.discard(half)
    return halves


def check_callback_day(
    *, unit: Unit, day: datetime.date, today: datetime.date, half_day: str | None = None
) -> None:
    """A call-back is planned on a working day of the unit, from tomorrow on, in a
    half-day when the unit is open (its opening hours, less its closures)."""
    if day <= today:
        raise ContactError(
            _("Choisissez un jour à venir, à partir de demain."),
            field="day",
        )
    if day > today + datetime.timedelta(days=CALLBACK_HORIZON_DAYS):
        raise ContactError(
            _("Choisissez un jour dans les trois prochains mois."),
            field="day",
        )
    if day.weekday() >= 5:
        raise ContactError(
            _(
                "Le service ne rappelle pas le samedi ni le dimanche : choisissez un jour "
                "du lundi au vendredi."
            ),
            field="day",
        )
    if is_public_holiday(day, unit.holiday_subdivision):
        raise ContactError(
            _("Le %(date)s est un jour férié : choisissez un autre jour.")
            % {"date": formats.date_format(day, "j F Y")},
            field="day",
        )
    if half_day is not None and half_day not in open_half_days(unit, day):
        raise ContactError(
            _(
                "Le service n'est pas ouvert le %(date)s %(moment)s : choisissez un autre "
                "moment, pendant ses heures d'ouverture."
            )
            % {
                "date": formats.date_format(day, "l j F"),
                "moment": HalfDay(half_day).label.lower(),
            },
            field="half_day",
        )


def callback_request(
    *,
    person: Person,
    unit: Unit,
    by,
    phone: str,
    day: datetime.date,
    half_day: str,
    topic: str,
    case: Case | None = None,
) -> CallbackRequest:
    """A person asks to be called back by a unit on a working day, morning or afternoon."""
    if person is None or by is None or person.user_id != by.pk:
        raise ContactError(_("Vous ne pouvez demander un rappel que pour vous-même."))
    if unit.organisation_id != person.organisation_id or not unit.is_active:
        raise ContactError(_("Choisissez un service de la liste."), field="unit")
    if case is not None and case.person_id != person.pk:
        raise ContactError(_("Choisissez l'un de vos dossiers."), field="case")
    phone = _clean_phone(phone)
    if half_day not in HalfDay.values:
        raise ContactError(_("Choisissez le matin ou l'après-midi."), field="half_day")
    check_callback_day(unit=unit, day=day, today=timezone.localdate(), half_day=half_day)
    topic = (topic or "").strip()
    if not topic:
        raise ContactError(
            _("Dites-nous en quelques mots pourquoi vous souhaitez être rappelé."), field="topic"
        )
    if len(topic) > TOPIC_MAX_LENGTH:
        raise ContactError(
            _("Raccourcissez l'objet de l'appel à %(limit)d caractères au plus.")
            % {"limit": TOPIC_MAX_LENGTH},
            field="topic",
        )
    with transaction.atomic():
        return CallbackRequest.objects.create(
            organisation_id=unit.organisation_id,
            person=person,
            unit=unit,
            case=case,
            phone=phone,
            day=day,
            half_day=half_day,
            topic=topic,
        )


# ---------------------------------------------------------------------------
# Agents write to citizens, from editable templates


def templates_for(case: Case):
    """The active templates an agent may start from on a case: its procedure's and the
    administration's general ones."""
    return MessageTemplate.objects.filter(
        models.Q(procedure_id=case.procedure_id) | models.Q(procedure__isnull=True),
        organisation_id=case.organisation_id,
        is_active=True,
    ).order_by("title", "pk")


class _Keep(dict):
    """Leaves an unknown placeholder as written, so nothing is silently lost."""

    def __missing__(self, key):
        return "{" + key + "}"


def template_values(*, case: Case, agent=None) -> dict:
    due = case.citizen_due_on or case.decision_due_on
    return {
        "prenom": case.person.given_name,
        "nom": case.person.family_name,
        "reference": case.reference or "",
        "demarche": case.procedure.title,
        "date_limite": formats.date_format(due, "j F Y") if due else "",
        "service": case.unit.name,
        "agent": agent.display_name if agent is not None else "",
    }


def template_fill(template: MessageTemplate, *, case: Case, agent=None) -> str:
    """The template's text with the case's values in place of its placeholders."""
    try:
        return template.body.format_map(_Keep(template_values(case=case, agent=agent)))
    except (ValueError, IndexError, AttributeError):  # a stray brace: the text as written
        return template.body


def message_send_to_citizen(
    *, case: Case, by, body: str, template: MessageTemplate | None = None
) -> Message:
    """The agent who holds a case (or a manager) writes to the citizen: the message
    joins the case's thread, and the citizen is told by email."""
    body = _clean_body(body)
    if case.state == CaseState.DRAFT:
        raise ContactError(_("Ce dossier n'est pas encore envoyé."), field="case")
    if template is not None and template.organisation_id != case.organisation_id:
        raise ContactError(_("Choisissez un modèle de la liste."), field="template")
    with transaction.atomic():
        case = (
            Case.objects.select_for_update(of=("self",))
            .select_related("unit", "person", "referent__user", "procedure")
            .get(pk=case.pk)
        )
        if case.is_open:
            holding.ensure_may_act(case, by)
        else:  # a closed case: nobody takes it any more; its unit may still write
            agent = agent_for(by)
            if not (
                permissions.may_handle(agent, case.unit) or permissions.may_manage(agent, case.unit)
            ):
                raise ContactError(_("Seuls les agents du service écrivent à cet usager."))
        message = Message.objects.create(
            organisation_id=case.organisation_id,
            case=case,
            person=case.person,
            unit=case.unit,
            author=by,
            direction=MessageDirection.TO_CITIZEN,
            body=body,
        )
        notify_message_to_citizen(message)
    return message


def message_template_save(
    *,
    organisation,
    by,
    title: str,
    body: str,
    procedure=None,
    is_active: bool = True,
    template: MessageTemplate | None = None,
) -> MessageTemplate:
    """Create or change a template of the administration (its managers only)."""
    agent = agent_for(by)
    if not permissions.is_manager(agent) or agent.organisation_id != organisation.pk:
        raise ContactError(_("Seuls les responsables gèrent les modèles de message."))
    if template is not None and template.organisation_id != organisation.pk:
        raise ContactError(_("Ce modèle appartient à une autre administration."))
    if procedure is not None and procedure.organisation_id != organisation.pk:
        raise ContactError(_("Choisissez une démarche de la liste."), field="procedure")
    title = (title or "").strip()
    if not title:
        raise ContactError(_("Donnez un titre au modèle."), field="title")
    body = _clean_body(body)
    template = template or MessageTemplate(organisation=organisation)
    template.title, template.body = title, body
    template.procedure, template.is_active = procedure, is_active
    template.save()
    return template
