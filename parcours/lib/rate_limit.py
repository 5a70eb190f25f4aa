"""Limits on how often one client may call the public endpoints, counted in the shared
cache (``CACHE_URL``: Redis in production) so that every app server agrees.

The same fixed-window counter as the API tokens' and Open311's limits
(``window_count``): one cache key per client, per rule and per window, counted in one
round trip on Redis. The rules are a table of the settings, ``PARCOURS_RATE_LIMITS``:
the URL name (or a namespace followed by ``:*``), the methods counted, how many
requests each client may send per window of seconds.
A client is the signed-in account, or else the address (read past
``PARCOURS_PROXY_COUNT`` proxies). Past the limit: 429 with ``Retry-After``, as the
API's error shape under ``/api/``, else a page that says when to try again and gives
back what was typed.
"""

import time
from dataclasses import dataclass
from http import HTTPStatus

from django.conf import settings
from django.core.cache import caches
from django.shortcuts import render
from django.utils.translation import gettext as _

from parcours.lib.redis_cache import RedisCache

# Never given back on the page: secrets and the form's own token.
HIDDEN_FIELDS = {"csrfmiddlewaretoken", "password", "code", "next"}


@dataclass(frozen=True)
class Rule:
    name: str
    methods: frozenset[str]
    limit: int
    window: int


def rules() -> dict[str, Rule]:
    return {
        name: Rule(name, frozenset(m.upper() for m in methods), limit, window)
        for name, (methods, limit, window) in settings.PARCOURS_RATE_LIMITS.items()
    }


def rule_for(view_name: str, method: str) -> Rule | None:
    table = rules()
    namespace = view_name.rsplit(":", 1)[0] + ":*" if ":" in view_name else None
    rule = table.get(view_name) or (table.get(namespace) if namespace else None)
    if rule is None or method.upper() not in rule.methods:
        return None
    return rule


def count(key: str, timeout: int) -> int:
    """Add one to the counter ``key`` in the shared cache, created at zero to live
    ``timeout`` seconds if absent; the new value. In one round trip on Redis
    (``lib/redis_cache.py``), else ``add`` then ``incr``."""
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        return backend.count(key, timeout)
    backend.add(key, 0, timeout=timeout)
    try:
        return backend.incr(key)
    except ValueError:  # expired between add and incr
        backend.set(key, 1, timeout=timeout)
        return 1


def window_count(name: str, window: int, *, now: float | None = None) -> tuple[int, int]:
    """Count one request under ``name`` in the current fixed window of ``window``
    seconds: the requests counted in it so far, and the seconds until it ends."""
    now = time.time() if now is None else now
    counted = count(f"{name}:{int(now // window)}", window + 1)
    return counted, max(int(window - now % window), 1)


def hit(rule: Rule, who: str, *, now: float | None = None) -> int | None:
    """Count one request of ``who`` under ``rule``: the seconds to wait past the
    limit, else None."""
    counted, retry_after = window_count(f"rate:{rule.name}:{who}", rule.window, now=now)
    return retry_after if counted > rule.limit else None


def client_of(request) -> str:
    from parcours.accounts.views import client_address

    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return f"ip:{client_address(request)}"


def too_many(request, rule: Rule, retry_after: int):
    minutes = max(1, -(-retry_after // 60))
    if request.path.startswith("/api/"):
        from parcours.api.errors import error_response

        message = _(
            "Trop de requêtes : %(limit)s au plus toutes les %(window)s secondes. "
            "Réessayez dans %(retry)s secondes."
        ) % {"limit": rule.limit, "window": rule.window, "retry": retry_after}
        item = {"field": None, "code": "rate_limited", "message": message}
        return error_response(
            HTTPStatus.TOO_MANY_REQUESTS, [item], headers={"Retry-After": str(retry_after)}
        )
    typed = [
        value
        for name, values in request.POST.lists()
        if name not in HIDDEN_FIELDS
        for value in values
        if value.strip()
    ]
    response = render(
        request,
        "too_many_requests.html",
        {"minutes": minutes, "typed": typed, "was_sent": request.method == "POST"},
        status=HTTPStatus.TOO_MANY_REQUESTS,
    )
    response["Retry-After"] = str(retry_after)
    return response


class RateLimitMiddleware:
    """Applies ``PARCOURS_RATE_LIMITS`` before the view runs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        rule = rule_for(match.view_name, request.method) if match else None
        if rule is None:
            return None
        retry_after = hit(rule, client_of(request))
        if retry_after is None:
            return None
        return too_many(request, rule, retry_after)
