import smtplib
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@require_GET
@never_cache
def healthz(request):
    """Liveness and readiness for load balancers and monitoring.

    200 when the database answers; the worker's state is reported alongside, so a
    monitor can alert when background work (implicit decisions, emails) has stopped.
    """
    database = {"ok": True}
    worker = {"ok": False, "workers": 0, "last_seen_at": None}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        from django_tasks_db.models import DBTaskResult

        from parcours.worker.models import WorkerHeartbeat

        fresh_after = timezone.now() - timedelta(seconds=settings.PARCOURS_WORKER_STALE_AFTER)
        alive = WorkerHeartbeat.objects.filter(last_seen_at__gte=fresh_after)
        last = WorkerHeartbeat.objects.order_by("-last_seen_at").first()
        worker.update(
            ok=alive.exists(),
            workers=alive.count(),
            last_seen_at=last.last_seen_at.isoformat() if last else None,
            queued_tasks=DBTaskResult.objects.ready().count(),
        )
    except DatabaseError as error:
        database = {"ok": False, "error": error.__class__.__name__}
    status = "ok" if database["ok"] and worker["ok"] else ("degraded" if database["ok"] else "down")
    return JsonResponse(
        {"status": status, "database": database, "worker": worker},
        status=200 if database["ok"] else 503,
    )


def _check_database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as error:
        return {"ok": False, "error": error.__class__.__name__}
    return {"ok": True}


def _check_worker() -> dict:
    from parcours.worker.models import WorkerHeartbeat

    fresh_after = timezone.now() - timedelta(seconds=settings.PARCOURS_WORKER_STALE_AFTER)
    try:
        alive = WorkerHeartbeat.objects.filter(last_seen_at__gte=fresh_after).count()
    except DatabaseError as error:
        return {"ok": False, "error": error.__class__.__name__}
    return {"ok": alive > 0, "workers": alive}


def _check_smtp() -> dict:
    """Can the outgoing mail server be reached? Only for the SMTP backend: the others
    (console, file) have no server."""
    if settings.EMAIL_BACKEND != "django.core.mail.backends.smtp.EmailBackend":
        return {"ok": True, "skipped": settings.EMAIL_BACKEND.rsplit(".", 2)[-2]}
    timeout = min(settings.EMAIL_TIMEOUT or 3, 3)
    smtp_class = smtplib.SMTP_SSL if settings.EMAIL_USE_SSL else smtplib.SMTP
    try:
        with smtp_class(settings.EMAIL_HOST, settings.EMAIL_PORT, timeout=timeout) as server:
            code, _ = server.noop()
    except (OSError, smtplib.SMTPException) as error:
        return {"ok": False, "error": error.__class__.__name__}
    return {"ok": code == 250}


@require_GET
@never_cache
def readyz(request):
    """Readiness: may this server take traffic, and is the whole chain working? 200 when
    the database answers, a worker's heartbeat is recent and the SMTP server answers;
    503 otherwise, with the checks that failed in ``failed``."""
    checks = {"database": _check_database(), "worker": _check_worker(), "smtp": _check_smtp()}
    failed = [name for name, check in checks.items() if not check["ok"]]
    return JsonResponse(
        {"status": "ok" if not failed else "unavailable", "failed": failed, "checks": checks},
        status=200 if not failed else 503,
    )
