"""gunicorn settings for Parcours (docs/deploy.md). Each one can be overridden on the
command line; the environment variables below are read first."""

import os

bind = os.environ.get("PARCOURS_BIND", "127.0.0.1:8001")
# About two per CPU core; gunicorn also reads WEB_CONCURRENCY itself.
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("PARCOURS_WEB_THREADS", "4"))
worker_class = "gthread"
# A request longer than this is killed and logged: uploads and PDFs stay well below.
timeout = int(os.environ.get("PARCOURS_WEB_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# Restart each worker process now and then, against slow memory growth.
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"
errorlog = "-"
# The request id is in Django's own log lines; the access line gives it too.
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms id=%({x-request-id}o)s'
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# gunicorn's control socket (in the user's home) is not used: systemd and signals are.
control_socket_disable = True


def child_exit(server, worker):
    """With PROMETHEUS_MULTIPROC_DIR, forget the metrics files of a worker that ended."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
