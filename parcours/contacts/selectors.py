"""Reads on the exchanges with citizens, with access rules built in."""

from django.db.models import QuerySet

from parcours.cases.enums import CaseState
from parcours.cases.models import Case
from parcours.organisations.models import Unit
from parcours.people.models import Person

from .models import CallbackRequest, Message


def messages_of_case(user, case: Case) -> QuerySet[Message]:
    """A case's thread, oldest first, as far as the user may read it."""
    return (
        Message.objects.visible_to(user)
        .filter(case=case)
        .select_related("author", "unit")
        .order_by("created_at", "pk")
    )


def general_messages_of(user) -> QuerySet[Message]:
    """The signed-in person's messages that are about no case, oldest first."""
    if not getattr(user, "is_authenticated", False):
        return Message.objects.none()
    return (
        Message.objects.visible_to(user)
        .filter(person__user=user, case__isnull=True)
        .select_related("author", "unit")
        .order_by("created_at", "pk")
    )


def cases_to_write_about(user) -> QuerySet[Case]:
    """The person's own submitted cases, newest first."""
    if not getattr(user, "is_authenticated", False):
        return Case.objects.none()
    return (
        Case.objects.owned_by(user)
        .exclude(state=CaseState.DRAFT)
        .select_related("procedure")
        .order_by("-created_at")
    )


def units_to_contact(user) -> QuerySet[Unit]:
    """The active units of the administrations that know the signed-in person."""
    if not getattr(user, "is_authenticated", False):
        return Unit.objects.none()
    return (
        Unit.objects.filter(
            is_active=True,
            organisation__in=Person.objects.filter(user=user).values("organisation"),
        )
        .select_related("organisation")
        .order_by("organisation__name", "name")
    )


def person_for(user, unit: Unit) -> Person | None:
    """The person record of a user at the administration of a unit."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Person.objects.filter(user=user, organisation_id=unit.organisation_id).first()


def own_callback_request(user, pk: int) -> QuerySet[CallbackRequest]:
    if not getattr(user, "is_authenticated", False):
        return CallbackRequest.objects.none()
    return CallbackRequest.objects.filter(person__user=user, pk=pk).select_related(
        "unit", "unit__organisation"
    )


def person_for_phone(user) -> Person | None:
    """The person record whose phone number prefills a call-back request."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Person.objects.filter(user=user).exclude(phone="").order_by("pk").first()
