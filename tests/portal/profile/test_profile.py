"""The citizen's profile: one form for every administration's record, a certified
identity that cannot be edited but can be disputed, and only ever one's own data."""

import html
from http import HTTPStatus

import pytest
from django.conf import settings
from django.urls import reverse

from parcours.people.enums import DisputeStatus
from parcours.people.models import IdentityDispute, Person
from tests.factories import OrganisationFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.sqlite

PROFILE = reverse("portal:profile")
DISPUTE = reverse("portal:profile_dispute")


@pytest.fixture
def second_record(citizen_a):
    """Citizen A is also known by the departmental council."""
    return PersonFactory(
        organisation=OrganisationFactory(name="Département du Loiret"),
        user=citizen_a.user,
        given_name="Alice",
        family_name="Durand",
    )


@pytest.fixture
def certified(citizen_a):
    Person.objects.filter(user=citizen_a.user).update(identity_certified=True)
    citizen_a.refresh_from_db()
    return citizen_a


def text_of(response) -> str:
    return html.unescape(response.content.decode())


def valid_data(**overrides) -> dict:
    data = {
        "given_name": "Alice",
        "family_name": "Durand",
        "email": "alice@example.org",
        "phone": "06 12 34 56 78",
        "street": "3 rue des Lilas",
        "postcode": "45000",
        "city": "Bellerive",
        "preferred_language": "fr",
        "accessibility_note": "",
        "notify_by_email": "on",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_an_anonymous_visitor_is_sent_to_sign_in(client):
    for url in [PROFILE, DISPUTE]:
        response = client.get(url)

        assert response.status_code == HTTPStatus.FOUND
        assert response.url.startswith(reverse("login"))


def test_the_profile_shows_the_signed_in_citizens_details_and_every_administration(
    client, citizen_a, second_record
):
    client.force_login(citizen_a.user)

    response = client.get(PROFILE)

    assert response.status_code == HTTPStatus.OK
    page = text_of(response)
    assert "<h1>Mon profil</h1>" in page
    assert 'value="alice@example.org"' in page
    assert "Ville de Bellerive, Département du Loiret" in page
    assert (
        "Certains messages vous sont toujours envoyés : accusé de réception, demandes de pièces, décisions"
        in page
    )
    assert "Les SMS arrivent bientôt" in page


def test_the_account_links_offer_the_profile_to_a_citizen_with_a_record(client, citizen_a):
    client.force_login(citizen_a.user)

    assert f'href="{PROFILE}"' in client.get(reverse("portal:cases")).content.decode()


def test_an_account_without_any_record_has_no_profile_link_and_an_honest_page(client, db):
    client.force_login(UserFactory(email="new@example.org"))

    assert f'href="{PROFILE}"' not in client.get(reverse("portal:cases")).content.decode()
    response = client.get(PROFILE)
    assert response.status_code == HTTPStatus.OK
    assert "Votre profil sera créé avec votre première demande" in text_of(response)


def test_a_citizen_never_sees_another_citizens_profile_data(client, citizen_a, citizen_b):
    citizen_b.phone = "07 99 99 99 99"
    citizen_b.save()
    client.force_login(citizen_a.user)

    page = text_of(client.get(PROFILE)) + text_of(client.get(PROFILE + f"?pk={citizen_b.pk}"))

    assert "Bruno" not in page
    assert "bruno@example.org" not in page
    assert "07 99 99 99 99" not in page


def test_saving_the_profile_updates_every_record_of_the_citizen_only(
    client, citizen_a, second_record, citizen_b
):
    client.force_login(citizen_a.user)

    response = client.post(
        PROFILE,
        valid_data(
            phone="07 00 00 00 01",
            city="Olivet",
            accessibility_needs=["large_print", "easy_read"],
            accessibility_note="Je lis mieux en gros caractères.",
            notify_by_email=None,
            notify_by_sms="on",
        ),
    )

    assert response.status_code == HTTPStatus.FOUND
    assert response.url == PROFILE
    for person in Person.objects.filter(user=citizen_a.user):
        assert person.phone == "07 00 00 00 01"
        assert person.city == "Olivet"
        assert person.accessibility_needs == ["large_print", "easy_read"]
        assert person.accessibility_note == "Je lis mieux en gros caractères."
        assert person.notify_by_email is False
        assert person.notify_by_sms is True
    citizen_b.refresh_from_db()
    assert citizen_b.city == "Bellerive"
    assert "Votre profil est enregistré." in text_of(client.get(PROFILE))


def test_a_certified_identity_is_shown_read_only_with_its_badge(client, certified):
    client.force_login(certified.user)

    page = text_of(client.get(PROFILE))

    assert "Certifiée par FranceConnect" in page
    assert 'name="given_name"' not in page
    assert f'href="{DISPUTE}"' in page


def test_posting_certified_identity_fields_changes_nothing(client, certified):
    client.force_login(certified.user)

    response = client.post(
        PROFILE, valid_data(given_name="Mallory", family_name="Pirate", birth_date="01/01/1990")
    )

    assert response.status_code == HTTPStatus.FOUND
    certified.refresh_from_db()
    assert (certified.given_name, certified.family_name, certified.birth_date) == (
        "Alice",
        "Durand",
        None,
    )


def test_an_uncertified_identity_is_editable(client, citizen_a):
    client.force_login(citizen_a.user)
    assert 'name="given_name"' in client.get(PROFILE).content.decode()

    client.post(
        PROFILE, valid_data(given_name="Alicia", family_name="Durand", birth_date="14/07/1985")
    )

    citizen_a.refresh_from_db()
    assert citizen_a.given_name == "Alicia"
    assert citizen_a.birth_date.isoformat() == "1985-07-14"


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("email", "alice.example.org", "Écrivez une adresse électronique complète, avec un @"),
        ("phone", "12 34", "Écrivez un numéro de téléphone de 10 chiffres"),
        ("postcode", "450", "Écrivez un code postal de 5 chiffres"),
    ],
    ids=["email", "phone", "postcode"],
)
def test_bad_input_keeps_what_was_typed_and_says_how_to_fix_it(
    client, citizen_a, field, typed, message
):
    client.force_login(citizen_a.user)

    response = client.post(PROFILE, valid_data(**{field: typed}, city="Olivet"))

    assert response.status_code == HTTPStatus.OK
    page = text_of(response)
    assert message in page
    assert f'value="{typed}"' in page
    assert 'value="Olivet"' in page
    assert 'aria-invalid="true"' in page
    assert "<title>\n  Erreur :" in page or "Erreur :" in page.split("</title>")[0]
    citizen_a.refresh_from_db()
    assert citizen_a.city == "Bellerive"


