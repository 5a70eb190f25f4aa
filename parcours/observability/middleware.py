import logging
import time

from .context import clean_request_id, request_id_context

logger = logging.getLogger("parcours.request")


class RequestIdMiddleware:
    """Give each request an id: the one the proxy or the client sent in X-Request-ID if
    it is well formed, else a new one. Every log line written while the request is
    handled carries it, the outbox rows it creates keep it, and the response returns it,
    so a person's report ("it failed at 10:42", with the id on the error page) leads to
    the lines of that request on every server."""

    header = "HTTP_X_REQUEST_ID"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = clean_request_id(request.META.get(self.header))
        request.request_id = request_id
        started = time.monotonic()
        with request_id_context(request_id):
            response = self.get_response(request)
            logger.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.monotonic() - started) * 1000, 1),
                },
            )
        response["X-Request-ID"] = request_id
        return response
