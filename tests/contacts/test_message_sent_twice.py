"""A message sent twice (a double click, a page sent again) is recorded once, and the
person is told politely; the same words later, or on another thread, are a new message."""

import datetime
import html
from http import HTTPStatus

import pytest
from django.urls import reverse

from parcours.contacts import services
from parcours.contacts.errors import DuplicateMessage
from parcours.contacts.models import Message

pytestmark = pytest.mark.sqlite

THURSDAY_30_APRIL = datetime.datetime(2026, 4, 30, 10, 0, tzinfo=datetime.UTC)
ALREADY_SENT = "Ce message était déjà envoyé : nous ne l'avons pas envoyé une seconde fois."


@pytest.fixture(autouse=True)
def on_thursday_30_april(time_machine):
    time_machine.move_to(THURSDAY_30_APRIL, tick=False)


def text_of(response) -> str:
    return html.unescape(response.content.decode())


def test_the_same_message_posted_twice_on_a_case_is_recorded_once(client, citizen_a, submitted):
    client.force_login(citizen_a.user)
    url = reverse("portal:case_messages", args=[submitted.reference])

    first = client.post(url, {"body": "Quand aurai-je une réponse ?"})
    second = client.post(url, {"body": "Quand aurai-je une réponse ?"}, follow=True)

    assert first.status_code == HTTPStatus.FOUND
    assert second.status_code == HTTPStatus.OK
    assert Message.objects.filter(case=submitted).count() == 1
    assert ALREADY_SENT in text_of(second)


def test_the_same_general_message_posted_twice_is_recorded_once(client, citizen_a, unit_2):
    client.force_login(citizen_a.user)
    data = {"unit": unit_2.pk, "body": "Une question sur la voirie."}

    client.post(reverse("portal:write"), data)
    second = client.post(reverse("portal:write"), data, follow=True)

    assert Message.objects.count() == 1
    assert ALREADY_SENT in text_of(second)


def test_the_service_refuses_an_identical_message_with_the_one_already_sent(citizen_a, submitted):
    sent = services.message_send_from_citizen(case=submitted, by=citizen_a.user, body="Bonjour")

    with pytest.raises(DuplicateMessage) as refused:
        services.message_send_from_citizen(case=submitted, by=citizen_a.user, body=" Bonjour ")

    assert refused.value.sent == sent


def test_the_same_words_later_are_a_new_message(citizen_a, submitted, time_machine):
    services.message_send_from_citizen(case=submitted, by=citizen_a.user, body="Bonjour")
    time_machine.move_to(THURSDAY_30_APRIL + datetime.timedelta(minutes=11), tick=False)

    services.message_send_from_citizen(case=submitted, by=citizen_a.user, body="Bonjour")

    assert Message.objects.count() == 2


def test_a_different_message_or_another_thread_is_sent(citizen_a, submitted, unit_1):
    services.message_send_from_citizen(case=submitted, by=citizen_a.user, body="Bonjour")

    services.message_send_from_citizen(case=submitted, by=citizen_a.user, body="Autre chose")
    services.message_send_from_citizen(
        by=citizen_a.user, body="Bonjour", person=submitted.person, unit=unit_1
    )

    assert Message.objects.count() == 3
