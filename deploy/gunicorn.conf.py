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
# How long an idle connection is kept open for the next request. It must be longer than
# the idle timeout of whatever keeps connections to gunicorn open (nginx's upstream
# `keepalive_timeout`, 60 s by default; a cloud load balancer's idle timeout, often 60 s;
# a load-test client): the side that closes an idle connection must be the client. When
# gunicorn closes first, a request the client is sending at that moment on the same
# connection is reset ("Connection reset by peer"), a 502 behind a proxy.
keepalive = int(os.environ.get("PARCOURS_WEB_KEEPALIVE", "75"))
# Worker processes are not restarted after a number of requests: a restarting worker
# closes its idle kept-alive connections, and a request arriving on one at that moment
# is reset, as above. Parcours shows no memory growth that would call for it (watch the
# web unit's memory: `systemctl status parcours-web`); PARCOURS_WEB_MAX_REQUESTS turns
# it on, with a 10 % jitter so the processes do not restart together.
max_requests = int(os.environ.get("PARCOURS_WEB_MAX_REQUESTS", "0"))
max_requests_jitter = max_requests // 10
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
