"""Feedback after each contact and each case decision: invite, send, answer.

The invitations are created by a periodic job (``collect_invitations``) from what
happened in the last days: a case decided or closed, a citizen's message answered by
the service, an appointment the person came to, a call-back made. Each event gets one
invitation at most (``source_key``). They are sent an hour later
(``FEEDBACK_DELAY``) by the person's channel, and the link works for
``FEEDBACK_VALID_DAYS`` days, once, without signing in.

The answer is stored without the person and without the invitation: only the
dimensions of the statistics (organisation, unit, procedure, kind of contact,
channel, day). The free text is masked like a public text (``moderation``).
"""

import datetime
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from parcours.appointments.enums import AppointmentStatus
from parcours.appointments.models import Appointment
from parcours.cases.enums import CaseChannel, Transition
from parcours.cases.models import CaseEvent
from parcours.contacts.enums import CallbackStatus, MessageDirection
from parcours.contacts.models import CallbackRequest, Message
from parcours.outbox.services import outbox_put
from parcours.people.enums import Channel
from parcours.people.models import Person

from .. import tokens
from ..enums import Clarity, FeedbackTrigger, InvitationStatus, Satisfaction
from ..errors import ListeningError
from ..models import FeedbackInvitation, FeedbackResponse
from ..moderation import mask_personal_data

logger = logging.getLogger(__name__)

FEEDBACK_DELAY = datetime.timedelta(hours=1)
FEEDBACK_VALID_DAYS = 30
# How far back the job looks for events (it runs every 15 minutes: a margin for a
# worker stopped a few days).
COLLECT_DAYS = 7
LINK_SALT = "parcours.listening.feedback"

DECISION_TRANSITIONS = [
    Transition.ACCEPT,
    Transition.REJECT,
    Transition.CLOSE_WITHOUT_ACTION,
    Transition.IMPLICIT_ACCEPTANCE,
    Transition.IMPLICIT_REJECTION,
]

# The channel of a case, in the people's words for channels.
CASE_CHANNELS = {
    CaseChannel.ONLINE: Channel.ONLINE,
    CaseChannel.COUNTER: Channel.COUNTER,
    CaseChannel.PHONE: Channel.PHONE,
    CaseChannel.POST: Channel.POST,
    CaseChannel.EMAIL: Channel.EMAIL,
    CaseChannel.HELPER: Channel.HELPER,
    CaseChannel.OPEN311: Channel.ONLINE,
}
APPOINTMENT_CHANNELS = {"counter": Channel.COUNTER, "phone": Channel.PHONE, "video": Channel.ONLINE}


def invitation_create(
    *,
    person: Person,
    trigger: str,
    source_key: str,
    channel: str,
    unit=None,
    procedure=None,
    case=None,
    now: datetime.datetime | None = None,
) -> FeedbackInvitation | None:
    """One invitation for one event; None when that event already has one."""
    now = now or timezone.now()
    send_after = now + FEEDBACK_DELAY
    invitation, created = FeedbackInvitation.objects.get_or_create(
        source_key=source_key,
        defaults={
            "organisation_id": person.organisation_id,
            "person": person,
            "unit": unit,
            "procedure": procedure,
            "case": case,
            "trigger": trigger,
            "channel": channel,
            "nonce": tokens.new_nonce(),
            "send_after": send_after,
            "expires_at": send_after + datetime.timedelta(days=FEEDBACK_VALID_DAYS),
        },
    )
    return invitation if created else None


def _new_only(queryset, prefix: str):
    """Rows of ``queryset`` whose source key ``<prefix>:<pk>`` has no invitation yet."""
    from django.db.models import CharField, Value
    from django.db.models.functions import Cast, Concat

    key = Concat(Value(f"{prefix}:"), Cast("pk", CharField()))
    return queryset.annotate(_key=key).exclude(
        Exists(FeedbackInvitation.objects.filter(source_key=OuterRef("_key")))
    )


