"""Settings of the load test's servers and workers (bench/load.py): production's base
over plain HTTP on 127.0.0.1, sessions in the database and the cache in Redis, as on
several app servers; the bench's URLconf adds the minimal view; no rate limits."""

import os
import tempfile

from parcours.settings.base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "load-test-only-not-secret"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "bench.load_urls"
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
PRIVATE_STORAGE_ROOT = os.environ.get("LOAD_PRIVATE_ROOT") or tempfile.mkdtemp(
    prefix="parcours-load-"
)
STORAGES["default"]["OPTIONS"]["location"] = PRIVATE_STORAGE_ROOT  # noqa: F405
STORAGES["private"]["OPTIONS"]["location"] = PRIVATE_STORAGE_ROOT  # noqa: F405
CACHES = {
    "default": {
        "BACKEND": "parcours.lib.redis_cache.RedisCache",
        "LOCATION": os.environ.get("LOAD_REDIS_URL", "redis://127.0.0.1:6379/13"),
    }
}
# What production's settings choose with CACHE_URL on Redis: sessions read through it
# (those load.py opens beforehand are found in the database, then kept in Redis).
SESSION_ENGINE = os.environ.get("SESSION_ENGINE", "django.contrib.sessions.backends.cached_db")
# The workers deliver the outbox for real, to nowhere.
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
PARCOURS_API_RATE_LIMIT = 10**9
PARCOURS_MAGIC_LINK_MAX_PER_HOUR = 10**9
PARCOURS_OUTBOX_POLL_SECONDS = 1.0
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
