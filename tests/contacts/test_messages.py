"""A message thread per case, general messages, and the published answer commitment."""

import datetime
import html
from http import HTTPStatus

import pytest
from django.urls import reverse

from parcours.catalog.enums import CommitmentKind
from parcours.catalog.models import Commitment
from parcours.contacts import services
from parcours.contacts.enums import MessageDirection
from parcours.contacts.errors import ContactError
from parcours.contacts.models import Message
from tests.factories import date

pytestmark = pytest.mark.sqlite

# The day before 1 May (Labour Day) and a week before 8 May (Victory in Europe Day).
THURSDAY_30_APRIL = datetime.datetime(2026, 4, 30, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def on_thursday_30_april(time_machine):
    time_machine.move_to(THURSDAY_30_APRIL, tick=False)


def text_of(response) -> str:
    return html.unescape(response.content.decode())


def messages_url(case) -> str:
    return reverse("portal:case_messages", args=[case.reference])


def test_a_message_is_sent_and_listed_with_its_due_date_skipping_holidays(
    client, citizen_a, submitted, organisation
):
    Commitment.objects.create(
        organisation=organisation,
        kind=CommitmentKind.FIRST_REPLY,
        target=5,
        wording="Nous répondons à vos messages sous 5 jours ouvrés.",
    )
    client.force_login(citizen_a.user)

    response = client.post(messages_url(submitted), {"body": "Où en est mon dossier ?"})

    assert response.status_code == HTTPStatus.FOUND
    message = Message.objects.get()
    # 1 May and 8 May are public holidays: five working days end on Monday 11 May.
    assert message.answer_due_on == date("2026-05-11")
    assert message.direction == MessageDirection.FROM_CITIZEN
    assert message.case == submitted
    assert message.unit == submitted.unit
    assert message.organisation == organisation
    assert message.author == citizen_a.user
    page = text_of(client.get(response["Location"]))
    assert "Où en est mon dossier ?" in page
    assert "Vous" in page
    assert "Réponse promise au plus tard le 11 mai 2026." in page
    assert "Votre message est envoyé. Nous vous répondrons au plus tard le 11 mai 2026." in page


def test_without_a_published_commitment_the_answer_is_due_in_five_working_days(submitted):
    message = services.message_send_from_citizen(
        case=submitted, by=submitted.person.user, body="Bonjour"
    )

    assert message.answer_due_on == date("2026-05-11")


def test_the_procedure_commitment_wins_over_the_organisation_one(submitted, organisation):
    Commitment.objects.create(
        organisation=organisation, kind=CommitmentKind.FIRST_REPLY, target=10, wording="10 jours"
    )
    Commitment.objects.create(
        organisation=organisation,
        procedure=submitted.procedure,
        kind=CommitmentKind.FIRST_REPLY,
        target=3,
        wording="3 jours",
    )

    message = services.message_send_from_citizen(
        case=submitted, by=submitted.person.user, body="Bonjour"
    )

    assert message.answer_due_on == date("2026-05-06")


def test_the_messages_page_publishes_the_answer_commitment(client, citizen_a, submitted):
    client.force_login(citizen_a.user)

    response = client.get(messages_url(submitted))

    assert response.status_code == HTTPStatus.OK
    page = text_of(response)
    assert "Nous vous répondrons au plus tard le 11 mai 2026." in page
    assert "Aucun message pour l'instant." in page


def test_the_case_page_shows_the_thread_and_a_link_to_write(client, citizen_a, submitted):
    services.message_send_from_citizen(
        case=submitted, by=citizen_a.user, body="Je joins mon justificatif demain."
    )
    client.force_login(citizen_a.user)

    page = text_of(client.get(reverse("portal:case", args=[submitted.reference])))

    assert 'id="messages-title"' in page
    assert "Je joins mon justificatif demain." in page
    assert messages_url(submitted) in page


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ("   ", "Écrivez votre message avant de l'envoyer."),
        ("x" * 5001, "Votre message compte 5001 caractères : raccourcissez-le à 5000"),
    ],
)
def test_an_empty_or_too_long_message_keeps_the_text_with_an_error(
    client, citizen_a, submitted, body, error
):
    client.force_login(citizen_a.user)

    response = client.post(messages_url(submitted), {"body": body})

    assert response.status_code == HTTPStatus.OK
    page = text_of(response)
    assert error in page
    assert page.count("x" * 5001) == (1 if len(body) > 5000 else 0)
    assert "Erreur :" in page
    assert not Message.objects.exists()


