"""Load the demo: three administrations of the Val-de-Loire, 300 people, 2,000 cases."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from parcours.demo.channels import seed_channels
from parcours.demo.flush import flush_domain, has_domain_data
from parcours.demo.generator import DEMO_VOLUME, generate
from parcours.demo.journeys import seed_journeys
from parcours.demo.listening import seed_listening
from parcours.demo.mandates import seed_mandates
from parcours.demo.message_templates import seed_message_templates
from parcours.demo.open311 import seed_open311
from parcours.demo.privacy import seed_privacy
from parcours.demo.private_fields import seed_private_fields
from parcours.demo.statistics import seed_statistics
from parcours.demo.two_factor import enrol_demo_agents


class Command(BaseCommand):
    help = _("Charge les données de démonstration (administrations, usagers, dossiers).")

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group()
        group.add_argument(
            "--if-empty",
            action="store_true",
            help=_("Ne fait rien si une administration existe déjà."),
        )
        group.add_argument(
            "--reset",
            action="store_true",
            help=_("Efface toutes les données métier, puis recharge la démonstration."),
        )
        parser.add_argument("--seed", type=int, default=2026, help=_("Graine du hasard."))

    def handle(self, *args, if_empty=False, reset=False, seed=2026, **options):
        if has_domain_data():
            if if_empty:
                self.stdout.write(
                    _("La démonstration est déjà chargée : rien à faire. (make demo la recharge.)")
                )
                return
            if not reset:
                raise CommandError(
                    _(
                        "La base contient déjà des données. Relancez avec --reset pour les "
                        "effacer et recharger la démonstration, ou avec --if-empty."
                    )
                )
            self.stdout.write(_("Effacement des données métier…"))
            flush_domain()
        verbose = options.get("verbosity", 1) > 1
        report = generate(DEMO_VOLUME, seed=seed, log=self.stdout.write if verbose else None)
        enrol_demo_agents()
        seed_message_templates()
        seed_open311()
        seed_channels(seed)
        seed_listening(seed)
        seed_mandates(seed)
        seed_journeys(seed)
        seed_private_fields(seed)
        seed_statistics()
        seed_privacy()
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Démonstration chargée en %(seconds).1f s : %(people)s usagers, "
                    "%(cases)s dossiers, %(rows)s lignes."
                )
                % {
                    "seconds": report.seconds,
                    "people": report.rows.get("people.Person", 0),
                    "cases": report.rows.get("cases.Case", 0),
                    "rows": report.total_rows,
                }
            )
        )
