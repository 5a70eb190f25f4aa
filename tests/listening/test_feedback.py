import datetime
from http import HTTPStatus

import pytest
from django.core import mail, signing
from django.urls import reverse
from django.utils import timezone

from parcours.contacts.enums import MessageDirection
from parcours.contacts.models import Message
from parcours.listening.enums import Clarity, FeedbackTrigger, InvitationStatus
from parcours.listening.errors import ListeningError
from parcours.listening.models import FeedbackInvitation, FeedbackResponse
from parcours.listening.services import feedback
from parcours.listening.tasks import feedback_invitations
from parcours.outbox.services import deliver_due

pytestmark = pytest.mark.sqlite

ANSWER = {"satisfaction": "4", "clarity": Clarity.PARTLY, "comment": "Bien, mais lent."}


def path_of(url):
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


@pytest.fixture
def sent_invitation(decided_case):
    later = timezone.now() + feedback.FEEDBACK_DELAY + datetime.timedelta(minutes=1)
    assert feedback.collect_invitations() == 1
    assert feedback.send_due_invitations(now=later) == 1
    deliver_due()  # the workers' relay sends what the job recorded in the outbox
    return FeedbackInvitation.objects.get()


def survey_url_from_mail():
    (message,) = mail.outbox
    return next(path_of(word) for word in message.body.split() if "/avis/" in word)


def test_a_decision_gives_one_invitation_sent_once_by_email(decided_case, citizen_a):
    assert feedback.collect_invitations() == 1
    assert feedback.collect_invitations() == 0  # once per decision
    invitation = FeedbackInvitation.objects.get()
    assert invitation.trigger == FeedbackTrigger.CASE_DECIDED
    assert invitation.person == citizen_a
    assert feedback.send_due_invitations() == 0  # not before the delay
    later = timezone.now() + feedback.FEEDBACK_DELAY + datetime.timedelta(minutes=1)
    assert feedback.send_due_invitations(now=later) == 1
    assert feedback.send_due_invitations(now=later) == 0
    assert deliver_due() == 1
    (message,) = mail.outbox
    assert message.to == [citizen_a.email]
    assert "2026-SCO-000042" in message.body


def test_a_person_who_declined_news_by_email_is_not_sent_a_survey(decided_case, citizen_a):
    citizen_a.notify_by_email = False
    citizen_a.save()
    feedback.collect_invitations()
    later = timezone.now() + feedback.FEEDBACK_DELAY + datetime.timedelta(minutes=1)
    assert feedback.send_due_invitations(now=later) == 0
    assert FeedbackInvitation.objects.get().status == InvitationStatus.NOT_SENT
    assert deliver_due() == 0
    assert mail.outbox == []


def test_an_answered_message_gives_an_invitation(citizen_a, unit_1, agent_1):
    Message.objects.create(
        organisation=unit_1.organisation,
        person=citizen_a,
        unit=unit_1,
        direction=MessageDirection.FROM_CITIZEN,
        body="Une question",
    )
    reply = Message.objects.create(
        organisation=unit_1.organisation,
        person=citizen_a,
        unit=unit_1,
        direction=MessageDirection.TO_CITIZEN,
        body="La réponse",
        author=agent_1.user,
    )
    assert feedback.collect_invitations() == 1
    invitation = FeedbackInvitation.objects.get()
    assert invitation.source_key == f"message:{reply.pk}"
    assert invitation.trigger == FeedbackTrigger.MESSAGE_ANSWERED


def test_the_periodic_task_collects_and_sends(decided_case):
    result = feedback_invitations.call()
    assert result == {"created": 1, "sent": 0}


def test_the_survey_is_answered_from_the_emailed_link_without_signing_in(client, sent_invitation):
    url = survey_url_from_mail()
    assert client.get(url).status_code == HTTPStatus.OK
    response = client.post(url, ANSWER)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("portal:feedback_thanks")
    answer = FeedbackResponse.objects.get()
    assert (answer.satisfaction, answer.clarity) == (4, Clarity.PARTLY)
    assert answer.unit == sent_invitation.unit
    assert answer.procedure == sent_invitation.procedure
    assert answer.created_on == timezone.localdate()
    sent_invitation.refresh_from_db()
    assert sent_invitation.status == InvitationStatus.ANSWERED


def test_the_response_keeps_no_trace_of_the_person():
    fields = {field.name for field in FeedbackResponse._meta.get_fields()}
    assert not fields & {"person", "invitation", "case", "user", "created_at"}


