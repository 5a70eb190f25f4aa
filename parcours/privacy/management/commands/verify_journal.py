"""Check the access journal's hash chain; name the first broken entry (exit status 1)."""

from django.core.management.base import BaseCommand, CommandError

from parcours.privacy.journal import verify_chain


class Command(BaseCommand):
    help = (
        "Verify the access journal: every entry's hash and its link to the previous one. "
        "Exits with status 1 and names the first broken entry when the chain does not hold."
    )

    def handle(self, *args, **options):
        checked, broken = verify_chain()
        if broken is not None:
            raise CommandError(
                f"Access journal broken at entry {broken.entry_id}: {broken.reason}. "
                f"{checked} entries before it are intact."
            )
        self.stdout.write(self.style.SUCCESS(f"Access journal intact: {checked} entries checked."))
