"""Prometheus metrics: django-prometheus's (requests, responses, latencies, database
and cache) and Parcours's own (outbox, workers, task queue), on a protected endpoint."""

import hmac
import ipaddress
import os

from django.conf import settings
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily


class ParcoursCollector:
    """Read at each scrape, from the database shared by every process."""

    def collect(self):
        from datetime import timedelta

        from django.db.models import Count
        from django_tasks_db.models import DBTaskResult

        from parcours.outbox.enums import OutboxStatus
        from parcours.outbox.models import OutboxMessage
        from parcours.worker.models import WorkerHeartbeat

        outbox = GaugeMetricFamily(
            "parcours_outbox_messages", "Outbox rows by state.", labels=["status"]
        )
        counts = dict(
            OutboxMessage.objects.values_list("status").annotate(n=Count("id")).order_by()
        )
        for status in OutboxStatus:
            outbox.add_metric([status.value], counts.get(status.value, 0))
        yield outbox
        oldest = (
            OutboxMessage.objects.filter(status=OutboxStatus.PENDING)
            .order_by("created_at")
            .values_list("created_at", flat=True)
            .first()
        )
        yield GaugeMetricFamily(
            "parcours_outbox_oldest_pending_seconds",
            "Age of the oldest row waiting to be sent (0 when none).",
            value=(timezone.now() - oldest).total_seconds() if oldest else 0,
        )
        fresh_after = timezone.now() - timedelta(seconds=settings.PARCOURS_WORKER_STALE_AFTER)
        yield GaugeMetricFamily(
            "parcours_workers_alive",
            "Workers whose heartbeat is recent.",
            value=WorkerHeartbeat.objects.filter(last_seen_at__gte=fresh_after).count(),
        )
        yield GaugeMetricFamily(
            "parcours_tasks_ready",
            "Tasks waiting for a worker.",
            value=DBTaskResult.objects.ready().count(),
        )


def _client_address(request) -> str:
    """The client's address, through PARCOURS_PROXY_COUNT trusted proxies."""
    proxies = settings.PARCOURS_PROXY_COUNT
    if proxies:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [a for a in forwarded if a]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def may_read_metrics(request) -> bool:
    token = settings.PARCOURS_METRICS_TOKEN
    given = request.META.get("HTTP_AUTHORIZATION", "")
    if token and hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        return True
    try:
        address = ipaddress.ip_address(_client_address(request))
    except ValueError:
        return False
    return any(
        address in ipaddress.ip_network(network, strict=False)
        for network in settings.PARCOURS_METRICS_ALLOWED_IPS
    )


@require_GET
@never_cache
def metrics(request):
    """Only for the monitoring system: a bearer token or an allowed address. Anyone
    else gets a plain 404, as if there were nothing here."""
    if not may_read_metrics(request):
        raise Http404
    if "PROMETHEUS_MULTIPROC_DIR" in os.environ:  # several gunicorn workers: add them up
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    ours = CollectorRegistry()
    ours.register(ParcoursCollector())
    return HttpResponse(
        generate_latest(registry) + generate_latest(ours), content_type=CONTENT_TYPE_LATEST
    )
