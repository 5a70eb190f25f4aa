"""« Mes informations et leur origine »: where each piece of the person's data came
from, until when each document counts (an expired one is asked again), transfers made
only with consent, and the consent taken back."""

import datetime
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from parcours.cases import services
from parcours.cases.enums import EventKind
from parcours.cases.models import CaseEvent, Document
from parcours.people.enums import DisputeStatus, IdentityField
from parcours.people.models import DataSharingConsent, IdentityDispute, Person
from tests.cases.tell_us_once import earlier_request, procedure_asking_again

pytestmark = pytest.mark.sqlite


@pytest.fixture
def procedure(unit_1):
    return procedure_asking_again(unit_1)


@pytest.fixture
def given(citizen_a, procedure):
    _case, document = earlier_request(person=citizen_a, procedure=procedure)
    return document


def _page(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("portal:information"))
    assert response.status_code == HTTPStatus.OK
    return response.content.decode()


def test_each_piece_of_data_says_where_it_came_from(client, citizen_a):
    Person.objects.filter(pk=citizen_a.pk).update(
        identity_certified=True, birth_date=datetime.date(1986, 4, 12)
    )
    IdentityDispute.objects.create(
        organisation=citizen_a.organisation,
        person=citizen_a,
        field=IdentityField.BIRTH_DATE,
        proposed_value="12/04/1986",
        status=DisputeStatus.RESOLVED,
    )
    page = _page(client, citizen_a.user)
    assert "Certifiée par FranceConnect" in page  # the names
    assert "Vérifiée par un agent" in page  # the birth date, checked after a dispute
    assert "Déclarée par vous" in page  # the email, the phone
    assert citizen_a.email in page


def test_a_document_shows_until_when_it_counts_and_expired_ones_are_asked_again(
    client, citizen_a, procedure, given
):
    page = _page(client, citizen_a.user)
    valid_until = timezone.localdate() + datetime.timedelta(days=90)
    assert "Justificatif de domicile" in page
    assert "Expirée" not in page
    # 91 days later the proof of address is expired: shown so, and not offered again.
    Document.objects.filter(pk=given.pk).update(
        uploaded_at=timezone.now() - datetime.timedelta(days=91)
    )
    page = _page(client, citizen_a.user)
    assert "Expirée : elle vous sera redemandée" in page
    assert valid_until.year  # the date is computed from the kind's validity
    draft = services.case_create_draft(person=citizen_a, procedure=procedure, by=citizen_a.user)
    documents = client.get(reverse("portal:apply_documents", args=[draft.pk])).content.decode()
    assert "facture.pdf" not in documents
    review = client.get(reverse("portal:apply_review", args=[draft.pk])).content.decode()
    assert "Justificatif de domicile" in review


def test_without_consent_nothing_is_transferred_and_with_it_the_copy_says_so(
    client, citizen_a, procedure, given
):
    draft = services.case_create_draft(person=citizen_a, procedure=procedure, by=citizen_a.user)
    client.force_login(citizen_a.user)
    url = reverse("portal:apply_documents", args=[draft.pk])
    client.post(url, {"action": "reuse", "kind_code": "domicile"})
    assert not draft.documents.exists()
    assert not DataSharingConsent.objects.exists()
    client.post(url, {"action": "reuse", "kind_code": "domicile", "reuse": str(given.pk)})
    assert draft.documents.filter(source=given).exists()
    consent = DataSharingConsent.objects.get()
    page = _page(client, citizen_a.user)
    assert consent.what in page
    assert "Retirer mon accord" in page


def test_taking_back_consent_on_a_draft_removes_the_copy(client, citizen_a, procedure, given):
    draft = services.case_create_draft(person=citizen_a, procedure=procedure, by=citizen_a.user)
    copy = services.document_reuse(case=draft, source=given, by=citizen_a.user)
    consent = DataSharingConsent.objects.get(document=copy)
    client.force_login(citizen_a.user)
    response = client.post(reverse("portal:consent_withdraw", args=[consent.pk]))
    assert response.url == reverse("portal:information")
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None
    assert not Document.objects.filter(pk=copy.pk).exists()


def test_taking_back_consent_on_a_sent_case_tells_the_service(client, citizen_a, procedure, given):
    draft = services.case_create_draft(
        person=citizen_a,
        procedure=procedure,
        by=citizen_a.user,
        form_data={
            "given_name": "Alice",
            "family_name": "Durand",
            "birth_date": "1986-04-12",
            "reason": "Encore",
        },
    )
    copy = services.document_reuse(case=draft, source=given, by=citizen_a.user)
    case = services.case_submit(case=draft, by=citizen_a.user)
    consent = DataSharingConsent.objects.get(document=copy)
    client.force_login(citizen_a.user)
    client.post(reverse("portal:consent_withdraw", args=[consent.pk]))
    note = CaseEvent.objects.get(case=case, kind=EventKind.NOTE)
    assert "retiré son accord" in note.reason
    assert not note.visible_to_citizen


def test_nobody_else_withdraws_a_persons_consent(client, citizen_a, citizen_b, procedure, given):
    draft = services.case_create_draft(person=citizen_a, procedure=procedure, by=citizen_a.user)
    copy = services.document_reuse(case=draft, source=given, by=citizen_a.user)
    consent = DataSharingConsent.objects.get(document=copy)
    client.force_login(citizen_b.user)
    response = client.post(reverse("portal:consent_withdraw", args=[consent.pk]))
    assert response.status_code == HTTPStatus.NOT_FOUND
    consent.refresh_from_db()
    assert consent.withdrawn_at is None
    assert "facture.pdf" not in _page(client, citizen_b.user)
