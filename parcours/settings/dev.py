"""Local development and the demo (`make run`): the embedded SQLite database."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env("SECRET_KEY", default="dev-only-not-secret-8f1c2e7a9b")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
PARCOURS_SCHEDULER_TICK = env.int("PARCOURS_SCHEDULER_TICK", default=15)
# The demo's commune, in the neutral theme.
PARCOURS_BRAND_NAME = env("PARCOURS_BRAND_NAME", default="Ville de Bellerive-sur-Loire")
PARCOURS_BRAND_LOGO = env("PARCOURS_BRAND_LOGO", default="parcours/img/logo-bellerive.svg")
# Webhooks to a receiver on this machine (http://127.0.0.1:…), for trying them out.
PARCOURS_WEBHOOKS_ALLOW_HTTP = env.bool("PARCOURS_WEBHOOKS_ALLOW_HTTP", default=True)
PARCOURS_WEBHOOKS_ALLOW_PRIVATE = env.bool("PARCOURS_WEBHOOKS_ALLOW_PRIVATE", default=True)
