"""Benchmark: the fair queue at 10,000 and at 1,000,000 cases, against baselines.

    DJANGO_SETTINGS_MODULE=parcours.settings.test \\
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/parcours_bench_queue \\
    .venv/bin/python bench/queue_page.py [--volumes 10000,1000000] [--requests 200] [--claims 200]

For each volume, the database named in DATABASE_URL is created, migrated and seeded
with the demo generator (``parcours.demo.generator``), then measured, then dropped; it
must not exist beforehand (``--replace`` drops a leftover one first). See README.md.
"""

import argparse
import datetime
import os
import platform
import statistics
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from psycopg import sql
from seed import admin, exists, maintenance_url  # bench/seed.py, next to this script

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
CLAIMERS = 50
WARM_UP = 10


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--volumes",
        default="10000,1000000",
        help="numbers of cases, comma-separated (default: 10000,1000000)",
    )
    parser.add_argument("--requests", type=int, default=200, help="queue pages timed")
    parser.add_argument("--claims", type=int, default=200, help="claims of the next case timed")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--replace", action="store_true", help="drop the bench database first if it exists"
    )
    parser.add_argument(
        "--explain", action="store_true", help="print EXPLAIN ANALYZE of the page's queries"
    )
    return parser.parse_args()


@dataclass
class Timings:
    """Wall times of one operation, in seconds."""

    seconds: list[float] = field(default_factory=list)

    def percentile(self, p: int) -> float:
        return statistics.quantiles(self.seconds, n=100, method="inclusive")[p - 1]

    @property
    def p50(self) -> float:
        return self.percentile(50)

    @property
    def p95(self) -> float:
        return self.percentile(95)


def measure(
    functions: dict[str, Callable[[], object]], runs: int, *, warm_up: int = WARM_UP
) -> dict[str, Timings]:
    """Time each function ``runs`` times, in turns (one of each, then again), so that a
    change in the machine's load weighs on all of them alike, baselines included."""
    for function in functions.values():
        for _ in range(warm_up):
            function()
    timings = {label: Timings() for label in functions}
    for _ in range(runs):
        for label, function in functions.items():
            started = time.perf_counter()
            function()
            timings[label].seconds.append(time.perf_counter() - started)
    return timings


def measure_claims(claim, release, runs: int, *, warm_up: int = WARM_UP) -> Timings:
    """Time ``claim`` (its transaction committed), then ``release`` what it took."""
    timings = Timings()
    for index in range(warm_up + runs):
        started = time.perf_counter()
        case = claim()
        if index >= warm_up:
            timings.seconds.append(time.perf_counter() - started)
        release(case)
    return timings


def free_cases(unit, wanted: int) -> int:
    """Release held open cases of the unit until ``wanted`` are free; how many."""
    from parcours.cases import queue

    missing = wanted - queue.queue_of(unit).filter(referent__isnull=True).count()
    if missing <= 0:
        return 0
    held = list(
        queue.queue_of(unit).filter(referent__isnull=False).values_list("pk", flat=True)[:missing]
    )
    from parcours.cases.models import Case

    Case.objects.filter(pk__in=held).update(referent=None)
    return len(held)


@dataclass
class Result:
    cases: int
    unit: str
    open_cases: int
    unheld_before: int
    figures: dict[str, Timings]
    concurrent: str