def test_removing_every_way_to_reach_the_citizen_is_refused(client, citizen_a):
    client.force_login(citizen_a.user)

    response = client.post(PROFILE, valid_data(email="", phone="", street=""))

    assert response.status_code == HTTPStatus.OK
    assert "Gardez au moins un moyen de vous joindre" in text_of(response)
    citizen_a.refresh_from_db()
    assert citizen_a.email == "alice@example.org"


def test_choosing_english_switches_the_site_language(client, citizen_a, second_record):
    client.force_login(citizen_a.user)

    response = client.post(PROFILE, valid_data(preferred_language="en"))

    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert set(
        Person.objects.filter(user=citizen_a.user).values_list("preferred_language", flat=True)
    ) == {"en"}
    page = client.get(PROFILE).content.decode()
    assert '<html lang="en">' in page


def test_a_dispute_of_a_certified_identity_is_recorded_and_says_who_answers_and_when(
    client, certified
):
    client.force_login(certified.user)

    page = text_of(client.get(DISPUTE))
    assert "Ville de Bellerive" in page
    assert "sous un mois au plus" in page

    response = client.post(
        DISPUTE,
        {"field": "given_name", "proposed_value": "Alice-Marie", "explanation": "Prénom composé."},
    )

    assert response.status_code == HTTPStatus.FOUND
    dispute = IdentityDispute.objects.get()
    assert (dispute.person, dispute.user, dispute.field, dispute.proposed_value) == (
        certified,
        certified.user,
        "given_name",
        "Alice-Marie",
    )
    assert dispute.organisation == certified.organisation
    assert dispute.status == DisputeStatus.OPEN
    assert "Votre signalement est enregistré" in text_of(client.get(PROFILE))
    certified.refresh_from_db()
    assert certified.given_name == "Alice"


def test_an_empty_dispute_is_refused_with_french_messages(client, certified):
    client.force_login(certified.user)

    response = client.post(DISPUTE, {"field": "", "proposed_value": "", "explanation": "Rien"})

    assert response.status_code == HTTPStatus.OK
    page = text_of(response)
    assert "Choisissez la donnée qui est erronée." in page
    assert "Indiquez la valeur exacte." in page
    assert "Rien</textarea>" in page
    assert not IdentityDispute.objects.exists()


def test_an_uncertified_identity_has_nothing_to_dispute(client, citizen_a):
    client.force_login(citizen_a.user)

    response = client.post(DISPUTE, {"field": "given_name", "proposed_value": "X"})

    assert response.status_code == HTTPStatus.FOUND
    assert response.url == PROFILE
    assert not IdentityDispute.objects.exists()
