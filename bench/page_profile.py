"""Profile, in process, the pages of the web form's flow that ``case_creation.py``
measures over HTTP: CPU time and SQL statements per page, in one theme.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/parcours_page_profile \\
    PARCOURS_THEME=dsfr .venv/bin/python bench/page_profile.py [--cases 20] [--api] [--profile]

The database named in ``DATABASE_URL`` is created (``--replace`` drops it first),
migrated and loaded with the demo, given the bench's one-step procedure and one
citizen (``--keep`` leaves it at the end, ``--reuse`` runs again on what it left);
the flow then runs ``--cases`` times through Django's test client with the bench's
settings (``DEBUG`` off, the cached template loader), the first case untimed
(the template cache warms up). It prints, per page, the median CPU time (process
time, the test client included) and the number of SQL statements; ``--api`` runs
the Open311 report of ``case_creation.py`` instead of the web form. ``--profile``
also prints the functions that cost the most over all pages (``cProfile``), ``--sql``
each request's statements, ``--profile-out PATH`` writes the profile for ``pstats``
or snakeviz. See README.md.
"""

import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != BENCH]
sys.path.insert(0, str(ROOT))
sys.path.append(str(BENCH))

import argparse  # noqa: E402
import cProfile  # noqa: E402
import os  # noqa: E402
import pstats  # noqa: E402
import re  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from collections import defaultdict  # noqa: E402

from psycopg import sql  # noqa: E402
from seed import exists, maintenance_url  # noqa: E402

PROCEDURE_SLUG = "bench-demande-simple"
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=20, help="cases sent (default 20)")
    parser.add_argument("--profile", action="store_true", help="print the hottest functions")
    parser.add_argument(
        "--profile-out", metavar="PATH", help="with --profile, also write the pstats file there"
    )
    parser.add_argument("--sql", action="store_true", help="print each request's statements")
    parser.add_argument(
        "--api", action="store_true", help="profile the Open311 report instead of the web form"
    )
    parser.add_argument("--replace", action="store_true", help="drop the database first")
    parser.add_argument("--keep", action="store_true", help="keep the database at the end")
    parser.add_argument(
        "--reuse", action="store_true", help="use the database a run with --keep left"
    )
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database of this run.")
    import psycopg

    name, maintenance = maintenance_url(url)
    args.prepared = args.reuse and exists(maintenance, name)
    if not args.prepared:
        if exists(maintenance, name) and not args.replace:
            sys.exit(f"The database {name} exists: --replace drops it, --reuse uses it.")
        with psycopg.connect(maintenance, autocommit=True) as connection:
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.case_creation_settings"
    try:
        run(args)
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            with psycopg.connect(maintenance, autocommit=True) as connection:
                connection.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
                )


