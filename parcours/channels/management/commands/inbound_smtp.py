import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from parcours.channels import smtp


class Command(BaseCommand):
    help = (
        "Receive the administration's email over SMTP (aiosmtpd): replies to cases, "
        "messages to the units' addresses. See docs/channels.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default=settings.PARCOURS_INBOUND_HOST)
        parser.add_argument("--port", type=int, default=settings.PARCOURS_INBOUND_PORT)

    def handle(self, *args, host, port, **options):
        if not (settings.PARCOURS_INBOUND_DOMAINS or settings.PARCOURS_INBOUND_REPLY_DOMAIN):
            raise CommandError(
                "No domain to receive mail for: set PARCOURS_INBOUND_DOMAINS "
                "(docs/configuration.md)."
            )
        server = smtp.controller(host=host, port=port)
        stop = threading.Event()
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: stop.set())
        server.start()
        domains = sorted(
            set(settings.PARCOURS_INBOUND_DOMAINS) | {settings.PARCOURS_INBOUND_REPLY_DOMAIN} - {""}
        )
        self.stdout.write(
            f"Receiving mail for {', '.join(domains)} on {host}:{port} "
            f"(largest message {settings.PARCOURS_INBOUND_MAX_BYTES} bytes). Ctrl+C to stop."
        )
        try:
            stop.wait()
        finally:
            server.stop()
            self.stdout.write("Stopped.")