@pytest.mark.parametrize("body", ["", "x" * 5001])
def test_the_service_refuses_an_empty_or_too_long_message(submitted, body):
    with pytest.raises(ContactError) as error:
        services.message_send_from_citizen(case=submitted, by=submitted.person.user, body=body)

    assert error.value.field == "body"


def test_nobody_writes_on_someone_elses_case(submitted, citizen_b, agent_1):
    for by in [citizen_b.user, agent_1.user]:
        with pytest.raises(ContactError):
            services.message_send_from_citizen(case=submitted, by=by, body="Bonjour")
    assert not Message.objects.exists()


def test_nobody_writes_about_a_draft(draft, citizen_a):
    with pytest.raises(ContactError, match="Envoyez d'abord votre demande"):
        services.message_send_from_citizen(case=draft, by=citizen_a.user, body="Bonjour")


@pytest.mark.parametrize("intruder", ["citizen_b", "agent_1", "agent_2"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_the_messages_page_of_another_persons_case_is_not_found(
    client, request, submitted, intruder, method
):
    client.force_login(request.getfixturevalue(intruder).user)

    response = getattr(client, method)(messages_url(submitted), {"body": "Bonjour"})

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert not Message.objects.exists()


@pytest.mark.parametrize(
    "url_name", ["portal:write", "portal:callback", "portal:callback_confirmation"]
)
def test_anonymous_visitors_are_asked_to_sign_in(client, url_name):
    args = [1] if url_name == "portal:callback_confirmation" else []

    response = client.get(reverse(url_name, args=args))

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("login"))


def test_anonymous_visitors_are_asked_to_sign_in_to_read_messages(client, submitted):
    response = client.get(messages_url(submitted))

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("login"))


def test_a_general_message_goes_to_the_chosen_unit(client, citizen_a, unit_2):
    client.force_login(citizen_a.user)

    response = client.post(
        reverse("portal:write"), {"unit": unit_2.pk, "body": "Une question sur la voirie."}
    )

    assert response.status_code == HTTPStatus.FOUND
    message = Message.objects.get()
    assert message.case is None
    assert message.unit == unit_2
    assert message.person == citizen_a
    page = text_of(client.get(response["Location"]))
    assert "Une question sur la voirie." in page


def test_a_general_message_cannot_go_to_a_unit_of_another_administration(client, citizen_a):
    from tests.factories import UnitFactory

    elsewhere = UnitFactory()
    client.force_login(citizen_a.user)

    response = client.post(reverse("portal:write"), {"unit": elsewhere.pk, "body": "Bonjour"})

    assert response.status_code == HTTPStatus.OK
    assert not Message.objects.exists()


def test_general_messages_are_listed_only_to_their_author(client, citizen_a, citizen_b, unit_1):
    services.message_send_from_citizen(
        by=citizen_a.user, body="Message d'Alice", person=citizen_a, unit=unit_1
    )
    client.force_login(citizen_b.user)

    page = text_of(client.get(reverse("portal:write")))

    assert "Message d'Alice" not in page


def test_unanswered_lists_citizens_messages_without_a_later_reply(
    submitted, citizen_a, unit_1, unit_2, agent_1
):
    answered = services.message_send_from_citizen(
        case=submitted, by=citizen_a.user, body="Première question"
    )
    Message.objects.create(
        organisation=unit_1.organisation,
        case=submitted,
        person=citizen_a,
        unit=unit_1,
        author=agent_1.user,
        direction=MessageDirection.TO_CITIZEN,
        body="Voici la réponse.",
    )
    general = services.message_send_from_citizen(
        by=citizen_a.user, body="Question générale", person=citizen_a, unit=unit_2
    )

    unanswered = Message.objects.unanswered()

    assert answered not in unanswered
    assert list(unanswered) == [general]


def test_a_reply_on_a_case_does_not_answer_a_general_message(submitted, citizen_a, unit_1):
    general = services.message_send_from_citizen(
        by=citizen_a.user, body="Question générale", person=citizen_a, unit=unit_1
    )
    Message.objects.create(
        organisation=unit_1.organisation,
        case=submitted,
        person=citizen_a,
        unit=unit_1,
        direction=MessageDirection.TO_CITIZEN,
        body="Réponse sur le dossier.",
    )

    assert list(Message.objects.unanswered()) == [general]
