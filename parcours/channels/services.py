"""Writes of the channels: a call, a visit or a letter recorded by an agent, a person
recorded at the counter, a request filed on a person's behalf, and the triage of
emails received.

Each function checks who acts (an agent of the person's administration, working in
the unit concerned) and what they typed, and runs in one transaction.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parcours.cases.enums import CaseChannel, CaseState, EventKind
from parcours.cases.models import Case, CaseEvent
from parcours.cases.services import case_create_draft
from parcours.catalog.models import Procedure
from parcours.organisations import permissions
from parcours.organisations.models import Organisation, Unit
from parcours.organisations.selectors import agent_for
from parcours.people.enums import Channel
from parcours.people.models import Person

from . import inbound as inbound_mail
from . import uploads
from .enums import ContactChannel, ContactDirection, InboundStatus
from .errors import ChannelError
from .models import AssistedSubmission, ContactRecord, InboundEmail

SUBJECT_MAX_LENGTH = 200
OUTCOME_MAX_LENGTH = 5_000
# A letter is a scan: PDF only (photos of letters are scanned to PDF at the counter).
LETTER_TYPES = {"application/pdf": "pdf"}
# Channels an agent files a request through, and the contact channel they match.
ASSISTED_CHANNELS = {
    CaseChannel.COUNTER: ContactChannel.COUNTER,
    CaseChannel.PHONE: ContactChannel.PHONE,
    CaseChannel.POST: ContactChannel.POST,
    CaseChannel.EMAIL: None,
}


def _agent(by):
    agent = agent_for(by)
    if not permissions.uses_backoffice(agent):
        raise ChannelError(_("Seuls les agents des services peuvent faire cela."))
    return agent


def _check_person(agent, person: Person) -> None:
    if person.organisation_id != agent.organisation_id:
        raise ChannelError(_("Cette personne relève d'une autre administration."), field="person")


def _check_unit(agent, unit: Unit | None) -> Unit:
    if unit is None or not permissions.may_handle(agent, unit):
        raise ChannelError(_("Choisissez l'un de vos services."), field="unit")
    return unit


def _check_case(agent, person: Person, case: Case | None) -> Case | None:
    if case is None:
        return None
    if case.person_id != person.pk or case.state == CaseState.DRAFT:
        raise ChannelError(_("Choisissez l'un des dossiers de cette personne."), field="case")
    if case.unit_id not in {unit.pk for unit in permissions.handled_units(agent)}:
        raise ChannelError(
            _("Ce dossier est suivi par un autre service : rattachez l'échange à la personne."),
            field="case",
        )
    return case


def _clean_text(value: str, *, field: str, required_message: str, limit: int) -> str:
    value = (value or "").strip()
    if not value and required_message:
        raise ChannelError(required_message, field=field)
    if len(value) > limit:
        raise ChannelError(
            _("Raccourcissez ce texte à %(limit)d caractères au plus (il en compte %(count)d).")
            % {"limit": limit, "count": len(value)},
            field=field,
        )
    return value


# ---------------------------------------------------------------------------
# People


def person_record(
    *,
    organisation: Organisation,
    by,
    given_name: str,
    family_name: str,
    birth_date: datetime.date | None = None,
    email: str = "",
    phone: str = "",
    street: str = "",
    postcode: str = "",
    city: str = "",
) -> Person:
    """Record a person who calls, comes to the counter or writes, and is not known yet."""
    agent = _agent(by)
    if agent.organisation_id != organisation.pk:
        raise ChannelError(_("Seuls les agents de cette administration peuvent faire cela."))
    person = Person(
        organisation=organisation,
        given_name=(given_name or "").strip()[:150],
        family_name=(family_name or "").strip()[:150],
        birth_date=birth_date,
        email=(email or "").strip().lower(),
        phone=" ".join((phone or "").split()),
        street=(street or "").strip(),
        postcode=(postcode or "").strip(),
        city=(city or "").strip(),
    )
    if not person.given_name:
        raise ChannelError(_("Indiquez le prénom de la personne."), field="given_name")
    if not person.family_name:
        raise ChannelError(_("Indiquez le nom de la personne."), field="family_name")
    if birth_date and birth_date > timezone.localdate():
        raise ChannelError(_("La date de naissance ne peut pas être à venir."), field="birth_date")
    person.preferred_channel = (
        Channel.EMAIL if person.email else Channel.PHONE if person.phone else Channel.POST
    )
    try:
        person.full_clean(exclude=["user"])
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise ChannelError(messages[0], field=None if field == "__all__" else field) from None
    person.save()
    return person


# ---------------------------------------------------------------------------
# Calls, visits, letters


def contact_record(
    *,
    by,
    person: Person,
    unit: Unit,
    channel: str,
    subject: str,
    occurred_at: datetime.datetime | None = None,
    direction: str = ContactDirection.INBOUND,
    outcome: str = "",
    case: Case | None = None,
    scan=None,
) -> ContactRecord:
    """Record a phone call, a counter visit or a letter received (``scan``: the PDF).

    On a case, the exchange is noted in the case's history, and a letter's scan joins
    the case's documents, checked like any upload."""
    agent = _agent(by)
    _check_person(agent, person)
    unit = _check_unit(agent, unit)
    case = _check_case(agent, person, case)
    if channel not in ContactChannel.values:
        raise ChannelError(_("Choisissez téléphone, guichet ou courrier."), field="channel")
    if direction not in ContactDirection.values:
        raise ChannelError(_("Choisissez le sens de l'échange."), field="direction")
    now = timezone.now()
    occurred_at = occurred_at or now
    if occurred_at > now + datetime.timedelta(minutes=5):
        raise ChannelError(_("L'échange ne peut pas être à venir."), field="occurred_at")
    subject = _clean_text(
        subject,
        field="subject",
        required_message=_("Indiquez l'objet de l'échange en quelques mots."),
        limit=SUBJECT_MAX_LENGTH,
    )
    outcome = _clean_text(outcome, field="outcome", required_message="", limit=OUTCOME_MAX_LENGTH)
    checked = None
    if channel == ContactChannel.POST and direction == ContactDirection.INBOUND:
        if scan is None:
            raise ChannelError(_("Joignez le courrier numérisé, en PDF."), field="scan")
        name, content = uploads.read_upload(scan)
        try:
            checked = uploads.check_file(name, content, types=LETTER_TYPES)
        except uploads.FileRefused as refused:
            raise ChannelError(refused.message, field="scan") from None
    elif scan is not None:
        raise ChannelError(_("Seul un courrier reçu se joint en PDF."), field="scan")
    with transaction.atomic():
        record = ContactRecord(
            organisation_id=person.organisation_id,
            unit=unit,
            person=person,
            case=case,
            channel=channel,
            direction=direction,
            occurred_at=occurred_at,
            subject=subject,
            outcome=outcome,
            agent=agent,
        )
        if checked is not None:
            record.scan_name = checked.name
            record.scan_content_type = checked.content_type
            record.scan_size = checked.size
            record.scan_sha256 = checked.sha256
            from django.core.files.base import ContentFile

            record.scan.save(checked.stored_name, ContentFile(checked.content), save=False)
            if case is not None:
                try:
                    record.document = uploads.attach_to_case(
                        case=case,
                        checked=checked,
                        by=by,
                        reason=_("Courrier reçu le %(date)s : %(subject)s")
                        % {
                            "date": timezone.localtime(occurred_at).strftime("%d/%m/%Y"),
                            "subject": subject,
                        },
                    )
                except uploads.FileRefused as refused:
                    raise ChannelError(refused.message, field="case") from None
        record.save()
        if case is not None:
            CaseEvent.objects.create(
                organisation_id=case.organisation_id,
                case=case,
                kind=EventKind.NOTE,
                actor=by,
                reason=_("%(channel)s (%(direction)s) : %(subject)s%(outcome)s")
                % {
                    "channel": record.get_channel_display(),
                    "direction": record.get_direction_display().lower(),
                    "subject": subject,
                    "outcome": f" — {outcome}" if outcome else "",
                },
                visible_to_citizen=False,
                data={"contact_record_id": record.pk, "channel": channel},
            )
    return record


