"""Tell us once: a draft takes what the administration already holds, and remembers
where each answer came from."""

import datetime

import pytest
from django.utils.formats import date_format

from parcours.cases import prefill, services
from parcours.cases.enums import PrefillSource
from parcours.people.models import Person
from tests.factories import OrganisationFactory, PersonFactory, UnitFactory

from .tell_us_once import ANSWERS, FORM, earlier_request, procedure_asking_again

pytestmark = pytest.mark.sqlite


@pytest.fixture
def procedure(unit_1):
    return procedure_asking_again(unit_1)


@pytest.fixture
def certified(citizen_a):
    citizen_a.identity_certified = True
    citizen_a.birth_date = datetime.date(1986, 4, 12)
    citizen_a.save()
    return citizen_a


def draft_for(person, procedure, **options):
    return services.case_create_draft(person=person, procedure=procedure, by=person.user, **options)


def test_a_new_draft_takes_a_certified_identity_and_says_it_is_certified(certified, procedure):
    case = draft_for(certified, procedure)

    assert case.form_data["given_name"] == "Alice"
    assert case.form_data["birth_date"] == "1986-04-12"
    assert case.prefilled["given_name"] == {
        "source": PrefillSource.IDENTITY,
        "attribute": "given_name",
        "value": "Alice",
    }
    assert case.prefilled["birth_date"]["source"] == PrefillSource.IDENTITY


def test_a_new_draft_takes_declared_data_from_the_profile(citizen_a, procedure):
    case = draft_for(citizen_a, procedure)

    assert case.form_data["phone"] == "06 12 34 56 78"
    assert case.form_data["city"] == "Bellerive"
    assert case.prefilled["phone"]["source"] == PrefillSource.PROFILE
    # Not certified: the identity is declared, from the profile too.
    assert case.prefilled["given_name"]["source"] == PrefillSource.PROFILE
    # Nothing known of the birth date: nothing filled in, no origin.
    assert "birth_date" not in case.form_data
    assert "birth_date" not in case.prefilled


def test_what_the_profile_lacks_comes_from_the_latest_earlier_request(citizen_a, procedure):
    older, _ = earlier_request(
        person=citizen_a, procedure=procedure, answers={**ANSWERS, "birth_date": "1980-01-01"}
    )
    latest, _ = earlier_request(person=citizen_a, procedure=procedure)

    case = draft_for(citizen_a, procedure)

    assert case.form_data["birth_date"] == "1986-04-12"
    assert case.prefilled["birth_date"] == {
        "source": PrefillSource.CASE,
        "attribute": "birth_date",
        "value": "1986-04-12",
        "reference": latest.reference,
        "received_on": latest.received_on.isoformat(),
    }
    origin = prefill.Origin.from_record(case.prefilled["birth_date"])
    day = date_format(latest.received_on, "j F Y")
    assert origin.citizen_text == (
        "Nous avons déjà cette information : elle vient de votre demande n° "
        f"{latest.reference} du {day}."
    )
    assert origin.origin_text == f"Repris de votre demande n° {latest.reference} du {day}"
    assert older.reference not in origin.citizen_text


def test_another_persons_requests_are_never_a_source(citizen_a, citizen_b, procedure):
    earlier_request(person=citizen_b, procedure=procedure)

    case = draft_for(citizen_a, procedure)

    assert "birth_date" not in case.form_data


def test_an_answer_from_the_profile_changed_by_the_person_loses_its_origin_and_not_the_profile(
    citizen_a, procedure
):
    case = draft_for(citizen_a, procedure)

    case = services.case_update_draft(
        case=case, by=citizen_a.user, form_data={"phone": "07 00 00 00 01", "city": "Bellerive"}
    )

    assert case.form_data["phone"] == "07 00 00 00 01"
    assert "phone" not in case.prefilled
    assert case.prefilled["city"]["source"] == PrefillSource.PROFILE
    citizen_a.refresh_from_db()
    assert citizen_a.phone == "06 12 34 56 78"


