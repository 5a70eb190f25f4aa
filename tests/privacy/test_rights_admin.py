"""Requests about one's data in the Django admin: read, with their steps, never changed
there (they are answered in the agents' space, where the person is told)."""

from http import HTTPStatus

from django.urls import reverse

from parcours.privacy.rights import rights_request_create
from tests.factories import UserFactory


def test_the_admin_shows_a_request_and_its_steps_read_only(client, citizen_a):
    request = rights_request_create(
        user=citizen_a.user, person_id=None, kind="objection", details="Je m'oppose."
    )
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = reverse("admin:privacy_rightsrequest_change", args=[request.pk])

    page = client.get(url)
    assert page.status_code == HTTPStatus.OK
    assert "Je m&#x27;oppose." in page.content.decode()
    assert "Demande reçue" in page.content.decode()

    refused = client.post(url, {"status": "done", "answer": "Oui."})
    assert refused.status_code == HTTPStatus.FORBIDDEN
    request.refresh_from_db()
    assert request.status == "received"
