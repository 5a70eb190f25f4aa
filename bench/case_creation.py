"""Benchmark: creating a case through the web form and through the API, against a
minimal Django view served the same way.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/parcours_bench_cases \\
    .venv/bin/python bench/case_creation.py [--rounds 3] [--duration 10] [--clients 4] [--replace]

The database named in DATABASE_URL is created, migrated and loaded with the demo
(``load_demo``), then one gunicorn server (the same for the three scenarios) serves
the site with ``bench/case_creation_settings.py``. Client threads then measure, the
scenarios taking turns over ``--rounds`` rounds, requests per second and latencies of:

1. the minimal view ``/bench/minimal`` (only in the bench's URLconf): the ceiling;
2. the web form: a signed-in citizen starts a request, fills its step, the
   "my situation" step, the documents page, the review page and sends it (every
   page read and every form posted with its CSRF token, redirects followed);
3. the API: ``POST /open311/v2/requests.json`` with an ``api_key`` (a street report,
   created and submitted as a case).

The database is dropped at the end, even when a step fails. See README.md.

Figures: bench/README.md. In short (November 26, 2026, 2-core machine, three rounds of
10 s, two runs): web form 0.19 of the minimal view's requests per second, API 0.16 to
0.17 (0.08 to 0.10 before the reference data were kept in each process); a view that
only writes a report's ten rows reaches 0.35 to 0.37. The target of 0.3 is not met.
"""

import sys
from pathlib import Path

# This folder also holds ``queue.py``, named like the standard library's module: keep
# it out of the front of the path (Python puts a script's folder first).
BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != BENCH]
sys.path.insert(0, str(ROOT))
sys.path.append(str(BENCH))

import argparse  # noqa: E402
import datetime  # noqa: E402
import os  # noqa: E402
import platform  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import signal  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402

from psycopg import sql  # noqa: E402
from seed import admin, exists, maintenance_url  # noqa: E402

SETTINGS = "bench.case_creation_settings"
PROCEDURE_SLUG = "bench-demande-simple"
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
DEMO_KEY = "o311_demo-bellerive-2026"
# The rows a report writes: its person, case, Open311 record, receipt, the receipt's
# PDF task, the reference counter, the case again (submitted), its event, the
# notification's outbox row and its delivery task.
REPORT_WRITES = 10


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=10, help="seconds timed per scenario")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of the three scenarios")
    parser.add_argument("--warm-up", type=float, default=3, help="seconds untimed first")
    parser.add_argument("--clients", type=int, default=4, help="concurrent client threads")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=2, help="threads per gunicorn worker")
    parser.add_argument("--port", type=int, default=8791)
    parser.add_argument("--replace", action="store_true", help="drop a leftover database first")
    parser.add_argument("--keep", action="store_true", help="keep the database at the end")
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        sys.exit("Set DATABASE_URL to postgres://…/<bench database> (created and dropped here).")
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS
    name, maintenance = maintenance_url(url)
    if exists(maintenance, name):
        if not args.replace:
            sys.exit(f"The database {name!r} exists already: drop it, or pass --replace.")
        drop(maintenance, name)
    admin(maintenance, sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    server = None
    try:
        import django

        django.setup()
        citizens = prepare(args.clients)
        server = start_server(args)
        wait_for(server, args)
        run(args, citizens)
    finally:
        if server is not None:
            stop_server(server)
        from django.db import connections

        connections.close_all()
        if not args.keep:
            drop(maintenance, name)
            print(f"Dropped the bench database {name!r}.")


def drop(maintenance: str, name: str) -> None:
    admin(
        maintenance, sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
    )


# ---------------------------------------------------------------------------
# Data


def prepare(clients: int) -> list[dict]:
    """Migrate, load the demo, add a one-step procedure of the town and one citizen
    (with an account) per client thread; return each citizen's sign-in link."""
    from common import add_citizens, add_simple_procedure
    from django.core.management import call_command
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("load_demo", verbosity=0)
    add_simple_procedure(code="BEN", slug=PROCEDURE_SLUG)
    citizens = []
    for user in add_citizens(clients, prefix="bench", family_name="Banc"):
        citizens.append({"pk": user.pk, "uid": urlsafe_base64_encode(force_bytes(user.pk))})
    print(
        f"Database ready (demo loaded, {clients} citizens) in {time.perf_counter() - started:.1f} s."
    )
    return citizens


def sign_in_link(citizen: dict) -> str:
    """A fresh sign-in link: each one is spent by the sign-in it opens (round after round)."""
    from django.db import connection

    from parcours.accounts.models import User
    from parcours.accounts.tokens import magic_link_token

    user = User.objects.get(pk=citizen["pk"])
    connection.close()  # this client thread's own connection
    return f"/compte/lien/{citizen['uid']}/{magic_link_token.make_token(user)}/"


# ---------------------------------------------------------------------------
# Server


def port_is_free(port: int) -> bool:
    import socket

    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


def start_server(args) -> subprocess.Popen:
    if not port_is_free(args.port):
        # A server left over would answer instead of ours, with other code or settings.
        sys.exit(f"Port {args.port} is taken (a server left running?): free it or pass --port.")
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent))
    if gunicorn is None:
        sys.exit("gunicorn is not installed in this environment (make install-dev).")
    command = [
        gunicorn,
        "parcours.wsgi:application",
        "--chdir",
        str(ROOT),
        "--bind",
        f"127.0.0.1:{args.port}",
        "--workers",
        str(args.workers),
        "--worker-class",
        "gthread",
        "--threads",
        str(args.threads),
        "--log-level",
        "warning",
    ]
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": SETTINGS}
    return subprocess.Popen(command, env=environment, start_new_session=True)


