"""Tell us once while applying: the form shows what we already hold and where it comes
from; pieces already given are offered again, only to their owner, and copied only
when the person ticks the box that gives their consent."""

import datetime
import re
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from parcours.cases.models import Document
from parcours.people.models import DataSharingConsent, Person
from tests.cases.tell_us_once import earlier_request, procedure_asking_again

pytestmark = pytest.mark.sqlite

IDENTITY_STEP, CONTACT_STEP, REQUEST_STEP = 1, 2, 3


@pytest.fixture
def procedure(unit_1):
    return procedure_asking_again(unit_1, slug="carte-resident")


@pytest.fixture
def certified(citizen_a):
    citizen_a.identity_certified = True
    citizen_a.birth_date = datetime.date(1986, 4, 12)
    citizen_a.save()
    return citizen_a


def start(client, procedure) -> int:
    """Start a request as the signed-in person; the draft's id."""
    response = client.post(reverse("portal:apply_start", args=[procedure.slug]))
    assert response.status_code == HTTPStatus.FOUND
    return int(re.search(r"/brouillons/(\d+)/", response["Location"]).group(1))


def step_url(pk, step) -> str:
    return reverse("portal:apply_step", args=[pk, step])


def documents_url(pk) -> str:
    return reverse("portal:apply_documents", args=[pk])


def page(response) -> str:
    return response.content.decode()


def input_tag(html: str, name: str) -> str:
    return re.search(rf'<input[^>]*name="{name}"[^>]*>', html, re.S).group(0)


# ---------------------------------------------------------------------------
# Data


def test_a_certified_identity_is_shown_read_only_with_its_origin_and_a_way_to_dispute_it(
    client, certified, procedure
):
    client.force_login(certified.user)
    pk = start(client, procedure)

    html = page(client.get(step_url(pk, IDENTITY_STEP)))

    given_name = input_tag(html, "given_name")
    assert 'value="Alice"' in given_name
    assert "readonly" in given_name
    assert 'aria-describedby="id_given_name-origin"' in given_name
    assert "readonly" in input_tag(html, "birth_date")
    assert 'value="1986-04-12"' in input_tag(html, "birth_date")
    assert (
        html.count(
            "Nous avons déjà cette information : elle vient de FranceConnect (identité certifiée)."
        )
        == 3
    )
    assert "Elle ne peut pas être modifiée ici." in html
    assert f'href="{reverse("portal:profile_dispute")}"' in html


def test_a_certified_identity_cannot_be_changed_by_a_forged_post(client, certified, procedure):
    client.force_login(certified.user)
    pk = start(client, procedure)

    response = client.post(
        step_url(pk, IDENTITY_STEP),
        {"given_name": "Mallory", "family_name": "Durand", "birth_date": "2001-01-01"},
    )

    assert response.status_code == HTTPStatus.FOUND
    case = certified.cases.get(pk=pk)
    assert (case.form_data["given_name"], case.form_data["birth_date"]) == ("Alice", "1986-04-12")
    assert Person.objects.get(pk=certified.pk).given_name == "Alice"


def test_a_forged_certified_value_is_not_shown_back_on_a_page_with_errors(
    client, citizen_a, procedure
):
    # Certified without a birth date: the birth date is the person's to give.
    Person.objects.filter(pk=citizen_a.pk).update(identity_certified=True)
    client.force_login(citizen_a.user)
    pk = start(client, procedure)

    response = client.post(
        step_url(pk, IDENTITY_STEP),
        {"given_name": "Mallory", "family_name": "Durand", "birth_date": ""},
    )

    html = page(response)
    assert response.status_code == HTTPStatus.OK
    assert "« Date de naissance » est obligatoire." in html
    assert 'value="Alice"' in input_tag(html, "given_name")
    assert "Mallory" not in html
    assert "readonly" not in input_tag(html, "birth_date")


