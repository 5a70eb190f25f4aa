"""The sign-in forms say there is an error as every other form does: in the page
title, and in a summary read out at once that links to each field to correct."""

import html
import re
from http import HTTPStatus

import pytest
from django.urls import reverse

pytestmark = pytest.mark.sqlite


def page(response) -> str:
    return html.unescape(response.content.decode())


def title_of(response) -> str:
    return " ".join(re.search(r"<title>(.*?)</title>", page(response), re.S).group(1).split())


def summary_of(response) -> str:
    text = page(response)
    start = text.index('id="erreurs"')
    return text[text.rindex("<div", 0, start) : text.index("</div>", start)]


def test_the_sign_in_page_has_no_error_summary_before_anything_is_sent(client):
    response = client.get(reverse("login"))

    assert not title_of(response).startswith("Erreur :")
    assert 'id="erreurs"' not in page(response)


def test_a_wrong_password_is_told_in_the_title_and_an_alert_summary(client, citizen_a):
    response = client.post(
        reverse("login"), {"username": citizen_a.user.email, "password": "pas le bon"}
    )

    assert response.status_code == HTTPStatus.OK
    assert title_of(response).startswith("Erreur :")
    summary = summary_of(response)
    assert 'role="alert"' in summary
    assert "Une réponse est à corriger" in summary
    assert "mot de passe" in summary


def test_empty_sign_in_fields_are_listed_with_links_to_each(client):
    response = client.post(reverse("login"), {"username": "", "password": ""})

    assert title_of(response).startswith("Erreur :")
    summary = summary_of(response)
    assert 'role="alert"' in summary
    assert 'href="#id_username"' in summary
    assert 'href="#id_password"' in summary


def test_a_bad_address_on_the_email_link_page_is_told_in_the_title_and_a_summary(client):
    response = client.post(reverse("accounts:magic_link"), {"email": "pas-une-adresse"})

    assert response.status_code == HTTPStatus.OK
    assert title_of(response).startswith("Erreur :")
    summary = summary_of(response)
    assert 'role="alert"' in summary
    assert 'href="#id_email"' in summary


def test_the_email_link_page_has_no_error_summary_before_anything_is_sent(client):
    response = client.get(reverse("accounts:magic_link"))

    assert not title_of(response).startswith("Erreur :")
    assert 'id="erreurs"' not in page(response)
