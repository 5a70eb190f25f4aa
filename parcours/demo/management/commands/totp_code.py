"""Print the current second-factor code of an agent, to sign in to the demo or a
development site without an authenticator app. Refused unless DEBUG is on."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from parcours.accounts import two_factor
from parcours.accounts.models import User


class Command(BaseCommand):
    help = _(
        "Affiche le code à usage unique actuel d'un agent (démonstration et développement "
        "seulement)."
    )

    def add_arguments(self, parser):
        parser.add_argument("email", help=_("Adresse électronique de l'agent."))

    def handle(self, *args, email, **options):
        if not settings.DEBUG:
            raise CommandError(
                _(
                    "Cette commande ne sert qu'à la démonstration et au développement "
                    "(DEBUG activé) : en production, chaque agent lit son code dans son "
                    "application d'authentification."
                )
            )
        user = User.objects.filter(email__iexact=email.strip()).first()
        device = two_factor.confirmed_device(user) if user else None
        if device is None:
            raise CommandError(
                _(
                    "Aucune application d'authentification enregistrée pour %(email)s. "
                    "(make demo en donne une à chaque agent de la démonstration.)"
                )
                % {"email": email}
            )
        code, seconds = two_factor.current_code(device)
        self.stdout.write(code)
        if options.get("verbosity", 1) > 1:
            self.stderr.write(_("Valable encore %(seconds)s secondes.") % {"seconds": seconds})
