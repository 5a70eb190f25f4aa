"""Benchmark: seed a fresh PostgreSQL database with the demo generator, against baselines.

    DJANGO_SETTINGS_MODULE=parcours.settings.test \\
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/parcours_bench \\
    .venv/bin/python bench/seed.py [--cases 1000000] [--people N] [--organisations 3]

The database named in DATABASE_URL is created by this script and dropped at the end;
it must not exist beforehand (``--replace`` drops a leftover one first). See README.md.
"""

import argparse
import datetime
import os
import platform
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
PROTECTED = {"postgres", "template0", "template1", "test"}
STATEMENT_TIMEOUT = "120s"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--people", type=int, default=None, help="default: cases / 10")
    parser.add_argument("--organisations", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--repeat", type=int, default=5, help="runs of each timed query")
    parser.add_argument(
        "--replace", action="store_true", help="drop the bench database first if it exists"
    )
    parser.add_argument("--keep", action="store_true", help="do not drop the database at the end")
    return parser.parse_args()


def maintenance_url(url: str) -> tuple[str, str]:
    """The bench database's name, and the URL of the server's maintenance database."""
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql", "pgsql"):
        sys.exit("DATABASE_URL must point at PostgreSQL (postgres://…/<bench database>).")
    name = parts.path.lstrip("/")
    if not name or name in PROTECTED or name.startswith("test_"):
        sys.exit(f"Refusing to create and drop the database {name!r}: name a bench database.")
    return name, urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))


def admin(url: str, statement: sql.Composable) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(statement)


def exists(url: str, name: str) -> bool:
    with psycopg.connect(url, autocommit=True) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()


def timed(function, repeat: int) -> tuple[float, object]:
    """Median wall time of ``repeat`` runs (after one warm-up run), and the last result."""
    result = function()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def rate(rows: int, seconds: float) -> str:
    return f"{rows / seconds:>12,.0f} rows/s" if seconds else "n/a"


def main() -> None:
    args = parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        sys.exit("Set DATABASE_URL to postgres://…/<bench database> (created and dropped here).")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parcours.settings.test")
    name, maintenance = maintenance_url(url)
    if exists(maintenance, name):
        if not args.replace:
            sys.exit(f"The database {name!r} exists already: drop it, or pass --replace.")
        admin(maintenance, sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
    admin(maintenance, sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        run(args)
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            admin(
                maintenance,
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)),
            )
            print(f"Dropped the bench database {name!r}.")


