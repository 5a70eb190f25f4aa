"""The read replica as a second database alias: the dashboards, the public results and
their open data, the exports and the agents' search read from it; the permission checks
and every write go to the primary.

The ``replica`` alias is a test mirror of the primary (the same test database, its own
connection), added for this module's tests only: the other tests run without a replica, as
most installations do (tests/lib/test_replica.py checks that ``use_replica`` then
changes nothing). The rows are committed (transactional tests) so that the replica's
connection sees them, as a streaming replica would.
"""

import datetime
from http import HTTPStatus

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from parcours.accounts.models import User
from parcours.lib.replica import REPLICA, reading_from_replica, replica_configured, use_replica
from parcours.stats.aggregation import compute_period
from tests.backoffice.conftest import verified
from tests.stats.conftest import decision_commitment, fixed_cases  # noqa: F401 — fixtures

pytestmark = [
    pytest.mark.sqlite,
    pytest.mark.django_db(transaction=True, databases=["default", REPLICA]),
]

WRITES = ("INSERT", "UPDATE", "DELETE", "CREATE", "ALTER", "DROP", "TRUNCATE")
PERIOD = {"since": "2026-10-01", "until": "2026-10-20"}


@pytest.fixture(scope="module", autouse=True)
def replica_alias(django_db_setup, django_db_blocker):
    """A ``replica`` alias on the test database, for this module's tests only."""
    settings = dict(connections["default"].settings_dict)
    settings["TEST"] = {**settings["TEST"], "MIRROR": "default"}
    connections.settings[REPLICA] = settings
    yield
    with django_db_blocker.unblock():
        connections[REPLICA].close()
    del connections[REPLICA]
    del connections.settings[REPLICA]


@pytest.fixture
def replica():
    """The queries sent to the replica and to the primary during the test."""
    with (
        CaptureQueriesContext(connections[REPLICA]) as on_replica,
        CaptureQueriesContext(connections["default"]) as on_primary,
    ):
        yield {"replica": on_replica, "primary": on_primary}


def sql(captured) -> list[str]:
    return [query["sql"] for query in captured.captured_queries]


def writes(captured) -> list[str]:
    return [q for q in sql(captured) if q.lstrip().upper().startswith(WRITES)]


def reset(replica) -> None:
    """Forget what the fixtures' setup sent, so only the request is looked at."""
    for captured in replica.values():
        captured.initial_queries = len(captured.connection.queries_log)


@pytest.fixture
def computed(fixed_cases):  # noqa: F811 — the fixture imported above
    compute_period(datetime.date(2026, 10, 1), datetime.date(2026, 10, 20))
    return fixed_cases


def test_the_replica_alias_is_configured():
    assert replica_configured()
    with use_replica():
        assert reading_from_replica()
    assert not reading_from_replica()


@pytest.mark.parametrize(
    ("page", "query"),
    [
        ("stats:dashboard", PERIOD),
        ("stats:dashboard", {**PERIOD, "format": "csv", "chart": "backlog"}),
        ("stats:equality", PERIOD),
        ("stats:equality", {**PERIOD, "format": "csv"}),
        ("stats:load", {}),
    ],
)
def test_the_managers_statistics_read_their_figures_from_the_replica(
    client, manager, computed, replica, page, query
):
    verified(client, manager.user)
    reset(replica)

    response = client.get(reverse(page), query)

    assert response.status_code == HTTPStatus.OK
    assert sql(replica["replica"]), "no figure read from the replica"
    assert writes(replica["replica"]) == []
    # Who may see what (the session, the agent and the units they manage): the primary.
    primary = " ".join(sql(replica["primary"]))
    assert "django_session" in primary
    assert "organisations_agent" in primary


def test_an_agent_who_manages_nothing_is_still_refused_with_a_replica(
    client, agent_1, computed, replica
):
    verified(client, agent_1.user)

    response = client.get(reverse("stats:dashboard"), PERIOD)

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert sql(replica["replica"]) == []


@pytest.mark.parametrize("name", ["results:organisation", "results:csv", "results:json"])
def test_the_public_results_and_their_open_data_read_from_the_replica(
    client, organisation, computed, replica, name
):
    reset(replica)

    response = client.get(reverse(name, args=[organisation.slug]))

    assert response.status_code == HTTPStatus.OK
    assert any("organisations_organisation" in q for q in sql(replica["replica"]))
    assert writes(replica["replica"]) == []


def test_the_margins_csv_reads_from_the_replica_and_its_page_from_the_primary(
    client, manager, unit_1, replica
):
    verified(client, manager.user)
    url = reverse("backoffice:margins_report", args=[unit_1.slug])
    reset(replica)

    assert client.get(url).status_code == HTTPStatus.OK
    assert sql(replica["replica"]) == []

    response = client.get(url, {"format": "csv"})

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("text/csv")
    assert any("cases_marginuse" in q for q in sql(replica["replica"]))
    assert writes(replica["replica"]) == []


def test_the_agents_search_finds_through_the_replica(client, agent_1, citizen_a, replica):
    verified(client, agent_1.user)
    reset(replica)

    response = client.get(reverse("backoffice:search"), {"q": citizen_a.family_name})

    assert response.status_code == HTTPStatus.OK
    assert citizen_a.family_name in response.content.decode()
    assert any("people_person" in q for q in sql(replica["replica"]))
    assert writes(replica["replica"]) == []
    # The units the agent reads fully (a permission): the primary.
    units = 'SELECT "organisations_unit"."id"'
    assert any(q.startswith(units) for q in sql(replica["primary"]))
    assert not any(q.startswith(units) for q in sql(replica["replica"]))


def test_writes_inside_use_replica_go_to_the_primary(replica):
    reset(replica)

    with use_replica():
        user = User.objects.create_user(email="lecture@example.test")
        user.first_name = "Lou"
        user.save()
        assert User.objects.filter(pk=user.pk).exists()  # read: the replica

    assert writes(replica["replica"]) == []
    assert len(writes(replica["primary"])) == 2
    assert any("accounts_user" in q for q in sql(replica["replica"]))
