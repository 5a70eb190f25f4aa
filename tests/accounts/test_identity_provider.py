"""Sign-in with an OpenID Connect provider, against a real provider started locally."""

from http import HTTPStatus
from urllib.parse import parse_qs, urlencode, urlparse

import pytest
from django.urls import reverse

from parcours.accounts.models import User
from parcours.people.models import Person
from tests.factories import PersonFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]

CLAIMS = {
    "given_name": "Camille",
    "family_name": "Lefèvre",
    "birthdate": "1984-03-09",
    "email": "camille@example.org",
}


def start(client, next_url=""):
    url = reverse("accounts:oidc_start")
    if next_url:
        url += "?" + urlencode({"next": next_url})
    response = client.get(url)
    assert response.status_code == HTTPStatus.FOUND
    return response["Location"]


def sign_in(client, provider, sub, next_url=""):
    """The whole code flow: Parcours → provider → back to Parcours."""
    callback = provider.authorize(start(client, next_url), sub)
    return client.get(callback)


def signed_in_user(client):
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


def test_the_button_shows_only_when_a_provider_is_configured(client, settings):
    settings.OIDC_RP_CLIENT_ID = ""
    assert "FranceConnect" not in client.get(reverse("login")).text
    assert client.get(reverse("accounts:oidc_start")).status_code == HTTPStatus.NOT_FOUND

    settings.OIDC_RP_CLIENT_ID = "parcours"
    settings.OIDC_OP_ISSUER = "https://fc.example.org"
    page = client.get(reverse("login")).text
    assert "Se connecter avec" in page
    assert reverse("accounts:oidc_start") in page


def test_explicit_endpoints_work_without_an_issuer(client, identity_provider, settings):
    settings.OIDC_OP_ISSUER = ""
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{identity_provider.url}/oauth2/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{identity_provider.url}/oauth2/token"
    settings.OIDC_OP_USER_ENDPOINT = f"{identity_provider.url}/userinfo"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{identity_provider.url}/jwks"
    identity_provider.set_person("sub-explicit", **CLAIMS)

    response = sign_in(client, identity_provider, "sub-explicit")

    assert response.status_code == HTTPStatus.FOUND
    assert signed_in_user(client).oidc_sub == "sub-explicit"


def test_a_first_sign_in_creates_the_account_tied_to_the_stable_sub(client, identity_provider):
    identity_provider.set_person("sub-camille", **CLAIMS)

    response = sign_in(client, identity_provider, "sub-camille", next_url="/dossiers/")

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/dossiers/"
    user = signed_in_user(client)
    assert (user.oidc_sub, user.email, user.first_name, user.last_name) == (
        "sub-camille",
        "camille@example.org",
        "Camille",
        "Lefèvre",
    )
    assert not user.has_usable_password()


def test_signing_in_certifies_the_identity_on_the_persons_records(
    client, identity_provider, citizen_a
):
    identity_provider.set_person("sub-alice", **{**CLAIMS, "email": "alice@example.org"})

    sign_in(client, identity_provider, "sub-alice")

    citizen_a.refresh_from_db()
    assert signed_in_user(client) == citizen_a.user
    assert citizen_a.user.oidc_sub == "sub-alice"
    assert citizen_a.identity_certified
    assert (citizen_a.given_name, citizen_a.family_name, str(citizen_a.birth_date)) == (
        "Camille",
        "Lefèvre",
        "1984-03-09",
    )
    assert citizen_a.email == "alice@example.org"


def test_a_first_request_after_signing_in_opens_a_certified_record(
    client, identity_provider, procedure
):
    """A new person has no record yet when they sign in: the one opened when they apply
    carries the identity the provider certified, birth date included."""
    identity_provider.set_person("sub-camille", **CLAIMS)
    sign_in(client, identity_provider, "sub-camille")

    client.post(reverse("portal:apply_start", args=[procedure.slug]))

    person = Person.objects.get(user__oidc_sub="sub-camille")
    assert person.identity_certified
    assert (person.given_name, person.family_name, str(person.birth_date), person.email) == (
        "Camille",
        "Lefèvre",
        "1984-03-09",
        "camille@example.org",
    )


