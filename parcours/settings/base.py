"""Settings shared by every environment.

Everything that differs between deployments is read from the environment; the
defaults here are the safe production ones. See docs/configuration.md.
"""

import datetime
from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _

from parcours.lib.csp import inline_style_hashes
from parcours.observability.logging import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

SECRET_KEY = env("SECRET_KEY", default="")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "django_prometheus",
    "dsfr",
    "widget_tweaks",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "ninja",  # serves the API docs' scripts and styles itself: no CDN
    "parcours.accounts",
    "parcours.organisations",
    "parcours.people",
    "parcours.catalog",
    "parcours.studio",
    "parcours.cases",
    "parcours.contacts",
    "parcours.channels",
    "parcours.appointments",
    "parcours.notifications",
    "parcours.privacy",
    "parcours.mandates",
    "parcours.journeys",
    "parcours.listening",
    "parcours.commitments",
    "parcours.stats",
    "parcours.worker",
    "parcours.outbox",
    "parcours.observability",
    "parcours.portal",
    "parcours.backoffice",
    "parcours.api",
    "parcours.open311",
    "parcours.webhooks",
    "parcours.demo",
]

MIDDLEWARE = [
    # First and last: django-prometheus times the whole request (docs/operations.md).
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    # The request id, for every log line the request writes (X-Request-ID).
    "parcours.observability.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # The Content Security Policy of every page (CONTENT_SECURITY_POLICY below).
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Limits on the public endpoints (PARCOURS_RATE_LIMITS below).
    "parcours.lib.rate_limit.RateLimitMiddleware",
    # Last of the project's own: turns a locked-out sign-in into the "too many attempts" page.
    "axes.middleware.AxesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "parcours.urls"
WSGI_APPLICATION = "parcours.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "parcours" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "parcours.portal.context_processors.theme",
            ],
        },
    },
]

