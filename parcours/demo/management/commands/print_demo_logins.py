"""Print where to go and how to sign in to the demo (called by ``make serve``)."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from parcours.accounts.models import User
from parcours.demo.story import (
    ADMIN_EMAIL,
    AGENT_LOGINS,
    CITIZEN_LOGINS,
    DEMO_PASSWORD,
    STORY_ORGANISATIONS,
)
from parcours.demo.two_factor import DEMO_TOTP_SECRET
from parcours.organisations.enums import AgentRole


def demo_logins() -> list[tuple[str, str, str]]:
    """(email, role, details) for every demo account, in the order we present them."""
    organisations = {o.slug: o for o in STORY_ORGANISATIONS}
    roles = dict(AgentRole.choices)
    rows = [(ADMIN_EMAIL, _("Superutilisateur / superuser"), _("Administration Django"))]
    for login in AGENT_LOGINS:
        organisation = organisations[login.organisation]
        units = {u.slug: u.name for u in organisation.units}
        where = (
            ", ".join(units[slug] for slug in login.units)
            if login.units
            else _("tous les services")
        )
        rows.append(
            (
                login.email,
                f"{roles[login.role]}, {organisation.name}",
                f"{login.title} — {where}",
            )
        )
    for citizen in CITIZEN_LOGINS:
        rows.append(
            (
                citizen.email,
                _("Usager / citizen"),
                _("%(name)s, des dossiers dans plusieurs états")
                % {"name": f"{citizen.given_name} {citizen.family_name}"},
            )
        )
    return rows


class Command(BaseCommand):
    help = _("Affiche l'adresse du site et les comptes de démonstration.")

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")

    def handle(self, *args, port=8000, host="127.0.0.1", **options):
        url = f"http://{host}:{port}"
        rule = "─" * 78
        write = self.stdout.write
        write(rule)
        write(self.style.SUCCESS(_("Parcours — démonstration / demo")))
        write(rule)
        write(_("Site / website            : %(url)s/") % {"url": url})
        write(_("Administration / admin    : %(url)s/admin/") % {"url": url})
        write(
            _("Mot de passe / password   : %(password)s (pour tous les comptes / every account)")
            % {"password": DEMO_PASSWORD}
        )
        write(
            _("Agents / agents           : %(url)s/agents/ — %(help)s")
            % {
                "url": url,
                "help": _("mot de passe, puis code à usage unique / password, then one-time code"),
            }
        )
        write(
            _("  clé TOTP / TOTP secret  : %(secret)s (application d'authentification)")
            % {"secret": DEMO_TOTP_SECRET}
        )
        write(_("  ou / or                 : .venv/bin/python manage.py totp_code <email>"))
        write(
            _("Aidants / helpers         : %(url)s/aidant/ — %(help)s")
            % {"url": url, "help": _("mot de passe seul / password only")}
        )
        write("")
        write(_("Comptes / logins :"))
        logins = demo_logins()
        width = max(len(email) for email, _role, _details in logins)
        for email, role, details in logins:
            write(f"  {email:<{width}}  {role}")
            write(f"  {'':<{width}}  {details}")
        if not User.objects.filter(email=ADMIN_EMAIL).exists():
            write("")
            write(
                self.style.WARNING(
                    _(
                        "Les comptes de démonstration ne sont pas chargés dans cette base : "
                        "lancez « make demo » (ou manage.py load_demo). / The demo accounts are "
                        "not loaded: run « make demo »."
                    )
                )
            )
        write(rule)
