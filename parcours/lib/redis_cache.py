"""Django's Redis cache, with one Redis client per connection pool instead of one per
call.

Django's ``RedisCacheClient.get_client`` builds a new ``redis.Redis`` for every cache
operation; with redis-py 5 and later that copies its table of about 170 response
callbacks each time, the largest share of a cache call's CPU. A ``redis.Redis`` is
safe to share between threads (it takes a connection from its pool per command), so
one per pool is kept. ``CACHE_URL`` on Redis selects this backend (settings/base.py).
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
