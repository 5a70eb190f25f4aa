"""The pages shown when something goes wrong: a server error and a form sent too late."""

import html
from http import HTTPStatus

import pytest
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.urls import reverse
from django.views.defaults import server_error

pytestmark = pytest.mark.sqlite

THEMES = ["dsfr", "neutral"]


def text_of(response) -> str:
    return html.unescape(response.content.decode())


# Server error


def test_the_server_error_page_renders_with_no_request_context():
    page = html.unescape(render_to_string("500.html"))

    assert '<html lang="fr">' in page
    assert "Le service rencontre un problème" in page
    assert "The service has a problem" in page
    assert 'href="/"' in page


@pytest.mark.parametrize("theme", THEMES)
def test_django_serves_the_plain_server_error_page_whatever_the_theme(settings, theme):
    settings.PARCOURS_THEME = theme

    response = server_error(RequestFactory().get("/dossiers/"))

    assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR
    page = text_of(response)
    assert "Ce que vous avez déjà envoyé est enregistré." in page
    assert "What you already sent is saved." in page


# Form sent with an expired or missing CSRF token


@pytest.fixture
def browser():
    return Client(enforce_csrf_checks=True)


@pytest.mark.parametrize("theme", THEMES)
def test_a_form_sent_without_a_valid_token_gets_a_polite_themed_page(settings, browser, theme):
    settings.PARCOURS_THEME = theme

    response = browser.post(reverse("login"), {"username": "a@example.org", "password": "x"})

    assert response.status_code == HTTPStatus.FORBIDDEN
    page = text_of(response)
    assert "La page est sans doute restée ouverte trop longtemps" in page
    assert "envoyez le formulaire de nouveau" in page
    assert f"themes/{theme}/base.html" in [t.name for t in response.templates]


def test_the_token_failure_page_keeps_the_technical_reason_to_itself(browser):
    response = browser.post(reverse("login"), {"username": "a@example.org"})

    page = text_of(response)
    assert "CSRF" not in page
    assert "cookie not set" not in page
    assert "Referer" not in page


def test_the_link_back_leads_to_the_page_the_form_was_on(browser):
    form_page = "http://testserver" + reverse("login") + "?next=/dossiers/"

    response = browser.post(reverse("login"), {}, HTTP_REFERER=form_page)

    assert f'href="{html.escape(form_page)}"' in response.content.decode()


@pytest.mark.parametrize("referer", ["", "https://elsewhere.example/form/"])
def test_the_link_back_leads_home_when_the_page_before_is_unknown_or_elsewhere(browser, referer):
    response = browser.post(reverse("login"), {}, HTTP_REFERER=referer)

    page = response.content.decode()
    assert f'href="{reverse("portal:home")}"' in page
    assert "elsewhere.example" not in page
