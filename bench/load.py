"""Load test: citizens and agents against two app servers and two workers, on
PostgreSQL with 100,000 cases, compared with a minimal Django view in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/parcours_load \\
    .venv/bin/python bench/load.py [--cases 100000] [--duration 300] [--users 30]

The database named in DATABASE_URL is created and seeded (bench/seed.py's generator:
the demo's story plus the volume asked), then this script starts two gunicorn servers
and two workers (`manage.py run_worker`) on 127.0.0.1 with bench/load_settings.py,
and locust (bench/locustfile.py) headless with a bounded number of users, each request
sent to either server in turn. It prints requests per second, p50/p95/p99 and errors
for the whole mix and for each kind of page, and the ratio to the minimal view. Every
process is stopped and the database dropped at the end (``--keep`` keeps it). See
docs/scaling.md for the figures measured.
"""

import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(1, str(ROOT))  # after bench/ (this script's folder, first): seed's helpers

import argparse  # noqa: E402
import csv  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import re  # noqa: E402
import signal  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import urllib.request  # noqa: E402

from psycopg import sql  # noqa: E402
from seed import admin, exists, maintenance_url  # noqa: E402

SETTINGS = "bench.load_settings"
PROCEDURE_SLUG = "charge-demande-simple"
UNIT = ("bellerive-sur-loire", "cadre-de-vie")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--duration", type=int, default=300, help="seconds of load")
    parser.add_argument("--users", type=int, default=30, help="simulated users, at most")
    parser.add_argument("--spawn-rate", type=float, default=5, help="users started a second")
    parser.add_argument("--ports", default="8801,8802", help="the two app servers' ports")
    parser.add_argument("--web-workers", type=int, default=2, help="gunicorn processes each")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn process")
    parser.add_argument("--replace", action="store_true", help="drop a leftover database first")
    parser.add_argument("--keep", action="store_true", help="keep the database at the end")
    return parser.parse_args()


