from django.core.management import BaseCommand
from django.db.models import Count

from parcours.outbox.enums import OutboxStatus
from parcours.outbox.models import OutboxMessage
from parcours.outbox.services import deliver_due, outbox_retry


class Command(BaseCommand):
    help = (
        "The outbox of emails and other side effects: counts by state, the failed rows, "
        "sending them again (--retry-dead), or one delivery pass (--deliver)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--retry-dead", action="store_true", help="Queue failed rows again.")
        parser.add_argument("--deliver", action="store_true", help="Deliver due rows now.")

    def handle(self, *args, retry_dead=False, deliver=False, **options):
        if retry_dead:
            count = outbox_retry(queryset=OutboxMessage.objects.all())
            self.stdout.write(f"{count} failed row(s) queued again.")
        if deliver:
            self.stdout.write(f"{deliver_due(limit=10_000)} row(s) handled.")
        counts = dict(
            OutboxMessage.objects.values_list("status").annotate(n=Count("id")).order_by()
        )
        for status in OutboxStatus:
            self.stdout.write(f"{status.value:8} {counts.get(status.value, 0)}")
        for row in OutboxMessage.objects.filter(status=OutboxStatus.DEAD)[:20]:
            self.stdout.write(f"dead: {row.idempotency_key} ({row.attempts}) {row.last_error}")
