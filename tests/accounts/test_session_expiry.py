"""A session that expires in the middle of a form: the person signs in again, by
password, email link or FranceConnect, and lands on the step they were on, with every
answer saved before the session expired."""

import datetime
import html
import re
from http import HTTPStatus

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from parcours.cases import services
from parcours.cases.enums import CaseState
from tests.factories import ProcedureFactory
from tests.portal.apply.conftest import FULL_ANSWERS, FULL_FORM

pytestmark = pytest.mark.sqlite

STEP_1 = {k: FULL_ANSWERS[k] for k in ("child_name", "birth_date", "school")}


def page(response) -> str:
    return html.unescape(response.content.decode())


def csrf_token(response) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page(response)).group(1)


def next_of(response) -> str:
    """Where the sign-in form leads back to (the header's language switch has one too)."""
    main = page(response).split("<main", 1)[1]
    return re.search(r'name="next" value="([^"]*)"', main).group(1)


def expire_every_session() -> None:
    """What happens when the person stays away longer than a session lasts."""
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))


def with_password(browser: Client, sign_in_page, **_):
    return browser.post(
        reverse("login"),
        {
            "username": "alice@example.org",
            "password": "motdepasse-de-test",
            "next": next_of(sign_in_page),
            "csrfmiddlewaretoken": csrf_token(sign_in_page),
        },
    )


def with_an_email_link(browser: Client, sign_in_page, capture, **_):
    ask = re.search(r'href="(/compte/lien/\?next=[^"]+)"', page(sign_in_page)).group(1)
    form = browser.get(ask)
    with capture(execute=True):
        browser.post(
            ask,
            {
                "email": "alice@example.org",
                "next": next_of(form),
                "csrfmiddlewaretoken": csrf_token(form),
            },
        )
    link = re.search(r"http://testserver(/compte/lien/\S+)", mail.outbox[-1].body).group(1)
    confirmation = browser.get(link)
    return browser.post(link, {"csrfmiddlewaretoken": csrf_token(confirmation)})


def with_franceconnect(browser: Client, sign_in_page, provider, **_):
    start = re.search(r'href="(/compte/franceconnect/\?next=[^"]+)"', page(sign_in_page)).group(1)
    callback = provider.authorize(browser.get(start)["Location"], "sub-alice")
    return browser.get(callback)


@pytest.mark.parametrize(
    "sign_in_again",
    [with_password, with_an_email_link, with_franceconnect],
    ids=["password", "email link", "franceconnect"],
)
def test_after_the_session_expires_mid_form_the_person_signs_in_again_on_the_same_step(
    citizen_a, unit_1, identity_provider, django_capture_on_commit_callbacks, sign_in_again
):
    identity_provider.set_person(
        "sub-alice", given_name="Alice", family_name="Durand", email="alice@example.org"
    )
    procedure = ProcedureFactory(handling_unit=unit_1, version=FULL_FORM)
    draft = services.case_create_draft(person=citizen_a, procedure=procedure, by=citizen_a.user)
    step_1 = reverse("portal:apply_step", args=[draft.pk, 1])
    step_2 = reverse("portal:apply_step", args=[draft.pk, 2])
    browser = Client(enforce_csrf_checks=True)  # forms posted as a browser posts them
    browser.force_login(citizen_a.user)
    form = browser.get(step_1)
    browser.post(step_1, {**STEP_1, "action": "next", "csrfmiddlewaretoken": csrf_token(form)})
    form = browser.get(step_2)

    expire_every_session()
    sent = browser.post(
        step_2, {"canteen": "on", "action": "next", "csrfmiddlewaretoken": csrf_token(form)}
    )

    # Asked to sign in, with the way back to this step.
    assert sent.status_code == HTTPStatus.FOUND
    assert sent["Location"] == f"{reverse('login')}?next={step_2}"
    back = sign_in_again(
        browser,
        browser.get(sent["Location"]),
        capture=django_capture_on_commit_callbacks,
        provider=identity_provider,
    )
    assert back.status_code == HTTPStatus.FOUND
    assert back["Location"] == step_2
    resumed = browser.get(step_2)
    assert resumed.status_code == HTTPStatus.OK
    assert resumed.context["step"] == 2
    # The draft kept every answer saved before the session expired.
    draft.refresh_from_db()
    assert draft.state == CaseState.DRAFT
    assert {k: draft.form_data[k] for k in STEP_1} == STEP_1
    assert 'value="Léa"' in page(browser.get(step_1))


EXPIRED = "Votre session a expiré : reconnectez-vous pour reprendre votre demande"


@pytest.mark.parametrize("sign_in", ["login", "accounts:magic_link"])
@pytest.mark.parametrize(
    "draft_page",
    [
        ("portal:apply_step", [12, 2]),
        ("portal:apply_documents", [12]),
        ("portal:apply_review", [12]),
    ],
)
def test_signing_in_again_from_a_draft_says_the_session_expired_and_the_answers_are_kept(
    client, sign_in, draft_page
):
    name, args = draft_page
    response = client.get(reverse(sign_in), {"next": reverse(name, args=args)})

    assert response.status_code == HTTPStatus.OK
    assert EXPIRED in page(response)
    assert "Vos réponses des étapes précédentes sont enregistrées." in page(response)


@pytest.mark.parametrize("sign_in", ["login", "accounts:magic_link"])
@pytest.mark.parametrize("next_url", ["", "/dossiers/", "/nulle-part/", "https://example.com/"])
def test_signing_in_from_elsewhere_says_nothing_of_an_expired_session(client, sign_in, next_url):
    response = client.get(reverse(sign_in), {"next": next_url} if next_url else {})

    assert response.status_code == HTTPStatus.OK
    assert EXPIRED not in page(response)
