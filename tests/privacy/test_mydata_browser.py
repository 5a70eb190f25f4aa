"""The person's data pages in a real browser, in both themes, with axe (WCAG 2.1 AA)."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from parcours.cases import services
from parcours.privacy.enums import JournalAction
from parcours.privacy.journal import record_access
from parcours.privacy.rights import rights_request_create
from tests.backoffice.test_backoffice_browser import sign_in_verified
from tests.browser_support import BROWSER_MARKS, sign_in, violations
from tests.factories import CaseFactory

pytestmark = [*BROWSER_MARKS, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("theme", ["dsfr", "neutral"])
def test_my_data_and_the_journal_pass_axe_in_both_themes(
    browser, live_server, settings, theme, citizen_a, agent_1, procedure, tmp_path
):
    settings.PARCOURS_THEME = theme
    case = CaseFactory(procedure=procedure, person=citizen_a)
    record_access(agent_1.user, citizen_a, JournalAction.READ, case=case)
    page = browser.new_page()
    sign_in(page, live_server.url, citizen_a.user)
    for name in ("portal:my_data", "portal:data_journal", "portal:data_export_html"):
        page.goto(live_server.url + reverse(name))
        expect(page.locator("h1")).to_have_count(1)
        assert violations(page) == [], name
    page.goto(live_server.url + reverse("portal:my_data"))
    page.screenshot(path=str(tmp_path / f"my_data_{theme}.png"), full_page=True)
    page.goto(live_server.url + reverse("portal:data_journal"))
    assert "Claire Martin" in page.content()
    page.screenshot(path=str(tmp_path / f"journal_{theme}.png"), full_page=True)
    page.close()


@pytest.mark.parametrize("theme", ["dsfr", "neutral"])
def test_the_handling_of_a_request_about_data_passes_axe_in_both_themes(
    browser, live_server, settings, theme, citizen_a, manager, procedure
):
    """The manager's list and a correction request's page, then the refusal form sent
    empty (its errors), then the person's readable copy with the request's steps."""
    settings.PARCOURS_THEME = theme
    case = CaseFactory(procedure=procedure, person=citizen_a)
    services.case_submit(case=case, by=citizen_a.user)
    request = rights_request_create(
        user=citizen_a.user, person_id=None, kind="correction", details="Mon prénom."
    )
    context = browser.new_context()
    sign_in_verified(context, live_server.url, manager.user)
    page = context.new_page()
    page.goto(live_server.url + reverse("backoffice:rights_requests"))
    assert violations(page) == [], "list"
    page.goto(live_server.url + reverse("backoffice:rights_request", args=[request.pk]))
    assert violations(page) == [], "detail"
    page.locator("form[action$='/refus/'] button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("#id_ground-error").count() == 1
    assert violations(page) == [], "detail with errors"
    context.close()
    page = browser.new_page()
    sign_in(page, live_server.url, citizen_a.user)
    page.goto(live_server.url + reverse("portal:data_export_html"))
    assert "Mon prénom." in page.content()
    assert violations(page) == [], "copy"
    page.close()
