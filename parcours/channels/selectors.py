"""Reads of the channels, with the agent's scope built in."""

import datetime

from django.db.models import QuerySet

from parcours.cases.enums import CaseState
from parcours.cases.models import Case
from parcours.organisations import permissions
from parcours.people import search as people_search
from parcours.people.models import Person

from .models import InboundEmail

DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y")


def parse_date(text: str) -> datetime.date | None:
    for pattern in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    return None


def find_people(agent, query: str) -> list[Person]:
    """The people of the agent's organisation matching a name, an email, a phone
    number or a birth date (dd/mm/yyyy)."""
    query = (query or "").strip()
    if not query or agent is None:
        return []
    born = parse_date(query)
    if born is not None:
        return list(
            Person.objects.filter(organisation_id=agent.organisation_id, birth_date=born).order_by(
                "family_name", "given_name", "pk"
            )[: people_search.RESULTS_MAX]
        )
    return list(people_search.people(agent, query))


def people_of_organisation(agent) -> QuerySet[Person]:
    if agent is None:
        return Person.objects.none()
    return Person.objects.filter(organisation_id=agent.organisation_id)


def cases_for_contact(agent, person: Person) -> QuerySet[Case]:
    """The person's cases an agent may link an exchange to: those of their units."""
    return (
        Case.objects.filter(
            person=person,
            organisation_id=agent.organisation_id,
            unit__in=permissions.handled_units(agent),
        )
        .exclude(state=CaseState.DRAFT)
        .select_related("procedure")
        .order_by("-submitted_at", "-pk")
    )


def triage_of(agent) -> QuerySet[InboundEmail]:
    return (
        InboundEmail.objects.for_agent(agent)
        .in_triage()
        .select_related("unit", "suggested_case")
        .order_by("received_at", "pk")
    )
