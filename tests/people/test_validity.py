"""Until when the person's data count: data past their validity (or older than a
procedure accepts) are not prefilled, the person is told why, and giving them again
renews them; the person reads the validity of each datum on /mes-informations/."""

import copy
import datetime
from http import HTTPStatus

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from parcours.cases import prefill
from parcours.cases import services as case_services
from parcours.catalog.form_definition import validate_definition
from parcours.people import validity
from parcours.people.enums import DataKind, DataOrigin
from parcours.people.services import person_update_profile
from tests.cases.tell_us_once import ANSWERS, FORM
from tests.factories import ProcedureFactory

pytestmark = pytest.mark.sqlite

STALE = "Cette information date de plus de 12 mois, merci de la confirmer."


def _form(max_age_days=None) -> dict:
    form = copy.deepcopy(FORM)
    if max_age_days:
        for field in form["fields"]:
            if field["name"] == "city":
                field["prefill_max_age_days"] = max_age_days
    return form


@pytest.fixture
def procedure(unit_1, monkeypatch):
    monkeypatch.setattr(case_services, "_after_commit_render_receipt", lambda receipt: None)
    return ProcedureFactory(handling_unit=unit_1, version=_form())


def days_ago(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


def verified_address(person, *, days: int):
    validity.record(
        person, [DataKind.POSTAL_ADDRESS], origin=DataOrigin.VERIFIED, at=days_ago(days)
    )
    person.refresh_from_db()
    return person


def draft_for(person, procedure):
    return case_services.case_create_draft(person=person, procedure=procedure, by=person.user)


def test_an_address_verified_by_an_agent_counts_for_the_period_of_its_kind(citizen_a, settings):
    settings.PARCOURS_DATA_VALIDITY_DAYS = {"postal_address": 365}
    verified_address(citizen_a, days=10)
    held = validity.validity_of(citizen_a, DataKind.POSTAL_ADDRESS)
    assert held.origin == DataOrigin.VERIFIED
    assert held.valid_until == timezone.localdate(days_ago(10)) + datetime.timedelta(days=365)
    # Declared data have no end.
    assert validity.validity_of(citizen_a, DataKind.PHONE).valid_until is None


def test_valid_data_are_prefilled(citizen_a, procedure, settings):
    settings.PARCOURS_DATA_VALIDITY_DAYS = {"postal_address": 365}
    verified_address(citizen_a, days=100)
    case = draft_for(citizen_a, procedure)
    assert case.form_data["city"] == "Bellerive"
    assert case.prefilled["city"]["source"] == "profile"


def test_data_past_their_validity_are_asked_again_with_a_polite_word(
    citizen_a, procedure, settings
):
    settings.PARCOURS_DATA_VALIDITY_DAYS = {"postal_address": 365}
    verified_address(citizen_a, days=400)

    case = draft_for(citizen_a, procedure)

    assert "city" not in case.form_data
    assert "city" not in case.prefilled
    # The phone, declared, is still taken.
    assert case.form_data["phone"] == "06 12 34 56 78"
    offered = prefill.offers(person=citizen_a, definition=_form())
    shown = prefill.origins(definition=_form(), offered=offered, records={}, values={})
    assert shown["city"].citizen_text == STALE
    assert shown["city"].change_text == ""


def test_the_form_page_says_why_the_address_is_asked_again(client, citizen_a, procedure, settings):
    settings.PARCOURS_DATA_VALIDITY_DAYS = {"postal_address": 365}
    verified_address(citizen_a, days=400)
    case = draft_for(citizen_a, procedure)
    client.force_login(citizen_a.user)
    page = client.get(reverse("portal:apply_step", args=[case.pk, 2]))
    assert page.status_code == HTTPStatus.OK
    html = page.content.decode()
    assert "Cette information date de plus de 12 mois, merci de la confirmer." in html
    assert 'value="Bellerive"' not in html


def test_an_address_given_again_in_a_request_is_renewed(citizen_a, procedure, settings):
    settings.PARCOURS_DATA_VALIDITY_DAYS = {"postal_address": 365}
    verified_address(citizen_a, days=400)
    case = draft_for(citizen_a, procedure)
    case = case_services.case_update_draft(
        case=case, by=citizen_a.user, form_data={**ANSWERS, "city": "Bellerive"}
    )
    case_services.case_submit(case=case, by=citizen_a.user)

    citizen_a.refresh_from_db()
    held = validity.validity_of(citizen_a, DataKind.POSTAL_ADDRESS)
    assert held.origin == DataOrigin.DECLARED
    assert held.is_valid()
    assert timezone.now() - held.recorded_at < datetime.timedelta(minutes=1)
    assert draft_for(citizen_a, procedure).form_data["city"] == "Bellerive"


def test_a_different_answer_is_the_requests_own_and_renews_nothing(citizen_a, procedure, settings):
    settings.PARCOURS_DATA_VALIDITY_DAYS = {"postal_address": 365}
    verified_address(citizen_a, days=400)
    case = draft_for(citizen_a, procedure)
    case = case_services.case_update_draft(
        case=case, by=citizen_a.user, form_data={**ANSWERS, "city": "Montreuil"}
    )
    case_services.case_submit(case=case, by=citizen_a.user)
    citizen_a.refresh_from_db()
    assert not validity.validity_of(citizen_a, DataKind.POSTAL_ADDRESS).is_valid()
    assert "city" not in draft_for(citizen_a, procedure).form_data


def test_the_profile_saved_again_renews_its_data(citizen_a, procedure, settings):
    settings.PARCOURS_DATA_VALIDITY_DAYS = {"postal_address": 365}
    verified_address(citizen_a, days=400)
    person_update_profile(user=citizen_a.user, by=citizen_a.user, data={"city": "Bellerive"})
    citizen_a.refresh_from_db()
    assert draft_for(citizen_a, procedure).form_data["city"] == "Bellerive"


def test_a_procedure_asking_for_recent_data_does_not_take_older_declared_data(citizen_a, unit_1):
    recent = ProcedureFactory(handling_unit=unit_1, code="REC", version=_form(max_age_days=90))
    validity.record(
        citizen_a, [DataKind.POSTAL_ADDRESS], origin=DataOrigin.DECLARED, at=days_ago(200)
    )
    citizen_a.refresh_from_db()
    offered = prefill.offers(person=citizen_a, definition=recent.current_version.form_definition)
    assert offered["city"].value == ""
    assert offered["city"].stale == (
        "Cette information date de plus de 3 mois, merci de la confirmer."
    )
    # The same data, given 10 days ago, are taken.
    validity.record(
        citizen_a, [DataKind.POSTAL_ADDRESS], origin=DataOrigin.DECLARED, at=days_ago(10)
    )
    citizen_a.refresh_from_db()
    case = draft_for(citizen_a, recent)
    assert case.form_data["city"] == "Bellerive"


def test_a_certified_identity_never_expires(citizen_a, procedure):
    citizen_a.identity_certified = True
    citizen_a.save()
    validity.record(citizen_a, [DataKind.IDENTITY], origin=DataOrigin.CERTIFIED, at=days_ago(4000))
    citizen_a.refresh_from_db()
    assert draft_for(citizen_a, procedure).form_data["given_name"] == "Alice"


@pytest.mark.parametrize("max_age", [0, -3, "90", 4000, True])
def test_a_wrong_maximum_age_is_refused_when_the_version_is_saved(max_age):
    form = _form()
    form["fields"][4]["prefill_max_age_days"] = max_age
    with pytest.raises(ValidationError, match="prefill_max_age_days"):
        validate_definition(form)


def test_the_person_reads_until_when_each_datum_counts(client, citizen_a, settings):
    settings.PARCOURS_DATA_VALIDITY_DAYS = {"postal_address": 365, "phone": 730}
    verified_address(citizen_a, days=400)
    validity.record(citizen_a, [DataKind.PHONE], origin=DataOrigin.VERIFIED, at=days_ago(30))
    client.force_login(citizen_a.user)
    html = client.get(reverse("portal:information")).content.decode()
    assert "Expirée le" in html
    assert "elle vous sera redemandée" in html
    assert "Valable jusqu&#x27;au" in html
    assert "Sans limite de durée" in html
    assert "Vérifiée par un agent" in html


def test_another_persons_validity_is_not_shown(client, citizen_a, citizen_b, settings):
    settings.PARCOURS_DATA_VALIDITY_DAYS = {"postal_address": 365}
    verified_address(citizen_a, days=400)
    client.force_login(citizen_b.user)
    html = client.get(reverse("portal:information")).content.decode()
    assert "Expirée le" not in html
    assert "Vérifiée par un agent" not in html
