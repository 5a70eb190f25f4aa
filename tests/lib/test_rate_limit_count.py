"""The counter every rate limit uses (``lib/rate_limit.count`` and ``window_count``): one
round trip on Redis, ``add`` then ``incr`` on any other cache."""

import uuid

import pytest
from redis.connection import Connection

from parcours.lib import rate_limit

pytestmark = pytest.mark.sqlite


def test_counts_on_the_configured_cache(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert [rate_limit.count("magic-link:alice", 60) for _ in range(3)] == [1, 2, 3]


def test_a_fixed_window_counts_until_it_ends_then_starts_again(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert rate_limit.window_count("api:7", 60, now=120.5) == (1, 59)
    assert rate_limit.window_count("api:7", 60, now=179.9) == (2, 1)
    assert rate_limit.window_count("api:7", 60, now=180.0) == (1, 60)
    assert rate_limit.window_count("api:8", 60, now=180.0) == (1, 60)


def test_on_redis_a_request_is_counted_in_one_round_trip(settings, monkeypatch):
    settings.CACHES = {
        "default": {
            "BACKEND": "parcours.lib.redis_cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/15",
            "KEY_PREFIX": f"rate-limit-test-{uuid.uuid4().hex}",
        }
    }
    sent = []
    send = Connection.send_packed_command
    monkeypatch.setattr(
        Connection,
        "send_packed_command",
        lambda self, command, check_health=True: (
            sent.append(command) or send(self, command, check_health)
        ),
    )

    assert rate_limit.window_count("open311:key:1", 60, now=60.0) == (1, 60)
    sent.clear()  # the connection's own handshake is not counted
    assert rate_limit.window_count("open311:key:1", 60, now=61.0) == (2, 59)
    assert rate_limit.window_count("open311:key:1", 60, now=62.0) == (3, 58)
    assert len(sent) == 2