def test_a_certified_identity_cannot_be_changed_by_what_is_sent(certified, procedure):
    case = draft_for(certified, procedure)

    case = services.case_update_draft(
        case=case,
        by=certified.user,
        form_data={"given_name": "Mallory", "birth_date": "2001-01-01"},
    )

    assert case.form_data["given_name"] == "Alice"
    assert case.form_data["birth_date"] == "1986-04-12"
    assert case.prefilled["given_name"]["source"] == PrefillSource.IDENTITY
    assert Person.objects.get(pk=certified.pk).given_name == "Alice"


def test_an_answer_typed_back_to_the_value_held_takes_its_origin_again(citizen_a, procedure):
    case = draft_for(citizen_a, procedure)
    case = services.case_update_draft(case=case, by=citizen_a.user, form_data={"phone": ""})

    case = services.case_update_draft(
        case=case, by=citizen_a.user, form_data={"phone": " 06 12 34 56 78 "}
    )

    assert case.prefilled["phone"]["source"] == PrefillSource.PROFILE


def test_a_value_not_valid_for_the_field_is_not_offered(citizen_a, procedure):
    Person.objects.filter(pk=citizen_a.pk).update(phone="appelez-moi")
    citizen_a.refresh_from_db()

    assert "phone" not in prefill.offers(person=citizen_a, definition=FORM)


def test_a_form_without_prefill_asks_nothing_of_the_database(citizen_a, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert prefill.offers(person=citizen_a, definition={"fields": []}) == {}


def test_a_person_of_another_administration_gets_that_administrations_record(citizen_a):
    other = UnitFactory(organisation=OrganisationFactory(name="Département"))
    there = PersonFactory(organisation=other.organisation, user=citizen_a.user, city="Orléans")

    case = draft_for(there, procedure_asking_again(other))

    assert case.form_data["city"] == "Orléans"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (PrefillSource.IDENTITY, "Repris de FranceConnect (identité certifiée)"),
        (PrefillSource.PROFILE, "Repris de votre profil"),
    ],
)
def test_the_origin_is_said_in_plain_words(source, expected):
    origin = prefill.Origin(source=source, attribute="given_name", value="Alice")

    assert origin.origin_text == expected
    assert origin.citizen_text.startswith("Nous avons déjà cette information : elle vient de ")


def test_an_email_address_standing_in_for_a_name_is_not_offered_as_a_name(citizen_a, procedure):
    # What a record opened from an account without a name holds.
    Person.objects.filter(pk=citizen_a.pk).update(family_name="alice@example.org")
    citizen_a.refresh_from_db()

    case = draft_for(citizen_a, procedure)

    assert "family_name" not in case.form_data
    assert case.form_data["given_name"] == "Alice"


def submitted(person, procedure):
    case = draft_for(person, procedure)
    case = services.case_update_draft(
        case=case, by=person.user, form_data={"reason": "Un motif", "birth_date": "1986-04-12"}
    )
    return services.case_submit(case=case, by=person.user)


def test_a_correction_cannot_change_an_answer_taken_from_the_certified_identity(
    certified, procedure
):
    case = submitted(certified, procedure)

    correction = services.case_correct(
        case=case,
        by=certified.user,
        form_data={**case.form_data, "given_name": "Bob", "city": "Orléans"},
        explanation="Je n'habite plus à Bellerive.",
    )

    case.refresh_from_db()
    assert case.form_data["given_name"] == "Alice"
    assert [change["field"] for change in correction.changes] == ["city"]
    assert case.prefilled["given_name"]["source"] == PrefillSource.IDENTITY


def test_a_corrected_answer_taken_from_the_profile_is_no_longer_said_to_come_from_it(
    citizen_a, procedure
):
    case = submitted(citizen_a, procedure)
    assert case.prefilled["city"]["source"] == PrefillSource.PROFILE

    services.case_correct(
        case=case,
        by=citizen_a.user,
        form_data={**case.form_data, "city": "Orléans"},
        explanation="J'ai déménagé.",
    )

    case.refresh_from_db()
    assert case.form_data["city"] == "Orléans"
    assert "city" not in case.prefilled
    assert case.prefilled["phone"]["source"] == PrefillSource.PROFILE
