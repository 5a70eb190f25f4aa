"""The read replica: reads inside use_replica go to it when it exists; writes never."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from parcours.accounts.models import User
from parcours.lib import replica
from parcours.lib.replica import ReplicaRouter, reading_from_replica, use_replica
from tests.backoffice.conftest import verified

pytestmark = pytest.mark.sqlite

router = ReplicaRouter()


@pytest.fixture
def with_a_replica(monkeypatch):
    monkeypatch.setattr(replica, "replica_configured", lambda: True)


def test_without_a_replica_everything_reads_from_the_primary():
    with use_replica():
        assert router.db_for_read(User) is None
        assert not reading_from_replica()


def test_reads_inside_use_replica_go_to_the_replica_and_writes_to_the_primary(with_a_replica):
    assert router.db_for_read(User) is None
    with use_replica():
        assert router.db_for_read(User) == "replica"
        assert router.db_for_write(User) == "default"
        with use_replica():
            assert router.db_for_read(User) == "replica"
        assert router.db_for_read(User) == "replica"  # still inside the outer block
    assert router.db_for_read(User) is None


def test_use_replica_decorates_a_function(with_a_replica):
    @use_replica
    def export():
        return router.db_for_read(User)

    assert export() == "replica"
    assert router.db_for_read(User) is None


def test_use_replica_ends_even_when_the_block_fails(with_a_replica):
    with pytest.raises(ValueError, match="boom"), use_replica():
        raise ValueError("boom")
    assert router.db_for_read(User) is None


def test_the_replica_is_never_migrated():
    assert router.allow_migrate("replica", "cases") is False
    assert router.allow_migrate("default", "cases") is True


@pytest.fixture
def reads(monkeypatch, with_a_replica):
    """Whether each read of a view asked for the replica (served by the primary here)."""
    seen = []

    def db_for_read(self, model, **hints):
        seen.append(reading_from_replica())

    monkeypatch.setattr(ReplicaRouter, "db_for_read", db_for_read)
    return seen


def test_the_agents_search_reads_from_the_replica(client, agent_1, citizen_a, reads):
    verified(client, agent_1.user)

    response = client.get(reverse("backoffice:search"), {"q": "Durand"})

    assert response.status_code == HTTPStatus.OK
    assert True in reads


def test_the_margins_csv_reads_from_the_replica_but_the_page_does_not(
    client, manager, unit_1, reads
):
    verified(client, manager.user)
    url = reverse("backoffice:margins_report", args=[unit_1.slug])

    assert client.get(url).status_code == HTTPStatus.OK
    assert True not in reads
    response = client.get(url, {"format": "csv"})

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("text/csv")
    assert True in reads
