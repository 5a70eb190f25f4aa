"""The fields a procedure reserves for agents: an agent of the case's unit fills them in
on the case page (typed and checked like the citizen's form), each save is an internal
event and is journaled; the person never sees them, and an agent of another unit cannot
reach them."""

import json
from http import HTTPStatus

import pytest
from django.urls import reverse

from parcours.cases import services as case_services
from parcours.cases.enums import EventKind
from parcours.cases.errors import CaseError, NotAllowed
from parcours.cases.private_fields import case_save_private_fields, private_values
from parcours.privacy import rights
from parcours.privacy.enums import JournalAction
from parcours.privacy.models import AccessLogEntry
from parcours.studio import services
from parcours.studio.content import version_content
from tests.backoffice.conftest import verified
from tests.factories import CaseFactory

from .test_versions import V1_FORM, complete

pytestmark = pytest.mark.sqlite

PRIVATE_FIELDS = [
    {"name": "places_left", "label": "Places restantes", "type": "integer", "min": 0, "max": 40},
    {"name": "sector_checked", "label": "Secteur vérifié", "type": "yes_no", "required": True},
    {"name": "checked_on", "label": "Vérifié le", "type": "date"},
]


@pytest.fixture(autouse=True)
def no_pdf_tasks(monkeypatch):
    monkeypatch.setattr(case_services, "_after_commit_render_receipt", lambda receipt: None)


@pytest.fixture
def case(procedure, citizen_a):
    """A case filed under a version that reserves three fields for agents."""
    draft = services.draft_open(procedure=procedure, by=None)
    services.draft_save(version=draft, by=None, form_definition=V1_FORM)
    complete(draft)
    content = version_content(draft)
    content["private_fields"] = PRIVATE_FIELDS
    services.draft_save(version=draft, by=None, content=content)
    services.version_publish(version=draft, by=None)
    filed = CaseFactory(
        procedure=procedure, person=citizen_a, form_data={"subject": "Rentrée", "school": "curie"}
    )
    return case_services.case_submit(case=filed, by=citizen_a.user)


def url(case):
    return reverse("backoffice:case_private_fields", args=[case.reference])


def test_an_agent_of_the_unit_fills_the_private_fields_from_the_case_page(case, agent_1, client):
    verified(client, agent_1.user)
    page = client.get(reverse("backoffice:case", args=[case.reference])).content.decode()
    assert "Champs réservés aux agents" in page
    assert 'name="places_left"' in page
    assert f'action="{url(case)}"' in page

    response = client.post(
        url(case), {"places_left": "12", "sector_checked": "yes", "checked_on": "2026-03-02"}
    )

    assert response.status_code == HTTPStatus.FOUND
    assert private_values(case) == {
        "places_left": 12,
        "sector_checked": True,
        "checked_on": "2026-03-02",
    }
    event = case.events.get(kind=EventKind.NOTE)
    assert not event.visible_to_citizen
    assert "Places restantes" in event.reason
    page = client.get(reverse("backoffice:case", args=[case.reference])).content.decode()
    assert 'value="12"' in page
    assert AccessLogEntry.objects.filter(
        case=case, actor=agent_1.user, action=JournalAction.CHANGE
    ).exists()


def test_a_value_refused_is_explained_in_french_and_what_was_typed_is_kept(case, agent_1, client):
    verified(client, agent_1.user)
    response = client.post(
        url(case), {"places_left": "quatre-vingt", "sector_checked": "", "checked_on": "hier"}
    )

    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    assert "3 réponses sont à corriger" in page
    assert "Rien n'est enregistré pour l'instant" in page
    assert "Places restantes :" in page
    assert 'value="quatre-vingt"' in page
    assert 'value="hier"' in page
    assert private_values(case) == {}
    assert not case.events.filter(kind=EventKind.NOTE).exists()
    assert AccessLogEntry.objects.filter(
        case=case, actor=agent_1.user, action=JournalAction.READ
    ).exists()


def test_the_service_checks_the_values_and_who_acts(case, agent_1, agent_2):
    with pytest.raises(CaseError) as refused:
        case_save_private_fields(case=case, by=agent_1.user, values={"places_left": 99})
    assert set(refused.value.errors) == {"places_left", "sector_checked"}
    with pytest.raises(NotAllowed):
        case_save_private_fields(case=case, by=agent_2.user, values={"sector_checked": "no"})
    assert private_values(case) == {}


def test_an_agent_of_another_unit_cannot_reach_the_private_fields(case, agent_2, client):
    verified(client, agent_2.user)
    assert client.get(url(case)).status_code == HTTPStatus.NOT_FOUND
    response = client.post(url(case), {"places_left": "3", "sector_checked": "yes"})
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert private_values(case) == {}


def test_the_citizen_never_sees_the_private_fields(case, agent_1, citizen_a, client):
    case_save_private_fields(
        case=case,
        by=agent_1.user,
        values={"places_left": "7", "sector_checked": "no", "checked_on": "2026-03-02"},
    )
    client.force_login(citizen_a.user)
    page = client.get(reverse("portal:case", args=[case.reference])).content.decode()
    assert "Places restantes" not in page
    assert "Champs réservés aux agents" not in page
    assert client.get(url(case)).status_code != HTTPStatus.OK
    # Like the internal notes, they are not part of the copy of the person's data.
    copy = json.dumps(rights.person_data(citizen_a.user), default=str, ensure_ascii=False)
    assert "places_left" not in copy
    assert "Places restantes" not in copy
    assert case.reference in copy