def run(args) -> None:
    import django

    django.setup()
    from common import add_citizens, add_simple_procedure
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from parcours.accounts.models import User

    settings.ALLOWED_HOSTS.append("testserver")
    if not args.prepared:
        call_command("migrate", verbosity=0)
        call_command("createcachetable", verbosity=0)
        call_command("load_demo", verbosity=0)
        add_simple_procedure(code="BEN", slug=PROCEDURE_SLUG)
        add_citizens(1, prefix="profile", family_name="Profil")
    user = User.objects.get(email="profile-0@example.test")
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)

    cpu: dict[str, list[float]] = defaultdict(list)
    queries: dict[str, int] = {}
    statements: dict[str, list[str]] = {}
    profiler = cProfile.Profile(time.process_time) if args.profile else None

    def send(label: str, method: str, path: str, data=None, timed=True):
        started = time.process_time()
        if profiler and timed:
            profiler.enable()
        with CaptureQueriesContext(connection) as captured:
            if method == "GET":
                response = client.get(path)
            else:
                response = client.post(path, data, HTTP_REFERER="http://testserver" + path)
        if profiler and timed:
            profiler.disable()
        if timed:
            cpu[label].append((time.process_time() - started) * 1000)
            queries[label] = len(captured)
            statements[label] = [query["sql"] for query in captured]
        expected = 200 if method == "GET" else 302
        if response.status_code != expected:
            sys.exit(f"{method} {path}: {response.status_code} (expected {expected})")
        return response

    def page(label, path, timed):
        return CSRF_RE.search(send(label, "GET", path, timed=timed).text).group(1)

    def form(label, path, data, token, timed):
        response = send(label, "POST", path, {"csrfmiddlewaretoken": token, **data}, timed)
        return response.headers["Location"]

    reporter = Client()

    def report(number: int, timed: bool) -> None:
        started = time.process_time()
        if profiler and timed:
            profiler.enable()
        with CaptureQueriesContext(connection) as captured:
            response = reporter.post("/open311/v2/requests.json", open311_report(number))
        if profiler and timed:
            profiler.disable()
        if response.status_code != 200:
            sys.exit(f"POST /open311/v2/requests.json: {response.status_code} {response.text}")
        if timed:
            cpu["POST report"].append((time.process_time() - started) * 1000)
            queries["POST report"] = len(captured)
            statements["POST report"] = [query["sql"] for query in captured]

    for number in range(args.cases + 1):
        timed = number > 0
        if args.api:
            report(number, timed)
            continue
        start = f"/demarches/{PROCEDURE_SLUG}/demande/"
        step = form("POST start", start, {}, page("GET start", start, timed), timed)
        situation = form(
            "POST step",
            step,
            {"subject": f"Rencontre n° {number}", "details": "Au square.", "action": "next"},
            page("GET step", step, timed),
            timed,
        )
        documents = form(
            "POST situation",
            situation,
            {"situation": "", "action": "next"},
            page("GET situation", situation, timed),
            timed,
        )
        review = form(
            "POST documents",
            documents,
            {"action": "next"},
            page("GET documents", documents, timed),
            timed,
        )
        done = form("POST review", review, {}, page("GET review", review, timed), timed)
        send("GET sent", "GET", done, timed=timed)

    print(f"Theme {settings.PARCOURS_THEME}, {args.cases} cases, median per request:")
    print(f"{'request':<16} {'CPU ms':>8} {'SQL':>5}")
    for label, values in cpu.items():
        print(f"{label:<16} {statistics.median(values):8.1f} {queries[label]:5d}")
    total = sum(statistics.median(values) for values in cpu.values())
    print(f"{'whole case':<16} {total:8.1f} {sum(queries.values()):5d}")
    if args.sql:
        for label, lines in statements.items():
            print(f"\n{label}:")
            for line in lines:
                print(f"  {line[:300]}")
    if profiler:
        stats = pstats.Stats(profiler)
        if args.profile_out:
            stats.dump_stats(args.profile_out)
        stats.sort_stats("cumulative").print_stats(60)
        stats.sort_stats("cumulative").print_stats("parcours/", 50)
        stats.sort_stats("tottime").print_stats(40)
        print("Own CPU time by package (the profiler's own cost included):")
        by_area: dict[str, float] = defaultdict(float)
        for (filename, _line, _name), (_cc, _nc, own, _cum, _callers) in stats.stats.items():
            by_area[area(filename)] += own
        for name, seconds in sorted(by_area.items(), key=lambda item: -item[1])[:15]:
            print(f"  {name:<40} {seconds * 1000 / args.cases:8.1f} ms a case")


def open311_report(number: int) -> dict:
    """The street report ``case_creation.py`` posts, with the demo key."""
    return {
        "api_key": "o311_demo-bellerive-2026",
        "service_code": "SIG",
        "lat": "47.8591",
        "long": "2.0457",
        "description": f"Lampadaire éteint, signalement n° {number}.",
        "attribute[category]": "lighting",
    }


def area(filename: str) -> str:
    """A file's package, two levels deep (``django/template``, ``parcours/cases``)."""
    if filename == "~":
        return "built-in functions"
    path = Path(filename)
    parts = path.parts
    if "site-packages" in parts:
        return "/".join(parts[parts.index("site-packages") + 1 :][:2])
    if path.is_relative_to(ROOT):
        return "/".join(path.relative_to(ROOT).parts[:2])
    return "python" if filename.startswith("/") else filename


if __name__ == "__main__":
    main()