def wait_for(server: subprocess.Popen, args) -> None:
    import requests

    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{args.port}/bench/minimal", timeout=10).ok:
                print(
                    f"gunicorn: {args.workers} workers × {args.threads} threads (gthread) on "
                    f"port {args.port}; {args.clients} client threads; "
                    f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}."
                )
                return
        except requests.RequestException:
            pass
        if server.poll() is not None:
            sys.exit("gunicorn stopped while starting.")
        time.sleep(0.5)
    sys.exit("gunicorn did not answer within two minutes.")


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)


# ---------------------------------------------------------------------------
# Clients


class Failed(Exception):
    pass


@dataclass
class Tally:
    requests: list[float] = field(default_factory=list)  # seconds, each HTTP request
    operations: list[float] = field(default_factory=list)  # seconds, each whole operation
    errors: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


class Client:
    """One thread's HTTP session, timing every request it sends."""

    def __init__(self, base: str):
        import requests

        self.base = base
        self.session = requests.Session()
        self.timings: list[float] = []

    def send(self, method: str, path: str, expect: int = 200, **kwargs):
        started = time.perf_counter()
        response = self.session.request(
            method, self.base + path, allow_redirects=False, timeout=30, **kwargs
        )
        self.timings.append(time.perf_counter() - started)
        if response.status_code != expect:
            raise Failed(f"{method} {path}: {response.status_code} (expected {expect})")
        return response

    def page(self, path: str) -> str:
        """GET a page; its CSRF token."""
        match = CSRF_RE.search(self.send("GET", path).text)
        if match is None:
            raise Failed(f"no CSRF token on {path}")
        return match.group(1)

    def form(self, path: str, data: dict, token: str) -> str:
        """POST a form with its token; where it redirects to."""
        response = self.send(
            "POST",
            path,
            expect=302,
            data={"csrfmiddlewaretoken": token, **data},
            headers={"Referer": self.base + path},
        )
        location = response.headers["Location"]
        return location.removeprefix(self.base)


def sign_in(client: Client, link: str) -> None:
    token = client.page(link)
    client.form(link, {}, token)