# The embedded default is SQLite, so the demo runs with nothing installed;
# production sets DATABASE_URL to PostgreSQL.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'parcours.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
# An optional read replica of PostgreSQL (docs/scaling.md): dashboards, exports and
# search read from it inside parcours.lib.replica.use_replica; everything else uses the
# primary. Tests mirror it onto the primary.
if env("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db("DATABASE_REPLICA_URL")
    DATABASES["replica"]["CONN_MAX_AGE"] = DATABASES["default"]["CONN_MAX_AGE"]
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["parcours.lib.replica.ReplicaRouter"]

# A cache shared by every app server (rate limits, OIDC discovery). CACHE_URL such as
# redis://127.0.0.1:6379/1 in production; the default is a table of the database, so
# the demo needs nothing installed (`manage.py createcachetable`, run by make migrate).
CACHES = {"default": env.cache_url("CACHE_URL", default="dbcache://parcours_cache")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # The same, with one Redis client per pool rather than one per call (lib/redis_cache.py).
    CACHES["default"]["BACKEND"] = "parcours.lib.redis_cache.RedisCache"
# Sessions in the database, so that any app server reads any session; with the cache in
# Redis, read through it first ("cached_db": written to both, read from Redis, the
# database when Redis has lost it). Not in front of the database's own cache table,
# which would only double the reads.
SESSION_ENGINE = env(
    "SESSION_ENGINE",
    default="django.contrib.sessions.backends.cached_db"
    if CACHES["default"]["BACKEND"].endswith("RedisCache")
    else "django.contrib.sessions.backends.db",
)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "portal:home"

# Sign-in without passwords to forget (docs/configuration.md, "Identity provider"):
# OpenID Connect in the style of FranceConnect, shown only when configured, and a
# single-use link sent by email. Passwords stay for agents and the demo.
AUTHENTICATION_BACKENDS = [
    # First: refuses any credentials while their address and IP are locked out (below).
    "axes.backends.AxesStandaloneBackend",
    "parcours.accounts.backends.IdentityProviderBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Either the issuer (endpoints found at <issuer>/.well-known/openid-configuration)
# or the four endpoints; explicit endpoints win over discovered ones.
OIDC_OP_ISSUER = env("OIDC_OP_ISSUER", default="")
OIDC_OP_AUTHORIZATION_ENDPOINT = env("OIDC_OP_AUTHORIZATION_ENDPOINT", default="")
OIDC_OP_TOKEN_ENDPOINT = env("OIDC_OP_TOKEN_ENDPOINT", default="")
OIDC_OP_USER_ENDPOINT = env("OIDC_OP_USER_ENDPOINT", default="")
OIDC_OP_JWKS_ENDPOINT = env("OIDC_OP_JWKS_ENDPOINT", default="")
OIDC_RP_CLIENT_ID = env("OIDC_RP_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env("OIDC_RP_CLIENT_SECRET", default="")
OIDC_RP_SIGN_ALGO = env("OIDC_RP_SIGN_ALGO", default="RS256")
OIDC_RP_SCOPES = env("OIDC_RP_SCOPES", default="openid given_name family_name birthdate email")
# FranceConnect asks for acr_values=eidas1; empty sends nothing.
OIDC_ACR_VALUES = env("OIDC_ACR_VALUES", default="")
OIDC_AUTH_REQUEST_EXTRA_PARAMS = {"acr_values": OIDC_ACR_VALUES} if OIDC_ACR_VALUES else {}
OIDC_AUTHENTICATION_CALLBACK_URL = "accounts:oidc_callback"
OIDC_TIMEOUT = env.int("OIDC_TIMEOUT", default=10)
# Email links: valid 15 minutes, once; sends limited per address and per client.
PARCOURS_MAGIC_LINK_MAX_AGE = 15 * 60
PARCOURS_MAGIC_LINK_MAX_PER_HOUR = env.int("PARCOURS_MAGIC_LINK_MAX_PER_HOUR", default=5)
# Number of reverse proxies in front of Django (1 behind nginx): the client address is
# then read from X-Forwarded-For, for the per-client limit.
PARCOURS_PROXY_COUNT = env.int("PARCOURS_PROXY_COUNT", default=0)
# The JSON API: requests allowed per token in each window of seconds (then 429).
PARCOURS_API_RATE_LIMIT = env.int("PARCOURS_API_RATE_LIMIT", default=120)
PARCOURS_API_RATE_WINDOW = env.int("PARCOURS_API_RATE_WINDOW", default=60)
# Limits on the endpoints open to the public or costly to answer (parcours.lib.rate_limit,
# docs/security.md): URL name (or "namespace:*") -> (methods counted, requests, window
# in seconds), per signed-in account or else per client address, in the shared cache.
PARCOURS_SEARCH_RATE_LIMIT = env.int("PARCOURS_SEARCH_RATE_LIMIT", default=60)  # a minute
PARCOURS_PUBLIC_POST_RATE_LIMIT = env.int("PARCOURS_PUBLIC_POST_RATE_LIMIT", default=20)  # an hour
PARCOURS_PUBLIC_READ_RATE_LIMIT = env.int(
    "PARCOURS_PUBLIC_READ_RATE_LIMIT", default=120
)  # a minute
PARCOURS_API_CLIENT_RATE_LIMIT = env.int("PARCOURS_API_CLIENT_RATE_LIMIT", default=300)  # a minute
_POSTS = (("POST",), PARCOURS_PUBLIC_POST_RATE_LIMIT, 3600)
PARCOURS_RATE_LIMITS = {
    "backoffice:search": (("GET",), PARCOURS_SEARCH_RATE_LIMIT, 60),
    "portal:appointment_book": _POSTS,
    "portal:appointment_verify": _POSTS,
    "portal:experience_new": _POSTS,
    "portal:complaint_new": _POSTS,
    "portal:idea_support": _POSTS,
    "portal:idea_comment": _POSTS,
    "portal:callback": _POSTS,
    "portal:write": _POSTS,
    "results:csv": (("GET",), PARCOURS_PUBLIC_READ_RATE_LIMIT, 60),
    "results:json": (("GET",), PARCOURS_PUBLIC_READ_RATE_LIMIT, 60),
    # Every API operation, before its token is checked: wrong tokens are counted too.
    "api-v1:*": (("GET", "POST", "PUT", "PATCH", "DELETE"), PARCOURS_API_CLIENT_RATE_LIMIT, 60),
}
# Open311 GeoReport v2 (docs/open311.md): requests per window for each api_key, and for
# each client address on the methods without a key.
PARCOURS_OPEN311_RATE_LIMIT = env.int("PARCOURS_OPEN311_RATE_LIMIT", default=120)
PARCOURS_OPEN311_RATE_WINDOW = env.int("PARCOURS_OPEN311_RATE_WINDOW", default=60)
# Mandate consent codes (email and SMS): sends allowed per mandate in a window of seconds.
PARCOURS_MANDATE_CODE_MAX_SENDS = env.int("PARCOURS_MANDATE_CODE_MAX_SENDS", default=3)
PARCOURS_MANDATE_CODE_WINDOW = env.int("PARCOURS_MANDATE_CODE_WINDOW", default=15 * 60)
# Tell us once: how many days the person's data verified by an agent or obtained from
# another administration may be reused, per kind (parcours.people.validity); a kind
# left out has no end. Declared and certified data have none, unless a procedure's
# field asks for recent data ("prefill_max_age_days").
PARCOURS_DATA_VALIDITY_DAYS = {
    "identity": env.int("PARCOURS_IDENTITY_VALIDITY_DAYS", default=0) or None,
    "email": env.int("PARCOURS_EMAIL_VALIDITY_DAYS", default=730) or None,
    "phone": env.int("PARCOURS_PHONE_VALIDITY_DAYS", default=730) or None,
    "postal_address": env.int("PARCOURS_ADDRESS_VALIDITY_DAYS", default=365) or None,
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# French first, English available.
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "parcours" / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "parcours" / "static"]

# Documents and generated PDFs are private: they live outside any served folder
# and are only ever returned by views that check who is asking.
PRIVATE_STORAGE_ROOT = Path(env("PRIVATE_STORAGE_ROOT", default=str(VAR_DIR / "private")))
STORAGES = {
    "default": {
        "BACKEND": "parcours.lib.storage.PrivateFileSystemStorage",
        "OPTIONS": {"location": PRIVATE_STORAGE_ROOT},
    },
    "private": {
        "BACKEND": "parcours.lib.storage.PrivateFileSystemStorage",
        "OPTIONS": {"location": PRIVATE_STORAGE_ROOT},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# The largest document a person may attach to a case (bytes). Keep the web server's
# request limit (e.g. nginx client_max_body_size) a little above it.
# Days an agent gives a citizen, by default, to send what is missing (CRPA L114-5).
PARCOURS_INFORMATION_DUE_DAYS = env.int("PARCOURS_INFORMATION_DUE_DAYS", default=30)
PARCOURS_UPLOAD_MAX_BYTES = env.int("PARCOURS_UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)

# Email: EMAIL_URL such as smtp+tls://user:password@smtp.example.org:587
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env(
    "DEFAULT_FROM_EMAIL", default="Parcours <ne-pas-repondre@parcours.invalid>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Email received over SMTP (`manage.py inbound_smtp`, docs/channels.md): the domains
# whose mail the daemon accepts (the MX of each points to it), the domain of the case
# reply addresses (case+<token>@…) set as Reply-To on the emails about a case, the
# largest message accepted (bytes; larger ones get an SMTP 552 error), and where the
# daemon listens.
PARCOURS_INBOUND_DOMAINS = [d.lower() for d in env.list("PARCOURS_INBOUND_DOMAINS", default=[])]
PARCOURS_INBOUND_REPLY_DOMAIN = env(
    "PARCOURS_INBOUND_REPLY_DOMAIN",
    default=PARCOURS_INBOUND_DOMAINS[0] if PARCOURS_INBOUND_DOMAINS else "",
).lower()
PARCOURS_INBOUND_MAX_BYTES = env.int("PARCOURS_INBOUND_MAX_BYTES", default=25 * 1024 * 1024)
PARCOURS_INBOUND_HOST = env("PARCOURS_INBOUND_HOST", default="127.0.0.1")
PARCOURS_INBOUND_PORT = env.int("PARCOURS_INBOUND_PORT", default=2525)

# Text messages (docs/channels.md): the backend that sends them, a dotted path;
# "parcours.channels.sms.backends.console.SmsBackend" prints them,
# "parcours.channels.sms.backends.filebased.SmsBackend" writes them under SMS_FILE_PATH.
SMS_BACKEND = env("SMS_BACKEND", default="parcours.channels.sms.backends.console.SmsBackend")
SMS_FILE_PATH = env("SMS_FILE_PATH", default=str(VAR_DIR / "sms"))
SMS_SENDER = env("SMS_SENDER", default="PARCOURS")

# Background work: django-tasks with its database backend, run by `manage.py run_worker`.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}
# The outbox of emails (docs/operations.md, "Outbox"): attempts before a row is left
# for an operator, the first delay between attempts (doubled each time, 6 hours at
# most), how often each worker looks for due rows and how many it takes per pass (s),
# how long a claim lasts where rows cannot be locked while sending (SQLite, seconds),
# and the domain of the Message-ID headers.
PARCOURS_OUTBOX_MAX_ATTEMPTS = env.int("PARCOURS_OUTBOX_MAX_ATTEMPTS", default=8)
PARCOURS_OUTBOX_BACKOFF_SECONDS = env.int("PARCOURS_OUTBOX_BACKOFF_SECONDS", default=60)
PARCOURS_OUTBOX_POLL_SECONDS = env.float("PARCOURS_OUTBOX_POLL_SECONDS", default=2.0)
PARCOURS_OUTBOX_BATCH = env.int("PARCOURS_OUTBOX_BATCH", default=100)
PARCOURS_OUTBOX_LEASE_SECONDS = env.int("PARCOURS_OUTBOX_LEASE_SECONDS", default=300)
PARCOURS_OUTBOX_MESSAGE_ID_DOMAIN = env(
    "PARCOURS_OUTBOX_MESSAGE_ID_DOMAIN", default="parcours.invalid"
)
# Webhooks (docs/webhooks.md): only https, only to public addresses, unless these
# are on (development, tests with a local receiver). Never in production.
PARCOURS_WEBHOOKS_ALLOW_HTTP = env.bool("PARCOURS_WEBHOOKS_ALLOW_HTTP", default=False)
PARCOURS_WEBHOOKS_ALLOW_PRIVATE = env.bool("PARCOURS_WEBHOOKS_ALLOW_PRIVATE", default=False)
# How often the worker's scheduler looks for periodic jobs that are due (seconds).
PARCOURS_SCHEDULER_TICK = env.int("PARCOURS_SCHEDULER_TICK", default=30)
# A worker that has not been seen for this long is reported as down by /healthz.
PARCOURS_WORKER_STALE_AFTER = env.int("PARCOURS_WORKER_STALE_AFTER", default=180)

# Appointments (docs/appointments.md). How many upcoming appointments one person may hold
# at one administration, all procedures together (each appointment type also limits
# them per procedure); how long a freed slot offered to the waiting list is held for
# the person it is offered to (minutes).
PARCOURS_APPOINTMENTS_MAX_UPCOMING = env.int("PARCOURS_APPOINTMENTS_MAX_UPCOMING", default=4)
PARCOURS_APPOINTMENTS_OFFER_MINUTES = env.int("PARCOURS_APPOINTMENTS_OFFER_MINUTES", default=120)

# Theme: "dsfr" (State design system, reserved to State bodies) or "neutral".
PARCOURS_THEME = env("PARCOURS_THEME", default="neutral")
PARCOURS_SITE_NAME = env("PARCOURS_SITE_NAME", default="Parcours")
# The public address of the site, for links in emails and PDFs (no trailing slash).
PARCOURS_BASE_URL = env("PARCOURS_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")
# Neutral theme: the organisation's own identity (never the State's brand).
PARCOURS_BRAND_NAME = env("PARCOURS_BRAND_NAME", default=PARCOURS_SITE_NAME)
# A path under the static files (STATICFILES_DIRS), or empty for no logo.
PARCOURS_BRAND_LOGO = env("PARCOURS_BRAND_LOGO", default="")
PARCOURS_BRAND_COLOUR = env("PARCOURS_BRAND_COLOUR", default="#1f4e79")
# Text on the brand colour: must keep a 4.5:1 contrast (checked by `manage.py check`).
PARCOURS_BRAND_COLOUR_TEXT = env("PARCOURS_BRAND_COLOUR_TEXT", default="#ffffff")

# Agents sign in with a password and a code from an authenticator app (TOTP, docs/agents.md).
OTP_TOTP_ISSUER = PARCOURS_SITE_NAME
# Wrong codes lock the sign-in out (parcours.accounts.two_factor), counted in the shared
# cache; django-otp's own growing delay after each wrong code is off, so that the two
# never disagree about when a code may be tried again.
OTP_TOTP_THROTTLE_FACTOR = 0
# Agents' secrets are not shown in the admin: an administrator resets a device by deleting it.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
PARCOURS_OTP_MAX_FAILURES = env.int("PARCOURS_OTP_MAX_FAILURES", default=5)
PARCOURS_SIGN_IN_LOCKOUT_SECONDS = env.int("PARCOURS_SIGN_IN_LOCKOUT_SECONDS", default=15 * 60)
# Every password check (citizens' and agents' sign-in pages, the admin site) goes
# through django-axes (docs/security.md): after PARCOURS_PASSWORD_MAX_FAILURES wrong
# passwords for one address from one IP, that pair is refused, even with the right
# password, for PARCOURS_SIGN_IN_LOCKOUT_SECONDS; a success clears the count. The
# attempts are rows of the database, shared by every app server and listed in the
# admin; `manage.py axes_reset_username <address>` lifts a lock.
AXES_ENABLED = True
AXES_FAILURE_LIMIT = env.int("PARCOURS_PASSWORD_MAX_FAILURES", default=10)
AXES_COOLOFF_TIME = datetime.timedelta(seconds=PARCOURS_SIGN_IN_LOCKOUT_SECONDS)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
# The address is passed as ``username`` to authenticate(), by every sign-in form.
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "parcours.accounts.lockout.username"
AXES_CLIENT_IP_CALLABLE = "parcours.accounts.views.client_address"
AXES_LOCKOUT_CALLABLE = "parcours.accounts.lockout.locked_out"
AXES_SENSITIVE_PARAMETERS = ["password", "code"]
# One line per lock in the logs, not one per attempt.
AXES_VERBOSE = False
# Only failures are kept (AccessAttempt), for the cool-off; successful sign-ins are not
# logged by axes: less personal data, and one write less per sign-in.
AXES_DISABLE_ACCESS_LOG = True
# How long the code may be typed after the password (seconds), enrolment included.
PARCOURS_AGENT_SIGN_IN_MAX_AGE = 15 * 60

# Content Security Policy (django-csp, docs/security.md): pages load scripts, styles,
# images and fonts from the site only, run no inline script, and cannot be framed. The
# one inline <style> of the themes (the neutral theme's brand colours) carries the
# request's nonce; the server error page, rendered without a request, is allowed by the
# hash of its <style>, computed from the template.
# Views with needs of their own set a narrower or wider policy with csp.decorators
# (the API's interactive documentation) or their own header (document previews).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [
            SELF,
            NONCE,
            *inline_style_hashes(BASE_DIR / "parcours" / "templates" / "500.html"),
        ],
        # The design system's icons are SVG data: URLs in its style sheets.
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# A form sent with an expired or missing token gets a page in the site's theme.
CSRF_FAILURE_VIEW = "parcours.portal.errors.csrf_failure"

# Logs on standard output, one line per event with the request id: "text" for a
# terminal, "json" for a log collector (the default of the production settings).
LOG_LEVEL = env("LOG_LEVEL", default="INFO")
LOG_FORMAT = env("LOG_FORMAT", default="text")
LOGGING = logging_config(level=LOG_LEVEL, fmt=LOG_FORMAT)

# /metrics (Prometheus): readable with "Authorization: Bearer <PARCOURS_METRICS_TOKEN>"
# or from an address in PARCOURS_METRICS_ALLOWED_IPS (addresses or networks); anyone
# else gets a 404. Empty token and list: nobody.
PARCOURS_METRICS_TOKEN = env("PARCOURS_METRICS_TOKEN", default="")
PARCOURS_METRICS_ALLOWED_IPS = env.list("PARCOURS_METRICS_ALLOWED_IPS", default=[])
