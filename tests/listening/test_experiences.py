import datetime
from http import HTTPStatus

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from parcours.listening.enums import ExperienceStatus, ExperienceTone
from parcours.listening.errors import ListeningError
from parcours.listening.models import Experience
from parcours.listening.services import experiences as services

pytestmark = pytest.mark.sqlite


def form(unit, **overrides):
    return {
        "unit": unit.pk,
        "channel": "counter",
        "tone": ExperienceTone.POSITIVE,
        "title": "Un accueil attentif",
        "body": "Très bien reçue au guichet, on m'a tout expliqué.",
        **overrides,
    }


def path_of(url):
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def test_a_signed_in_citizen_publishes_with_personal_data_masked(
    client, citizen_a, unit_1, agent_1
):
    client.force_login(citizen_a.user)
    body = (
        "Claire Martin m'a reçue, puis Mme Petit. Je suis Alice Durand, "
        "joignable au 06 12 34 56 78 ou alice@example.org."
    )
    response = client.post(reverse("portal:experience_new"), form(unit_1, body=body))
    assert response.status_code == HTTPStatus.FOUND
    experience = Experience.objects.get()
    assert experience.status == ExperienceStatus.PUBLISHED
    for secret in ("Martin", "Petit", "Durand", "06 12", "alice@"):
        assert secret not in experience.public_body
    assert experience.body == body  # the original is kept for the moderator
    page = client.get(reverse("portal:experiences_of", args=[unit_1.organisation.slug]))
    text = page.content.decode()
    assert "Un accueil attentif" in text
    assert "[nom masqué]" in text
    assert "Durand" not in text


def test_an_insult_holds_the_experience_for_a_moderator(client, citizen_a, unit_1):
    client.force_login(citizen_a.user)
    client.post(reverse("portal:experience_new"), form(unit_1, body="Des INCAPABLES, des abrutis."))
    experience = Experience.objects.get()
    assert experience.status == ExperienceStatus.HELD
    assert experience.held_words == ["abrutis"]
    assert experience.published_at is None
    page = client.get(reverse("portal:experiences_of", args=[unit_1.organisation.slug]))
    assert "Un accueil attentif" not in page.content.decode()


def test_an_anonymous_visitor_confirms_by_email_before_moderation(
    client, unit_1, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("portal:experience_new"), form(unit_1, email="visiteur@example.org")
        )
    assert response.status_code == HTTPStatus.FOUND
    experience = Experience.objects.get()
    assert experience.status == ExperienceStatus.AWAITING_CONFIRMATION
    (message,) = mail.outbox
    assert message.to == ["visiteur@example.org"]
    url = path_of(next(word for word in message.body.split() if "/confirmer/" in word))
    assert client.get(url).status_code == HTTPStatus.OK  # a page, nothing published yet
    experience.refresh_from_db()
    assert experience.status == ExperienceStatus.AWAITING_CONFIRMATION
    assert client.post(url).status_code == HTTPStatus.FOUND
    experience.refresh_from_db()
    assert experience.status == ExperienceStatus.PUBLISHED
    assert client.post(url).status_code == HTTPStatus.FORBIDDEN  # once


def test_without_an_address_an_anonymous_visitor_is_asked_for_one(client, unit_1):
    response = client.post(reverse("portal:experience_new"), form(unit_1))
    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    assert "Indiquez votre adresse électronique" in page
    assert "Un accueil attentif" in page  # what was typed is kept
    assert Experience.objects.count() == 0


def test_a_procedure_of_another_administration_is_refused(client, citizen_a, unit_1):
    from tests.factories import ProcedureFactory

    elsewhere = ProcedureFactory()
    client.force_login(citizen_a.user)
    response = client.post(reverse("portal:experience_new"), form(unit_1, procedure=elsewhere.pk))
    assert "ne relève pas de" in response.content.decode()
    assert Experience.objects.count() == 0


@pytest.fixture
def published(citizen_a, unit_1):
    return services.experience_submit(
        unit=unit_1,
        channel="counter",
        tone=ExperienceTone.NEGATIVE,
        title="Trop d'attente",
        body="Deux heures d'attente au guichet.",
        user=citizen_a.user,
        now=timezone.now() - datetime.timedelta(days=3),
    )


def test_the_reply_is_shown_with_its_response_time_and_the_author_told(
    client, published, agent_1, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.experience_reply(
            experience=published, by=agent_1, reply="Nous ouvrons un second guichet."
        )
    published.refresh_from_db()
    assert published.response_time.days == 3
    page = client.get(reverse("portal:experiences_of", args=[published.organisation.slug]))
    text = page.content.decode()
    assert "Nous ouvrons un second guichet." in text
    assert "3 jours après la publication" in text
    assert "Réponse de Service Éducation" in text
    (message,) = mail.outbox
    assert message.to == ["alice@example.org"]
    assert "Nous ouvrons un second guichet." in message.body


def test_only_agents_of_the_service_concerned_reply(published, agent_2, helper, manager, manager_2):
    for outsider in (agent_2, helper, manager_2):
        with pytest.raises(ListeningError):
            services.experience_reply(experience=published, by=outsider, reply="Réponse")
    services.experience_reply(experience=published, by=manager, reply="Réponse du responsable")


def test_a_moderator_publishes_a_reworded_held_experience_or_refuses_it_with_a_reason(
    citizen_a, unit_1, manager, agent_1
):
    held = services.experience_submit(
        unit=unit_1,
        channel="phone",
        tone=ExperienceTone.NEGATIVE,
        title="Service",
        body="Des guignols au téléphone.",
        user=citizen_a.user,
    )
    assert held.status == ExperienceStatus.HELD
    with pytest.raises(ListeningError):
        services.experience_moderate(experience=held, by=agent_1, publish=True)
    with pytest.raises(ListeningError, match="pourquoi"):
        services.experience_moderate(experience=held, by=manager, publish=False)
    services.experience_moderate(
        experience=held,
        by=manager,
        publish=True,
        public_body="Un accueil peu sérieux au téléphone.",
    )
    held.refresh_from_db()
    assert held.status == ExperienceStatus.PUBLISHED
    assert held.public_body == "Un accueil peu sérieux au téléphone."
