"""Every page is served with a strict Content Security Policy (django-csp): scripts,
styles, images and fonts from the site only, no inline script, no framing. The browser test beside this one loads the main pages under it."""

import base64
import hashlib
import re
from http import HTTPStatus

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

STRICT = {
    "default-src": "'self'",
    "script-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def policy(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    directives = (part.strip().partition(" ") for part in header.split(";") if part.strip())
    return {name: value for name, _space, value in directives}


@pytest.mark.sqlite
@pytest.mark.parametrize("theme", ["neutral", "dsfr"])
@pytest.mark.parametrize("url_name", ["portal:home", "login", "backoffice:login"])
def test_pages_are_served_with_the_strict_policy(client, db, settings, theme, url_name):
    settings.PARCOURS_THEME = theme

    response = client.get(reverse(url_name))

    assert response.status_code == HTTPStatus.OK
    found = policy(response)
    for directive, value in STRICT.items():
        assert found[directive] == value, directive
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]


@pytest.mark.sqlite
def test_the_one_inline_style_carries_the_nonce_of_its_response(client, db, settings):
    settings.PARCOURS_THEME = "neutral"

    first, second = client.get(reverse("portal:home")), client.get(reverse("portal:home"))

    nonces = []
    for response in (first, second):
        nonce = re.search(r"'nonce-([^']+)'", policy(response)["style-src"]).group(1)
        assert f'<style nonce="{nonce}">' in response.text
        nonces.append(nonce)
    assert nonces[0] != nonces[1]
    assert "<script>" not in first.text


@pytest.mark.sqlite
def test_json_answers_are_not_given_a_nonce_they_do_not_use(client, db):
    response = client.get(reverse("healthz"))

    assert "nonce-" not in response.get("Content-Security-Policy", "")


def test_the_server_error_page_s_style_is_allowed_by_its_hash(settings):
    css = re.search(r"<style>(.*?)</style>", render_to_string("500.html"), re.DOTALL).group(1)
    digest = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()

    assert f"'sha256-{digest}'" in settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["style-src"]
