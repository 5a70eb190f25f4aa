"""The public results, the open data and the procedure pages: no sign-in, no personal
data, small groups suppressed in every export."""

import datetime
import json
from http import HTTPStatus

import pytest
from django.urls import reverse

from parcours.stats import results
from parcours.stats.aggregation import compute_period
from parcours.stats.public import load_schema

from .conftest import stat_row

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 26)


@pytest.fixture
def _today(time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 26, 12, 0), tick=False)


@pytest.fixture
def computed(fixed_cases, _today):
    compute_period(datetime.date(2026, 10, 1), datetime.date(2026, 10, 20))


@pytest.fixture
def large(organisation, unit_1, procedure, _today):
    """Enough decisions and answers to be shown: 40 decisions, 30 within the
    commitment; 20 answers, 12 satisfied (5), 4 neutral (3), 4 dissatisfied (1)."""
    stat_row(
        organisation,
        unit_1,
        day=datetime.date(2026, 9, 1),
        procedure=procedure,
        durations=[3] * 20 + [12] * 20,
        accepted=30,
        rejected=10,
        started=45,
        with_commitment=40,
        within_commitment=30,
    )
    stat_row(
        organisation,
        unit_1,
        day=datetime.date(2026, 9, 1),
        subject="feedback",
        satisfaction_count=20,
        satisfaction_sum=12 * 5 + 4 * 3 + 4,
        satisfaction_squares=12 * 25 + 4 * 9 + 4,
        satisfied=12,
        dissatisfied=4,
    )
    stat_row(
        organisation,
        unit_1,
        day=datetime.date(2026, 9, 1),
        subject="callback",
        started=20,
        completed=15,
    )


def test_the_results_page_needs_no_sign_in_and_shows_no_one(
    client, organisation, computed, citizen_a
):
    response = client.get(reverse("results:organisation", args=[organisation.slug]))
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    for personal in (citizen_a.family_name, citizen_a.given_name, citizen_a.email, "2026-SCO"):
        assert personal not in html
    assert 'role="img"' in html


def test_an_unknown_organisation_is_not_found(client, db):
    assert client.get(reverse("results:organisation", args=["nowhere"])).status_code == 404


def test_the_indicators_match_the_hand_count(organisation, large):
    (twelve_months, *_years) = [
        r for r in results.open_data(organisation, TODAY) if r["procedure"] is None
    ]
    assert twelve_months["decisions"] == 40
    assert twelve_months["within_commitment_rate"] == 0.75
    assert twelve_months["satisfied_rate"] == 0.6
    assert twelve_months["net_satisfaction"] == 0.4  # 60 % satisfied − 20 % dissatisfied
    assert twelve_months["satisfaction_mean"] == pytest.approx((60 + 12 + 4) / 20, abs=0.01)
    assert twelve_months["callbacks_made_rate"] == 0.75
    # 20 decisions in [3, 5) and 20 in [10, 14): the median is at the top of the first.
    assert twelve_months["median_days_to_decision"] == 5.0


def test_small_groups_are_suppressed_in_the_open_data(client, organisation, computed):
    """Five cases only: every figure about them is suppressed, in CSV and JSON."""
    data = client.get(reverse("results:json", args=[organisation.slug])).json()
    row = data["rows"][0]
    assert data["min_group_size"] == 11
    for name in (
        "cases_received",
        "decisions",
        "within_commitment_rate",
        "median_days_to_decision",
        "p90_days_to_decision",
    ):
        assert row[name] is None
    csv = client.get(reverse("results:csv", args=[organisation.slug])).content.decode()
    header, first, *_ = csv.splitlines()
    values = dict(zip(header.split(","), first.split(","), strict=True))
    assert values["cases_received"] == ""
    assert values["within_commitment_rate"] == ""


def test_the_json_follows_its_schema(client, organisation, large):
    schema = load_schema()
    data = client.get(reverse("results:json", args=[organisation.slug])).json()
    assert set(data) == set(schema["properties"])
    row_schema = schema["$defs"]["row"]
    for row in data["rows"]:
        assert set(row) == set(row_schema["required"]) == set(results.FIELDS)
    served = client.get(reverse("results:schema"))
    assert json.loads(served.content) == schema


def test_the_procedure_page_shows_the_measured_time(client, procedure, large):
    response = client.get(reverse("portal:procedure", args=[procedure.slug]))
    html = response.content.decode()
    assert "la moitié des demandes ont reçu leur décision en 5 jours ou moins" in html
    # 90th percentile: rank 36 of 40, 80 % into [10, 14): 13.2 days.
    assert "9 sur 10 en 13 jours ou moins" in html


def test_the_procedure_page_says_when_there_are_too_few_cases(client, procedure, computed):
    response = client.get(reverse("portal:procedure", args=[procedure.slug]))
    assert "pas encore rendu assez de décisions" in response.content.decode()