def web_case(client: Client, number: int) -> None:
    """Apply through the pages, as a person does without JavaScript."""
    start = f"/demarches/{PROCEDURE_SLUG}/demande/"
    step = client.form(start, {}, client.page(start))
    situation = client.form(
        step,
        {"subject": f"Rencontre n° {number}", "details": "Au sujet du square.", "action": "next"},
        client.page(step),
    )
    documents = client.form(situation, {"situation": "", "action": "next"}, client.page(situation))
    review = client.form(documents, {"action": "next"}, client.page(documents))
    done = client.form(review, {}, client.page(review))
    if "/envoye/" not in done:
        raise Failed(f"the review page led to {done}")
    client.send("GET", done)


def api_case(client: Client, number: int) -> None:
    response = client.send(
        "POST",
        "/open311/v2/requests.json",
        data={
            "api_key": DEMO_KEY,
            "service_code": "SIG",
            "lat": "47.8591",
            "long": "2.0457",
            "description": f"Lampadaire éteint, signalement n° {number}.",
            "attribute[category]": "lighting",
        },
    )
    if not response.json()[0].get("service_request_id"):
        raise Failed("no service_request_id in the answer")


def minimal(client: Client, number: int) -> None:
    client.send("GET", "/bench/minimal")


def one_read(client: Client, number: int) -> None:
    client.send("GET", "/bench/read")


def one_write(client: Client, number: int) -> None:
    client.send("POST", "/bench/write?rows=1")


def report_writes(client: Client, number: int) -> None:
    client.send("POST", f"/bench/write?rows={REPORT_WRITES}")


def key_and_write(client: Client, number: int) -> None:
    client.send(
        "POST",
        "/bench/accept",
        data={"api_key": DEMO_KEY, "description": f"Signalement n° {number}."},
    )


@dataclass
class Result:
    name: str
    seconds: float
    tally: Tally

    @property
    def operations_per_second(self) -> float:
        return len(self.tally.operations) / self.seconds

    @property
    def requests_per_second(self) -> float:
        return len(self.tally.requests) / self.seconds


def scenario(
    name: str,
    operation: Callable[[Client, int], None],
    args,
    setups: list[Callable[[Client], None]] | None = None,
) -> Result:
    """Each client thread repeats the operation: untimed for the warm-up, then timed
    for the duration; only operations begun and ended within the duration count."""
    base = f"http://127.0.0.1:{args.port}"
    tally = Tally()
    barrier = threading.Barrier(args.clients + 1)
    timing = {}
    counter = iter(range(10**9))
    counter_lock = threading.Lock()

    def worker(index: int) -> None:
        client = Client(base)
        if setups:
            setups[index](client)
        barrier.wait()
        while time.perf_counter() < timing["end"]:
            with counter_lock:
                number = next(counter)
            client.timings = []
            started = time.perf_counter()
            try:
                operation(client, number)
            except Exception as error:
                if time.perf_counter() >= timing["start"]:
                    with tally.lock:
                        tally.errors += 1
                        if tally.errors <= 3:
                            print(f"  {name}: error: {error}")
                continue
            ended = time.perf_counter()
            if started >= timing["start"] and ended <= timing["end"]:
                with tally.lock:
                    tally.operations.append(ended - started)
                    tally.requests.extend(client.timings)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(args.clients)]
    for thread in threads:
        thread.start()
    timing["start"] = time.perf_counter() + 10**6  # nothing counts before the barrier
    timing["end"] = time.perf_counter() + 10**6
    barrier.wait()
    now = time.perf_counter()
    timing["start"] = now + args.warm_up
    timing["end"] = now + args.warm_up + args.duration
    for thread in threads:
        thread.join()
    return Result(name, args.duration, tally)


