"""A repeatable group on the application's pages: a line taken out with its own button,
what was typed elsewhere on the page kept; the spare line has no such button. (Wrong
lines: test_bad_input.py; in a browser: test_group_browser.py.)"""

import html
import re
from http import HTTPStatus

import pytest
from django.urls import reverse

from parcours.cases import services
from tests.factories import ProcedureFactory

pytestmark = pytest.mark.sqlite

FORM = {
    "fields": [
        {"name": "town", "label": "Commune", "type": "text"},
        {
            "name": "children",
            "label": "Enfants",
            "type": "group",
            "fields": [{"name": "name", "label": "Prénom", "type": "text"}],
        },
    ]
}


@pytest.fixture
def draft(citizen_a, unit_1):
    procedure = ProcedureFactory(handling_unit=unit_1, version=FORM)
    return services.case_create_draft(person=citizen_a, procedure=procedure, by=citizen_a.user)


def test_a_line_is_taken_out_with_its_button_and_the_rest_is_kept(client, citizen_a, draft):
    client.force_login(citizen_a.user)
    url = reverse("portal:apply_step", args=[draft.pk, 1])
    lines = {"children-0-name": "Léa", "children-1-name": "Tom", "children-2-name": "Zoé"}

    response = client.post(url, {"town": "Bellerive", **lines, "action": "remove_row:children:1"})

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == url
    draft.refresh_from_db()
    assert draft.form_data["children"] == [{"name": "Léa"}, {"name": "Zoé"}]
    assert draft.form_data["town"] == "Bellerive"
    page = html.unescape(client.get(url).content.decode())
    buttons = re.findall(r'value="(remove_row:[^"]+)"[^>]*>\s*([^<]+?)\s*</button>', page)
    # One button per line typed, none for the spare third line.
    assert buttons == [
        ("remove_row:children:0", "Retirer la ligne 1 de « Enfants »"),
        ("remove_row:children:1", "Retirer la ligne 2 de « Enfants »"),
    ]
    assert 'value="Zoé"' in page


@pytest.mark.parametrize("action", ["remove_row:children:7", "remove_row:town:0", "remove_row:x"])
def test_a_remove_button_for_no_line_changes_nothing(client, citizen_a, draft, action):
    client.force_login(citizen_a.user)
    url = reverse("portal:apply_step", args=[draft.pk, 1])

    response = client.post(url, {"town": "Bellerive", "children-0-name": "Léa", "action": action})

    assert response.status_code == HTTPStatus.FOUND
    draft.refresh_from_db()
    assert draft.form_data == {"town": "Bellerive", "children": [{"name": "Léa"}]}


def test_on_the_correction_page_a_line_taken_out_shows_the_page_again_nothing_sent(
    client, citizen_a, unit_1, monkeypatch
):
    monkeypatch.setattr(services, "_after_commit_render_receipt", lambda receipt: None)
    procedure = ProcedureFactory(handling_unit=unit_1, version=FORM)
    answers = {"town": "Bellerive", "children": [{"name": "Léa"}, {"name": "Tom"}]}
    case = services.case_submit(
        case=services.case_create_draft(
            person=citizen_a, procedure=procedure, by=citizen_a.user, form_data=answers
        ),
        by=citizen_a.user,
    )
    client.force_login(citizen_a.user)

    response = client.post(
        reverse("portal:case_correct", args=[case.reference]),
        {
            "town": "Bellerive",
            "children-0-name": "Léa",
            "children-1-name": "Tom",
            "correction-shown": "town,children",
            "correction-explanation": "Tom n'est pas concerné.",
            "action": "remove_row:children:1",
        },
    )

    page = html.unescape(response.content.decode())
    assert response.status_code == HTTPStatus.OK
    assert 'value="Léa"' in page
    assert 'value="Tom"' not in page
    assert "Tom n'est pas concerné." in page
    case.refresh_from_db()
    assert case.form_data == answers
    assert not client.session.get(f"correction:{case.pk}")
