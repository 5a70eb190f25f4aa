"""Signing in with a single-use link sent by email."""

import datetime
import re
from http import HTTPStatus

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from parcours.accounts.models import User
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]

NEUTRAL = "Si un compte peut être ouvert avec l'adresse"


@pytest.fixture
def ask(client, django_capture_on_commit_callbacks):
    """Ask for a link as a person does; the email is sent after the commit."""

    def ask(email, next_url="", address="203.0.113.7"):
        url = reverse("accounts:magic_link")
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                url, {"email": email, "next": next_url}, REMOTE_ADDR=address, follow=True
            )

    return ask


def link_in(message) -> str:
    return re.search(r"http://testserver(/compte/lien/\S+)", message.body).group(1)


def signed_in_user(client):
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


def test_the_link_is_sent_once_and_signs_in_after_confirmation(client, ask, citizen_a):
    response = ask("Alice@Example.org")

    assert response.status_code == HTTPStatus.OK
    assert NEUTRAL in response.text
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["alice@example.org"]
    assert message.subject == "Votre lien de connexion à Parcours"
    assert "valable 15 minutes" in message.body
    link = link_in(message)
    html = message.alternatives[0][0]
    assert link.replace("&", "&amp;") in html

    confirmation = client.get(link)
    assert confirmation.status_code == HTTPStatus.OK
    assert "Confirmer la connexion" in confirmation.text
    assert signed_in_user(client) is None

    response = client.post(link)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("portal:home")
    assert signed_in_user(client) == citizen_a.user


def test_opening_the_link_does_not_sign_in_or_use_it_up(client, ask, citizen_a):
    ask("alice@example.org")
    link = link_in(mail.outbox[0])

    client.get(link)
    client.get(link)

    assert signed_in_user(client) is None
    client.post(link)
    assert signed_in_user(client) == citizen_a.user


def test_an_unknown_address_gets_the_same_answer_and_an_account_on_first_use(client, ask):
    response = ask("nouvelle@example.org")

    assert NEUTRAL in response.text
    assert len(mail.outbox) == 1
    client.post(link_in(mail.outbox[0]))
    user = signed_in_user(client)
    assert user.email == "nouvelle@example.org"
    assert not user.has_usable_password()


def test_an_inactive_account_gets_the_same_answer_and_no_email(ask):
    UserFactory(email="parti@example.org", is_active=False)

    response = ask("parti@example.org")

    assert NEUTRAL in response.text
    assert mail.outbox == []


def test_a_used_link_is_refused_politely(client, ask, citizen_a):
    ask("alice@example.org")
    link = link_in(mail.outbox[0])
    client.post(link)
    client.logout()

    for response in (client.get(link), client.post(link)):
        assert response.status_code == HTTPStatus.OK
        assert "Ce lien ne fonctionne plus" in response.text
        assert reverse("accounts:magic_link") in response.text
    assert signed_in_user(client) is None


@pytest.mark.parametrize(
    ("minutes", "works"), [(14, True), (16, False)], ids=["after 14 min", "after 16 min"]
)
def test_a_link_lasts_fifteen_minutes(client, ask, citizen_a, minutes, works):
    start = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        ask("alice@example.org")
    link = link_in(mail.outbox[0])

    with time_machine.travel(start + datetime.timedelta(minutes=minutes), tick=False):
        response = client.post(link)
        assert (signed_in_user(client) is not None) is works
    if not works:
        assert "Ce lien ne fonctionne plus" in response.text


def test_a_forged_link_is_refused_politely(client, citizen_a):
    response = client.get(reverse("accounts:magic_link_confirm", args=["Mg", "abc-123"]))
    assert "Ce lien ne fonctionne plus" in response.text
    response = client.get(reverse("accounts:magic_link_confirm", args=["%%%", "abc-123"]))
    assert "Ce lien ne fonctionne plus" in response.text


def test_the_link_leads_back_to_the_page_asked_for(client, ask, citizen_a):
    ask("alice@example.org", next_url="/dossiers/")
    link = link_in(mail.outbox[0])
    assert "next=%2Fdossiers%2F" in link

    response = client.post(link, {"next": "/dossiers/"})

    assert response["Location"] == "/dossiers/"


def test_a_next_to_another_site_is_ignored(client, ask, citizen_a):
    ask("alice@example.org", next_url="https://evil.example/")
    link = link_in(mail.outbox[0])
    assert "evil" not in link

    response = client.post(link, {"next": "https://evil.example/"})

    assert response["Location"] == reverse("portal:home")


def test_sends_are_limited_per_address(ask, citizen_a):
    for n in range(5):
        ask("alice@example.org", address=f"203.0.113.{n}")

    response = ask("alice@example.org", address="198.51.100.1")

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "Vous avez demandé trop de liens" in response.text
    assert len(mail.outbox) == 5


def test_sends_are_limited_per_client(ask):
    for n in range(5):
        ask(f"personne{n}@example.org")

    response = ask("encore@example.org")

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert len(mail.outbox) == 5


def test_behind_a_proxy_the_client_is_read_from_x_forwarded_for(client, settings):
    settings.PARCOURS_PROXY_COUNT = 1
    url = reverse("accounts:magic_link")
    for n in range(5):
        client.post(
            url,
            {"email": f"personne{n}@example.org"},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR=f"10.0.0.1, 203.0.113.{n}",
        )

    response = client.post(
        url,
        {"email": "encore@example.org"},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.99",
    )

    assert response.status_code == HTTPStatus.FOUND


def test_an_invalid_address_is_explained(client):
    response = client.post(reverse("accounts:magic_link"), {"email": "pas-une-adresse"})

    assert response.status_code == HTTPStatus.OK
    assert 'aria-invalid="true"' in response.text
    assert mail.outbox == []


def test_the_sign_in_page_offers_every_way_in(client):
    page = client.get(reverse("login") + "?next=/dossiers/").text

    assert "Recevoir un lien de connexion par courriel" in page
    assert reverse("accounts:magic_link") + "?next=/dossiers/" in page
    assert "Avec un mot de passe" in page
