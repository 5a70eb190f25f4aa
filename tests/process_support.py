"""Real processes for the production tests: workers and app servers started as an
operator starts them (production settings), on the test database."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url() -> str:
    """The test database, as a URL for another process."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    user = settings["USER"] or "postgres"
    password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
    host = settings["HOST"] or "127.0.0.1"
    port = settings["PORT"] or 5432
    return f"postgres://{user}{password}@{host}:{port}/{settings['NAME']}"


def production_environment(**extra: str) -> dict[str, str]:
    environment = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST")}
    environment.update(
        DJANGO_SETTINGS_MODULE="parcours.settings.prod",
        SECRET_KEY="production-test-secret-" + "x" * 40,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=database_url(),
        CACHE_URL="dbcache://parcours_cache",
        SECURE_SSL_REDIRECT="false",
        EMAIL_URL="consolemail://",
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    environment.update(extra)
    return environment


def start(args: list[str], environment: dict[str, str], log: Path) -> subprocess.Popen:
    with log.open("wb") as handle:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(
            args, cwd=ROOT, env=environment, stdout=handle, stderr=subprocess.STDOUT
        )


def start_worker(environment: dict[str, str], log: Path, *extra: str) -> subprocess.Popen:
    return start(
        [sys.executable, "manage.py", "run_worker", "--interval", "0.2", *extra],
        environment,
        log,
    )


def start_gunicorn(environment: dict[str, str], log: Path, port: int) -> subprocess.Popen:
    return start(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "parcours.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--threads",
            "2",
            "--no-control-socket",
        ],
        environment,
        log,
    )


def wait_for(predicate, timeout: float = 60, every: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(every)
    return predicate()


def wait_for_port(port: int, timeout: float = 60) -> bool:
    def listening():
        with socket.socket() as probe:
            return probe.connect_ex(("127.0.0.1", port)) == 0

    return wait_for(listening, timeout=timeout, every=0.2)


def stop(process: subprocess.Popen, timeout: float = 20) -> None:
    """A clean stop (SIGTERM), then SIGKILL if it does not end in time."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