def run(args: argparse.Namespace) -> None:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.apps import apps
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from parcours.cases.enums import CaseState
    from parcours.cases.models import Case
    from parcours.cases.services import apply_due_implicit_decisions
    from parcours.catalog.enums import ImplicitDecision
    from parcours.demo.generator import Volume, generate

    people = args.people or max(args.cases // 10, 30 * args.organisations)
    with connection.cursor() as cursor:
        cursor.execute("SELECT version(), current_setting('shared_buffers')")
        version, shared_buffers = cursor.fetchone()
    print(f"Machine: {os.cpu_count()} CPU, Python {platform.python_version()}")
    print(f"Server: {version.split(',')[0]}, shared_buffers {shared_buffers}")

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"Migrations: {time.perf_counter() - started:.1f} s")

    volume = Volume(people=people, cases=args.cases, organisations=args.organisations)
    print(f"Seeding {args.cases:,} cases and {people:,} people…", flush=True)
    report = generate(volume, seed=args.seed)
    rows = report.total_rows
    for label, count in sorted(report.rows.items()):
        print(f"  {label:<30} {count:>12,}")

    seeded = [apps.get_model(label)._meta.db_table for label in report.rows]
    with connection.cursor() as cursor:
        cursor.execute(f"SET statement_timeout = '{STATEMENT_TIMEOUT}'")
        cursor.execute(
            "SELECT coalesce(sum(pg_relation_size(c.oid)), 0)::bigint "
            "FROM pg_class c WHERE c.relkind = 'r' AND c.relname = ANY(%s)",
            [seeded],
        )
        (heap_bytes,) = cursor.fetchone()
        # A baseline row as wide as an average seeded row: 24-byte header, id, timestamp, text.
        width = max(heap_bytes // max(rows, 1) - 40, 8)
        cursor.execute(
            "CREATE UNLOGGED TABLE bench_baseline (id bigint, created_at timestamptz, payload text)"
        )
        started = time.perf_counter()
        cursor.execute(
            "INSERT INTO bench_baseline SELECT g, now(), repeat('x', %s) "
            "FROM generate_series(1, %s) AS g",
            [width, rows],
        )
        baseline = time.perf_counter() - started
        cursor.execute("DROP TABLE bench_baseline")

    print()
    print("Write throughput")
    print(
        f"  seed (all tables, COPY)  {rows:>12,} rows in {report.seconds:8.1f} s {rate(rows, report.seconds)}"
    )
    print(
        f"  baseline INSERT…SELECT   {rows:>12,} rows in {baseline:8.1f} s {rate(rows, baseline)}"
        f"   (UNLOGGED, no index, ~{width + 40} bytes a row)"
    )
    print(f"  ratio seed / baseline    {report.seconds / baseline:>8.1f} ×")

    today = timezone.localdate()
    due = Case.objects.filter(
        # The selection of parcours.cases.services.apply_due_implicit_decisions.
        state__in=[CaseState.SUBMITTED, CaseState.IN_REVIEW],
        implicit_decision__in=[ImplicitDecision.ACCEPTANCE, ImplicitDecision.REJECTION],
        decision_due_on__lt=today,
    )

    # One batch of apply_due_implicit_decisions, rolled back: its first query is the
    # selection, captured exactly as the service sends it.
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        applied = apply_due_implicit_decisions(today=today, limit=500)
        batch_seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    selection = next(q["sql"] for q in queries.captured_queries if "decision_due_on" in q["sql"])

    def fetch(statement: str, params=()) -> list[tuple]:
        with connection.cursor() as cursor:
            cursor.execute(statement, params)
            return cursor.fetchall()

    count_sql, count_params = due.order_by().values("pk").query.sql_with_params()
    due_count_time, due_count = timed(due.count, args.repeat)
    selection_time, selected = timed(lambda: fetch(selection), args.repeat)
    full_count_time, full_count = timed(Case.objects.count, args.repeat)
    plans = {
        "selection query (LIMIT 500)": fetch(f"EXPLAIN (ANALYZE, BUFFERS) {selection}"),
        "due count": fetch(
            f"EXPLAIN (ANALYZE, BUFFERS) SELECT count(*) FROM ({count_sql}) AS due", count_params
        ),
        "baseline full count": fetch(
            f"EXPLAIN (ANALYZE, BUFFERS) SELECT count(*) FROM {Case._meta.db_table}"
        ),
    }

    # The schema has a partial index for this selection (case_implicit_due). What would
    # it cost without it? Drop it inside a transaction that is rolled back.
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("DROP INDEX case_implicit_due")
        unindexed_selection_time, _rows = timed(lambda: fetch(selection), args.repeat)
        unindexed_count_time, _count = timed(due.count, args.repeat)
        plans["selection query without the partial index"] = fetch(
            f"EXPLAIN (ANALYZE, BUFFERS) {selection}"
        )
        transaction.set_rollback(True)

    print()
    print(f"Implicit decisions due on {today} (apply_due_implicit_decisions)")
    print(f"  due cases (count)        {due_count:>12,}   in {due_count_time * 1000:8.1f} ms")
    print(f"  selection (LIMIT 500)    {len(selected):>12,}   in {selection_time * 1000:8.1f} ms")
    print(f"  baseline: count(*) all   {full_count:>12,}   in {full_count_time * 1000:8.1f} ms")
    if full_count_time:
        print(f"  ratio selection / count(*) all {selection_time / full_count_time:6.2f} ×")
    print(f"  one batch applied        {applied:>12,}   in {batch_seconds:8.2f} s (rolled back)")
    print("  without the partial index case_implicit_due (dropped in a rolled-back transaction):")
    print(f"    selection (LIMIT 500)                in {unindexed_selection_time * 1000:8.1f} ms")
    if full_count_time:
        print(
            f"    ratio selection / count(*) all   {unindexed_selection_time / full_count_time:6.3f} ×"
        )
    print(f"    due cases (count)                    in {unindexed_count_time * 1000:8.1f} ms")
    for title, plan in plans.items():
        print()
        print(f"Plan of the {title}:")
        for (line,) in plan:
            print(f"  {line}")
    print(f"Finished at {datetime.datetime.now():%Y-%m-%d %H:%M:%S}.")


if __name__ == "__main__":
    main()
