"""Print a new API token for an agent, for their scripts: ``manage.py api_token <email>``."""

from django.core.management.base import BaseCommand, CommandError

from parcours.accounts.models import User
from parcours.api.services import ApiTokenError, api_token_create
from parcours.organisations.selectors import agent_for


class Command(BaseCommand):
    help = "Make a new API token for an agent and print it (it is shown only once)."

    def add_arguments(self, parser):
        parser.add_argument("email", help="the agent's email address")
        parser.add_argument("--name", default="script", help="what the token is for")

    def handle(self, *args, email, name, **options):
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"No account has the address {email!r}.")
        try:
            _record, token = api_token_create(agent=agent_for(user), name=name)
        except ApiTokenError as error:
            raise CommandError(error.message) from None
        self.stdout.write(token)
