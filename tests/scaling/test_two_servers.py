"""Two app servers (gunicorn, production settings) and two workers on one database, as
behind a load balancer: a session opened on one server is valid on the other, and each
of N tasks runs once, whichever worker takes it."""

import collections
import fcntl
import re
import subprocess
import sys
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from http import HTTPStatus
from http.cookies import SimpleCookie
from pathlib import Path

import pytest
import redis
from django.core.management import call_command
from django.db import connection
from django_tasks_db.models import DBTaskResult

from tests.process_support import (
    ROOT,
    free_port,
    production_environment,
    start_gunicorn,
    start_worker,
    stop,
    wait_for,
    wait_for_port,
)

from .tasks import record_run

TASKS = 60
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

pytestmark = [
    pytest.mark.django_db(transaction=True),
    # SQLite is the single-machine demo: one server, one worker.
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL"),
]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


opener = urllib.request.build_opener(NoRedirect)


def request(port: int, path: str, *, cookies: dict, data: dict | None = None):
    """One request to one server, with the cookies given (the cookies are Secure in
    production: a browser would send them over HTTPS; here we send them ourselves)."""
    headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
    body = None
    if data is not None:
        body = urllib.parse.urlencode(data).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=body, headers=headers)
    try:
        response = opener.open(req, timeout=120)
    except urllib.error.HTTPError as error:
        response = error
    for header in response.headers.get_all("Set-Cookie") or []:
        for name, morsel in SimpleCookie(header).items():
            cookies[name] = morsel.value
    return response.status, response.headers, response.read().decode()


@pytest.fixture
def static_collected(testrun_uid):
    """Production pages name their static files through the manifest collectstatic
    writes, as `make prod` does before starting the servers. Once per run of the suite,
    whichever process comes first: collectstatic rewrites the manifest, which a server
    of another test could be reading at that moment."""
    marker = Path(tempfile.gettempdir()) / f"parcours-static-{testrun_uid}"
    with marker.with_suffix(".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not marker.exists():
            subprocess.run(
                [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
                cwd=ROOT,
                env=production_environment(),
                check=True,
            )
            marker.touch()


@pytest.fixture
def cluster(tmp_path, static_collected):
    """Two gunicorn servers and two workers, stopped at the end."""
    call_command("createcachetable", verbosity=0)
    environment = production_environment()
    ports = [free_port(), free_port()]
    processes = [
        start_gunicorn(environment, tmp_path / f"web-{port}.log", port) for port in ports
    ] + [
        start_worker(
            environment, tmp_path / f"worker-{n}.log", "--no-scheduler", "--worker-id", f"w{n}"
        )
        for n in (1, 2)
    ]
    try:
        for port in ports:
            assert wait_for_port(port, timeout=120), (tmp_path / f"web-{port}.log").read_text()
            status, _, _ = request(port, "/healthz", cookies={})  # loads the application
            assert status == HTTPStatus.OK
        yield ports
    finally:
        for process in processes:
            stop(process)


def sign_in(server_a: int) -> dict:
    """Alice signs in on server A: the cookies of her visit."""
    cookies = {}
    status, _, page = request(server_a, "/connexion/", cookies=cookies)
    assert status == HTTPStatus.OK
    token = CSRF_RE.search(page).group(1)
    status, _, _ = request(
        server_a,
        "/connexion/",
        cookies=cookies,
        data={
            "csrfmiddlewaretoken": token,
            "username": "alice@example.org",
            "password": "motdepasse-de-test",
        },
    )
    assert status == HTTPStatus.FOUND, f"the sign-in was refused ({status})"
    return cookies


def session_moves_between(server_a: int, server_b: int, cookies: dict) -> None:
    """A page on B with the session opened on A, then signing out on B: A has forgotten
    the session too."""
    # Follow a page on server B with that session: signed in there too.
    status, _, page = request(server_b, "/mon-profil/", cookies=cookies)
    assert status == HTTPStatus.OK
    assert "alice@example.org" in page
    # Without the session, server B sends the visitor to the sign-in page.
    status, headers, _ = request(server_b, "/mon-profil/", cookies={})
    assert status == HTTPStatus.FOUND
    assert "/connexion/" in headers["Location"]
    # Signing out on B ends the session on A as well.
    _, _, page = request(server_b, "/mon-profil/", cookies=cookies)
    token = CSRF_RE.search(page).group(1)
    request(server_b, "/deconnexion/", cookies=cookies, data={"csrfmiddlewaretoken": token})
    status, _, _ = request(server_a, "/mon-profil/", cookies=cookies)
    assert status == HTTPStatus.FOUND


def test_sessions_move_between_servers_and_no_task_runs_twice(
    cluster, citizen_a, settings, tmp_path
):
    server_a, server_b = cluster
    # The servers hash passwords as production does (the tests' own hasher is faster).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    citizen_a.user.set_password("motdepasse-de-test")
    citizen_a.user.save()

    cookies = sign_in(server_a)
    assert settings.SESSION_COOKIE_NAME in cookies
    session_moves_between(server_a, server_b, cookies)

    # N tasks, two workers: each task runs once.
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    runs = tmp_path / "runs.txt"
    results = [record_run.enqueue(number=n, path=str(runs)) for n in range(TASKS)]
    assert wait_for(
        lambda: (
            DBTaskResult.objects.filter(pk__in=[r.id for r in results], status="SUCCESSFUL").count()
            == TASKS
        ),
        timeout=120,
    )
    lines = runs.read_text().split()
    numbers = collections.Counter(int(n) for n in lines[0::2])
    assert numbers == collections.Counter(range(TASKS))  # each task exactly once
    workers = collections.Counter(
        worker
        for r in DBTaskResult.objects.filter(pk__in=[r.id for r in results])
        for worker in r.worker_ids
    )
    assert set(workers) == {"w1", "w2"}  # both workers took a share
    assert sum(workers.values()) == TASKS  # and no task was taken twice


@pytest.fixture
def redis_url(worker_id):
    """A Redis database of this test process, emptied first."""
    number = 8 + (int(worker_id.removeprefix("gw")) if worker_id.startswith("gw") else 0)
    url = f"redis://127.0.0.1:6379/{number}"
    redis.Redis.from_url(url).flushdb()
    return url


def test_with_the_cache_in_redis_sessions_are_read_through_it_on_every_server(
    citizen_a, settings, tmp_path, redis_url, static_collected
):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    citizen_a.user.set_password("motdepasse-de-test")
    citizen_a.user.save()
    environment = production_environment(CACHE_URL=redis_url)
    ports = [free_port(), free_port()]
    processes = [start_gunicorn(environment, tmp_path / f"web-{p}.log", p) for p in ports]
    try:
        for port in ports:
            assert wait_for_port(port, timeout=120), (tmp_path / f"web-{port}.log").read_text()
        store = redis.Redis.from_url(redis_url)
        cookies = sign_in(ports[0])
        key = cookies[settings.SESSION_COOKIE_NAME]
        # Production's default with the cache in Redis: the session is read through it.
        assert store.keys(f"*cached_db{key}")
        session_moves_between(*ports, cookies)
        # Signed out on B, it is gone from Redis for A as well.
        assert not store.keys(f"*cached_db{key}")
    finally:
        for process in processes:
            stop(process)
