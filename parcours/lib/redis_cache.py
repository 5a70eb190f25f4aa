"""Django's Redis cache, with one Redis client per connection pool instead of one per
call.

Django's ``RedisCacheClient.get_client`` builds a new ``redis.Redis`` for every cache
operation; with redis-py 5 and later that copies its table of about 170 response
callbacks each time, the largest share of a cache call's CPU. A ``redis.Redis`` is
safe to share between threads (it takes a connection from its pool per command), so
one per pool is kept. ``CACHE_URL`` on Redis selects this backend (settings/base.py).

It also counts in one round trip (``count``, used by the rate limits through
``lib/rate_limit.count``): Django's ``add`` then ``incr`` take three (``SET NX``, then
``EXISTS`` and ``INCRBY``).
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class ReusedRedisClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients.setdefault(id(pool), self._client(connection_pool=pool))
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedRedisClient

    def count(self, key, timeout, version=None) -> int:
        """Add one to the counter ``key``, created at zero to live ``timeout`` seconds
        if absent; the new value. ``SET NX EX`` and ``INCR`` in one ``MULTI``: one round
        trip, and the counter never outlives its window. Stored as Django's Redis
        serializer stores integers, so ``get`` reads it."""
        key = self.make_and_validate_key(key, version=version)
        client = self._cache.get_client(key, write=True)
        with client.pipeline(transaction=True) as pipe:
            pipe.set(key, 0, ex=max(int(timeout), 1), nx=True)
            pipe.incr(key)
            _, value = pipe.execute()
        return value