def test_declared_data_comes_from_the_profile_and_can_be_changed_for_this_request_only(
    client, citizen_a, procedure
):
    client.force_login(citizen_a.user)
    pk = start(client, procedure)

    html = page(client.get(step_url(pk, CONTACT_STEP)))

    phone = input_tag(html, "phone")
    assert 'value="06 12 34 56 78"' in phone
    assert "readonly" not in phone
    assert "Nous avons déjà cette information : elle vient de votre profil." in html
    assert "votre profil reste tel quel" in html

    response = client.post(step_url(pk, CONTACT_STEP), {"phone": "07 00 00 00 01", "city": ""})

    assert response.status_code == HTTPStatus.FOUND
    case = citizen_a.cases.get(pk=pk)
    assert case.form_data["phone"] == "07 00 00 00 01"
    assert "phone" not in case.prefilled
    citizen_a.refresh_from_db()
    assert (citizen_a.phone, citizen_a.city) == ("06 12 34 56 78", "Bellerive")
    html = page(client.get(step_url(pk, CONTACT_STEP)))
    assert "elle vient de votre profil" not in html


def test_what_the_profile_lacks_comes_from_an_earlier_request_and_says_which(
    client, citizen_a, procedure
):
    earlier, _document = earlier_request(person=citizen_a, procedure=procedure)
    client.force_login(citizen_a.user)
    pk = start(client, procedure)

    html = page(client.get(step_url(pk, IDENTITY_STEP)))

    day = date_format(earlier.received_on, "j F Y")
    assert 'value="1986-04-12"' in input_tag(html, "birth_date")
    assert "readonly" not in input_tag(html, "birth_date")
    assert (
        "Nous avons déjà cette information : elle vient de votre demande n° "
        f"{earlier.reference} du {day}."
    ) in html


def test_a_step_shown_with_no_answer_yet_offers_what_is_held(client, citizen_a, procedure):
    # A draft started before the person gave their phone number.
    Person.objects.filter(pk=citizen_a.pk).update(phone="")
    client.force_login(citizen_a.user)
    pk = start(client, procedure)
    Person.objects.filter(pk=citizen_a.pk).update(phone="06 98 76 54 32")

    html = page(client.get(step_url(pk, CONTACT_STEP)))
    client.post(step_url(pk, CONTACT_STEP), {"phone": "06 98 76 54 32", "city": "Bellerive"})

    assert 'value="06 98 76 54 32"' in input_tag(html, "phone")
    assert "elle vient de votre profil" in html
    case = citizen_a.cases.get(pk=pk)
    assert case.prefilled["phone"]["value"] == "06 98 76 54 32"


def test_the_review_page_says_which_answers_were_taken_from_where(client, certified, procedure):
    client.force_login(certified.user)
    pk = start(client, procedure)
    client.post(step_url(pk, CONTACT_STEP), {"phone": "07 00 00 00 01", "city": "Bellerive"})

    html = page(client.get(reverse("portal:apply_review", args=[pk])))

    assert html.count("Repris de FranceConnect (identité certifiée)") == 3
    assert html.count("Repris de votre profil") == 1  # the city; the phone was changed


def test_another_citizens_draft_is_not_found(client, citizen_a, citizen_b, procedure):
    client.force_login(citizen_a.user)
    pk = start(client, procedure)
    client.force_login(citizen_b.user)

    assert client.get(step_url(pk, IDENTITY_STEP)).status_code == HTTPStatus.NOT_FOUND
    assert client.get(documents_url(pk)).status_code == HTTPStatus.NOT_FOUND


# ---------------------------------------------------------------------------
# Documents


@pytest.fixture
def given(citizen_a, procedure):
    _earlier, document = earlier_request(person=citizen_a, procedure=procedure)
    return document


def test_a_piece_already_given_is_offered_unticked_with_the_consent_wording(
    client, citizen_a, procedure, given, organisation
):
    client.force_login(citizen_a.user)
    pk = start(client, procedure)

    html = page(client.get(documents_url(pk)))

    day = date_format(timezone.localtime(given.uploaded_at), "j F Y")
    box = input_tag(html, "reuse")
    assert f'value="{given.pk}"' in box
    assert "checked" not in box
    assert (
        f"Réutiliser le document déjà fourni le {day} pour le dossier n° {given.case.reference}"
    ) in html
    assert (
        "J'accepte que ce document soit transmis à Ville de Bellerive pour cette demande."
    ) in html
    assert 'aria-describedby="piece-1-reuse-1-consent"' in box
    # Offered for the proof of address only: no identity document was given.
    assert html.count('name="reuse"') == 1


def test_nothing_is_copied_without_the_box_ticked(client, citizen_a, procedure, given):
    client.force_login(citizen_a.user)
    pk = start(client, procedure)

    response = client.post(documents_url(pk), {"action": "reuse", "kind_code": "domicile"})

    html = page(response)
    assert response.status_code == HTTPStatus.OK
    assert "Cochez la case du document à réutiliser" in html
    assert 'href="#piece-1-reuse-1"' in html
    assert not Document.objects.filter(case_id=pk).exists()
    assert not DataSharingConsent.objects.exists()


