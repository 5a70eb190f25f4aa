"""Benchmark: the managers' dashboard and the public results page at 10,000 and at
1,000,000 cases, the aggregation jobs, against baselines measured in the same run.

    DJANGO_SETTINGS_MODULE=parcours.settings.test \\
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/parcours_bench_dashboards \\
    .venv/bin/python bench/dashboards.py [--volumes 10000,1000000] [--requests 50]

For each volume, the database named in DATABASE_URL is created, migrated and seeded
with the demo generator (``parcours.demo.generator``, as ``bench/seed.py`` does), the
daily statistics of the whole history are computed, the pages are measured, then the
database is dropped; it must not exist beforehand (``--replace`` drops a leftover one
first). See README.md.
"""

import sys
from pathlib import Path

# The bench folder at the end of the path, for ``seed``'s helpers.
BENCH = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != BENCH]
sys.path.append(str(BENCH))

import argparse  # noqa: E402
import datetime  # noqa: E402
import importlib.util  # noqa: E402
import os  # noqa: E402
import time  # noqa: E402
from dataclasses import dataclass  # noqa: E402

from psycopg import sql  # noqa: E402
from seed import admin, exists, maintenance_url  # noqa: E402

ROOT = BENCH.parent


def _queue_bench():
    """bench/queue_page.py's helpers (timings in turns, a signed-in client)."""
    spec = importlib.util.spec_from_file_location("bench_queue", BENCH / "queue_page.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


helpers = _queue_bench()


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--volumes", default="10000,1000000", help="numbers of cases")
    parser.add_argument("--requests", type=int, default=50, help="timed requests of each page")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--replace", action="store_true", help="drop the bench database first if it exists"
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the database of the last volume at the end"
    )
    return parser.parse_args()


