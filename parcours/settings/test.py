"""Tests: PostgreSQL by default (the production database), SQLite for the embedded pass."""

import tempfile

from .base import *  # noqa: F403
from .base import env

SECRET_KEY = "test-not-secret"  # noqa: S105
DEBUG = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
DATABASES = {"default": env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/test")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "parcours.lib.storage.PrivateInMemoryStorage"},
    "private": {"BACKEND": "parcours.lib.storage.PrivateInMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
PRIVATE_STORAGE_ROOT = tempfile.gettempdir()
# Tasks run in-process during tests, right when enqueued (after commit).
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
# Nothing is collected in tests: the live server serves static files from the finders.
MIDDLEWARE = [m for m in MIDDLEWARE if m != "whitenoise.middleware.WhiteNoiseMiddleware"]  # noqa: F405
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# django-axes stays on, with its database handler: each xdist worker has its own test
# database, and tests/conftest.py empties the cache (rate limits) around each test.
# Text messages are kept in memory (parcours.channels.sms.outbox), like emails.
SMS_BACKEND = "parcours.channels.sms.backends.locmem.SmsBackend"