def test_ticking_the_box_copies_the_piece_and_records_the_consent(
    client, citizen_a, procedure, given
):
    client.force_login(citizen_a.user)
    pk = start(client, procedure)

    response = client.post(
        documents_url(pk), {"action": "reuse", "kind_code": "domicile", "reuse": [given.pk]}
    )

    assert response.status_code == HTTPStatus.FOUND
    copy = Document.objects.get(case_id=pk)
    assert copy.source == given
    consent = DataSharingConsent.objects.get()
    assert (consent.target_case_id, consent.document) == (pk, copy)
    html = page(client.get(documents_url(pk)))
    assert "est repris pour votre demande" in html
    assert f"repris du dossier n° {given.case.reference}" in html
    assert 'name="reuse"' not in html  # not offered twice
    review = page(client.get(reverse("portal:apply_review", args=[pk])))
    assert f"repris du dossier n° {given.case.reference}" in review


def test_another_citizens_document_in_a_forged_post_is_refused(
    client, citizen_a, citizen_b, procedure, given
):
    _case, theirs = earlier_request(person=citizen_b, procedure=procedure)
    client.force_login(citizen_a.user)
    pk = start(client, procedure)

    response = client.post(
        documents_url(pk), {"action": "reuse", "kind_code": "domicile", "reuse": [theirs.pk]}
    )

    assert response.status_code == HTTPStatus.OK
    assert "Ce document ne peut pas être réutilisé pour cette demande." in page(response)
    assert not Document.objects.filter(case_id=pk).exists()
    assert not DataSharingConsent.objects.exists()


@pytest.mark.parametrize("value", ["abc", "-1", "99999999999999999999", "", "²"])
def test_a_garbled_document_id_is_refused_politely(client, citizen_a, procedure, given, value):
    client.force_login(citizen_a.user)
    pk = start(client, procedure)

    response = client.post(
        documents_url(pk), {"action": "reuse", "kind_code": "domicile", "reuse": [value]}
    )

    assert response.status_code == HTTPStatus.OK
    assert "Ce document ne peut pas être réutilisé pour cette demande." in page(response)
    assert not Document.objects.filter(case_id=pk).exists()


def test_a_piece_is_only_reused_for_the_kind_it_was_given_for(client, citizen_a, procedure, given):
    client.force_login(citizen_a.user)
    pk = start(client, procedure)

    response = client.post(
        documents_url(pk), {"action": "reuse", "kind_code": "identite", "reuse": [given.pk]}
    )

    assert response.status_code == HTTPStatus.OK
    assert not Document.objects.filter(case_id=pk).exists()


def test_another_citizen_is_never_offered_the_piece(client, citizen_b, procedure, given):
    client.force_login(citizen_b.user)
    pk = start(client, procedure)

    html = page(client.get(documents_url(pk)))

    assert 'name="reuse"' not in html
    assert given.original_name not in html


@pytest.mark.django_db(transaction=True)
def test_the_documents_step_with_offers_keeps_its_query_count(
    client, citizen_a, procedure, given, django_assert_num_queries
):
    """Committed data, as in production: the procedure's version then comes from the
    reference cache (a test's own transaction changed it, so would read it each time)."""
    earlier_request(person=citizen_a, procedure=procedure, kind_code="identite")
    earlier_request(person=citizen_a, procedure=procedure)
    client.force_login(citizen_a.user)
    pk = start(client, procedure)
    client.get(documents_url(pk))

    with django_assert_num_queries(6):
        response = client.get(documents_url(pk))

    assert page(response).count('name="reuse"') == 2


def test_taking_a_reused_piece_back_withdraws_the_consent(client, citizen_a, procedure, given):
    client.force_login(citizen_a.user)
    pk = start(client, procedure)
    client.post(
        documents_url(pk), {"action": "reuse", "kind_code": "domicile", "reuse": [given.pk]}
    )
    copy = Document.objects.get(case_id=pk)

    client.post(reverse("portal:apply_document_remove", args=[pk, copy.pk]))

    assert DataSharingConsent.objects.get().withdrawn_at is not None
    assert 'name="reuse"' in page(client.get(documents_url(pk)))