def test_a_link_cannot_be_replayed_after_answering(client, sent_invitation):
    url = survey_url_from_mail()
    client.post(url, ANSWER)
    response = client.post(url, {**ANSWER, "satisfaction": "1"})
    assert response.status_code == HTTPStatus.GONE
    assert "déjà donné votre avis" in response.content.decode()
    assert client.get(url).status_code == HTTPStatus.GONE
    assert FeedbackResponse.objects.count() == 1
    assert FeedbackResponse.objects.get().satisfaction == 4


def test_a_token_cannot_be_used_for_another_invitation(client, sent_invitation, citizen_b, unit_1):
    other = feedback.invitation_create(
        person=citizen_b,
        trigger=FeedbackTrigger.CALLBACK_DONE,
        source_key="callback:999",
        channel="phone",
        unit=unit_1,
    )
    token = survey_url_from_mail().rstrip("/").rsplit("/", 1)[1]
    with pytest.raises(ListeningError, match="pas valable"):
        feedback.invitation_check(other, token)
    # The link answers its own invitation, never the other one.
    client.post(survey_url_from_mail(), ANSWER)
    other.refresh_from_db()
    assert other.answered_at is None
    sent_invitation.refresh_from_db()
    assert sent_invitation.answered_at is not None


def test_a_forged_token_is_refused(client, sent_invitation):
    forged = signing.TimestampSigner(salt=feedback.LINK_SALT, key="not-the-secret").sign_object(
        {"i": str(sent_invitation.public_id), "n": sent_invitation.nonce}
    )
    url = reverse("portal:feedback", args=[forged])
    response = client.post(url, ANSWER)
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert "pas valable" in response.content.decode()
    tampered = survey_url_from_mail().rstrip("/")[:-2] + "xx/"
    assert client.post(tampered, ANSWER).status_code == HTTPStatus.NOT_FOUND
    assert FeedbackResponse.objects.count() == 0


def test_an_expired_link_is_refused(client, sent_invitation):
    sent_invitation.expires_at = timezone.now() - datetime.timedelta(minutes=1)
    sent_invitation.save()
    response = client.post(survey_url_from_mail(), ANSWER)
    assert response.status_code == HTTPStatus.GONE
    assert "expiré" in response.content.decode()
    assert FeedbackResponse.objects.count() == 0


def test_a_link_older_than_its_lifetime_is_refused_even_if_the_row_says_otherwise(sent_invitation):
    url = survey_url_from_mail()
    token = url.rstrip("/").rsplit("/", 1)[1]
    sent_invitation.expires_at = timezone.now() + datetime.timedelta(days=400)
    sent_invitation.save()
    too_late = timezone.now() + datetime.timedelta(days=feedback.FEEDBACK_VALID_DAYS + 2)
    with pytest.raises(ListeningError, match="expiré"), freeze(too_late):
        feedback.invitation_check(sent_invitation, token, now=too_late)


def test_another_signed_in_person_cannot_answer(client, sent_invitation, citizen_b):
    client.force_login(citizen_b.user)
    response = client.post(survey_url_from_mail(), ANSWER)
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "autre personne" in response.content.decode()
    assert FeedbackResponse.objects.count() == 0


def test_a_missing_answer_is_explained_and_the_text_kept(client, sent_invitation):
    response = client.post(survey_url_from_mail(), {"clarity": "yes", "comment": "Mon texte"})
    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    assert "Choisissez une réponse" in page
    assert "Mon texte" in page
    assert FeedbackResponse.objects.count() == 0


def test_personal_data_in_the_comment_is_masked(client, sent_invitation):
    client.post(
        survey_url_from_mail(), {**ANSWER, "comment": "Rappelez-moi au 06 11 22 33 44, Durand"}
    )
    comment = FeedbackResponse.objects.get().comment
    assert "06 11" not in comment
    assert "Durand" not in comment


def freeze(moment):
    """Signing reads time.time(): move it for the token's age."""
    from unittest import mock

    return mock.patch("django.core.signing.time.time", return_value=moment.timestamp())


def test_a_person_who_chose_text_messages_gets_the_survey_by_sms(decided_case, citizen_a):
    from parcours.channels import sms

    citizen_a.preferred_channel = "sms"
    citizen_a.notify_by_sms = True
    citizen_a.phone = "06 12 34 56 78"
    citizen_a.save()
    sms.outbox.clear()
    feedback.collect_invitations()
    later = timezone.now() + feedback.FEEDBACK_DELAY + datetime.timedelta(minutes=1)
    assert feedback.send_due_invitations(now=later) == 1
    assert deliver_due() == 1
    (text,) = sms.outbox
    assert text.to == "+33612345678"
    assert "/avis/" in text.body
    assert mail.outbox == []
