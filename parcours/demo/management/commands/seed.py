"""Generate a large volume of realistic data for benchmarks, with the demo's generator.

manage.py seed --cases 1000000 --people 100000 [--organisations 3]
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils.translation import gettext as _

from parcours.demo.flush import flush_domain, has_domain_data
from parcours.demo.generator import Volume, generate
from parcours.demo.two_factor import enrol_demo_agents


class Command(BaseCommand):
    help = _("Génère un grand volume de données réalistes (bancs d'essai).")

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, default=100_000, help=_("Nombre de dossiers."))
        parser.add_argument(
            "--people", type=int, default=None, help=_("Nombre d'usagers (défaut : dossiers / 10).")
        )
        parser.add_argument(
            "--organisations", type=int, default=3, help=_("Nombre d'administrations (3 au moins).")
        )
        parser.add_argument(
            "--agents-per-unit", type=int, default=2, help=_("Agents générés par service.")
        )
        parser.add_argument(
            "--method",
            choices=["auto", "copy", "bulk_create"],
            default="auto",
            help=_("auto : COPY sur PostgreSQL, bulk_create ailleurs."),
        )
        parser.add_argument(
            "--chunk-size", type=int, default=50_000, help=_("Dossiers écrits par lot.")
        )
        parser.add_argument("--seed", type=int, default=2026, help=_("Graine du hasard."))
        parser.add_argument(
            "--reset", action="store_true", help=_("Efface d'abord toutes les données métier.")
        )

    def handle(self, *args, **options):
        cases = options["cases"]
        people = options["people"] or max(cases // 10, 10 * options["organisations"])
        volume = Volume(
            people=people,
            cases=cases,
            organisations=options["organisations"],
            agents_per_unit=options["agents_per_unit"],
        )
        try:
            volume.check()
        except ValueError as error:
            raise CommandError(str(error)) from None
        if has_domain_data():
            if not options["reset"]:
                raise CommandError(
                    _("La base contient déjà des données : relancez avec --reset pour les effacer.")
                )
            self.stdout.write(_("Effacement des données métier…"))
            flush_domain()
        self.stdout.write(
            _("Génération de %(cases)s dossiers et %(people)s usagers (%(db)s)…")
            % {"cases": cases, "people": people, "db": connection.vendor}
        )
        verbose = options["verbosity"] > 1
        try:
            report = generate(
                volume,
                seed=options["seed"],
                method=options["method"],
                chunk_size=options["chunk_size"],
                log=self.stdout.write if verbose else None,
            )
        except ValueError as error:
            raise CommandError(str(error)) from None
        enrol_demo_agents()
        for label, count in sorted(report.rows.items()):
            self.stdout.write(f"  {label:<32} {count:>12,}".replace(",", " "))
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "%(rows)s lignes en %(seconds).1f s avec %(method)s : "
                    "%(speed)s lignes par seconde."
                )
                % {
                    "rows": f"{report.total_rows:,}".replace(",", " "),
                    "seconds": report.seconds,
                    "method": report.method,
                    "speed": f"{report.rows_per_second:,.0f}".replace(",", " "),
                }
            )
        )
