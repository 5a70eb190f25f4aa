"""Duplicate people: suggested by shared email, phone, or names and birth date; merged
by a manager with every history moved and an audit record on the kept person."""

import datetime
from http import HTTPStatus

import pytest
from django.urls import reverse

from parcours.channels import merges
from parcours.channels.enums import ContactChannel
from parcours.channels.errors import ChannelError
from parcours.channels.models import ContactRecord, NotDuplicate, PersonMerge
from parcours.contacts.enums import MessageDirection
from parcours.contacts.models import CallbackRequest, Message
from parcours.people.models import Person
from tests.backoffice.conftest import verified
from tests.factories import CaseFactory, PersonFactory

pytestmark = pytest.mark.sqlite


@pytest.fixture
def twin(organisation, citizen_a):
    """Alice again, recorded at the counter without an account."""
    return PersonFactory(
        organisation=organisation,
        user=None,
        given_name="alice",
        family_name="DURAND",
        email="",
        phone="+33 6 99 88 77 66",
        birth_date=datetime.date(1984, 3, 16),
        street="",
    )


@pytest.fixture
def alice(citizen_a):
    citizen_a.birth_date = datetime.date(1984, 3, 16)
    citizen_a.phone = "06.99.88.77.66"
    citizen_a.save()
    return citizen_a


def test_records_sharing_a_phone_or_names_and_birth_date_are_suggested_to_managers_only(
    alice, twin, citizen_b, manager, agent_1
):
    suggestions = merges.duplicate_suggestions(manager)

    assert [(s.first, s.second) for s in suggestions] == [(alice, twin)]
    assert suggestions[0].reasons == ["phone", "name_birth_date"]
    assert merges.duplicate_suggestions(agent_1) == []


def test_a_pair_said_to_be_two_people_is_no_longer_suggested(alice, twin, manager):
    merges.mark_not_duplicate(by=manager.user, first=twin, second=alice)

    assert merges.duplicate_suggestions(manager) == []
    assert NotDuplicate.objects.get().first == alice


def test_a_merge_moves_every_history_and_keeps_an_audit_record(
    alice, twin, manager, procedure, unit_1
):
    case = CaseFactory(procedure=procedure, person=twin, created_by=None)
    Message.objects.create(
        organisation=unit_1.organisation,
        person=twin,
        unit=unit_1,
        direction=MessageDirection.FROM_CITIZEN,
        body="Bonjour",
    )
    CallbackRequest.objects.create(
        organisation=unit_1.organisation,
        person=twin,
        unit=unit_1,
        phone=twin.phone,
        day=datetime.date(2026, 12, 1),
        half_day="morning",
        topic="Rappel",
    )
    ContactRecord.objects.create(
        organisation=unit_1.organisation,
        unit=unit_1,
        person=twin,
        channel=ContactChannel.COUNTER,
        occurred_at=datetime.datetime(2026, 11, 2, 9, tzinfo=datetime.UTC),
        subject="Visite",
    )
    alice.street = ""
    alice.save()
    twin.street = "8 rue Haute"
    twin.save()

    merge = merges.person_merge(by=manager.user, kept=alice, merged=twin, note="Vu au guichet")

    assert not Person.objects.filter(pk=twin.pk).exists()
    case.refresh_from_db()
    assert case.person == alice
    assert Message.objects.get().person == alice
    assert CallbackRequest.objects.get().person == alice
    assert ContactRecord.objects.get().person == alice
    alice.refresh_from_db()
    assert alice.street == "8 rue Haute"  # a blank filled from the removed record
    assert merge.merged_snapshot["family_name"] == "DURAND"
    assert merge.reasons == ["phone", "name_birth_date"]
    assert merge.moved["dossiers"] == 1
    assert merge.by_name == manager.display_name


def test_only_a_manager_of_the_same_administration_merges(alice, twin, agent_1):
    stranger = PersonFactory()

    with pytest.raises(ChannelError):
        merges.person_merge(by=agent_1.user, kept=alice, merged=twin)
    assert not PersonMerge.objects.exists()
    with pytest.raises(ChannelError):
        merges.person_merge(by=alice.user, kept=alice, merged=stranger)


def test_two_records_with_two_accounts_are_not_merged(alice, citizen_b, manager):
    with pytest.raises(ChannelError, match="deux comptes"):
        merges.person_merge(by=manager.user, kept=alice, merged=citizen_b)
    assert Person.objects.filter(pk=citizen_b.pk).exists()


def test_a_manager_merges_from_the_pages_and_the_kept_timeline_shows_the_merge(
    client, alice, twin, manager
):
    client = verified(client, manager.user)
    listing = client.get(reverse("channels:duplicates"))
    assert "même numéro de téléphone" in listing.content.decode()
    url = reverse("channels:duplicate_pair", args=[alice.pk, twin.pk])
    assert client.get(url).status_code == HTTPStatus.OK

    missing = client.post(url, {"action": "merge"})
    done = client.post(url, {"action": "merge", "keep": str(alice.pk), "note": "Même personne"})

    assert missing.status_code == HTTPStatus.BAD_REQUEST
    assert "Choisissez la fiche à garder" in missing.content.decode()
    assert done["Location"] == reverse("backoffice:person", args=[alice.pk])
    timeline = client.get(done["Location"]).content.decode()
    assert "Fusion de fiches" in timeline
    merge = PersonMerge.objects.get()
    audit = client.get(reverse("channels:merge", args=[merge.pk]))
    assert "Même personne" in audit.content.decode()


@pytest.mark.parametrize("who", ["agent_1", "helper", "citizen_a"])
def test_agents_helpers_and_citizens_cannot_see_or_merge_duplicates(
    client, request, alice, twin, who
):
    person = request.getfixturevalue(who)
    client = verified(client, person.user)
    url = reverse("channels:duplicate_pair", args=[alice.pk, twin.pk])

    assert client.get(reverse("channels:duplicates")).status_code == HTTPStatus.FORBIDDEN
    response = client.post(url, {"action": "merge", "keep": str(alice.pk)})

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert Person.objects.filter(pk=twin.pk).exists()


def test_a_manager_of_another_administration_does_not_find_the_records(client, alice, twin):
    from parcours.organisations.enums import AgentRole
    from tests.factories import AgentFactory

    outsider = AgentFactory(role=AgentRole.UNIT_MANAGER)
    client = verified(client, outsider.user)

    url = reverse("channels:duplicate_pair", args=[alice.pk, twin.pk])
    assert client.get(url).status_code == HTTPStatus.NOT_FOUND
