"""The person's data pages in a real browser, in both themes, with axe (WCAG 2.1 AA)."""

import pytest
from django.urls import reverse

from parcours.privacy.enums import JournalAction
from parcours.privacy.journal import record_access
from tests.browser_support import BROWSER_MARKS, sign_in, violations

pytestmark = [*BROWSER_MARKS, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("theme", ["dsfr", "neutral"])
def test_my_data_and_the_journal_pass_axe_in_both_themes(
    browser, live_server, settings, theme, citizen_a, agent_1, procedure, tmp_path
):
    settings.PARCOURS_THEME = theme
    from tests.factories import CaseFactory

    case = CaseFactory(procedure=procedure, person=citizen_a)
    record_access(agent_1.user, citizen_a, JournalAction.READ, case=case)
    page = browser.new_page()
    sign_in(page, live_server.url, citizen_a.user)
    for name in ("portal:my_data", "portal:data_journal", "portal:data_export_html"):
        page.goto(live_server.url + reverse(name))
        assert page.locator("h1").count() == 1
        assert violations(page) == [], name
    page.goto(live_server.url + reverse("portal:my_data"))
    page.screenshot(path=str(tmp_path / f"my_data_{theme}.png"), full_page=True)
    page.goto(live_server.url + reverse("portal:data_journal"))
    assert "Claire Martin" in page.content()
    page.screenshot(path=str(tmp_path / f"journal_{theme}.png"), full_page=True)
    page.close()
