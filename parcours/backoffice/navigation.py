"""The agents' navigation, as a table: their work in groups, each group and link shown
only to the roles it opens (``templates/backoffice/_navigation.html`` draws it).

A link is marked as the current page (``aria-current="page"``) when the page's URL
name is one of its ``names``, starts with its ``prefix``, or belongs to its
``namespace``. Roles: ``"agent"`` (every agent), ``"manager"`` (a unit's manager or an
administrator, ``request.agent_is_manager``), ``"admin"`` (an organisation's
administrator, who is also a manager).
"""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from parcours.organisations.enums import AgentRole


@dataclass(frozen=True)
class Link:
    label: Promise
    url: str
    names: tuple[str, ...] = ()
    prefix: str = ""
    namespace: str = ""
    role: str = "agent"

    def is_current(self, match) -> bool:
        if match is None:
            return False
        if self.namespace:
            return self.namespace in (match.namespace, match.app_name)
        if self.prefix:
            return match.url_name.startswith(self.prefix)
        return match.url_name in (self.names or (self.url.rsplit(":", 1)[-1],))


@dataclass(frozen=True)
class Group:
    id: str
    label: Promise
    links: tuple[Link, ...]
    role: str = "agent"


GROUPS = (
    Group(
        "cases",
        _("Dossiers"),
        (
            Link(_("Ma file"), "backoffice:home", names=("home", "queue")),
            Link(_("Mes dossiers"), "backoffice:my_cases"),
            Link(_("Recherche"), "backoffice:search"),
            Link(
                _("Rendez-vous"),
                "backoffice:appointments",
                names=("appointments", "appointments_day", "appointments_week"),
            ),
            Link(_("Avis demandés"), "backoffice:opinions", names=("opinions", "opinion")),
            Link(_("Parcours"), "journeys_backoffice:list", namespace="journeys_backoffice"),
        ),
    ),
    Group(
        "contacts",
        _("Contacts"),
        (
            Link(
                _("Appel, visite, courrier"),
                "channels:contact_new",
                names=("contact_new", "person_contact"),
            ),
            Link(_("Courriels à trier"), "channels:triage", names=("triage", "inbound")),
            Link(_("Demandes de rappel"), "channels:callbacks", names=("callbacks", "callback")),
            Link(
                _("Fiches en double"),
                "channels:duplicates",
                names=("duplicates", "duplicate_pair"),
                role="manager",
            ),
        ),
    ),
    Group(
        "people",
        _("Écoute et droits"),
        (
            Link(_("Écoute"), "backoffice:listening"),
            Link(
                _("Demandes sur les données"),
                "backoffice:rights_requests",
                names=("rights_requests", "rights_request"),
                role="manager",
            ),
            Link(_("Consultations hors service"), "backoffice:accesses", role="manager"),
        ),
    ),
    Group(
        "steering",
        _("Pilotage"),
        (
            Link(_("Équipe"), "backoffice:team_home", names=("team_home", "team")),
            Link(_("Statistiques"), "stats:dashboard", namespace="stats"),
            Link(
                _("Modèles de message"),
                "backoffice:message_templates",
                names=("message_templates", "message_template", "message_template_new"),
            ),
        ),
        role="manager",
    ),
    Group(
        "admin",
        _("Administration"),
        (
            Link(_("Atelier des démarches"), "backoffice:studio", prefix="studio"),
            Link(_("Clés Open311"), "backoffice:open311_keys"),
            Link(_("Webhooks"), "backoffice:webhooks", prefix="webhook"),
        ),
        role="admin",
    ),
)


def roles_of(request) -> set[str]:
    roles = {"agent"}
    if getattr(request, "agent_is_manager", False):
        roles.add("manager")
        agent = getattr(request, "agent", None)
        if agent is not None and agent.role == AgentRole.ORGANISATION_ADMIN:
            roles.add("admin")
    return roles


def navigation_for(request) -> list[dict]:
    """The groups and links this agent is offered, each link with its address and
    whether it is the current page."""
    roles = roles_of(request)
    match = getattr(request, "resolver_match", None)
    return [
        {
            "id": group.id,
            "label": group.label,
            "links": [
                {"label": link.label, "href": reverse(link.url), "current": link.is_current(match)}
                for link in group.links
                if link.role in roles
            ],
        }
        for group in GROUPS
        if group.role in roles
    ]