# ---------------------------------------------------------------------------
# Requests filed by an agent for a person


def assisted_start(
    *,
    by,
    person: Person,
    procedure: Procedure,
    channel: str,
    accompanied: bool = False,
    contact: ContactRecord | None = None,
) -> Case:
    """Start a request on a person's behalf. The channel and the agent are recorded;
    ``accompanied``: the person is at the counter and fills the form in with the agent."""
    agent = _agent(by)
    _check_person(agent, person)
    if channel not in ASSISTED_CHANNELS:
        raise ChannelError(
            _("Choisissez guichet, téléphone, courrier ou courriel."), field="channel"
        )
    if accompanied and channel != CaseChannel.COUNTER:
        raise ChannelError(
            _("L'accompagnement se fait au guichet, la personne présente."), field="accompanied"
        )
    if procedure.organisation_id != agent.organisation_id:
        raise ChannelError(_("Choisissez une démarche de la liste."), field="procedure")
    with transaction.atomic():
        from parcours.cases.errors import CaseError

        try:
            case = case_create_draft(person=person, procedure=procedure, by=by, channel=channel)
        except CaseError as error:
            raise ChannelError(error.message, field="procedure") from None
        AssistedSubmission.objects.create(
            organisation_id=case.organisation_id,
            case=case,
            agent=agent,
            accompanied=accompanied,
            contact=contact,
        )
    return case


# ---------------------------------------------------------------------------
# Triage of emails received


def inbound_attach(*, inbound: InboundEmail, by, person: Person, case: Case | None = None):
    """An agent of the unit attaches an email waiting in triage to a person, and maybe
    to one of their cases: it joins the thread as the person's message."""
    agent = _agent(by)
    _check_unit(agent, inbound.unit)
    _check_person(agent, person)
    case = _check_case(agent, person, case)
    with transaction.atomic():
        inbound = InboundEmail.objects.select_for_update().get(pk=inbound.pk)
        if inbound.status != InboundStatus.TRIAGE:
            raise ChannelError(_("Ce courriel est déjà trié."))
        return inbound_mail.file_from_triage(inbound=inbound, person=person, case=case, by=by)


def inbound_dismiss(*, inbound: InboundEmail, by, reason: str) -> InboundEmail:
    """Set aside an email that needs no answer (advertising, sent by mistake), with why."""
    agent = _agent(by)
    _check_unit(agent, inbound.unit)
    reason = _clean_text(
        reason,
        field="reason",
        required_message=_("Dites pourquoi ce courriel est écarté."),
        limit=1_000,
    )
    with transaction.atomic():
        inbound = InboundEmail.objects.select_for_update().get(pk=inbound.pk)
        if inbound.status != InboundStatus.TRIAGE:
            raise ChannelError(_("Ce courriel est déjà trié."))
        inbound.status = InboundStatus.DISMISSED
        inbound.dismiss_reason = reason
        inbound.handled_by, inbound.handled_at = by, timezone.now()
        inbound.save()
    return inbound