def collect_invitations(now: datetime.datetime | None = None) -> int:
    """Create the invitations for the events of the last ``COLLECT_DAYS`` days. Idempotent."""
    now = now or timezone.now()
    since = now - datetime.timedelta(days=COLLECT_DAYS)
    created = 0
    decisions = _new_only(
        CaseEvent.objects.filter(
            transition__in=DECISION_TRANSITIONS, created_at__gte=since, created_at__lte=now
        ),
        "case_event",
    ).select_related("case__person")
    for event in decisions:
        case = event.case
        created += bool(
            invitation_create(
                person=case.person,
                trigger=FeedbackTrigger.CASE_DECIDED,
                source_key=f"case_event:{event.pk}",
                channel=CASE_CHANNELS.get(case.channel, Channel.ONLINE),
                unit=case.unit,
                procedure=case.procedure,
                case=case,
                now=now,
            )
        )
    # A message of the service answering the person's message (same thread, earlier).
    asked = Message.objects.filter(
        direction=MessageDirection.FROM_CITIZEN,
        person=OuterRef("person"),
        unit=OuterRef("unit"),
        created_at__lt=OuterRef("created_at"),
        created_at__gte=since - datetime.timedelta(days=30),
    )
    replies = _new_only(
        Message.objects.filter(
            direction=MessageDirection.TO_CITIZEN, created_at__gte=since, created_at__lte=now
        ).filter(Exists(asked)),
        "message",
    ).select_related("person", "case")
    for message in replies:
        created += bool(
            invitation_create(
                person=message.person,
                trigger=FeedbackTrigger.MESSAGE_ANSWERED,
                source_key=f"message:{message.pk}",
                channel=Channel.ONLINE,
                unit=message.unit,
                procedure=message.case.procedure if message.case else None,
                case=message.case,
                now=now,
            )
        )
    held = _new_only(
        Appointment.objects.filter(
            status=AppointmentStatus.CHECKED_IN, ends_at__gte=since, ends_at__lte=now
        ),
        "appointment",
    ).select_related("person")
    for appointment in held:
        created += bool(
            invitation_create(
                person=appointment.person,
                trigger=FeedbackTrigger.APPOINTMENT_HELD,
                source_key=f"appointment:{appointment.pk}",
                channel=APPOINTMENT_CHANNELS.get(appointment.mode, Channel.COUNTER),
                unit=appointment.unit,
                procedure=appointment.procedure,
                case=appointment.case,
                now=now,
            )
        )
    callbacks = _new_only(
        CallbackRequest.objects.filter(
            status=CallbackStatus.DONE, day__gte=since.date(), day__lte=now.date()
        ),
        "callback",
    ).select_related("person", "case")
    for callback in callbacks:
        created += bool(
            invitation_create(
                person=callback.person,
                trigger=FeedbackTrigger.CALLBACK_DONE,
                source_key=f"callback:{callback.pk}",
                channel=Channel.PHONE,
                unit=callback.unit,
                procedure=callback.case.procedure if callback.case else None,
                case=callback.case,
                now=now,
            )
        )
    return created


def invitation_url(invitation: FeedbackInvitation) -> str:
    token = tokens.make_token(
        salt=LINK_SALT, public_id=invitation.public_id, nonce=invitation.nonce
    )
    path = reverse("portal:feedback", args=[token])
    return settings.PARCOURS_BASE_URL + path


def send_due_invitations(now: datetime.datetime | None = None) -> int:
    """Send the invitations whose time has come by the person's channel: a text message
    if they chose SMS (and gave a mobile number), otherwise an email if they accept
    news by email. The others are marked ``not_sent``. Each is claimed (row lock, skip
    locked), marked and recorded in the outbox in one transaction: sent once, even if
    the worker dies. Returns how many were queued for sending."""
    from ..notifications import FeedbackInvitationNotification, FeedbackInvitationSms
    from ..outgoing import feedback_invitation_message

    now = now or timezone.now()
    sent = 0
    due = FeedbackInvitation.objects.filter(
        status=InvitationStatus.SCHEDULED, send_after__lte=now, expires_at__gt=now
    ).values_list("pk", flat=True)
    for pk in list(due.iterator(chunk_size=500)):
        with transaction.atomic():
            invitation = (
                FeedbackInvitation.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("person", "organisation", "unit__organisation", "procedure", "case")
                .filter(pk=pk, status=InvitationStatus.SCHEDULED)
                .first()
            )
            if invitation is None:
                continue  # another worker has it
            channel = "sms"
            message = FeedbackInvitationSms(invitation)
            if not message.should_send():
                channel, message = "email", FeedbackInvitationNotification(invitation)
            if message.should_send():
                invitation.status = InvitationStatus.SENT
                invitation.sent_at = now
                outbox_put(
                    handler=feedback_invitation_message,
                    key=f"feedback-invitation:{invitation.pk}",
                    invitation_id=invitation.pk,
                    channel=channel,
                )
                sent += 1
            else:
                invitation.status = InvitationStatus.NOT_SENT
            invitation.save(update_fields=["status", "sent_at"])
    return sent