def run(args, citizens: list[dict]) -> None:
    from parcours.cases.enums import CaseChannel
    from parcours.cases.models import Case

    print(
        f"Started at {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M:%S} UTC on {platform.node()}."
    )
    before = {
        channel: Case.objects.filter(channel=channel).exclude(state="draft").count()
        for channel in (CaseChannel.ONLINE, CaseChannel.OPEN311)
    }
    signed_in = [lambda client, c=c: sign_in(client, sign_in_link(c)) for c in citizens]
    # The three scenarios take turns, round after round: each ratio compares figures
    # measured a few seconds apart, so that a neighbour's load on a shared machine
    # weighs on the ceiling and on the flows alike.
    rounds = []
    for number in range(1, args.rounds + 1):
        results = [
            scenario("minimal view", minimal, args),
            scenario("web form", web_case, args, setups=signed_in),
            scenario("API (Open311)", api_case, args),
            scenario("floor: 1 read", one_read, args),
            scenario("floor: 1 write", one_write, args),
            scenario(f"floor: {REPORT_WRITES} writes", report_writes, args),
            scenario("floor: key+write", key_and_write, args),
        ]
        rounds.append(results)
        print(f"\nRound {number} of {args.rounds}:")
        table(results)
    created = {
        channel: Case.objects.filter(channel=channel).exclude(state="draft").count()
        - before[channel]
        for channel in before
    }
    summary(rounds, created)


def p(values: list[float], quantile: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(quantile) - 1]


def table(results: list[Result]) -> None:
    ceiling = results[0].requests_per_second
    print(
        f"{'scenario':<16} {'cases/s':>8} {'case p95':>9} {'HTTP req/s':>11} "
        f"{'req p50':>8} {'req p95':>8} {'req/s ÷ minimal':>16} {'errors':>7}"
    )
    for result in results:
        tally = result.tally
        is_case = result.name in ("web form", "API (Open311)")
        cases = f"{result.operations_per_second:8.1f}" if is_case else f"{'—':>8}"
        case_p95 = f"{p(tally.operations, 95) * 1000:7.0f}ms" if is_case else f"{'—':>9}"
        print(
            f"{result.name:<16} {cases} {case_p95} {result.requests_per_second:11.1f} "
            f"{p(tally.requests, 50) * 1000:6.1f}ms {p(tally.requests, 95) * 1000:6.1f}ms "
            f"{result.requests_per_second / ceiling:16.2f} {tally.errors:7d}"
        )


def summary(rounds: list[list[Result]], created: dict) -> None:
    def ratios(index: int) -> list[float]:
        return [r[index].requests_per_second / r[0].requests_per_second for r in rounds]

    def spread(values: list[float], digits: int = 2) -> str:
        return (
            f"{statistics.median(values):.{digits}f} "
            f"(from {min(values):.{digits}f} to {max(values):.{digits}f})"
        )

    web_requests = sum(len(r[1].tally.requests) for r in rounds)
    web_cases = sum(len(r[1].tally.operations) for r in rounds)
    print()
    print(
        f"Cases created while measuring (warm-ups included): {created['online']} by the web "
        f"form, {created['open311']} by the API. A web case takes "
        f"{web_requests / max(web_cases, 1):.0f} HTTP requests; "
        f"errors: {sum(result.tally.errors for r in rounds for result in r)}."
    )
    print(
        "Medians over the rounds: minimal view "
        f"{spread([r[0].requests_per_second for r in rounds], 0)} requests/s; "
        f"web form {spread([r[1].operations_per_second for r in rounds], 1)} cases/s; "
        f"API {spread([r[2].operations_per_second for r in rounds], 1)} cases/s."
    )
    print(
        f"Ratio to the minimal view: web form {spread(ratios(1))} (HTTP requests of the flow), "
        f"API {spread(ratios(2))} (one request, one case); target 0.30."
    )
    print(
        f"Floors: a view reading one row {spread(ratios(3))}, a view writing one row "
        f"and committing {spread(ratios(4))}, a view writing {REPORT_WRITES} rows (as many as "
        f"a report) {spread(ratios(5))}, a view checking an Open311 key then writing one "
        f"row (an API that would only accept reports, to file them later) "
        f"{spread(ratios(6))} of the minimal view."
    )
    one, five, _fifteen = os.getloadavg()
    print(
        f"Finished at {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M:%S} UTC, load average "
        f"{one:.1f} (1 min), {five:.1f} (5 min)."
    )


if __name__ == "__main__":
    main()
