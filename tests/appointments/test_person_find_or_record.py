"""An agent books for a person on the phone or at the counter: the person's record is
found from their name and a way to reach them, or recorded."""

import pytest

from parcours.appointments import services
from parcours.appointments.errors import AppointmentError, NotAllowed
from parcours.people.models import Person
from tests.factories import OrganisationFactory, PersonFactory

pytestmark = pytest.mark.sqlite


@pytest.fixture
def jeanne(organisation):
    return PersonFactory(
        organisation=organisation,
        offline=True,
        given_name="Jeanne",
        family_name="Leroy",
        email="jeanne@example.org",
        phone="06 11 22 33 44",
    )


@pytest.mark.parametrize(
    "reach", [{"email": "Jeanne@Example.ORG"}, {"phone": "0611223344"}, {"phone": "06.11.22.33.44"}]
)
def test_a_person_with_the_same_name_and_address_or_phone_is_found(
    organisation, agent_1, jeanne, reach
):
    person, recorded = services.person_find_or_record(
        organisation=organisation,
        by=agent_1.user,
        given_name=" jeanne",
        family_name="LEROY",
        **reach,
    )

    assert (person, recorded) == (jeanne, False)
    assert Person.objects.count() == 1


def test_the_same_name_with_another_phone_is_someone_else_recorded_anew(
    organisation, agent_1, jeanne
):
    person, recorded = services.person_find_or_record(
        organisation=organisation,
        by=agent_1.user,
        given_name="Jeanne",
        family_name="Leroy",
        phone="07 99 88 77 66",
    )

    assert recorded is True
    assert person != jeanne
    assert (person.organisation, person.phone, person.user) == (
        organisation,
        "07 99 88 77 66",
        None,
    )


def test_a_person_of_another_administration_is_never_found(organisation, agent_1):
    PersonFactory(
        organisation=OrganisationFactory(),
        given_name="Jeanne",
        family_name="Leroy",
        email="j@example.org",
    )

    person, recorded = services.person_find_or_record(
        organisation=organisation,
        by=agent_1.user,
        given_name="Jeanne",
        family_name="Leroy",
        email="j@example.org",
    )

    assert recorded is True
    assert person.organisation == organisation


def test_recording_needs_a_way_to_reach_the_person(organisation, agent_1):
    with pytest.raises(AppointmentError) as error:
        services.person_find_or_record(
            organisation=organisation, by=agent_1.user, given_name="Jeanne", family_name="Leroy"
        )

    assert error.value.field == "phone"
    assert not Person.objects.exists()


def test_only_agents_of_the_administration_find_or_record_people(organisation, helper, jeanne):
    with pytest.raises(NotAllowed):
        services.person_find_or_record(
            organisation=organisation,
            by=helper.user,
            given_name="Jeanne",
            family_name="Leroy",
            email="jeanne@example.org",
        )