def invitation_for_token(token: str) -> FeedbackInvitation | None:
    """The invitation a link names, or None when the link is not one we signed."""
    try:
        public_id = tokens.token_public_id(token, salt=LINK_SALT)
    except tokens.BadToken:
        return None
    try:
        return (
            FeedbackInvitation.objects.select_related("unit__organisation", "procedure", "person")
            .filter(public_id=public_id)
            .first()
        )
    except ValidationError:  # not a UUID: signed by us, so never, but say no politely
        return None


def _refuse(reason: str):
    messages = {
        "expired": _("Ce lien pour donner votre avis a expiré. Merci d'avoir voulu nous répondre."),
        "answered": _("Vous avez déjà donné votre avis sur cet échange. Merci !"),
        "other_person": _(
            "Ce lien a été envoyé à une autre personne : il ne peut pas servir depuis votre compte."
        ),
    }
    default = _("Ce lien pour donner votre avis n'est pas valable. Vérifiez qu'il est complet.")
    raise ListeningError(messages.get(reason, default))


def invitation_check(invitation: FeedbackInvitation, token: str, *, user=None, now=None) -> None:
    """Raise ``ListeningError`` (with a polite reason) unless the link may be answered."""
    now = now or timezone.now()
    if invitation.is_answered:
        _refuse("answered")
    try:
        tokens.check_token(
            token,
            salt=LINK_SALT,
            public_id=invitation.public_id,
            nonce=invitation.nonce,
            max_age=datetime.timedelta(days=FEEDBACK_VALID_DAYS + 1),
        )
    except tokens.BadToken as error:
        _refuse(error.reason)
    if invitation.is_expired(now):
        _refuse("expired")
    # A signed-in person may only answer their own invitations (the link alone works
    # for anyone who holds it, as an email link does).
    signed_in = user is not None and getattr(user, "is_authenticated", False)
    owner = invitation.person.user_id
    if signed_in and owner is not None and owner != user.pk:
        _refuse("other_person")


def feedback_answer(
    *,
    invitation: FeedbackInvitation,
    token: str,
    satisfaction: int,
    clarity: str,
    comment: str = "",
    user=None,
    now: datetime.datetime | None = None,
) -> FeedbackResponse:
    """Record the answer, once. The response keeps no trace of the person."""
    now = now or timezone.now()
    if satisfaction not in Satisfaction.values:
        raise ListeningError(_("Choisissez une note de 1 à 5."), field="satisfaction")
    if clarity not in Clarity.values:
        raise ListeningError(_("Dites-nous si c'était clair."), field="clarity")
    with transaction.atomic():
        locked = FeedbackInvitation.objects.select_for_update().get(pk=invitation.pk)
        invitation_check(locked, token, user=user, now=now)
        masked = mask_personal_data(
            comment.strip(), names=[locked.person.family_name, locked.person.usual_name]
        )
        response = FeedbackResponse.objects.create(
            organisation_id=locked.organisation_id,
            unit_id=locked.unit_id,
            procedure_id=locked.procedure_id,
            trigger=locked.trigger,
            channel=locked.channel,
            satisfaction=satisfaction,
            clarity=clarity,
            comment=masked.text,
            created_on=timezone.localdate(now),
        )
        locked.answered_at = now
        locked.status = InvitationStatus.ANSWERED
        locked.nonce = ""  # the link can never be used again
        locked.save(update_fields=["answered_at", "status", "nonce"])
    return response
