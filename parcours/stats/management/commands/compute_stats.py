import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from parcours.organisations.models import Organisation
from parcours.stats.aggregation import compute_period
from parcours.stats.tasks import compute_stats


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"Not a date (YYYY-MM-DD): {value!r}") from error


class Command(BaseCommand):
    help = "Recompute the daily statistics of a period (every day from --from to --to included)."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="since", help="first day, YYYY-MM-DD (default: today)")
        parser.add_argument("--to", dest="until", help="last day, YYYY-MM-DD (default: today)")
        parser.add_argument(
            "--organisation", action="append", help="slug of an organisation (repeatable)"
        )
        parser.add_argument(
            "--enqueue", action="store_true", help="hand the work to the background worker"
        )

    def handle(self, *args, since=None, until=None, organisation=None, enqueue=False, **options):
        today = timezone.localdate()
        since = _date(since) if since else today
        until = _date(until) if until else today
        if since > until:
            raise CommandError("--from must not be after --to.")
        ids = None
        if organisation:
            found = dict(
                Organisation.objects.filter(slug__in=organisation).values_list("slug", "pk")
            )
            missing = sorted(set(organisation) - set(found))
            if missing:
                raise CommandError(f"Unknown organisation: {', '.join(missing)}")
            ids = list(found.values())
        if enqueue:
            result = compute_stats.enqueue(since.isoformat(), until.isoformat(), ids)
            self.stdout.write(f"Enqueued as task {result.id}.")
            return
        done = compute_period(since, until, ids)
        self.stdout.write(
            f"{done['days']} days recomputed, {done['rows']} rows, in {done['seconds']:.1f} s."
        )
