"""The Redis cache keeps one client per connection pool and behaves as Django's."""

import threading
import uuid

import pytest
from django.core.cache.backends.redis import RedisCacheClient
from redis.connection import Connection

from parcours.lib.redis_cache import RedisCache

URL = "redis://127.0.0.1:6379/15"


@pytest.fixture
def cache():
    """A cache of its own: a prefix no other test (or test process) uses."""
    cache = RedisCache(URL, {"KEY_PREFIX": f"redis-cache-test-{uuid.uuid4().hex}"})
    yield cache
    client = cache._cache.get_client(write=True)
    keys = client.keys(f"{cache.key_prefix}*")
    if keys:
        client.delete(*keys)


def test_one_client_serves_every_call(cache):
    first = cache._cache.get_client(write=True)
    assert cache._cache.get_client() is first
    assert cache._cache.get_client(write=True) is first


def test_django_s_own_client_builds_one_per_call():
    """What the backend changes: without it every call had its own ``redis.Redis``."""
    client = RedisCacheClient([URL])
    assert client.get_client() is not client.get_client()


def test_values_are_written_read_counted_and_deleted(cache):
    assert cache.add("visits", 0, timeout=30)
    assert not cache.add("visits", 5, timeout=30)
    assert cache.incr("visits") == 1
    cache.set("person", {"name": "Alice Durand"}, timeout=30)
    assert cache.get("person") == {"name": "Alice Durand"}
    assert cache.get_many(["person", "visits"]) == {"person": {"name": "Alice Durand"}, "visits": 1}
    cache.delete("person")
    assert cache.get("person") is None


def test_threads_share_the_client_safely(cache):
    cache.set("counter", 0, timeout=30)
    errors = []

    def count():
        try:
            for _ in range(50):
                cache.incr("counter")
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=count) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert cache.get("counter") == 200


@pytest.fixture
def round_trips(monkeypatch):
    """How many times this process sends something to Redis."""
    sent = []
    send = Connection.send_packed_command

    def counted(self, command, check_health=True):
        sent.append(command)
        return send(self, command, check_health)

    monkeypatch.setattr(Connection, "send_packed_command", counted)
    return sent


def test_a_counter_is_created_counted_and_expires_with_its_window(cache):
    assert cache.count("hits", 30) == 1
    assert cache.count("hits", 30) == 2
    assert cache.get("hits") == 2
    client = cache._cache.get_client(write=True)
    assert 0 < client.ttl(cache.make_key("hits")) <= 30


def test_counting_takes_one_round_trip_where_add_then_incr_take_three(cache, round_trips):
    cache.get("warm-up")  # the connection's own handshake is not counted
    round_trips.clear()
    cache.count("hits", 30)
    assert len(round_trips) == 1

    round_trips.clear()
    cache.add("other", 0, timeout=30)
    cache.incr("other")
    assert len(round_trips) == 3


def test_threads_counting_together_get_every_value_once(cache):
    seen = []

    def count():
        seen.extend(cache.count("shared", 30) for _ in range(50))

    threads = [threading.Thread(target=count) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(seen) == list(range(1, 201))
