"""The managers' statistics pages: who may see them, what they show, their CSV."""

import datetime
from http import HTTPStatus

import pytest
from django.urls import reverse

from parcours.stats.aggregation import compute_period
from tests.backoffice.conftest import assert_refused, sign_in_as, verified

pytestmark = pytest.mark.django_db

PAGES = ["stats:dashboard", "stats:equality", "stats:load"]
PERIOD = {"since": "2026-10-01", "until": "2026-10-20"}


@pytest.fixture
def computed(fixed_cases):
    compute_period(datetime.date(2026, 10, 1), datetime.date(2026, 10, 20))
    return fixed_cases


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", "sign_in"),
        ("unverified_agent_1", "code"),
        ("citizen_a", HTTPStatus.FORBIDDEN),
        ("helper", HTTPStatus.FORBIDDEN),
        ("agent_1", HTTPStatus.FORBIDDEN),
    ],
)
def test_only_managers_see_the_statistics(client, request, page, role, expected):
    sign_in_as(client, role, request)
    assert_refused(client.get(reverse(page)), expected)


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("role", ["manager", "manager_2", "org_admin"])
def test_managers_see_the_statistics(client, request, page, role, computed):
    sign_in_as(client, role, request)
    response = client.get(reverse(page), PERIOD)
    assert response.status_code == HTTPStatus.OK


def test_the_dashboard_shows_the_unit_s_figures(client, manager, computed):
    verified(client, manager.user)
    response = client.get(reverse("stats:dashboard"), PERIOD)
    figures = response.context["totals"]
    assert (figures["received"], figures["decided"], figures["backlog"]) == (5, 3, 1)
    html = response.content.decode()
    assert html.count('role="img"') == 4  # four charts, each with its table
    assert html.count("<details") == 4
    assert '<title id="chart-backlog-title">' in html


def test_a_manager_of_another_unit_sees_none_of_unit_1_s_figures(client, manager_2, computed):
    verified(client, manager_2.user)
    response = client.get(reverse("stats:dashboard"), PERIOD)
    assert response.context["totals"]["received"] == 0


def test_a_manager_cannot_pick_a_unit_they_do_not_manage(client, manager_2, unit_1, computed):
    verified(client, manager_2.user)
    response = client.get(reverse("stats:dashboard"), {**PERIOD, "unit": unit_1.pk})
    assert response.status_code == HTTPStatus.OK
    assert "Choisissez un service de la liste." in response.content.decode()
    assert response.context["totals"]["received"] == 0


def test_a_period_backwards_is_refused_politely_and_kept(client, manager, computed):
    verified(client, manager.user)
    response = client.get(
        reverse("stats:dashboard"), {"since": "2026-10-20", "until": "2026-10-01"}
    )
    html = response.content.decode()
    assert "La fin de la période doit suivre son début." in html
    assert 'value="2026-10-20"' in html  # what was typed stays in the form


def test_each_chart_downloads_as_csv(client, manager, computed):
    verified(client, manager.user)
    response = client.get(
        reverse("stats:dashboard"), {**PERIOD, "format": "csv", "chart": "backlog"}
    )
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Jour;Reçus;Traités")
    assert len(lines) == 1 + 20  # one line a day
    assert lines[-1].endswith(";1;1")  # one open case, past its legal date


def test_an_unknown_chart_is_not_found(client, manager, computed):
    verified(client, manager.user)
    response = client.get(reverse("stats:dashboard"), {"format": "csv", "chart": "nope"})
    assert response.status_code == HTTPStatus.NOT_FOUND


def test_the_load_lists_agents_by_name_with_their_cases(client, manager, agent_1, computed, unit_1):
    from parcours.cases.models import Case
    from parcours.organisations.permissions import holders_of

    Case.objects.filter(state="in_review").update(referent=agent_1)
    # Names chosen, not drawn: by family name (which may have several words), then given name.
    names = [
        ("Martin", "Claire"),
        ("Dos Santos", "Françoise"),
        ("Martin", "Bruno"),
        ("Aubry", "Léo"),
    ]
    members = list(holders_of(unit_1).select_related("user"))
    for member, (last, first) in zip(members, names, strict=False):
        member.user.last_name, member.user.first_name = last, first
        member.user.save(update_fields=["last_name", "first_name"])
    verified(client, manager.user)
    response = client.get(reverse("stats:load"))
    (entry,) = response.context["units"]
    held = {m.pk: (m.held, m.overdue) for m in entry["members"]}
    assert held[agent_1.pk] == (1, 1)
    expected = sorted(names[: len(members)])
    assert [(m.user.last_name, m.user.first_name) for m in entry["members"]] == expected