@dataclass
class Result:
    cases: int
    history_days: int
    history_seconds: float
    stat_rows: int
    summary_rows: int
    hourly_seconds: float
    figures: dict


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
        helpers.drop(maintenance, name)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.test.utils import setup_test_environment

    setup_test_environment()
    helpers.describe_machine()
    results = []
    for index, cases in enumerate(volumes):
        admin(maintenance, sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        try:
            results.append(run(cases, args))
        finally:
            from django.db import connections

            connections.close_all()
            if args.keep and index == len(volumes) - 1:
                print(f"Kept the bench database {name!r}.", flush=True)
            else:
                helpers.drop(maintenance, name)
                print(f"Dropped the bench database {name!r}.", flush=True)
    summarise(results)
    print(f"Finished at {datetime.datetime.now():%Y-%m-%d %H:%M:%S}.")


def manager_of(organisation):
    """A new administrator of the organisation (every unit), with an authenticator."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from parcours.accounts.models import User
    from parcours.organisations.enums import AgentRole
    from parcours.organisations.models import Agent

    user = User.objects.create_user(
        "bench.manager@bench.invalid", first_name="Responsable", last_name="Bench"
    )
    Agent.objects.create(
        user=user,
        organisation=organisation,
        role=AgentRole.ORGANISATION_ADMIN,
        title="Directrice",
    )
    TOTPDevice.objects.create(user=user, name="Bench", confirmed=True)
    return user


def run(cases: int, args: argparse.Namespace) -> Result:
    from dateutil.relativedelta import relativedelta
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count
    from django.db.models.functions import TruncDate
    from django.test import Client
    from django.utils import timezone

    from parcours.cases.models import Case
    from parcours.demo.generator import HISTORY_MONTHS, Volume, generate
    from parcours.organisations.models import Organisation
    from parcours.stats.aggregation import compute_period

    print()
    print(f"=== {cases:,} cases ===", flush=True)
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    print(f"Migrations: {time.perf_counter() - started:.1f} s", flush=True)
    report = generate(Volume(people=max(cases // 10, 90), cases=cases), seed=args.seed)
    print(f"Seeded {report.total_rows:,} rows in {report.seconds:.1f} s", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")

    today = timezone.localdate()
    history = compute_period(today - relativedelta(months=HISTORY_MONTHS), today)
    print(
        f"Statistics of the whole history ({history['days']} days): {history['rows']:,} rows "
        f"and {history['summaries']:,} summaries in {history['seconds']:.1f} s",
        flush=True,
    )
    hourly = compute_period(today - datetime.timedelta(days=1), today)
    print(f"The hourly job (yesterday and today): {hourly['seconds']:.2f} s", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")

    busiest = Case.objects.values("organisation").annotate(n=Count("pk")).order_by("-n").first()
    organisation = Organisation.objects.get(pk=busiest["organisation"])
    print(f"Organisation measured: {organisation.name}, {busiest['n']:,} cases", flush=True)
    manager = helpers.signed_in_client(manager_of(organisation))
    public = Client()
    year = f"since={today - datetime.timedelta(days=364)}&until={today}"
    since = timezone.now() - datetime.timedelta(days=90)

    def select_one():
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()

    def received_per_day_from_cases():
        # What one figure of the dashboard would cost read from the cases themselves.
        return list(
            Case.objects.filter(organisation=organisation, submitted_at__gte=since)
            .annotate(day=TruncDate("submitted_at"))
            .values("day")
            .annotate(n=Count("pk"))
            .order_by("day")
        )

    figures = helpers.measure(
        {
            "baseline: SELECT 1": select_one,
            "baseline: /healthz page": lambda: helpers.get(public, "/healthz"),
            "baseline: received per day, 90 days, read from the cases": (
                received_per_day_from_cases
            ),
            "dashboard, 90 days": lambda: helpers.get(manager, "/agents/statistiques/"),
            "dashboard, one year": lambda: helpers.get(manager, f"/agents/statistiques/?{year}"),
            "equality, by territory, one year": lambda: helpers.get(
                manager, f"/agents/statistiques/egalite/?dimension=territory&{year}"
            ),
            "public results page": lambda: helpers.get(public, f"/resultats/{organisation.slug}/"),
            "open data (JSON)": lambda: helpers.get(
                public, f"/resultats/{organisation.slug}/donnees.json"
            ),
        },
        args.requests,
        warm_up=3,
    )
    return Result(
        cases,
        history["days"],
        history["seconds"],
        history["rows"],
        history["summaries"],
        hourly["seconds"],
        figures,
    )


def summarise(results: list[Result]) -> None:
    print()
    print("Summary (milliseconds: p50 / p95)")
    labels = list(results[0].figures)
    header = "".join(f"{r.cases:>22,}" for r in results)
    print(f"{'':58}{header}")
    for label in labels:
        cells = "".join(
            f"{r.figures[label].p50 * 1000:>12.1f} /{r.figures[label].p95 * 1000:>8.1f}"
            for r in results
        )
        print(f"{label:58}{cells}")
    for r in results:
        print(
            f"{r.cases:,} cases: history of {r.history_days} days computed in "
            f"{r.history_seconds:.1f} s ({r.stat_rows:,} rows, {r.summary_rows:,} summaries); "
            f"hourly job {r.hourly_seconds:.2f} s"
        )
    if len(results) > 1:
        first, last = results[0], results[-1]
        growth = last.cases / first.cases
        print(f"Growth from {first.cases:,} to {last.cases:,} cases (× {growth:,.0f}):")
        for label in labels:
            ratio = last.figures[label].p95 / first.figures[label].p95
            print(f"  {label}: p95 × {ratio:.1f}")
    worst = max(
        (r.figures[label].p95, label, r.cases)
        for r in results
        for label in r.figures
        if not label.startswith("baseline")
    )
    verdict = "under" if worst[0] < 1 else "OVER"
    print(
        f"Slowest page p95: {worst[0] * 1000:.0f} ms ({worst[1]}, {worst[2]:,} cases): "
        f"{verdict} one second."
    )


if __name__ == "__main__":
    main()
