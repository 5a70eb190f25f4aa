"""Print a new Open311 api_key, for scripts: ``manage.py open311_key <admin email> --name …``."""

from django.core.management.base import BaseCommand, CommandError

from parcours.accounts.models import User
from parcours.open311.services import Open311KeyError, open311_key_create
from parcours.organisations.selectors import agent_for


class Command(BaseCommand):
    help = (
        "Make a new Open311 GeoReport v2 api_key in the name of an organisation "
        "administrator and print it (it is shown only once)."
    )

    def add_arguments(self, parser):
        parser.add_argument("email", help="the organisation administrator's email address")
        parser.add_argument("--name", required=True, help="the application that will use it")

    def handle(self, *args, email, name, **options):
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"No account has the address {email!r}.")
        try:
            _record, key = open311_key_create(by=agent_for(user), name=name)
        except Open311KeyError as error:
            raise CommandError(error.message) from None
        self.stdout.write(key)
