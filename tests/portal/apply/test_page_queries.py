"""The statements each page of the online form runs, pinned in both themes: every page
a person reads while applying pays for them, so one more is a regression to explain.

A page of a signed-in person reads the session and the user, then its own data, then
the header's account menu (one statement, ``mandates.selectors.account_menu``). The
procedure, its version and administration come from the reference cache
(lib/reference_cache.py), as in production: the data is committed (a test's own
transaction, having written them, would read them from the database every time)."""

import pytest
from django.urls import reverse

from parcours.cases import services

from .conftest import FULL_ANSWERS

pytestmark = [pytest.mark.sqlite, pytest.mark.django_db(transaction=True)]

THEMES = ["dsfr", "neutral"]


@pytest.fixture
def school_draft(school_procedure, citizen_a):
    draft = services.case_create_draft(
        person=citizen_a, procedure=school_procedure, by=citizen_a.user
    )
    return services.case_update_draft(
        case=draft, by=citizen_a.user, form_data=FULL_ANSWERS, situation="Je déménage."
    )


@pytest.fixture
def signed_in(client, citizen_a):
    client.force_login(citizen_a.user)
    return client


@pytest.mark.parametrize("theme", THEMES)
def test_a_step_of_the_form_runs_four_statements(
    signed_in, settings, school_draft, django_assert_num_queries, theme
):
    """The session, the user, the draft with its person, the account menu."""
    settings.PARCOURS_THEME = theme
    signed_in.get(reverse("portal:apply_step", args=[school_draft.pk, 1]))  # warm caches

    with django_assert_num_queries(4):
        response = signed_in.get(reverse("portal:apply_step", args=[school_draft.pk, 1]))

    html = response.content.decode()
    assert 'name="child_name"' in html
    assert 'value="Léa"' in html
    assert "Mes dossiers" in html


@pytest.mark.parametrize("theme", THEMES)
def test_the_review_page_runs_six_statements(
    signed_in, settings, school_draft, django_assert_num_queries, theme
):
    """The session, the user, the draft, its documents, the account menu and the
    person's record (the identity shown for checking)."""
    settings.PARCOURS_THEME = theme
    signed_in.get(reverse("portal:apply_review", args=[school_draft.pk]))

    with django_assert_num_queries(6):
        response = signed_in.get(reverse("portal:apply_review", args=[school_draft.pk]))

    html = response.content.decode()
    assert "Léa" in html
    assert "Je déménage." in html
    assert 'name="csrfmiddlewaretoken"' in html
