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