def main() -> None:
    args = parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        sys.exit("Set DATABASE_URL to postgres://…/<bench database> (created and dropped here).")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parcours.settings.test")
    name, maintenance = maintenance_url(url)
    volumes = [int(v.replace("_", "")) for v in args.volumes.split(",") if v.strip()]
    if exists(maintenance, name):
        if not args.replace:
            sys.exit(f"The database {name!r} exists already: drop it, or pass --replace.")
        drop(maintenance, name)

    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.test.utils import setup_test_environment

    setup_test_environment()
    describe_machine()
    results = []
    for cases in volumes:
        admin(maintenance, sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        try:
            results.append(run(cases, args))
        finally:
            from django.db import connections

            connections.close_all()
            drop(maintenance, name)
            print(f"Dropped the bench database {name!r}.", flush=True)
    summarise(results)
    print(f"Finished at {datetime.datetime.now():%Y-%m-%d %H:%M:%S}.")


def drop(maintenance: str, name: str) -> None:
    admin(
        maintenance, sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
    )


def describe_machine() -> None:
    import psycopg
    from django.db import connection

    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    params["dbname"] = "postgres"
    with psycopg.connect(**params) as conn:
        version, shared_buffers = conn.execute(
            "SELECT version(), current_setting('shared_buffers')"
        ).fetchone()
    print(f"Machine: {os.cpu_count()} CPU, Python {platform.python_version()}")
    print(f"Server: {version.split(',')[0]}, shared_buffers {shared_buffers}")


def run(cases: int, args: argparse.Namespace) -> Result:
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count, Q

    from parcours.cases.enums import OPEN_STATES, EventKind
    from parcours.cases.models import Case, CaseEvent
    from parcours.demo.generator import Volume, generate
    from parcours.organisations.models import Unit

    print()
    print(f"=== {cases:,} cases ===", flush=True)
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    print(f"Migrations: {time.perf_counter() - started:.1f} s", flush=True)
    people = max(cases // 10, 90)
    report = generate(Volume(people=people, cases=cases), seed=args.seed)
    print(f"Seeded {report.total_rows:,} rows in {report.seconds:.1f} s", flush=True)
    # The steady state of a live database, where autovacuum has run: statistics, and
    # the visibility map that lets index-only scans skip the table.
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
    print(f"VACUUM (ANALYZE): {time.perf_counter() - started:.1f} s", flush=True)

    # The busiest queue: the unit with the most open cases nobody holds.
    busiest = (
        Case.objects.filter(state__in=OPEN_STATES)
        .values("unit")
        .annotate(open=Count("pk"), unheld=Count("pk", filter=Q(referent__isnull=True)))
        .order_by("-unheld", "unit")
        .first()
    )
    unit = Unit.objects.select_related("organisation").get(pk=busiest["unit"])
    print(
        f"Queue of {unit.organisation.name} › {unit.name}: {busiest['open']:,} open cases, "
        f"{busiest['unheld']:,} held by nobody",
        flush=True,
    )

    agent = bench_agent(unit, "bench.agent")
    client = signed_in_client(agent.user)
    figures: dict[str, Timings] = {}

    def select_one():
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()

    some_pk = Case.objects.filter(unit=unit).values_list("pk", flat=True).first()
    page = f"/agents/files/{unit.slug}/"
    figures.update(
        measure(
            {
                "baseline: SELECT 1": select_one,
                "baseline: case by primary key": lambda: Case.objects.filter(pk=some_pk).first(),
                "baseline: /healthz page": lambda: get(client, "/healthz"),
                "queue page": lambda: get(client, page),
                "queue page, held by nobody": lambda: get(client, f"{page}?suivi=libre"),
            },
            args.requests,
        )
    )
    if args.explain:
        explain_page(client, page)

    from parcours.cases import queue

    def claim():
        case = queue.case_claim_next(unit=unit, by=agent.user)
        if case is None:
            raise RuntimeError("Every case of the queue is held: nothing to claim.")
        return case

    def release(case):
        # Untimed: give the case back, so that every claim finds the queue as it was
        # seeded (the smallest volume has only a few dozen free cases per unit).
        Case.objects.filter(pk=case.pk).update(referent=None)
        CaseEvent.objects.filter(case=case, kind=EventKind.REFERENT_CHANGED).delete()

    figures["claim the next case"] = measure_claims(claim, release, args.claims)
    freed = free_cases(unit, CLAIMERS)
    if freed:
        print(f"Freed {freed} held cases so that {CLAIMERS} claimers find a free case each.")
    concurrent = claim_concurrently(unit)
    return Result(cases, unit.name, busiest["open"], busiest["unheld"], figures, concurrent)


def bench_agent(unit, prefix: str, index: int = 0):
    """A new agent of the unit, with a confirmed authenticator app."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from parcours.accounts.models import User
    from parcours.organisations.enums import AgentRole
    from parcours.organisations.models import Agent

    user = User.objects.create_user(
        f"{prefix}.{index}@bench.invalid", first_name="Agent", last_name=f"Bench {index}"
    )
    agent = Agent.objects.create(
        user=user, organisation_id=unit.organisation_id, role=AgentRole.AGENT, title="Instructeur"
    )
    agent.units.add(unit)
    TOTPDevice.objects.create(user=user, name="Bench", confirmed=True)
    return agent


def signed_in_client(user):
    """The Django test client, signed in as the sign-in pages leave a verified agent."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY

    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = user.totpdevice_set.get().persistent_id
    session.save()
    return client


def get(client, path: str):
    response = client.get(path)
    if response.status_code != 200:
        raise RuntimeError(f"GET {path} answered {response.status_code}")
    return response


def explain_page(client, page: str) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        get(client, page)
    print(f"Queries of {page} ({len(captured.captured_queries)}), with their plans:")
    for query in captured.captured_queries:
        statement = query["sql"]
        if not statement.lstrip().upper().startswith("SELECT"):
            continue
        print(f"  [{float(query['time']) * 1000:.1f} ms] {statement[:300]}")
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {statement}")
            for (line,) in cursor.fetchall():
                print(f"      {line}")


def claim_concurrently(unit) -> str:
    """50 agents press "take the next case" at the same moment, each on their own
    connection: each must get a different case, and nobody an error."""
    from django.db import connection

    from parcours.cases import queue
    from parcours.cases.models import Case

    agents = [bench_agent(unit, "bench.claimer", i) for i in range(CLAIMERS)]
    results: list[int | None] = [None] * CLAIMERS
    errors: list[BaseException] = []
    start = threading.Barrier(CLAIMERS)
    elapsed: list[float] = [0.0] * CLAIMERS

    def claim(index: int) -> None:
        try:
            start.wait(timeout=60)
            began = time.perf_counter()
            case = queue.case_claim_next(unit=unit, by=agents[index].user)
            elapsed[index] = time.perf_counter() - began
            results[index] = case.pk if case else None
        except BaseException as error:  # counted and printed below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=claim, args=(i,)) for i in range(CLAIMERS)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    wall = time.perf_counter() - began
    got = [pk for pk in results if pk is not None]
    holders = dict(Case.objects.filter(pk__in=got).values_list("pk", "referent_id"))
    right_holders = sum(holders.get(pk) == agents[i].pk for i, pk in enumerate(results))
    verdict = (
        "OK" if not errors and len(set(got)) == CLAIMERS and right_holders == CLAIMERS else "FAILED"
    )
    for error in errors[:5]:
        print(f"  error: {error!r}")
    return (
        f"{CLAIMERS} concurrent claimers: {len(set(got))} different cases, "
        f"{right_holders} held by their claimer, {len(errors)} errors, "
        f"in {wall * 1000:.0f} ms (slowest claim {max(elapsed) * 1000:.0f} ms) — {verdict}"
    )


def summarise(results: list[Result]) -> None:
    print()
    for result in results:
        print(
            f"--- {result.cases:,} cases — queue of {result.unit}: {result.open_cases:,} open, "
            f"{result.unheld_before:,} held by nobody"
        )
        baseline = result.figures["baseline: case by primary key"].p95
        page_baseline = result.figures["baseline: /healthz page"].p95
        print(f"  {'':<32} {'runs':>5} {'p50 ms':>9} {'p95 ms':>9} {'p95 / pk':>9} {'/ page':>8}")
        for label, timings in result.figures.items():
            print(
                f"  {label:<32} {len(timings.seconds):>5} {timings.p50 * 1000:>9.2f} "
                f"{timings.p95 * 1000:>9.2f} {timings.p95 / baseline:>8.1f}× "
                f"{timings.p95 / page_baseline:>7.1f}×"
            )
        print(f"  {result.concurrent}")
    if len(results) >= 2:
        small, large = results[0], results[-1]
        print()
        print(f"Ratio {large.cases:,} / {small.cases:,} cases (the issue asks for at most 2×):")
        for label in small.figures:
            p50 = large.figures[label].p50 / small.figures[label].p50
            p95 = large.figures[label].p95 / small.figures[label].p95
            verdict = "" if label.startswith("baseline") else ("  OK" if p95 <= 2 else "  OVER 2×")
            print(f"  {label:<32} p50 {p50:5.2f}×   p95 {p95:5.2f}×{verdict}")
        print("The same, each figure first divided by its run's baseline (the machine's load")
        print("may differ between the two volumes; the /healthz page for pages, the primary")
        print("key lookup for claims):")
        for label in small.figures:
            if label.startswith("baseline"):
                continue
            base = (
                "baseline: case by primary key" if "claim" in label else "baseline: /healthz page"
            )
            p50 = (large.figures[label].p50 / large.figures[base].p50) / (
                small.figures[label].p50 / small.figures[base].p50
            )
            p95 = (large.figures[label].p95 / large.figures[base].p95) / (
                small.figures[label].p95 / small.figures[base].p95
            )
            print(f"  {label:<32} p50 {p50:5.2f}×   p95 {p95:5.2f}×")


if __name__ == "__main__":
    main()