def test_a_record_opened_after_signing_in_by_email_link_is_not_certified(client, procedure):
    user = UserFactory(email="camille@example.org", first_name="Camille", last_name="Lefèvre")
    client.force_login(user)

    client.post(reverse("portal:apply_start", args=[procedure.slug]))

    person = Person.objects.get(user=user)
    assert not person.identity_certified
    assert person.birth_date is None


def test_the_same_sub_signs_into_the_same_account_even_with_a_new_email(client, identity_provider):
    identity_provider.set_person("sub-camille", **CLAIMS)
    sign_in(client, identity_provider, "sub-camille")
    first = signed_in_user(client)
    person = PersonFactory(user=first, given_name="Cam", email="old@example.org")
    client.logout()

    identity_provider.set_person("sub-camille", **{**CLAIMS, "email": "camille.l@example.net"})
    sign_in(client, identity_provider, "sub-camille")

    assert signed_in_user(client) == first
    first.refresh_from_db()
    person.refresh_from_db()
    assert first.email == "camille.l@example.net"
    assert (person.given_name, person.email) == ("Camille", "camille.l@example.net")
    assert User.objects.filter(oidc_sub="sub-camille").count() == 1


def test_an_email_alone_never_opens_an_account_tied_to_another_sub(client, identity_provider):
    UserFactory(email="camille@example.org", oidc_sub="sub-original")
    identity_provider.set_person("sub-impostor", **CLAIMS)

    response = sign_in(client, identity_provider, "sub-impostor")

    assert response.status_code == HTTPStatus.CONFLICT
    assert "Un compte existe déjà" in response.text
    assert signed_in_user(client) is None
    assert not User.objects.filter(oidc_sub="sub-impostor").exists()


def test_an_agents_account_is_never_taken_over_by_email(client, identity_provider, agent_1):
    identity_provider.set_person("sub-claire", **{**CLAIMS, "email": agent_1.user.email})

    response = sign_in(client, identity_provider, "sub-claire")

    assert response.status_code == HTTPStatus.CONFLICT
    assert signed_in_user(client) is None
    agent_1.user.refresh_from_db()
    assert agent_1.user.oidc_sub is None


def test_a_foreign_next_is_ignored(client, identity_provider):
    identity_provider.set_person("sub-camille", **CLAIMS)

    response = sign_in(client, identity_provider, "sub-camille", "https://evil.example/")

    assert response["Location"] == reverse("portal:home")


def test_a_state_that_is_not_ours_is_refused_politely(client, identity_provider):
    identity_provider.set_person("sub-camille", **CLAIMS)
    callback = identity_provider.authorize(start(client), "sub-camille")
    parts = urlparse(callback)
    query = parse_qs(parts.query)
    query["state"] = ["forged-state"]

    response = client.get(f"{parts.path}?{urlencode(query, doseq=True)}")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "La connexion avec FranceConnect n'a pas abouti" in response.text
    assert signed_in_user(client) is None


def test_a_callback_without_a_started_sign_in_is_refused_politely(client, identity_provider):
    response = client.get(reverse("accounts:oidc_callback") + "?code=abc&state=xyz")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Aucune information n'a été enregistrée" in response.text


def test_a_sign_in_cancelled_at_the_provider_is_refused_politely(client, identity_provider):
    callback = identity_provider.deny(start(client))
    assert "error=access_denied" in callback

    response = client.get(callback)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Réessayer" in response.text
    assert signed_in_user(client) is None


def test_a_code_used_twice_is_refused_politely(client, identity_provider):
    identity_provider.set_person("sub-camille", **CLAIMS)
    callback = identity_provider.authorize(start(client), "sub-camille")
    client.get(callback)
    client.logout()

    response = client.get(callback)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert signed_in_user(client) is None


def test_an_unreachable_provider_is_explained(client, settings):
    settings.OIDC_RP_CLIENT_ID = "parcours"
    settings.OIDC_OP_ISSUER = "http://127.0.0.1:9"  # discard port: nothing listens

    response = client.get(reverse("accounts:oidc_start"))

    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert "La connexion avec FranceConnect n'a pas abouti" in response.text


def test_a_password_sign_in_still_works(client, citizen_a):
    response = client.post(
        reverse("login"), {"username": "alice@example.org", "password": "motdepasse-de-test"}
    )

    assert response.status_code == HTTPStatus.FOUND
    assert signed_in_user(client) == citizen_a.user