def prepare(args) -> dict:
    """Migrate, seed, add a one-step procedure; open the sessions of the citizens and
    agents the simulated users act as (sign-in has its own tests)."""
    from common import add_citizens, add_simple_procedure, bench_unit
    from django.core.management import call_command
    from django.test import Client
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from parcours.demo.generator import Volume, generate
    from parcours.organisations.models import Agent

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    report = generate(Volume(people=max(args.cases // 10, 90), cases=args.cases))
    print(f"Seeded {args.cases:,} cases in {report.seconds:.1f} s.", flush=True)
    unit = bench_unit()
    add_simple_procedure(code="CHG", slug=PROCEDURE_SLUG, unit=unit)
    sessions = {"procedure": PROCEDURE_SLUG, "citizens": [], "agents": []}
    for user in add_citizens(args.users, prefix="charge", family_name="Charge", unit=unit):
        client = Client()
        client.force_login(user)
        sessions["citizens"].append(client.session.session_key)
    agents = Agent.objects.filter(units=unit, is_active=True).select_related("user")
    for agent in agents:
        device, _ = TOTPDevice.objects.get_or_create(
            user=agent.user, defaults={"name": "charge", "confirmed": True}
        )
        client = Client()
        client.force_login(agent.user)
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session.save()
        sessions["agents"].append({"session": session.session_key, "unit": unit.slug})
    if not sessions["agents"]:
        sys.exit(f"No agent in the unit {UNIT}.")
    print(
        f"Ready in {time.perf_counter() - started:.1f} s: {len(sessions['citizens'])} citizens, "
        f"{len(sessions['agents'])} agents of {unit}.",
        flush=True,
    )
    return sessions


def start(command: list[str], log: Path) -> subprocess.Popen:
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": SETTINGS}
    with log.open("wb") as handle:
        return subprocess.Popen(
            command,
            cwd=ROOT,
            env=environment,
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def wait_until_up(port: int) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/bench/minimal", timeout=5):
                return
        except OSError:
            time.sleep(0.5)
    sys.exit(f"The server on port {port} did not answer within two minutes.")


def percentile_row(row: dict) -> str:
    return (
        f"{float(row['Requests/s']):8.1f} req/s  p50 {row['50%']:>5} ms  p95 {row['95%']:>5} ms"
        f"  p99 {row['99%']:>5} ms  errors {row['Failure Count']:>4} / {row['Request Count']}"
    )


def report(prefix: Path, duration: int) -> None:
    with open(f"{prefix}_stats.csv") as handle:
        rows = list(csv.DictReader(handle))
    by_name = {row["Name"]: row for row in rows}
    total = by_name["Aggregated"]
    minimal = by_name.get("minimal view")
    print()
    print(f"Load test: {duration} s")
    width = max(len(name) for name in by_name)
    for row in sorted(rows, key=lambda r: (r["Name"] == "Aggregated", r["Name"])):
        print(f"  {row['Name']:<{width}}  {percentile_row(row)}")
    failures = int(total["Failure Count"])
    if minimal:
        pages = [r for r in rows if r["Name"] not in ("Aggregated", "minimal view")]
        count = sum(int(r["Request Count"]) for r in pages)
        mean = sum(float(r["Average Response Time"]) * int(r["Request Count"]) for r in pages)
        mean /= max(count, 1)
        print()
        print(
            f"Ratio to the minimal view (same run, same servers): mean latency "
            f"{mean:.0f} ms / {float(minimal['Average Response Time']):.0f} ms = "
            f"{mean / max(float(minimal['Average Response Time']), 0.1):.1f} ×; "
            f"p50 {int(total['50%'])} / {int(minimal['50%'])} = "
            f"{int(total['50%']) / max(int(minimal['50%']), 1):.1f} ×; "
            f"p95 {int(total['95%'])} / {int(minimal['95%'])} = "
            f"{int(total['95%']) / max(int(minimal['95%']), 1):.1f} ×"
        )
    print(f"Errors: {failures}")
    if failures:  # each kind of error, where it happened and how often
        with open(f"{prefix}_failures.csv") as handle:
            for row in csv.DictReader(handle):
                print(f"  {row['Method']} {row['Name']}: {row['Error']} × {row['Occurrences']}")


# gunicorn's errors, a worker killed on timeout, Django's exceptions, a 5xx answer.
SERVER_ERRORS = re.compile(
    r"\[(ERROR|CRITICAL)\]|WORKER TIMEOUT|Traceback|Internal Server Error|\" 5\d\d "
)


def server_errors(logs: Path) -> None:
    """What the app servers and workers logged as errors (gunicorn's own: a worker
    killed on timeout, a socket error; Django's: an exception in a view)."""
    lines = []
    for log in sorted(logs.glob("*.log")):
        for line in log.read_text(errors="replace").splitlines():
            if SERVER_ERRORS.search(line):
                lines.append(f"{log.name}: {line.strip()[:200]}")
    print(f"Errors logged by the servers and workers: {len(lines)}")
    for line in lines[:20]:
        print(f"  {line}")


def main() -> None:
    args = parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        sys.exit("Set DATABASE_URL to postgres://…/<load database> (created and dropped here).")
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS
    os.environ.setdefault("LOAD_PRIVATE_ROOT", tempfile.mkdtemp(prefix="parcours-load-"))
    name, maintenance = maintenance_url(url)
    if exists(maintenance, name):
        if not args.replace:
            sys.exit(f"The database {name!r} exists already: drop it, or pass --replace.")
        admin(maintenance, sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
    admin(maintenance, sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    logs = Path(tempfile.mkdtemp(prefix="parcours-load-logs-"))
    processes = []
    try:
        import django

        django.setup()
        from django.core.cache import cache
        from django.db import connections

        cache.clear()
        sessions = prepare(args)
        connections.close_all()
        sessions_file = logs / "sessions.json"
        sessions_file.write_text(json.dumps(sessions))
        ports = [int(port) for port in args.ports.split(",")]
        bin_dir = Path(sys.executable).parent
        for port in ports:
            # Production's gunicorn settings (keep-alive, timeouts, no worker restarts),
            # on this port with the processes and threads asked.
            processes.append(
                start(
                    [
                        str(bin_dir / "gunicorn"),
                        "parcours.wsgi:application",
                        "--config",
                        str(ROOT / "deploy" / "gunicorn.conf.py"),
                        "--bind",
                        f"127.0.0.1:{port}",
                        "--workers",
                        str(args.web_workers),
                        "--threads",
                        str(args.threads),
                    ],
                    logs / f"web-{port}.log",
                )
            )
        for number in (1, 2):
            processes.append(
                start(
                    [sys.executable, "manage.py", "run_worker", "--worker-id", f"load-{number}"],
                    logs / f"worker-{number}.log",
                )
            )
        for port in ports:
            wait_until_up(port)
        print(
            f"Two app servers ({args.web_workers} gunicorn processes × {args.threads} threads "
            f"each, ports {args.ports}), two workers; {args.users} users at most; "
            f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}.",
            flush=True,
        )
        prefix = logs / "locust"
        environment = {
            **os.environ,
            "LOAD_HOSTS": ",".join(f"http://127.0.0.1:{port}" for port in ports),
            "LOAD_SESSIONS": str(sessions_file),
        }
        locust = subprocess.Popen(
            [
                str(bin_dir / "locust"),
                "-f",
                str(BENCH / "locustfile.py"),
                "--headless",
                "--users",
                str(args.users),
                "--spawn-rate",
                str(args.spawn_rate),
                "--run-time",
                f"{args.duration}s",
                "--csv",
                str(prefix),
                "--only-summary",
                "--loglevel",
                "WARNING",
                "--exit-code-on-error",
                "0",
            ],
            cwd=ROOT,
            env=environment,
            start_new_session=True,
        )
        processes.append(locust)
        loads = []  # the machine's load average during the run, every five seconds
        while locust.poll() is None:
            loads.append(os.getloadavg()[0])
            time.sleep(5)
        if locust.returncode:
            sys.exit(f"locust ended with status {locust.returncode}.")
        report(prefix, args.duration)
        if loads:
            print(
                f"Load average during the run (1 min, {os.cpu_count()} CPUs): "
                f"min {min(loads):.1f}, mean {sum(loads) / len(loads):.1f}, max {max(loads):.1f}"
            )
        server_errors(logs)
        from django_tasks_db.models import DBTaskResult

        from parcours.outbox.models import OutboxMessage

        time.sleep(5)
        print(
            "After the run: tasks",
            dict(
                DBTaskResult.objects.values_list("status").annotate(n=django.db.models.Count("id"))
            ),
            "outbox",
            dict(
                OutboxMessage.objects.values_list("status").annotate(n=django.db.models.Count("id"))
            ),
        )
        print(f"Logs: {logs}")
    finally:
        for process in processes:
            stop(process)
        from django.db import connections

        connections.close_all()
        if not args.keep:
            admin(
                maintenance,
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)),
            )
            print(f"Dropped the load database {name!r}.")


if __name__ == "__main__":
    main()
