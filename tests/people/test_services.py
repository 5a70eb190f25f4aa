"""The profile is one for the person and written on every administration's record."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from parcours.people.enums import DisputeStatus, IdentityField
from parcours.people.models import IdentityDispute, Person
from parcours.people.services import identity_dispute_create, person_update_profile
from tests.factories import OrganisationFactory, PersonFactory

pytestmark = pytest.mark.sqlite


@pytest.fixture
def second_record(citizen_a):
    """Citizen A is also known by the departmental council."""
    return PersonFactory(
        organisation=OrganisationFactory(name="Département du Loiret"),
        user=citizen_a.user,
        given_name="Alice",
        family_name="Durand",
    )


def test_the_profile_is_written_on_every_record_of_the_user(citizen_a, second_record, citizen_b):
    person_update_profile(
        user=citizen_a.user,
        by=citizen_a.user,
        data={
            "phone": "07 00 00 00 01",
            "preferred_language": "en",
            "accessibility_needs": ["large_print"],
            "notify_by_email": False,
        },
    )

    for person in Person.objects.filter(user=citizen_a.user):
        assert person.phone == "07 00 00 00 01"
        assert person.preferred_language == "en"
        assert person.accessibility_needs == ["large_print"]
        assert person.notify_by_email is False
    citizen_b.refresh_from_db()
    assert citizen_b.phone == "06 12 34 56 78"
    assert citizen_b.notify_by_email is True


def test_a_certified_identity_is_never_changed_by_the_profile(citizen_a):
    Person.objects.filter(pk=citizen_a.pk).update(identity_certified=True)

    person_update_profile(
        user=citizen_a.user,
        by=citizen_a.user,
        data={"given_name": "Mallory", "birth_date": datetime.date(1990, 1, 1), "city": "Olivet"},
    )

    citizen_a.refresh_from_db()
    assert citizen_a.given_name == "Alice"
    assert citizen_a.birth_date is None
    assert citizen_a.city == "Olivet"


def test_an_uncertified_identity_can_be_corrected_by_the_person(citizen_a):
    person_update_profile(user=citizen_a.user, by=citizen_a.user, data={"given_name": "Alicia"})

    citizen_a.refresh_from_db()
    assert citizen_a.given_name == "Alicia"


def test_a_profile_without_any_way_to_reach_the_person_is_refused_and_nothing_changes(
    citizen_a, second_record
):
    with pytest.raises(ValidationError, match="au moins un moyen de vous joindre"):
        person_update_profile(
            user=citizen_a.user,
            by=citizen_a.user,
            data={"email": "", "phone": "", "street": "", "city": "Olivet"},
        )

    assert set(Person.objects.filter(user=citizen_a.user).values_list("city", flat=True)) == {
        "Bellerive"
    }


def test_an_unknown_accessibility_need_is_refused(citizen_a):
    with pytest.raises(ValidationError):
        person_update_profile(
            user=citizen_a.user, by=citizen_a.user, data={"accessibility_needs": ["telepathy"]}
        )


def test_only_profile_fields_can_be_written(citizen_a):
    with pytest.raises(ValueError, match="identity_certified"):
        person_update_profile(
            user=citizen_a.user, by=citizen_a.user, data={"identity_certified": True}
        )


def test_nobody_else_may_change_a_persons_profile(citizen_a, citizen_b, agent_1):
    for someone in [citizen_b.user, agent_1.user]:
        with pytest.raises(PermissionDenied):
            person_update_profile(user=citizen_a.user, by=someone, data={"city": "Ailleurs"})


def test_a_dispute_is_recorded_for_each_administration_holding_a_certified_record(
    citizen_a, second_record
):
    Person.objects.filter(user=citizen_a.user).update(identity_certified=True)

    disputes = identity_dispute_create(
        user=citizen_a.user,
        by=citizen_a.user,
        field=IdentityField.GIVEN_NAME,
        proposed_value=" Alice-Marie ",
        explanation="Mon deuxième prénom manque.",
    )

    assert len(disputes) == 2
    assert {d.organisation_id for d in disputes} == {
        citizen_a.organisation_id,
        second_record.organisation_id,
    }
    dispute = IdentityDispute.objects.get(person=citizen_a)
    assert dispute.proposed_value == "Alice-Marie"
    assert dispute.user == citizen_a.user
    assert dispute.status == DisputeStatus.OPEN
