"""Settings of ``case_creation.py``'s server: production's base, over plain HTTP on
127.0.0.1, with the bench's own URLconf (the minimal view) and no rate limits."""

import os
import tempfile

from parcours.settings.base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "bench-only-not-secret"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "bench.case_creation_urls"
# Nothing collected: pages name static files as they are.
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
PRIVATE_STORAGE_ROOT = tempfile.mkdtemp(prefix="parcours-bench-")
STATIC_ROOT = tempfile.mkdtemp(prefix="parcours-bench-static-")
STORAGES["default"]["OPTIONS"]["location"] = PRIVATE_STORAGE_ROOT  # noqa: F405
STORAGES["private"]["OPTIONS"]["location"] = PRIVATE_STORAGE_ROOT  # noqa: F405
# The shared cache in Redis, as on several app servers (docs/configuration.md, CACHE_URL).
CACHES = {
    "default": {
        "BACKEND": "parcours.lib.redis_cache.RedisCache",
        "LOCATION": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14"),
    }
}
# What production's settings choose with CACHE_URL on Redis: sessions read through it.
SESSION_ENGINE = os.environ.get("SESSION_ENGINE", "django.contrib.sessions.backends.cached_db")
# Notifications are queued in the database as in production; nobody reads them here.
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
# The clients of the bench send far more than a person or a script would.
PARCOURS_API_RATE_LIMIT = 10**9
PARCOURS_OPEN311_RATE_LIMIT = 10**9
PARCOURS_MAGIC_LINK_MAX_PER_HOUR = 10**9
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
