"""The statistics pages in a real browser (Debian's chromium): the managers' dashboard
with its charts and tables, the equality page with a flagged group, the agents' load,
the public results and a procedure page with its measured time. axe checks each page
against WCAG 2.1 A and AA, in both themes; screenshots go to var/."""

import datetime

import pytest
from playwright.sync_api import expect

from parcours.stats.aggregation import compute_period
from tests.backoffice.test_backoffice_browser import sign_in_verified
from tests.browser_support import BROWSER_MARKS, violations

from .conftest import stat_row

pytestmark = BROWSER_MARKS

PERIOD = "since=2026-09-01&until=2026-10-20"


def spread(days, n):
    return [days[i % len(days)] for i in range(n)]


@pytest.fixture
def figures(organisation, unit_1, procedure, fixed_cases, time_machine):
    time_machine.move_to(datetime.datetime(2026, 10, 20, 12, 0), tick=False)
    compute_period(datetime.date(2026, 10, 1), datetime.date(2026, 10, 20))
    day = datetime.date(2026, 9, 15)
    stat_row(
        organisation,
        unit_1,
        day=day,
        procedure=procedure,
        channel="online",
        durations=spread([2, 4, 6, 9, 12], 200),
        accepted=180,
        rejected=20,
        with_commitment=200,
        within_commitment=170,
        started=210,
    )
    stat_row(
        organisation,
        unit_1,
        day=day,
        procedure=procedure,
        channel="phone",
        durations=spread([8, 12, 20, 25, 40], 60),
        accepted=36,
        rejected=24,
        with_commitment=60,
        within_commitment=30,
        started=60,
    )
    for month, (satisfied, neutral, dissatisfied) in ((9, (30, 8, 6)), (10, (26, 10, 4))):
        n = satisfied + neutral + dissatisfied
        stat_row(
            organisation,
            unit_1,
            day=datetime.date(2026, month, 10),
            subject="feedback",
            channel="online",
            satisfaction_count=n,
            satisfaction_sum=satisfied * 5 + neutral * 3 + dissatisfied,
            satisfaction_squares=satisfied * 25 + neutral * 9 + dissatisfied,
            satisfied=satisfied,
            dissatisfied=dissatisfied,
        )


def check(page, found, name, theme):
    page.wait_for_load_state()
    expect(page.locator("h1")).to_have_count(1)
    for summary in page.locator("details > summary").all():
        summary.click()  # open the charts' tables: axe and the screenshot see them
    found[name] = violations(page)
    page.screenshot(path=f"var/stats-{theme}-{name}.png", full_page=True)


@pytest.mark.parametrize("theme", ["neutral", "dsfr"])
def test_the_statistics_pages_wcag_aa(
    live_server, settings, browser, figures, manager, organisation, procedure, theme
):
    settings.PARCOURS_THEME = theme
    base = live_server.url
    found: dict[str, list[str]] = {}
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    sign_in_verified(context, base, manager.user)
    page = context.new_page()

    page.goto(f"{base}/agents/statistiques/?{PERIOD}")
    expect(page.get_by_role("img", name="Dossiers en cours au fil des jours")).to_be_visible()
    check(page, found, "dashboard", theme)

    page.goto(f"{base}/agents/statistiques/?since=2026-10-20&until=2026-10-01")
    expect(page.get_by_text("La fin de la période doit suivre son début.")).to_be_visible()
    check(page, found, "dashboard-error", theme)

    page.goto(f"{base}/agents/statistiques/egalite/?{PERIOD}")
    expect(page.get_by_text("Des groupes semblent moins bien traités")).to_be_visible()
    check(page, found, "equality", theme)

    page.goto(f"{base}/agents/statistiques/charge/")
    check(page, found, "load", theme)

    public = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    page = public.new_page()
    page.goto(f"{base}/resultats/{organisation.slug}/")
    expect(page.get_by_role("heading", name="Sur les 12 derniers mois")).to_be_visible()
    check(page, found, "results", theme)

    page.goto(f"{base}/demarches/{procedure.slug}/")
    check(page, found, "procedure", theme)

    assert {name: v for name, v in found.items() if v} == {}
